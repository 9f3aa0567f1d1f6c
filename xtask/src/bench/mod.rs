//! `cargo xtask bench`: every benchmark table, then every performance target again and one line
//! that counts those met and not met.
//!
//! A target is a line a benchmark prints on its own, `target met: <what>: <measured>` or
//! `target not met: <what>: <measured>`; the benchmarks run as separate processes (`cargo bench`)
//! or in this one, and this module collects their lines as it passes their output through.
//! `--only <bench>` runs the ones named.

mod build_cost;
mod ci_time;
mod maintainer_loop;
mod plot;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{Context, Result};

/// One performance target as a benchmark reported it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// Whether the measured value meets the target.
    pub met: bool,
    /// The target and the measured value, as printed after `target met: `.
    pub text: String,
}

impl Target {
    /// Reads a benchmark's output line, if it reports a target.
    pub fn parse(line: &str) -> Option<Self> {
        let (met, text) = if let Some(text) = line.strip_prefix("target met: ") {
            (true, text)
        } else {
            (false, line.strip_prefix("target not met: ")?)
        };
        Some(Self {
            met,
            text: text.trim().to_owned(),
        })
    }

    /// The line a benchmark prints for this target.
    pub fn line(&self) -> String {
        let verdict = if self.met { "met" } else { "not met" };
        format!("target {verdict}: {}", self.text)
    }
}

/// A benchmark, in the order `cargo xtask bench` runs them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Bench {
    /// `cargo xtask generate --check` for every spec, in process.
    MaintainerLoop,
    /// The facade's waiting engine against fixed polling loops (`cargo bench --bench waiting`).
    Waiting,
    /// One request through raw reqwest, the generated client and the facade (`--bench overhead`).
    Overhead,
    /// Peak memory of uploads and downloads (`--bench memory`).
    Memory,
    /// Cold debug builds of a consumer of the facade and of one of async-openai, side by side.
    BuildCost,
    /// `.ci/run` in a fresh clone with an empty target directory (the slowest, so the last).
    CiTime,
}

/// The picture of the waiting benchmark's curves, which the README shows.
const WAITING_PLOT: &str = "crates/facade/benches/waiting.svg";

/// Runs the benchmarks in `only` (every one when it is empty) and prints the summary line.
pub fn run(root: &Path, only: &[Bench]) -> Result<()> {
    let mut targets = Vec::new();
    let curves = tempfile::NamedTempFile::new()?;
    for bench in <Bench as clap::ValueEnum>::value_variants() {
        if !only.is_empty() && !only.contains(bench) {
            continue;
        }
        targets.extend(match bench {
            Bench::MaintainerLoop => maintainer_loop::run(root)?,
            Bench::Waiting => {
                let mut targets = cargo_bench(root, "waiting", curves.path())?;
                targets.push(waiting_plot(root, curves.path())?);
                targets
            }
            Bench::Overhead => cargo_bench(root, "overhead", curves.path())?,
            Bench::Memory => cargo_bench(root, "memory", curves.path())?,
            Bench::BuildCost => build_cost::run(root)?,
            Bench::CiTime => ci_time::run(root)?,
        });
    }
    println!("\n## Targets\n");
    for target in &targets {
        println!("{}", target.line());
    }
    println!("\n{}", summary(&targets));
    Ok(())
}

/// Draws the waiting curves into [`WAITING_PLOT`].
fn waiting_plot(root: &Path, curves: &Path) -> Result<Target> {
    let csv = std::fs::read_to_string(curves).context("the waiting benchmark's curves")?;
    let curves = plot::read_curves(&csv)?;
    plot::draw(&curves, &root.join(WAITING_PLOT))?;
    Ok(Target {
        met: true,
        text: format!(
            "a plot of polls and delay against job length for each strategy: {WAITING_PLOT}"
        ),
    })
}

/// Runs one of the facade's benchmarks, passing its output through and keeping its targets;
/// the waiting benchmark writes its curves to `curves`.
fn cargo_bench(root: &Path, bench: &str, curves: &Path) -> Result<Vec<Target>> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut child = Command::new(cargo)
        .args([
            "bench",
            "--quiet",
            "--package",
            "speech-facade",
            "--bench",
            bench,
        ])
        .env("SPEECH_BENCH_CURVES", curves)
        .current_dir(root)
        .stdout(Stdio::piped())
        .spawn()
        .with_context(|| format!("starting the `{bench}` benchmark"))?;
    let stdout = child.stdout.take().context("the benchmark's output")?;
    let mut targets = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line?;
        println!("{line}");
        targets.extend(Target::parse(&line));
    }
    let status = child.wait()?;
    anyhow::ensure!(
        status.success(),
        "the `{bench}` benchmark failed ({status})"
    );
    Ok(targets)
}

/// Removes the variables cargo sets for the xtask's own process (`cargo run`: the package's
/// manifest, name and version, and any target directory), so that a build a benchmark starts sees
/// what it would see from a shell.
fn clean_env(command: &mut Command) {
    const SET_BY_CARGO_RUN: [&str; 6] = [
        "CARGO_MANIFEST_DIR",
        "CARGO_MANIFEST_PATH",
        "CARGO_CRATE_NAME",
        "CARGO_BIN_NAME",
        "CARGO_PRIMARY_PACKAGE",
        "CARGO_TARGET_DIR",
    ];
    for (name, _) in std::env::vars_os() {
        let text = name.to_string_lossy();
        if text.starts_with("CARGO_PKG_") || SET_BY_CARGO_RUN.contains(&text.as_ref()) {
            command.env_remove(&name);
        }
    }
}

/// The cargo that runs the xtask, in `dir`, with a clean environment ([`clean_env`]).
fn cargo_command(dir: &Path) -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    clean_env(&mut command);
    command.current_dir(dir);
    command
}

/// The load averages over 1, 5 and 15 minutes (Linux `/proc/loadavg`), printed with a figure
/// measured on a machine that other work shares.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|text| {
            text.split_whitespace()
                .take(3)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|| "unknown".to_owned())
}

/// `targets: N met, M not met`, naming those not met.
fn summary(targets: &[Target]) -> String {
    let met = targets.iter().filter(|target| target.met).count();
    let missed: Vec<&str> = targets
        .iter()
        .filter(|target| !target.met)
        .map(|target| target.text.as_str())
        .collect();
    let mut line = format!("targets: {met} met, {} not met", missed.len());
    if !missed.is_empty() {
        line.push_str(&format!(" ({})", missed.join("; ")));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_target_line_round_trips_and_other_lines_are_not_targets() {
        for line in [
            "target met: overhead ≤ 1.02×: 1.01×",
            "target not met: polls at 120 s ≤ 20: 21.5",
        ] {
            assert_eq!(Target::parse(line).unwrap().line(), line);
        }
        assert_eq!(Target::parse("| 7 s | 4.0 |"), None);
        assert_eq!(Target::parse("targets: 1 met, 0 not met"), None);
    }

    #[test]
    fn the_summary_counts_and_names_the_targets_not_met() {
        let targets = [
            Target::parse("target met: a: 1").unwrap(),
            Target::parse("target not met: b: 2").unwrap(),
            Target::parse("target not met: c: 3").unwrap(),
        ];
        assert_eq!(summary(&targets), "targets: 1 met, 2 not met (b: 2; c: 3)");
        assert_eq!(summary(&targets[..1]), "targets: 1 met, 0 not met");
    }
}
