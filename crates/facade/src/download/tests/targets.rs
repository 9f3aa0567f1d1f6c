//! The address checks, the redirect check and the resolver filter, called directly.

use std::net::{IpAddr, SocketAddr};

use reqwest::dns::Resolve;

use super::*;
use crate::download::addresses::{Addresses, CheckingResolver, TargetRefused};
use crate::download::redirects;

const DEFAULT: Addresses = Addresses {
    private_allowed: true,
};
const STRICT: Addresses = Addresses {
    private_allowed: false,
};

fn ip(text: &str) -> IpAddr {
    text.parse().unwrap()
}

fn url(text: &str) -> Url {
    Url::parse(text).unwrap()
}

#[test]
fn link_local_and_metadata_addresses_are_refused_in_every_mode() {
    for (address, reason) in [
        ("169.254.169.254", Refusal::CloudMetadata),
        ("fd00:ec2::254", Refusal::CloudMetadata),
        ("100.100.100.200", Refusal::CloudMetadata),
        // The metadata address reached through IPv4-mapped and NAT64 IPv6 forms.
        ("::ffff:169.254.169.254", Refusal::CloudMetadata),
        ("64:ff9b::a9fe:a9fe", Refusal::CloudMetadata),
        ("169.254.0.1", Refusal::LinkLocal),
        ("169.254.255.255", Refusal::LinkLocal),
        ("fe80::1", Refusal::LinkLocal),
        ("febf:ffff::1", Refusal::LinkLocal),
    ] {
        assert_eq!(DEFAULT.check_ip(ip(address)), Some(reason), "{address}");
        assert_eq!(STRICT.check_ip(ip(address)), Some(reason), "{address}");
    }
}

#[test]
fn loopback_and_private_addresses_are_refused_only_in_strict_mode() {
    for (address, reason) in [
        ("127.0.0.1", Refusal::Loopback),
        ("127.255.0.9", Refusal::Loopback),
        ("::1", Refusal::Loopback),
        ("0.0.0.0", Refusal::Loopback),
        ("::", Refusal::Loopback),
        ("::ffff:127.0.0.1", Refusal::Loopback),
        ("10.0.0.1", Refusal::Private),
        ("10.255.255.255", Refusal::Private),
        ("172.16.0.1", Refusal::Private),
        ("172.31.255.255", Refusal::Private),
        ("192.168.1.1", Refusal::Private),
        ("100.64.0.1", Refusal::Private),
        ("100.127.255.255", Refusal::Private),
        ("fc00::1", Refusal::Private),
        ("fdff::1", Refusal::Private),
    ] {
        assert_eq!(DEFAULT.check_ip(ip(address)), None, "{address}");
        assert_eq!(STRICT.check_ip(ip(address)), Some(reason), "{address}");
    }
}

#[test]
fn public_addresses_and_range_neighbours_are_allowed_in_every_mode() {
    for address in [
        "93.184.216.34",
        "172.15.255.255",
        "172.32.0.0",
        "100.63.255.255",
        "100.128.0.0",
        "169.253.255.255",
        "169.255.0.0",
        "11.0.0.1",
        "2606:4700::1",
        "fec0::1",
        "fe00::1",
    ] {
        assert_eq!(DEFAULT.check_ip(ip(address)), None, "{address}");
        assert_eq!(STRICT.check_ip(ip(address)), None, "{address}");
    }
}

#[test]
fn url_hosts_are_checked_as_literal_addresses_and_metadata_names() {
    for (target, reason) in [
        (
            "http://169.254.169.254/latest/meta-data/",
            Refusal::CloudMetadata,
        ),
        // The URL parser turns these spellings into 169.254.169.254.
        ("http://2852039166/", Refusal::CloudMetadata),
        ("http://0xa9.0xfe.0xa9.0xfe/", Refusal::CloudMetadata),
        ("http://[fe80::1]/", Refusal::LinkLocal),
        ("http://[::ffff:169.254.169.254]/", Refusal::CloudMetadata),
        (
            "http://metadata.google.internal/computeMetadata/v1/",
            Refusal::CloudMetadata,
        ),
        ("http://METADATA.Google.Internal./", Refusal::CloudMetadata),
        ("http://metadata/", Refusal::CloudMetadata),
        ("http://instance-data.ec2.internal/", Refusal::CloudMetadata),
    ] {
        let refused = DEFAULT.check_url(&url(target)).unwrap_err();
        assert_eq!(refused.reason, reason, "{target}");
    }
    assert!(DEFAULT.check_url(&url("http://127.0.0.1:8080/a")).is_ok());
    assert!(DEFAULT.check_url(&url("https://storage.example/a")).is_ok());
    assert!(
        DEFAULT
            .check_url(&url("https://metadata.example/a"))
            .is_ok()
    );
    let refused = STRICT.check_url(&url("http://[::1]:8080/a")).unwrap_err();
    assert_eq!(refused.reason, Refusal::Loopback);
    assert_eq!(refused.target, "[::1]");
}

