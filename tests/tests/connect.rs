//! `speech_facade::connect(name, options)` for every provider: the key and base URL come from the
//! variables its spec declares, and the provider is used through the dyn neutral interface.
//!
//! One test in its own binary: it sets process environment variables, which no other thread may
//! read at the same time.

mod common;

use std::time::Duration;

use common::{KEY, flows, options, serve};
use httpmock::MockServer;
use speech_facade::{AudioResult, Synthesize, Wait, connect, providers};
use speech_mock_support::json_response;

#[tokio::test(flavor = "current_thread")]
async fn every_provider_connects_by_name_from_its_variables_and_speaks_through_dyn_synthesize() {
    let flows = flows();
    assert_eq!(
        providers().count(),
        std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../specs"))
            .unwrap()
            .filter(|entry| entry.as_ref().unwrap().path().extension() == Some("yaml".as_ref()))
            .count(),
        "one registered provider per spec"
    );
    for flow in &flows {
        let server = MockServer::start_async().await;
        let (submit, status) =
            serve(&server, flow, vec![json_response(200, &flow.completed)]).await;
        let service = providers()
            .find(|service| service.name == flow.name)
            .unwrap();
        let base_url = service.base_url_variable.expect("every spec declares one");
        // SAFETY: the only test of this binary, on a single-threaded runtime: nothing reads the
        // environment concurrently.
        unsafe {
            std::env::set_var(service.key_variable, KEY);
            std::env::set_var(base_url, server.url(flow.base_path));
        }

        let provider = connect(flow.name, options()).unwrap();
        let speaker: &dyn Synthesize = &provider;
        let request = speech_facade::SpeechRequest::new(
            "A sentence long enough for every provider's minimum.",
            "v",
        );
        let speech = speaker
            .synthesize(&request, &Wait::up_to(Duration::from_secs(10)))
            .await
            .unwrap_or_else(|error| panic!("{}: {error}", flow.name));

        assert_eq!(
            speech.audio,
            AudioResult::Url("https://storage.example/result.mp3".into()),
            "{}",
            flow.name
        );
        submit.assert_calls_async(1).await;
        status.assert_calls_async(1).await;
        unsafe {
            std::env::remove_var(base_url);
        }
        if service.base_url_required {
            let error = connect(flow.name, options()).unwrap_err();
            assert_eq!(error.to_string(), format!("`{base_url}` is not set"));
        } else {
            let documented = connect(flow.name, options()).unwrap();
            assert_eq!(documented.service().base_url, service.base_url);
        }
    }
}
