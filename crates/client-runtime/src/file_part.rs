use std::borrow::Cow;
use std::path::PathBuf;

use bytes::Bytes;
use reqwest::multipart::Part;

/// A file to upload: one part of a `multipart/form-data` request, or the whole body of a raw binary
/// upload (an `application/octet-stream` request body).
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

    /// Sets the file name sent in the part's `Content-Disposition` (`"`, CR and LF are sent
    /// percent-encoded, see [`wire_file_name`]).
    pub fn file_name(mut self, file_name: impl Into<String>) -> Self {
        self.file_name = Some(file_name.into());
        self
    }

    /// Sets the part's `Content-Type`.
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// The file name of the part, before [`wire_file_name`] encodes it for the request.
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
    ///
    /// Where the spec lists accepted types, the leading bytes must be of one of them (a text file
    /// named `.mp3` is refused before a credit-spending upload). The file name is sent encoded as
    /// browsers encode it ([`wire_file_name`]).
    #[doc(hidden)]
    pub async fn into_part(self, rules: &PartRules) -> Result<Part, String> {
        let subject = format!("file part `{}`", rules.field);
        let file_name = wire_file_name(&self.effective_file_name());
        let content_type = self.effective_content_type().map(Cow::into_owned);
        let accepted = rules.content_types;
        check_content_type(&subject, accepted, content_type.as_deref())?;
        let loaded = load(self.source, &subject).await?;
        check_size(&subject, rules.max_bytes, loaded.len)?;
        check_leading_bytes(&subject, accepted, &loaded.head)?;
        let part = Part::stream_with_length(loaded.body, loaded.len).file_name(file_name);
        match content_type {
            Some(content_type) => part
                .mime_str(&content_type)
                .map_err(|e| format!("{subject}: content type `{content_type}`: {e}")),
            None => Ok(part),
        }
    }

    /// Checks the file against `rules` and turns it into the whole body of a raw binary upload,
    /// opening the file if it comes from a path (so every attempt reads it again). Errors are
    /// messages that name the rule broken; the file name is not sent.
    ///
    /// The body is sent with the request media type the spec declares; where it declares several,
    /// with the one of the file: its content type (set, or implied by the path's extension) if that
    /// is one of them, else the one its leading bytes are recognised as. Where the spec lists
    /// accepted types, a known content type must be one of them and the leading bytes must be of
    /// one of them, as for a file part.
    #[doc(hidden)]
    pub async fn into_body(self, rules: &BodyRules) -> Result<RawBody, String> {
        let subject = "the request body";
        let content_type = self.effective_content_type().map(Cow::into_owned);
        let accepted = rules.content_types;
        if content_type.is_some() {
            check_content_type(subject, accepted, content_type.as_deref())?;
        }
        let loaded = load(self.source, subject).await?;
        check_size(subject, rules.max_bytes, loaded.len)?;
        check_leading_bytes(subject, accepted, &loaded.head)?;
        let media_type = body_media_type(rules.media_types, content_type.as_deref(), &loaded.head)?;
        Ok(RawBody {
            body: loaded.body,
            content_type: media_type.to_owned(),
            length: loaded.len,
        })
    }
}

/// What an operation accepts as a raw binary request body, taken from the spec (the body's media
/// types, and `x-max-bytes` and `x-content-types` on its schema). Checked before anything is sent.
#[derive(Clone, Copy, Debug)]
pub struct BodyRules {
    /// Largest accepted size in bytes.
    pub max_bytes: Option<u64>,
    /// Accepted media types of the content; empty means any.
    pub content_types: &'static [&'static str],
    /// The request media types the spec declares for the body, at least one.
    pub media_types: &'static [&'static str],
}

/// A raw binary request body, checked and ready to send.
#[doc(hidden)]
#[derive(Debug)]
pub struct RawBody {
    pub body: reqwest::Body,
    /// The `Content-Type` to send: one of the declared media types.
    pub content_type: String,
    /// The `Content-Length` to send (a file is streamed).
    pub length: u64,
}

