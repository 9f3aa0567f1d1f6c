//! Which hosts a download may reach.
//!
//! A result URL, and every redirect after it, comes from a server: a compromised or hostile one can
//! point the downloader at the machine's own services and have their answer returned as "audio".
//! The worst of them is the cloud metadata endpoint, which hands out the machine's credentials to
//! any local process that asks. So, whatever the settings, downloads never reach link-local or
//! cloud metadata addresses; on request they also keep off loopback and private networks.
//!
//! Addresses are checked twice, because neither check sees everything: [`Addresses::check_url`]
//! checks the host written in a URL (the only check for a literal IP, which is never resolved), and
//! [`CheckingResolver`] checks what a host name resolves to and connects only to the addresses that
//! pass, so a name cannot be re-pointed between a check and the connection.
//!
//! Through an HTTP proxy (reqwest takes one from `HTTP_PROXY`/`HTTPS_PROXY`), the proxy resolves
//! the target's name: only the URL checks then apply to the target, while the resolver checks the
//! proxy's own address.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use reqwest::Url;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// Cloud metadata services, refused by address: AWS, Google Cloud, Azure, Oracle and most others
/// answer on `169.254.169.254`, AWS also on `fd00:ec2::254` (outside the link-local range), Alibaba
/// Cloud on `100.100.100.200` (inside the shared range that only strict mode refuses).
const METADATA_ADDRESSES: [IpAddr; 3] = [
    IpAddr::V4(Ipv4Addr::new(169, 254, 169, 254)),
    IpAddr::V6(Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254)),
    IpAddr::V4(Ipv4Addr::new(100, 100, 100, 200)),
];

/// Cloud metadata services, refused by name before any resolution, so that they stay refused when
/// an HTTP proxy resolves names instead of the downloader: Google Cloud's names (`metadata` is the
/// short one, completed by the search domain) and AWS's.
const METADATA_NAMES: [&str; 5] = [
    "metadata.google.internal",
    "metadata.goog",
    "metadata",
    "instance-data",
    "instance-data.ec2.internal",
];

/// Link-local ranges: only meaningful on the machine's own link, where metadata and other host
/// services answer, never where a storage host lives.
const LINK_LOCAL: [IpNet; 2] = [v4(169, 254, 0, 0, 16), v6(0xfe80, 10)];

/// The machine itself: loopback, and the unspecified addresses, which Linux connects to the
/// machine itself.
const LOOPBACK: [IpNet; 4] = [
    v4(127, 0, 0, 0, 8),
    v4(0, 0, 0, 0, 8),
    IpNet::V6(Ipv6Net::new_assert(Ipv6Addr::LOCALHOST, 128)),
    IpNet::V6(Ipv6Net::new_assert(Ipv6Addr::UNSPECIFIED, 128)),
];

/// Private networks: RFC 1918, the carrier-grade shared range (RFC 6598) and IPv6 unique local
/// addresses.
const PRIVATE: [IpNet; 5] = [
    v4(10, 0, 0, 0, 8),
    v4(172, 16, 0, 0, 12),
    v4(192, 168, 0, 0, 16),
    v4(100, 64, 0, 0, 10),
    v6(0xfc00, 7),
];

/// The NAT64 well-known prefix (RFC 6052): on a NAT64 network, `64:ff9b::a9fe:a9fe` reaches
/// `169.254.169.254`, so such addresses are judged by the IPv4 address they embed.
const NAT64: Ipv6Net = Ipv6Net::new_assert(Ipv6Addr::new(0x64, 0xff9b, 0, 0, 0, 0, 0, 0), 96);

const fn v4(a: u8, b: u8, c: u8, d: u8, prefix: u8) -> IpNet {
    IpNet::V4(Ipv4Net::new_assert(Ipv4Addr::new(a, b, c, d), prefix))
}

const fn v6(first: u16, prefix: u8) -> IpNet {
    IpNet::V6(Ipv6Net::new_assert(
        Ipv6Addr::new(first, 0, 0, 0, 0, 0, 0, 0),
        prefix,
    ))
}

/// Why a download target was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// A redirect from `https` to `http`.
    #[error(
        "a redirect from https to plain http, which would carry the signed URL and the audio unencrypted"
    )]
    Downgrade,
    /// A cloud metadata endpoint, by address or by name.
    #[error("a cloud metadata endpoint, which hands out the machine's credentials")]
    CloudMetadata,
    /// A link-local address (`169.254.0.0/16`, `fe80::/10`).
    #[error("a link-local address, where only the machine's own network services answer")]
    LinkLocal,
    /// A loopback or unspecified address, refused when private networks are.
    #[error("a loopback address, and this downloader refuses private networks")]
    Loopback,
    /// A private-network address, refused when private networks are.
    #[error("a private-network address, and this downloader refuses private networks")]
    Private,
}

