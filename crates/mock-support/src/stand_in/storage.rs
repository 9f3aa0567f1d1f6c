//! The second origin, where finished jobs' result URLs point: it serves their audio to anyone,
//! and notes whether a request brought the API key (a header the spec sends it in, or the
//! accepted key in any header), which never belongs there.

use std::collections::HashMap;

use super::audio;

pub(crate) struct Storage {
    /// `http://127.0.0.1:<port>`.
    origin: String,
    /// What result URLs carry after `?` (a signed URL's signature), if anything.
    query: Option<String>,
    /// Published paths and their media types.
    files: HashMap<String, &'static str>,
    pub requests: usize,
    pub saw_key: bool,
}

impl Storage {
    pub(crate) fn new(origin: String, query: Option<String>) -> Self {
        Self {
            origin,
            query,
            files: HashMap::new(),
            requests: 0,
            saw_key: false,
        }
    }

    /// Publishes the result of job `folder` and returns its URL: named like the documented URL's
    /// file (`speech.mp3`), so the media type follows the documented format.
    pub(crate) fn publish(&mut self, folder: &str, documented: Option<&str>) -> String {
        let name = documented
            .and_then(file_name)
            .unwrap_or_else(|| "audio.mp3".into());
        let path = format!("/{}/{name}", clean(folder));
        self.files.insert(path.clone(), audio::media_for(&name));
        match &self.query {
            Some(query) => format!("{}{path}?{query}", self.origin),
            None => format!("{}{path}", self.origin),
        }
    }

    /// The media type of a published `path`, counting the request.
    pub(crate) fn serve(&mut self, path: &str, carries_key: bool) -> Option<&'static str> {
        self.requests += 1;
        self.saw_key |= carries_key;
        self.files.get(path).copied()
    }
}

/// The last path segment of a URL when it names a file with an extension.
fn file_name(url: &str) -> Option<String> {
    let path = url.split(['?', '#']).next()?;
    let last = clean(path.rsplit('/').next()?);
    let (stem, extension) = last.rsplit_once('.')?;
    (!stem.is_empty() && !extension.is_empty()).then_some(last)
}

/// A path segment with only unreserved characters left.
fn clean(segment: &str) -> String {
    segment
        .chars()
        .map(|c| match c {
            'A'..='Z' | 'a'..='z' | '0'..='9' | '.' | '_' | '-' => c,
            _ => '_',
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_files_keep_the_documented_name_and_format() {
        let mut storage = Storage::new("http://storage".into(), None);
        let url = storage.publish("job 1", Some("https://cdn.example/a/voice.wav?sig=1"));
        assert_eq!(url, "http://storage/job_1/voice.wav");
        assert_eq!(storage.serve("/job_1/voice.wav", false), Some("audio/wav"));
        let fallback = storage.publish("j2", Some("https://.../"));
        assert_eq!(fallback, "http://storage/j2/audio.mp3");
        assert_eq!(storage.serve("/elsewhere", true), None);
        assert_eq!(storage.requests, 2);
        assert!(storage.saw_key);
    }

    #[test]
    fn result_urls_carry_the_query_they_are_given() {
        let mut storage = Storage::new("http://storage".into(), Some("sig=s3cret".into()));
        let url = storage.publish("j1", None);
        assert_eq!(url, "http://storage/j1/audio.mp3?sig=s3cret");
        assert_eq!(storage.serve("/j1/audio.mp3", false), Some("audio/mpeg"));
    }
}
