//! Waiting efficiency: polls sent, and the delay between a job's end and the caller learning of
//! it, for the engine's default policy against the providers' documented loop (a fixed 2 s sleep)
//! and fixed 1 s and 3 s loops:
//!
//! 1. a job of unknown length (the first of its operation), at 1 s to 3 min;
//! 2. a job of a length seen before (after 10 jobs of the same operation, lengths spread ±10 %),
//!    without and with a progress percent;
//! 3. a job whose history misleads: 3× shorter or 3× longer than the jobs seen.
//!
//! `cargo bench -p speech-facade --bench waiting` prints the tables and one `target met:` /
//! `target not met:` line per target (collected by `cargo xtask bench`). With
//! `SPEECH_BENCH_CURVES=<file>` set, it also writes the polls and delay of each strategy over a
//! fine range of lengths as CSV, for the plot `cargo xtask bench` draws.
//!
//! Time is tokio's paused clock, so the figures are exact and the run takes seconds. A job "of
//! 7 s" ends at a point spread evenly over 7 s ± 5 % (±10 % for the jobs of a learned length)
//! across the runs: real jobs do not end exactly on a loop's tick, and whole seconds would
//! flatter the fixed loops. The engine's jitter seed changes with each run.

use std::fmt::Write as _;
use std::time::Duration;

use speech_facade::WaitPolicy;
use speech_facade::bench_support::{History, JobState, Polled, wait_for_with_rng};
use tokio::runtime::Runtime;
use tokio::time::Instant;

/// The lengths of the first-job target, in seconds.
const FIRST_JOB_LENGTHS: [f64; 9] = [1.0, 2.0, 4.0, 7.0, 15.0, 30.0, 60.0, 120.0, 180.0];
/// The lengths of the seen-length target, in seconds.
const SEEN_LENGTHS: [f64; 7] = [4.0, 7.0, 15.0, 30.0, 60.0, 120.0, 180.0];
/// Runs per length of a first job.
const RUNS: u32 = 200;
/// Learned histories per length, and runs with each.
const HISTORIES: u32 = 10;
const RUNS_PER_HISTORY: u32 = 20;
/// Jobs a history has seen before the measured ones.
const SEEN_JOBS: u32 = 10;

/// What one wait cost: polls, and seconds between the job's end and the poll that saw it.
#[derive(Clone, Copy, Default)]
struct Cost {
    polls: f64,
    delay: f64,
}

impl Cost {
    fn mean(costs: &[Cost]) -> Cost {
        let count = costs.len() as f64;
        Cost {
            polls: costs.iter().map(|cost| cost.polls).sum::<f64>() / count,
            delay: costs.iter().map(|cost| cost.delay).sum::<f64>() / count,
        }
    }
}

/// How a job reports itself while pending.
#[derive(Clone, Copy, PartialEq)]
enum Reports {
    StateOnly,
    /// Steady progress, in whole percent.
    Percent,
}

/// One wait of the engine for a job of `length` seconds, polled around `history` (and recorded
/// into it) when one is given.
fn engine(
    runtime: &Runtime,
    length: f64,
    seed: u64,
    history: Option<&mut History>,
    reports: Reports,
) -> Cost {
    runtime.block_on(async {
        let start = Instant::now();
        let job = Duration::from_secs_f64(length);
        let done = wait_for_with_rng(
            "job",
            Duration::from_secs(7200),
            &WaitPolicy::default(),
            fastrand::Rng::with_seed(seed),
            history.as_deref(),
            |_| {},
            || async move {
                let elapsed = start.elapsed();
                let status = if elapsed >= job {
                    JobState::Completed {
                        state: "done".into(),
                        result: None,
                    }
                } else {
                    let percent = (reports == Reports::Percent)
                        .then(|| (100.0 * elapsed.as_secs_f64() / length).floor());
                    JobState::Pending {
                        state: "pending".into(),
                        percent,
                    }
                };
                Ok::<_, speech_facade::Error>(Polled::from(status))
            },
        )
        .await
        .expect("the job completes");
        if let Some(history) = history {
            let (after, by) = done.ended_between;
            history.record(after, by);
        }
        Cost {
            polls: f64::from(done.polls),
            delay: (done.elapsed - job).as_secs_f64(),
        }
    })
}

