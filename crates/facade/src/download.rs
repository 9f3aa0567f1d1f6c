//! Downloads of the result URLs that providers return for generated audio.
//!
//! A provider answers a finished job with a URL, often a pre-signed one on a storage host, where the
//! audio (possibly hundreds of megabytes) can be fetched. Fetching it safely takes more care than a
//! plain `GET`, and the same care for every provider, so it lives here:
//!
//! - **No credentials.** The [`Downloader`] owns its own [`reqwest::Client`] without default headers.
//!   The provider's API key must never reach a storage host, and reqwest only strips
//!   `authorization`/`cookie` on cross-host redirects, not custom headers such as `x-api-key`; a
//!   separate client is the only way to be sure nothing leaks, redirects included.
//! - **No `Referer`.** reqwest would send the URL a redirect came from, pre-signed query included,
//!   to the host it leads to; the downloader's client sends none.
//! - **Only where audio can be.** No redirect from `https` to `http`, and no link-local or cloud
//!   metadata address, whether the first URL or a redirect names it, literally or through a host
//!   name; on request ([`DownloaderBuilder::refuse_private_networks`]) no loopback or private
//!   address either. A refused target gets no request: [`DownloadError::Refused`].
//! - **Bounded memory and disk.** Bodies are streamed; [`Downloader::to_file`] writes chunk by chunk,
//!   and every method enforces [`DownloadLimits::max_bytes`], before reading when the server declares a
//!   `Content-Length` and as soon as the running total passes it otherwise.
//! - **Bounded time, on request.** Besides the per-read timeout, a total deadline
//!   ([`DownloaderBuilder::deadline`]) ends a download that a host drips out byte by byte.
//! - **No half-written files.** [`Downloader::to_file`] writes to a temporary file in the target's
//!   directory, syncs it, then renames it over the target. On any error, and when the future is
//!   dropped, the temporary file is removed and the target is left as it was.
//! - **No leaked signatures.** URLs in [`DownloadError`] and in the `download` log span have their
//!   query string, fragment and user information removed, because pre-signed URLs carry their
//!   signature in the query, and errors end up in logs.

mod addresses;
mod deadline;
pub(crate) mod file;
mod redact;
mod redirects;

use std::error::Error as _;
use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use futures_util::{Stream, TryStreamExt, stream};
use reqwest::header::CONTENT_TYPE;
use reqwest::{Response, Url};
use tracing::Instrument;

use crate::http::{ConfigureHttp, user_agent};
pub use addresses::Refusal;
use addresses::{Addresses, CheckingResolver, TargetRefused};
use deadline::Deadline;
use redact::{redact, redact_url};

/// Largest buffer [`Downloader::bytes`] reserves up front. The declared `Content-Length` comes from
/// the server, so it may size the first allocation only up to this point; beyond it the buffer grows
/// with the data that actually arrives.
const MAX_PREALLOCATION: u64 = 8 << 20;

/// The stream of body chunks, already checked against the size limit and the deadline.
pub(crate) type Body = Pin<Box<dyn Stream<Item = Result<Bytes, DownloadError>> + Send>>;

/// How much a download may bring in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DownloadLimits {
    /// Largest body accepted, in bytes; a body of exactly this size is accepted.
    pub max_bytes: u64,
}

impl DownloadLimits {
    /// The default limit: 1 GiB.
    ///
    /// Speech output is rarely above a few hundred megabytes: an hour of 16-bit 44.1 kHz stereo WAV,
    /// the bulkiest format these APIs produce, is about 635 MB, so 1 GiB leaves room for long
    /// lossless renderings while still stopping a runaway or hostile body before it fills a disk.
    /// [`Downloader::bytes`] holds the whole body in memory: callers buffering should pass a limit
    /// sized for their memory, not rely on this default.
    pub const DEFAULT_MAX_BYTES: u64 = 1 << 30;
}

