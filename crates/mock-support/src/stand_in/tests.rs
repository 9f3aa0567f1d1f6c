//! A tiny spec of no real provider, written here, shaped unlike the workspace's specs (a key in
//! the query, a numeric job id nested in the start answer, a 422 for bad requests, an audio
//! operation open to all): the stand-in plays it from its contracts alone.

use std::path::Path;

use serde_json::{Value, json};
use speech_spec::Spec;

use super::{Origin, Served, StandIn, StandInBuilder};

pub(super) const TINY: &str = r#"
openapi: 3.0.3
servers: [{url: "https://render.example/api"}]
security: [{token: []}]
components:
  securitySchemes:
    token: {type: apiKey, in: query, name: token}
  schemas:
    Render:
      type: object
      additionalProperties: false
      required: [words]
      properties:
        words: {type: string, minLength: 1, maxLength: 12}
        pitch: {type: integer, minimum: 1, maximum: 5}
    Ticket:
      type: object
      properties:
        ticket: {type: object, properties: {number: {type: integer}}}
    Progress:
      type: object
      required: [phase]
      properties:
        phase: {type: string, enum: [queued, done, broken]}
        pct: {type: integer}
        output: {type: string, nullable: true}
        why: {type: string}
paths:
  /renders:
    post:
      operationId: render
      x-job-start: {poll: progress, parameters: {number: /ticket/number}}
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/Render'}
            examples: {doc: {value: {words: hello, pitch: 2}}}
      responses:
        '200':
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Ticket'}
              examples: {made: {value: {ticket: {number: 7}}}}
        '422':
          content:
            application/json:
              examples: {bad: {value: {why: documented refusal}}}
  /renders/{number}:
    get:
      operationId: progress
      x-job-status:
        state: /phase
        pending: [queued]
        completed: [done]
        failed: [broken]
        result: [/output]
        percent: /pct
        message: [/why]
      parameters:
        - {name: number, in: path, required: true, schema: {type: integer}, examples: {doc: {value: 7}}}
      responses:
        '200':
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Progress'}
              examples: {done: {value: {phase: done, output: "https://cdn.example/out/7.flac"}}}
  /speak:
    get:
      operationId: speak
      security: []
      responses:
        '200':
          content:
            audio/flac: {schema: {type: string, format: binary}}
"#;

pub(super) fn tiny() -> StandInBuilder {
    StandIn::builder(Spec::parse(Path::new("tiny.yaml"), TINY).unwrap())
}

