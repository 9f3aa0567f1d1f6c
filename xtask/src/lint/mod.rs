//! Spec checks: the rules of `specs/README.md` that the generator and the conformance suite rely
//! on. Each finding names the spec and the place in it.

mod documents;
mod extensions;
mod jobs;
mod service;
mod speech;

use std::collections::BTreeSet;

use anyhow::Result;
use serde_json::Value;

use crate::plan;
use crate::spec::json_schema::SchemaSet;
use crate::spec::{self, Operation, Spec, is_json_media};

/// All findings for a spec, each `<spec path>: <place>: <problem>`.
pub fn lint(spec: &Spec) -> Result<Vec<String>> {
    let mut findings = Findings::default();
    let validator = SchemaSet::new(&spec.doc);
    let seeds: BTreeSet<&str> = spec
        .doc
        .pointer("/info/x-seeds")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();

    let mut ids = BTreeSet::new();
    for operation in spec.operations() {
        let place = operation.label();
        match operation.id() {
            None => findings.add(&place, "no operationId".into()),
            Some(id) if !ids.insert(id) => {
                findings.add(&place, format!("operationId `{id}` is used twice"))
            }
            Some(id) if !is_snake_case(id) => {
                findings.add(&place, format!("operationId `{id}` is not snake_case"))
            }
            Some(_) => {}
        }
        check_error_schemas(&operation, &mut findings);
        check_examples(spec, &operation, &validator, &seeds, &mut findings)?;
        check_request_body(spec, &operation, &mut findings);
        check_bare_requests(spec, &operation, &seeds, &mut findings)?;
    }
    extensions::check(&spec.doc, &mut findings);
    jobs::check(spec, &mut findings)?;
    service::check(spec, &mut findings);
    speech::check(spec, &mut findings)?;
    check_open_responses(&spec.doc, &mut findings)?;
    check_sent_defaults(&spec.doc, &mut findings)?;
    check_formats(&spec.doc, &mut findings);
    documents::check(&spec.doc, &seeds, &mut findings);
    if spec.doc.get("x-errata").and_then(Value::as_array).is_none() {
        findings.add("document", "no `x-errata` list".into());
    }
    Ok(findings
        .0
        .into_iter()
        .map(|f| format!("{}: {f}", spec.path.display()))
        .collect())
}

#[derive(Default)]
struct Findings(Vec<String>);

impl Findings {
    fn add(&mut self, place: &str, problem: String) {
        self.0.push(format!("{place}: {problem}"));
    }
}

fn is_snake_case(id: &str) -> bool {
    !id.is_empty()
        && id.starts_with(|c: char| c.is_ascii_lowercase())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// progenitor 0.15 panics when an operation's error responses use different schemas.
fn check_error_schemas(operation: &Operation, findings: &mut Findings) {
    let mut schemas = BTreeSet::new();
    for (status, response) in operation.responses() {
        if status == "default" {
            findings.add(
                &operation.label(),
                "a `default` response; use explicit codes or ranges".into(),
            );
        }
        if spec::is_success(status) {
            continue;
        }
        for (media, object) in response
            .get("content")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            if is_json_media(media) {
                schemas.insert(
                    object
                        .get("schema")
                        .map(Value::to_string)
                        .unwrap_or_default(),
                );
            }
        }
    }
    if schemas.len() > 1 {
        findings.add(
            &operation.label(),
            format!(
                "mixes error schemas {} (progenitor rejects that): use one error schema",
                schemas.into_iter().collect::<Vec<_>>().join(", ")
            ),
        );
    }
}

