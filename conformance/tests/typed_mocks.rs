//! The generated typed mocks (`<provider>_client::mock`, feature `mock`) serve the documented
//! examples to the generated clients: a consumer's test of a submit-then-poll flow, written without
//! a single path or status code by hand. The values are the specs' documented examples.
//!
//! The mocks match paths relative to the client's base URL, so the client points at
//! `server.base_url()`.

use std::path::Path;

use httpmock::MockServer;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// The value of a documented example: `pointer` into `specs/<provider>.yaml`, up to the example.
fn documented<T: DeserializeOwned>(provider: &str, pointer: &str) -> T {
    let root = speech_conformance::workspace_root();
    let spec =
        speech_spec::Spec::load(&root, Path::new(&format!("specs/{provider}.yaml"))).unwrap();
    let value: &Value = spec
        .doc
        .pointer(&format!("{pointer}/value"))
        .unwrap_or_else(|| panic!("no example at {pointer}"));
    serde_json::from_value(value.clone()).unwrap()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn nanogpt_submit_then_poll_against_typed_mocks() {
    use nanogpt_client::mock::MockServerExt;
    use nanogpt_client::types::{SubmitTtsResponse, TtsRequest, TtsStatusStatus};

    let server = MockServer::start();
    let request: TtsRequest = documented(
        "nanogpt",
        "/paths/~1tts/post/requestBody/content/application~1json/examples/curl_submit",
    );
    let submit = server.submit_tts(|when, then| {
        when.body(&request);
        then.accepted(&documented(
            "nanogpt",
            "/paths/~1tts/post/responses/202/content/application~1json/examples/pending",
        ));
    });
    let poll = server.get_tts_status(|when, then| {
        when.run_id("98b0d593-fe8d-49b8-89c9-233022232297");
        then.ok(&documented(
            "nanogpt",
            "/paths/~1tts~1status/get/responses/200/content/application~1json/examples/completed",
        ));
    });
    let client = nanogpt_client::Client::new(&server.base_url());
    runtime().block_on(async {
        let SubmitTtsResponse::TtsPendingTicket(ticket) = client
            .submit_tts()
            .body(request.clone())
            .send()
            .await
            .unwrap()
            .into_inner()
        else {
            panic!("expected the 202 ticket");
        };
        let status = client
            .get_tts_status()
            .run_id(ticket.run_id)
            .model(ticket.model)
            .send()
            .await
            .unwrap()
            .into_inner();
        assert_eq!(status.status, TtsStatusStatus::Completed);
    });
    submit.assert();
    poll.assert();
}

#[test]
fn voiceclone_create_then_poll_against_typed_mocks() {
    use voiceclone_client::mock::MockServerExt;
    use voiceclone_client::types::{SpeechProcessingStatus, SpeechRequest};

    let server = MockServer::start();
    let request: SpeechRequest = documented(
        "voiceclone",
        "/paths/~1tts/post/requestBody/content/application~1json/examples/curl",
    );
    let create = server.create_speech(|when, then| {
        when.body(&request);
        then.ok(&documented(
            "voiceclone",
            "/paths/~1tts/post/responses/200/content/application~1json/examples/processing",
        ));
    });
    let poll = server.get_speech(|when, then| {
        when.speech_id("clxxxx");
        then.ok(&documented(
            "voiceclone",
            "/paths/~1tts~1{speechId}/get/responses/200/content/application~1json/examples/completed",
        ));
    });
    let client = voiceclone_client::Client::new(&server.base_url());
    runtime().block_on(async {
        let created = client
            .create_speech()
            .body(request.clone())
            .send()
            .await
            .unwrap();
        let speech = client
            .get_speech()
            .speech_id(created.into_inner().speech_id)
            .send()
            .await
            .unwrap()
            .into_inner();
        assert_eq!(speech.speech.status, SpeechProcessingStatus::Completed);
    });
    create.assert();
    poll.assert();
}

#[test]
fn miragic_create_then_poll_against_typed_mocks() {
    use miragic_client::mock::MockServerExt;
    use miragic_client::types::JobStatus;

    let server = MockServer::start();
    let create = server.create_text_to_speech_job(|_, then| {
        then.ok(&documented(
            "miragic",
            "/paths/~1api~1v1~1text-to-speech~1generate/post/responses/200/content/application~1json/examples/pending",
        ));
    });
    let poll = server.get_text_to_speech_job(|when, then| {
        when.job_id("eddb46cf-ca93-4513-a45d-747a9702c446");
        then.ok(&documented(
            "miragic",
            "/paths/~1api~1v1~1text-to-speech~1jobs~1{jobId}/get/responses/200/content/application~1json/examples/completed",
        ));
    });
    let client = miragic_client::Client::new(&server.base_url());
    runtime().block_on(async {
        let created = client
            .create_text_to_speech_job()
            .body_map(|form| {
                form.text("A beautiful sunset over the ocean.")
                    .voice("alloy")
            })
            .send()
            .await
            .unwrap()
            .into_inner();
        let job = client
            .get_text_to_speech_job()
            .job_id(created.data.job_id)
            .send()
            .await
            .unwrap()
            .into_inner();
        assert_eq!(job.data.status, JobStatus::Completed);
    });
    create.assert();
    poll.assert();
}

#[test]
fn audixa_submit_then_poll_against_typed_mocks() {
    use audixa_client::mock::MockServerExt;
    use audixa_client::types::{GenerationStatusStatus, TtsRequest};

    let server = MockServer::start();
    let request: TtsRequest = documented(
        "audixa",
        "/paths/~1tts/post/requestBody/content/application~1json/examples/curl_s1",
    );
    let submit = server.create_tts_generation(|when, then| {
        when.body(&request);
        then.created(&documented(
            "audixa",
            "/paths/~1tts/post/responses/201/content/application~1json/examples/created",
        ));
    });
    let poll = server.get_generation_status(|when, then| {
        when.generation_id("base_27b4695b-017f-4b6e-8121-03264624479c");
        then.ok(&documented(
            "audixa",
            "/paths/~1status/get/responses/200/content/application~1json/examples/completed_s1",
        ));
    });
    let client = audixa_client::Client::new(&server.base_url());
    runtime().block_on(async {
        let created = client
            .create_tts_generation()
            .body(request.clone())
            .send()
            .await
            .unwrap()
            .into_inner();
        let status = client
            .get_generation_status()
            .generation_id(created.generation_id)
            .send()
            .await
            .unwrap()
            .into_inner();
        assert_eq!(status.status, GenerationStatusStatus::Completed);
    });
    submit.assert();
    poll.assert();
}

#[test]
fn typed_mocks_match_path_values_with_reserved_characters_as_the_client_sends_them() {
    use voiceclone_client::mock::MockServerExt;

    // `/`, space, `?`, `#`, `%`, `\` and non-ASCII: encoded by the client into one segment, and
    // matched by the mock as that segment, not as a regex.
    let speech_id = r"a/b c?#%2e.x\é";
    let server = MockServer::start();
    let poll = server.get_speech(|when, then| {
        when.speech_id(speech_id);
        then.ok(&documented(
            "voiceclone",
            "/paths/~1tts~1{speechId}/get/responses/200/content/application~1json/examples/completed",
        ));
    });
    let client = voiceclone_client::Client::new(&server.base_url());
    runtime().block_on(async {
        client
            .get_speech()
            .speech_id(speech_id)
            .send()
            .await
            .unwrap();
        // The value is matched literally: `.` is not a regex wildcard that would let `Z` through.
        let other = client
            .get_speech()
            .speech_id(r"a/b c?#%2eZx\é")
            .send()
            .await;
        assert!(other.is_err(), "{other:?}");
    });
    poll.assert();
}
