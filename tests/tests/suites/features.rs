//! What a consumer's build pulls in, read from `cargo tree`: the TLS backend is the consumer's
//! choice (rustls with aws-lc-rs by default; `rustls-no-provider` builds no C code; `native-tls`
//! uses the platform's library), no library forces tokio's multi-threaded runtime or macros, the
//! facade builds the clients of the providers whose features are enabled (all by default), and
//! nothing a consumer builds by default pulls in the test helpers (`httpmock`) or `schemars`.
//! Checked for the facade and every registered provider's client crate.

use crate::common;

use std::collections::BTreeSet;
use std::process::Command;

use common::specs::root;

/// The packages (name only) of `package`'s normal and build dependencies with `features`.
fn dependencies(package: &str, features: &[&str]) -> BTreeSet<String> {
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(root())
        .args(["tree", "--locked", "-p", package, "-e", "normal,build"])
        .args(["--prefix", "none", "--format", "{p}"])
        .args(features)
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "cargo tree -p {package} {features:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .map(str::to_owned)
        .collect()
}

/// The facade and every generated client crate.
fn consumer_crates() -> Vec<String> {
    std::iter::once("speech-facade".to_owned())
        .chain(clients())
        .collect()
}

/// Every registered provider's client crate.
fn clients() -> Vec<String> {
    speech_facade::providers()
        .map(|service| format!("{}-client", service.name))
        .collect()
}

/// The arguments that choose the TLS feature `tls` alone, with every provider for the facade
/// (whose providers are features too, on by default).
fn tls_only(package: &str, tls: &str) -> [String; 3] {
    let features = if package == "speech-facade" {
        format!("{tls},all-providers")
    } else {
        tls.to_owned()
    };
    [
        "--no-default-features".to_owned(),
        "--features".to_owned(),
        features,
    ]
}

#[test]
fn the_tls_backend_is_the_consumers_choice() {
    const C_CRYPTO: [&str; 4] = ["aws-lc-sys", "ring", "openssl-sys", "cmake"];
    for package in consumer_crates() {
        let default = dependencies(&package, &[]);
        assert!(
            default.contains("aws-lc-rs"),
            "{package}: default is rustls with aws-lc-rs"
        );
        assert!(!default.contains("native-tls"), "{package}");

        let own_provider = dependencies(
            &package,
            &tls_only(&package, "rustls-no-provider")
                .each_ref()
                .map(String::as_str),
        );
        assert!(own_provider.contains("rustls"), "{package}");
        for c in C_CRYPTO.iter().chain(&["cc"]) {
            assert!(
                !own_provider.contains(*c),
                "{package} rustls-no-provider builds {c}"
            );
        }

        let native = dependencies(
            &package,
            &tls_only(&package, "native-tls")
                .each_ref()
                .map(String::as_str),
        );
        assert!(native.contains("native-tls"), "{package}");
        assert!(
            !native.contains("aws-lc-rs") && !native.contains("rustls"),
            "{package}"
        );
    }
}

#[test]
fn no_library_forces_a_runtime_flavour_on_its_consumers() {
    for package in consumer_crates() {
        let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .current_dir(root())
            .args(["tree", "--locked", "-p", &package, "-e", "features,normal"])
            .args(["-i", "tokio", "--prefix", "none"])
            .output()
            .expect("cargo runs");
        assert!(output.status.success(), "{package}");
        let tree = String::from_utf8(output.stdout).unwrap();
        assert!(tree.contains("tokio feature \"rt\""), "{package}: {tree}");
        for forced in ["rt-multi-thread", "macros"] {
            assert!(
                !tree.contains(&format!("tokio feature \"{forced}\"")),
                "{package} enables tokio's `{forced}`"
            );
        }
    }
}

#[test]
fn the_facade_builds_the_clients_of_the_providers_enabled() {
    let clients = clients();
    let built = |features: &[&str]| -> Vec<String> {
        let tree = dependencies("speech-facade", features);
        clients
            .iter()
            .filter(|client| tree.contains(*client))
            .cloned()
            .collect()
    };
    assert_eq!(built(&[]), clients, "every provider by default");
    assert_eq!(
        built(&[
            "--no-default-features",
            "--features",
            "rustls,all-providers"
        ]),
        clients
    );
    assert_eq!(
        built(&["--no-default-features", "--features", "rustls"]),
        Vec::<String>::new()
    );
    for service in speech_facade::providers() {
        let features = format!("rustls,{}", service.name);
        assert_eq!(
            built(&["--no-default-features", "--features", &features]),
            [format!("{}-client", service.name)],
            "feature `{}`",
            service.name
        );
    }
}

/// The facade built with one provider's feature registers that provider only (its generated
/// registry's test, run in that build): `providers()`, `connect` and `Provider::new` work with
/// whatever subset is enabled.
#[test]
fn a_facade_with_one_provider_feature_registers_that_provider_only() {
    let name = speech_facade::providers().next().expect("a provider").name;
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(root())
        .args(["test", "--locked", "-p", "speech-facade", "--lib"])
        .args(["--no-default-features", "--features"])
        .arg(format!("rustls,{name}"))
        .args(["--", "--exact"])
        .arg("provider::registry::tests::the_providers_are_those_whose_features_are_enabled")
        .output()
        .expect("cargo runs");
    let report = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && report.contains("test result: ok. 1 passed"),
        "{report}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn a_default_build_has_no_test_helpers_and_no_json_schema_derives() {
    for package in consumer_crates() {
        let default = dependencies(&package, &[]);
        for absent in ["httpmock", "schemars"] {
            assert!(!default.contains(absent), "{package} builds {absent}");
        }
    }
    for client in clients() {
        let with_mocks = dependencies(&client, &["--features", "mock"]);
        assert!(with_mocks.contains("httpmock"), "{client}");
        let with_schemas = dependencies(&client, &["--features", "schemars"]);
        assert!(with_schemas.contains("schemars"), "{client}");
    }
}
