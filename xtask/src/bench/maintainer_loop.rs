//! The maintainer loop's own speed: `generate --check` for every spec (load, lint, generate,
//! compare), as a maintainer runs it once the xtask is built.

use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Result;

use super::Target;

/// Times the loop in process and prints its table. It has no target of its own.
pub fn run(root: &Path) -> Result<Vec<Target>> {
    const RUNS: u32 = 5;
    let mut times = Vec::new();
    for _ in 0..RUNS {
        let started = Instant::now();
        let specs = crate::spec::load_all(root)?;
        crate::lint_all(&specs)?;
        crate::generate(root, &specs, true)?;
        times.push(started.elapsed());
    }
    times.sort();
    let mean = times.iter().sum::<Duration>() / RUNS;
    println!("\n| maintainer loop | runs | mean | min | max |\n|---|---|---|---|---|");
    println!(
        "| `cargo xtask generate --check` (all specs, in process) | {RUNS} | {:.0} ms | {:.0} ms | {:.0} ms |\n",
        mean.as_secs_f64() * 1e3,
        times[0].as_secs_f64() * 1e3,
        times[times.len() - 1].as_secs_f64() * 1e3
    );
    Ok(Vec::new())
}
