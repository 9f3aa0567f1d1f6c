//! Plain-text documents (and rendered pages without code fences).
//!
//! - **Blocks**: a code snippet starts at a line only code starts with and runs while its lines
//!   read as code (see [`super::code`]); a blank line stays inside it when the next line is
//!   indented or reads as code. A JSON body is a line starting with `{` or `[` and the lines up to
//!   where its brackets balance, when that text parses as JSON once the placeholders documents
//!   print are read as values (an unquoted `<name>`, `...` as an item).
//! - **Headings**: a line outside blocks, at the margin, of at most 80 characters and 8 words,
//!   starting with a capital or a digit (or a lowercase letter then a capital, as `cURL`), ending in no
//!   punctuation (`.` `,` `;` `:` `!` `?` `→` or an opening bracket), holding none of
//!   `= < > { } | \` " $` nor a URL, and not a `Name: value`
//!   field line. Headings are flat: plain text has no levels.

use super::code::{self, Scanner};
use super::document::{Builder, Document};

pub fn parse(lines: &[&str]) -> Document {
    let mut builder = Builder::default();
    let mut heading = String::new();
    let mut index = 0;
    while index < lines.len() {
        let line = lines[index];
        let end = if code::starts(line) {
            Some(snippet_end(lines, index))
        } else {
            json_end(lines, index)
        };
        if let Some(end) = end {
            builder.block(heading.clone(), &lines[index..end], index + 1);
            index = end;
            continue;
        }
        if is_heading(line) {
            heading = line.trim().to_owned();
            builder.section(heading.clone(), index + 1);
        } else {
            builder.prose(line);
        }
        index += 1;
    }
    builder.finish()
}

/// The line after the snippet that starts at `start`.
fn snippet_end(lines: &[&str], start: usize) -> usize {
    let mut scanner = Scanner::default();
    scanner.feed(lines[start]);
    let mut last = start;
    let mut index = start + 1;
    while index < lines.len() {
        let open = scanner.open() || code::leaves_open(lines[last]);
        let line = lines[index];
        if line.is_empty() {
            let next = (index..lines.len()).find(|&i| !lines[i].is_empty());
            match next {
                Some(next) if open || indented(lines[next]) || code::continues(lines[next]) => {
                    index = next;
                    continue;
                }
                _ => break,
            }
        }
        if !(open || indented(line) || code::continues(line)) {
            break;
        }
        scanner.feed(line);
        last = index;
        index += 1;
    }
    last + 1
}

/// Indented, and not a bulleted list item.
fn indented(line: &str) -> bool {
    let trimmed = line.trim_start();
    trimmed.len() < line.len() && !trimmed.starts_with(['•', '*']) && !trimmed.starts_with("- ")
}

/// The line after the JSON body that starts at `start`, if one does.
fn json_end(lines: &[&str], start: usize) -> Option<usize> {
    if !lines[start].trim_start().starts_with(['{', '[']) {
        return None;
    }
    let mut depth = 0usize;
    let mut in_string = false;
    for (index, line) in lines.iter().enumerate().skip(start) {
        let mut chars = line.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' if in_string => {
                    chars.next();
                }
                '"' => in_string = !in_string,
                '{' | '[' if !in_string => depth += 1,
                '}' | ']' if !in_string => {
                    depth -= 1;
                    if depth == 0 {
                        let text = lines[start..=index].join("\n");
                        return is_json(&text).then_some(index + 1);
                    }
                }
                _ => {}
            }
        }
    }
    None
}

/// Whether the text parses as JSON, reading an unquoted `<placeholder>` as a string and `...`
/// (or `…`) as an item.
pub fn is_json(text: &str) -> bool {
    let mut tolerant = String::with_capacity(text.len());
    let mut in_string = false;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let mut step = c.len_utf8();
        if in_string {
            if c == '\\' {
                step += rest[1..].chars().next().map_or(0, char::len_utf8);
            }
            in_string = c != '"';
            tolerant.push_str(&rest[..step]);
        } else if c == '"' {
            in_string = true;
            tolerant.push('"');
        } else if let Some(end) = placeholder(rest) {
            tolerant.push_str("null");
            step = end;
        } else {
            tolerant.push(c);
        }
        rest = &rest[step..];
    }
    serde_json::from_str::<serde_json::Value>(&tolerant).is_ok()
}

/// The length of a placeholder at the start of `text`: `<name>`, `...` or `…`.
fn placeholder(text: &str) -> Option<usize> {
    if text.starts_with("...") {
        return Some(3);
    }
    if text.starts_with('…') {
        return Some('…'.len_utf8());
    }
    let inner = text.strip_prefix('<')?;
    let end = inner.find(['>', '"', '\n', '<'])?;
    (inner[end..].starts_with('>') && end > 0).then_some(end + 2)
}

