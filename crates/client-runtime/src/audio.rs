use bytes::Bytes;
use progenitor_client::ByteStream;

/// An audio body returned by an operation, read lazily from the connection.
///
/// The bytes are not buffered: call [`Audio::into_stream`] to process the audio chunk by chunk in
/// bounded memory, or [`Audio::bytes`] when the whole clip fits in memory.
pub struct Audio {
    content_type: Option<String>,
    body: ByteStream,
}

impl Audio {
    /// Wraps a response body; `content_type` is the response's `Content-Type` header, if any.
    pub fn new(content_type: Option<String>, body: ByteStream) -> Self {
        Self { content_type, body }
    }

    /// The `Content-Type` the server declared (for example `audio/mpeg`), if any.
    pub fn content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// The body as a stream of chunks.
    pub fn into_stream(self) -> ByteStream {
        self.body
    }

    /// Reads the whole body into memory.
    pub async fn bytes(self) -> reqwest::Result<Bytes> {
        let mut stream = self.body.into_inner();
        let mut buffer = bytes::BytesMut::new();
        while let Some(chunk) = std::future::poll_fn(|cx| stream.as_mut().poll_next(cx)).await {
            buffer.extend_from_slice(&chunk?);
        }
        Ok(buffer.freeze())
    }
}

impl std::fmt::Debug for Audio {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Audio")
            .field("content_type", &self.content_type)
            .finish_non_exhaustive()
    }
}
