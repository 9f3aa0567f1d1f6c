use std::error::Error as _;
use std::future::Future;
use std::sync::Arc;

use futures_util::StreamExt;
use httpmock::prelude::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

use super::*;

mod deadlines;
mod redaction;
mod refusals;
mod targets;

const TIMEOUT: Duration = Duration::from_secs(30);

fn downloader() -> Downloader {
    Downloader::new(TIMEOUT).unwrap()
}

fn limit(max_bytes: u64) -> DownloadLimits {
    DownloadLimits { max_bytes }
}

/// Names in `dir`, to prove that neither the target nor a temporary file was left behind.
fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The whole error chain as text, to check that no secret hides in a source.
fn chain(error: &DownloadError) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(inner) = source {
        text.push_str(" | ");
        text.push_str(&inner.to_string());
        source = inner.source();
    }
    text
}

/// A hand-written HTTP/1.1 server on 127.0.0.1 for what httpmock cannot do: bodies without
/// `Content-Length`, connections cut mid-body, bodies generated on the fly, and recording the
/// request head exactly as received.
struct RawServer {
    base: String,
    heads: mpsc::UnboundedReceiver<String>,
}

impl RawServer {
    async fn start<F, Fut>(respond: F) -> Self
    where
        F: Fn(TcpStream) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = io::Result<()>> + Send + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let (sender, heads) = mpsc::unbounded_channel();
        let respond = Arc::new(respond);
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let (sender, respond) = (sender.clone(), Arc::clone(&respond));
                tokio::spawn(async move {
                    if let Ok(head) = read_head(&mut socket).await {
                        let _ = sender.send(head.to_ascii_lowercase());
                        let _ = respond(socket).await;
                    }
                });
            }
        });
        Self { base, heads }
    }

    fn url(&self, path_and_query: &str) -> String {
        format!("{}{path_and_query}", self.base)
    }

    async fn next_head(&mut self) -> String {
        self.heads.recv().await.unwrap()
    }
}

/// A server answering every request with a `302` to `location`.
async fn redirecting_to(location: String) -> RawServer {
    RawServer::start(move |mut socket| {
        let head = format!(
            "HTTP/1.1 302 Found\r\nlocation: {location}\r\ncontent-length: 0\r\n\
             connection: close\r\n\r\n"
        );
        async move { socket.write_all(head.as_bytes()).await }
    })
    .await
}

/// Reads a body-less request up to the blank line that ends its head.
async fn read_head(socket: &mut TcpStream) -> io::Result<String> {
    let mut head = Vec::new();
    let mut byte = [0_u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if socket.read(&mut byte).await? == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        head.push(byte[0]);
    }
    Ok(String::from_utf8_lossy(&head).into_owned())
}

/// `count` chunks of `size` bytes with chunked transfer encoding and no `Content-Length`.
async fn send_chunked(mut socket: TcpStream, count: usize, size: usize) -> io::Result<()> {
    socket
        .write_all(
            b"HTTP/1.1 200 OK\r\ncontent-type: audio/wav\r\ntransfer-encoding: chunked\r\n\
              connection: close\r\n\r\n",
        )
        .await?;
    for _ in 0..count {
        socket.write_all(format!("{size:x}\r\n").as_bytes()).await?;
        socket.write_all(&vec![b'a'; size]).await?;
        socket.write_all(b"\r\n").await?;
    }
    socket.write_all(b"0\r\n\r\n").await
}

/// Announces 1000 bytes and sends 100 of them.
async fn send_partial(socket: &mut TcpStream) -> io::Result<()> {
    socket
        .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 1000\r\nconnection: close\r\n\r\n")
        .await?;
    socket.write_all(&[b'p'; 100]).await?;
    socket.flush().await
}

/// Declares 2048 bytes, sends 10 and closes: a client that reads the body before judging its size
/// would fail with a transport error instead of reporting the declared size.
async fn send_overdeclared(mut socket: TcpStream) -> io::Result<()> {
    socket
        .write_all(
            b"HTTP/1.1 200 OK\r\ncontent-length: 2048\r\nconnection: close\r\n\r\n0123456789",
        )
        .await
}

/// The byte at `offset` of the generated large body: varies so that misplaced chunks would show.
fn pattern(offset: usize) -> u8 {
    u8::try_from(offset % 251).unwrap()
}