pub fn is_heading(line: &str) -> bool {
    let text = line.trim();
    let words: Vec<&str> = text.split_whitespace().collect();
    let Some(first) = words.first() else {
        return false;
    };
    let mut letters = first.chars();
    let capital = match (letters.next(), letters.next()) {
        (Some(first), _) if first.is_uppercase() || first.is_ascii_digit() => true,
        (Some(first), Some(second)) => first.is_lowercase() && second.is_uppercase(),
        _ => false,
    };
    let field = first.ends_with(':') && words.len() > 1;
    line.len() == text.len()
        && text.chars().count() <= 80
        && words.len() <= 8
        && capital
        && !text.ends_with(['.', ',', ';', ':', '!', '?', '→', '(', '[', '{', '\\'])
        && !text.contains(['=', '<', '>', '{', '}', '|', '`', '"', '$'])
        && !text.contains("://")
        && !field
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_text(text: &str) -> Document {
        let lines: Vec<&str> = text.split('\n').collect();
        parse(&lines)
    }

    fn texts(document: &Document) -> Vec<(&str, &str)> {
        document
            .blocks
            .iter()
            .map(|block| (block.heading.as_str(), block.text.as_str()))
            .collect()
    }

    #[test]
    fn headings_are_short_standalone_title_lines() {
        for heading in [
            "Base URL",
            "cURL - Basic (voice file only)",
            "Step 1: Submit the Generation Task",
            "When you see status: “pending”",
            "1. Check Credits Before API Calls",
            "POST /api/v1/tts",
        ] {
            assert!(is_heading(heading), "{heading}");
        }
        for prose in [
            "Authorization: Bearer YOUR_API_KEY",
            "Example:",
            "Required range: 0.1 <= x <= 5",
            "All API endpoints are versioned and accessible from the following base URL:",
            "https://api.audixa.ai/v2",
            "- Sign up for an account",
            "  • Kokoro-82m: 44 multilingual voices",
            "speed",
            "default:Kokoro-82m",
            "[Binary audio data]",
            "This guide provides the essential information you need to get started, including auth.",
        ] {
            assert!(!is_heading(prose), "{prose}");
        }
    }

    #[test]
    fn json_bodies_parse_with_the_placeholders_documents_print() {
        assert!(is_json("{\n\"id\": \"clxxxx\",\n\"n\": 1\n}"));
        assert!(is_json("{\"model\": \"<string>\"}"));
        assert!(is_json("{\"key\": <api-key>}"));
        assert!(is_json("[1, 2, ...]"));
        assert!(is_json("[\"a\", …]"));
        assert!(!is_json("[Binary audio data]"));
        assert!(!is_json("{ text, voiceId }"));
    }

    #[test]
    fn unindented_code_without_blank_lines_ends_at_the_next_heading() {
        let document = parse_text(
            "Python\nimport requests\ndef get(speech_id):\nurl = f\"https://x/{speech_id}\"\ntry:\nresponse = requests.get(url)\nexcept Exception as e:\nprint(f\"Error: {e}\")\nget(\"clxxxx\")\nSuccess Response\n{\n\"success\": true\n}\nStatus Values",
        );
        assert_eq!(
            texts(&document),
            [
                (
                    "Python",
                    "import requests\ndef get(speech_id):\nurl = f\"https://x/{speech_id}\"\ntry:\nresponse = requests.get(url)\nexcept Exception as e:\nprint(f\"Error: {e}\")\nget(\"clxxxx\")"
                ),
                ("Success Response", "{\n\"success\": true\n}"),
            ]
        );
        let headings: Vec<&str> = document
            .sections
            .iter()
            .map(|s| s.heading.as_str())
            .collect();
        assert_eq!(headings, ["Python", "Success Response", "Status Values"]);
    }

    #[test]
    fn a_call_and_the_answer_printed_after_it_are_two_blocks() {
        let document = parse_text(
            "cURL\ncurl --request POST \\\n  --data '\n{\n  \"text\": \"Hi\"\n}\n'\n{\n  \"audioUrl\": \"<string>\"\n}\n\nOverview\n\nConvert text.",
        );
        assert_eq!(
            texts(&document),
            [
                (
                    "cURL",
                    "curl --request POST \\\n  --data '\n{\n  \"text\": \"Hi\"\n}\n'"
                ),
                ("cURL", "{\n  \"audioUrl\": \"<string>\"\n}"),
            ]
        );
        assert_eq!(document.sections[1].prose, "Convert text.");
    }

    #[test]
    fn blank_lines_inside_indented_code_and_comments_stay_in_the_snippet() {
        let document = parse_text(
            "Basic Usage\n\nimport requests\n\ndef speak(text):\n    payload = {\"text\": text}\n\n    return payload\n\n# Basic usage\nspeak(\n    \"Hello\"\n)\n\nAsync Status\n\nSome models run later.",
        );
        assert_eq!(document.blocks.len(), 1);
        assert!(
            document.blocks[0]
                .text
                .starts_with("import requests\n\ndef speak")
        );
        assert!(document.blocks[0].text.ends_with("    \"Hello\"\n)"));
        assert_eq!(
            document.sections.last().unwrap().prose,
            "Some models run later."
        );
    }

    #[test]
    fn prose_is_the_text_outside_blocks_under_its_heading() {
        let document = parse_text(
            "Welcome to the API.\nCredits System\n- Voice Clone: 1000 credits\n- Maximum text length: 5000 bytes\nError Responses\nAll errors follow a consistent format:\n{\n\"code\": \"E\"\n}",
        );
        let sections: Vec<(&str, &str)> = document
            .sections
            .iter()
            .map(|s| (s.heading.as_str(), s.prose.as_str()))
            .collect();
        assert_eq!(
            sections,
            [
                ("", "Welcome to the API."),
                (
                    "Credits System",
                    "- Voice Clone: 1000 credits\n- Maximum text length: 5000 bytes"
                ),
                ("Error Responses", "All errors follow a consistent format:"),
            ]
        );
    }
}
