//! Scripted replies and the fault knobs, on the tiny spec of `tests.rs`: what each reply puts on
//! the wire, that the spec plays again after the script, and how jobs report unlisted states,
//! given failures and late listing.

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use speech_spec::Spec;

use super::tests::{call, post, progress, tiny};
use super::{Reply, StandIn};

fn renders(stand_in: &StandIn) -> String {
    format!("{}/renders?token=t", stand_in.url())
}

#[tokio::test]
async fn scripted_replies_come_first_then_the_spec_plays_again() {
    let stand_in = tiny()
        .script(
            "render",
            [
                Reply::error(429, Some("SLOW"), "slow down").header("Retry-After", "1"),
                Reply::status(503),
                Reply::raw(200, Some("text/html"), "<html>502</html>"),
            ],
        )
        .script("render", [Reply::spec().header("X-RateLimit-Remaining", 7)])
        .start()
        .unwrap();
    let client = reqwest::Client::new();
    let send = || {
        client
            .post(renders(&stand_in))
            .json(&json!({"words": "hi"}))
            .send()
    };

    let limited = send().await.unwrap();
    assert_eq!(limited.status(), 429);
    assert_eq!(limited.headers()["retry-after"], "1");
    assert_eq!(
        limited.json::<Value>().await.unwrap(),
        json!({"message": "slow down"}),
        "a spec that keeps no code gets only the message"
    );
    let failed = send().await.unwrap();
    assert_eq!(failed.status(), 503);
    assert!(failed.headers().get("content-type").is_none());
    assert!(failed.bytes().await.unwrap().is_empty());
    let html = send().await.unwrap();
    assert_eq!(html.headers()["content-type"], "text/html");
    assert_eq!(html.text().await.unwrap(), "<html>502</html>");
    let played = send().await.unwrap();
    assert_eq!(played.headers()["x-ratelimit-remaining"], "7");
    assert!(played.json::<Value>().await.unwrap()["ticket"]["number"].is_u64());
    let again = send().await.unwrap();
    assert_eq!(again.status(), 200);
    assert!(again.headers().get("x-ratelimit-remaining").is_none());
    assert_eq!(stand_in.requests("render"), 5);
    assert_eq!(stand_in.started(), 2, "only the played requests start jobs");
}

#[tokio::test]
async fn a_refused_request_does_not_use_up_a_scripted_reply() {
    let stand_in = tiny()
        .key("right")
        .script("render", [Reply::status(500)])
        .start()
        .unwrap();
    let wrong = post(&stand_in, "wrong", json!({"words": "hi"})).await;
    assert_eq!(wrong.status, 401);
    let url = format!("{}/renders?token=right", stand_in.url());
    let scripted = call(reqwest::Method::POST, url, Some(json!({"words": "hi"}))).await;
    assert_eq!(scripted.status, 500);
}

#[tokio::test]
async fn a_cut_answer_promises_more_than_it_sends() {
    let stand_in = tiny()
        .script(
            "speak",
            [
                Reply::spec().cut(),
                Reply::generated(200, "audio/flac", 1 << 20).cut(),
            ],
        )
        .start()
        .unwrap();
    let speak = format!("{}/speak", stand_in.url());
    for _ in 0..2 {
        let response = reqwest::get(&speak).await.unwrap();
        let promised = response.content_length().unwrap();
        assert!(promised > 0);
        assert!(response.bytes().await.is_err(), "the body ends short");
    }
    let whole = reqwest::get(&speak).await.unwrap().bytes().await.unwrap();
    assert!(whole.starts_with(b"fLaC"));
}

#[tokio::test]
async fn generated_and_dripped_bodies_arrive_whole_at_their_pace() {
    let stand_in = tiny()
        .script(
            "speak",
            [
                Reply::generated(200, "audio/flac", 3 << 20),
                Reply::raw(200, None, "12345").drip(Duration::from_millis(40)),
            ],
        )
        .start()
        .unwrap();
    let speak = format!("{}/speak", stand_in.url());
    let big = reqwest::get(&speak).await.unwrap();
    assert_eq!(big.headers()["content-type"], "audio/flac");
    assert_eq!(big.content_length(), Some(3 << 20));
    assert_eq!(big.bytes().await.unwrap().len(), 3 << 20);
    let started = Instant::now();
    let dripped = reqwest::get(&speak).await.unwrap();
    assert_eq!(dripped.content_length(), Some(5));
    assert_eq!(dripped.text().await.unwrap(), "12345");
    assert!(started.elapsed() >= Duration::from_millis(200));
}

