//! Mock-server answers and request matchers.

use std::sync::{Arc, Mutex};

use httpmock::{HttpMockRequest, HttpMockResponse};
use serde_json::Value;

/// A response with a JSON body and `content-type: application/json`.
pub fn json_response(status: u16, body: &Value) -> HttpMockResponse {
    HttpMockResponse::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(body.to_string())
        .build()
}

/// Matches a request whose query string holds exactly `expected`, in any order: no parameter
/// missing, none added.
pub fn exact_query(
    expected: &[(&str, &str)],
) -> impl Fn(&HttpMockRequest) -> bool + Send + Sync + use<> {
    let mut expected: Vec<(String, String)> = expected
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    expected.sort();
    move |request| {
        let mut received = request.query_params();
        received.sort();
        received == expected
    }
}

/// Answers with a fixed JSON body and keeps every request it answers, so that a test can decode
/// a body httpmock's matchers cannot (multipart) after the call.
#[derive(Clone, Default)]
pub struct Recorder(Arc<Mutex<Vec<HttpMockRequest>>>);

impl Recorder {
    /// A `respond_with` handler that records the request and answers `status` with `body`.
    pub fn respond(
        &self,
        status: u16,
        body: Value,
    ) -> impl Fn(&HttpMockRequest) -> HttpMockResponse + Send + Sync + 'static {
        self.answer(json_response(status, &body))
    }

    /// A `respond_with` handler that records the request and answers with `response`.
    pub fn answer(
        &self,
        response: HttpMockResponse,
    ) -> impl Fn(&HttpMockRequest) -> HttpMockResponse + Send + Sync + 'static {
        let seen = Arc::clone(&self.0);
        move |request| {
            seen.lock().expect("recorder lock").push(request.clone());
            response.clone()
        }
    }

    /// Every request recorded, in arrival order.
    pub fn all(&self) -> Vec<HttpMockRequest> {
        self.0.lock().expect("recorder lock").clone()
    }

    /// The one request recorded.
    ///
    /// # Panics
    /// When there were none or several.
    pub fn single(&self) -> HttpMockRequest {
        let seen = self.0.lock().expect("recorder lock");
        assert_eq!(seen.len(), 1, "expected exactly one recorded request");
        seen[0].clone()
    }
}

/// A `respond_with` handler that answers the n-th request with `responses[n]`, and every request
/// after the last with the last one: a job that is pending for a few polls, then done.
///
/// # Panics
/// When `responses` is empty.
pub fn sequence(
    responses: Vec<HttpMockResponse>,
) -> impl Fn(&HttpMockRequest) -> HttpMockResponse + Send + Sync + 'static {
    assert!(
        !responses.is_empty(),
        "a sequence needs at least one response"
    );
    let next = std::sync::atomic::AtomicUsize::new(0);
    move |_| {
        let index = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        responses[index.min(responses.len() - 1)].clone()
    }
}
