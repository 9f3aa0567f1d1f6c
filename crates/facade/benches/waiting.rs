//! Waiting efficiency: polls sent, and the delay between a job's completion and the caller learning
//! of it, for simulated jobs of 1 s, 7 s (Miragic's documented processing time), 30 s and 120 s,
//! side by side with the documents' own loop (a fixed 2 s sleep) and fixed 1 s and 3 s loops.
//!
//! `cargo bench -p speech-facade --bench waiting` prints the table. Time is tokio's paused clock,
//! so the figures are exact and the run takes milliseconds. A job "of 7 s" completes at a point
//! spread evenly over 7 s ± 5 % across 200 runs (real jobs do not end exactly on a loop's tick, and
//! whole seconds would flatter the fixed loops), and the engine's jitter seed changes with each
//! run; the table shows the mean and the worst case.

use std::time::Duration;

use speech_facade::WaitPolicy;
use speech_facade::bench_support::{JobState, Polled, wait_for_with_rng};
use tokio::time::Instant;

const JOBS: [u64; 4] = [1, 7, 30, 120];
const RUNS: u64 = 200;

/// The completion time of run `run` of a job of `seconds`: spread evenly over ±5 %.
fn completion(seconds: u64, run: u64) -> Duration {
    let spread = 0.95 + 0.1 * run as f64 / RUNS as f64;
    Duration::from_secs_f64(seconds as f64 * spread)
}

/// One wait: (polls, delay after completion).
async fn engine(job: Duration, seed: u64) -> (u32, Duration) {
    let start = Instant::now();
    let done = wait_for_with_rng(
        "job",
        Duration::from_secs(3600),
        &WaitPolicy::default(),
        fastrand::Rng::with_seed(seed),
        |_| {},
        || async move {
            let status = if start.elapsed() >= job {
                JobState::Completed {
                    state: "done".into(),
                    result: None,
                }
            } else {
                JobState::Pending {
                    state: "pending".into(),
                    percent: None,
                }
            };
            Ok::<_, speech_facade::Error>(Polled::from(status))
        },
    )
    .await
    .expect("the job completes");
    (done.polls, done.elapsed - job)
}

/// The documents' loop: poll, sleep `interval`, poll again.
async fn fixed(job: Duration, interval: Duration) -> (u32, Duration) {
    let start = Instant::now();
    let mut polls = 0;
    loop {
        polls += 1;
        if start.elapsed() >= job {
            return (polls, start.elapsed() - job);
        }
        tokio::time::sleep(interval).await;
    }
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .expect("a runtime");
    println!(
        "| job | strategy | polls (mean / max) | delay after completion (mean / max) | delay % of job (max) |"
    );
    println!("|---|---|---|---|---|");
    for seconds in JOBS {
        let engine_runs: Vec<(u32, Duration)> = (0..RUNS)
            .map(|run| runtime.block_on(engine(completion(seconds, run), run)))
            .collect();
        row(seconds, "engine (defaults)", &engine_runs);
        for interval in [1, 2, 3] {
            let runs: Vec<(u32, Duration)> = (0..RUNS)
                .map(|run| {
                    runtime.block_on(fixed(
                        completion(seconds, run),
                        Duration::from_secs(interval),
                    ))
                })
                .collect();
            let label = if interval == 2 {
                "fixed 2 s (the docs' loop)".to_owned()
            } else {
                format!("fixed {interval} s")
            };
            row(seconds, &label, &runs);
        }
    }
}

/// One table row: polls and delay after completion over the runs (mean / worst).
fn row(job_seconds: u64, label: &str, runs: &[(u32, Duration)]) {
    let count = runs.len() as f64;
    let mean_polls = runs.iter().map(|run| f64::from(run.0)).sum::<f64>() / count;
    let max_polls = runs.iter().map(|run| run.0).max().unwrap_or(0);
    let mean_delay = runs.iter().map(|run| run.1.as_secs_f64()).sum::<f64>() / count;
    let max_delay = runs
        .iter()
        .map(|run| run.1)
        .max()
        .unwrap_or_default()
        .as_secs_f64();
    println!(
        "| {job_seconds} s | {label} | {mean_polls:.1} / {max_polls} | {mean_delay:.2} s / {max_delay:.2} s | {:.1} % |",
        100.0 * max_delay / job_seconds as f64
    );
}
