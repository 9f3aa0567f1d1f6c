//! The conformance suite: every documented example of `specs/*.yaml`, replayed against the
//! generated clients on a local mock server, in both directions.
//!
//! - [`exchange`]: the provider-neutral values a case hands to a client and gets back.
//! - [`cases`]: the cases of a spec, read from its examples.
//! - [`run`]: replaying one case against a local mock server, with the checks of its direction.
//! - `as_printed`: a documented call in a media type the client does not send, sent as printed.
//! - `served`: what the local server answers with and expects (key, base path, documented answers).
//! - [`adapters`]: generated per spec; drives a client from an example's JSON values.

#[rustfmt::skip]
pub mod adapters;
mod as_printed;
pub mod cases;
pub mod exchange;
mod json;
pub mod report;
pub mod run;
mod served;
pub mod tolerance;

/// The workspace root: from the directory cargo runs the suite in, so that a binary built from
/// another checkout into a shared target directory reads this one's specs.
pub fn workspace_root() -> std::path::PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into())
        .join("..")
}
