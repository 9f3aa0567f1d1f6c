//! Answering one request: on the API origin (route, count, credential, validation, then the
//! next scripted reply, else the operation's answer or its job's), and on the storage origin
//! (its next scripted reply, else the stored file).

use std::collections::{HashMap, VecDeque};
use std::io;
use std::sync::{Mutex, MutexGuard};

use http_body_util::{BodyExt, Limited};
use hyper::body::Incoming as IncomingBody;
use hyper::{Request, Response};

use super::answers::{Answer, Body, plain_error};
use super::api::{Api, ApiOperation, Role};
use super::auth::{KeyRule, allowed};
use super::body::{ResponseBody, respond};
use super::builder::Failing;
use super::jobs::{Jobs, Pace};
use super::reply::{Act, Content, Delivery, Reply, Sent};
use super::routes::{self, Found};
use super::storage::Storage;
use super::validate::Incoming;
use super::{Origin, RequestLog, Served};

/// The largest request body read (a file upload included); a larger one is refused with 413.
const BODY_LIMIT: usize = 64 << 20;

/// What every request handler shares.
pub(crate) struct Shared {
    pub api: Api,
    pub key: KeyRule,
    pub failing: Failing,
    /// Keeps the job ids of different stand-ins apart.
    pub salt: u16,
    /// Told of every request answered ([`super::StandInBuilder::log`]).
    pub log: Option<RequestLog>,
    pub state: Mutex<State>,
}

/// What requests change.
pub(crate) struct State {
    /// Requests received, by operation id.
    pub requests: HashMap<String, usize>,
    /// Requests received by the API origin, whatever they were for.
    pub total: usize,
    /// The path and query parameters of each operation's last request.
    pub last_parameters: HashMap<String, Vec<(String, String)>>,
    pub pace: Pace,
    pub jobs: Jobs,
    pub storage: Storage,
    /// Replies waiting for the next requests of an operation (by id).
    pub scripts: HashMap<String, VecDeque<Reply>>,
    /// Replies waiting for the next requests of the storage.
    pub storage_script: VecDeque<Reply>,
}

