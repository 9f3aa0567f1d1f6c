//! Server delay hints: how long a server asks a client to wait before trying again.
//!
//! Providers say this in different headers, so [`retry_after`] reads them in a fixed order:
//!
//! 1. `retry-after-ms`: a (possibly fractional) number of milliseconds. Not standard, but sent by
//!    OpenAI-style APIs because it is more precise than `Retry-After`.
//! 2. `Retry-After` (RFC 9110 §10.2.3): delay-seconds (fractions accepted, as several APIs send
//!    them) or an HTTP date.
//! 3. `X-RateLimit-Reset`: the Unix time at which the rate-limit window resets, in seconds, or in
//!    milliseconds when the number is too large to be seconds. Some APIs send it on every response,
//!    so it is a hint only for a refused request (`429`) or when `X-RateLimit-Remaining` says the
//!    window is spent (`0`): a served poll must not wait for the window to reset.
//!
//! A header that is present but unreadable does not hide the next one: the first header that
//! yields a usable value wins. The value comes from a server, so nothing here panics or overflows
//! on hostile input: garbage is ignored, absurdly long waits are reported as [`Hint::TooLong`].

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::header::{HeaderMap, HeaderName, RETRY_AFTER};

// Header names as `HeaderName` values, so that a lookup (on every answer) hashes them directly
// instead of parsing a name first.
/// Non-standard millisecond variant of `Retry-After` (standard `Retry-After`: RFC 9110).
const RETRY_AFTER_MS: HeaderName = HeaderName::from_static("retry-after-ms");
/// De-facto rate-limit header carrying the reset time as a Unix timestamp.
const RATE_LIMIT_RESET: HeaderName = HeaderName::from_static("x-ratelimit-reset");
/// De-facto rate-limit header carrying the requests left in the current window.
const RATE_LIMIT_REMAINING: HeaderName = HeaderName::from_static("x-ratelimit-remaining");
/// The status of a request refused by a rate limit.
const TOO_MANY_REQUESTS: u16 = 429;

/// A reset timestamp above this cannot be seconds (it would be after the year 33000), so it is
/// read as milliseconds.
const MILLISECOND_TIMESTAMP_THRESHOLD: f64 = 1e12;

/// Bounds applied to what servers ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HintLimits {
    /// The longest wait the client accepts. A longer request is not waited out: the caller is
    /// better served by an error it can act on than by a call that silently hangs for minutes.
    pub ceiling: Duration,
}

impl Default for HintLimits {
    /// 60 seconds: enough for per-minute rate-limit windows, the usual reason for a hint.
    fn default() -> Self {
        Self {
            ceiling: Duration::from_secs(60),
        }
    }
}

/// What the server asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hint {
    /// Wait this long (zero when the requested time is already past), at most the ceiling.
    After(Duration),
    /// The server asks for more than the ceiling. Carries the requested wait, saturated at
    /// [`Duration::MAX`] when it cannot be represented.
    TooLong(Duration),
}

/// Reads the server's delay hint from the `headers` of a response with `status`, measured from
/// `now`.
///
/// `now` is a parameter so that dates and timestamps can be tested without a real clock.
/// Returns `None` when no header carries a usable value (absent, negative, non-numeric, NaN,
/// malformed date), and ignores `X-RateLimit-Reset` unless the response is a `429` or
/// `X-RateLimit-Remaining` is `0`.
pub fn retry_after(
    headers: &HeaderMap,
    status: u16,
    now: SystemTime,
    limits: &HintLimits,
) -> Option<Hint> {
    let window_spent = status == TOO_MANY_REQUESTS
        || header_text(headers, RATE_LIMIT_REMAINING).is_some_and(|text| text == "0");
    let wait = header_text(headers, RETRY_AFTER_MS)
        .and_then(parse_milliseconds)
        .or_else(|| header_text(headers, RETRY_AFTER).and_then(|text| parse_retry_after(text, now)))
        .or_else(|| {
            let reset = header_text(headers, RATE_LIMIT_RESET).filter(|_| window_spent)?;
            parse_reset(reset, now)
        })?;
    Some(bound(wait, limits))
}