/// A refused target, as it travels through reqwest (from the redirect policy or the resolver) to
/// become [`super::DownloadError::Refused`].
#[derive(Debug, Clone, thiserror::Error)]
#[error("{target} is {reason}")]
pub(super) struct TargetRefused {
    /// The host, the host with the address it resolved to, or the redirect URL, redacted.
    pub(super) target: String,
    pub(super) reason: Refusal,
}

/// Which addresses a download may reach: never link-local or cloud metadata ones, and, when
/// `private_allowed` is false, no loopback or private-network ones either.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Addresses {
    pub(super) private_allowed: bool,
}

/// Private networks are reachable by default: a white-label or self-hosted API may serve its
/// results from one.
impl Default for Addresses {
    fn default() -> Self {
        Self {
            private_allowed: true,
        }
    }
}

impl Addresses {
    /// Why `ip` is refused, if it is.
    pub(super) fn check_ip(self, ip: IpAddr) -> Option<Refusal> {
        let ip = canonical(ip);
        if METADATA_ADDRESSES.contains(&ip) {
            Some(Refusal::CloudMetadata)
        } else if within(&LINK_LOCAL, ip) {
            Some(Refusal::LinkLocal)
        } else if self.private_allowed {
            None
        } else if within(&LOOPBACK, ip) {
            Some(Refusal::Loopback)
        } else if within(&PRIVATE, ip) {
            Some(Refusal::Private)
        } else {
            None
        }
    }

    /// Checks the host written in `url`: a literal IP by its address, a name against the metadata
    /// names (what it resolves to is [`CheckingResolver`]'s business).
    pub(super) fn check_url(self, url: &Url) -> Result<(), TargetRefused> {
        let Some(host) = url.host_str() else {
            return Ok(());
        };
        match literal_ip(host) {
            Some(ip) => match self.check_ip(ip) {
                Some(reason) => Err(TargetRefused {
                    target: host.to_owned(),
                    reason,
                }),
                None => Ok(()),
            },
            None => check_name(host),
        }
    }

    /// The addresses `name` resolved to that may be reached; refused when none may and there was
    /// at least one.
    pub(super) fn filter(
        self,
        name: &str,
        resolved: impl IntoIterator<Item = SocketAddr>,
    ) -> Result<Vec<SocketAddr>, TargetRefused> {
        let mut first_refused = None;
        let mut allowed = Vec::new();
        for address in resolved {
            match self.check_ip(address.ip()) {
                None => allowed.push(address),
                Some(reason) => {
                    first_refused.get_or_insert((address.ip(), reason));
                }
            }
        }
        match first_refused {
            Some((ip, reason)) if allowed.is_empty() => Err(TargetRefused {
                target: format!("{name} ({ip})"),
                reason,
            }),
            _ => Ok(allowed),
        }
    }
}

/// IPv4-mapped (`::ffff:a.b.c.d`) and NAT64 addresses reach an IPv4 address, so they are judged
/// as that address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) if NAT64.contains(&v6) => {
            let [.., a, b, c, d] = v6.octets();
            IpAddr::V4(Ipv4Addr::new(a, b, c, d))
        }
        IpAddr::V6(v6) => v6.to_canonical(),
        IpAddr::V4(_) => ip,
    }
}

fn within(networks: &[IpNet], ip: IpAddr) -> bool {
    networks.iter().any(|network| network.contains(&ip))
}

/// The address of a URL host that is an IP literal (IPv6 ones come in brackets).
fn literal_ip(host: &str) -> Option<IpAddr> {
    let unbracketed = host
        .strip_prefix('[')
        .and_then(|inner| inner.strip_suffix(']'))
        .unwrap_or(host);
    unbracketed.parse().ok()
}

/// Refuses the metadata services' names, in any case and with or without the final dot.
fn check_name(name: &str) -> Result<(), TargetRefused> {
    let bare = name.strip_suffix('.').unwrap_or(name);
    if METADATA_NAMES
        .iter()
        .any(|metadata| bare.eq_ignore_ascii_case(metadata))
    {
        return Err(TargetRefused {
            target: name.to_owned(),
            reason: Refusal::CloudMetadata,
        });
    }
    Ok(())
}

/// The system resolver (`getaddrinfo`, as reqwest's default) with the refused addresses filtered
/// out, so that the connection can only go to an address that passed the check.
#[derive(Debug, Clone, Copy)]
pub(super) struct CheckingResolver(pub(super) Addresses);

impl Resolve for CheckingResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let addresses = self.0;
        Box::pin(async move {
            let host = name.as_str();
            check_name(host)?;
            // Port 0 stands for "the URL's port", which reqwest fills in.
            let resolved = tokio::net::lookup_host((host, 0)).await?;
            let allowed = addresses.filter(host, resolved)?;
            Ok(Box::new(allowed.into_iter()) as Addrs)
        })
    }
}
