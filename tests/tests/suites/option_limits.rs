//! Every documented limit of every request field of every operation (a number's `minimum` and
//! `maximum`, a text's `minLength`, `maxLength`, `x-max-length-by-model` and UTF-8 `x-max-bytes`,
//! an `enum`) is enforced by the generated request types: the operation, called by name with its
//! first documented call and one field broken, is refused before anything is sent, with a message
//! that names the field and the limit. Driven by the specs alone; each spec's stand-in must see no
//! request.

use crate::common;

use common::specs::{documented_request, root, specs};
use common::{KEY, options};
use serde_json::{Value, json};
use speech_client_runtime::FilePart;
use speech_facade::{ApiKey, Provider};
use speech_mock_support::StandIn;
use speech_mock_support::limits::{Field, Limits, Location, request_fields};
use speech_spec::Spec;

/// A value that breaks one limit, and what the refusal must say besides the field's name.
struct Breach {
    value: Value,
    says: String,
    /// Breaks an `enum`: the refusal is the decoder's (which names the value, not the field).
    unlisted: bool,
    /// The body's `model` that the limit is for (`x-max-length-by-model`): the refusal is the
    /// request type's, checked with the whole body, after the field's own decoding.
    model: Option<String>,
}

/// A number as a limit is printed (`5`, `0.98`).
fn number(value: f64) -> String {
    value.to_string()
}

/// Values that break each limit of a field.
fn breaches(limits: &Limits) -> Vec<Breach> {
    let step = if limits.integer { 1.0 } else { 0.5 };
    let mut breaches = Vec::new();
    let whole = |value: f64| {
        if limits.integer {
            json!(value as i64)
        } else {
            json!(value)
        }
    };
    if let Some(minimum) = limits.minimum {
        breaches.push(Breach {
            value: whole(minimum - step),
            says: format!("at least {}", number(minimum)),
            unlisted: false,
            model: None,
        });
    }
    if let Some(maximum) = limits.maximum {
        breaches.push(Breach {
            value: whole(maximum + step),
            says: format!("at most {}", number(maximum)),
            unlisted: false,
            model: None,
        });
    }
    if let Some(min) = limits.min_length.filter(|min| *min > 0) {
        breaches.push(Breach {
            value: json!("a".repeat(usize::try_from(min - 1).unwrap())),
            says: format!("at least {min} character"),
            unlisted: false,
            model: None,
        });
    }
    if let Some(max) = limits.max_length {
        breaches.push(Breach {
            value: json!("a".repeat(usize::try_from(max + 1).unwrap())),
            says: format!("at most {max} character"),
            unlisted: false,
            model: None,
        });
    }
    // A model's limit below the field's own `maxLength` (which the field's type checks first).
    let below_max_length = |max: &&u64| limits.max_length.is_none_or(|length| **max < length);
    for (model, max) in limits
        .max_length_by_model
        .iter()
        .filter(|(_, max)| below_max_length(&max))
    {
        breaches.push(Breach {
            value: json!("a".repeat(usize::try_from(max + 1).unwrap())),
            says: format!("at most {max} characters for model `{model}`"),
            unlisted: false,
            model: Some(model.clone()),
        });
    }
    if let Some(max) = limits.max_bytes {
        let characters = usize::try_from(max / 2 + 1).unwrap();
        breaches.push(Breach {
            value: json!("é".repeat(characters)),
            says: format!("at most {max} UTF-8 byte"),
            unlisted: false,
            model: None,
        });
    }
    if !limits.values.is_empty() {
        breaches.push(Breach {
            value: json!("not-a-listed-value"),
            says: "not-a-listed-value".into(),
            unlisted: true,
            model: None,
        });
    }
    breaches
}

/// Where a refusal says the value was: the body, or the parameter by name.
fn place(field: &Field) -> String {
    match field.location {
        Location::Body => "body: ".into(),
        _ => format!("parameter `{}`: ", field.name),
    }
}

/// `spec`'s stand-in, started, and its provider aimed at it.
fn provider_at_stand_in(spec: &Spec) -> (StandIn, Provider) {
    let stand_in = StandIn::from_file(root().join(&spec.path))
        .unwrap()
        .key(KEY)
        .start()
        .unwrap();
    let provider =
        Provider::new(&spec.provider, stand_in.url(), ApiKey::new(KEY), options()).unwrap();
    (stand_in, provider)
}

