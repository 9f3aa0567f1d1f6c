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
/// read without parsing what the pointers do not reach.
pub trait JsonDocument {
    /// The value at `pointer`, as [`Value::pointer`] finds it (`""` is the whole document,
    /// `~1` and `~0` escape `/` and `~`, array indexes are decimal without leading zeros);
    /// `None` when the document has no such value.
    fn value_at(&self, pointer: &str) -> Option<Cow<'_, Value>>;

    /// The value at each of `pointers`, in their order (a [`JsonBody`] reads them all in one
    /// pass over its bytes).
    fn values_at(&self, pointers: &[&str]) -> Vec<Option<Cow<'_, Value>>> {
        pointers
            .iter()
            .map(|pointer| self.value_at(pointer))
            .collect()
    }
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
        self.values_at(&[pointer]).pop().flatten()
    }

    fn values_at(&self, pointers: &[&str]) -> Vec<Option<Cow<'_, Value>>> {
        let mut found = vec![None; pointers.len()];
        let wanted: Vec<Wanted<'_>> = pointers
            .iter()
            .enumerate()
            .filter_map(|(slot, pointer)| Wanted::new(slot, pointer))
            .collect();
        let mut document = serde_json::Deserializer::from_slice(&self.0);
        let read = Find {
            wanted: &wanted,
            found: &mut found,
        }
        .deserialize(&mut document)
        .and_then(|()| document.end());
        if read.is_err() {
            // Not one JSON value: nothing is in it.
            found.fill(None);
        }
        found
            .into_iter()
            .map(|value| value.map(Cow::Owned))
            .collect()
    }
}

/// A pointer being followed: the slot its value goes to, and the reference tokens left after the
/// value being read (`None`: that value is the one wanted).
#[derive(Clone, Copy)]
struct Wanted<'p> {
    slot: usize,
    rest: Option<&'p str>,
}

impl<'p> Wanted<'p> {
    /// `pointer` from the top of the document; `None` for text that is not a pointer.
    fn new(slot: usize, pointer: &'p str) -> Option<Self> {
        let rest = match pointer {
            "" => None,
            _ => Some(pointer.strip_prefix('/')?),
        };
        Some(Self { slot, rest })
    }

    /// The next reference token, unescaped, and the pointer from the value it names on; `None`
    /// when the value being read is the one wanted.
    fn step(self) -> Option<(Cow<'p, str>, Self)> {
        let path = self.rest?;
        let (token, rest) = match path.split_once('/') {
            Some((token, rest)) => (token, Some(rest)),
            None => (path, None),
        };
        let token = if token.contains('~') {
            Cow::Owned(token.replace("~1", "/").replace("~0", "~"))
        } else {
            Cow::Borrowed(token)
        };
        Some((token, Self { rest, ..self }))
    }
}

/// Reads the value being deserialised for the `wanted` pointers into their `found` slots.
struct Find<'w, 'p> {
    wanted: &'w [Wanted<'p>],
    found: &'w mut [Option<Value>],
}

impl<'de> DeserializeSeed<'de> for Find<'_, '_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        let steps: Option<Vec<_>> = self.wanted.iter().map(|wanted| wanted.step()).collect();
        if let Some(steps) = steps {
            return deserializer.deserialize_any(Step {
                steps,
                found: self.found,
            });
        }
        // This value itself is wanted: it is read whole, and pointers going deeper read it.
        let value = Value::deserialize(deserializer)?;
        for wanted in self.wanted {
            self.found[wanted.slot] = within(&value, *wanted).cloned();
        }
        Ok(())
    }
}

/// The value `wanted` points to from `value`.
fn within<'v>(mut value: &'v Value, mut wanted: Wanted<'_>) -> Option<&'v Value> {
    while let Some((token, next)) = wanted.step() {
        value = match value {
            Value::Object(members) => members.get(token.as_ref())?,
            Value::Array(elements) => elements.get(array_index(&token)?)?,
            _ => return None,
        };
        wanted = next;
    }
    Some(value)
}

