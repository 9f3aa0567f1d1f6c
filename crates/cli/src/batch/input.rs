//! A batch's input: one JSON object a line, `{"text", "voice", "id"?, "format"?, "options"?}`,
//! all read and checked before anything is sent.

use std::collections::HashSet;
use std::path::Path;

use serde::Deserialize;
use serde_json::{Map, Value};
use speech_facade::SpeechRequest;

use crate::exit::Failure;

/// One line of the input.
#[derive(Debug, PartialEq)]
pub struct Item {
    /// The line's `id`, else its line number (from 1): the output file's name and the
    /// journal's key.
    pub id: String,
    pub text: String,
    pub voice: String,
    pub format: Option<String>,
    pub options: Map<String, Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    text: String,
    voice: String,
    id: Option<Value>,
    format: Option<String>,
    #[serde(default)]
    options: Map<String, Value>,
}

impl Item {
    pub fn request(&self) -> SpeechRequest {
        SpeechRequest {
            text: self.text.clone(),
            voice: self.voice.clone(),
            format: self.format.clone(),
            options: self.options.clone(),
        }
    }
}

/// Every item of the file at `path`; blank lines are skipped (and still counted).
pub fn read(path: &Path) -> Result<Vec<Item>, Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|error| Failure::input(format!("reading {}: {error}", path.display())))?;
    parse(&text).map_err(|message| Failure::input(format!("{}: {message}", path.display())))
}

fn parse(text: &str) -> Result<Vec<Item>, String> {
    let mut seen = HashSet::new();
    let mut items = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let number = index + 1;
        if line.trim().is_empty() {
            continue;
        }
        let line: Line =
            serde_json::from_str(line).map_err(|error| format!("line {number}: {error}"))?;
        let id = match line.id {
            None => number.to_string(),
            Some(Value::String(id)) => id,
            Some(Value::Number(id)) => id.to_string(),
            Some(other) => return Err(format!("line {number}: the id {other} is not a string")),
        };
        let safe = |name: &str| {
            !name.is_empty()
                && !name.starts_with('.')
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        };
        if !safe(&id) {
            return Err(format!(
                "line {number}: the id `{id}` is no file name (letters, digits, -, _ and .)"
            ));
        }
        if let Some(format) = line.format.as_deref().filter(|format| !safe(format)) {
            return Err(format!("line {number}: `{format}` is no file extension"));
        }
        if !seen.insert(id.clone()) {
            return Err(format!("line {number}: the id `{id}` is used twice"));
        }
        items.push(Item {
            id,
            text: line.text,
            voice: line.voice,
            format: line.format,
            options: line.options,
        });
    }
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_named_by_their_id_or_number_and_checked_before_anything_is_sent() {
        let items = parse(
            "{\"text\": \"a\", \"voice\": \"v\"}\n\n\
             {\"text\": \"b\", \"voice\": \"v\", \"id\": \"intro\", \"format\": \"wav\", \"options\": {\"speed\": 1}}\n",
        )
        .unwrap();
        assert_eq!(items[0].id, "1");
        assert_eq!(items[1].id, "intro");
        assert_eq!(items[1].request().format.as_deref(), Some("wav"));
        assert_eq!(items[1].request().options["speed"], 1);
        for bad in [
            "{\"text\": \"a\"}",
            "not json",
            "{\"text\": \"a\", \"voice\": \"v\", \"id\": \"../x\"}",
            "{\"text\": \"a\", \"voice\": \"v\", \"format\": \"mp3/..\"}",
            "{\"text\": \"a\", \"voice\": \"v\", \"speed\": 1}",
            "{\"text\": \"a\", \"voice\": \"v\", \"id\": 2}\n{\"text\": \"b\", \"voice\": \"v\"}",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
