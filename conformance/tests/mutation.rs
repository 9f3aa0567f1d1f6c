//! The suite checks itself: changing one field of one embedded example makes exactly the case that
//! replays that example fail, and the difference it reports names the field.
//!
//! Each test takes the first example of its kind in the specs, changes one text field (for a
//! request, one its schema requires; for a response, the first), runs every case of that spec
//! before and after, and compares the outcomes (what the snapshot records and the problems found)
//! as the suite does. Further tests change what a form example says it sends.

use std::collections::BTreeMap;

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
    speech_spec::load_all(&speech_conformance::workspace_root()).unwrap()
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

/// The first top-level text member of a JSON request example that the body's schema declares
/// `required` (a plain string: no `enum` or `pattern` that [`CHANGED`] would break). A required
/// field is sent by every call; an optional one may be one the client leaves out (`x-not-sent`),
/// so changing it would prove nothing.
fn required_text_field(spec: &Spec, media: &Value, value: &Value) -> Option<String> {
    let schema = spec.resolve_schema(media.get("schema")?).ok()?;
    let required = schema.get("required")?.as_array()?;
    value.as_object()?.iter().find_map(|(name, member)| {
        let property = spec
            .resolve_schema(schema.pointer(&format!("/properties/{}", escape(name)))?)
            .ok()?;
        let plain_text = property.get("enum").is_none() && property.get("pattern").is_none();
        (member.is_string() && plain_text && required.contains(&Value::String(name.clone())))
            .then(|| name.clone())
    })
}

#[test]
fn the_changed_request_field_is_one_the_schema_requires() {
    let spec = Spec {
        provider: "test".into(),
        path: "specs/test.yaml".into(),
        doc: serde_json::json!({"components": {"schemas": {"Req": {
            "type": "object",
            "required": ["voice", "text"],
            "properties": {
                "model": {"type": "string"},
                "voice": {"type": "string", "enum": ["a", "b"]},
                "text": {"allOf": [{"$ref": "#/components/schemas/Text"}]},
            },
        }, "Text": {"type": "string", "maxLength": 100}}}}),
    };
    let media = serde_json::json!({"schema": {"$ref": "#/components/schemas/Req"}});
    let example = serde_json::json!({"model": "m1", "voice": "a", "text": "Hello"});
    assert_eq!(
        required_text_field(&spec, &media, &example).as_deref(),
        Some("text")
    );
    let without = serde_json::json!({"model": "m1", "voice": "a"});
    assert_eq!(required_text_field(&spec, &media, &without), None);
}

#[tokio::test(flavor = "multi_thread")]
async fn changing_a_field_of_a_request_example_fails_exactly_its_case_naming_the_field() {
    for spec in specs() {
        for operation in spec.operations() {
            let Some(media) = operation
                .value
                .pointer("/requestBody/content/application~1json")
            else {
                continue;
            };
            let Some((example, field)) = media
                .get("examples")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .find_map(|(name, documented)| {
                    Some((
                        name,
                        required_text_field(&spec, media, &documented["value"])?,
                    ))
                })
            else {
                continue;
            };
            let pointer = format!(
                "/paths/{}/{}/requestBody/content/application~1json/examples/{example}/value/{}",
                escape(operation.path),
                operation.method,
                escape(&field)
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
    panic!(
        "no spec has a JSON request example with a text field its schema declares required: this \
         test changes such a field"
    );
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

/// The request case of `example` of `operation` in `spec`.
async fn request_outcome(spec: &Spec, operation: &str, example: &str) -> (String, Vec<String>) {
    use speech_conformance::cases::{Case, CaseKind};
    let case = Case {
        provider: spec.provider.clone(),
        operation: operation.to_owned(),
        kind: CaseKind::Request {
            example: example.to_owned(),
        },
    };
    let outcome = run(spec, &case).await.unwrap();
    (outcome.snapshot, outcome.problems)
}

/// The first `(operation, media pointer, example)` of the specs whose request body example under a
/// media type satisfies `wanted`.
fn find_form_example(
    spec: &Spec,
    wanted: impl Fn(&str, &Value) -> bool,
) -> Option<(String, String, String)> {
    spec.operations().into_iter().find_map(|operation| {
        let content = operation.request_content()?;
        content.iter().find_map(|(media, object)| {
            let example = object
                .get("examples")?
                .as_object()?
                .iter()
                .find(|(_, example)| wanted(media, example))?
                .0;
            Some((
                operation.id()?.to_owned(),
                format!(
                    "/paths/{}/{}/requestBody/content/{}",
                    escape(operation.path),
                    operation.method,
                    escape(media)
                ),
                example.clone(),
            ))
        })
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn a_printed_form_text_the_client_does_not_send_fails_its_case_naming_the_part() {
    for spec in specs() {
        let Some((operation, media, example)) =
            find_form_example(&spec, |_, example| example.get("x-form-text").is_some())
        else {
            continue;
        };
        let (_, problems) = request_outcome(&spec, &operation, &example).await;
        assert_eq!(problems, Vec::<String>::new());
        let mut doc = spec.doc.clone();
        let texts = doc
            .pointer_mut(&format!("{media}/examples/{example}/x-form-text"))
            .and_then(Value::as_object_mut)
            .unwrap();
        let (field, text) = texts.iter_mut().next().unwrap();
        let field = field.clone();
        // The same JSON, printed with a space after each comma: not what the client sends.
        *text = Value::String(text.as_str().unwrap().replace(',', ", "));
        let changed = Spec {
            provider: spec.provider.clone(),
            path: spec.path.clone(),
            doc,
        };
        let (_, problems) = request_outcome(&changed, &operation, &example).await;
        assert!(
            problems
                .iter()
                .any(|problem| problem.starts_with(&format!("part `{field}`: sent "))),
            "{problems:#?}"
        );
        return;
    }
    panic!("no spec has a form example with `x-form-text`");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_urlencoded_call_is_sent_as_printed_and_checked_against_its_own_schema() {
    const MISSING: &str = "a_field_no_documented_call_sends";
    for spec in specs() {
        let Some((operation, media, example)) = find_form_example(&spec, |media, _| {
            media == "application/x-www-form-urlencoded"
        }) else {
            continue;
        };
        let (snapshot, problems) = request_outcome(&spec, &operation, &example).await;
        assert_eq!(problems, Vec::<String>::new());
        assert!(
            snapshot.contains("\nas printed (application/x-www-form-urlencoded):\n")
                && snapshot.contains("content-type application/x-www-form-urlencoded\n"),
            "{snapshot}"
        );
        // The urlencoded media type's schema now requires a field the call does not send; the
        // client's own (multipart) media type is unchanged.
        let mut doc = spec.doc.clone();
        *doc.pointer_mut(&format!("{media}/schema")).unwrap() = serde_json::json!({
            "allOf": [doc.pointer(&format!("{media}/schema")).unwrap().clone()],
            "required": [MISSING],
        });
        let changed = Spec {
            provider: spec.provider.clone(),
            path: spec.path.clone(),
            doc,
        };
        let (_, problems) = request_outcome(&changed, &operation, &example).await;
        assert_eq!(problems.len(), 1, "{problems:#?}");
        assert!(
            problems[0].starts_with(
                "as printed: the application/x-www-form-urlencoded body does not match its schema"
            ) && problems[0].contains(MISSING),
            "{problems:#?}"
        );
        return;
    }
    panic!("no spec has a urlencoded request example");
}
