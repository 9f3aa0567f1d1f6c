//! One provider type for every spec: a generated client, called by operation name through the
//! runtime's `Dispatch`, and the spec's tables (`service::SERVICE`: credential, environment,
//! credit-spending operations, job contracts, neutral operations). Nothing here names a provider;
//! the generated [`registry`] lists them.

mod neutral;
#[rustfmt::skip]
mod registry;

use std::fmt;
use std::sync::Arc;

use progenitor_client::ResponseValue;
use serde_json::Value;
use speech_client_runtime::dispatch::{Dispatch, Reply, Request};
use speech_client_runtime::service::Service;

use crate::call::{Calls, send};
use crate::credentials::{ApiKey, api_client};
use crate::deadline::Deadline;
use crate::error::Error;
use crate::handle::JobHandle;
use crate::http::user_agent;
use crate::job::wait_job;
use crate::options::{Options, Wait};
use crate::wait::Finished;
use crate::wait::Freshness;
use crate::wait::history::Histories;

pub use neutral::Voice;

/// A speech provider, built from its spec: the neutral operations ([`crate::Synthesize`],
/// [`crate::Transcribe`], [`crate::CloneVoice`], [`Provider::voices`], [`Provider::balance`])
/// where its spec maps them, waiting and resuming through its job contracts, and its generated
/// client for everything else ([`Provider::client`]). Cloning is cheap and shares the connection
/// pool.
///
/// A provider handle remembers how long the last 16 jobs of each status operation took (as its
/// polls bracketed them), shared by its clones. From the third on, a job it starts is polled
/// every [`crate::WaitPolicy::learned_gap`] around those lengths, sparsely before them (from a
/// third of the shortest on), and on the unknown-length schedule after them
/// ([`crate::WaitPolicy`]); a resumed job, whose age is unknown, is not. Set
/// [`crate::WaitPolicy::learn`] to `false` to poll every job as the first.
#[derive(Clone)]
pub struct Provider {
    client: Arc<dyn Dispatch>,
    options: Arc<Options>,
    /// The lengths of the jobs waited for, per operation, shared by the handle's clones.
    histories: Arc<Histories>,
}

impl fmt::Debug for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The key lives inside the HTTP client's default headers and is never printed.
        f.debug_struct("Provider")
            .field("name", &self.service().name)
            .finish_non_exhaustive()
    }
}

/// Every provider this crate was generated with (`specs/<name>.yaml`), as its spec describes it:
/// name, environment variables, neutral operations, ...
pub fn providers() -> impl Iterator<Item = &'static Service> {
    registry::PROVIDERS.iter().map(|entry| entry.service)
}

/// The registered provider `name`.
fn find(name: &str) -> Result<&'static registry::Registered, Error> {
    registry::PROVIDERS
        .iter()
        .find(|entry| entry.service.name == name)
        .ok_or_else(|| Error::InvalidInput {
            message: format!(
                "no provider `{name}` (known: {})",
                providers()
                    .map(|service| service.name)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        })
}

/// The provider `name`, configured from the environment variables its spec declares
/// (`x-environment`): the API key (`<NAME>_API_KEY`) and the base URL (`<NAME>_BASE_URL`), which
/// overrides the documented one when set and must be set when the documented host is a
/// placeholder. A missing variable is named in the error; [`providers`] lists the names.
///
/// ```no_run
/// # async fn run(name: &str) -> Result<(), speech_facade::Error> {
/// use speech_facade::{Options, SpeechRequest, Synthesize, Wait};
/// let provider = speech_facade::connect(name, Options::default())?;
/// let speaker: &dyn Synthesize = &provider;
/// let speech = speaker
///     .synthesize(&SpeechRequest::new("Hello!", "af_bella"), &Wait::up_to(std::time::Duration::from_secs(60)))
///     .await?;
/// # Ok(()) }
/// ```
pub fn connect(name: &str, options: Options) -> Result<Provider, Error> {
    let service = find(name)?.service;
    let base_url = match service.base_url_variable.map(env) {
        Some(Ok(url)) => url,
        Some(Err(missing)) if service.base_url_required => return Err(missing),
        _ => service.base_url.to_owned(),
    };
    Provider::new(
        name,
        &base_url,
        ApiKey::from_env(service.key_variable)?,
        options,
    )
}

impl Provider {
    /// The provider `name` at `base_url`, sending `key` as its spec's credential.
    ///
    /// The base URL is checked here, not at the first request: it must be an absolute `http` or
    /// `https` URL without query, fragment or credentials; a trailing slash is dropped (operation
    /// paths start with one).
    pub fn new(name: &str, base_url: &str, key: ApiKey, options: Options) -> Result<Self, Error> {
        let entry = find(name)?;
        let base_url = checked_base_url(base_url)?;
        let http = api_client(
            entry.service.credential,
            &key,
            &user_agent(entry.user_agent),
            &options,
        )?;
        Ok(Self {
            client: (entry.build)(&base_url, http),
            options: Arc::new(options),
            histories: Arc::default(),
        })
    }