#[tokio::test]
async fn every_documented_limit_of_every_field_is_refused_before_sending() {
    let mut checked = 0;
    for spec in specs() {
        let (stand_in, provider) = provider_at_stand_in(&spec);
        for operation in spec.operations() {
            let id = operation.id().unwrap();
            let fields = request_fields(root().join(&spec.path), id).unwrap();
            for field in fields
                .iter()
                .filter(|field| field.location != Location::File)
            {
                for breach in breaches(&field.limits) {
                    let (mut request, _files) = documented_request(&spec, &operation);
                    match field.location {
                        Location::Body => {
                            let body = request.body.get_or_insert_with(|| json!({}));
                            body[&field.name] = breach.value.clone();
                            if let Some(model) = &breach.model {
                                body["model"] = json!(model);
                            }
                        }
                        _ => {
                            request
                                .parameters
                                .insert(field.name.clone(), breach.value.clone());
                        }
                    }
                    let what = format!("{} {id} `{}` ({})", spec.provider, field.name, breach.says);
                    let message = match provider.dispatch().dispatch(id, request).await {
                        Err(progenitor_client::Error::InvalidRequest(message)) => message,
                        other => panic!("{what}: expected InvalidRequest, got {other:?}"),
                    };
                    // Where the value was, then what the field's type says: a limit's own message
                    // names its field once; an unlisted value is named with its field once.
                    let place = if breach.model.is_some() {
                        String::new()
                    } else {
                        place(field)
                    };
                    let reason = message
                        .strip_prefix(&place)
                        .unwrap_or_else(|| panic!("{what}: \"{message}\""));
                    let named = format!("`{}`", field.name);
                    let named_in = if breach.unlisted { &message } else { reason };
                    assert_eq!(named_in.matches(&named).count(), 1, "{what}: \"{message}\"");
                    assert!(reason.contains(&breach.says), "{what}: \"{message}\"");
                    assert!(!message.contains("Some("), "{what}: \"{message}\"");
                    checked += 1;
                }
            }
        }
        assert_eq!(stand_in.total_requests(), 0, "{}", spec.provider);
    }
    assert!(checked > 0, "no spec documents a limit");
}

/// A required body field left out, and a file part too large or of a type the operation does not
/// accept, are refused the same way: before anything is sent, naming the field.
#[tokio::test]
async fn a_missing_required_field_and_an_unaccepted_file_are_refused_before_sending() {
    let mut checked = 0;
    for spec in specs() {
        let (stand_in, provider) = provider_at_stand_in(&spec);
        for operation in spec.operations() {
            let id = operation.id().unwrap();
            for field in request_fields(root().join(&spec.path), id).unwrap() {
                let (documented, _files) = documented_request(&spec, &operation);
                let mut breaches = Vec::new();
                match field.location {
                    Location::Body if field.required => {
                        let mut request = documented.clone();
                        let removed = request
                            .body
                            .as_mut()
                            .and_then(Value::as_object_mut)
                            .and_then(|body| body.remove(&field.name));
                        if removed.is_some() {
                            breaches.push(("left out", request));
                        }
                    }
                    Location::File => {
                        if let Some(max) = field.limits.max_bytes {
                            let mut request = documented.clone();
                            let big = vec![0xFF; usize::try_from(max + 1).unwrap()];
                            let part = FilePart::from_bytes(big).file_name("big.mp3");
                            request.files.insert(field.name.clone(), part);
                            breaches.push(("too large", request));
                        }
                        if !field.limits.content_types.is_empty() {
                            let mut request = documented.clone();
                            let text = b"plain text, not audio".to_vec();
                            let part = FilePart::from_bytes(text).file_name("notes.txt");
                            request.files.insert(field.name.clone(), part);
                            breaches.push(("not an accepted type", request));
                        }
                    }
                    _ => {}
                }
                for (what, request) in breaches {
                    let label = format!("{} {id} `{}` {what}", spec.provider, field.name);
                    match provider.dispatch().dispatch(id, request).await {
                        Err(progenitor_client::Error::InvalidRequest(message)) => {
                            assert!(message.contains(&field.name), "{label}: \"{message}\"");
                        }
                        other => panic!("{label}: expected InvalidRequest, got {other:?}"),
                    }
                    checked += 1;
                }
            }
        }
        assert_eq!(stand_in.total_requests(), 0, "{}", spec.provider);
    }
    assert!(checked > 0, "no spec has a required field or a file limit");
}
