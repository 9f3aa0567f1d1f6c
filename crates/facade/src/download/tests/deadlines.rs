//! The total deadline against a host that drips its body: the per-read timeout never fires there.

use std::time::Instant;

use super::*;

const DEADLINE: Duration = Duration::from_millis(500);

/// How late a download may end after its deadline.
const SLACK: Duration = Duration::from_millis(100);

/// Per-read timeout of these tests: four times the drip interval, so it never fires on the drip.
const READ_TIMEOUT: Duration = Duration::from_millis(200);

const DRIP: Duration = Duration::from_millis(50);

fn with_deadline(read_timeout: Duration) -> Downloader {
    Downloader::builder(read_timeout)
        .deadline(DEADLINE)
        .build()
        .unwrap()
}

/// Announces a megabyte, then sends one byte every [`DRIP`] for as long as the client listens.
async fn drip(mut socket: TcpStream) -> io::Result<()> {
    socket
        .write_all(
            b"HTTP/1.1 200 OK\r\ncontent-type: audio/wav\r\ncontent-length: 1048576\r\n\
              connection: close\r\n\r\n",
        )
        .await?;
    loop {
        socket.write_all(b"d").await?;
        socket.flush().await?;
        tokio::time::sleep(DRIP).await;
    }
}

/// Runs `download`, failing the test instead of hanging when the deadline does not end it.
async fn bounded<T>(download: impl Future<Output = T>) -> T {
    tokio::time::timeout(DEADLINE * 4, download)
        .await
        .expect("the download outlived its deadline fourfold")
}

/// Checks that a download ended with the deadline, on time: not before it, and at most [`SLACK`]
/// after it.
fn assert_expired_on_time(error: &DownloadError, started: Instant, url: &str) {
    let elapsed = started.elapsed();
    match error {
        DownloadError::DeadlineExceeded {
            url: shown,
            deadline,
        } => {
            assert_eq!(*deadline, DEADLINE);
            assert_eq!(shown, url);
        }
        other => panic!("expected the deadline to pass, got {other:?}"),
    }
    assert!(
        elapsed >= DEADLINE && elapsed < DEADLINE + SLACK,
        "ended after {elapsed:?}"
    );
}

#[tokio::test]
async fn without_a_deadline_a_dripping_host_holds_the_caller() {
    let server = RawServer::start(drip).await;

    let downloader = Downloader::new(READ_TIMEOUT).unwrap();
    let (url, limits) = (server.url("/slow.wav"), DownloadLimits::default());
    let outcome = tokio::time::timeout(DEADLINE * 2, downloader.bytes(&url, &limits)).await;

    assert!(outcome.is_err(), "the download ended: {outcome:?}");
}

#[tokio::test]
async fn bytes_ends_at_the_deadline_while_a_host_drips() {
    let server = RawServer::start(drip).await;
    let (url, limits) = (
        server.url("/slow.wav?sig=secret"),
        DownloadLimits::default(),
    );
    let downloader = with_deadline(READ_TIMEOUT);
    let started = Instant::now();

    let error = bounded(downloader.bytes(&url, &limits)).await.unwrap_err();

    assert_expired_on_time(&error, started, &server.url("/slow.wav"));
}

#[tokio::test]
async fn to_file_ends_at_the_deadline_and_removes_its_temporary_file() {
    let server = RawServer::start(drip).await;
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out.wav");
    let downloader = with_deadline(READ_TIMEOUT);
    let url = server.url("/slow.wav");
    let limits = DownloadLimits::default();
    let started = Instant::now();

    // Waiting for the temporary file alongside shows that there was one to remove.
    let (result, ()) = tokio::join!(
        bounded(downloader.to_file(&url, &target, &limits)),
        wait_for_entry(dir.path())
    );

    assert_expired_on_time(&result.unwrap_err(), started, &url);
    assert!(entries(dir.path()).is_empty(), "{:?}", entries(dir.path()));
}

#[tokio::test]
async fn stream_ends_with_the_deadline_after_the_bytes_that_arrived() {
    let server = RawServer::start(drip).await;
    let (url, limits) = (server.url("/slow.wav"), DownloadLimits::default());
    let downloader = with_deadline(READ_TIMEOUT);
    let started = Instant::now();

    let items: Vec<_> = bounded(async {
        let got = downloader.stream(&url, &limits).await.unwrap();
        got.body.collect().await
    })
    .await;

    let (last, chunks) = items.split_last().unwrap();
    assert!(!chunks.is_empty(), "no byte arrived before the deadline");
    assert!(chunks.iter().all(Result::is_ok), "{chunks:?}");
    assert_expired_on_time(last.as_ref().unwrap_err(), started, &url);
}

#[tokio::test]
async fn the_deadline_covers_redirects_and_headers_that_never_come() {
    // Reads the request, then neither answers nor closes.
    let silent = RawServer::start(|socket| async move {
        let _open = socket;
        std::future::pending().await
    })
    .await;
    let api = redirecting_to(silent.url("/result.mp3")).await;
    let url = api.url("/r");
    // A per-read timeout longer than the test: only the deadline can end this download.
    let downloader = with_deadline(TIMEOUT);
    let started = Instant::now();

    let error = bounded(downloader.bytes(&url, &DownloadLimits::default()))
        .await
        .unwrap_err();

    assert_expired_on_time(&error, started, &url);
}
