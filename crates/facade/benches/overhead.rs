//! Per-request overhead: the same status request on loopback, sent with raw `reqwest` (and parsed
//! as JSON), with the generated client (typed decode), and through the facade (retry layer, error
//! mapping, waiting contract). Rounds are interleaved so that drift hits all three alike; the table
//! shows median and 90th-percentile latency and each median's ratio to raw reqwest. A last line
//! reports the target (issue 13): the facade's median at most 1.02× raw reqwest's, as `target met:`
//! or `target not met:` with the measured ratio (`cargo xtask bench` collects such lines).
//!
//! `cargo bench -p speech-facade --bench overhead`

use std::time::{Duration, Instant};

use httpmock::{Method, MockServer};
use serde_json::{Value, json};
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
    let generated = voiceclone_client::Client::new_with_client(
        &base,
        reqwest::Client::builder()
            .default_headers(
                [(
                    reqwest::header::AUTHORIZATION,
                    format!("Bearer {KEY}").parse().expect("a header"),
                )]
                .into_iter()
                .collect(),
            )
            .build()
            .expect("a client"),
    );
    let facade = Provider::new("voiceclone", &base, ApiKey::new(KEY), Options::default())
        .expect("a facade client");
    let wait = Wait::up_to(Duration::from_secs(10));
    let job = JobHandle {
        operation: "get_speech".into(),
        id: "s1".into(),
        parameters: [("speechId".to_owned(), serde_json::json!("s1"))]
            .into_iter()
            .collect(),
    };

    let mut times: [Vec<Duration>; 3] = [Vec::new(), Vec::new(), Vec::new()];
    for round in 0..WARM_UP + ROUNDS {
        let start = Instant::now();
        let response = raw
            .get(&url)
            .bearer_auth(KEY)
            .send()
            .await
            .expect("raw request");
        let _: Value = response.json().await.expect("raw JSON");
        let raw_time = start.elapsed();

        let start = Instant::now();
        let _ = generated
            .get_speech()
            .speech_id("s1")
            .send()
            .await
            .expect("generated request");
        let generated_time = start.elapsed();

        let start = Instant::now();
        let _ = facade
            .resume_synthesis(&job, &wait)
            .await
            .expect("facade request");
        let facade_time = start.elapsed();

        if round >= WARM_UP {
            times[0].push(raw_time);
            times[1].push(generated_time);
            times[2].push(facade_time);
        }
    }
    let medians: Vec<Duration> = times.iter_mut().map(|t| percentile(t, 50)).collect();
    println!("| client | median | p90 | median / raw reqwest |");
    println!("|---|---|---|---|");
    for (index, label) in [
        "raw reqwest + serde_json",
        "generated client (voiceclone get_speech)",
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
    let facade_ratio = medians[2].as_secs_f64() / medians[0].as_secs_f64();
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