/// One step down for each pointer: into the member named by its token, or the element at its
/// index. Nothing is found in a value of any other kind.
struct Step<'w, 'p> {
    steps: Vec<(Cow<'p, str>, Wanted<'p>)>,
    found: &'w mut [Option<Value>],
}

impl Step<'_, '_> {
    /// The pointers that continue into the member or element `token` names.
    fn continuing<'p>(
        steps: &[(Cow<'p, str>, Wanted<'p>)],
        token: impl Fn(&str) -> bool,
    ) -> Vec<Wanted<'p>> {
        steps
            .iter()
            .filter(|(name, _)| token(name))
            .map(|(_, wanted)| *wanted)
            .collect()
    }
}

impl<'de> Visitor<'de> for Step<'_, '_> {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        // Every member is read (the document must be well-formed to its end); a repeated name
        // gives its last value, as parsing the whole document would.
        while let Some(wanted) = map.next_key_seed(Member(&self.steps))? {
            if wanted.is_empty() {
                map.next_value::<IgnoredAny>()?;
            } else {
                map.next_value_seed(Find {
                    wanted: &wanted,
                    found: self.found,
                })?;
            }
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        for index in 0.. {
            let wanted = Self::continuing(&self.steps, |token| array_index(token) == Some(index));
            let element = if wanted.is_empty() {
                seq.next_element::<IgnoredAny>()?.map(drop)
            } else {
                seq.next_element_seed(Find {
                    wanted: &wanted,
                    found: self.found,
                })?
            };
            if element.is_none() {
                break;
            }
        }
        Ok(())
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
}

/// An array index as RFC 6901 writes it: decimal digits, no sign, no leading zero.
fn array_index(token: &str) -> Option<usize> {
    if token.starts_with('+') || (token.starts_with('0') && token.len() > 1) {
        return None;
    }
    token.parse().ok()
}

/// An object member's name, compared with each pointer's token as bytes (without allocating or
/// checking the UTF-8 the typed decode already checked): the pointers that continue into it.
struct Member<'s, 'p>(&'s [(Cow<'p, str>, Wanted<'p>)]);

impl<'de, 'p> DeserializeSeed<'de> for Member<'_, 'p> {
    type Value = Vec<Wanted<'p>>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_bytes(self)
    }
}

impl<'de, 'p> Visitor<'de> for Member<'_, 'p> {
    type Value = Vec<Wanted<'p>>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a member name")
    }

    fn visit_bytes<E>(self, name: &[u8]) -> Result<Self::Value, E> {
        Ok(Step::continuing(self.0, |token| token.as_bytes() == name))
    }

    fn visit_str<E>(self, name: &str) -> Result<Self::Value, E> {
        Ok(Step::continuing(self.0, |token| token == name))
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
        // All at once, in one pass: pointers into a value another pointer wants whole, repeated
        // pointers and text that is no pointer among them.
        let together: Vec<Option<Value>> = body
            .values_at(&pointers)
            .into_iter()
            .map(|value| value.map(Cow::into_owned))
            .collect();
        let expected: Vec<Option<Value>> = pointers
            .iter()
            .map(|pointer| parsed.pointer(pointer).cloned())
            .collect();
        assert_eq!(together, expected);
        let repeated = [
            "/data/status",
            "/data/items/1/tags",
            "/data/status",
            "/data/items/1",
        ];
        let values = body.values_at(&repeated);
        for (pointer, value) in repeated.iter().zip(values) {
            assert_eq!(value.as_deref(), parsed.pointer(pointer), "{pointer}");
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
            assert_eq!(body.values_at(&["", "/status"]), [None, None], "{text}");
            assert!(body.to_value().is_err(), "{text}");
        }
    }

    #[test]
    fn a_body_prints_as_its_text() {
        let body = JsonBody::new(Bytes::from(json!({"id": "j1"}).to_string()));
        assert_eq!(format!("{body:?}"), r#"JsonBody("{\"id\":\"j1\"}")"#);
    }
}