/// Every JSON response has an example (or says why none exists); every example says where it comes
/// from and validates against its schema.
fn check_examples(
    spec: &Spec,
    operation: &Operation,
    validator: &SchemaSet,
    seeds: &BTreeSet<&str>,
    findings: &mut Findings,
) -> Result<()> {
    let label = operation.label();
    for (status, response) in operation.responses() {
        let response = spec.resolve(response)?;
        let waived = response.get("x-no-documented-example").is_some();
        for (media, object) in response
            .get("content")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            if !is_json_media(media) {
                continue;
            }
            let place = format!("{label}: response {status} {media}");
            let examples = examples_of(object);
            if examples.is_empty() && !waived {
                findings.add(&place, "no example (embed the documented one, or say why there is none with `x-no-documented-example`)".into());
            }
            check_example_list(
                spec,
                &place,
                object.get("schema"),
                &examples,
                validator,
                seeds,
                findings,
            )?;
        }
    }
    for (media, object) in operation.request_content().into_iter().flatten() {
        let place = format!("{label}: request body {media}");
        check_example_list(
            spec,
            &place,
            object.get("schema"),
            &examples_of(object),
            validator,
            seeds,
            findings,
        )?;
    }
    for parameter in operation.parameters() {
        let parameter = spec.resolve(parameter)?;
        let name = parameter.get("name").and_then(Value::as_str).unwrap_or("?");
        let place = format!("{label}: parameter `{name}`");
        check_example_list(
            spec,
            &place,
            parameter.get("schema"),
            &examples_of(parameter),
            validator,
            seeds,
            findings,
        )?;
    }
    Ok(())
}

fn examples_of(object: &Value) -> Vec<(&str, &Value)> {
    object
        .get("examples")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(name, example)| (name.as_str(), example))
        .collect()
}

fn check_example_list(
    spec: &Spec,
    place: &str,
    schema: Option<&Value>,
    examples: &[(&str, &Value)],
    validator: &SchemaSet,
    seeds: &BTreeSet<&str>,
    findings: &mut Findings,
) -> Result<()> {
    for (name, example) in examples {
        let place = format!("{place}: example `{name}`");
        // A shared example (`$ref: '#/components/examples/..'`) is checked where it is used.
        let example = spec.resolve(example)?;
        check_provenance(&place, example, seeds, findings);
        let Some(value) = example.get("value") else {
            findings.add(&place, "has no `value`".into());
            continue;
        };
        let Some(schema) = schema else { continue };
        for error in validator.errors(schema, value)? {
            findings.add(&place, format!("does not match its schema: {error}"));
        }
    }
    Ok(())
}

/// Every example says where it was printed (`x-from`, naming a seed of `info.x-seeds`) or where
/// the fact comes from (`x-source`).
fn check_provenance(place: &str, example: &Value, seeds: &BTreeSet<&str>, findings: &mut Findings) {
    match example.pointer("/x-from/seed").and_then(Value::as_str) {
        Some(seed) if !seeds.contains(seed) => findings.add(
            place,
            format!("`x-from.seed` names `{seed}`, which `info.x-seeds` does not list"),
        ),
        None if example.get("x-source").is_none() => findings.add(
            place,
            "says neither where it was printed (`x-from`) nor its source (`x-source`)".into(),
        ),
        _ => {}
    }
}

/// A request body declares media types the client can send (it picks one, `spec::client_media`);
/// a form's `encoding` names its text fields with a content type the generator knows; an example
/// name is one documented call, so it appears under one media type only.
fn check_request_body(spec: &Spec, operation: &Operation, findings: &mut Findings) {
    let Some(content) = operation.request_content() else {
        return;
    };
    let label = operation.label();
    if let Err(error) = spec::client_media(content) {
        findings.add(&label, format!("request body: {error}"));
    }
    let mut names = BTreeSet::new();
    for (media, object) in content {
        let place = format!("{label}: request body {media}");
        let schema = object.get("schema").unwrap_or(&Value::Null);
        match spec::request_kind(media, schema) {
            Some(spec::RequestKind::Multipart | spec::RequestKind::FormUrlencoded) => {
                match spec::form_field_encodings(&spec.doc, object) {
                    Ok(encodings) => check_form_texts(spec, &place, object, &encodings, findings),
                    Err(error) => findings.add(&place, format!("{error}")),
                }
            }
            _ if object.get("encoding").is_some() => findings.add(
                &place,
                "`encoding` applies to multipart/form-data and urlencoded forms only".into(),
            ),
            _ => {}
        }
        for (name, _) in examples_of(object) {
            if !names.insert(name) {
                findings.add(
                    &place,
                    format!(
                        "example `{name}` is also an example of another media type of this body"
                    ),
                );
            }
        }
    }
}

