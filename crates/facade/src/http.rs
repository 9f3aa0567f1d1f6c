//! The caller's say in the HTTP clients this crate builds: a proxy, extra root certificates, TLS
//! and HTTP version settings, a local address, pool sizes, another `User-Agent`. What keeps keys
//! and downloads safe (no redirect carrying the key, the download's redirect and address checks)
//! is set after the caller's changes, so no configuration can undo it.

use std::fmt;
use std::sync::Arc;

/// Changes made to every `reqwest::ClientBuilder` this crate uses, before it adds its own
/// safety settings ([`crate::Options::http`], [`crate::DownloaderBuilder::http`]).
///
/// ```
/// use speech_facade::{ConfigureHttp, Options};
/// let options = Options {
///     http: Some(ConfigureHttp::new(|builder| {
///         builder.proxy(reqwest::Proxy::all("http://proxy.internal:3128").unwrap())
///     })),
///     ..Options::default()
/// };
/// # let _ = options;
/// ```
#[derive(Clone)]
pub struct ConfigureHttp(
    Arc<dyn Fn(reqwest::ClientBuilder) -> reqwest::ClientBuilder + Send + Sync>,
);

impl ConfigureHttp {
    /// Applies `configure` to each client builder.
    pub fn new(
        configure: impl Fn(reqwest::ClientBuilder) -> reqwest::ClientBuilder + Send + Sync + 'static,
    ) -> Self {
        Self(Arc::new(configure))
    }

    pub(crate) fn apply(
        configure: Option<&Self>,
        builder: reqwest::ClientBuilder,
    ) -> reqwest::ClientBuilder {
        match configure {
            Some(configure) => (configure.0)(builder),
            None => builder,
        }
    }
}

impl fmt::Debug for ConfigureHttp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ConfigureHttp(..)")
    }
}

/// This crate's `User-Agent`: its name and version, then the generated client's
/// (`speech-facade/0.1.0 acme-client/1.2.0`), so a provider can tell which release sent a request.
pub(crate) fn user_agent(client: &str) -> String {
    let facade = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));
    if client.is_empty() {
        facade.to_owned()
    } else {
        format!("{facade} {client}")
    }
}
