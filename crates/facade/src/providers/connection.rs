//! What every provider type holds: its generated client, built with the credential its spec
//! declares, and the options.

use std::fmt::Debug;

use progenitor_client::{Error as ClientError, ResponseValue};
use serde::Serialize;
use speech_client_runtime::jobs::JobStatus;
use speech_client_runtime::service::{CredentialScheme, ErrorBody};

use super::env;
use crate::call::{Calls, poll_json};
use crate::credentials::{ApiKey, api_client};
use crate::deadline::Deadline;
use crate::error::Error;
use crate::handle::JobHandle;
use crate::job::{Finished, Freshness, wait_job};
use crate::options::{Options, Wait};

/// Keeps [`GeneratedClient`] implemented only here, for the generated clients: its constants are
/// the spec's, and nothing outside can vouch for them.
mod sealed {
    pub trait Sealed {}
}
pub(crate) use sealed::Sealed;

/// A generated client, as the facade builds it. Sealed: implemented for every generated client
/// this crate knows, and by nothing else.
pub trait GeneratedClient: sealed::Sealed + Sized {
    /// `service::CREDENTIAL` of the generated crate.
    const CREDENTIAL: CredentialScheme;
    /// `service::BASE_URL` of the generated crate.
    const BASE_URL: &'static str;
    /// `service::ERROR_BODY` of the generated crate.
    const ERROR_BODY: ErrorBody;
    /// `service::KEY_VARIABLE`: the environment variable that holds the API key.
    const KEY_VARIABLE: &'static str;
    /// `service::BASE_URL_VARIABLE`: the variable that holds the base URL, for an API whose
    /// documented host is a placeholder.
    const BASE_URL_VARIABLE: Option<&'static str>;
    /// `service::SPENDS_CREDITS`: the operations that spend credits.
    const SPENDS_CREDITS: &'static [&'static str];
    fn with_http(base_url: &str, http: reqwest::Client) -> Self;
}

/// A generated client and the options it is used with.
pub struct Connection<C> {
    pub(crate) client: C,
    pub(crate) options: Options,
}

impl<C: GeneratedClient> Connection<C> {
    /// A client for the API at `base_url`, sending `key` as the spec's credential header.
    ///
    /// The base URL is checked here, not at the first request: it must be an absolute `http` or
    /// `https` URL without query or fragment; a trailing slash is accepted (and dropped, since
    /// operation paths start with one).
    pub fn new(base_url: &str, key: ApiKey, options: Options) -> Result<Self, Error> {
        let base_url = checked_base_url(base_url)?;
        let http = api_client(
            C::CREDENTIAL,
            &key,
            options.timeout,
            options.connect_timeout,
        )?;
        Ok(Self {
            client: C::with_http(&base_url, http),
            options,
        })
    }

    /// The key from the provider's variable (`MIRAGIC_API_KEY`, ...) and the documented base URL,
    /// or the one in its base-URL variable when the API has no fixed host
    /// (`VOICECLONE_BASE_URL`); a missing variable is named in the error.
    pub fn from_env(options: Options) -> Result<Self, Error> {
        let base_url = match C::BASE_URL_VARIABLE {
            Some(variable) => env(variable)?,
            None => C::BASE_URL.to_owned(),
        };
        Self::new(&base_url, ApiKey::from_env(C::KEY_VARIABLE)?, options)
    }

    /// The generated client, for every operation and option of the API.
    pub fn client(&self) -> &C {
        &self.client
    }

    /// Waits for `job` through the `status` contract, polling with the request `poll` builds (once
    /// per attempt), until it finishes or `deadline` passes.
    pub(crate) async fn follow<T, E, F, Fut>(
        &self,
        job: &JobHandle,
        freshness: Freshness,
        status: &JobStatus,
        (wait, deadline): (&Wait, &Deadline),
        poll: F,
    ) -> Result<Finished, Error>
    where
        T: Serialize,
        E: Serialize + Debug,
        F: Fn(u32) -> Fut,
        Fut: Future<Output = Result<ResponseValue<T>, ClientError<E>>>,
    {
        let calls = self.calls();
        let options = &self.options.wait;
        let poll_once = || poll_json(calls, status.operation, deadline, &poll);
        wait_job(job, freshness, status, options, wait, deadline, poll_once).await
    }