impl Default for DownloadLimits {
    fn default() -> Self {
        Self {
            max_bytes: Self::DEFAULT_MAX_BYTES,
        }
    }
}

/// A fetched (or fetchable) body with what the server said about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Downloaded<T> {
    /// The body: bytes in memory, the path written, or a stream of chunks.
    pub body: T,
    /// The `Content-Type` header as sent, parameters included; `None` when absent or not text.
    pub content_type: Option<String>,
    /// Body length: the bytes received for [`Downloader::bytes`] and [`Downloader::to_file`], the
    /// declared `Content-Length` (if any) for [`Downloader::stream`].
    pub bytes: Option<u64>,
}

/// Why a download failed.
///
/// Every `url` here has had its query string, fragment and user information removed: pre-signed URLs
/// carry their signature in the query, and errors are logged. It is the URL the caller asked for,
/// not the one a redirect led to.
#[derive(Debug, thiserror::Error)]
pub enum DownloadError {
    /// The URL does not parse, or its scheme is neither `http` nor `https`. No request was made.
    #[error("cannot download {url}: only absolute http and https URLs are accepted")]
    InvalidUrl {
        /// The rejected URL, redacted.
        url: String,
    },
    /// The URL, a redirect, or the address a host name resolved to leads where downloads may not
    /// go (see [`Refusal`]). No request was sent there.
    #[error("download of {url} refused: {target} is {reason}")]
    Refused {
        /// The requested URL, redacted.
        url: String,
        /// What was refused: a host, a host name with the address it resolved to, or the URL a
        /// redirect led to (redacted).
        target: String,
        /// Why it was refused.
        reason: Refusal,
    },
    /// The server (after any redirects) answered with a status other than 2xx.
    #[error("download of {url} failed with HTTP status {status}")]
    Status {
        /// The requested URL, redacted.
        url: String,
        /// The HTTP status code of the final response.
        status: u16,
    },
    /// The body is larger than [`DownloadLimits::max_bytes`].
    #[error("download of {url} exceeds the limit of {limit} bytes (at least {seen} bytes)")]
    TooLarge {
        /// The requested URL, redacted.
        url: String,
        /// The limit in force.
        limit: u64,
        /// The declared `Content-Length` when it was over the limit, otherwise the bytes received
        /// when the running total passed the limit.
        seen: u64,
    },
    /// The download was not over within the [`DownloaderBuilder::deadline`]; whatever had arrived
    /// was dropped (and a temporary file removed).
    #[error("download of {url} did not finish within its deadline of {deadline:?}")]
    DeadlineExceeded {
        /// The requested URL, redacted.
        url: String,
        /// The deadline in force.
        deadline: Duration,
    },
    /// Connecting, sending, following redirects or reading the body failed, or the client could not
    /// be built.
    #[error("{}", describe_transport(url))]
    Transport {
        /// The requested URL, redacted; empty when [`Downloader::new`] could not build its client.
        url: String,
        /// The underlying error, with its own copy of the URL removed.
        #[source]
        source: reqwest::Error,
    },
    /// Creating, writing, syncing or renaming the file failed.
    #[error("cannot write the download to {}", path.display())]
    Io {
        /// The target path asked for (not the temporary file, which no longer exists).
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
}

/// Fetches result URLs with a client that carries no credentials.
///
/// Cheap to clone: clones share the connection pool.
#[derive(Debug, Clone)]
pub struct Downloader {
    client: reqwest::Client,
    addresses: Addresses,
    deadline: Option<Duration>,
}

/// Settings of a [`Downloader`] beyond the timeout of [`Downloader::new`], whose defaults the
/// builder starts from.
#[derive(Debug, Clone)]
#[must_use]
pub struct DownloaderBuilder {
    timeout: Duration,
    addresses: Addresses,
    deadline: Option<Duration>,
    http: Option<ConfigureHttp>,
}

impl DownloaderBuilder {
    /// With `true`, also refuses loopback (`127.0.0.0/8`, `::1`, and the unspecified `0.0.0.0/8`
    /// and `::`, which reach the machine itself) and private-network addresses (`10.0.0.0/8`,
    /// `172.16.0.0/12`, `192.168.0.0/16`, `100.64.0.0/10`, `fc00::/7`), for services that must not
    /// let a result URL reach their own network.
    ///
    /// Off by default: a white-label or self-hosted API may legitimately serve its results from a
    /// private network, or from the same machine.
    ///
    /// Behind an HTTP proxy taken from the environment, the proxy resolves host names, so only
    /// hosts written as addresses (and the metadata services' names) are checked, and a proxy on a
    /// private network is itself refused.
    pub fn refuse_private_networks(mut self, refuse: bool) -> Self {
        self.addresses.private_allowed = !refuse;
        self
    }

