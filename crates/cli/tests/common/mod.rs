//! What the command-line tests share: `speech mock` run as a process (its URL read from its first
//! stdout line, its request lines collected), the `speech` command aimed at it with the key in the
//! variable the provider's spec names, and each provider's documented synthesis values. No
//! provider is named: they come from `speech_facade::providers()` and the specs they ship.
#![allow(dead_code, reason = "each test binary uses a part of it")]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Map, Value};
use speech_client_runtime::dispatch::Request;
use speech_client_runtime::neutral::{Place, Target};
use speech_facade::Service;
use speech_spec::Spec;

pub const KEY: &str = "cli-test-key";

/// Polls this far apart at most, so waits take milliseconds.
pub const POLL: &str = "20ms";

/// A running `speech mock`; killed when dropped.
pub struct Mock {
    child: Child,
    pub url: String,
    lines: Arc<Mutex<Vec<String>>>,
}

impl Mock {
    /// `speech mock <provider> --key KEY --pending-polls <pending>` and `extra` flags.
    pub fn start(service: &Service, pending: u32, extra: &[&str]) -> Self {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin!("speech"))
            .args(["mock", service.name, "--key", KEY, "--pending-polls"])
            .arg(pending.to_string())
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut url = String::new();
        stdout.read_line(&mut url).unwrap();
        let url = url.trim().to_owned();
        assert!(
            url.starts_with("http://127.0.0.1:"),
            "{}: {url}",
            service.name
        );
        let lines = Arc::new(Mutex::new(Vec::new()));
        let collected = Arc::clone(&lines);
        std::thread::spawn(move || {
            for line in stdout.lines().map_while(Result::ok) {
                collected.lock().unwrap().push(line);
            }
        });
        Self { child, url, lines }
    }

    /// The requests of `operation` the mock answered (its lines end with the operation).
    pub fn count(&self, operation: &str) -> usize {
        self.lines()
            .iter()
            .filter(|line| line.split(' ').nth(3) == Some(operation))
            .count()
    }

    pub fn lines(&self) -> Vec<String> {
        // A line is printed once the answer's status is known; give the reader a moment.
        std::thread::sleep(Duration::from_millis(100));
        self.lines.lock().unwrap().clone()
    }
}

impl Drop for Mock {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `speech`, with the provider's key variable set to `key` and no base-URL variable.
pub fn speech_with_key(service: &Service, key: Option<&str>) -> assert_cmd::Command {
    let mut command = assert_cmd::Command::new(assert_cmd::cargo::cargo_bin!("speech"));
    match key {
        Some(key) => command.env(service.key_variable, key),
        None => command.env_remove(service.key_variable),
    };
    if let Some(variable) = service.base_url_variable {
        command.env_remove(variable);
    }
    command.timeout(Duration::from_secs(120));
    command
}

/// `speech` with the right key.
pub fn speech(service: &Service) -> assert_cmd::Command {
    speech_with_key(service, Some(KEY))
}

/// The flags that aim a command at `mock`, fast.
pub fn at(mock: &Mock, service: &Service) -> Vec<String> {
    [
        "--provider",
        service.name,
        "--base-url",
        &mock.url,
        "--poll-interval",
        POLL,
    ]
    .map(str::to_owned)
    .to_vec()
}

/// The providers whose spec maps synthesis, each with a documented text, voice, format and
/// options.
pub fn syntheses() -> Vec<(&'static Service, Synthesis)> {
    let found: Vec<_> = speech_facade::providers()
        .filter_map(|service| Some((service, synthesis(service)?)))
        .collect();
    assert!(!found.is_empty(), "no provider maps synthesis");
    found
}

/// The syntheses that start a job.
pub fn jobs() -> Vec<(&'static Service, Synthesis)> {
    let found: Vec<_> = syntheses()
        .into_iter()
        .filter(|(service, synthesis)| service.job_start(synthesis.operation).is_some())
        .collect();
    assert!(!found.is_empty(), "no provider's synthesis starts a job");
    found
}

/// A synthesis as a documented call makes it.
#[derive(Clone, Debug)]
pub struct Synthesis {
    pub operation: &'static str,
    pub text: String,
    pub voice: String,
    pub format: Option<String>,
    pub options: Map<String, Value>,
}

impl Synthesis {
    /// `--text .. --voice .. [--format ..] [--option name=json]..`
    pub fn args(&self) -> Vec<String> {
        let mut args = vec![
            "--text".to_owned(),
            self.text.clone(),
            "--voice".to_owned(),
            self.voice.clone(),
        ];
        if let Some(format) = &self.format {
            args.extend(["--format".to_owned(), format.clone()]);
        }
        for (name, value) in &self.options {
            args.extend(["--option".to_owned(), format!("{name}={value}")]);
        }
        args
    }

    /// A batch line with this synthesis's values and `id`.
    pub fn line(&self, id: &str) -> Value {
        serde_json::json!({
            "id": id,
            "text": self.text,
            "voice": self.voice,
            "format": self.format,
            "options": self.options,
        })
    }
}

/// The spec the provider's crate ships.
pub fn spec(service: &Service) -> Spec {
    Spec::parse(
        std::path::Path::new(&format!("{}.yaml", service.name)),
        service.spec,
    )
    .unwrap()
}

/// The first documented call of the synthesis operation that gives a text and a voice.
fn synthesis(service: &'static Service) -> Option<Synthesis> {
    let mapping = service.speech.synthesize?;
    let spec = spec(service);
    let operation = spec
        .operations()
        .into_iter()
        .find(|operation| operation.id() == Some(mapping.operation))?;
    let examples = speech_conformance::cases::request_examples(&spec, &operation).unwrap();
    let found = examples.iter().find_map(|example| {
        let dir = tempfile::tempdir().unwrap();
        let documented =
            speech_conformance::cases::documented_call(&spec, &operation, example).unwrap();
        let request = speech_conformance::run::materialise(&documented, dir.path()).unwrap();
        let text = value_at(&request, mapping.text)?.as_str()?.to_owned();
        let voice = value_at(&request, mapping.voice)?.as_str()?.to_owned();
        let format = mapping
            .format
            .and_then(|target| value_at(&request, target))
            .and_then(Value::as_str)
            .map(str::to_owned);
        let neutral = [Some(mapping.text), Some(mapping.voice), mapping.format];
        let options = request
            .body
            .as_ref()
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .filter(|(name, _)| {
                !neutral
                    .iter()
                    .flatten()
                    .any(|target| target.place == Place::Body && target.name == *name)
            })
            .map(|(name, value)| (name.clone(), value.clone()))
            .collect();
        Some(Synthesis {
            operation: mapping.operation,
            text,
            voice,
            format,
            options,
        })
    });
    Some(found.unwrap_or_else(|| panic!("{}: no documented text and voice", service.name)))
}

fn value_at(request: &Request, target: Target) -> Option<&Value> {
    match target.place {
        Place::Body => request.body.as_ref()?.get(target.name),
        Place::Query | Place::Path => request.parameters.get(target.name),
        Place::File => None,
    }
}

/// An MP3 frame header and a little more: a recording every accepted-type check takes.
pub fn recording(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("sample.mp3");
    std::fs::write(&path, [0xFF, 0xFB, 0x90, 0x64, 0, 0, 0, 0, 0, 0, 0, 0]).unwrap();
    path
}

/// Polls `done` every 10 ms until it holds, for at most `limit`.
pub fn eventually(limit: Duration, mut done: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    false
}

/// The JSON document a `--json` command printed.
pub fn json(output: &std::process::Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "{error}: {}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}
