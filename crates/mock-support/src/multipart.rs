//! `multipart/form-data` bodies as the server sees them.

use httpmock::HttpMockRequest;

/// One part of a `multipart/form-data` body, as a parser sees it.
#[derive(Debug, PartialEq, Eq)]
pub struct Part {
    /// The field name (`name` of its `Content-Disposition`).
    pub name: String,
    /// The file name (`filename` of its `Content-Disposition`); `None` for a text field.
    pub file_name: Option<String>,
    /// The part's `Content-Type` header, if it has one.
    pub content_type: Option<String>,
    /// The part's bytes.
    pub data: Vec<u8>,
}

impl Part {
    /// A text field: no file name, no content type.
    pub fn text(name: &str, value: &str) -> Self {
        Self {
            name: name.into(),
            file_name: None,
            content_type: None,
            data: value.as_bytes().to_vec(),
        }
    }

    /// A file part.
    pub fn file(name: &str, file_name: &str, content_type: &str, data: &[u8]) -> Self {
        Self {
            name: name.into(),
            file_name: Some(file_name.into()),
            content_type: Some(content_type.into()),
            data: data.to_vec(),
        }
    }
}

/// Decodes a recorded request's multipart body with `multer`, part by part, in order.
///
/// # Panics
/// When the request is not `multipart/form-data` or its body is malformed: either is a client bug
/// the calling test reports.
pub async fn multipart_parts(request: &HttpMockRequest) -> Vec<Part> {
    let content_type = request
        .headers_vec()
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("content-type"))
        .map(|(_, value)| value.clone())
        .expect("the request has a Content-Type");
    let boundary = multer::parse_boundary(&content_type)
        .unwrap_or_else(|e| panic!("not multipart/form-data ({content_type}): {e}"));
    let body = request.body_vec();
    let stream = futures_util::stream::once(async move { Ok::<_, std::convert::Infallible>(body) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    let mut parts = Vec::new();
    while let Some(field) = multipart.next_field().await.expect("a well-formed body") {
        let name = field.name().expect("every part is named").to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let content_type = field.content_type().map(ToString::to_string);
        let data = field.bytes().await.expect("the part's bytes").to_vec();
        parts.push(Part {
            name,
            file_name,
            content_type,
            data,
        });
    }
    parts
}