impl Shared {
    pub(crate) fn state(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves counts that are still meaningful.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Answers a request to the API origin (`Err` closes the connection without an answer), and
/// tells the builder's request log.
pub(crate) async fn api(
    shared: &Shared,
    request: Request<IncomingBody>,
) -> io::Result<Response<ResponseBody>> {
    let method = request.method().to_string();
    let path = request.uri().path().to_owned();
    let mut operation = None;
    let answer = answer_api(shared, request, &mut operation).await;
    if let Some(log) = &shared.log {
        log(&Served {
            origin: Origin::Api,
            method,
            path,
            operation,
            status: answer
                .as_ref()
                .ok()
                .map(|response| response.status().as_u16()),
        });
    }
    answer
}

/// Answers a request to the API origin, setting `operation` once the route is found.
async fn answer_api(
    shared: &Shared,
    request: Request<IncomingBody>,
    operation_found: &mut Option<String>,
) -> io::Result<Response<ResponseBody>> {
    let (parts, body) = request.into_parts();
    let plain = |status: u16, message: &str| {
        Ok(render(plain_error(
            status,
            shared.api.message_pointer.as_deref(),
            message,
        )))
    };
    shared.state().total += 1;
    let Ok(body) = Limited::new(body, BODY_LIMIT).collect().await else {
        return plain(413, "the request body is larger than the stand-in reads");
    };
    let body = body.to_bytes();
    let path = parts.uri.path();
    let Some(below) = below_base(path, &shared.api.base_path) else {
        return plain(404, &format!("no operation at {path}"));
    };
    let query: Vec<(String, String)> = parts
        .uri
        .query()
        .map(|query| {
            form_urlencoded::parse(query.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default();
    let routes = shared
        .api
        .operations
        .iter()
        .map(|operation| (operation.method.as_str(), &operation.route));
    let (index, path_parameters) = match routes::find(routes, parts.method.as_str(), below) {
        Found::Operation(index, parameters) => (index, parameters),
        Found::OtherMethod => {
            return plain(405, &format!("{} is not allowed on {path}", parts.method));
        }
        Found::Nowhere => return plain(404, &format!("no operation at {path}")),
    };
    let operation = &shared.api.operations[index];
    *operation_found = Some(operation.id.clone());
    {
        let mut state = shared.state();
        *state.requests.entry(operation.id.clone()).or_default() += 1;
        let parameters = path_parameters.iter().chain(&query).cloned().collect();
        state
            .last_parameters
            .insert(operation.id.clone(), parameters);
    }
    if !allowed(&operation.security, &shared.key, &parts.headers, &query) {
        return Ok(render(
            operation
                .answers
                .error(&[401, 403], "a missing or wrong API key"),
        ));
    }
    let incoming = Incoming {
        path: &path_parameters,
        query: &query,
        headers: &parts.headers,
        body: &body,
    };
    if let Err(message) = operation.request.check(&incoming).await {
        return Ok(render(operation.answers.error(&[400, 422], &message)));
    }
    let next = shared
        .state()
        .scripts
        .get_mut(&operation.id)
        .and_then(VecDeque::pop_front);
    let sent = go_ahead(next).await?;
    let answer = sent.content.answer(
        || play(shared, operation, &path_parameters, &query),
        |status, code, message| operation.answers.coded_error(status, code, message),
    );
    Ok(respond(answer, &sent.headers, sent.delivery))
}

/// The operation's answer as the spec plays it: its documented answer, a started job, a job's
/// state.
fn play(
    shared: &Shared,
    operation: &ApiOperation,
    path_parameters: &[(String, String)],
    query: &[(String, String)],
) -> Answer {
    let mut state = shared.state();
    let State {
        jobs,
        storage,
        pace,
        ..
    } = &mut *state;
    match &operation.role {
        Role::Plain => operation.answers.success.clone(),
        Role::Start(rule) => jobs.start(rule, shared.salt, shared.failing.covers(&operation.id)),
        Role::Status(rule) => {
            let key = rule.id_parameter.as_ref().and_then(|(name, location)| {
                let pairs = if location == "path" {
                    path_parameters
                } else {
                    query
                };
                pairs
                    .iter()
                    .find(|(given, _)| given == name)
                    .map(|(_, value)| value.as_str())
            });
            jobs.poll(&operation.id, rule, key, pace, storage)
                .unwrap_or_else(|| {
                    let message = format!("no job `{}`", key.unwrap_or_default());
                    operation.answers.error(&[404], &message)
                })
        }
    }
}

/// Answers a request to the storage origin, and tells the builder's request log.
pub(crate) async fn storage(
    shared: &Shared,
    request: &Request<IncomingBody>,
) -> io::Result<Response<ResponseBody>> {
    let answer = answer_storage(shared, request).await;
    if let Some(log) = &shared.log {
        log(&Served {
            origin: Origin::Storage,
            method: request.method().to_string(),
            path: request.uri().path().to_owned(),
            operation: None,
            status: answer
                .as_ref()
                .ok()
                .map(|response| response.status().as_u16()),
        });
    }
    answer
}

/// Answers a request to the storage origin: its next scripted reply, else a published file's
/// audio, else 404.
async fn answer_storage(
    shared: &Shared,
    request: &Request<IncomingBody>,
) -> io::Result<Response<ResponseBody>> {
    let carries_key = request.headers().iter().any(|(name, value)| {
        shared
            .api
            .key_headers
            .iter()
            .any(|key| key == name.as_str())
            || shared.key.appears_in(value.as_bytes())
    });
    let (media, next) = {
        let mut state = shared.state();
        let media = state.storage.serve(request.uri().path(), carries_key);
        (media, state.storage_script.pop_front())
    };
    let sent = go_ahead(next).await?;
    let answer = sent.content.answer(
        || match media {
            Some(media) => Answer {
                status: 200,
                body: Body::Audio {
                    media: media.to_owned(),
                },
            },
            None => plain_error(404, None, "no such file"),
        },
        |status, _, message| plain_error(status, None, message),
    );
    Ok(respond(answer, &sent.headers, sent.delivery))
}

/// What a request's scripted reply (if any) leaves to send: hangs up (`Err`), never answers, or
/// the answer to send.
async fn go_ahead(next: Option<Reply>) -> io::Result<Sent> {
    match next.map(|reply| reply.0) {
        None => Ok(Sent {
            content: Content::Spec,
            headers: Vec::new(),
            delivery: Delivery::Whole,
        }),
        Some(Act::Send(sent)) => Ok(sent),
        Some(Act::HangUp) => Err(io::Error::other("the script hangs up")),
        Some(Act::Silence) => std::future::pending().await,
    }
}

impl Content {
    /// The answer this content stands for: `spec` plays the spec, `error` shapes an error body.
    fn answer(
        self,
        spec: impl FnOnce() -> Answer,
        error: impl FnOnce(u16, Option<&str>, &str) -> Answer,
    ) -> Answer {
        match self {
            Self::Spec => spec(),
            Self::Raw {
                status,
                content_type,
                body,
            } => Answer {
                status,
                body: Body::Raw {
                    media: content_type,
                    bytes: body,
                },
            },
            Self::Error {
                status,
                code,
                message,
            } => error(status, code.as_deref(), &message),
            Self::Generated {
                status,
                content_type,
                length,
            } => Answer {
                status,
                body: Body::Generated {
                    media: content_type,
                    length,
                },
            },
        }
    }
}

/// The part of `path` below the base path, when it is below it.
fn below_base<'a>(path: &'a str, base: &str) -> Option<&'a str> {
    let rest = path.strip_prefix(base)?;
    (rest.is_empty() || rest.starts_with('/')).then_some(rest)
}

fn render(answer: Answer) -> Response<ResponseBody> {
    respond(answer, &[], Delivery::Whole)
}