/// The content of a file part or raw body, opened: its size, its leading bytes (to recognise its
/// format) and the body that streams it.
struct Loaded {
    body: reqwest::Body,
    len: u64,
    head: Bytes,
}

/// Opens `source` (a path is opened now, not when the `FilePart` was made); errors name `subject`.
async fn load(source: Source, subject: &str) -> Result<Loaded, String> {
    match source {
        Source::Bytes(bytes) => Ok(Loaded {
            len: bytes.len() as u64,
            head: bytes.slice(..bytes.len().min(SNIFF_BYTES)),
            body: bytes.into(),
        }),
        Source::Path(path) => {
            let cannot = |doing: &str, e: std::io::Error| {
                format!("{subject}: cannot {doing} {}: {e}", path.display())
            };
            let mut file = tokio::fs::File::open(&path)
                .await
                .map_err(|e| cannot("open", e))?;
            let len = file.metadata().await.map_err(|e| cannot("read", e))?.len();
            let head = read_head(&mut file).await.map_err(|e| cannot("read", e))?;
            Ok(Loaded {
                body: file.into(),
                len,
                head: head.into(),
            })
        }
    }
}

/// The declared request media type a raw body is sent with (see [`FilePart::into_body`]).
fn body_media_type<'a>(
    declared: &[&'a str],
    content_type: Option<&str>,
    head: &[u8],
) -> Result<&'a str, String> {
    if let [only] = declared {
        return Ok(only);
    }
    let essence = |media: &str| {
        media
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    };
    if let Some(content_type) = content_type
        && let Some(media) = declared
            .iter()
            .find(|media| essence(media) == essence(content_type))
    {
        return Ok(media);
    }
    if let Some(kind) = infer::get(head)
        && let Some(media) = declared.iter().find(|media| same_format(media, &kind))
    {
        return Ok(media);
    }
    Err(format!(
        "the request body was not sent: it is not recognised as one of the declared types ({}); \
         set one with `FilePart::content_type`",
        declared.join(", ")
    ))
}

/// How many leading bytes are read to recognise a file's type: more than any signature `infer`
/// checks (WebM's is found within the first 256 bytes).
const SNIFF_BYTES: usize = 8192;

