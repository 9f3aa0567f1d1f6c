//! `speech_facade::connect(name, options)` for every spec: the key and base URL come from the
//! variables its spec declares, and the provider, played by its spec's stand-in, is used through
//! the dyn neutral interface.
//!
//! One test in its own binary: it sets process environment variables, which no other thread may
//! read at the same time.

mod common;

use std::time::Duration;

use common::{KEY, options, syntheses};
use speech_facade::{AudioResult, Synthesize, Wait, connect, providers};

#[tokio::test(flavor = "current_thread")]
async fn every_provider_connects_by_name_from_its_variables_and_speaks_through_dyn_synthesize() {
    assert_eq!(
        providers().count(),
        std::fs::read_dir(common::specs::root().join("specs"))
            .unwrap()
            .filter(|entry| entry.as_ref().unwrap().path().extension() == Some("yaml".as_ref()))
            .count(),
        "one registered provider per spec"
    );
    let syntheses = syntheses();
    assert!(!syntheses.is_empty(), "no spec maps synthesis");
    for synthesis in &syntheses {
        let name = synthesis.name();
        let service = synthesis.service;
        let stand_in = synthesis.stand_in().pending_polls(0).start().unwrap();
        let base_url = service.base_url_variable.expect("every spec declares one");
        // SAFETY: the only test of this binary, on a single-threaded runtime: nothing reads the
        // environment concurrently.
        unsafe {
            std::env::set_var(service.key_variable, KEY);
            std::env::set_var(base_url, stand_in.url());
        }

        let provider = connect(name, options()).unwrap();
        let speaker: &dyn Synthesize = &provider;
        let speech = speaker
            .synthesize(&synthesis.request, &Wait::up_to(Duration::from_secs(10)))
            .await
            .unwrap_or_else(|error| panic!("{name}: {error}"));

        match (&speech.audio, synthesis.poll) {
            (AudioResult::Url(url), Some(poll)) => {
                assert!(url.starts_with(stand_in.storage_url()), "{name}: {url}");
                assert_eq!(stand_in.requests(poll), 1, "{name}");
            }
            (AudioResult::Bytes { bytes, .. }, None) => assert!(!bytes.is_empty(), "{name}"),
            (audio, poll) => panic!("{name}: {audio:?} from a job polled with {poll:?}"),
        }
        assert_eq!(stand_in.requests(synthesis.submit), 1, "{name}");
        unsafe {
            std::env::remove_var(base_url);
        }
        if service.base_url_required {
            let error = connect(name, options()).unwrap_err();
            assert_eq!(error.to_string(), format!("`{base_url}` is not set"));
        } else {
            let documented = connect(name, options()).unwrap();
            assert_eq!(documented.service().base_url, service.base_url);
        }
    }
}