#[tokio::test]
async fn a_hang_up_closes_without_an_answer_and_silence_never_answers() {
    let stand_in = tiny()
        .script("speak", [Reply::hang_up(), Reply::silence()])
        .start()
        .unwrap();
    let speak = format!("{}/speak", stand_in.url());
    let hung_up = reqwest::get(&speak).await.unwrap_err();
    assert!(!hung_up.is_timeout(), "{hung_up:?}");
    let client = reqwest::Client::builder()
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let silent = client.get(&speak).send().await.unwrap_err();
    assert!(silent.is_timeout(), "{silent:?}");
    assert_eq!(stand_in.requests("speak"), 2);
    assert!(reqwest::get(&speak).await.unwrap().status().is_success());
}

#[tokio::test]
async fn the_storage_follows_its_script_and_results_carry_the_query() {
    let stand_in = tiny()
        .pending_polls(0)
        .result_query("sig=abc")
        .storage_script([Reply::status(302).header("location", "http://127.0.0.1:9/elsewhere")])
        .start()
        .unwrap();
    let number =
        post(&stand_in, "t", json!({"words": "hi"})).await.json()["ticket"]["number"].clone();
    let output = progress(&stand_in, &number).await["output"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(output.ends_with(".flac?sig=abc"), "{output}");
    let no_redirects = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let moved = no_redirects.get(&output).send().await.unwrap();
    assert_eq!(moved.status(), 302);
    assert_eq!(moved.headers()["location"], "http://127.0.0.1:9/elsewhere");
    let stored = no_redirects.get(&output).send().await.unwrap();
    assert!(stored.bytes().await.unwrap().starts_with(b"fLaC"));
    assert_eq!(stand_in.storage_requests(), 2);
}

#[tokio::test]
async fn pending_state_failure_and_pace_are_the_ones_given() {
    let stand_in = tiny()
        .pending_state("QUEUED_ELSEWHERE")
        .fail("render")
        .failure("E_TOLD", "told to fail")
        .pending_polls(u32::MAX)
        .start()
        .unwrap();
    let number =
        post(&stand_in, "t", json!({"words": "hi"})).await.json()["ticket"]["number"].clone();
    let pending = progress(&stand_in, &number).await;
    assert_eq!(
        (&pending["phase"], &pending["pct"]),
        (&json!("QUEUED_ELSEWHERE"), &json!(0)),
        "a job that never ends reports no progress"
    );
    assert_eq!(
        stand_in.last_parameters("progress").unwrap(),
        vec![
            ("number".to_owned(), number.to_string()),
            ("token".to_owned(), "t".to_owned())
        ]
    );
    stand_in.set_pending_polls(0);
    let failed = progress(&stand_in, &number).await;
    assert_eq!(
        (&failed["phase"], &failed["why"]),
        (&json!("broken"), &json!("told to fail"))
    );
    assert_eq!(
        stand_in.last_parameters("render").unwrap(),
        vec![("token".to_owned(), "t".to_owned())]
    );
    assert_eq!(stand_in.last_parameters("speak"), None);
    let _ = call(
        reqwest::Method::GET,
        format!("{}/nowhere", stand_in.url()),
        None,
    )
    .await;
    assert_eq!(stand_in.total_requests(), 4);
}

#[test]
fn an_unknown_operation_cannot_be_scripted() {
    let error = tiny()
        .script("nothing", [Reply::spec()])
        .start()
        .err()
        .unwrap();
    assert!(error.to_string().contains("`nothing`"), "{error}");
}

/// A job found in a list, with a code in its failures.
const LISTED: &str = r#"
openapi: 3.0.3
servers: [{url: "https://clone.example"}]
paths:
  /clones:
    post:
      operationId: make
      x-job-start: {poll: listing, job-id: /id}
      responses:
        '200':
          content:
            application/json:
              examples: {made: {value: {id: c1}}}
  /clones/list:
    get:
      operationId: listing
      x-job-status:
        items: /items
        id: /id
        state: /state
        pending: [busy]
        completed: [ready]
        failed: [bad]
        message: [/why]
        code: /code
      responses:
        '200':
          content:
            application/json:
              examples: {all: {value: {items: []}}}
"#;

#[tokio::test]
async fn a_listed_job_appears_late_and_fails_with_the_given_code() {
    let spec = Spec::parse(Path::new("listed.yaml"), LISTED).unwrap();
    let stand_in = StandIn::builder(spec)
        .unlisted_polls(2)
        .pending_polls(1)
        .fail_all()
        .failure("E_TOLD", "told to fail")
        .start()
        .unwrap();
    let made = call(
        reqwest::Method::POST,
        format!("{}/clones", stand_in.url()),
        None,
    )
    .await;
    let id = made.json()["id"].clone();
    let list = || {
        call(
            reqwest::Method::GET,
            format!("{}/clones/list", stand_in.url()),
            None,
        )
    };
    for _ in 0..2 {
        assert_eq!(list().await.json(), json!({"items": []}));
    }
    assert_eq!(list().await.json()["items"][0]["state"], "busy");
    let failed = list().await.json()["items"][0].clone();
    assert_eq!(
        failed,
        json!({"id": id, "state": "bad", "why": "told to fail", "code": "E_TOLD"})
    );
}
