//! What depending on the facade costs a consumer: cold debug builds of small programs that
//! synthesise a sentence to an audio file, one through the facade and one generated client, one
//! through `async-openai`, timed side by side.
//!
//! Each consumer is a project in a temporary directory, built from cold (its own empty target
//! directory) after `cargo fetch`, so that downloads are not timed. The facade consumers depend on
//! this checkout by path, with the workspace's `Cargo.lock` copied in, so they build the versions
//! this repository tests; the `async-openai` consumer resolves the newest compatible release, as a
//! new project would. The rounds alternate the order of the builds, so that neither side always
//! builds on a machine the other just warmed or loaded.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{Context, Result};

use super::{Target, cargo_command, load_average};
use crate::spec::Spec;

/// The `async-openai` release line the comparison program is written for.
const ASYNC_OPENAI: &str = "0.43";

/// The sentence every consumer synthesises.
const SENTENCE: &str = "Hello there!";

/// One consumer program: its manifest's dependencies and its `main.rs`.
struct Consumer {
    /// The table's name for it.
    label: String,
    /// The package whose resolved version the table shows.
    library: &'static str,
    dependencies: String,
    main: String,
    /// Whether it builds with the workspace's `Cargo.lock`.
    workspace_lock: bool,
}

/// The runtime every consumer uses to run its `async fn main`.
const TOKIO: &str = "tokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }\n";

/// Builds the consumers cold, prints the table and the target: the facade with one client builds
/// no slower than `async-openai`.
pub fn run(root: &Path) -> Result<Vec<Target>> {
    let specs = crate::spec::load_all(root)?;
    let spec = heaviest_synthesiser(root, &specs)?;
    let consumers = [
        facade_consumer(root, spec, true),
        async_openai_consumer(),
        facade_consumer(root, spec, false),
    ];
    let scratch = tempfile::tempdir()?;
    let mut projects = Vec::new();
    for (index, consumer) in consumers.iter().enumerate() {
        let dir = scratch.path().join(format!("consumer-{index}"));
        write_project(root, &dir, consumer)?;
        cargo(&dir, &["fetch", "--quiet"], None)
            .with_context(|| format!("fetching the sources of {}", consumer.label))?;
        projects.push(dir);
    }

    // As many rounds as consumers, so that each consumer builds once in every place of the order
    // (the first build of a round meets a cold page cache; the later ones a warm one).
    let rounds = consumers.len();
    let load_before = load_average();
    let mut seconds = vec![Vec::new(); consumers.len()];
    for round in 0..rounds {
        for index in round_order(consumers.len(), round) {
            let target = scratch.path().join("target");
            let started = Instant::now();
            cargo(
                &projects[index],
                &["build", "--quiet", "--offline"],
                Some(&target),
            )
            .with_context(|| format!("building {}", consumers[index].label))?;
            seconds[index].push(started.elapsed().as_secs_f64());
            std::fs::remove_dir_all(&target)?;
        }
    }
    let load_after = load_average();

    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    println!(
        "\n| consumer build (cold, debug, {cores} cores) | {} | mean | dependencies |\n|---|{}---|---|",
        (1..=rounds)
            .map(|round| format!("round {round}"))
            .collect::<Vec<_>>()
            .join(" | "),
        "---|".repeat(rounds)
    );
    let mut means = Vec::new();
    for ((consumer, project), times) in consumers.iter().zip(&projects).zip(&seconds) {
        let packages = dependencies(project)?;
        let version = packages
            .iter()
            .find_map(|package| package.strip_prefix(&format!("{} ", consumer.library)))
            .unwrap_or("?");
        let mean = times.iter().sum::<f64>() / times.len() as f64;
        means.push(mean);
        println!(
            "| {} ({} {version}) | {} | {mean:.1} s | {} |",
            consumer.label,
            consumer.library,
            times
                .iter()
                .map(|time| format!("{time:.1} s"))
                .collect::<Vec<_>>()
                .join(" | "),
            packages.len() - 1,
        );
    }
    let ratio = means[0] / means[1];
    println!(
        "\nratio {} / {}: {ratio:.2}×; load average {load_before} before, {load_after} after\n",
        consumers[0].label, consumers[1].label
    );
    let target = Target {
        met: ratio <= 1.0,
        text: format!(
            "cold debug build of a facade + one client consumer ≤ async-openai's: {ratio:.2}× ({:.1} s vs {:.1} s)",
            means[0], means[1]
        ),
    };
    println!("{}", target.line());
    Ok(vec![target])
}

/// The order of the builds in `round`: the consumers rotated by one place per round.
fn round_order(count: usize, round: usize) -> Vec<usize> {
    (0..count).map(|index| (index + round) % count).collect()
}

/// The provider whose spec maps text to speech and whose generated client is the largest, so the
/// figure is that of the heaviest one-client consumer.
fn heaviest_synthesiser<'a>(root: &Path, specs: &'a [Spec]) -> Result<&'a Spec> {
    let mut largest = None;
    for spec in specs
        .iter()
        .filter(|spec| spec.doc.pointer("/x-speech/synthesize").is_some())
    {
        let module = root
            .join(crate::crate_files::crate_dir(spec))
            .join("src/generated.rs");
        let size = std::fs::metadata(&module)
            .with_context(|| format!("reading {}", module.display()))?
            .len();
        if largest.is_none_or(|(largest_size, _)| size > largest_size) {
            largest = Some((size, spec));
        }
    }
    largest
        .map(|(_, spec)| spec)
        .context("no spec maps text to speech (`x-speech.synthesize`)")
}

