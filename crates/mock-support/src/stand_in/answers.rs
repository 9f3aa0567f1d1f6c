//! What an operation answers, read from its documented responses: the success, the documented
//! error examples, and plain error bodies shaped by the spec's `x-error-body`.

use anyhow::Result;
use serde_json::{Value, json};
use speech_spec::{Operation, Spec, is_binary, is_json_media, is_success};

use super::pointer;

/// One answer to send.
#[derive(Clone, Debug)]
pub(crate) struct Answer {
    pub status: u16,
    pub body: Body,
}

#[derive(Clone, Debug)]
pub(crate) enum Body {
    /// A JSON body with its media type.
    Json {
        media: String,
        value: Value,
    },
    /// A few bytes of audio of this media type.
    Audio {
        media: String,
    },
    Empty,
}

impl Answer {
    pub(crate) fn json(status: u16, media: &str, value: Value) -> Self {
        Self {
            status,
            body: Body::Json {
                media: media.to_owned(),
                value,
            },
        }
    }
}

/// An operation's documented answers.
pub(crate) struct Answers {
    pub success: Answer,
    /// `(status key, media type, example)` of each error status with a JSON example, the first
    /// example of each, in spec order.
    errors: Vec<(String, String, Value)>,
    /// Where an error body carries its message (`x-error-body.message`, the first pointer).
    message_pointer: Option<String>,
}

impl Answers {
    pub(crate) fn read(spec: &Spec, operation: &Operation) -> Result<Self> {
        let mut success = None;
        let mut fallback = None;
        let mut errors = Vec::new();
        for (status, response) in operation.responses() {
            let response = spec.resolve(response)?;
            let code = status.parse::<u16>().ok();
            let example = first_json_example(spec, response)?;
            if !is_success(status) {
                if let Some((media, value)) = example {
                    errors.push((status.to_owned(), media, value));
                }
                continue;
            }
            let code = code.unwrap_or(200);
            if success.is_none()
                && let Some((media, value)) = example
            {
                success = Some(Answer::json(code, &media, value));
            }
            if fallback.is_none() {
                fallback = Some(undocumented_success(spec, code, response)?);
            }
        }
        let message_pointer = error_pointers(spec, operation, "message")
            .into_iter()
            .next();
        Ok(Self {
            success: success.or(fallback).unwrap_or(Answer {
                status: 200,
                body: Body::Empty,
            }),
            errors,
            message_pointer,
        })
    }

    /// The documented example of the first of `statuses` the operation documents one for (an
    /// exact status, else its range such as `4XX`).
    pub(crate) fn documented_error(&self, statuses: &[u16]) -> Option<Answer> {
        statuses.iter().find_map(|status| {
            let range = format!("{}XX", status / 100);
            let exact = status.to_string();
            self.errors
                .iter()
                .find(|(key, ..)| *key == exact)
                .or_else(|| self.errors.iter().find(|(key, ..)| *key == range))
                .map(|(_, media, value)| Answer::json(*status, media, value.clone()))
        })
    }

    /// The documented example of the first of `statuses`, else a plain `status` whose body says
    /// `message` where the spec's error body carries one.
    pub(crate) fn error(&self, statuses: &[u16], message: &str) -> Answer {
        self.documented_error(statuses)
            .unwrap_or_else(|| self.plain_error(statuses[0], message))
    }

    /// A plain error: `{..message..}` at the spec's message pointer, else `{"message": ..}`.
    pub(crate) fn plain_error(&self, status: u16, message: &str) -> Answer {
        plain_error(status, self.message_pointer.as_deref(), message)
    }
}

/// A `status` answer whose JSON body holds `message` at `pointer` (else at `/message`).
pub(crate) fn plain_error(status: u16, pointer: Option<&str>, message: &str) -> Answer {
    let mut body = json!({});
    if !pointer.is_some_and(|pointer| pointer::set(&mut body, pointer, json!(message))) {
        body = json!({ "message": message });
    }
    Answer::json(status, "application/json", body)
}

/// The pointers of `x-error-body.<field>` (the operation's, else the document's).
pub(crate) fn error_pointers(spec: &Spec, operation: &Operation, field: &str) -> Vec<String> {
    let pointers = operation
        .value
        .get("x-error-body")
        .or_else(|| spec.doc.get("x-error-body"))
        .and_then(|body| body.get(field));
    match pointers {
        Some(Value::String(one)) => vec![one.clone()],
        Some(Value::Array(list)) => list
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

/// The first example of the first JSON media type of a response that has one.
pub(crate) fn first_json_example(spec: &Spec, response: &Value) -> Result<Option<(String, Value)>> {
    for (media, object) in response
        .get("content")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter(|(media, _)| is_json_media(media))
    {
        if let Some(example) = examples(spec, object)?.into_iter().next() {
            return Ok(Some((media.clone(), example)));
        }
    }
    Ok(None)
}

/// The values of a media type object's examples, in spec order (`$ref`s followed).
pub(crate) fn examples(spec: &Spec, media: &Value) -> Result<Vec<Value>> {
    media
        .get("examples")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(_, example)| Ok(spec.resolve(example)?.get("value").cloned()))
        .filter_map(Result::transpose)
        .collect()
}

/// A success with no JSON example: audio when the response declares a binary media type,
/// else `{}` for a JSON media type, else no body.
fn undocumented_success(spec: &Spec, status: u16, response: &Value) -> Result<Answer> {
    let content = response.get("content").and_then(Value::as_object);
    for (media, object) in content.into_iter().flatten() {
        let binary = match object.get("schema") {
            Some(schema) => is_binary(&spec.resolve_schema(schema)?),
            None => false,
        };
        if binary {
            return Ok(Answer {
                status,
                body: Body::Audio {
                    media: media.clone(),
                },
            });
        }
    }
    let json = content
        .into_iter()
        .flatten()
        .find(|(media, _)| is_json_media(media));
    Ok(Answer {
        status,
        body: match json {
            Some((media, _)) => Body::Json {
                media: media.clone(),
                value: json!({}),
            },
            None => Body::Empty,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn spec(yaml: &str) -> Spec {
        Spec::parse(Path::new("tiny.yaml"), yaml).unwrap()
    }

    const AUDIO_AND_ERRORS: &str = r#"
x-error-body: {message: [/error/text]}
paths:
  /speak:
    post:
      operationId: speak
      responses:
        '200':
          content:
            audio/ogg: {schema: {type: string, format: binary}}
        '4XX':
          content:
            application/json:
              examples: {any: {value: {error: {text: documented}}}}
"#;

    #[test]
    fn audio_only_successes_answer_audio_and_ranges_cover_statuses() {
        let spec = spec(AUDIO_AND_ERRORS);
        let answers = Answers::read(&spec, &spec.operations()[0]).unwrap();
        assert!(matches!(
            &answers.success.body,
            Body::Audio { media } if media == "audio/ogg"
        ));
        let error = answers.error(&[401, 403], "wrong key");
        assert_eq!(error.status, 401);
        assert!(
            matches!(error.body, Body::Json { value, .. } if value["error"]["text"] == "documented")
        );
        let plain = answers.plain_error(404, "no such job");
        assert!(
            matches!(plain.body, Body::Json { value, .. } if value == json!({"error": {"text": "no such job"}}))
        );
    }

    #[test]
    fn plain_errors_without_a_pointer_say_message() {
        let answer = plain_error(400, None, "text: too long");
        assert!(
            matches!(answer.body, Body::Json { value, .. } if value == json!({"message": "text: too long"}))
        );
    }
}
