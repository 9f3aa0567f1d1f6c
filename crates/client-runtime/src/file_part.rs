use std::borrow::Cow;
use std::path::PathBuf;

use bytes::Bytes;
use reqwest::multipart::Part;

/// A file to upload as one part of a `multipart/form-data` request.
///
/// A part is a cheap, cloneable description of where the bytes come from: a buffer in memory, or a
/// path that is opened and streamed only when the request is sent. Sending the same `FilePart` twice
/// (a retry) therefore reads the source again instead of replaying a consumed stream.
#[derive(Clone, Debug)]
pub struct FilePart {
    source: Source,
    file_name: Option<String>,
    content_type: Option<String>,
}

#[derive(Clone, Debug)]
enum Source {
    Bytes(Bytes),
    Path(PathBuf),
}

/// What an operation accepts in one file part, taken from the spec (`x-max-bytes`,
/// `x-content-types`). Checked before anything is sent.
#[derive(Clone, Copy, Debug)]
pub struct PartRules {
    /// The form field name.
    pub field: &'static str,
    /// Largest accepted size in bytes.
    pub max_bytes: Option<u64>,
    /// Accepted media types; empty means any.
    pub content_types: &'static [&'static str],
}

impl FilePart {
    /// A part whose content is already in memory. Without [`FilePart::file_name`] it is sent with
    /// the file name `file`; without [`FilePart::content_type`] its type is unknown.
    pub fn from_bytes(bytes: impl Into<Bytes>) -> Self {
        Self {
            source: Source::Bytes(bytes.into()),
            file_name: None,
            content_type: None,
        }
    }

    /// A part streamed from a file when the request is sent. The file name defaults to the path's
    /// last segment and the content type to the one its extension implies.
    pub fn from_path(path: impl Into<PathBuf>) -> Self {
        Self {
            source: Source::Path(path.into()),
            file_name: None,
            content_type: None,
        }
    }

    /// Sets the file name sent in the part's `Content-Disposition`.
    pub fn file_name(mut self, file_name: impl Into<String>) -> Self {
        self.file_name = Some(file_name.into());
        self
    }

    /// Sets the part's `Content-Type`.
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// The file name that will be sent.
    pub fn effective_file_name(&self) -> Cow<'_, str> {
        match (&self.file_name, &self.source) {
            (Some(name), _) => Cow::Borrowed(name),
            (None, Source::Path(path)) => path
                .file_name()
                .map(|name| name.to_string_lossy())
                .unwrap_or(Cow::Borrowed("file")),
            (None, Source::Bytes(_)) => Cow::Borrowed("file"),
        }
    }

    /// The content type that will be sent: the one set, else the one the path's extension implies.
    pub fn effective_content_type(&self) -> Option<Cow<'_, str>> {
        match (&self.content_type, &self.source) {
            (Some(content_type), _) => Some(Cow::Borrowed(content_type)),
            (None, Source::Path(path)) => {
                mime_guess::from_path(path).first_raw().map(Cow::Borrowed)
            }
            (None, Source::Bytes(_)) => None,
        }
    }

    /// Checks the part against `rules` and turns it into a request part, opening the file if the
    /// part comes from a path. Errors are messages that name the field and the rule broken.
    #[doc(hidden)]
    pub async fn into_part(self, rules: &PartRules) -> Result<Part, String> {
        let field = rules.field;
        let file_name = self.effective_file_name().into_owned();
        let content_type = self.effective_content_type().map(Cow::into_owned);
        check_content_type(rules, content_type.as_deref())?;
        let part = match self.source {
            Source::Bytes(bytes) => {
                let len = bytes.len() as u64;
                check_size(rules, len)?;
                Part::stream_with_length(bytes, len)
            }
            Source::Path(path) => {
                let file = tokio::fs::File::open(&path).await.map_err(|e| {
                    format!("file part `{field}`: cannot open {}: {e}", path.display())
                })?;
                let len = file
                    .metadata()
                    .await
                    .map_err(|e| {
                        format!("file part `{field}`: cannot read {}: {e}", path.display())
                    })?
                    .len();
                check_size(rules, len)?;
                Part::stream_with_length(file, len)
            }
        };
        let part = part.file_name(file_name);
        match content_type {
            Some(content_type) => part
                .mime_str(&content_type)
                .map_err(|e| format!("file part `{field}`: content type `{content_type}`: {e}")),
            None => Ok(part),
        }
    }
}

fn check_size(rules: &PartRules, len: u64) -> Result<(), String> {
    match rules.max_bytes {
        Some(max) if len > max => Err(format!(
            "file part `{}` is {len} bytes; the limit is {max} bytes",
            rules.field
        )),
        _ => Ok(()),
    }
}

fn check_content_type(rules: &PartRules, content_type: Option<&str>) -> Result<(), String> {
    if rules.content_types.is_empty() {
        return Ok(());
    }
    let accepted = rules.content_types.join(", ");
    match content_type {
        None => Err(format!(
            "file part `{}` has no content type; set one of: {accepted}",
            rules.field
        )),
        Some(content_type) => {
            let essence = content_type.split(';').next().unwrap_or("").trim();
            if rules
                .content_types
                .iter()
                .any(|accepted| accepted.eq_ignore_ascii_case(essence))
            {
                Ok(())
            } else {
                Err(format!(
                    "file part `{}` has content type `{content_type}`; accepted: {accepted}",
                    rules.field
                ))
            }
        }
    }
}
