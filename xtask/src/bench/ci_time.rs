//! How long CI takes from cold: `.ci/run` in a fresh clone of the repository with its own empty
//! target directory (the registry's sources, shared with this machine's other builds, may already
//! be downloaded). `.ci/run` prints each step's wall-clock and CPU time
//! (`ci step: <seconds> s, cpu <seconds> s: <command>`); this module collects those lines into a
//! table and times the whole run. The CPU seconds do not grow with other work on the machine, so
//! they compare runs on a busy one.
//!
//! The clone is of the committed `HEAD`: changes not committed are not measured.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

use super::{Target, clean_env, load_average};

/// What CI may take, cold, on this machine.
const LIMIT: Duration = Duration::from_secs(8 * 60);

/// Runs `.ci/run` from cold, prints its steps' times and the target.
pub fn run(root: &Path) -> Result<Vec<Target>> {
    let scratch = tempfile::tempdir()?;
    let clone = scratch.path().join("clone");
    let status = Command::new("git")
        .args(["clone", "-q"])
        .arg(root)
        .arg(&clone)
        .status()
        .context("running git clone")?;
    anyhow::ensure!(status.success(), "git clone of {} failed", root.display());
    let commit = git_head(&clone)?;

    let log_path = scratch.path().join("ci.log");
    let log = std::fs::File::create(&log_path)?;
    let load_before = load_average();
    let started = Instant::now();
    let mut command = Command::new("bash");
    clean_env(&mut command);
    let status = command
        .arg(".ci/run")
        .current_dir(&clone)
        .env("CARGO_TARGET_DIR", scratch.path().join("target"))
        .stdout(log.try_clone()?)
        .stderr(log)
        .stdin(Stdio::null())
        .status()
        .context("running .ci/run")?;
    let elapsed = started.elapsed();
    let load_after = load_average();
    let output = std::fs::read_to_string(&log_path)?;
    if !status.success() {
        let lines: Vec<&str> = output.lines().collect();
        anyhow::bail!(
            ".ci/run failed ({status}) after {}; its last lines:\n{}",
            minutes(elapsed),
            lines[lines.len().saturating_sub(60)..].join("\n")
        );
    }

    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    println!(
        "\n| CI step (`.ci/run` at {commit}, fresh clone, empty target dir, {cores} cores) | time | CPU |\n|---|---|---|"
    );
    let steps = steps(&output);
    for step in &steps {
        println!(
            "| `{}` | {} | {} |",
            step.command,
            minutes(Duration::from_secs(step.wall)),
            minutes(Duration::from_secs(step.cpu))
        );
    }
    let cpu = steps.iter().map(|step| step.cpu).sum();
    println!(
        "| total | {} | {} |",
        minutes(elapsed),
        minutes(Duration::from_secs(cpu))
    );
    println!("\nload average {load_before} before, {load_after} after\n");
    let target = Target {
        met: elapsed < LIMIT,
        text: format!(
            "CI cold on this machine < {} min: {}",
            LIMIT.as_secs() / 60,
            minutes(elapsed)
        ),
    };
    println!("{}", target.line());
    Ok(vec![target])
}

/// One step `.ci/run` reported.
#[derive(Debug, PartialEq, Eq)]
struct Step<'a> {
    /// Wall-clock seconds.
    wall: u64,
    /// CPU seconds of the step's processes.
    cpu: u64,
    command: &'a str,
}

/// The steps `.ci/run` reported, in order.
fn steps(output: &str) -> Vec<Step<'_>> {
    output
        .lines()
        .filter_map(|line| {
            let (wall, rest) = line.strip_prefix("ci step: ")?.split_once(" s, cpu ")?;
            let (cpu, command) = rest.split_once(" s: ")?;
            Some(Step {
                wall: wall.parse().ok()?,
                cpu: cpu.parse().ok()?,
                command,
            })
        })
        .collect()
}

/// The abbreviated commit the clone has checked out.
fn git_head(clone: &Path) -> Result<String> {
    let output = Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(clone)
        .output()?;
    anyhow::ensure!(output.status.success(), "git rev-parse failed");
    Ok(String::from_utf8(output.stdout)?.trim().to_owned())
}

/// `7 min 12 s`.
fn minutes(duration: Duration) -> String {
    let seconds = duration.as_secs();
    format!("{} min {} s", seconds / 60, seconds % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_step_lines_of_ci_output_are_collected_and_other_lines_skipped() {
        let output = "   Compiling x v1.0.0\n\
                      ci step: 62 s, cpu 95 s: cargo xtask generate --check\n\
                      test result: ok. 3 passed\n\
                      ci step: 0 s, cpu 0 s: cargo fmt --all --check\n\
                      ci step: many s, cpu 1 s: not a step\n\
                      ci total: 62 s, cpu 95 s\n";
        assert_eq!(
            steps(output),
            [
                Step {
                    wall: 62,
                    cpu: 95,
                    command: "cargo xtask generate --check"
                },
                Step {
                    wall: 0,
                    cpu: 0,
                    command: "cargo fmt --all --check"
                }
            ]
        );
    }

    #[test]
    fn durations_print_in_minutes_and_seconds() {
        assert_eq!(minutes(Duration::from_secs(432)), "7 min 12 s");
        assert_eq!(minutes(Duration::from_millis(59_900)), "0 min 59 s");
    }
}
