//! Where a provider's API is and how it authenticates, as its spec declares them (`servers[0]`, the
//! first top-level security scheme). The generated crates expose them in their `service` module.

/// How an API key is sent: in `header`, after `prefix` (`"Bearer "` for HTTP bearer auth).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CredentialScheme {
    pub header: &'static str,
    pub prefix: &'static str,
}

impl CredentialScheme {
    /// The header value that carries `key`.
    pub fn value(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }
}
