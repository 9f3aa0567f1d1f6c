//! How plain text tells a code snippet (a cURL, Python or JavaScript call) from prose, line by
//! line. Rendered pages lose their code fences, and some lose indentation too, so the rule reads
//! the code itself: a snippet starts at a line only code starts with and goes on while the lines
//! read as code or a bracket, string or line continuation is still open.

/// Words that start a snippet (`from` only as `from x import y`).
const STARTS: &[&str] = &[
    "curl", "import", "const", "let", "var", "function", "def", "class",
];

/// Lowercase keywords that start a line of code inside a snippet (prose sentences start upper
/// case).
const KEYWORDS: &[&str] = &[
    "async", "await", "return", "if", "elif", "else", "for", "while", "try", "except", "finally",
    "catch", "with", "raise", "throw", "break", "continue", "print", "console", "from",
];

/// Whether a snippet starts at this line.
pub fn starts(line: &str) -> bool {
    let line = line.trim();
    let word = first_word(line);
    STARTS.contains(&word)
        || (word == "from" && line.contains(" import "))
        || (word == "async" && line.starts_with("async function"))
        || line == "try:"
        || line.starts_with("# ")
        || is_assignment(line)
        || is_call(line)
}

/// Whether a line inside a snippet reads as code. A line opening with `{` or `[` once every
/// bracket is closed is a JSON body printed after the call (an answer), not code.
pub fn continues(line: &str) -> bool {
    let trimmed = line.trim();
    if trimmed.starts_with(['{', '[']) {
        return false;
    }
    starts(line)
        || KEYWORDS.contains(&first_word(trimmed))
        || trimmed.starts_with(['}', ')', ']', '#'])
        || (trimmed.starts_with('-') && !trimmed.starts_with("- "))
        || trimmed.starts_with("//")
        || trimmed.ends_with([';', '{', '(', '[', ',', '\\'])
}

/// Whether the line leaves the statement open, so the next line belongs to it.
pub fn leaves_open(line: &str) -> bool {
    let trimmed = line.trim();
    trimmed.ends_with(['\\', ',', '(', '[', '{', '=', ':', '+', '?']) || trimmed.ends_with("=>")
}

fn first_word(line: &str) -> &str {
    let end = line
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(line.len());
    &line[..end]
}

/// `name = value`, `a.b["c"] = value`, `x += 1` (not `==`).
fn is_assignment(line: &str) -> bool {
    let target = line
        .find(|c: char| !(c.is_ascii_alphanumeric() || "_$.[]'\"".contains(c)))
        .unwrap_or(line.len());
    if target == 0 || !line.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        return false;
    }
    let rest = line[target..].trim_start();
    let rest = rest.strip_prefix(['+', '-']).unwrap_or(rest);
    rest.starts_with('=') && !rest.starts_with("==")
}

/// `name(`, `object.method(`: a call or a definition's use.
fn is_call(line: &str) -> bool {
    let name = line
        .find(|c: char| !(c.is_ascii_alphanumeric() || "_$.".contains(c)))
        .unwrap_or(line.len());
    name > 0
        && line.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && line[name..].starts_with('(')
}

/// Brackets and strings still open after the lines fed so far (comments skipped).
#[derive(Default)]
pub struct Scanner {
    depth: usize,
    quote: Option<char>,
}

impl Scanner {
    pub fn open(&self) -> bool {
        self.depth > 0 || self.quote.is_some()
    }

    pub fn feed(&mut self, line: &str) {
        let mut previous = ' ';
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            match self.quote {
                Some(_) if c == '\\' => {
                    chars.next();
                }
                Some(quote) if c == quote => self.quote = None,
                Some(_) => {}
                None => match c {
                    '\'' | '"' | '`' => self.quote = Some(c),
                    '(' | '[' | '{' => self.depth += 1,
                    ')' | ']' | '}' => self.depth = self.depth.saturating_sub(1),
                    '#' if previous.is_whitespace() => return,
                    '/' if previous.is_whitespace() && chars.peek() == Some(&'/') => return,
                    _ => {}
                },
            }
            previous = c;
        }
    }
}
