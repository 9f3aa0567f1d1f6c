//! Markdown documents: sections are `#` headings (their path, `Title > Heading > Sub-heading`),
//! blocks are fenced code. A GitBook tab (`{% tab title="cURL" %}`) names the blocks in it, so a
//! block's heading is `Heading > cURL`.

use super::document::{Builder, Document};

/// The fence a line opens or closes (its character repeated, at least three), if it is one.
pub fn fence(line: &str) -> Option<&str> {
    let trimmed = line.trim_start_matches(' ');
    if line.len() - trimmed.len() > 3 {
        return None;
    }
    let marker = trimmed.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let length = trimmed.len() - trimmed.trim_start_matches(marker).len();
    (length >= 3).then(|| &trimmed[..length])
}

/// A heading line's level and title.
fn heading(line: &str) -> Option<(usize, &str)> {
    let level = line.len() - line.trim_start_matches('#').len();
    let rest = &line[level..];
    if !(1..=6).contains(&level) || !(rest.is_empty() || rest.starts_with(' ')) {
        return None;
    }
    Some((level, rest.trim().trim_end_matches('#').trim_end()))
}

/// The title of a GitBook tab opened on this line.
fn tab(line: &str) -> Option<&str> {
    let rest = line.trim().strip_prefix("{% tab title=\"")?;
    Some(&rest[..rest.find('"')?])
}

pub fn parse(lines: &[&str]) -> Document {
    let mut builder = Builder::default();
    let mut path: Vec<(usize, &str)> = Vec::new();
    let mut tab_title: Option<&str> = None;
    let mut index = 0;
    while index < lines.len() {
        let line = lines[index];
        if let Some(open) = fence(line) {
            let close = lines[index + 1..]
                .iter()
                .position(|candidate| {
                    fence(candidate).is_some_and(|marker| {
                        marker.starts_with(open) && candidate.trim() == marker
                    })
                })
                .map_or(lines.len(), |offset| index + 1 + offset);
            let mut heading = join(&path);
            if let Some(title) = tab_title {
                heading = if heading.is_empty() {
                    title.to_owned()
                } else {
                    format!("{heading} > {title}")
                };
            }
            builder.block(heading, &lines[index + 1..close], index + 1);
            index = close + 1;
            continue;
        }
        if let Some((level, title)) = heading(line) {
            path.retain(|(outer, _)| *outer < level);
            path.push((level, title));
            tab_title = None;
            builder.section(join(&path), index + 1);
        } else {
            if let Some(title) = tab(line) {
                tab_title = Some(title);
            } else if line.trim() == "{% endtab %}" {
                tab_title = None;
            }
            builder.prose(line);
        }
        index += 1;
    }
    builder.finish()
}

fn join(path: &[(usize, &str)]) -> String {
    path.iter()
        .map(|(_, title)| *title)
        .collect::<Vec<_>>()
        .join(" > ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_text(text: &str) -> Document {
        let lines: Vec<&str> = text.split('\n').collect();
        parse(&lines)
    }

    #[test]
    fn sections_are_heading_paths_and_blocks_are_fenced_code() {
        let document = parse_text(
            "Preamble\n# API\nIntro\n## Authentication\nSend a key.\n{% tabs %}\n{% tab title=\"cURL\" %}\n```bash\ncurl -X POST \"https://x\"\n# not a heading\n```\n{% endtab %}\n{% tab title=\"Python\" %}\n````python\nprint(\"```\")\n````\n{% endtab %}\n{% endtabs %}\n```\nuntitled\n```\n### Response\nText\n## Next\n",
        );
        let sections: Vec<(&str, &str)> = document
            .sections
            .iter()
            .map(|s| (s.heading.as_str(), s.prose.as_str()))
            .collect();
        assert_eq!(
            sections,
            [
                ("", "Preamble"),
                ("API", "Intro"),
                (
                    "API > Authentication",
                    "Send a key.\n{% tabs %}\n{% tab title=\"cURL\" %}\n{% endtab %}\n{% tab title=\"Python\" %}\n{% endtab %}\n{% endtabs %}"
                ),
                ("API > Authentication > Response", "Text"),
                ("API > Next", ""),
            ]
        );
        let blocks: Vec<(&str, &str, usize)> = document
            .blocks
            .iter()
            .map(|b| (b.heading.as_str(), b.text.as_str(), b.line))
            .collect();
        assert_eq!(
            blocks,
            [
                (
                    "API > Authentication > cURL",
                    "curl -X POST \"https://x\"\n# not a heading",
                    8
                ),
                ("API > Authentication > Python", "print(\"```\")", 14),
                ("API > Authentication", "untitled", 19),
            ]
        );
    }

    #[test]
    fn an_unclosed_fence_runs_to_the_end() {
        let document = parse_text("# A\n```\nx\ny");
        assert_eq!(document.blocks[0].text, "x\ny");
    }
}
