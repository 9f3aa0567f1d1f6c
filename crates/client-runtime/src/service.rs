//! Where a provider's API is and how it authenticates, as its spec declares them (`servers[0]`, the
//! first top-level security scheme) and what its error bodies carry where (`x-error-body`). The
//! generated crates expose them in their `service` module.

use crate::jobs::{JobStart, JobStatus};
use crate::neutral::Neutral;

/// How an API key is sent: in `header`, after `prefix` (`"Bearer "` for HTTP bearer auth).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CredentialScheme {
    /// The header that carries the key.
    pub header: &'static str,
    /// What goes before the key in the header's value (`"Bearer "`, or nothing).
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
    /// JSON Pointer of the balance an insufficient-credits error reports.
    pub credits: Option<&'static str>,
    /// JSON Pointer of the credits the refused request needed.
    pub need_credits: Option<&'static str>,
    /// Codes that mean the account lacks credits, whatever the status.
    pub insufficient_credits_codes: &'static [&'static str],
}

/// A documented rate limit (`x-rate-limit`): how many requests a minute, and how many at once.
/// `None` where the provider documents no such bound.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests a key may send per minute (a limit per second is written per minute).
    pub requests_per_minute: Option<u32>,
    /// Requests (jobs) a key may have in flight at once.
    pub concurrent: Option<u32>,
}

impl RateLimit {
    /// The tighter of two limits, bound by bound: both apply to a request.
    pub fn and(self, other: Self) -> Self {
        let tighter = |a: Option<u32>, b: Option<u32>| match (a, b) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        Self {
            requests_per_minute: tighter(self.requests_per_minute, other.requests_per_minute),
            concurrent: tighter(self.concurrent, other.concurrent),
        }
    }
}

/// Everything a provider's spec says about it beyond its operations: the generated crates'
/// `service::SERVICE`, one value a facade drives the provider with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Service {
    /// The provider's name: its spec's file stem (`specs/<name>.yaml`).
    pub name: &'static str,
    /// The documented base URL (`servers[0]`).
    pub base_url: &'static str,
    /// How the API key is sent.
    pub credential: CredentialScheme,
    /// The environment variable that holds the API key (`x-environment`).
    pub key_variable: &'static str,
    /// The variable that overrides the documented base URL when set.
    pub base_url_variable: Option<&'static str>,
    /// The documented host is a placeholder (a per-customer deployment): the base-URL variable
    /// must be set.
    pub base_url_required: bool,
    /// The operations that spend credits (`x-spends-credits`).
    pub spends_credits: &'static [&'static str],
    /// Where error bodies keep their code, message and credit counts.
    pub error_body: ErrorBody,
    /// The operations that start jobs (`x-job-start`).
    pub job_starts: &'static [JobStart],
    /// The operations that report a job's state (`x-job-status`).
    pub job_statuses: &'static [JobStatus],
    /// The neutral operations (`x-speech`).
    pub speech: Neutral,
    /// The limit of every request (the top-level `x-rate-limit`).
    pub rate_limit: RateLimit,
    /// The limits of single operations (`x-rate-limit` on an operation), by operation id.
    pub operation_rate_limits: &'static [(&'static str, RateLimit)],
    /// The spec itself (OpenAPI YAML, as written in `specs/<name>.yaml`): a published crate
    /// carries its provider's full description, so tools (a stand-in server, a validator) work
    /// without the repository.
    pub spec: &'static str,
}

impl Service {
    /// The job contract `operation` starts, if it starts jobs.
    pub fn job_start(&self, operation: &str) -> Option<&'static JobStart> {
        self.job_starts
            .iter()
            .find(|start| start.operation == operation)
    }

    /// The status contract of the status operation `operation`.
    pub fn job_status(&self, operation: &str) -> Option<&'static JobStatus> {
        self.job_statuses
            .iter()
            .find(|status| status.operation == operation)
    }

    /// The documented limit of requests to `operation`: its own and the provider-wide one.
    pub fn rate_limit_of(&self, operation: &str) -> RateLimit {
        self.operation_rate_limits
            .iter()
            .filter(|(id, _)| *id == operation)
            .fold(self.rate_limit, |limit, (_, own)| limit.and(*own))
    }

    /// Whether `operation` spends credits.
    pub fn spends_credits(&self, operation: &str) -> bool {
        self.spends_credits.contains(&operation)
    }
}

#[cfg(test)]
mod tests {
    use super::RateLimit;

    #[test]
    fn the_tighter_bound_of_two_limits_applies() {
        let global = RateLimit {
            requests_per_minute: Some(1500),
            concurrent: None,
        };
        let own = RateLimit {
            requests_per_minute: Some(20),
            concurrent: Some(5),
        };
        assert_eq!(global.and(own), own);
        assert_eq!(own.and(global), own);
        assert_eq!(global.and(RateLimit::default()), global);
    }
}