    /// What the provider's spec says about it: name, environment, job contracts, neutral
    /// operations.
    pub fn service(&self) -> &'static Service {
        self.client.service()
    }

    /// The generated client, for every operation and option of the API: `C` is the provider's
    /// crate's `Client` (`None` for another type).
    pub fn client<C: 'static>(&self) -> Option<&C> {
        self.client.as_any().downcast_ref()
    }

    /// The generated client called by operation name with JSON values, as it is: one request,
    /// no retry, no deadline, progenitor's errors. For tools that work on any spec's operations
    /// (a generic test, a command-line call); the neutral calls above are what applications use.
    pub fn dispatch(&self) -> &dyn Dispatch {
        self.client.as_ref()
    }

    /// What this provider's requests are sent with.
    fn calls(&self) -> Calls<'_> {
        let service = self.service();
        Calls {
            retry: &self.options.retry,
            errors: &service.error_body,
            spends_credits: service.spends_credits,
            max_response_bytes: self.options.max_response_bytes,
        }
    }

    /// Sends `operation` with `request` (again for each retry), within `deadline`.
    async fn send(
        &self,
        operation: &'static str,
        request: &Request,
        deadline: &Deadline,
    ) -> Result<ResponseValue<Reply>, Error> {
        send(self.calls(), operation, deadline, |_| {
            self.client.dispatch(operation, request.clone())
        })
        .await
    }

    /// What a call to `operation` became: a started job (the spec's `x-job-start`, for the
    /// status it names) or a direct answer.
    fn started(
        &self,
        operation: &'static str,
        response: ResponseValue<Reply>,
    ) -> Result<Answer, Error> {
        let status = response.status().as_u16();
        let reply = response.into_inner();
        match (self.service().job_start(operation), reply) {
            (Some(start), Reply::Json(body)) if start.starts_job(status) => {
                Ok(Answer::Job(JobHandle::started(start, &body)?))
            }
            (_, reply) => Ok(Answer::Direct(reply)),
        }
    }

    /// Waits for `job` through the status contract of its operation, until it finishes or
    /// `deadline` passes. The poll sends the handle's parameters and the contract's fixed ones.
    async fn follow(
        &self,
        job: &JobHandle,
        freshness: Freshness,
        wait: &Wait,
        deadline: &Deadline,
    ) -> Result<Finished, Error> {
        let contract =
            self.service()
                .job_status(&job.operation)
                .ok_or_else(|| Error::InvalidInput {
                    message: format!(
                        "the job handle is for `{}`, which {} does not poll",
                        job.operation,
                        self.service().name
                    ),
                })?;
        if freshness == Freshness::JustStarted
            && let Some(on_start) = &wait.on_start
        {
            on_start(job);
        }
        let mut request = Request::default();
        for (name, value) in contract.parameters {
            let value = serde_json::from_str(value).unwrap_or(Value::Null);
            request.parameters.insert((*name).to_owned(), value);
        }
        request.parameters.extend(job.parameters.clone());
        let poll = || async {
            let response = self.send(contract.operation, &request, deadline).await?;
            let hint = crate::call::hint(
                response.headers(),
                response.status().as_u16(),
                &self.options.retry.hint_limits,
            );
            match response.into_inner() {
                Reply::Json(body) => Ok((body, hint)),
                _ => Err(Error::UnexpectedResponse {
                    status: None,
                    excerpt: format!("{} answered without JSON", contract.operation),
                    body: bytes::Bytes::new(),
                }),
            }
        };
        wait_job(
            job,
            freshness,
            contract,
            &self.options.wait,
            &self.histories,
            wait,
            deadline,
            poll,
        )
        .await
    }
}

/// What a request that may start a job became.
enum Answer {
    Job(JobHandle),
    Direct(Reply),
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

/// A non-empty environment variable, or the error naming it.
fn env(variable: &'static str) -> Result<String, Error> {
    std::env::var(variable)
        .ok()
        .filter(|value| !value.trim().is_empty())
        .ok_or(Error::MissingConfiguration { variable })
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[tokio::test]
    async fn a_provider_prints_its_name_not_its_key_and_refuses_an_unknown_operation() {
        for service in providers() {
            let key = ApiKey::new("secret-key-123");
            let provider =
                Provider::new(service.name, "http://127.0.0.1:9", key, Options::default()).unwrap();
            let printed = format!("{:?}", provider.clone());
            assert!(printed.contains(service.name), "{printed}");
            assert!(!printed.contains("secret-key-123"), "{printed}");
            let refused = provider
                .dispatch()
                .dispatch("no_such_operation", Request::default())
                .await;
            assert!(
                matches!(&refused, Err(progenitor_client::Error::InvalidRequest(message))
                    if message.contains("no operation `no_such_operation`")),
                "{}",
                service.name
            );
        }
    }

    /// Every registered provider reads the variables its spec names: with one unset, `connect`
    /// names it (a base-URL variable first, since the documented host is then a placeholder).
    #[test]
    fn connect_reads_the_variables_each_spec_names() {
        for service in providers() {
            let name = service.name;
            let missing = service
                .base_url_variable
                .filter(|_| service.base_url_required)
                .into_iter()
                .chain([service.key_variable])
                .find(|variable| std::env::var_os(variable).is_none());
            let Some(missing) = missing else { continue };
            let error = connect(name, Options::default()).unwrap_err();
            assert!(
                matches!(error, Error::MissingConfiguration { variable } if variable == missing),
                "{name}: {error:?}"
            );
        }
        let error = connect("no-such-provider", Options::default()).unwrap_err();
        assert!(error.to_string().contains("no-such-provider"), "{error}");
    }
}
