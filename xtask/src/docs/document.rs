//! A provider document as published, cut into sections and blocks (see `specs/README.md`, "The
//! documents as published"): Markdown by its `#` headings and fenced code, plain text by the rules
//! in [`super::plain`].

use sha2::{Digest, Sha256};

use super::{markdown, plain};

/// One part of a document: the prose under a heading, with its blocks taken out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The heading path (`Title > Heading > Sub-heading` in Markdown; the heading line in plain
    /// text); empty for the text before the first heading.
    pub heading: String,
    /// The section's text outside its blocks, normalised, without leading and trailing blank lines.
    pub prose: String,
    /// Where the heading is (1-based), for messages.
    pub line: usize,
}

/// A code block or JSON body as printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// The heading it sits under (in Markdown, with the GitBook tab title that holds it).
    pub heading: String,
    /// The printed text, normalised.
    pub text: String,
    /// Where the block starts (1-based), for messages.
    pub line: usize,
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Document {
    pub sections: Vec<Section>,
    pub blocks: Vec<Block>,
}

impl Document {
    /// Parses `text` as Markdown when the document's name ends in `.md` and it has a fenced code
    /// block, else as plain text (a rendered page saved as `.md` has no fences).
    pub fn parse(name: &str, text: &str) -> Self {
        let text = normalise(text);
        let lines: Vec<&str> = text.split('\n').collect();
        if name.ends_with(".md") && lines.iter().any(|line| markdown::fence(line).is_some()) {
            markdown::parse(&lines)
        } else {
            plain::parse(&lines)
        }
    }
}

/// Collects sections and blocks while a parser walks the lines.
#[derive(Default)]
pub struct Builder {
    document: Document,
    prose: Vec<String>,
}

impl Builder {
    /// Starts a section; what follows until the next one is its prose.
    pub fn section(&mut self, heading: String, line: usize) {
        self.close();
        self.document.sections.push(Section {
            heading,
            prose: String::new(),
            line,
        });
    }

    pub fn prose(&mut self, line: &str) {
        self.prose.push(line.to_owned());
    }

    pub fn block(&mut self, heading: String, lines: &[&str], line: usize) {
        self.document.blocks.push(Block {
            heading,
            text: lines.join("\n"),
            line,
        });
    }

    fn close(&mut self) {
        let lines = std::mem::take(&mut self.prose);
        let start = lines.iter().position(|line| !line.is_empty());
        let end = lines.iter().rposition(|line| !line.is_empty());
        let prose = match (start, end) {
            (Some(start), Some(end)) => lines[start..=end].join("\n"),
            _ => String::new(),
        };
        match self.document.sections.last_mut() {
            Some(section) => section.prose = prose,
            // Text before the first heading is a section without a heading.
            None if !prose.is_empty() => self.document.sections.push(Section {
                heading: String::new(),
                prose,
                line: 1,
            }),
            None => {}
        }
    }

    pub fn finish(mut self) -> Document {
        self.close();
        self.document
    }
}

/// Undoes only what publishing changes: line endings and trailing spaces. Everything else,
/// indentation and blank lines included, carries meaning and is kept.
pub fn normalise(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .split('\n')
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
}

/// The fingerprint of a printed text: the first 12 hex digits of its SHA-256.
pub fn fingerprint(text: &str) -> String {
    Sha256::digest(text.as_bytes())[..6]
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}
