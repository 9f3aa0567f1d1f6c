//! Cross-crate checks of the workspace.
//!
//! [`readme`] holds the consumer examples of the workspace `README.md`, extracted by `build.rs`:
//! they are compiled (and linted) with the generated clients they call, never run, since they talk
//! to the providers' real hosts. [`clients`] reaches each spec's generated client type, listed by
//! `build.rs` from `specs/`, so a test covers every typed client without naming a provider.

/// The README's Rust blocks: helpers as written, every other block as the body of an `async fn`.
#[allow(
    dead_code,
    reason = "the examples are compiled to prove they match the API, not called"
)]
pub mod readme {
    include!(concat!(env!("OUT_DIR"), "/readme.rs"));
}

/// Each spec's generated client, reached through [`speech_facade::Provider::client`].
pub mod clients {
    /// The typed client of one spec, when `provider` is that spec's: its base URL and the HTTP
    /// client that carries the credential.
    pub type Typed = fn(&speech_facade::Provider) -> Option<(&str, &reqwest::Client)>;

    include!(concat!(env!("OUT_DIR"), "/clients.rs"));
}
