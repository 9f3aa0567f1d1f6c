//! The one form in which a download URL is logged or put in an error.
//!
//! Pre-signed URLs carry their signature in the query, and URLs may carry a password in their user
//! information; logs and error messages are read by many more people than the secrets are meant
//! for. Whatever is logged or reported goes through [`redact`], so no path shows more than another.

use reqwest::Url;

/// `raw` without user information, query or fragment, whether or not it parses as a URL.
pub(super) fn redact(raw: &str) -> String {
    match Url::parse(raw) {
        Ok(url) if url.has_host() => redact_url(&url),
        _ => redact_unparsed(raw),
    }
}

/// A parsed URL without user information, query or fragment.
pub(super) fn redact_url(url: &Url) -> String {
    let mut shown = url.clone();
    shown.set_query(None);
    shown.set_fragment(None);
    // Both fail only for URLs that cannot have user information, which then have none to remove.
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.into()
}

/// Best effort for a string the URL parser rejects, where nothing says where the user information
/// ends: everything from the authority's start (after `://`, or the string's start) to the last
/// `@` goes, before the first `?` or `#` is looked for, because a malformed password may itself
/// contain `?`, `#` or `/`. This may remove more than the user information, never less.
fn redact_unparsed(raw: &str) -> String {
    let shown = match raw.rfind('@') {
        Some(at) => {
            let authority = raw[..at].find("://").map_or(0, |scheme_end| scheme_end + 3);
            format!("{}{}", &raw[..authority], &raw[at + 1..])
        }
        None => raw.to_owned(),
    };
    shown
        .split(['?', '#'])
        .next()
        .unwrap_or_default()
        .to_owned()
}