    /// What this provider's requests are sent with.
    pub(crate) fn calls(&self) -> Calls<'_> {
        Calls {
            retry: &self.options.retry,
            errors: &C::ERROR_BODY,
            spends_credits: C::SPENDS_CREDITS,
            max_response_bytes: self.options.max_response_bytes,
        }
    }
}

/// `base_url` as the generated clients join paths to it, or why it cannot be used.
fn checked_base_url(base_url: &str) -> Result<String, Error> {
    let refuse = |reason: &str| Error::InvalidBaseUrl {
        url: base_url.to_owned(),
        reason: reason.to_owned(),
    };
    let url = reqwest::Url::parse(base_url.trim())
        .map_err(|error| refuse(&format!("it is not an absolute URL ({error})")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(refuse("only http and https URLs are accepted"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(refuse("a base URL has no query or fragment"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(refuse("credentials belong in the API key, not in the URL"));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// Implements [`GeneratedClient`] for a generated crate's `Client`.
macro_rules! generated_client {
    ($krate:ident) => {
        impl $crate::providers::connection::Sealed for $krate::Client {}
        impl $crate::providers::connection::GeneratedClient for $krate::Client {
            const CREDENTIAL: speech_client_runtime::service::CredentialScheme =
                $krate::service::CREDENTIAL;
            const BASE_URL: &'static str = $krate::service::BASE_URL;
            const ERROR_BODY: speech_client_runtime::service::ErrorBody =
                $krate::service::ERROR_BODY;
            const KEY_VARIABLE: &'static str = $krate::service::KEY_VARIABLE;
            const BASE_URL_VARIABLE: Option<&'static str> = $krate::service::BASE_URL_VARIABLE;
            const SPENDS_CREDITS: &'static [&'static str] = $krate::service::SPENDS_CREDITS;
            fn with_http(base_url: &str, http: reqwest::Client) -> Self {
                Self::new_with_client(base_url, http)
            }
        }
    };
}
pub(crate) use generated_client;

#[cfg(test)]
mod tests {
    use super::checked_base_url;

    #[test]
    fn a_base_url_is_checked_when_the_client_is_built() {
        assert_eq!(
            checked_base_url("https://api.example.com/v2/").unwrap(),
            "https://api.example.com/v2"
        );
        assert_eq!(
            checked_base_url("http://127.0.0.1:8080").unwrap(),
            "http://127.0.0.1:8080"
        );
        for bad in [
            "not a url",
            "",
            "/api/v1",
            "ftp://example.com",
            "https://example.com/?a=1",
            "https://user:pw@example.com",
        ] {
            let error = checked_base_url(bad).unwrap_err();
            assert!(
                error
                    .to_string()
                    .starts_with(&format!("the base URL `{bad}` cannot be used: ")),
                "{error}"
            );
        }
    }

    #[test]
    fn from_env_reads_the_variables_the_spec_names() {
        use crate::{Options, VoiceClone};
        // The spec's x-environment: a base-URL variable first (the documented host is a
        // placeholder), then the key.
        if std::env::var_os("VOICECLONE_BASE_URL").is_none() {
            let Err(error) = VoiceClone::from_env(Options::default()) else {
                panic!("built without VOICECLONE_BASE_URL");
            };
            assert!(
                matches!(
                    error,
                    crate::Error::MissingConfiguration {
                        variable: "VOICECLONE_BASE_URL"
                    }
                ),
                "{error:?}"
            );
        }
        if std::env::var_os("NANOGPT_API_KEY").is_none() {
            let Err(error) = crate::NanoGpt::from_env(Options::default()) else {
                panic!("built without NANOGPT_API_KEY");
            };
            assert_eq!(error.to_string(), "`NANOGPT_API_KEY` is not set");
        }
    }
}
