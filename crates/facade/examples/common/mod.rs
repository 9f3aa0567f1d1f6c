//! What every example does first: connect to the provider named on the command line, or, when its
//! key variable is not set, say so on stderr and connect to a local stand-in that plays the
//! provider from its spec (`specs/<provider>.yaml`): the documented answers, a job that is pending
//! for two polls, and results on a second local origin.

use std::path::{Path, PathBuf};

use speech_facade::{ApiKey, Error, Options, Provider, Service};
use speech_mock_support::StandIn;

/// The provider `name`, configured from its environment variables, else a local stand-in; the
/// stand-in it talks to is returned too (it stops when dropped, so keep it as long as the
/// provider).
pub fn connect(name: &str) -> Result<(Provider, Option<StandIn>), Box<dyn std::error::Error>> {
    match speech_facade::connect(name, Options::default()) {
        Ok(provider) => Ok((provider, None)),
        Err(Error::MissingConfiguration { variable }) => {
            let spec = Path::new("specs").join(format!("{name}.yaml"));
            let stand_in = StandIn::from_file(workspace().join(&spec))?
                .key("local-key")
                .start()?;
            eprintln!(
                "{variable} is not set: using a local stand-in at {} that plays {}",
                stand_in.url(),
                spec.display()
            );
            let provider = Provider::new(
                name,
                stand_in.url(),
                ApiKey::new("local-key"),
                Options::default(),
            )?;
            Ok((provider, Some(stand_in)))
        }
        Err(error) => Err(error.into()),
    }
}

/// The names of the providers `offers` selects, for a usage message.
pub fn offering(offers: impl Fn(&Service) -> bool) -> Vec<&'static str> {
    speech_facade::providers()
        .filter(|service| offers(service))
        .map(|service| service.name)
        .collect()
}

/// The workspace root (the specs are below it).
fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}