/// A program that synthesises through the facade and reaches the provider's typed client: with
/// only that provider's feature (`one_provider`) or with the facade's default features.
fn facade_consumer(root: &Path, spec: &Spec, one_provider: bool) -> Consumer {
    let provider = &spec.provider;
    let package = crate::crate_files::package_name(spec);
    let krate = crate::crate_files::crate_ident(spec);
    let path = |dir: PathBuf| root.join(dir).display().to_string();
    let features = if one_provider {
        format!(", default-features = false, features = [\"rustls\", \"{provider}\"]")
    } else {
        String::new()
    };
    Consumer {
        label: format!(
            "speech-facade ({}) + {package}",
            if one_provider {
                format!("feature `{provider}`")
            } else {
                "default features".to_owned()
            }
        ),
        library: "speech-facade",
        dependencies: format!(
            "speech-facade = {{ path = {:?}{features} }}\n{package} = {{ path = {:?} }}\n{TOKIO}",
            path(PathBuf::from("crates/facade")),
            path(crate::crate_files::crate_dir(spec)),
        ),
        main: format!(
            r#"//! Synthesises a sentence with `{provider}` through the facade and saves the audio.

use std::time::Duration;

use speech_facade::{{DownloadLimits, Downloader, Options, SpeechRequest, Synthesize, Wait}};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {{
    let provider = speech_facade::connect("{provider}", Options::default())?;
    let typed: Option<&{krate}::Client> = provider.client();
    assert!(typed.is_some());
    let voice = std::env::args().nth(1).unwrap_or_default();
    let request = SpeechRequest::new("{SENTENCE}", voice);
    let speech = provider.synthesize(&request, &Wait::up_to(Duration::from_secs(300))).await?;
    let downloader = Downloader::new(Duration::from_secs(60))?;
    let path = std::path::Path::new("hello.mp3");
    speech.save(&downloader, path, &DownloadLimits::default()).await?;
    Ok(())
}}
"#
        ),
        workspace_lock: true,
    }
}

/// The same job through `async-openai` (its `audio` feature and default TLS).
fn async_openai_consumer() -> Consumer {
    Consumer {
        label: "async-openai (feature `audio`)".to_owned(),
        library: "async-openai",
        dependencies: format!(
            "async-openai = {{ version = \"{ASYNC_OPENAI}\", features = [\"audio\"] }}\n{TOKIO}"
        ),
        main: format!(
            r#"//! Synthesises a sentence with OpenAI's speech API and saves the audio.

use async_openai::Client;
use async_openai::types::audio::{{CreateSpeechRequestArgs, SpeechModel, Voice}};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {{
    let client = Client::new();
    let request = CreateSpeechRequestArgs::default()
        .input("{SENTENCE}")
        .voice(Voice::Alloy)
        .model(SpeechModel::Other("gpt-4o-mini-tts".to_owned()))
        .build()?;
    let speech = client.audio().speech().create(request).await?;
    speech.save("hello.mp3").await?;
    Ok(())
}}
"#
        ),
        workspace_lock: false,
    }
}

/// Writes the consumer's project into `dir`: its own workspace, so no enclosing one claims it.
fn write_project(root: &Path, dir: &Path, consumer: &Consumer) -> Result<()> {
    std::fs::create_dir_all(dir.join("src"))?;
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"consumer\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
             [dependencies]\n{}\n[workspace]\n",
            consumer.dependencies
        ),
    )?;
    std::fs::write(dir.join("src/main.rs"), &consumer.main)?;
    if consumer.workspace_lock {
        std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"))?;
    }
    Ok(())
}

/// The packages (`name version`) the project builds for this machine, itself included.
fn dependencies(project: &Path) -> Result<Vec<String>> {
    let output = cargo_command(project)
        .args([
            "tree",
            "--offline",
            "-e",
            "normal,build",
            "--prefix",
            "none",
        ])
        .args(["--format", "{p}"])
        .output()?;
    anyhow::ensure!(
        output.status.success(),
        "cargo tree: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut packages: Vec<String> = String::from_utf8(output.stdout)?
        .lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            Some(format!("{} {}", words.next()?, words.next()?))
        })
        .collect();
    packages.sort();
    packages.dedup();
    Ok(packages)
}

/// Runs cargo in `project`, into `target` when given; fails with cargo's output if it fails.
fn cargo(project: &Path, arguments: &[&str], target: Option<&Path>) -> Result<()> {
    let mut command: Command = cargo_command(project);
    command.args(arguments);
    if let Some(target) = target {
        command.env("CARGO_TARGET_DIR", target);
    }
    let output = command.output()?;
    anyhow::ensure!(
        output.status.success(),
        "`cargo {}` failed:\n{}",
        arguments.join(" "),
        String::from_utf8_lossy(&output.stderr)
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_round_rotates_the_order_so_each_consumer_builds_first_once() {
        assert_eq!(round_order(3, 0), [0, 1, 2]);
        assert_eq!(round_order(3, 1), [1, 2, 0]);
        assert_eq!(round_order(3, 2), [2, 0, 1]);
        assert_eq!(round_order(2, 1), [1, 0]);
    }
}