    /// Ends every download that is not over `total` after it started: connecting, redirects,
    /// headers and the whole body included. Expiry is [`DownloadError::DeadlineExceeded`].
    ///
    /// None by default: a large file on a slow link may legitimately take long, and the per-read
    /// timeout already catches a stalled connection. What it does not catch is a host that keeps
    /// sending a byte now and then, which holds the caller for as long as it likes; set a deadline
    /// sized for the largest result and the slowest link expected.
    pub fn deadline(mut self, total: Duration) -> Self {
        self.deadline = Some(total);
        self
    }

    /// Your changes to the download client (a proxy, root certificates, TLS settings, a
    /// `User-Agent`), applied after the timeout and before the redirect, address and `Referer`
    /// rules above, which they cannot undo.
    pub fn http(mut self, configure: ConfigureHttp) -> Self {
        self.http = Some(configure);
        self
    }

    /// Builds the downloader and its HTTP client.
    pub fn build(self) -> Result<Downloader, DownloadError> {
        let builder = reqwest::Client::builder()
            .user_agent(user_agent(""))
            .connect_timeout(self.timeout)
            .read_timeout(self.timeout);
        let client = ConfigureHttp::apply(self.http.as_ref(), builder)
            .redirect(redirects::policy(self.addresses))
            .dns_resolver(CheckingResolver(self.addresses))
            .referer(false)
            .build()
            .map_err(|source| transport_error("", source))?;
        Ok(Downloader {
            client,
            addresses: self.addresses,
            deadline: self.deadline,
        })
    }
}

impl Downloader {
    /// A downloader with its own HTTP client: no default headers, no `Referer`, at most five
    /// redirects and none from `https` to `http`, no link-local or cloud metadata address, and
    /// `timeout` applied to connecting and to each read.
    ///
    /// There is no total deadline and loopback and private addresses are reachable; see
    /// [`Downloader::builder`] for both.
    pub fn new(timeout: Duration) -> Result<Self, DownloadError> {
        Self::builder(timeout).build()
    }

    /// The settings of [`Downloader::new`], to change before building.
    pub fn builder(timeout: Duration) -> DownloaderBuilder {
        DownloaderBuilder {
            timeout,
            addresses: Addresses::default(),
            deadline: None,
            http: None,
        }
    }

    /// A downloader using `client`, for tests or a custom TLS set-up.
    ///
    /// The client must carry no credentials (no default `authorization`, `x-api-key` or cookies):
    /// whatever it sends by default reaches the storage host, and every host a redirect leads to.
    /// Only the first URL's host is checked (against link-local and cloud metadata addresses);
    /// redirects, name resolution and `Referer` follow the client's own settings, and there is no
    /// total deadline.
    pub fn with_client(client: reqwest::Client) -> Self {
        Self {
            client,
            addresses: Addresses::default(),
            deadline: None,
        }
    }

