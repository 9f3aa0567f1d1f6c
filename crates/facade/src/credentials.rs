//! API keys: taken from the caller or from an environment variable, held as a secret (never in
//! `Debug`, `Display`, errors or logs), and sent only by the provider's API client, as the header
//! its spec declares. Result downloads use a separate client that has no credential at all.

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};
use speech_client_runtime::service::CredentialScheme;

use crate::error::Error;
use crate::http::ConfigureHttp;
use crate::options::Options;

/// A provider API key.
#[derive(Clone)]
pub struct ApiKey(SecretString);

impl ApiKey {
    /// `key`, held as a secret: `Debug` prints `ApiKey(<redacted>)`, never the key.
    pub fn new(key: impl Into<String>) -> Self {
        Self(SecretString::from(key.into()))
    }

    /// The key in `variable`; a missing or empty variable is an error that names it.
    pub fn from_env(variable: &'static str) -> Result<Self, Error> {
        match std::env::var(variable) {
            Ok(key) if !key.trim().is_empty() => Ok(Self::new(key)),
            _ => Err(Error::MissingConfiguration { variable }),
        }
    }
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

/// The HTTP client of a provider's API: `user_agent` and the options' timeouts, then the caller's
/// changes ([`Options::http`]), then what they cannot change: the key in the scheme's header
/// (marked sensitive, so reqwest never prints it) and no redirect followed (a redirect to another
/// host would carry a custom key header there).
pub(crate) fn api_client(
    scheme: CredentialScheme,
    key: &ApiKey,
    user_agent: &str,
    options: &Options,
) -> Result<reqwest::Client, Error> {
    let name = HeaderName::try_from(scheme.header).map_err(|_| Error::InvalidCredential)?;
    let mut value = HeaderValue::try_from(scheme.value(key.0.expose_secret()))
        .map_err(|_| Error::InvalidCredential)?;
    value.set_sensitive(true);
    let mut headers = HeaderMap::new();
    headers.insert(name, value);
    let builder = reqwest::Client::builder()
        .user_agent(user_agent)
        .timeout(options.timeout)
        .connect_timeout(options.connect_timeout);
    ConfigureHttp::apply(options.http.as_ref(), builder)
        .default_headers(headers)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|source| Error::Transport {
            message: "building the HTTP client".into(),
            source: Some(source),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_never_prints() {
        let key = ApiKey::new("sk-very-secret");
        assert_eq!(format!("{key:?}"), "ApiKey(<redacted>)");
        let client = api_client(
            CredentialScheme {
                header: "Authorization",
                prefix: "Bearer ",
            },
            &key,
            "test",
            &Options::default(),
        )
        .unwrap();
        assert!(!format!("{client:?}").contains("sk-very-secret"));
    }

    #[test]
    fn a_missing_variable_is_named() {
        let error = ApiKey::from_env("SPEECH_FACADE_TEST_UNSET_VARIABLE").unwrap_err();
        assert!(
            error
                .to_string()
                .contains("SPEECH_FACADE_TEST_UNSET_VARIABLE"),
            "{error}"
        );
    }
}
