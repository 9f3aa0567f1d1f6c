//! Per-request overhead: the same status request on loopback, sent with raw `reqwest` (and parsed
//! as JSON), then through each layer the facade adds, one more per row: the generated client
//! (typed decode), the same with the facade's HTTP client settings (per-request timeout,
//! User-Agent, no redirects), the call by operation name that the facade makes (`Dispatch`: JSON
//! values in, the server's bytes kept after the typed decode), and the facade itself (deadline,
//! retry layer, error mapping, the job contract read from the bytes). Rounds are interleaved so
//! that drift hits every row alike; the table shows median and 90th-percentile latency and each
//! median's ratio to raw reqwest, so the cost of each layer is the step between two rows. A last
//! line reports the target (issue 13): the facade's median at most 1.02× raw reqwest's, as
//! `target met:` or `target not met:` with the measured ratio (`cargo xtask bench` collects such
//! lines).
//!
//! `cargo bench -p speech-facade --bench overhead`

use std::time::{Duration, Instant};

use httpmock::{Method, MockServer};
use serde_json::{Value, json};
use speech_client_runtime::dispatch::Request;
use speech_facade::{ApiKey, JobHandle, Options, Provider, Synthesize, Wait};

const ROUNDS: usize = 2000;
const WARM_UP: usize = 200;
const KEY: &str = "bench-key";
/// The facade's median latency may be at most this many times raw reqwest's.
const TARGET: f64 = 1.02;

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(run());
}

async fn run() {
    let server = MockServer::start_async().await;
    let body = json!({"success": true, "speech": {"id": "s1", "text": "Hello", "format": "mp3", "status": "COMPLETED",
        "creditsUsed": 29, "createdAt": "2024-01-01T00:00:00.000Z", "audioUrl": "https://storage.example/s1.mp3"}});
    server
        .mock_async(|when, then| {
            when.method(Method::GET).path("/api/v1/tts/s1");
            then.status(200)
                .header("content-type", "application/json")
                .body(body.to_string());
        })
        .await;
    let base = server.url("/api/v1");
    let url = format!("{base}/tts/s1");
    let raw = reqwest::Client::new();
    let generated =
        voiceclone_client::Client::new_with_client(&base, authorized(reqwest::Client::builder()));
    // What `Options::default()` and the facade's client builder set, on the generated client.
    let defaults = Options::default();
    let configured = voiceclone_client::Client::new_with_client(
        &base,
        authorized(
            reqwest::Client::builder()
                .timeout(defaults.timeout)
                .connect_timeout(defaults.connect_timeout)
                .user_agent(format!(
                    "speech-facade/{} {}",
                    env!("CARGO_PKG_VERSION"),
                    voiceclone_client::USER_AGENT
                ))
                .redirect(reqwest::redirect::Policy::none()),
        ),
    );
    let facade = Provider::new("voiceclone", &base, ApiKey::new(KEY), Options::default())
        .expect("a facade client");
    let dispatched = Request {
        parameters: [("speechId".to_owned(), json!("s1"))].into_iter().collect(),
        ..Request::default()
    };
    let wait = Wait::up_to(Duration::from_secs(10));
    let job = JobHandle {
        operation: "get_speech".into(),
        id: "s1".into(),
        parameters: [("speechId".to_owned(), serde_json::json!("s1"))]
            .into_iter()
            .collect(),
    };

    let mut times: [Vec<Duration>; 5] = Default::default();
    for round in 0..WARM_UP + ROUNDS {
        let mut round_times = [Duration::ZERO; 5];

        let start = Instant::now();
        let response = raw
            .get(&url)
            .bearer_auth(KEY)
            .send()
            .await
            .expect("raw request");
        let _: Value = response.json().await.expect("raw JSON");
        round_times[0] = start.elapsed();

        for (index, client) in [(1, &generated), (2, &configured)] {
            let start = Instant::now();
            let _ = client
                .get_speech()
                .speech_id("s1")
                .send()
                .await
                .expect("generated request");
            round_times[index] = start.elapsed();
        }

        let start = Instant::now();
        let _ = facade
            .dispatch()
            .dispatch("get_speech", dispatched.clone())
            .await
            .expect("dispatched request");
        round_times[3] = start.elapsed();

        let start = Instant::now();
        let _ = facade
            .resume_synthesis(&job, &wait)
            .await
            .expect("facade request");
        round_times[4] = start.elapsed();

        if round >= WARM_UP {
            for (all, time) in times.iter_mut().zip(round_times) {
                all.push(time);
            }
        }
    }
    let medians: Vec<Duration> = times.iter_mut().map(|t| percentile(t, 50)).collect();
    println!("| client | median | p90 | median / raw reqwest |");
    println!("|---|---|---|---|");
    for (index, label) in [
        "raw reqwest + serde_json",
        "generated client (voiceclone get_speech)",
        "generated client, the facade's HTTP client settings",
        "the facade's call by operation name (`Dispatch`)",
        "facade (resume_synthesis, completes on the first poll)",
    ]
    .iter()
    .enumerate()
    {
        let p90 = percentile(&mut times[index], 90);
        println!(
            "| {label} | {:.1} µs | {:.1} µs | {:.3} |",
            medians[index].as_secs_f64() * 1e6,
            p90.as_secs_f64() * 1e6,
            medians[index].as_secs_f64() / medians[0].as_secs_f64()
        );
    }
    println!(
        "\n{ROUNDS} interleaved rounds after {WARM_UP} warm-up rounds, loopback httpmock server."
    );
    let facade_ratio = medians[4].as_secs_f64() / medians[0].as_secs_f64();
    let verdict = if facade_ratio <= TARGET {
        "target met"
    } else {
        "target not met"
    };
    println!(
        "{verdict}: facade overhead ≤ {TARGET}× raw reqwest (median, loopback): {facade_ratio:.3}×"
    );
}

fn percentile(times: &mut [Duration], p: usize) -> Duration {
    times.sort();
    times[(times.len() * p / 100).min(times.len() - 1)]
}

/// `builder` sending the key as the voiceclone spec's bearer credential.
fn authorized(builder: reqwest::ClientBuilder) -> reqwest::Client {
    builder
        .default_headers(
            [(
                reqwest::header::AUTHORIZATION,
                format!("Bearer {KEY}").parse().expect("a header"),
            )]
            .into_iter()
            .collect(),
        )
        .build()
        .expect("a client")
}