    /// Fetches the whole body into memory.
    ///
    /// Memory use is bounded by `limits.max_bytes`; use [`Downloader::to_file`] or
    /// [`Downloader::stream`] for bodies that should not be held at once.
    pub async fn bytes(
        &self,
        url: &str,
        limits: &DownloadLimits,
    ) -> Result<Downloaded<Bytes>, DownloadError> {
        async {
            let opened = self.open(url, limits).await?;
            let content_type = opened.content_type();
            let capacity = initial_capacity(opened.response.content_length(), limits.max_bytes);
            let mut buffer = BytesMut::with_capacity(capacity);
            let mut body = opened.into_body(limits);
            while let Some(chunk) = body.try_next().await? {
                buffer.extend_from_slice(&chunk);
            }
            let body = buffer.freeze();
            Ok(Downloaded {
                bytes: Some(len_u64(&body)),
                body,
                content_type,
            })
        }
        .instrument(span(url, limits))
        .await
    }

    /// Streams the body to `path`, replacing any file there only once the whole body is on disk.
    ///
    /// The body goes to a temporary file in the same directory (so the final rename stays on one
    /// file system and is atomic), which is flushed and synced before being renamed to `path`. On
    /// any error, or if this future is dropped, the temporary file is removed and `path` is left
    /// untouched. The file gets the permissions a newly created file would get (`0o666` minus the
    /// umask on Unix).
    pub async fn to_file(
        &self,
        url: &str,
        path: &Path,
        limits: &DownloadLimits,
    ) -> Result<Downloaded<PathBuf>, DownloadError> {
        async {
            let opened = self.open(url, limits).await?;
            let content_type = opened.content_type();
            let written = file::write_atomically(path, opened.into_body(limits)).await?;
            Ok(Downloaded {
                body: path.to_path_buf(),
                content_type,
                bytes: Some(written),
            })
        }
        .instrument(span(url, limits))
        .await
    }

    /// Returns the body as a stream of chunks once the response headers have arrived.
    ///
    /// The stream yields [`DownloadError::TooLarge`] as soon as the running total passes the limit
    /// (or the request fails up front when the declared length already does), and
    /// [`DownloadError::DeadlineExceeded`] once the deadline passes, and ends after its first
    /// error. It owns the connection, so it may outlive `self`.
    pub async fn stream(
        &self,
        url: &str,
        limits: &DownloadLimits,
    ) -> Result<
        Downloaded<impl Stream<Item = Result<Bytes, DownloadError>> + Send + Unpin + use<>>,
        DownloadError,
    > {
        async {
            let opened = self.open(url, limits).await?;
            Ok(Downloaded {
                content_type: opened.content_type(),
                bytes: opened.response.content_length(),
                body: opened.into_body(limits),
            })
        }
        .instrument(span(url, limits))
        .await
    }

    /// Starts the deadline, sends the request and checks what can be checked before reading the
    /// body: the URL's scheme and host, the status and the declared length.
    async fn open(&self, url: &str, limits: &DownloadLimits) -> Result<Opened, DownloadError> {
        let deadline = Deadline::start(self.deadline);
        let parsed = parse_url(url)?;
        let shown = redact_url(&parsed);
        if let Err(refused) = self.addresses.check_url(&parsed) {
            return Err(refusal(&shown, refused));
        }
        let response = deadline
            .run(&shown, async {
                self.client
                    .get(parsed)
                    .send()
                    .await
                    .map_err(|source| request_error(&shown, source))
            })
            .await?;
        check_status(&response, &shown)?;
        check_declared_length(&response, &shown, limits.max_bytes)?;
        Ok(Opened {
            response,
            url: shown,
            deadline,
        })
    }
}

/// The span of one download: its URL without the query (a signed URL's query carries its
/// signature) and the size limit.
fn span(url: &str, limits: &DownloadLimits) -> tracing::Span {
    tracing::info_span!("download", url = %redact(url), limit = limits.max_bytes)
}

/// A response whose headers passed the checks, with the redacted URL for later errors and the
/// deadline the body still has to meet.
struct Opened {
    response: Response,
    url: String,
    deadline: Deadline,
}

impl Opened {
    fn content_type(&self) -> Option<String> {
        let value = self.response.headers().get(CONTENT_TYPE)?;
        value.to_str().ok().map(str::to_owned)
    }

