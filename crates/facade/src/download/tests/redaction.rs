//! One redaction for everything logged or reported, parsed or not.

use speech_mock_support::CapturedLog;

use super::*;

#[test]
fn redaction_drops_user_information_query_and_fragment_whether_or_not_the_url_parses() {
    for (raw, shown) in [
        (
            "https://user:password@store.example/a/b.wav?X-Amz-Signature=s#frag",
            "https://store.example/a/b.wav",
        ),
        (
            "https://store.example/a.mp3#frag",
            "https://store.example/a.mp3",
        ),
        ("not a url?sig=s#f", "not a url"),
        // Unparsable (a space in the host), with user information.
        (
            "http://user:password@bad host/a.mp3?sig=s",
            "http://bad host/a.mp3",
        ),
        // Unparsable, no scheme.
        (
            "user:password@store.example/a.mp3?sig=s",
            "store.example/a.mp3",
        ),
        // A `?` inside the password makes the URL unparsable; the password still goes.
        (
            "https://user:pass?word@store.example/a.mp3",
            "https://store.example/a.mp3",
        ),
        // A `/` inside the password, likewise.
        (
            "https://user:pass/word@store.example/a.mp3",
            "https://store.example/a.mp3",
        ),
    ] {
        assert_eq!(redact(raw), shown, "{raw}");
    }
}

#[test]
fn redaction_keeps_a_url_without_secrets_as_it_is() {
    assert_eq!(
        redact("https://store.example/a/b.wav"),
        "https://store.example/a/b.wav"
    );
    assert_eq!(
        redact_url(&Url::parse("http://127.0.0.1:8080/x").unwrap()),
        "http://127.0.0.1:8080/x"
    );
}

/// The `download` span, for a URL that parses and one that does not, shows neither the password
/// nor the signature nor the fragment, and does show the redacted URL (so the check cannot pass
/// on an empty log).
#[test]
fn download_span_logs_the_url_without_user_information_query_or_fragment() {
    let captured = CapturedLog::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(tracing_subscriber::fmt::format::FmtSpan::NEW)
        .with_writer(move || writer.clone())
        .finish();
    let _default = tracing::subscriber::set_default(subscriber);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let base = runtime.block_on(async {
        // The raw server logs nothing itself, so whatever the log holds comes from the download.
        let server = RawServer::start(|socket| send_chunked(socket, 1, 5)).await;
        let base = server.url("");
        let parsed = base.replacen("http://", "http://user:password@", 1)
            + "/a.mp3?sig=secret-signature#frag";
        downloader().bytes(&parsed, &limit(100)).await.unwrap();
        let unparsed = "http://user:password@bad host/b.mp3?sig=secret-signature#frag";
        let error = downloader().bytes(unparsed, &limit(100)).await.unwrap_err();
        assert!(
            matches!(error, DownloadError::InvalidUrl { .. }),
            "{error:?}"
        );
        base
    });

    let log = captured.text();
    assert!(log.contains(&format!("url={base}/a.mp3")), "{log}");
    assert!(log.contains("url=http://bad host/b.mp3"), "{log}");
    for secret in ["password", "secret-signature", "frag", "user"] {
        assert!(!log.contains(secret), "`{secret}` is in the log:\n{log}");
    }
}
