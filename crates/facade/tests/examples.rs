//! The examples do what their docs say: run without a key for every provider whose spec maps
//! their operation, each says on stderr that it plays the provider's spec on a local stand-in (and
//! where), and finishes. The providers come from `providers()`; none is named.

use std::process::Command;

use speech_facade::{Service, providers};

/// Runs `cargo run --example <example> -- <provider>` with the provider's variables unset, and
/// returns its stderr; fails the test if the example fails.
///
/// It runs in the workspace root without `--package`, so cargo resolves the dependencies'
/// features for the whole workspace, as `cargo test --workspace` does, and runs the example that
/// build made instead of building the facade's dependencies again with the facade's features.
fn run_without_key(example: &str, service: &Service) -> String {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .args(["run", "--quiet", "--example", example, "--", service.name])
        .current_dir(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../.."))
        .env_remove(service.key_variable);
    if let Some(variable) = service.base_url_variable {
        command.env_remove(variable);
    }
    let output = command.output().expect("cargo runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(
        output.status.success(),
        "{example} {}: {}\n{stderr}",
        service.name,
        output.status
    );
    stderr
}

/// Whether a provider offers what an example does.
type Offers = fn(&Service) -> bool;

#[test]
fn every_example_says_when_it_plays_a_spec_on_a_local_stand_in() {
    let examples: [(&str, Offers); 3] = [
        ("speak", |service| service.speech.synthesize.is_some()),
        ("transcribe", |service| service.speech.transcribe.is_some()),
        ("clone_voice", |service| {
            service.speech.clone_voice.is_some()
        }),
    ];
    for (example, offers) in examples {
        assert!(
            providers().any(offers),
            "no provider maps what `{example}` does"
        );
    }
    // Every run at once: each waits on its own stand-in, so the test takes the slowest run's time.
    std::thread::scope(|scope| {
        for (example, offers) in examples {
            for service in providers().filter(|service| offers(service)) {
                scope.spawn(move || says_it_plays_the_spec(example, service));
            }
        }
    });
}

fn says_it_plays_the_spec(example: &str, service: &Service) {
    let stderr = run_without_key(example, service);
    let first = stderr.lines().next().unwrap_or_default();
    let variable = if service.base_url_required {
        service.base_url_variable.unwrap_or(service.key_variable)
    } else {
        service.key_variable
    };
    assert!(
        first.starts_with(&format!(
            "{variable} is not set: using a local stand-in at http://127.0.0.1:"
        )) && first.ends_with(&format!("that plays specs/{}.yaml", service.name)),
        "{example} {}: {first}",
        service.name
    );
}
