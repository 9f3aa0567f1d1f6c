//! Answering one request: on the API origin (route, count, credential, validation, then the
//! operation's answer or its job's), and on the storage origin.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming as IncomingBody;
use hyper::{Request, Response, StatusCode, header};

use super::answers::{Answer, Body, plain_error};
use super::api::{Api, Role};
use super::auth::{KeyRule, allowed};
use super::jobs::{Jobs, Pace};
use super::routes::{self, Found};
use super::storage::Storage;
use super::validate::Incoming;
use super::{Failing, audio};

/// The largest request body read (a file upload included); a larger one is refused with 413.
const BODY_LIMIT: usize = 64 << 20;

/// What every request handler shares.
pub(crate) struct Shared {
    pub api: Api,
    pub key: KeyRule,
    pub pace: Pace,
    pub failing: Failing,
    /// Keeps the job ids of different stand-ins apart.
    pub salt: u16,
    pub state: Mutex<State>,
}

/// What requests change.
pub(crate) struct State {
    /// Requests received, by operation id.
    pub requests: HashMap<String, usize>,
    pub jobs: Jobs,
    pub storage: Storage,
}

impl Shared {
    pub(crate) fn state(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves counts that are still meaningful.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Answers a request to the API origin.
pub(crate) async fn api(shared: &Shared, request: Request<IncomingBody>) -> Response<Full<Bytes>> {
    let (parts, body) = request.into_parts();
    let plain = |status: u16, message: &str| {
        render(plain_error(
            status,
            shared.api.message_pointer.as_deref(),
            message,
        ))
    };
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
    *shared
        .state()
        .requests
        .entry(operation.id.clone())
        .or_default() += 1;
    if !allowed(&operation.security, &shared.key, &parts.headers, &query) {
        return render(
            operation
                .answers
                .error(&[401, 403], "a missing or wrong API key"),
        );
    }
    let incoming = Incoming {
        path: &path_parameters,
        query: &query,
        headers: &parts.headers,
        body: &body,
    };
    if let Err(message) = operation.request.check(&incoming).await {
        return render(operation.answers.error(&[400, 422], &message));
    }
    let mut state = shared.state();
    let State { jobs, storage, .. } = &mut *state;
    render(match &operation.role {
        Role::Plain => operation.answers.success.clone(),
        Role::Start(rule) => jobs.start(rule, shared.salt, shared.failing.covers(&operation.id)),
        Role::Status(rule) => {
            let key = rule.id_parameter.as_ref().and_then(|(name, location)| {
                let pairs = if location == "path" {
                    &path_parameters
                } else {
                    &query
                };
                pairs
                    .iter()
                    .find(|(given, _)| given == name)
                    .map(|(_, value)| value.as_str())
            });
            jobs.poll(&operation.id, rule, key, shared.pace, storage)
                .unwrap_or_else(|| {
                    let message = format!("no job `{}`", key.unwrap_or_default());
                    operation.answers.error(&[404], &message)
                })
        }
    })
}

/// Answers a request to the storage origin: a published file's audio, else 404.
pub(crate) fn storage(shared: &Shared, request: &Request<IncomingBody>) -> Response<Full<Bytes>> {
    let carries_key = shared
        .api
        .key_headers
        .iter()
        .any(|name| request.headers().contains_key(name.as_str()));
    let media = shared
        .state()
        .storage
        .serve(request.uri().path(), carries_key);
    render(match media {
        Some(media) => Answer {
            status: 200,
            body: Body::Audio {
                media: media.to_owned(),
            },
        },
        None => plain_error(404, None, "no such file"),
    })
}

/// The part of `path` below the base path, when it is below it.
fn below_base<'a>(path: &'a str, base: &str) -> Option<&'a str> {
    let rest = path.strip_prefix(base)?;
    (rest.is_empty() || rest.starts_with('/')).then_some(rest)
}

fn render(answer: Answer) -> Response<Full<Bytes>> {
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let (media, bytes) = match answer.body {
        Body::Json { media, value } => (Some(media), value.to_string().into_bytes()),
        Body::Audio { media } => {
            let bytes = audio::bytes(&media);
            (Some(media), bytes)
        }
        Body::Empty => (None, Vec::new()),
    };
    let mut response = Response::new(Full::new(Bytes::from(bytes)));
    *response.status_mut() = status;
    if let Some(media) = media.and_then(|media| media.parse().ok()) {
        response.headers_mut().insert(header::CONTENT_TYPE, media);
    }
    response
}
