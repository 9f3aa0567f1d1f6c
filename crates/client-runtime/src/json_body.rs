//! JSON answers read where a spec points (RFC 6901 JSON Pointers), straight from the bytes the
//! server sent.
//!
//! A waiting engine reads a job's state, progress and result from every status answer: a few
//! values of a document. Building the whole document for them (or serialising the decoded typed
//! value back into one) costs more than the values themselves, on every poll. [`JsonBody`] keeps
//! the bytes and [`JsonDocument::value_at`] walks them once per pointer, skipping everything off
//! the pointer's path without allocating, and builds only the value it finds. The values are the
//! provider's own (the wire names and values the spec's pointers address), not a re-serialisation.

use std::borrow::Cow;
use std::fmt;

use bytes::Bytes;
use serde::Deserialize;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

/// A JSON document whose values are read by JSON Pointer: a parsed [`Value`], or a [`JsonBody`]
/// read without parsing what the pointer does not reach.
pub trait JsonDocument {
    /// The value at `pointer`, as [`Value::pointer`] finds it (`""` is the whole document,
    /// `~1` and `~0` escape `/` and `~`, array indexes are decimal without leading zeros);
    /// `None` when the document has no such value.
    fn value_at(&self, pointer: &str) -> Option<Cow<'_, Value>>;
}

impl JsonDocument for Value {
    fn value_at(&self, pointer: &str) -> Option<Cow<'_, Value>> {
        self.pointer(pointer).map(Cow::Borrowed)
    }
}

/// The body of a JSON answer, as the server sent it. A dispatched call returns one only after the
/// operation's typed response decoded it, so it has the shape the spec documents.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct JsonBody(Bytes);

impl JsonBody {
    /// The JSON text `bytes`.
    pub fn new(bytes: Bytes) -> Self {
        Self(bytes)
    }

    /// The bytes as received.
    pub fn bytes(&self) -> &Bytes {
        &self.0
    }

    /// The whole document.
    ///
    /// # Errors
    /// The bytes are not one JSON value.
    pub fn to_value(&self) -> serde_json::Result<Value> {
        serde_json::from_slice(&self.0)
    }
}

impl fmt::Debug for JsonBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("JsonBody")
            .field(&String::from_utf8_lossy(&self.0))
            .finish()
    }
}

impl JsonDocument for JsonBody {
    fn value_at(&self, pointer: &str) -> Option<Cow<'_, Value>> {
        let path = match pointer {
            "" => None,
            _ => Some(pointer.strip_prefix('/')?),
        };
        let mut document = serde_json::Deserializer::from_slice(&self.0);
        let found = At { path }.deserialize(&mut document).ok()??;
        document.end().ok()?;
        Some(Cow::Owned(found))
    }
}

/// The value at `path` within the value being deserialised: `None` is the value itself,
/// `Some(rest)` is the next reference token (up to the next `/`) and the tokens after it.
struct At<'p> {
    path: Option<&'p str>,
}

impl<'de> DeserializeSeed<'de> for At<'_> {
    type Value = Option<Value>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        let Some(path) = self.path else {
            return Value::deserialize(deserializer).map(Some);
        };
        let (token, rest) = match path.split_once('/') {
            Some((token, rest)) => (token, Some(rest)),
            None => (path, None),
        };
        let token = if token.contains('~') {
            Cow::Owned(token.replace("~1", "/").replace("~0", "~"))
        } else {
            Cow::Borrowed(token)
        };
        deserializer.deserialize_any(Step {
            token: &token,
            rest,
        })
    }
}

/// One step down: into the member `token` of an object, or the element at index `token` of an
/// array. Anything else has nothing at that path.
struct Step<'t, 'p> {
    token: &'t str,
    rest: Option<&'p str>,
}

impl<'de> Visitor<'de> for Step<'_, '_> {
    type Value = Option<Value>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        // Every member is read (the document must stay well-formed to the end); a repeated name
        // gives its last value, as parsing the whole document would.
        let mut found = None;
        while let Some(matches) = map.next_key_seed(IsKey(self.token))? {
            if matches {
                found = map.next_value_seed(At { path: self.rest })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(found)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut wanted = array_index(self.token);
        let mut found = None;
        loop {
            let element = match wanted {
                Some(0) => seq
                    .next_element_seed(At { path: self.rest })?
                    .map(|value| found = value),
                _ => seq.next_element::<IgnoredAny>()?.map(drop),
            };
            if element.is_none() {
                return Ok(found);
            }
            wanted = wanted.and_then(|index| index.checked_sub(1));
        }
    }

    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

/// An array index as RFC 6901 writes it: decimal digits, no sign, no leading zero.
fn array_index(token: &str) -> Option<usize> {
    if token.starts_with('+') || (token.starts_with('0') && token.len() > 1) {
        return None;
    }
    token.parse().ok()
}

/// Whether an object member's name is the wanted one, compared without allocating.
struct IsKey<'t>(&'t str);

impl<'de> DeserializeSeed<'de> for IsKey<'_> {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for IsKey<'_> {
    type Value = bool;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a member name")
    }

    fn visit_str<E>(self, name: &str) -> Result<bool, E> {
        Ok(name == self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Every pointer reads from the bytes what `Value::pointer` reads from the parsed document.
    #[test]
    fn a_body_reads_every_pointer_as_the_parsed_document_does() {
        let text = r#"{"data": {"status": "COMPLETED", "url": null, "progress": 40.5,
            "items": [{"id": 7}, {"id": "b", "tags": ["x", "y"]}], "a/b": 1, "m~n": 2,
            "": {"": "empty"}, "esc\"aped": "quote", "uni\u00e9": "é", "n": -3e2},
            "dup": 1, "dup": 2, "list": [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]}"#;
        let body = JsonBody::new(Bytes::from(text));
        let parsed: Value = serde_json::from_str(text).unwrap();
        let pointers = [
            "",
            "/data",
            "/data/status",
            "/data/url",
            "/data/progress",
            "/data/items",
            "/data/items/0",
            "/data/items/0/id",
            "/data/items/1/tags/1",
            "/data/items/2",
            "/data/items/01",
            "/data/items/+1",
            "/data/items/-",
            "/data/items/x",
            "/data/a~1b",
            "/data/m~0n",
            "/data/",
            "/data//",
            "/data/esc\"aped",
            "/data/unié",
            "/data/n",
            "/dup",
            "/list/10",
            "/list/11",
            "/list/12",
            "/missing",
            "/data/status/x",
            "/data/progress/0",
            "data",
            "/data/url/x",
        ];
        for pointer in pointers {
            assert_eq!(
                body.value_at(pointer).map(Cow::into_owned),
                parsed.pointer(pointer).cloned(),
                "{pointer}"
            );
            assert_eq!(
                parsed.value_at(pointer).as_deref(),
                parsed.pointer(pointer),
                "{pointer}"
            );
        }
        assert_eq!(body.to_value().unwrap(), parsed);
    }

    #[test]
    fn a_body_that_is_not_json_has_no_values() {
        for text in [
            r#"{"status": "COMPLETED""#,
            r#"{"status": "COMPLETED"} x"#,
            "",
            "<html>",
        ] {
            let body = JsonBody::new(Bytes::from(text));
            assert_eq!(body.value_at("/status"), None, "{text}");
            assert!(body.to_value().is_err(), "{text}");
        }
    }

    #[test]
    fn a_body_prints_as_its_text() {
        let body = JsonBody::new(Bytes::from(json!({"id": "j1"}).to_string()));
        assert_eq!(format!("{body:?}"), r#"JsonBody("{\"id\":\"j1\"}")"#);
    }
}