/// `len` bytes of [`pattern`], generated piece by piece so the server never holds the body.
async fn send_generated(mut socket: TcpStream, len: usize) -> io::Result<()> {
    let head = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: audio/wav\r\ncontent-length: {len}\r\n\
         connection: close\r\n\r\n"
    );
    socket.write_all(head.as_bytes()).await?;
    let mut piece = vec![0_u8; 64 << 10];
    let mut sent = 0;
    while sent < len {
        let size = piece.len().min(len - sent);
        for (index, byte) in piece[..size].iter_mut().enumerate() {
            *byte = pattern(sent + index);
        }
        socket.write_all(&piece[..size]).await?;
        sent += size;
    }
    socket.flush().await
}

/// Yields until `dir` has an entry, so a test can act while a download is in progress without
/// sleeping.
async fn wait_for_entry(dir: &Path) {
    while entries(dir).is_empty() {
        tokio::task::yield_now().await;
    }
}

#[test]
fn default_limit_is_one_gibibyte() {
    assert_eq!(DownloadLimits::default().max_bytes, 1 << 30);
}

#[tokio::test]
async fn bytes_returns_body_within_limit() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET).path("/audio.mp3");
            then.status(200)
                .header("content-type", "audio/mpeg")
                .body("0123456789");
        })
        .await;

    // A body of exactly the limit is accepted.
    let got = downloader()
        .bytes(&server.url("/audio.mp3"), &limit(10))
        .await
        .unwrap();

    assert_eq!(got.body, Bytes::from_static(b"0123456789"));
    assert_eq!(got.content_type.as_deref(), Some("audio/mpeg"));
    assert_eq!(got.bytes, Some(10));
    mock.assert_async().await;
}

#[tokio::test]
async fn bytes_rejects_declared_length_over_limit() {
    let server = RawServer::start(send_overdeclared).await;

    let error = downloader()
        .bytes(&server.url("/big"), &limit(1024))
        .await
        .unwrap_err();

    // Only the header can have said 2048: ten bytes were sent.
    assert!(
        matches!(
            error,
            DownloadError::TooLarge {
                limit: 1024,
                seen: 2048,
                ..
            }
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn stream_yields_body_and_declared_length() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path("/speech.ogg");
            then.status(200)
                .header("content-type", "audio/ogg")
                .body("streamed audio");
        })
        .await;

    let got = downloader()
        .stream(&server.url("/speech.ogg"), &limit(100))
        .await
        .unwrap();
    let chunks: Vec<Bytes> = got.body.try_collect().await.unwrap();

    assert_eq!(chunks.concat(), b"streamed audio");
    assert_eq!(got.content_type.as_deref(), Some("audio/ogg"));
    assert_eq!(got.bytes, Some(14));
}

#[tokio::test]
async fn stream_ends_with_too_large_when_chunked_body_passes_limit() {
    let server = RawServer::start(|socket| send_chunked(socket, 10, 512)).await;

    let got = downloader()
        .stream(&server.url("/chunked"), &limit(1000))
        .await
        .unwrap();
    assert_eq!(got.bytes, None, "the server sent no Content-Length");
    let items: Vec<_> = got.body.collect().await;

    let (last, chunks) = items.split_last().unwrap();
    let received: usize = chunks
        .iter()
        .map(|chunk| chunk.as_ref().unwrap().len())
        .sum();
    assert!(received <= 1000, "{received} bytes passed the limit");
    assert!(
        matches!(last, Err(DownloadError::TooLarge { limit: 1000, seen, .. }) if *seen > 1000),
        "{last:?}"
    );
}

#[tokio::test]
async fn to_file_writes_exact_body_and_reports_content_type() {
    let server = MockServer::start_async().await;
    let body: Vec<u8> = (0..=255).collect();
    server
        .mock_async(|when, then| {
            when.path("/out.wav");
            then.status(200)
                .header("content-type", "audio/wav")
                .body(body.clone());
        })
        .await;
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out.wav");

    let got = downloader()
        .to_file(&server.url("/out.wav"), &target, &limit(1024))
        .await
        .unwrap();

    assert_eq!(got.body, target);
    assert_eq!(got.content_type.as_deref(), Some("audio/wav"));
    assert_eq!(got.bytes, Some(256));
    assert_eq!(std::fs::read(&target).unwrap(), body);
    assert_eq!(
        entries(dir.path()),
        ["out.wav"],
        "a temporary file was left"
    );
}