/// A fixed loop: poll at once, then every `interval` seconds.
fn fixed(length: f64, interval: f64) -> Cost {
    let polls = (length / interval).ceil() + 1.0;
    let seen = (polls - 1.0) * interval;
    Cost {
        polls,
        delay: seen - length,
    }
}

/// The length of run `run` of `runs` of a job of `length`, spread evenly over ±`spread`.
fn spread(length: f64, spread: f64, run: u32, runs: u32) -> f64 {
    length * (1.0 - spread + 2.0 * spread * (f64::from(run) + 0.5) / f64::from(runs))
}

/// The mean cost of a first job of `length` (±5 %).
fn first_job(runtime: &Runtime, length: f64) -> Cost {
    let costs: Vec<Cost> = (0..RUNS)
        .map(|run| {
            let length = spread(length, 0.05, run, RUNS);
            engine(runtime, length, u64::from(run), None, Reports::StateOnly)
        })
        .collect();
    Cost::mean(&costs)
}

/// A history of `SEEN_JOBS` jobs of `length` (±10 %), learned by the engine itself.
fn learned(runtime: &Runtime, length: f64, seed: u64, reports: Reports) -> History {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut history = History::default();
    for job in 0..SEEN_JOBS {
        let length = length * (0.9 + 0.2 * rng.f64());
        engine(
            runtime,
            length,
            seed * 1000 + u64::from(job),
            Some(&mut history),
            reports,
        );
    }
    history
}

/// The mean cost of jobs of `length` (±`job_spread`) after histories of jobs of `seen`.
fn after_history(
    runtime: &Runtime,
    length: f64,
    job_spread: f64,
    seen: f64,
    reports: Reports,
) -> Cost {
    let mut costs = Vec::new();
    for history_seed in 0..HISTORIES {
        let history = learned(runtime, seen, u64::from(history_seed) + 1, reports);
        for run in 0..RUNS_PER_HISTORY {
            let length = spread(length, job_spread, run, RUNS_PER_HISTORY);
            let mut fresh = history.clone();
            let seed = u64::from(history_seed * RUNS_PER_HISTORY + run);
            costs.push(engine(runtime, length, seed, Some(&mut fresh), reports));
        }
    }
    Cost::mean(&costs)
}

/// The mean cost of a fixed loop over the same spread of lengths.
fn loop_cost(length: f64, job_spread: f64, interval: f64) -> Cost {
    let costs: Vec<Cost> = (0..RUNS)
        .map(|run| fixed(spread(length, job_spread, run, RUNS), interval))
        .collect();
    Cost::mean(&costs)
}

/// Collects the target lines.
#[derive(Default)]
struct Targets(Vec<String>);

impl Targets {
    fn add(&mut self, met: bool, text: String) {
        let verdict = if met { "met" } else { "not met" };
        self.0.push(format!("target {verdict}: {text}"));
    }
}

/// A number of seconds as the tables print it.
fn secs(value: f64) -> String {
    format!("{value:.2} s")
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .expect("a runtime");
    let mut targets = Targets::default();
    first_job_table(&runtime, &mut targets);
    seen_table(&runtime, &mut targets, Reports::StateOnly);
    seen_table(&runtime, &mut targets, Reports::Percent);
    misled_table(&runtime, &mut targets);
    println!();
    for line in &targets.0 {
        println!("{line}");
    }
    if let Some(path) = std::env::var_os("SPEECH_BENCH_CURVES") {
        std::fs::write(&path, curves(&runtime)).expect("the curves file can be written");
    }
}

