//! Finding a provider by name among those the facade was generated with, and connecting to it
//! as `speech_facade::connect` does, with the command line's base URL and poll interval.

use std::time::Duration;

use speech_facade::{ApiKey, Error, Options, Provider, Service, Wait, WaitPolicy};

use crate::cli::Call;
use crate::exit::Failure;

/// The provider `name`, as its spec describes it; the known names when there is none.
pub fn service(name: &str) -> Result<&'static Service, Failure> {
    speech_facade::providers()
        .find(|service| service.name == name)
        .ok_or_else(|| {
            let known: Vec<_> = speech_facade::providers().map(|s| s.name).collect();
            Failure::input(format!(
                "no provider `{name}` (known: {})",
                known.join(", ")
            ))
        })
}

/// The provider `name`, its key from the variable its spec names, at `--base-url` if given
/// (else where `connect` finds it).
pub fn connect(name: &str, call: &Call) -> Result<Provider, Failure> {
    let service = service(name)?;
    let options = options(call.poll_interval);
    let provider = match &call.base_url {
        Some(url) => Provider::new(name, url, ApiKey::from_env(service.key_variable)?, options),
        None => speech_facade::connect(name, options),
    };
    provider.map_err(|error| match error {
        // A missing base-URL variable is configuration to give, not a credential.
        Error::MissingConfiguration { variable } if variable != service.key_variable => {
            Failure::input(format!("{error} (or give --base-url)"))
        }
        error => Failure::from(error),
    })
}

/// The facade's defaults, with polls at most `poll_interval` apart.
fn options(poll_interval: Duration) -> Options {
    let defaults = WaitPolicy::default();
    Options {
        wait: WaitPolicy {
            first_poll: defaults.first_poll.min(poll_interval),
            min_gap: defaults.min_gap.min(poll_interval),
            max_gap: poll_interval,
            learned_gap: defaults.learned_gap.min(poll_interval),
            ..defaults
        },
        ..Options::default()
    }
}

/// The wait of one call: its deadline, with the job's progress reported.
pub fn wait(call: &Call, report: &crate::progress::Report) -> Wait {
    let report = report.clone();
    Wait::up_to(call.deadline).with_progress(move |progress| report.poll(progress))
}
