//! Path parameters that cannot move a request.
//!
//! A value put into a URL path can only change which resource a request reaches through two doors:
//! a character the URL parser reads as structure (`/`, `\`, `?`, `#`, `%`), and a segment the parser
//! resolves (`.`, `..`, and their percent-encoded spellings such as `%2e%2e`). [`encode_path`] shuts
//! the first by percent-encoding everything but RFC 3986 "unreserved" characters; the second cannot
//! be shut by encoding (WHATWG URL parsing decodes `%2e` in dot segments), so
//! [`check_path`] refuses a request whose resolved path no longer matches its operation's template.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use reqwest::Url;

/// Every byte but the RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`).
const NOT_UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes a path parameter so that it stays one segment: every byte outside RFC 3986
/// "unreserved" is encoded, including `/`, `\`, `?`, `#`, `%`, spaces, quotes, controls and
/// non-ASCII text (as UTF-8).
///
/// ```
/// use speech_client_runtime::path::encode_path;
/// assert_eq!(encode_path(r"..\admin"), "..%5Cadmin");
/// assert_eq!(encode_path("a/b?c#d"), "a%2Fb%3Fc%23d");
/// assert_eq!(encode_path("%2e"), "%252e");
/// assert_eq!(encode_path("é"), "%C3%A9");
/// ```
pub fn encode_path(value: &str) -> String {
    utf8_percent_encode(value, NOT_UNRESERVED).to_string()
}

/// Checks that `url`, built by an operation from `base_url` and its path `template` (such as
/// `/tts/{speechId}`), still has the template's shape: the same scheme, host and port, the base
/// URL's path, the template's literal segments, and one non-empty segment for each parameter.
///
/// A path value that the URL parser resolved as a dot segment (`.`, `..`, `%2e%2e`, `.%2E`) removes
/// segments or empties one, so the request would reach another resource with the caller's
/// credentials; the error is a sentence that names the operation and its path parameters.
pub fn check_path(
    operation: &str,
    base_url: &str,
    template: &str,
    url: &Url,
) -> Result<(), String> {
    let refuse = |reason: String| {
        let parameters = parameter_names(template);
        let culprit = match parameters.as_slice() {
            [] => "its path".to_owned(),
            [one] => format!("the value of path parameter `{one}`"),
            many => format!(
                "the values of path parameters {}",
                many.iter()
                    .map(|name| format!("`{name}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        Err(format!(
            "`{operation}` was not sent: {culprit} would move the request away from `{template}` \
             ({reason})"
        ))
    };
    let expected = match Url::parse(&format!("{base_url}{template}")) {
        Ok(expected) => expected,
        Err(error) => return refuse(format!("the base URL `{base_url}` is not a URL: {error}")),
    };
    if url.scheme() != expected.scheme()
        || url.host_str() != expected.host_str()
        || url.port_or_known_default() != expected.port_or_known_default()
    {
        return refuse(format!(
            "it would go to `{}`",
            url.origin().ascii_serialization()
        ));
    }
    if url.fragment().is_some() {
        return refuse("the URL would carry a fragment".into());
    }
    let expected_segments: Vec<&str> = expected.path().split('/').collect();
    let segments: Vec<&str> = url.path().split('/').collect();
    let matches = segments.len() == expected_segments.len()
        && segments
            .iter()
            .zip(&expected_segments)
            .all(|(segment, pattern)| segment_matches(segment, pattern));
    if matches {
        Ok(())
    } else {
        refuse(format!("the URL resolves to the path `{}`", url.path()))
    }
}

/// Whether a path segment fits one segment of the template as the URL parser serialised it: a
/// literal segment is equal; a segment holding a parameter (`%7BspeechId%7D`, possibly between
/// literal text) keeps that text around a non-empty value.
fn segment_matches(segment: &str, pattern: &str) -> bool {
    let (Some(open), Some(close)) = (pattern.find("%7B"), pattern.rfind("%7D")) else {
        return segment == pattern;
    };
    let (prefix, suffix) = (&pattern[..open], &pattern[close + 3..]);
    segment.len() > prefix.len() + suffix.len()
        && segment.starts_with(prefix)
        && segment.ends_with(suffix)
}

/// The parameter names of a path template, in order.
fn parameter_names(template: &str) -> Vec<String> {
    template
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_owned()))
        .collect()
}