#[test]
fn redirect_from_https_to_http_is_refused_and_the_target_is_redacted() {
    let refused = redirects::check(
        &[url("https://api.example/jobs/1/result")],
        &url("http://user:password@storage.example/a.mp3?sig=secret"),
        DEFAULT,
    )
    .unwrap_err();
    assert_eq!(refused.reason, Refusal::Downgrade);
    assert_eq!(refused.target, "http://storage.example/a.mp3");
    // Judged against the URL that answered with the redirect, however the chain began.
    let refused = redirects::check(
        &[url("http://api.example/r"), url("https://cdn.example/r")],
        &url("http://storage.example/a.mp3"),
        DEFAULT,
    )
    .unwrap_err();
    assert_eq!(refused.reason, Refusal::Downgrade);
}

#[test]
fn redirects_that_keep_or_raise_the_scheme_are_followed() {
    for (from, to) in [
        ("https://api.example/r", "https://storage.example/a.mp3"),
        ("http://api.example/r", "https://storage.example/a.mp3"),
        ("http://api.example/r", "http://storage.example/a.mp3"),
    ] {
        assert!(
            redirects::check(&[url(from)], &url(to), DEFAULT).is_ok(),
            "{from} -> {to}"
        );
    }
}

#[test]
fn redirect_targets_get_the_address_checks() {
    let from = [url("http://127.0.0.1:8080/r")];
    let refused = redirects::check(&from, &url("http://169.254.169.254/"), DEFAULT).unwrap_err();
    assert_eq!(refused.reason, Refusal::CloudMetadata);
    let private = url("http://10.1.2.3/a.mp3");
    assert!(redirects::check(&from, &private, DEFAULT).is_ok());
    let refused = redirects::check(&from, &private, STRICT).unwrap_err();
    assert_eq!(refused.reason, Refusal::Private);
    assert_eq!(refused.target, "10.1.2.3");
}

#[test]
fn resolved_addresses_are_filtered_and_refused_when_none_is_left() {
    let metadata = SocketAddr::new(ip("169.254.169.254"), 0);
    let public = SocketAddr::new(ip("93.184.216.34"), 0);
    let private = SocketAddr::new(ip("10.0.0.7"), 0);

    let kept = DEFAULT
        .filter("mixed.example", [metadata, public, private])
        .unwrap();
    assert_eq!(kept, [public, private]);
    let kept = STRICT
        .filter("mixed.example", [metadata, public, private])
        .unwrap();
    assert_eq!(kept, [public]);

    let refused = STRICT
        .filter("inside.example", [private, metadata])
        .unwrap_err();
    assert_eq!(refused.reason, Refusal::Private);
    assert_eq!(refused.target, "inside.example (10.0.0.7)");
    // Nothing resolved is the resolver's failure to report, not a refusal.
    assert_eq!(DEFAULT.filter("nothing.example", []).unwrap(), []);
}

async fn resolve(resolver: CheckingResolver, name: &str) -> Result<Vec<SocketAddr>, String> {
    match resolver.resolve(name.parse().unwrap()).await {
        Ok(addresses) => Ok(addresses.collect()),
        Err(error) => {
            let refused = error.downcast_ref::<TargetRefused>();
            Err(refused.map_or_else(|| format!("not a refusal: {error}"), ToString::to_string))
        }
    }
}

#[tokio::test]
async fn strict_resolver_refuses_a_name_that_resolves_to_loopback() {
    let allowed = resolve(CheckingResolver(DEFAULT), "localhost")
        .await
        .unwrap();
    assert!(!allowed.is_empty());
    assert!(allowed.iter().all(|address| address.ip().is_loopback()));

    let refused = resolve(CheckingResolver(STRICT), "localhost")
        .await
        .unwrap_err();
    assert!(refused.starts_with("localhost ("), "{refused}");
    assert!(refused.contains("is a loopback address"), "{refused}");
}

#[tokio::test]
async fn resolver_refuses_metadata_names_before_resolving_them() {
    // Refused by name: a refusal of what the name resolved to would name the address too.
    let refused = resolve(CheckingResolver(DEFAULT), "metadata.google.internal")
        .await
        .unwrap_err();
    assert_eq!(
        refused,
        "metadata.google.internal is a cloud metadata endpoint, which hands out the machine's \
         credentials"
    );
}