/// Applies the ceiling.
fn bound(wait: Duration, limits: &HintLimits) -> Hint {
    if wait > limits.ceiling {
        Hint::TooLong(wait)
    } else {
        Hint::After(wait)
    }
}

/// The first value of header `name`, if it is visible ASCII (anything else is garbage).
fn header_text(headers: &HeaderMap, name: HeaderName) -> Option<&str> {
    headers.get(name)?.to_str().ok().map(str::trim)
}

/// `retry-after-ms`: a non-negative number of milliseconds.
fn parse_milliseconds(text: &str) -> Option<Duration> {
    parse_non_negative(text).map(|millis| saturating_seconds(millis / 1000.0))
}

/// `Retry-After`: delay-seconds, else an HTTP date.
fn parse_retry_after(text: &str, now: SystemTime) -> Option<Duration> {
    if let Some(seconds) = parse_non_negative(text) {
        return Some(saturating_seconds(seconds));
    }
    let date = httpdate::parse_http_date(text).ok()?;
    Some(wait_until(date, now))
}

/// `X-RateLimit-Reset`: a Unix timestamp in seconds (or milliseconds when implausibly large).
fn parse_reset(text: &str, now: SystemTime) -> Option<Duration> {
    let mut seconds = parse_non_negative(text)?;
    if seconds > MILLISECOND_TIMESTAMP_THRESHOLD {
        seconds /= 1000.0;
    }
    let since_epoch = saturating_seconds(seconds);
    // Past the end of `SystemTime`: as far in the future as a wait can be.
    Some(
        UNIX_EPOCH
            .checked_add(since_epoch)
            .map_or(Duration::MAX, |reset| wait_until(reset, now)),
    )
}

/// Time from `now` until `target`; zero when `target` is already past.
fn wait_until(target: SystemTime, now: SystemTime) -> Duration {
    target.duration_since(now).unwrap_or(Duration::ZERO)
}

/// Parses a plain decimal number (`12`, `1.5`, `.5`, `2e3`) that is not negative.
///
/// `f64::from_str` also accepts `inf`, `NaN` and a leading sign; requiring a leading digit or
/// point rejects all three, so a negative or non-numeric value is garbage rather than a wait.
/// The result may be `+inf` when the digits overflow `f64`; [`saturating_seconds`] handles that.
fn parse_non_negative(text: &str) -> Option<f64> {
    let starts_like_number = text.starts_with(|c: char| c.is_ascii_digit() || c == '.');
    if !starts_like_number {
        return None;
    }
    text.parse().ok()
}