/// Decodes one percent-encoded path segment (what a server does with it), for tests and mocks
/// that compare a received path with the value that was sent.
pub fn decode_segment(segment: &str) -> String {
    percent_decode_str(segment).decode_utf8_lossy().into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "http://127.0.0.1:8080/api/v1";
    const TEMPLATE: &str = "/tts/{speechId}";

    fn check(value: &str) -> Result<(), String> {
        let url = Url::parse(&format!("{BASE}/tts/{}", encode_path(value))).unwrap();
        check_path("get_speech", BASE, TEMPLATE, &url)
    }

    #[test]
    fn only_unreserved_characters_are_left_as_they_are() {
        let unreserved = "AZaz09-._~";
        assert_eq!(encode_path(unreserved), unreserved);
        for (value, encoded) in [
            ("/", "%2F"),
            ("\\", "%5C"),
            ("?", "%3F"),
            ("#", "%23"),
            ("%", "%25"),
            (" ", "%20"),
            ("\"", "%22"),
            ("'", "%27"),
            ("\u{0}", "%00"),
            ("\n", "%0A"),
            ("語", "%E8%AA%9E"),
        ] {
            assert_eq!(encode_path(value), encoded, "{value:?}");
            assert_eq!(decode_segment(encoded), value);
        }
    }

    #[test]
    fn values_the_parser_resolves_as_dot_segments_are_refused_naming_the_parameter() {
        // `.` is unreserved, so these reach the parser as they are; `%` is always encoded, so the
        // percent-encoded spellings only arrive through a URL built without `encode_path`.
        for (value, url) in [
            (".", format!("{BASE}/tts/{}", encode_path("."))),
            ("..", format!("{BASE}/tts/{}", encode_path(".."))),
            ("", format!("{BASE}/tts/{}", encode_path(""))),
            ("%2e%2e", format!("{BASE}/tts/%2e%2e")),
            (".%2E", format!("{BASE}/tts/.%2E")),
            ("%2E", format!("{BASE}/tts/%2E")),
        ] {
            let url = Url::parse(&url).unwrap();
            let error = check_path("get_speech", BASE, TEMPLATE, &url).unwrap_err();
            assert!(
                error.starts_with(
                    "`get_speech` was not sent: the value of path parameter `speechId` would move \
                     the request away from `/tts/{speechId}`"
                ),
                "{value:?}: {error}"
            );
        }
    }

    #[test]
    fn encoded_values_stay_one_segment_and_pass() {
        for value in [
            "abc",
            "%2e%2e",
            r"..\x",
            r"..\..\..\admin\delete-all",
            "a/b",
            "?",
            "#",
            "a b",
            "...",
        ] {
            assert_eq!(check(value), Ok(()), "{value:?}");
        }
    }

    #[test]
    fn a_request_outside_the_base_url_or_on_another_host_is_refused() {
        for url in [
            "http://127.0.0.1:8080/tts/x",
            "http://127.0.0.1:8080/api/v2/tts/x",
            "http://127.0.0.1:9090/api/v1/tts/x",
            "https://127.0.0.1:8080/api/v1/tts/x",
            "http://127.0.0.1:8080/api/v1/tts/x/y",
            "http://127.0.0.1:8080/api/v1/tts/x#f",
        ] {
            let url = Url::parse(url).unwrap();
            assert!(
                check_path("get_speech", BASE, TEMPLATE, &url).is_err(),
                "{url}"
            );
        }
    }

    #[test]
    fn a_base_url_with_a_trailing_slash_keeps_working() {
        let base = "http://127.0.0.1:8080/api/";
        let url = Url::parse(&format!("{base}/status?id=1")).unwrap();
        assert_eq!(check_path("status", base, "/status", &url), Ok(()));
    }

    #[test]
    fn parameters_inside_a_segment_keep_the_literal_text_around_them() {
        let url = Url::parse("http://h/files/abc.mp3").unwrap();
        assert_eq!(check_path("f", "http://h", "/files/{id}.mp3", &url), Ok(()));
        let url = Url::parse("http://h/files/.mp3").unwrap();
        assert!(check_path("f", "http://h", "/files/{id}.mp3", &url).is_err());
    }

    #[test]
    fn several_parameters_are_all_named() {
        let url = Url::parse("http://h/a").unwrap();
        let error = check_path("op", "http://h", "/a/{x}/b/{y}", &url).unwrap_err();
        assert!(error.contains("path parameters `x`, `y`"), "{error}");
    }
}