/// `x-form-text` records the exact text a call prints for a field sent as JSON text: it must be
/// JSON for the example's value of the field (so both say the same), on a field the form encodes
/// as `application/json` (a text field's printed text is its value).
fn check_form_texts(
    spec: &Spec,
    place: &str,
    media: &Value,
    encodings: &[(String, spec::FieldEncoding)],
    findings: &mut Findings,
) {
    for (name, example) in examples_of(media) {
        let Ok(example) = spec.resolve(example) else {
            continue;
        };
        for (field, text) in example
            .get("x-form-text")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let place = format!("{place}: example `{name}`: `x-form-text.{field}`");
            let json_field = encodings.iter().any(|(candidate, encoding)| {
                candidate == field && *encoding == spec::FieldEncoding::Json
            });
            let printed: Option<Value> = text
                .as_str()
                .and_then(|text| serde_json::from_str(text).ok());
            if !json_field {
                findings.add(
                    &place,
                    "the field is not sent as JSON text (`encoding.<field>.contentType: application/json`)".into(),
                );
            } else if printed.as_ref() != example.pointer(&format!("/value/{field}")) {
                findings.add(
                    &place,
                    format!("{text} is not the JSON text of the example's value"),
                );
            }
        }
    }
}

/// `x-bare-requests` lists documented calls that carry no value: each says where it was printed,
/// uses a name no parameter or body example uses, and belongs to an operation that needs no value.
fn check_bare_requests(
    spec: &Spec,
    operation: &Operation,
    seeds: &BTreeSet<&str>,
    findings: &mut Findings,
) -> Result<()> {
    let Some(bare) = operation.value.get("x-bare-requests") else {
        return Ok(());
    };
    let label = operation.label();
    let Some(bare) = bare.as_object() else {
        findings.add(&label, "`x-bare-requests` is not a map of names".into());
        return Ok(());
    };
    let mut carried = BTreeSet::new();
    let mut needs_values = operation
        .value
        .pointer("/requestBody/required")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    for parameter in operation.parameters() {
        let parameter = spec.resolve(parameter)?;
        needs_values |= parameter.get("required").and_then(Value::as_bool) == Some(true);
        carried.extend(examples_of(parameter).into_iter().map(|(name, _)| name));
    }
    for object in operation
        .request_content()
        .into_iter()
        .flatten()
        .map(|(_, o)| o)
    {
        carried.extend(examples_of(object).into_iter().map(|(name, _)| name));
    }
    for (name, call) in bare {
        let place = format!("{label}: bare request `{name}`");
        check_provenance(&place, call, seeds, findings);
        if carried.contains(name.as_str()) {
            findings.add(
                &place,
                "the name is also a parameter or body example".into(),
            );
        }
        if needs_values {
            findings.add(
                &place,
                "the operation requires a parameter or a body, so a call without values is incomplete"
                    .into(),
            );
        }
    }
    Ok(())
}

/// Response-side schemas must not reject what a provider adds or changes.
fn check_open_responses(doc: &Value, findings: &mut Findings) -> Result<()> {
    for (name, (_, response_side)) in plan::component_sides(doc)? {
        if !response_side {
            continue;
        }
        let Some(schema) = doc.pointer(&format!("/components/schemas/{name}")) else {
            continue;
        };
        plan::walk(schema, "", &mut |node, path| {
            if node.get("additionalProperties") == Some(&Value::Bool(false)) {
                findings.add(
                    &format!("schema `{name}`{path}"),
                    "a response schema with `additionalProperties: false` fails on new fields"
                        .into(),
                );
            }
            for keyword in [
                "minLength",
                "maxLength",
                "minimum",
                "maximum",
                "pattern",
                "minItems",
                "maxItems",
            ] {
                if node.get(keyword).is_some() {
                    findings.add(
                        &format!("schema `{name}`{path}"),
                        format!("`{keyword}` in a response schema would reject provider data"),
                    );
                }
            }
        });
    }
    Ok(())
}