/// Target 1: a job of unknown length.
fn first_job_table(runtime: &Runtime, targets: &mut Targets) {
    println!("\n## A job of unknown length (the first of its operation)\n");
    println!(
        "{RUNS} runs per length, lengths spread ±5 %; mean polls and mean delay between the job's end and the poll that sees it.\n"
    );
    println!(
        "| job | engine polls | engine delay | bound (25 % + 0.3 s) | 2 s loop polls | 2 s loop delay | 1 s loop polls / delay | 3 s loop polls / delay |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    let mut delay_worst = (0.0, 0.0);
    let mut polls_over = Vec::new();
    let mut polls_at_120 = 0.0;
    for length in FIRST_JOB_LENGTHS {
        let engine = first_job(runtime, length);
        let two = loop_cost(length, 0.05, 2.0);
        let one = loop_cost(length, 0.05, 1.0);
        let three = loop_cost(length, 0.05, 3.0);
        let bound = 0.25 * length + 0.3;
        println!(
            "| {length} s | {:.1} | {} | {} | {:.1} | {} | {:.1} / {} | {:.1} / {} |",
            engine.polls,
            secs(engine.delay),
            secs(bound),
            two.polls,
            secs(two.delay),
            one.polls,
            secs(one.delay),
            three.polls,
            secs(three.delay)
        );
        if engine.delay / bound > delay_worst.0 {
            delay_worst = (engine.delay / bound, length);
        }
        if length >= 4.0 && engine.polls > two.polls {
            polls_over.push(format!(
                "{length} s: {:.1} > {:.1}",
                engine.polls, two.polls
            ));
        }
        if length == 120.0 {
            polls_at_120 = engine.polls;
        }
    }
    targets.add(
        delay_worst.0 <= 1.0,
        format!(
            "first job, mean delay ≤ 25 % of the length + 0.3 s at 1–180 s: worst {:.0} % of the bound (at {} s)",
            100.0 * delay_worst.0,
            delay_worst.1
        ),
    );
    targets.add(
        polls_over.is_empty(),
        if polls_over.is_empty() {
            "first job, polls ≤ the 2 s loop's at every length ≥ 4 s: fewer at all".to_owned()
        } else {
            format!(
                "first job, polls ≤ the 2 s loop's at every length ≥ 4 s: more at {}",
                polls_over.join(", ")
            )
        },
    );
    targets.add(
        polls_at_120 <= 20.0,
        format!("first job, ≤ 20 polls at 120 s: {polls_at_120:.1}"),
    );
}

/// Target 2: a job of a length seen before.
fn seen_table(runtime: &Runtime, targets: &mut Targets, reports: Reports) {
    let (title, label) = match reports {
        Reports::StateOnly => ("A job of a length seen before", "seen length"),
        Reports::Percent => (
            "A job of a length seen before, reporting a progress percent",
            "seen length with percent",
        ),
    };
    println!("\n## {title}\n");
    println!(
        "After {SEEN_JOBS} jobs of the same operation (lengths spread ±10 %), learned by the engine itself; {HISTORIES} such histories × {RUNS_PER_HISTORY} jobs (±10 %) per length.\n"
    );
    println!(
        "| job | engine polls | engine delay | 2 s loop polls | 2 s loop delay | polls / 2 s loop's | target |"
    );
    println!("|---|---|---|---|---|---|---|");
    let mut delay_worst = (0.0, 0.0);
    let mut polls_missed = Vec::new();
    for length in SEEN_LENGTHS {
        let engine = after_history(runtime, length, 0.1, length, reports);
        let two = loop_cost(length, 0.1, 2.0);
        let (share, share_text) = match length {
            l if l >= 120.0 => (0.25, "≤ ¼ of the loop's polls"),
            l if l >= 30.0 => (0.5, "≤ ½ of the loop's polls"),
            7.0 => (1.0, "≤ the loop's polls"),
            _ => (f64::INFINITY, "delay only"),
        };
        println!(
            "| {length} s | {:.1} | {} | {:.1} | {} | {:.2} | {share_text}, delay ≤ 1 s |",
            engine.polls,
            secs(engine.delay),
            two.polls,
            secs(two.delay),
            engine.polls / two.polls
        );
        if engine.delay > delay_worst.0 {
            delay_worst = (engine.delay, length);
        }
        if engine.polls > share * two.polls {
            polls_missed.push(format!(
                "{length} s: {:.1} > {:.1}",
                engine.polls,
                share * two.polls
            ));
        }
    }
    targets.add(
        delay_worst.0 <= 1.0,
        format!(
            "{label}, mean delay ≤ 1.0 s at 4–180 s: worst {} (at {} s)",
            secs(delay_worst.0),
            delay_worst.1
        ),
    );
    targets.add(
        polls_missed.is_empty(),
        if polls_missed.is_empty() {
            format!("{label}, polls ≤ the 2 s loop's at 7 s, ≤ ½ from 30 s, ≤ ¼ from 120 s: all")
        } else {
            format!(
                "{label}, polls ≤ the 2 s loop's at 7 s, ≤ ½ from 30 s, ≤ ¼ from 120 s: over at {}",
                polls_missed.join(", ")
            )
        },
    );
}

/// The first-job bounds when the history misleads.
fn misled_table(runtime: &Runtime, targets: &mut Targets) {
    println!("\n## A job whose history misleads\n");
    println!(
        "Each length of the first-job table, after {SEEN_JOBS} jobs 3× longer (the job is 3× shorter than those seen) or 3× shorter (it is 3× longer); {HISTORIES} histories × {RUNS_PER_HISTORY} jobs (±5 %). The first-job bounds apply.\n"
    );
    println!(
        "| job | after | engine polls | engine delay | bound (25 % + 0.3 s) | 2 s loop polls |"
    );
    println!("|---|---|---|---|---|---|");
    let mut missed = Vec::new();
    for length in FIRST_JOB_LENGTHS {
        let two = loop_cost(length, 0.05, 2.0);
        for (seen, label) in [
            (3.0 * length, "jobs seen 3× longer"),
            (length / 3.0, "jobs seen 3× shorter"),
        ] {
            let engine = after_history(runtime, length, 0.05, seen, Reports::StateOnly);
            let bound = 0.25 * length + 0.3;
            println!(
                "| {length} s | {label} ({seen:.1} s) | {:.1} | {} | {} | {:.1} |",
                engine.polls,
                secs(engine.delay),
                secs(bound),
                two.polls
            );
            if engine.delay > bound {
                missed.push(format!(
                    "{length} s after {label}: delay {}",
                    secs(engine.delay)
                ));
            }
            if length >= 4.0 && engine.polls > two.polls {
                missed.push(format!(
                    "{length} s after {label}: {:.1} polls > {:.1}",
                    engine.polls, two.polls
                ));
            }
            if length == 120.0 && engine.polls > 20.0 {
                missed.push(format!(
                    "120 s after {label}: {:.1} polls > 20",
                    engine.polls
                ));
            }
        }
    }
    targets.add(
        missed.is_empty(),
        if missed.is_empty() {
            "misleading history (3× longer or shorter), first-job bounds at every length: all hold"
                .to_owned()
        } else {
            format!(
                "misleading history (3× longer or shorter), first-job bounds at every length: missed at {}",
                missed.join("; ")
            )
        },
    );
}

/// Polls and delay over lengths from 1 s to 3 min: `strategy,length,polls,delay` rows.
fn curves(runtime: &Runtime) -> String {
    let mut csv = String::from("strategy,length,polls,delay\n");
    let lengths: Vec<f64> = (0..=48)
        .map(|step| 180f64.powf(f64::from(step) / 48.0))
        .collect();
    for &length in &lengths {
        let rows = [
            ("engine (first job)", first_job(runtime, length)),
            (
                "engine (seen length)",
                after_history(runtime, length, 0.1, length, Reports::StateOnly),
            ),
            ("fixed 1 s", loop_cost(length, 0.05, 1.0)),
            ("fixed 2 s (documented)", loop_cost(length, 0.05, 2.0)),
            ("fixed 3 s", loop_cost(length, 0.05, 3.0)),
        ];
        for (strategy, cost) in rows {
            writeln!(
                csv,
                "{strategy},{length:.3},{:.3},{:.3}",
                cost.polls, cost.delay
            )
            .expect("writing to a string");
        }
    }
    csv
}
