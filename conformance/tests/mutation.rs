//! The suite checks itself: changing one field of one embedded example makes exactly the case that
//! replays that example fail, and the difference it reports names the field.
//!
//! Each test takes the first example of its kind in the specs, changes its first text field, runs
//! every case of that spec before and after, and compares the outcomes (what the snapshot records
//! and the problems found) as the suite does.

use std::collections::BTreeMap;
use std::path::Path;

use heck::ToSnakeCase;
use serde_json::Value;
use speech_conformance::cases::cases;
use speech_conformance::run::run;
use speech_spec::Spec;

/// Valid wherever a text is (long enough for Audixa's 30-character minimum), so the change is a
/// new value, not a refused one.
const CHANGED: &str = "A value that no provider document prints anywhere";

/// Every case of `spec` by name: its snapshot text and its problems.
async fn outcomes(spec: &Spec) -> BTreeMap<String, (String, Vec<String>)> {
    let mut outcomes = BTreeMap::new();
    for case in cases(spec).unwrap() {
        let outcome = match run(spec, &case).await {
            Ok(outcome) => (outcome.snapshot, outcome.problems),
            Err(error) => (String::new(), vec![format!("{error:#}")]),
        };
        outcomes.insert(case.name(), outcome);
    }
    outcomes
}

/// Runs the spec as committed and with `pointer` set to [`CHANGED`]; returns the names of the
/// cases whose outcome differs and the snapshot diff of each.
async fn changed_cases(spec: &Spec, pointer: &str) -> BTreeMap<String, String> {
    let before = outcomes(spec).await;
    let mut doc = spec.doc.clone();
    *doc.pointer_mut(pointer).expect("the field exists") = Value::String(CHANGED.into());
    let changed_spec = Spec {
        provider: spec.provider.clone(),
        path: spec.path.clone(),
        doc,
    };
    let after = outcomes(&changed_spec).await;
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>()
    );
    before
        .iter()
        .filter(|(name, outcome)| after[*name] != **outcome)
        .map(|(name, (snapshot, _))| {
            let diff = similar::TextDiff::from_lines(snapshot, &after[name].0)
                .unified_diff()
                .to_string();
            (name.clone(), diff)
        })
        .collect()
}

/// Asserts that `case` is the only case that changed; returns its snapshot diff (printed, for
/// `--nocapture`).
fn only_changed_case<'a>(changed: &'a BTreeMap<String, String>, case: &str) -> &'a str {
    assert_eq!(
        changed.keys().collect::<Vec<_>>(),
        vec![case],
        "{changed:#?}"
    );
    let diff = &changed[case];
    eprintln!("{case}:\n{diff}");
    diff
}

fn specs() -> Vec<Spec> {
    speech_spec::load_all(&Path::new(env!("CARGO_MANIFEST_DIR")).join("..")).unwrap()
}

/// The first member of `value` (an object) whose value is a string, as `(name, pointer suffix)`.
fn first_text_member(value: &Value, prefix: &str) -> Option<(String, String)> {
    value
        .as_object()?
        .iter()
        .find_map(|(name, member)| match member {
            Value::String(_) => Some((name.clone(), format!("{prefix}/{name}"))),
            Value::Object(_) => first_text_member(member, &format!("{prefix}/{name}")),
            _ => None,
        })
}

fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

#[tokio::test(flavor = "multi_thread")]
async fn changing_a_field_of_a_request_example_fails_exactly_its_case_naming_the_field() {
    for spec in specs() {
        for operation in spec.operations() {
            let Some(examples) = operation
                .value
                .pointer("/requestBody/content/application~1json/examples")
                .and_then(Value::as_object)
            else {
                continue;
            };
            let (example, documented) = examples.iter().next().unwrap();
            let (field, suffix) = first_text_member(&documented["value"], "").unwrap();
            let pointer = format!(
                "/paths/{}/{}/requestBody/content/application~1json/examples/{example}/value{suffix}",
                escape(operation.path),
                operation.method
            );
            let changed = changed_cases(&spec, &pointer).await;
            let case = format!(
                "{}::{}::request::{example}",
                spec.provider,
                operation.id().unwrap()
            );
            let diff = only_changed_case(&changed, &case);
            assert!(
                diff.lines().any(|line| line.starts_with('+')
                    && line.contains(&format!("\"{field}\": \"{CHANGED}\""))),
                "the diff does not name `{field}`:\n{diff}"
            );
            return;
        }
    }
    panic!("no spec has a JSON request example");
}

#[tokio::test(flavor = "multi_thread")]
async fn changing_a_field_of_a_response_example_fails_exactly_its_case_naming_the_field() {
    for spec in specs() {
        for operation in spec.operations() {
            for (status, response) in operation.responses() {
                let Some(examples) = response
                    .pointer("/content/application~1json/examples")
                    .and_then(Value::as_object)
                else {
                    continue;
                };
                let Some((example, (field, suffix))) =
                    examples.iter().find_map(|(name, documented)| {
                        Some((name, first_text_member(&documented["value"], "")?))
                    })
                else {
                    continue;
                };
                let pointer = format!(
                    "/paths/{}/{}/responses/{status}/content/application~1json/examples/{example}/value{suffix}",
                    escape(operation.path),
                    operation.method
                );
                let changed = changed_cases(&spec, &pointer).await;
                let case = format!(
                    "{}::{}::response::{status}::{example}",
                    spec.provider,
                    operation.id().unwrap()
                );
                let diff = only_changed_case(&changed, &case);
                // The snapshot prints the typed value: the field under its Rust name.
                let rust_name = field.to_snake_case();
                assert!(
                    diff.lines().any(|line| line.starts_with('+')
                        && line.contains(&format!("{rust_name}: \"{CHANGED}\""))),
                    "the diff does not name `{field}` (`{rust_name}`):\n{diff}"
                );
                return;
            }
        }
    }
    panic!("no spec has a JSON response example with a text field");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_path_example_with_reserved_characters_is_sent_as_one_segment_and_compared_decoded() {
    use speech_conformance::cases::{Case, CaseKind};

    const RESERVED: &str = r"a/b c?#%2e%2e\é";
    let mut checked = 0;
    for spec in specs() {
        for operation in spec.operations() {
            let Some((index, example)) = operation
                .value
                .get("parameters")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
                .filter(|(_, parameter)| parameter["in"] == "path")
                .find_map(|(index, parameter)| {
                    let examples = parameter.get("examples")?.as_object()?;
                    Some((index, examples.keys().next()?.clone()))
                })
            else {
                continue;
            };
            let mut doc = spec.doc.clone();
            let pointer = format!(
                "/paths/{}/{}/parameters/{index}/examples/{example}/value",
                escape(operation.path),
                operation.method
            );
            *doc.pointer_mut(&pointer).unwrap() = Value::String(RESERVED.into());
            let changed = Spec {
                provider: spec.provider.clone(),
                path: spec.path.clone(),
                doc,
            };
            let case = Case {
                provider: spec.provider.clone(),
                operation: operation.id().unwrap().to_owned(),
                kind: CaseKind::Request { example },
            };
            let outcome = run(&changed, &case).await.unwrap();
            assert_eq!(outcome.problems, Vec::<String>::new(), "{}", case.name());
            let request_line = outcome.snapshot.lines().next().unwrap_or_default();
            assert!(
                request_line.ends_with("/a%2Fb%20c%3F%23%252e%252e%5C%C3%A9"),
                "{}: {request_line}",
                case.name()
            );
            checked += 1;
        }
    }
    assert!(
        checked >= 2,
        "only {checked} operations with a path parameter example"
    );
}