/// `x-send-default: true` sits on a top-level property of a request-only schema, next to the
/// `default` the client sends (the generator keeps that default; the conformance suite expects it).
fn check_sent_defaults(doc: &Value, findings: &mut Findings) -> Result<()> {
    let sides = plan::component_sides(doc)?;
    for (name, schema) in doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let (request_side, response_side) = sides.get(name).copied().unwrap_or_default();
        plan::walk(schema, "", &mut |node, path| {
            let Some(marker) = node.get("x-send-default") else {
                return;
            };
            let place = format!("schema `{name}`{path}");
            let top_level_property = path
                .strip_prefix("/properties/")
                .is_some_and(|property| !property.contains('/'));
            let problem = if marker != &Value::Bool(true) {
                Some("`x-send-default` is only ever `true`")
            } else if node.get("default").is_none() {
                Some("`x-send-default` without a `default` to send")
            } else if !top_level_property {
                Some("`x-send-default` belongs on a top-level property of a request body schema")
            } else if response_side || !request_side {
                Some("`x-send-default` in a schema that is not used by requests only")
            } else {
                None
            };
            if let Some(problem) = problem {
                findings.add(&place, problem.into());
            }
        });
    }
    Ok(())
}

/// Only `format: binary` is allowed: other formats make typify pick strict types (dates, UUIDs).
fn check_formats(doc: &Value, findings: &mut Findings) {
    for (name, schema) in doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        plan::walk(schema, "", &mut |node, path| {
            if let Some(format) = node.get("format").and_then(Value::as_str)
                && !matches!(format, "binary" | "float" | "double" | "int32" | "int64")
            {
                findings.add(
                    &format!("schema `{name}`{path}"),
                    format!("`format: {format}`; keep it a plain string"),
                );
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn findings(yaml: &str) -> Vec<String> {
        let spec = Spec::parse(Path::new("specs/test.yaml"), yaml).unwrap();
        lint(&spec).unwrap()
    }

    const BASE: &str = r##"
openapi: 3.0.3
info: {title: T, version: "1", x-seeds: [doc.md]}
x-errata: []
x-crate: {version: 0.1.0}
x-environment: {key: TEST_API_KEY}
paths:
  /jobs/{id}:
    get:
      operationId: get_job
      parameters:
        - name: id
          in: path
          required: true
          schema: {type: string}
          examples:
            curl: {value: abc, x-from: {seed: doc.md, section: S, snippet: curl}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Job"}
              examples:
                done: {value: {status: DONE}, x-from: {seed: doc.md, section: S, snippet: response}}
        "404":
          description: missing
          x-no-documented-example: the document prints no body
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Error"}
components:
  schemas:
    Job:
      type: object
      required: [status]
      properties:
        status: {type: string, enum: [PENDING, DONE]}
    Error:
      type: object
      properties:
        message: {type: string}
"##;

    #[test]
    fn a_spec_that_follows_the_rules_has_no_findings() {
        assert_eq!(findings(BASE), Vec::<String>::new());
    }

    #[test]
    fn a_request_field_may_send_its_default_and_cite_several_sources() {
        let with_form = |question: &str| {
            BASE.replace(
                "paths:\n",
                "paths:\n  /jobs:\n    post:\n      operationId: start_job\n      requestBody:\n        content:\n          application/json:\n            schema: {$ref: \"#/components/schemas/Form\"}\n      responses:\n        \"204\": {description: started}\n",
            )
            .replace(
                "components:\n  schemas:\n",
                &format!("components:\n  schemas:\n    Form:\n      type: object\n      properties:\n        question: {question}\n"),
            )
        };
        let sent = with_form(
            "{type: string, minLength: 1, default: Transcribe, x-send-default: true, x-source: [{research: doc table, confidence: doc}, {research: inferred, confidence: 3rd}]}",
        );
        assert_eq!(findings(&sent), Vec::<String>::new());
        let found = findings(&with_form("{type: string, x-send-default: true}"));
        assert!(
            found.iter().any(|f| f.contains(
                "schema `Form`/properties/question: `x-send-default` without a `default` to send"
            )),
            "{found:#?}"
        );
    }

    #[test]
    fn request_bodies_declare_what_the_client_sends_and_encode_real_fields() {
        let with_body = |content: &str| {
            BASE.replace(
                "paths:\n",
                &format!("paths:\n  /jobs:\n    post:\n      operationId: start_job\n      requestBody:\n        required: true\n        content:\n{content}      responses:\n        \"204\": {{description: started}}\n"),
            )
            .replace(
                "components:\n  schemas:\n",
                "components:\n  schemas:\n    Form:\n      type: object\n      properties:\n        file: {type: string, format: binary}\n        tags: {type: array, items: {type: string}}\n",
            )
        };
        let form = |media: &str, extra: &str| {
            format!(
                "          {media}:\n            schema: {{$ref: \"#/components/schemas/Form\"}}\n{extra}"
            )
        };
        let curl = "            examples:\n              curl: {value: {tags: [a]}, x-from: {seed: doc.md, section: S, snippet: curl}}\n";
        let json_tags = "            encoding: {tags: {contentType: application/json}}\n";
        let printed = curl.replace("}}\n", "}, x-form-text: {tags: '[\"a\"]'}}\n");
        let good = with_body(
            &(form("multipart/form-data", &format!("{json_tags}{printed}"))
                + &form("application/x-www-form-urlencoded", "")),
        );
        assert_eq!(findings(&good), Vec::<String>::new());
        let cases = [
            (
                form("multipart/form-data", "            encoding: {tag: {contentType: application/json}}\n"),
                "request body multipart/form-data: `encoding.tag` names no property of the form",
            ),
            (
                form("application/x-www-form-urlencoded", ""),
                "request body: the client sends multipart/form-data, JSON or a binary file; the body declares only application/x-www-form-urlencoded",
            ),
            (
                form("multipart/form-data", curl) + &form("application/x-www-form-urlencoded", curl),
                "example `curl` is also an example of another media type of this body",
            ),
            (
                form("multipart/form-data", &curl.replace("}}\n", "}, x-form-text: {tags: '[\"a\"]'}}\n")),
                "`x-form-text.tags`: the field is not sent as JSON text",
            ),
            (
                form("multipart/form-data", &format!("{json_tags}{}", curl.replace("}}\n", "}, x-form-text: {tags: '[\"b\"]'}}\n"))),
                "`x-form-text.tags`: \"[\\\"b\\\"]\" is not the JSON text of the example's value",
            ),
            (
                "          application/octet-stream:\n            schema: {type: string, format: binary}\n            encoding: {file: {contentType: audio/mpeg}}\n".to_owned(),
                "`encoding` applies to multipart/form-data and urlencoded forms only",
            ),
        ];
        for (content, expected) in cases {
            let found = findings(&with_body(&content));
            assert!(
                found.iter().any(|f| f.contains(expected)),
                "expected `{expected}` in {found:#?}"
            );
        }
    }

    #[test]
    fn job_contracts_must_name_real_operations_parameters_and_states() {
        let with_jobs = BASE.replace(
            "      operationId: get_job\n",
            "      operationId: get_job\n      x-job-status: {state: /status, pending: [PENDING], completed: [DONE]}\n",
        );
        assert_eq!(findings(&with_jobs), Vec::<String>::new());
        let start = |poll: &str, parameter: &str| {
            with_jobs.replace(
                "paths:\n",
                &format!(
                    "paths:\n  /jobs:\n    post:\n      operationId: start_job\n      x-job-start: {{poll: {poll}, parameters: {{{parameter}: /id}}}}\n      responses:\n        \"204\": {{description: started}}\n"
                ),
            )
        };
        assert_eq!(findings(&start("get_job", "id")), Vec::<String>::new());
        let cases = [
            (
                start("get_jobs", "id"),
                "`poll: get_jobs` is not an operation",
            ),
            (start("get_job", "job"), "`get_job` has no parameter `job`"),
            (
                with_jobs.replace("completed: [DONE]", "completed: [FINISHED]"),
                "`completed` state `FINISHED` is not a value of `/status`",
            ),
            (
                with_jobs.replace("state: /status", "state: /data/status"),
                "`state: /data/status` is not in the success schema",
            ),
        ];
        for (spec, expected) in cases {
            let found = findings(&spec);
            assert!(
                found.iter().any(|f| f.contains(expected)),
                "expected `{expected}` in {found:#?}"
            );
        }
    }

    #[test]
    fn neutral_operations_must_name_real_operations_targets_and_pointers() {
        let with_speech = |speech: &str| {
            BASE.replace(
                "paths:\n",
                "paths:\n  /speak/{voice}:\n    post:\n      operationId: speak\n      x-job-start: {poll: get_job, parameters: {id: /status}}\n      parameters:\n        - {name: voice, in: path, required: true, schema: {type: string}}\n      requestBody:\n        content:\n          multipart/form-data:\n            schema:\n              type: object\n              properties:\n                text: {type: string}\n                sample: {type: string, format: binary}\n      responses:\n        \"204\": {description: started}\n",
            )
            .replace(
                "      operationId: get_job\n",
                "      operationId: get_job\n      x-job-status: {state: /status, pending: [PENDING], completed: [DONE]}\n",
            )
            .replace("x-environment:", &format!("x-speech: {speech}\nx-environment:"))
        };
        let good = "{synthesize: {operation: speak, text: body:text, voice: path:voice}, clone-voice: {operation: speak, audio: file:sample}, balance: {operation: get_job, value: /status}}";
        assert_eq!(findings(&with_speech(good)), Vec::<String>::new());
        let cases = [
            (
                "{synthesize: {operation: talk, text: body:text, voice: path:voice}}",
                "`operation` does not name an operation",
            ),
            (
                "{synthesize: {operation: speak, text: body:words, voice: path:voice}}",
                "`speak` has no body `words`",
            ),
            (
                "{synthesize: {operation: speak, text: body:text, voice: query:voice}}",
                "`speak` has no query `voice`",
            ),
            (
                "{synthesize: {operation: speak, text: body:text}}",
                "`voice` is required",
            ),
            (
                "{clone-voice: {operation: speak, audio: file:text}}",
                "`speak` has no file `text`",
            ),
            (
                "{balance: {operation: get_job, value: /credits}}",
                "`value: /credits` is not in the JSON success schema",
            ),
            (
                "{balance: {operation: get_job, value: credits}}",
                "is not a JSON Pointer",
            ),
            (
                "{sing: {operation: speak}}",
                "unknown (synthesize, transcribe",
            ),
            (
                "{synthesize: {operation: get_job, text: body:text, voice: path:voice}}",
                "starts no job",
            ),
        ];
        for (speech, expected) in cases {
            let found = findings(&with_speech(speech));
            assert!(
                found.iter().any(|f| f.contains(expected)),
                "{speech}: expected `{expected}` in {found:#?}"
            );
        }
    }

    #[test]
    fn a_shared_example_is_checked_where_it_is_used() {
        let spec = BASE
            .replace(
                "          x-no-documented-example: the document prints no body\n          content:\n            application/json:\n              schema: {$ref: \"#/components/schemas/Error\"}",
                "          content:\n            application/json:\n              schema: {$ref: \"#/components/schemas/Error\"}\n              examples:\n                missing: {$ref: \"#/components/examples/Missing\"}",
            )
            .replace(
                "components:\n",
                "components:\n  examples:\n    Missing: {value: {message: 7}, x-from: {seed: doc.md, section: S, snippet: response}}\n",
            );
        let found = findings(&spec);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(
            found[0].contains("response 404 application/json: example `missing`: does not match its schema: /message"),
            "{found:#?}"
        );
    }

    #[test]
    fn names_and_example_data_may_start_with_x() {
        let spec = BASE
            .replace(
                "        message: {type: string}",
                "        message: {type: string}\n        x-request-id: {type: string}",
            )
            .replace("{status: DONE}", "{status: DONE, x-trace: on}");
        assert_eq!(findings(&spec), Vec::<String>::new());
    }

    #[test]
    fn each_rule_reports_the_spec_and_the_operation() {
        let cases = [
            (
                "operationId: get_job",
                "operationId: GetJob",
                "GET /jobs/{id} (GetJob): operationId `GetJob` is not snake_case",
            ),
            (
                "operationId: get_job\n",
                "summary: no id\n",
                "GET /jobs/{id}: no operationId",
            ),
            (
                "{status: DONE}",
                "{status: 7}",
                "example `done`: does not match its schema: /status:",
            ),
            (
                "          x-no-documented-example: the document prints no body\n",
                "",
                "response 404 application/json: no example",
            ),
            (
                "x-from: {seed: doc.md, section: S, snippet: curl}",
                "x-from: {seed: other.md, section: S, snippet: curl}",
                "names `other.md`",
            ),
            (
                "        message: {type: string}",
                "        message: {type: string, maxLength: 3}",
                "`maxLength` in a response schema",
            ),
            (
                "        message: {type: string}",
                "        message: {type: string, format: date-time}",
                "`format: date-time`",
            ),
            (
                "      x-no-documented-example: the document prints no body\n          content:\n            application/json:\n              schema: {$ref: \"#/components/schemas/Error\"}",
                "      x-no-documented-example: the document prints no body\n          content:\n            application/json:\n              schema: {$ref: \"#/components/schemas/Job\"}\n        \"500\":\n          description: e\n          x-no-documented-example: none\n          content:\n            application/json:\n              schema: {$ref: \"#/components/schemas/Error\"}",
                "mixes error schemas",
            ),
            (
                "        message: {type: string}",
                "        message: {type: string, default: none, x-send-default: true}",
                "schema `Error`/properties/message: `x-send-default` in a schema that is not used by requests only",
            ),
            (
                "      operationId: get_job\n",
                "      operationId: get_job\n      x-source: {research: a note, confidence: maybe}\n",
                "needs `research` text and `confidence` doc, sdk or 3rd",
            ),
            (
                "      operationId: get_job\n",
                "      operationId: get_job\n      x-skipped-request-examples: []\n",
                "`x-skipped-request-examples` is not an extension specs/README.md defines",
            ),
            (
                "      operationId: get_job\n",
                "      operationId: get_job\n      x-bare-requests:\n        curl: {x-from: {seed: doc.md, section: S, snippet: curl}}\n",
                "bare request `curl`: the name is also a parameter or body example",
            ),
            (
                "      operationId: get_job\n",
                "      operationId: get_job\n      x-bare-requests:\n        python: {x-from: {seed: doc.md, section: S, snippet: python}}\n",
                "bare request `python`: the operation requires a parameter or a body",
            ),
            (
                "      operationId: get_job\n",
                "      operationId: get_job\n      x-bare-requests:\n        python: {summary: no provenance}\n",
                "bare request `python`: says neither where it was printed",
            ),
        ];
        for (from, to, expected) in cases {
            assert!(BASE.contains(from), "test case does not apply: {from}");
            let found = findings(&BASE.replacen(from, to, 1));
            assert!(
                found
                    .iter()
                    .any(|f| f.starts_with("specs/test.yaml: ") && f.contains(expected)),
                "expected `{expected}` in {found:#?}"
            );
        }
    }
}
