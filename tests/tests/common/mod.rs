//! What the cross-crate scenarios share: options that poll and retry fast, and each spec's
//! synthesis (its documented values) run against the spec's own stand-in. No provider is named.
#![allow(dead_code, reason = "each test binary uses a part of it")]

pub mod specs;

use std::time::Duration;

use serde_json::{Map, Value};
use speech_client_runtime::dispatch::Request;
use speech_client_runtime::neutral::{Place, Target};
use speech_facade::{
    ApiKey, Error, Options, Provider, RetryPolicy, Service, Speech, SpeechRequest, Synthesize,
    Wait, WaitPolicy,
};
use speech_mock_support::{StandIn, StandInBuilder};
use speech_spec::Spec;

use specs::{documented_requests, root, specs};

pub const KEY: &str = "fault-scenario-key";

/// Fast polls and retries, so the scenarios take milliseconds.
pub fn options() -> Options {
    Options {
        wait: WaitPolicy {
            first_poll: Duration::from_millis(5),
            min_gap: Duration::from_millis(5),
            max_gap: Duration::from_millis(20),
            learned_gap: Duration::from_millis(5),
            ..WaitPolicy::default()
        },
        retry: RetryPolicy {
            min_delay: Duration::from_millis(2),
            max_delay: Duration::from_millis(8),
            ..RetryPolicy::default()
        },
        ..Options::default()
    }
}

/// The registered provider of `spec`.
pub fn service_of(spec: &Spec) -> &'static Service {
    speech_facade::providers()
        .find(|service| service.name == spec.provider)
        .expect("every spec is registered")
}

/// A stand-in for `spec` that accepts only [`KEY`].
pub fn stand_in(spec: &Spec) -> StandInBuilder {
    StandIn::from_file(root().join(&spec.path))
        .unwrap()
        .key(KEY)
}

/// A spec whose `x-speech` maps `synthesize`, ready to run.
pub struct Synthesis {
    pub spec: Spec,
    pub service: &'static Service,
    /// The neutral request made of a documented call's values.
    pub request: SpeechRequest,
    /// The operation that synthesizes.
    pub submit: &'static str,
    /// The status operation of the job it starts, when it starts one.
    pub poll: Option<&'static str>,
}

/// Every spec that maps `synthesize`.
///
/// # Panics
/// When a spec documents no call that gives a text and a voice.
pub fn syntheses() -> Vec<Synthesis> {
    specs()
        .into_iter()
        .filter_map(|spec| {
            let service = service_of(&spec);
            let submit = service.speech.synthesize?.operation;
            let request = synthesis_request(&spec, service).unwrap_or_else(|| {
                panic!(
                    "{}: no documented call gives a text and a voice",
                    spec.provider
                )
            });
            Some(Synthesis {
                poll: service.job_start(submit).map(|start| start.poll),
                spec,
                service,
                request,
                submit,
            })
        })
        .collect()
}

/// The syntheses that start a job: what a scenario about polls runs on.
///
/// # Panics
/// When no spec's synthesis starts a job: the scenario would check nothing.
pub fn jobs() -> Vec<Synthesis> {
    let jobs: Vec<Synthesis> = syntheses()
        .into_iter()
        .filter(|synthesis| synthesis.poll.is_some())
        .collect();
    assert!(!jobs.is_empty(), "no spec's synthesis starts a job");
    jobs
}

/// The syntheses whose operation spends credits: what a scenario about resending runs on.
///
/// # Panics
/// When there is none.
pub fn spending() -> Vec<Synthesis> {
    let spending: Vec<Synthesis> = syntheses()
        .into_iter()
        .filter(|synthesis| synthesis.service.spends_credits(synthesis.submit))
        .collect();
    assert!(!spending.is_empty(), "no spec's synthesis spends credits");
    spending
}

impl Synthesis {
    /// The provider's name, for messages.
    pub fn name(&self) -> &str {
        &self.spec.provider
    }

    /// The status operation.
    ///
    /// # Panics
    /// When the synthesis starts no job (take it from [`jobs`]).
    pub fn poll(&self) -> &'static str {
        self.poll.expect("a synthesis that starts a job")
    }

    /// A stand-in for the spec that accepts only [`KEY`].
    pub fn stand_in(&self) -> StandInBuilder {
        stand_in(&self.spec)
    }

    /// The provider at `base`, used through the neutral interface.
    pub fn provider(&self, base: &str, options: Options) -> Result<Provider, Error> {
        Provider::new(self.name(), base, ApiKey::new(KEY), options)
    }

    /// Synthesizes against `stand_in`, within `deadline`, with fast options.
    pub async fn run(&self, stand_in: &StandIn, deadline: Duration) -> Result<Speech, Error> {
        self.run_timed(stand_in.url(), deadline, options()).await.0
    }

    /// Synthesizes against the API at `base`, with how long the call took (the provider is
    /// built before the clock starts: the deadline bounds the call, not its client's
    /// construction).
    pub async fn run_timed(
        &self,
        base: &str,
        deadline: Duration,
        options: Options,
    ) -> (Result<Speech, Error>, Duration) {
        let provider = match self.provider(base, options) {
            Ok(provider) => provider,
            Err(error) => return (Err(error), Duration::ZERO),
        };
        let speaker: &dyn Synthesize = &provider;
        let started = tokio::time::Instant::now();
        let result = speaker
            .synthesize(&self.request, &Wait::up_to(deadline))
            .await;
        (result, started.elapsed())
    }
}

/// The value of `target` in a documented request.
pub fn value_at(request: &Request, target: Target) -> Option<&Value> {
    match target.place {
        Place::Body => request.body.as_ref()?.get(target.name),
        Place::Query | Place::Path => request.parameters.get(target.name),
        Place::File => None,
    }
}

/// A neutral synthesis request from the first documented call of `operation` that gives both a
/// text and a voice; the call's other body fields become the request's options.
pub fn synthesis_request(spec: &Spec, service: &Service) -> Option<SpeechRequest> {
    let mapping = service.speech.synthesize?;
    let operation = spec
        .operations()
        .into_iter()
        .find(|operation| operation.id() == Some(mapping.operation))?;
    documented_requests(spec, &operation)
        .into_iter()
        .find_map(|(request, _files)| {
            let text = value_at(&request, mapping.text)?.as_str()?.to_owned();
            let voice = value_at(&request, mapping.voice)?.as_str()?.to_owned();
            let neutral = [Some(mapping.text), Some(mapping.voice), mapping.format];
            let mut synthesis = SpeechRequest::new(text, voice);
            if let Some(format) = mapping.format.and_then(|target| value_at(&request, target)) {
                synthesis = synthesis.format(format.as_str()?);
            }
            let options: Map<String, Value> = request
                .body
                .as_ref()
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .filter(|(name, _)| {
                    !neutral
                        .iter()
                        .flatten()
                        .any(|target| target.place == Place::Body && target.name == *name)
                })
                .map(|(name, value)| (name.clone(), value.clone()))
                .collect();
            synthesis.options = options;
            Some(synthesis)
        })
}
