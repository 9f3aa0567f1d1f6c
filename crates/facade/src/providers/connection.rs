//! What every provider type holds: its generated client, built with the credential its spec
//! declares, and the options.

use speech_client_runtime::service::{CredentialScheme, ErrorBody};

use super::env;
use crate::call::Calls;
use crate::credentials::{ApiKey, api_client};
use crate::error::Error;
use crate::options::Options;

/// A generated client, as the facade builds it.
pub trait GeneratedClient: Sized {
    /// `service::CREDENTIAL` of the generated crate.
    const CREDENTIAL: CredentialScheme;
    /// `service::BASE_URL` of the generated crate.
    const BASE_URL: &'static str;
    /// `service::ERROR_BODY` of the generated crate.
    const ERROR_BODY: ErrorBody;
    /// The environment variable that holds the API key.
    const KEY_VARIABLE: &'static str;
    /// The environment variable that holds the base URL, for an API without a fixed host.
    const BASE_URL_VARIABLE: Option<&'static str>;
    fn with_http(base_url: &str, http: reqwest::Client) -> Self;
}

/// A generated client and the options it is used with.
pub struct Connection<C> {
    pub(crate) client: C,
    pub(crate) options: Options,
}

impl<C: GeneratedClient> Connection<C> {
    /// A client for the API at `base_url`, sending `key` as the spec's credential header.
    pub fn new(base_url: &str, key: ApiKey, options: Options) -> Result<Self, Error> {
        let http = api_client(
            C::CREDENTIAL,
            &key,
            options.timeout,
            options.connect_timeout,
        )?;
        Ok(Self {
            client: C::with_http(base_url, http),
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

    /// What this provider's requests are sent with.
    pub(crate) fn calls(&self) -> Calls<'_> {
        Calls {
            retry: &self.options.retry,
            errors: &C::ERROR_BODY,
        }
    }
}

/// Implements [`GeneratedClient`] for a generated crate's `Client`.
macro_rules! generated_client {
    ($krate:ident, key: $key:literal, base_url: $base_url:expr) => {
        impl $crate::providers::connection::GeneratedClient for $krate::Client {
            const CREDENTIAL: speech_client_runtime::service::CredentialScheme =
                $krate::service::CREDENTIAL;
            const BASE_URL: &'static str = $krate::service::BASE_URL;
            const ERROR_BODY: speech_client_runtime::service::ErrorBody =
                $krate::service::ERROR_BODY;
            const KEY_VARIABLE: &'static str = $key;
            const BASE_URL_VARIABLE: Option<&'static str> = $base_url;
            fn with_http(base_url: &str, http: reqwest::Client) -> Self {
                Self::new_with_client(base_url, http)
            }
        }
    };
}
pub(crate) use generated_client;
