//! What the facade's integration tests share: the test key, fast options, and each registered
//! provider's spec, played by its stand-in. No provider is named: everything is read from
//! `speech_facade::providers()` and the specs.
#![allow(dead_code, reason = "each test binary uses a part of it")]

use std::path::PathBuf;
use std::time::Duration;

use speech_client_runtime::neutral::{Place, Target};
use speech_facade::{ApiKey, Options, Provider, Service, SpeechRequest, WaitPolicy};
use speech_mock_support::limits::{Field, Limits, Location, request_fields};
use speech_mock_support::{StandIn, StandInBuilder};

pub const KEY: &str = "facade-test-key";

/// Fast polls, so the tests take milliseconds; the engine's timing is tested on a paused clock in
/// `wait`'s unit tests.
pub fn options() -> Options {
    Options {
        wait: WaitPolicy {
            first_poll: Duration::from_millis(5),
            min_gap: Duration::from_millis(5),
            max_gap: Duration::from_millis(20),
            learned_gap: Duration::from_millis(5),
            ..WaitPolicy::default()
        },
        ..Options::default()
    }
}

/// The spec a provider was generated from (`specs/<name>.yaml`).
pub fn spec_path(service: &Service) -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into())
        .join("../../specs")
        .join(format!("{}.yaml", service.name))
}

/// A stand-in for the provider's spec that accepts only [`KEY`].
pub fn stand_in(service: &Service) -> StandInBuilder {
    StandIn::from_file(spec_path(service)).unwrap().key(KEY)
}

/// The provider, aimed at `stand_in`.
pub fn provider(service: &Service, stand_in: &StandIn) -> Provider {
    Provider::new(service.name, stand_in.url(), ApiKey::new(KEY), options()).unwrap()
}

/// The request field `target` of `operation`, with its documented limits.
///
/// # Panics
/// When the spec has no such field: its `x-speech` names one that `lint` would refuse.
pub fn field(service: &Service, operation: &str, target: Target) -> Field {
    let location = match target.place {
        Place::Body => Location::Body,
        Place::Query => Location::Query,
        Place::Path => Location::Path,
        Place::File => Location::File,
    };
    request_fields(spec_path(service), operation)
        .unwrap()
        .into_iter()
        .find(|field| field.name == target.name && field.location == location)
        .unwrap_or_else(|| panic!("{}: `{operation}` has no {target:?}", service.name))
}

/// A text that keeps to every limit in `limits`: a listed value, else words of an accepted length.
pub fn fitting_text(limits: &Limits) -> String {
    if let Some(listed) = limits.values.iter().find_map(|value| value.as_str()) {
        return listed.to_owned();
    }
    let words = "Hello this is a test speech for every provider ";
    let most = [limits.max_length, limits.max_bytes]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(u64::MAX);
    let length = u64::try_from(words.len())
        .unwrap()
        .max(limits.min_length.unwrap_or(0))
        .min(most);
    words
        .chars()
        .cycle()
        .take(usize::try_from(length).unwrap())
        .collect()
}

/// A synthesis request the provider's spec accepts: text and voice that keep to their limits.
///
/// # Panics
/// When the provider maps no synthesis.
pub fn synthesis_request(service: &Service) -> SpeechRequest {
    let mapping = service
        .speech
        .synthesize
        .expect("a provider that synthesizes");
    let text = fitting_text(&field(service, mapping.operation, mapping.text).limits);
    let voice = fitting_text(&field(service, mapping.operation, mapping.voice).limits);
    SpeechRequest::new(text, voice)
}