    /// The body as chunks, ending with [`DownloadError::TooLarge`] once more than `limits.max_bytes`
    /// have arrived, or with [`DownloadError::DeadlineExceeded`]. Boxed so that callers get an
    /// `Unpin` stream they can poll without pinning.
    fn into_body(self, limits: &DownloadLimits) -> Body {
        let limit = limits.max_bytes;
        let deadline = self.deadline;
        let state = (self.response, self.url, 0_u64);
        Box::pin(stream::try_unfold(
            state,
            move |(mut response, url, seen)| async move {
                let chunk = deadline
                    .run(&url, async {
                        response
                            .chunk()
                            .await
                            .map_err(|source| transport_error(&url, source))
                    })
                    .await?;
                let Some(chunk) = chunk else {
                    return Ok(None);
                };
                let seen = seen.saturating_add(len_u64(&chunk));
                if seen > limit {
                    return Err(DownloadError::TooLarge { url, limit, seen });
                }
                Ok(Some((chunk, (response, url, seen))))
            },
        ))
    }
}

/// Accepts only absolute `http`/`https` URLs: anything else is either a provider bug or an attempt
/// to make the client read something it should not.
fn parse_url(raw: &str) -> Result<Url, DownloadError> {
    match Url::parse(raw) {
        Ok(url) if matches!(url.scheme(), "http" | "https") => Ok(url),
        _ => Err(DownloadError::InvalidUrl { url: redact(raw) }),
    }
}

fn refusal(url: &str, refused: TargetRefused) -> DownloadError {
    DownloadError::Refused {
        url: url.to_owned(),
        target: refused.target,
        reason: refused.reason,
    }
}

/// A failed request: a refusal when the redirect policy or the resolver refused a target (their
/// error travels as the source of reqwest's), a transport error otherwise.
fn request_error(url: &str, source: reqwest::Error) -> DownloadError {
    let mut cause = source.source();
    while let Some(error) = cause {
        if let Some(refused) = error.downcast_ref::<TargetRefused>() {
            return refusal(url, refused.clone());
        }
        cause = error.source();
    }
    transport_error(url, source)
}

/// A transport error without reqwest's own copy of the URL, which still has its query.
fn transport_error(url: &str, source: reqwest::Error) -> DownloadError {
    DownloadError::Transport {
        url: url.to_owned(),
        source: source.without_url(),
    }
}

fn describe_transport(url: &str) -> String {
    if url.is_empty() {
        "cannot build the download HTTP client".to_owned()
    } else {
        format!("transport error while downloading {url}")
    }
}

fn io_error(path: &Path, source: io::Error) -> DownloadError {
    DownloadError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn check_status(response: &Response, url: &str) -> Result<(), DownloadError> {
    let status = response.status();
    if status.is_success() {
        return Ok(());
    }
    Err(DownloadError::Status {
        url: url.to_owned(),
        status: status.as_u16(),
    })
}

/// Rejects a body declared too large before a single byte of it is read.
fn check_declared_length(response: &Response, url: &str, limit: u64) -> Result<(), DownloadError> {
    match response.content_length() {
        Some(declared) if declared > limit => Err(DownloadError::TooLarge {
            url: url.to_owned(),
            limit,
            seen: declared,
        }),
        _ => Ok(()),
    }
}

fn initial_capacity(declared: Option<u64>, limit: u64) -> usize {
    let capacity = declared.unwrap_or(0).min(limit).min(MAX_PREALLOCATION);
    usize::try_from(capacity).unwrap_or(0)
}

fn len_u64(bytes: &Bytes) -> u64 {
    u64::try_from(bytes.len()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests;
