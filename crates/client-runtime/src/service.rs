//! Where a provider's API is and how it authenticates, as its spec declares them (`servers[0]`, the
//! first top-level security scheme) and what its error bodies carry where (`x-error-body`). The
//! generated crates expose them in their `service` module.

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

/// Where an error body keeps what a caller reports (`x-error-body` of the spec).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ErrorBody {
    /// JSON Pointers of the provider's error code, the first present wins.
    pub code: &'static [&'static str],
    /// JSON Pointers of the message, the first present wins.
    pub message: &'static [&'static str],
    pub credits: Option<&'static str>,
    pub need_credits: Option<&'static str>,
    /// Codes that mean the account lacks credits, whatever the status.
    pub insufficient_credits_codes: &'static [&'static str],
}
