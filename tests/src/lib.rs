//! Cross-crate checks of the workspace.
//!
//! [`readme`] holds the consumer examples of the workspace `README.md`, extracted by `build.rs`:
//! they are compiled (and linted) with the generated clients they call, never run, since they talk
//! to the providers' real hosts.

/// The README's Rust blocks: helpers as written, every other block as the body of an `async fn`.
#[allow(
    dead_code,
    reason = "the examples are compiled to prove they match the API, not called"
)]
pub mod readme {
    include!(concat!(env!("OUT_DIR"), "/readme.rs"));
}