/// Converts non-negative seconds to a `Duration`, saturating instead of panicking on overflow.
fn saturating_seconds(seconds: f64) -> Duration {
    Duration::try_from_secs_f64(seconds).unwrap_or(Duration::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderName, HeaderValue};

    /// 2023-11-14T22:13:20Z, a round Unix time to compute expectations from.
    const NOW_UNIX: u64 = 1_700_000_000;

    fn now() -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(NOW_UNIX)
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            let value = HeaderValue::from_str(value).expect("test header value");
            map.append(HeaderName::from_static(name), value);
        }
        map
    }

    /// The hint of a `429` carrying `pairs`.
    fn hint(pairs: &[(&'static str, &str)]) -> Option<Hint> {
        retry_after(&headers(pairs), 429, now(), &HintLimits::default())
    }

    fn after_secs(seconds: u64) -> Option<Hint> {
        Some(Hint::After(Duration::from_secs(seconds)))
    }

    fn after_millis(millis: u64) -> Option<Hint> {
        Some(Hint::After(Duration::from_millis(millis)))
    }

    /// `httpdate` formats only IMF-fixdate, which is what servers send.
    fn http_date_in(offset_secs: i64) -> String {
        let at = if offset_secs >= 0 {
            now() + Duration::from_secs(offset_secs.unsigned_abs())
        } else {
            now() - Duration::from_secs(offset_secs.unsigned_abs())
        };
        httpdate::fmt_http_date(at)
    }

    /// A named case: headers in, expected hint out.
    type Case<'a> = (&'a str, Vec<(&'static str, &'a str)>, Option<Hint>);

    #[test]
    fn hint_table() {
        let future_date = http_date_in(30);
        let past_date = http_date_in(-30);
        let far_date = http_date_in(3600);
        let reset_in_20s = (NOW_UNIX + 20).to_string();
        let reset_in_20s_ms = ((NOW_UNIX + 20) * 1000).to_string();
        let reset_past = (NOW_UNIX - 20).to_string();
        let reset_fraction = format!("{NOW_UNIX}.5");
        let overflowing = "9".repeat(400);
        let cases: Vec<Case> = vec![
            ("no headers", vec![], None),
            ("integer seconds", vec![("retry-after", "7")], after_secs(7)),
            ("zero seconds", vec![("retry-after", "0")], after_secs(0)),
            (
                "float seconds",
                vec![("retry-after", "1.5")],
                after_millis(1500),
            ),
            (
                "leading point",
                vec![("retry-after", ".25")],
                after_millis(250),
            ),
            (
                "surrounding space",
                vec![("retry-after", " 3 ")],
                after_secs(3),
            ),
            (
                "ceiling is inclusive",
                vec![("retry-after", "60")],
                after_secs(60),
            ),
            (
                "ms header",
                vec![("retry-after-ms", "250")],
                after_millis(250),
            ),
            (
                "float ms header",
                vec![("retry-after-ms", "1.5")],
                Some(Hint::After(Duration::from_micros(1500))),
            ),
            (
                "http date in future",
                vec![("retry-after", &future_date)],
                after_secs(30),
            ),
            (
                "http date in past",
                vec![("retry-after", &past_date)],
                after_secs(0),
            ),
            (
                "reset seconds",
                vec![("x-ratelimit-reset", &reset_in_20s)],
                after_secs(20),
            ),
            (
                "reset milliseconds",
                vec![("x-ratelimit-reset", &reset_in_20s_ms)],
                after_secs(20),
            ),
            (
                "reset in past",
                vec![("x-ratelimit-reset", &reset_past)],
                after_secs(0),
            ),
            (
                "reset small number is 1970",
                vec![("x-ratelimit-reset", "30")],
                after_secs(0),
            ),
            (
                "reset with fraction",
                vec![("x-ratelimit-reset", &reset_fraction)],
                after_millis(500),
            ),
            ("negative seconds", vec![("retry-after", "-5")], None),
            ("negative ms", vec![("retry-after-ms", "-100")], None),
            ("negative reset", vec![("x-ratelimit-reset", "-1")], None),
            ("explicit plus sign", vec![("retry-after", "+5")], None),
            ("NaN", vec![("retry-after", "NaN")], None),
            ("NaN ms", vec![("retry-after-ms", "nan")], None),
            ("infinity literal", vec![("retry-after", "inf")], None),
            ("word", vec![("retry-after", "soon")], None),
            ("empty", vec![("retry-after", "")], None),
            ("number with unit", vec![("retry-after", "5s")], None),
            (
                "broken date",
                vec![("retry-after", "Wed, 32 Foo 2024 99:00:00 GMT")],
                None,
            ),
            (
                "garbage reset",
                vec![("x-ratelimit-reset", "tomorrow")],
                None,
            ),
            (
                "over ceiling seconds",
                vec![("retry-after", "61")],
                Some(Hint::TooLong(Duration::from_secs(61))),
            ),
            (
                "over ceiling ms",
                vec![("retry-after-ms", "60001")],
                Some(Hint::TooLong(Duration::from_millis(60_001))),
            ),
            (
                "over ceiling date",
                vec![("retry-after", &far_date)],
                Some(Hint::TooLong(Duration::from_secs(3600))),
            ),
            (
                "absurd seconds",
                vec![("retry-after", "1e30")],
                Some(Hint::TooLong(Duration::MAX)),
            ),
            (
                "overflowing f64",
                vec![("retry-after", &overflowing)],
                Some(Hint::TooLong(Duration::MAX)),
            ),
            (
                "absurd ms",
                vec![("retry-after-ms", "1e300")],
                Some(Hint::TooLong(Duration::MAX)),
            ),
            (
                "absurd reset",
                vec![("x-ratelimit-reset", "1e30")],
                Some(Hint::TooLong(Duration::MAX)),
            ),
            (
                "ms header beats retry-after",
                vec![("retry-after", "9"), ("retry-after-ms", "250")],
                after_millis(250),
            ),
            (
                "retry-after beats reset",
                vec![("x-ratelimit-reset", &reset_in_20s), ("retry-after", "4")],
                after_secs(4),
            ),
            (
                "garbage ms falls through",
                vec![("retry-after-ms", "x"), ("retry-after", "4")],
                after_secs(4),
            ),
            (
                "garbage retry-after falls through",
                vec![("retry-after", "x"), ("x-ratelimit-reset", &reset_in_20s)],
                after_secs(20),
            ),
            (
                "too long is not skipped",
                vec![("retry-after-ms", "120000"), ("retry-after", "4")],
                Some(Hint::TooLong(Duration::from_secs(120))),
            ),
            (
                "first value of a repeated header",
                vec![("retry-after", "2"), ("retry-after", "9")],
                after_secs(2),
            ),
        ];
        for (name, pairs, expected) in cases {
            assert_eq!(hint(&pairs), expected, "case: {name}");
        }
    }

    #[test]
    fn year_9999_is_too_long_without_overflow() {
        let found = hint(&[("retry-after", "Fri, 31 Dec 9999 23:59:59 GMT")]);
        let Some(Hint::TooLong(wait)) = found else {
            panic!("expected TooLong, got {found:?}");
        };
        assert!(wait > Duration::from_secs(200_000_000_000), "{wait:?}");
    }

    #[test]
    fn a_rate_limit_reset_delays_only_a_refused_request_or_a_spent_window() {
        let reset = (NOW_UNIX + 30).to_string();
        let served = headers(&[
            ("x-ratelimit-reset", &reset),
            ("x-ratelimit-remaining", "57"),
        ]);
        let limits = HintLimits::default();
        assert_eq!(retry_after(&served, 200, now(), &limits), None);
        assert_eq!(retry_after(&served, 503, now(), &limits), None);
        assert_eq!(retry_after(&served, 429, now(), &limits), after_secs(30));
        let spent = headers(&[
            ("x-ratelimit-reset", &reset),
            ("x-ratelimit-remaining", "0"),
        ]);
        assert_eq!(retry_after(&spent, 200, now(), &limits), after_secs(30));
        // Retry-After is an explicit request, whatever the status.
        let asked = headers(&[("retry-after", "2"), ("x-ratelimit-reset", &reset)]);
        assert_eq!(retry_after(&asked, 200, now(), &limits), after_secs(2));
    }

    #[test]
    fn non_ascii_header_value_is_ignored() {
        let mut map = HeaderMap::new();
        let value = HeaderValue::from_bytes(b"\xff5").expect("opaque bytes are a valid value");
        map.insert(RETRY_AFTER, value);
        assert_eq!(retry_after(&map, 429, now(), &HintLimits::default()), None);
    }

    #[test]
    fn ceiling_comes_from_limits() {
        let limits = HintLimits {
            ceiling: Duration::from_secs(5),
        };
        let map = headers(&[("retry-after", "6")]);
        let expected = Some(Hint::TooLong(Duration::from_secs(6)));
        assert_eq!(retry_after(&map, 429, now(), &limits), expected);
        let map = headers(&[("retry-after", "5")]);
        assert_eq!(retry_after(&map, 429, now(), &limits), after_secs(5));
    }

    #[test]
    fn default_ceiling_is_sixty_seconds() {
        assert_eq!(HintLimits::default().ceiling, Duration::from_secs(60));
    }
}
