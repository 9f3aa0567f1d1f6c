//! No span work without a listener: a subscriber that listens to nothing (it gives no level hint,
//! so the facade's span callsites are reached and ask it, and it declines each) never sees a span
//! built, entered or given a field value, so the per-request cost of the spans is the level and
//! interest check alone. (A process without any subscriber cannot be observed from inside; a
//! subscriber that declines everything is the observable stand-in for it.) Its own test binary:
//! tracing's per-thread subscriber must not race other tests' callsites.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{provider, stand_in, synthesis_request};
use speech_facade::{Synthesize, Wait, providers};
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::Interest;
use tracing::{Event, Metadata, Subscriber};

/// What a subscriber that declines everything was asked and shown.
#[derive(Default)]
struct Seen {
    /// The spans whose callsites asked whether they are wanted.
    asked: Vec<&'static str>,
    /// Spans built, entered, recorded, and events: each should stay at zero.
    work: Vec<String>,
}

#[derive(Clone, Default)]
struct Declining(Arc<Mutex<Seen>>);

impl Declining {
    fn note(&self, work: String) {
        self.0.lock().unwrap().work.push(work);
    }
}

impl Subscriber for Declining {
    fn register_callsite(&self, metadata: &'static Metadata<'static>) -> Interest {
        if metadata.is_span() {
            self.0.lock().unwrap().asked.push(metadata.name());
        }
        Interest::never()
    }

    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        self.note(format!("enabled? {}", metadata.name()));
        false
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        self.note(format!("new span {}", span.metadata().name()));
        Id::from_u64(1)
    }

    fn record(&self, _: &Id, values: &Record<'_>) {
        self.note(format!("record {values:?}"));
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {
        self.note("follows from".into());
    }

    fn event(&self, event: &Event<'_>) {
        self.note(format!("event {}", event.metadata().name()));
    }

    fn enter(&self, _: &Id) {
        self.note("enter".into());
    }

    fn exit(&self, _: &Id) {
        self.note("exit".into());
    }
}

#[test]
fn a_subscriber_that_listens_to_nothing_sees_no_span_built_entered_or_recorded() {
    let services: Vec<_> = providers()
        .filter(|service| {
            let submit = service.speech.synthesize.map(|mapping| mapping.operation);
            submit
                .and_then(|submit| service.job_start(submit))
                .is_some()
        })
        .collect();
    assert!(!services.is_empty(), "no provider's synthesis starts a job");
    let declining = Declining::default();
    let _default = tracing::subscriber::set_default(declining.clone());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    for service in services {
        let stand_in = stand_in(service).start().unwrap();
        runtime.block_on(async {
            provider(service, &stand_in)
                .synthesize(
                    &synthesis_request(service),
                    &Wait::up_to(Duration::from_secs(10)),
                )
                .await
                .unwrap_or_else(|e| panic!("{}: {e:?}", service.name));
        });
    }
    let seen = declining.0.lock().unwrap();
    for span in ["request", "wait"] {
        assert!(
            seen.asked.contains(&span),
            "the `{span}` span was never reached: {:?}",
            seen.asked
        );
    }
    assert!(
        seen.work.is_empty(),
        "span work without a listener: {:?}",
        seen.work
    );
}
