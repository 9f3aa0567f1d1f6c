//! Which redirects a download follows.
//!
//! reqwest's own policies only count redirects. A download's redirects are written by the servers
//! it talks to, so each one is also checked before it is followed: no step down from `https` to
//! `http` (the next request would carry the pre-signed URL, and the audio would come back, in
//! clear), and no target the address checks refuse.

use reqwest::{Url, redirect};

use super::addresses::{Addresses, Refusal, TargetRefused};
use super::redact::redact_url;

/// Redirects followed before giving up. Storage hosts use one or two (CDN to origin, bucket to
/// regional endpoint); a longer chain is almost certainly a loop.
const MAX_REDIRECTS: usize = 5;

/// The policy: [`check`] each redirect, then reqwest's limit of [`MAX_REDIRECTS`].
pub(super) fn policy(addresses: Addresses) -> redirect::Policy {
    let limit = redirect::Policy::limited(MAX_REDIRECTS);
    redirect::Policy::custom(move |attempt| {
        match check(attempt.previous(), attempt.url(), addresses) {
            Ok(()) => limit.redirect(attempt),
            Err(refused) => attempt.error(refused),
        }
    })
}

/// Whether the redirect to `next`, after the chain `previous` (which ends with the URL that
/// answered with the redirect), may be followed.
pub(super) fn check(
    previous: &[Url],
    next: &Url,
    addresses: Addresses,
) -> Result<(), TargetRefused> {
    let from_https = previous.last().is_some_and(|url| url.scheme() == "https");
    if from_https && next.scheme() == "http" {
        return Err(TargetRefused {
            target: redact_url(next),
            reason: Refusal::Downgrade,
        });
    }
    addresses.check_url(next)
}