/// A file name as browsers put it in `Content-Disposition` (WHATWG multipart/form-data encoding):
/// `"` becomes `%22`, CR `%0D` and LF `%0A`. reqwest escapes them with a backslash instead, which
/// leaves a raw line break in the part's header and makes standard parsers reject the request.
pub fn wire_file_name(name: &str) -> String {
    name.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Reads up to [`SNIFF_BYTES`] from the start of `file` and rewinds it for the upload.
async fn read_head(file: &mut tokio::fs::File) -> std::io::Result<Vec<u8>> {
    use tokio::io::{AsyncReadExt, AsyncSeekExt};
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    (&mut *file)
        .take(SNIFF_BYTES as u64)
        .read_to_end(&mut head)
        .await?;
    file.rewind().await?;
    Ok(head)
}

/// The leading bytes must be recognised as one of the `accepted` types (when the spec lists any).
fn check_leading_bytes(subject: &str, accepted: &[&str], head: &[u8]) -> Result<(), String> {
    if accepted.is_empty() {
        return Ok(());
    }
    let list = accepted.join(", ");
    match infer::get(head) {
        Some(kind) if accepted.iter().any(|a| same_format(a, &kind)) => Ok(()),
        Some(kind) => Err(format!(
            "{subject} was not sent: its content is {} (.{}), not one of the accepted types: \
             {list}",
            kind.mime_type(),
            kind.extension()
        )),
        None => Err(format!(
            "{subject} was not sent: its content is not recognised as audio; accepted types: \
             {list}"
        )),
    }
}

/// Whether a detected file type is the format an accepted media type names, across the aliases in
/// use: the same type; an audio or video type whose subtype (without `x-`) is the detected one's or
/// its extension (`audio/webm` for a WebM file, which `infer` reports as `video/webm`; `audio/mp3`
/// for an MP3; `audio/wav` for `audio/x-wav`); or a type whose registered extensions include the
/// detected one (`audio/mpeg` for an MP3).
fn same_format(accepted: &str, detected: &infer::Type) -> bool {
    let accepted = accepted.split(';').next().unwrap_or("").trim();
    let detected_mime = detected.mime_type();
    if accepted.eq_ignore_ascii_case(detected_mime) {
        return true;
    }
    let media_subtype = |mime: &str| {
        mime.split_once('/')
            .filter(|(top, _)| {
                top.eq_ignore_ascii_case("audio") || top.eq_ignore_ascii_case("video")
            })
            .map(|(_, subtype)| {
                let subtype = subtype.to_ascii_lowercase();
                subtype
                    .strip_prefix("x-")
                    .map(str::to_owned)
                    .unwrap_or(subtype)
            })
    };
    if let Some(subtype) = media_subtype(accepted)
        && (Some(&subtype) == media_subtype(detected_mime).as_ref()
            || subtype == detected.extension())
    {
        return true;
    }
    mime_guess::get_mime_extensions_str(accepted)
        .is_some_and(|extensions| extensions.contains(&detected.extension()))
}

fn check_size(subject: &str, max_bytes: Option<u64>, len: u64) -> Result<(), String> {
    match max_bytes {
        Some(max) if len > max => Err(format!(
            "{subject} is {len} bytes; the limit is {max} bytes"
        )),
        _ => Ok(()),
    }
}

fn check_content_type(
    subject: &str,
    accepted: &[&str],
    content_type: Option<&str>,
) -> Result<(), String> {
    if accepted.is_empty() {
        return Ok(());
    }
    let list = accepted.join(", ");
    match content_type {
        None => Err(format!("{subject} has no content type; set one of: {list}")),
        Some(content_type) => {
            let essence = content_type.split(';').next().unwrap_or("").trim();
            if accepted.iter().any(|a| a.eq_ignore_ascii_case(essence)) {
                Ok(())
            } else {
                Err(format!(
                    "{subject} has content type `{content_type}`; accepted: {list}"
                ))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WAV_HEAD: &[u8] = b"RIFF\x24\0\0\0WAVEfmt \x10\0\0\0";
    const MP3_HEAD: &[u8] = b"ID3\x04\0\0\0\0\0\0\xff\xfb\x90\x64";

    fn webm_head() -> Vec<u8> {
        let mut head = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm".to_vec();
        head.resize(300, 0);
        head
    }

    fn detected(bytes: &[u8]) -> infer::Type {
        infer::get(bytes).expect("a recognised type")
    }

    #[test]
    fn aliases_of_the_same_format_are_accepted() {
        for accepted in ["audio/wav", "audio/x-wav", "AUDIO/WAV; codecs=1"] {
            assert!(same_format(accepted, &detected(WAV_HEAD)), "{accepted}");
        }
        for accepted in ["audio/mpeg", "audio/mp3"] {
            assert!(same_format(accepted, &detected(MP3_HEAD)), "{accepted}");
        }
        for accepted in ["audio/webm", "video/webm"] {
            assert!(same_format(accepted, &detected(&webm_head())), "{accepted}");
        }
    }

    #[test]
    fn other_formats_are_not() {
        assert!(!same_format("audio/mpeg", &detected(WAV_HEAD)));
        assert!(!same_format("audio/wav", &detected(MP3_HEAD)));
        assert!(!same_format("audio/ogg", &detected(&webm_head())));
    }

    #[test]
    fn only_quotes_and_line_breaks_change_in_a_file_name() {
        assert_eq!(wire_file_name("a\"b\r\nc.mp3"), "a%22b%0D%0Ac.mp3");
        assert_eq!(wire_file_name("été 100%.mp3"), "été 100%.mp3");
    }
}