pub(super) struct Answered {
    pub status: u16,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

impl Answered {
    pub(super) fn json(&self) -> Value {
        serde_json::from_slice(&self.bytes).unwrap()
    }
}

pub(super) async fn call(method: reqwest::Method, url: String, body: Option<Value>) -> Answered {
    let mut request = reqwest::Client::new().request(method, url);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    Answered {
        status: response.status().as_u16(),
        content_type: response
            .headers()
            .get("content-type")
            .map(|value| value.to_str().unwrap().to_owned())
            .unwrap_or_default(),
        bytes: response.bytes().await.unwrap().to_vec(),
    }
}

pub(super) async fn post(stand_in: &StandIn, token: &str, body: Value) -> Answered {
    let url = format!("{}/renders?token={token}", stand_in.url());
    call(reqwest::Method::POST, url, Some(body)).await
}

pub(super) async fn progress(stand_in: &StandIn, number: &Value) -> Value {
    let url = format!("{}/renders/{number}?token=t", stand_in.url());
    let reply = call(reqwest::Method::GET, url, None).await;
    assert_eq!(reply.status, 200);
    reply.json()
}

#[tokio::test]
async fn a_job_with_a_numeric_id_goes_through_its_states_with_progress() {
    let stand_in = tiny().pending_polls(3).start().unwrap();
    assert!(stand_in.url().ends_with("/api"), "{}", stand_in.url());
    let started = post(&stand_in, "t", json!({"words": "hi"})).await;
    assert_eq!(started.status, 200);
    let number = started.json()["ticket"]["number"].clone();
    assert!(
        number.is_u64() && number != json!(7),
        "a fresh numeric id: {number}"
    );
    for pct in [25, 50, 75] {
        let report = progress(&stand_in, &number).await;
        assert_eq!(report, json!({"phase": "queued", "pct": pct}));
    }
    let report = progress(&stand_in, &number).await;
    assert_eq!(report["phase"], "done");
    assert_eq!(report["pct"], 100);
    let output = report["output"].as_str().unwrap();
    assert!(output.starts_with(stand_in.storage_url()) && output.ends_with("/7.flac"));
    let audio = call(reqwest::Method::GET, output.to_owned(), None).await;
    assert_eq!(
        (audio.status, audio.content_type.as_str()),
        (200, "audio/flac")
    );
    assert!(audio.bytes.starts_with(b"fLaC"));
    let documented = progress(&stand_in, &json!(7)).await;
    assert_eq!(
        documented["phase"], "done",
        "the documented id is a done job"
    );
    assert_eq!((stand_in.started(), stand_in.requests("progress")), (1, 5));
    assert!(!stand_in.storage_saw_key());
}

#[tokio::test]
async fn keys_requests_and_unknown_jobs_are_refused_as_the_spec_says() {
    let stand_in = tiny().key("right").start().unwrap();
    let wrong = post(&stand_in, "wrong", json!({"words": "hi"})).await;
    assert_eq!(wrong.status, 401);
    assert!(wrong.json()["message"].as_str().unwrap().contains("key"));
    let long = post(&stand_in, "right", json!({"words": "far too many words"})).await;
    assert_eq!(
        (long.status, long.json()),
        (422, json!({"why": "documented refusal"}))
    );
    let extra = post(&stand_in, "right", json!({"words": "hi", "tone": 1})).await;
    assert_eq!(extra.status, 422);
    let pitch = post(&stand_in, "right", json!({"words": "hi", "pitch": 9})).await;
    assert_eq!(pitch.status, 422);
    assert_eq!((stand_in.requests("render"), stand_in.started()), (4, 0));
    let url = format!("{}/renders/99?token=right", stand_in.url());
    let unknown = call(reqwest::Method::GET, url, None).await;
    assert_eq!(unknown.status, 404);
    assert!(unknown.json()["message"].as_str().unwrap().contains("99"));
    let open = call(
        reqwest::Method::GET,
        format!("{}/speak", stand_in.url()),
        None,
    )
    .await;
    assert_eq!(
        (open.status, open.content_type.as_str()),
        (200, "audio/flac")
    );
    assert!(open.bytes.starts_with(b"fLaC"));
    let nowhere = call(
        reqwest::Method::GET,
        format!("{}/other", stand_in.url()),
        None,
    )
    .await;
    assert_eq!(nowhere.status, 404);
    let method = call(
        reqwest::Method::DELETE,
        format!("{}/speak", stand_in.url()),
        None,
    )
    .await;
    assert_eq!(method.status, 405);
}

#[tokio::test]
async fn a_failing_job_reports_its_failure_and_message() {
    let stand_in = tiny().fail("render").start().unwrap();
    let number =
        post(&stand_in, "t", json!({"words": "hi"})).await.json()["ticket"]["number"].clone();
    for _ in 0..2 {
        assert_eq!(progress(&stand_in, &number).await["phase"], "queued");
    }
    let report = progress(&stand_in, &number).await;
    assert_eq!(report["phase"], "broken");
    assert!(!report["why"].as_str().unwrap().is_empty());
    assert!(report.get("output").is_none(), "{report}");
}

#[test]
fn what_cannot_be_played_fails_at_start() {
    let error = tiny().fail("speak").start().err().unwrap();
    assert!(error.to_string().contains("`speak`"), "{error}");
    let mutual = TINY.replace(
        "{type: apiKey, in: query, name: token}",
        "{type: mutualTLS}",
    );
    let spec = Spec::parse(Path::new("mutual.yaml"), &mutual).unwrap();
    let error = StandIn::builder(spec).start().err().unwrap();
    assert!(format!("{error:#}").contains("not supported"), "{error:#}");
}

/// A stand-in serves synchronous code too (its runtime is its own), and its ports close when
/// it is dropped.
#[test]
fn it_serves_without_a_runtime_and_stops_when_dropped() {
    use std::io::{Read, Write};
    let stand_in = tiny().start().unwrap();
    let address = stand_in
        .url()
        .trim_start_matches("http://")
        .replace("/api", "");
    let mut stream = std::net::TcpStream::connect(&address).unwrap();
    stream
        .write_all(b"GET /api/speak HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    assert!(answer.starts_with(b"HTTP/1.1 200"), "{answer:?}");
    drop(stand_in);
    assert!(
        std::net::TcpStream::connect(&address).is_err(),
        "still listening"
    );
}

/// With no documented example for the start or the status, a job is still run: its id, state
/// and result are written where the contracts point.
#[tokio::test]
async fn a_job_without_documented_answers_is_written_from_its_contracts() {
    let bare = TINY
        .replace("examples: {made: {value: {ticket: {number: 7}}}}", "")
        .replace(
            r#"examples: {done: {value: {phase: done, output: "https://cdn.example/out/7.flac"}}}"#,
            "",
        );
    let spec = Spec::parse(Path::new("bare.yaml"), &bare).unwrap();
    let stand_in = StandIn::builder(spec).pending_polls(1).start().unwrap();
    let started = post(&stand_in, "t", json!({"words": "hi"})).await;
    assert_eq!(started.status, 200);
    let number = started.json()["ticket"]["number"].clone();
    assert!(
        number.is_u64(),
        "the path parameter takes a number: {number}"
    );
    let url = |number: &Value| format!("{}/renders/{number}?token=t", stand_in.url());
    let pending = call(reqwest::Method::GET, url(&number), None).await.json();
    assert_eq!(pending, json!({"phase": "queued", "pct": 50}));
    let done = call(reqwest::Method::GET, url(&number), None).await.json();
    assert_eq!(
        (&done["phase"], &done["pct"]),
        (&json!("done"), &json!(100))
    );
    let output = done["output"].as_str().unwrap();
    assert!(output.starts_with(stand_in.storage_url()), "{output}");
}

#[tokio::test]
async fn a_stand_in_from_spec_text_on_a_chosen_port_logs_every_request_it_answers() {
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = free.local_addr().unwrap().port();
    drop(free);
    let served = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = std::sync::Arc::clone(&served);
    let stand_in = StandIn::from_text("tiny", TINY)
        .unwrap()
        .port(port)
        .pending_polls(0)
        .log(move |request| log.lock().unwrap().push(request.clone()))
        .start()
        .unwrap();
    assert_eq!(stand_in.url(), format!("http://127.0.0.1:{port}/api"));
    let started = post(&stand_in, "t", json!({"words": "hi"})).await;
    let number = started.json()["ticket"]["number"].clone();
    let output = progress(&stand_in, &number).await["output"]
        .as_str()
        .unwrap()
        .to_owned();
    call(reqwest::Method::GET, output.clone(), None).await;
    let refused = post(&stand_in, "t", json!({})).await;
    let served = served.lock().unwrap().clone();
    let path = |url: &str| reqwest::Url::parse(url).unwrap().path().to_owned();
    assert_eq!(
        served,
        [
            Served {
                origin: Origin::Api,
                method: "POST".into(),
                path: "/api/renders".into(),
                operation: Some("render".into()),
                status: Some(200),
            },
            Served {
                origin: Origin::Api,
                method: "GET".into(),
                path: format!("/api/renders/{number}"),
                operation: Some("progress".into()),
                status: Some(200),
            },
            Served {
                origin: Origin::Storage,
                method: "GET".into(),
                path: path(&output),
                operation: None,
                status: Some(200),
            },
            Served {
                origin: Origin::Api,
                method: "POST".into(),
                path: "/api/renders".into(),
                operation: Some("render".into()),
                status: Some(refused.status),
            },
        ]
    );
    assert_eq!(refused.status, 422);
}
