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
    serde_path_to_error::deserialize(value).map_err(|error| Error::InvalidInput {
        message: format!("{what}: `{}`: {}", error.path(), error.inner()),
    })
}

/// A string parameter the start response carries for the poll (`x-job-start`).
fn parameter(parameters: &[(&'static str, Value)], name: &str) -> Option<String> {
    parameters
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, value)| match value {
            Value::String(text) => text.clone(),
            other => other.to_string(),
        })
}

/// The job id the start response must carry.
fn job_id(
    parameters: &[(&'static str, Value)],
    name: &str,
    operation: &str,
) -> Result<String, Error> {
    parameter(parameters, name).ok_or_else(|| Error::UnexpectedResponse {
        status: None,
        excerpt: format!("{operation} answered without `{name}`"),
        body: Vec::new(),
    })
}

/// A non-empty environment variable, or the error naming it.
fn env(variable: &'static str) -> Result<String, Error> {
    std::env::var(variable)
        .ok()
        .filter(|value| !value.trim().is_empty())
        .ok_or(Error::MissingConfiguration { variable })
}