#[tokio::test]
async fn to_file_rejects_declared_length_over_limit_and_writes_nothing() {
    let server = RawServer::start(send_overdeclared).await;
    let dir = tempfile::tempdir().unwrap();

    let error = downloader()
        .to_file(
            &server.url("/big"),
            &dir.path().join("out.wav"),
            &limit(1024),
        )
        .await
        .unwrap_err();

    assert!(
        matches!(
            error,
            DownloadError::TooLarge {
                limit: 1024,
                seen: 2048,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(entries(dir.path()).is_empty());
}

#[tokio::test]
async fn to_file_rejects_chunked_body_growing_past_limit_and_leaves_no_file() {
    let server = RawServer::start(|socket| send_chunked(socket, 10, 512)).await;
    let dir = tempfile::tempdir().unwrap();

    let error = downloader()
        .to_file(
            &server.url("/chunked"),
            &dir.path().join("out.wav"),
            &limit(1000),
        )
        .await
        .unwrap_err();

    assert!(
        matches!(error, DownloadError::TooLarge { limit: 1000, seen, .. } if seen > 1000),
        "{error:?}"
    );
    assert!(entries(dir.path()).is_empty(), "{:?}", entries(dir.path()));
}

#[tokio::test]
async fn to_file_connection_cut_mid_body_leaves_no_file() {
    let server = RawServer::start(|mut socket| async move {
        send_partial(&mut socket).await
        // Returning drops the socket: the connection closes 900 bytes short.
    })
    .await;
    let dir = tempfile::tempdir().unwrap();

    let error = downloader()
        .to_file(
            &server.url("/cut"),
            &dir.path().join("out.wav"),
            &limit(4096),
        )
        .await
        .unwrap_err();

    assert!(
        matches!(error, DownloadError::Transport { .. }),
        "{error:?}"
    );
    assert!(entries(dir.path()).is_empty(), "{:?}", entries(dir.path()));
}

#[tokio::test]
async fn to_file_failure_keeps_previous_file_and_success_replaces_it() {
    let cut = RawServer::start(|mut socket| async move { send_partial(&mut socket).await }).await;
    let good = MockServer::start_async().await;
    good.mock_async(|when, then| {
        when.path("/new");
        then.status(200).body("new audio");
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out.wav");
    std::fs::write(&target, "old audio").unwrap();

    let failed = downloader()
        .to_file(&cut.url("/cut"), &target, &limit(4096))
        .await;
    assert!(failed.is_err());
    assert_eq!(std::fs::read(&target).unwrap(), b"old audio");

    downloader()
        .to_file(&good.url("/new"), &target, &limit(4096))
        .await
        .unwrap();
    assert_eq!(std::fs::read(&target).unwrap(), b"new audio");
    assert_eq!(entries(dir.path()), ["out.wav"]);
}

#[tokio::test]
async fn to_file_dropped_mid_body_removes_temporary_file() {
    let server = RawServer::start(|mut socket| async move {
        send_partial(&mut socket).await?;
        // Keep the connection open without finishing the body.
        std::future::pending().await
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out.wav");
    let downloader = downloader();
    let limits = limit(4096);
    let url = server.url("/slow");

    let download = downloader.to_file(&url, &target, &limits);
    tokio::select! {
        result = download => panic!("the download cannot finish, got {result:?}"),
        () = wait_for_entry(dir.path()) => {}
    }
    // `select!` has dropped the download future while its temporary file existed.

    assert!(entries(dir.path()).is_empty(), "{:?}", entries(dir.path()));
}

#[tokio::test]
async fn to_file_streams_large_generated_body() {
    const LEN: usize = 50 << 20;
    let server = RawServer::start(|socket| send_generated(socket, LEN)).await;
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("long.wav");

    let got = downloader()
        .to_file(
            &server.url("/long.wav"),
            &target,
            &DownloadLimits::default(),
        )
        .await
        .unwrap();

    assert_eq!(got.bytes, Some(LEN as u64));
    assert_eq!(std::fs::metadata(&target).unwrap().len(), LEN as u64);
    let written = std::fs::read(&target).unwrap();
    let misplaced = written
        .iter()
        .enumerate()
        .position(|(offset, byte)| *byte != pattern(offset));
    assert_eq!(misplaced, None);
    assert_eq!(entries(dir.path()), ["long.wav"]);
}

#[tokio::test]
async fn redirect_reaches_storage_host_without_credentials() {
    let mut storage = RawServer::start(|mut socket| async move {
        socket
            .write_all(
                b"HTTP/1.1 200 OK\r\ncontent-type: audio/mpeg\r\ncontent-length: 5\r\n\
                  connection: close\r\n\r\naudio",
            )
            .await
    })
    .await;
    let mut api = redirecting_to(storage.url("/result.mp3?X-Amz-Signature=abc")).await;

    // Control: the caller's API client does send its credentials, and the recorder sees them.
    let mut credentials = reqwest::header::HeaderMap::new();
    credentials.insert("authorization", "Bearer secret-key".parse().unwrap());
    credentials.insert("x-api-key", "secret-key".parse().unwrap());
    let api_client = reqwest::Client::builder()
        .default_headers(credentials)
        .build()
        .unwrap();
    api_client
        .get(storage.url("/control"))
        .send()
        .await
        .unwrap();
    let control = storage.next_head().await;
    assert!(
        control.contains("authorization: bearer secret-key"),
        "{control}"
    );
    assert!(control.contains("x-api-key: secret-key"), "{control}");

    let got = downloader()
        .bytes(&api.url("/jobs/1/result"), &limit(100))
        .await
        .unwrap();

    assert_eq!(got.body, Bytes::from_static(b"audio"));
    assert_eq!(got.content_type.as_deref(), Some("audio/mpeg"));
    let first = api.next_head().await;
    let second = storage.next_head().await;
    assert!(
        second.starts_with("get /result.mp3?x-amz-signature=abc "),
        "{second}"
    );
    for head in [first, second] {
        assert!(!head.contains("authorization"), "{head}");
        assert!(!head.contains("x-api-key"), "{head}");
        assert!(!head.contains("secret-key"), "{head}");
    }
}

#[tokio::test]
async fn redirect_to_another_host_sends_no_referer() {
    let mut storage = RawServer::start(|socket| send_chunked(socket, 1, 5)).await;
    let location = storage.url("/result.mp3");
    let api = redirecting_to(location).await;
    let result = api.url("/jobs/1/result?X-Amz-Signature=secret-signature");

    // Control: reqwest's default sends the pre-signed URL as `Referer`, and the recorder sees it.
    reqwest::get(&result).await.unwrap().bytes().await.unwrap();
    let control = storage.next_head().await;
    assert!(
        control.contains("referer: ") && control.contains("secret-signature"),
        "{control}"
    );

    downloader().bytes(&result, &limit(100)).await.unwrap();
    let head = storage.next_head().await;
    assert!(head.starts_with("get /result.mp3 "), "{head}");
    assert!(!head.contains("referer"), "{head}");
    assert!(!head.contains("secret-signature"), "{head}");
}

#[tokio::test]
async fn redirect_loop_stops_after_five_redirects() {
    let server = MockServer::start_async().await;
    let target = server.url("/loop");
    let mock = server
        .mock_async(|when, then| {
            when.path("/loop");
            then.status(302).header("location", target.as_str());
        })
        .await;

    let error = downloader()
        .bytes(&server.url("/loop"), &limit(100))
        .await
        .unwrap_err();

    match &error {
        DownloadError::Transport { source, .. } => assert!(source.is_redirect(), "{source:?}"),
        other => panic!("expected a transport error, got {other:?}"),
    }
    // The first request plus five followed redirects.
    assert_eq!(mock.calls_async().await, 6);
}

#[tokio::test]
async fn non_http_urls_are_invalid_and_request_nothing() {
    let dir = tempfile::tempdir().unwrap();
    for url in [
        "ftp://example.com/a.wav",
        "file:///etc/passwd",
        "not a url?sig=s",
        "/relative",
    ] {
        let error = downloader()
            .to_file(url, &dir.path().join("out.wav"), &limit(100))
            .await
            .unwrap_err();
        assert!(
            matches!(error, DownloadError::InvalidUrl { .. }),
            "{url}: {error:?}"
        );
        assert!(!error.to_string().contains("sig=s"), "{error}");
    }
    assert!(entries(dir.path()).is_empty());
}

#[tokio::test]
async fn status_error_carries_status_and_no_query() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path("/expired");
            then.status(403).body("signature expired");
        })
        .await;
    let dir = tempfile::tempdir().unwrap();

    let error = downloader()
        .to_file(
            &server.url("/expired?X-Amz-Signature=secret"),
            &dir.path().join("out.wav"),
            &limit(100),
        )
        .await
        .unwrap_err();

    match &error {
        DownloadError::Status { url, status } => {
            assert_eq!(*status, 403);
            assert_eq!(*url, server.url("/expired"));
        }
        other => panic!("expected a status error, got {other:?}"),
    }
    assert!(!chain(&error).contains("secret"), "{}", chain(&error));
    assert!(entries(dir.path()).is_empty());
}

#[tokio::test]
async fn transport_error_hides_query_and_user_information() {
    // A port that was just free: nothing listens there any more.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);

    let error = downloader()
        .bytes(
            &format!("http://user:password@{address}/a.wav?sig=secret"),
            &limit(100),
        )
        .await
        .unwrap_err();

    assert!(
        matches!(error, DownloadError::Transport { .. }),
        "{error:?}"
    );
    let text = chain(&error);
    assert!(text.contains(&address.to_string()), "{text}");
    assert!(!text.contains("secret"), "{text}");
    assert!(!text.contains("password"), "{text}");
}
