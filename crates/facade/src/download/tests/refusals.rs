//! Redirects and targets refused end to end.

use super::*;
use crate::download::addresses::{Addresses, CheckingResolver};
use crate::download::redirects;

const STRICT: Addresses = Addresses {
    private_allowed: false,
};

fn strict() -> Downloader {
    Downloader::builder(TIMEOUT)
        .refuse_private_networks(true)
        .build()
        .unwrap()
}

/// A downloader whose first URL gets the default checks but whose redirects and name resolution
/// are strict: the only way to test strict redirects end to end when every test server is on
/// loopback, which strict mode refuses as a first URL.
fn strict_after_first_hop() -> Downloader {
    let client = reqwest::Client::builder()
        .redirect(redirects::policy(STRICT))
        .dns_resolver(CheckingResolver(STRICT))
        .referer(false)
        .build()
        .unwrap();
    Downloader::with_client(client)
}

/// A listener that accepts nothing, so that whether anyone connected can be read afterwards.
async fn silent_listener() -> TcpListener {
    TcpListener::bind("127.0.0.1:0").await.unwrap()
}

/// Whether a connection is waiting: the kernel completes a connection into the backlog without
/// `accept`, so a connection attempted before this call is there at once.
async fn connected(listener: &TcpListener) -> bool {
    tokio::time::timeout(Duration::from_millis(100), listener.accept())
        .await
        .is_ok()
}

fn expect_refused(result: Result<Downloaded<Bytes>, DownloadError>) -> (String, String, Refusal) {
    match result {
        Err(DownloadError::Refused {
            url,
            target,
            reason,
        }) => (url, target, reason),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn redirects_to_link_local_and_metadata_targets_are_refused() {
    for (location, target, reason) in [
        (
            "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
            "169.254.169.254",
            Refusal::CloudMetadata,
        ),
        (
            "http://[fd00:ec2::254]/latest/",
            "[fd00:ec2::254]",
            Refusal::CloudMetadata,
        ),
        (
            "http://100.100.100.200/latest/",
            "100.100.100.200",
            Refusal::CloudMetadata,
        ),
        (
            "http://metadata.google.internal/computeMetadata/v1/",
            "metadata.google.internal",
            Refusal::CloudMetadata,
        ),
        ("http://169.254.10.20/", "169.254.10.20", Refusal::LinkLocal),
        ("http://[fe80::1]/", "[fe80::1]", Refusal::LinkLocal),
    ] {
        let api = redirecting_to(location.to_owned()).await;

        // A refusal, not a transport error: no connection to the target was attempted (one would
        // have failed or timed out, or reached it).
        let (url, refused, why) = expect_refused(
            downloader()
                .bytes(&api.url("/result?sig=secret"), &limit(100))
                .await,
        );

        assert_eq!(url, api.url("/result"), "{location}");
        assert_eq!(refused, target, "{location}");
        assert_eq!(why, reason, "{location}");
    }
}

#[tokio::test]
async fn first_url_at_a_metadata_address_is_refused_with_a_clear_message() {
    let error = downloader()
        .bytes(
            "http://user:password@169.254.169.254/latest/meta-data/?sig=secret",
            &limit(100),
        )
        .await
        .unwrap_err();

    assert_eq!(
        error.to_string(),
        "download of http://169.254.169.254/latest/meta-data/ refused: 169.254.169.254 is a cloud \
         metadata endpoint, which hands out the machine's credentials"
    );
}

#[tokio::test]
async fn strict_mode_refuses_loopback_first_urls_before_connecting() {
    let listener = silent_listener().await;
    let port = listener.local_addr().unwrap().port();

    for (url, target) in [
        (
            format!("http://127.0.0.1:{port}/a.mp3"),
            "127.0.0.1".to_owned(),
        ),
        (
            format!("http://localhost:{port}/a.mp3"),
            "localhost (".to_owned(),
        ),
    ] {
        let (_, refused, reason) = expect_refused(strict().bytes(&url, &limit(100)).await);
        assert!(refused.starts_with(&target), "{url}: {refused}");
        assert_eq!(reason, Refusal::Loopback, "{url}");
    }
    assert!(!connected(&listener).await, "a refused download connected");

    // Control: the default downloader does connect to the same listener.
    let url = format!("http://127.0.0.1:{port}/a.mp3");
    let attempt = tokio::spawn(async move { downloader().bytes(&url, &limit(100)).await });
    assert!(connected(&listener).await);
    attempt.abort();
}

#[tokio::test]
async fn strict_mode_refuses_a_loopback_server_that_sees_no_request() {
    let server =
        speech_mock_support::RawServer::scripted(vec![speech_mock_support::RawAct::Answer {
            status: 200,
            content_type: "audio/mpeg",
            body: b"audio".to_vec(),
        }])
        .await;

    let error = strict()
        .bytes(&server.url("/a.mp3"), &limit(100))
        .await
        .unwrap_err();

    assert!(matches!(error, DownloadError::Refused { .. }), "{error:?}");
    assert_eq!(server.requests(), 0);
    // Control: the default downloader gets the audio from the same server.
    downloader()
        .bytes(&server.url("/a.mp3"), &limit(100))
        .await
        .unwrap();
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn strict_redirects_to_private_addresses_are_refused() {
    for (location, reason) in [
        ("http://10.1.2.3/a.mp3", Refusal::Private),
        ("http://192.168.0.10/a.mp3", Refusal::Private),
        ("http://[fc00::5]/a.mp3", Refusal::Private),
        ("http://127.0.0.2/a.mp3", Refusal::Loopback),
    ] {
        let api = redirecting_to(location.to_owned()).await;

        let (_, _, why) = expect_refused(
            strict_after_first_hop()
                .bytes(&api.url("/r"), &limit(100))
                .await,
        );

        assert_eq!(why, reason, "{location}");
    }
}

#[tokio::test]
async fn strict_redirect_to_a_name_resolving_to_loopback_is_refused_before_connecting() {
    let listener = silent_listener().await;
    let port = listener.local_addr().unwrap().port();
    // The first hop is a literal address, which no resolver sees; the redirect names a host.
    let api = redirecting_to(format!("http://localhost:{port}/a.mp3")).await;

    let (_, target, reason) = expect_refused(
        strict_after_first_hop()
            .bytes(&api.url("/r"), &limit(100))
            .await,
    );

    assert!(target.starts_with("localhost ("), "{target}");
    assert_eq!(reason, Refusal::Loopback);
    assert!(
        !connected(&listener).await,
        "the refused target was connected to"
    );
}
