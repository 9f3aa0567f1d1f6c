//! One type per provider. Each is built from a base URL and an [`ApiKey`](crate::ApiKey) (or
//! from its environment variables), implements the provider-neutral traits of [`crate::speech`]
//! it supports, and keeps its generated client reachable (`client()`) for everything else.
//!
//! The glue here is only what differs per provider: which generated method starts a job and
//! which one polls it. States, result locations, base URLs and credential headers come from the
//! specs, through the generated `jobs` and `service` modules.

mod audixa;
pub mod connection;
mod miragic;
mod nanogpt;
mod voiceclone;

pub use audixa::Audixa;
pub use miragic::Miragic;
pub use nanogpt::NanoGpt;
pub use voiceclone::VoiceClone;

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::Error;

/// A provider's typed request from neutral values: the generated type checks every documented
/// limit, so a bad value is refused here, before anything is sent, naming the field.
fn typed<T: DeserializeOwned>(what: &str, value: Value) -> Result<T, Error> {
    serde_path_to_error::deserialize(value).map_err(|error| {
        let field = format!("`{}`", error.path());
        let reason = error.inner().to_string();
        // The generated value types name their field themselves; others are named here, once.
        let message = if reason.contains(&field) {
            format!("{what}: {reason}")
        } else {
            format!("{what}: {field}: {reason}")
        };
        Error::InvalidInput { message }
    })
}

/// A non-empty environment variable, or the error naming it.
fn env(variable: &'static str) -> Result<String, Error> {
    std::env::var(variable)
        .ok()
        .filter(|value| !value.trim().is_empty())
        .ok_or(Error::MissingConfiguration { variable })
}
