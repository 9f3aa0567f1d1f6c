//! The specs as the generic suites read them: every spec of `specs/`, its base path, and the values
//! of an operation's first documented call, ready to send by operation name.

use serde_json::Value;
use speech_client_runtime::dispatch::Request;
use speech_spec::{Operation, Spec};

/// The workspace root, from the directory cargo runs the test in (a binary built from another
/// checkout into a shared target directory must read this one).
pub fn root() -> std::path::PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| env!("CARGO_MANIFEST_DIR").into())
        .join("..")
}

/// Every spec of the workspace's `specs/`.
pub fn specs() -> Vec<Spec> {
    speech_spec::load_all(&root()).expect("the specs load")
}

/// The path of `servers[0]` (`/api/v1` of `https://your-domain.com/api/v1`).
pub fn base_path(spec: &Spec) -> String {
    let url = spec.doc.pointer("/servers/0/url").and_then(Value::as_str);
    let url = reqwest::Url::parse(url.expect("servers[0].url")).expect("a URL");
    url.path().trim_end_matches('/').to_owned()
}

/// The values of the operation's first documented call (none when it has none), as a dispatch
/// request, with the directory that holds its file parts (keep it while the request is used).
pub fn documented_request(spec: &Spec, operation: &Operation<'_>) -> (Request, tempfile::TempDir) {
    documented_requests(spec, operation)
        .into_iter()
        .next()
        .unwrap_or_else(|| (Request::default(), tempfile::tempdir().unwrap()))
}

/// The values of every documented call of the operation, in the spec's order, each with the
/// directory that holds its file parts.
pub fn documented_requests(
    spec: &Spec,
    operation: &Operation<'_>,
) -> Vec<(Request, tempfile::TempDir)> {
    let examples = speech_conformance::cases::request_examples(spec, operation).unwrap();
    examples
        .iter()
        .map(|example| {
            let dir = tempfile::tempdir().unwrap();
            let documented =
                speech_conformance::cases::documented_call(spec, operation, example).unwrap();
            let request = speech_conformance::run::materialise(&documented, dir.path()).unwrap();
            (request, dir)
        })
        .collect()
}
