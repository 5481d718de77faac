//! Who the client is: IP networks of trusted proxies, the client address taken from the socket
//! peer or (only behind a trusted proxy) from `X-Forwarded-For`, and the rate-limit key of an
//! address.
//!
//! Guarantees:
//! - `X-Forwarded-For` is never read unless the socket peer lies inside a trusted network, so a
//!   client that talks to the server directly cannot choose its own address.
//! - Behind trusted proxies the client is the right-most forwarded address that is not itself a
//!   trusted proxy. Entries to the left of it are written by the client and are never looked at,
//!   so garbage there changes nothing; a malformed entry where an address is needed makes the
//!   answer fall back to the socket peer.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::str::FromStr;

use axum::http::HeaderMap;
use axum::http::header::HeaderName;

/// An IP network in CIDR notation (`10.0.0.0/8`, `2001:db8::/32`), IPv4 or IPv6.
///
/// Parsed from text with [`str::parse`]; a bare address (`10.1.2.3`, `::1`) is the network of
/// that one host. Host bits below the prefix are ignored (`10.1.2.3/8` is `10.0.0.0/8`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IpNetwork {
    address: IpAddr,
    prefix: u8,
}

/// Why a text is not an [`IpNetwork`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid IP network `{text}`: {reason}; write a CIDR such as 10.0.0.0/8 or 2001:db8::/32")]
pub struct IpNetworkError {
    text: String,
    reason: &'static str,
}

impl IpNetwork {
    /// The network of `address` with `prefix` leading bits, or `None` when the prefix is longer
    /// than the address (32 for IPv4, 128 for IPv6). An IPv4-mapped IPv6 network of at least 96
    /// bits (`::ffff:10.0.0.0/104`) is the IPv4 network it carries (`10.0.0.0/8`).
    pub fn new(address: IpAddr, prefix: u8) -> Option<Self> {
        match address {
            IpAddr::V4(v4) => (prefix <= 32).then(|| Self {
                address: IpAddr::V4(Ipv4Addr::from_bits(v4.to_bits() & v4_mask(prefix))),
                prefix,
            }),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) if (96..=128).contains(&prefix) => Self::new(IpAddr::V4(v4), prefix - 96),
                _ => (prefix <= 128).then(|| Self {
                    address: IpAddr::V6(Ipv6Addr::from_bits(v6.to_bits() & v6_mask(prefix))),
                    prefix,
                }),
            },
        }
    }

    /// The first address of the network.
    pub fn address(&self) -> IpAddr {
        self.address
    }

    /// The number of leading bits that are fixed.
    pub fn prefix(&self) -> u8 {
        self.prefix
    }

    /// Whether `address` lies inside this network. An IPv4-mapped IPv6 address
    /// (`::ffff:10.0.0.1`) counts as the IPv4 address it carries.
    pub fn contains(&self, address: IpAddr) -> bool {
        match (self.address, address.to_canonical()) {
            (IpAddr::V4(network), IpAddr::V4(candidate)) => {
                candidate.to_bits() & v4_mask(self.prefix) == network.to_bits()
            }
            (IpAddr::V6(network), IpAddr::V6(candidate)) => {
                candidate.to_bits() & v6_mask(self.prefix) == network.to_bits()
            }
            _ => false,
        }
    }
}

impl FromStr for IpNetwork {
    type Err = IpNetworkError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let error = |reason| IpNetworkError {
            text: text.to_owned(),
            reason,
        };
        let trimmed = text.trim();
        let (address, prefix) = match trimmed.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (trimmed, None),
        };
        let address: IpAddr = address
            .parse()
            .map_err(|_| error("the address is not an IPv4 or IPv6 address"))?;
        let longest = if address.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => longest,
            Some(prefix) => {
                if prefix.is_empty() || !prefix.bytes().all(|byte| byte.is_ascii_digit()) {
                    return Err(error("the prefix length after `/` is not a number"));
                }
                prefix
                    .parse::<u8>()
                    .ok()
                    .filter(|prefix| *prefix <= longest)
                    .ok_or_else(|| {
                        error(if longest == 32 {
                            "an IPv4 prefix length is at most 32"
                        } else {
                            "an IPv6 prefix length is at most 128"
                        })
                    })?
            }
        };
        Self::new(address, prefix).ok_or_else(|| error("the prefix length is too long"))
    }
}

impl fmt::Display for IpNetwork {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}/{}", self.address, self.prefix)
    }
}

fn v4_mask(prefix: u8) -> u32 {
    u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0)
}

fn v6_mask(prefix: u8) -> u128 {
    u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0)
}

static X_FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");

/// The client's address: the socket `peer`, or, when the peer is inside one of
/// `trusted_proxies`, the right-most `X-Forwarded-For` address that is not a trusted proxy.
///
/// Several `X-Forwarded-For` header lines are read as one list, in order. Entries may carry a
/// port (`203.0.113.7:4711`, `[2001:db8::1]:4711`). When every forwarded address is a trusted
/// proxy, the left-most one is the client. Without the header, or with a malformed entry where
/// an address is needed, the answer is the peer.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted_proxies: &[IpNetwork]) -> IpAddr {
    // A dual-stack socket reports an IPv4 peer as an IPv4-mapped IPv6 address.
    let peer = peer.to_canonical();
    let is_trusted = |address: IpAddr| {
        trusted_proxies
            .iter()
            .any(|network| network.contains(address))
    };
    if !is_trusted(peer) {
        return peer;
    }
    let mut entries = Vec::new();
    for value in headers.get_all(&X_FORWARDED_FOR) {
        let Ok(text) = value.to_str() else {
            return peer;
        };
        entries.extend(text.split(','));
    }
    let mut client = peer;
    for entry in entries.iter().rev() {
        let Some(address) = parse_forwarded_address(entry) else {
            return peer;
        };
        client = address;
        if !is_trusted(address) {
            break;
        }
    }
    client
}

/// One `X-Forwarded-For` entry: an address, optionally with a port.
fn parse_forwarded_address(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim();
    let address = entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|socket| socket.ip()))?;
    Some(address.to_canonical())
}

/// The rate-limit key of a client address: the address itself for IPv4, and its /64 network
/// for IPv6, since one IPv6 host is usually handed a whole /64 and can pick any address in it.
pub fn rate_limit_key(client: IpAddr) -> String {
    match client.to_canonical() {
        IpAddr::V4(v4) => format!("ip4:{v4}"),
        IpAddr::V6(v6) => {
            let network = Ipv6Addr::from_bits(v6.to_bits() & v6_mask(64));
            format!("ip6:{network}/64")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn network(text: &str) -> IpNetwork {
        text.parse().unwrap()
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(&X_FORWARDED_FOR, HeaderValue::from_str(value).unwrap());
        }
        headers
    }

    #[test]
    fn ipv4_networks_parse_and_match() {
        let private = network("10.0.0.0/8");
        assert_eq!(private.to_string(), "10.0.0.0/8");
        assert!(private.contains(ip("10.255.1.2")));
        assert!(!private.contains(ip("11.0.0.1")));
        let host = network("192.0.2.7/32");
        assert!(host.contains(ip("192.0.2.7")));
        assert!(!host.contains(ip("192.0.2.8")));
        assert_eq!(network("192.0.2.7"), host, "a bare address is a /32");
    }

    #[test]
    fn ipv6_networks_parse_and_match() {
        let documentation = network("2001:db8::/32");
        assert!(documentation.contains(ip("2001:db8:ffff::1")));
        assert!(!documentation.contains(ip("2001:db9::1")));
        let loopback = network("::1");
        assert_eq!(loopback.prefix(), 128);
        assert!(loopback.contains(ip("::1")));
        assert!(!loopback.contains(ip("::2")));
        assert!(
            !documentation.contains(ip("10.0.0.1")),
            "families never mix"
        );
    }

    #[test]
    fn slash_zero_matches_its_whole_family() {
        let every_v4 = network("0.0.0.0/0");
        assert!(every_v4.contains(ip("203.0.113.9")));
        assert!(!every_v4.contains(ip("2001:db8::1")));
        let every_v6 = network("::/0");
        assert!(every_v6.contains(ip("2001:db8::1")));
        assert!(!every_v6.contains(ip("203.0.113.9")));
    }

    #[test]
    fn host_bits_are_dropped_and_mapped_addresses_count_as_ipv4() {
        assert_eq!(network("10.1.2.3/8").to_string(), "10.0.0.0/8");
        assert_eq!(network(" 2001:db8::1/32 ").to_string(), "2001:db8::/32");
        assert!(network("10.0.0.0/8").contains(ip("::ffff:10.0.0.1")));
        assert_eq!(network("::ffff:10.0.0.1"), network("10.0.0.1/32"));
        assert_eq!(network("::ffff:10.0.0.0/104"), network("10.0.0.0/8"));
    }

    #[test]
    fn malformed_networks_are_refused_with_a_clear_error() {
        for (text, reason) in [
            ("", "not an IPv4 or IPv6 address"),
            ("10.0.0/8", "not an IPv4 or IPv6 address"),
            ("example.com/8", "not an IPv4 or IPv6 address"),
            ("10.0.0.0/", "not a number"),
            ("10.0.0.0/+8", "not a number"),
            ("10.0.0.0/8/8", "not a number"),
            ("10.0.0.0/33", "IPv4 prefix length is at most 32"),
            ("10.0.0.0/999", "IPv4 prefix length is at most 32"),
            ("::/129", "IPv6 prefix length is at most 128"),
        ] {
            let error = text.parse::<IpNetwork>().unwrap_err().to_string();
            assert!(error.contains(reason), "{text:?}: {error}");
            assert!(error.contains(&format!("`{text}`")), "{text:?}: {error}");
            assert!(
                error.contains("10.0.0.0/8"),
                "the error shows an example: {error}"
            );
        }
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_forwards() {
        let headers = forwarded(&["198.51.100.1"]);
        assert_eq!(
            client_ip(ip("203.0.113.9"), &headers, &[]),
            ip("203.0.113.9")
        );
        let trusted = [network("10.0.0.0/8")];
        assert_eq!(
            client_ip(ip("203.0.113.9"), &headers, &trusted),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn a_trusted_peer_forwards_the_right_most_untrusted_address() {
        let trusted = [network("10.0.0.0/8"), network("2001:db8:ffff::/48")];
        let headers = forwarded(&["198.51.100.1, 203.0.113.7, 10.0.0.2"]);
        assert_eq!(
            client_ip(ip("10.0.0.1"), &headers, &trusted),
            ip("203.0.113.7"),
            "the client wrote 198.51.100.1 itself; the first proxy saw 203.0.113.7"
        );
        let split_lines = forwarded(&["198.51.100.1", "203.0.113.7", "10.0.0.2"]);
        assert_eq!(
            client_ip(ip("10.0.0.1"), &split_lines, &trusted),
            ip("203.0.113.7")
        );
        let v6 = forwarded(&["2001:db8:1::5, 2001:db8:ffff::9"]);
        assert_eq!(
            client_ip(ip("::ffff:10.0.0.1"), &v6, &trusted),
            ip("2001:db8:1::5")
        );
        let with_ports = forwarded(&["[2001:db8:1::5]:4711, 203.0.113.7:80"]);
        assert_eq!(
            client_ip(ip("10.0.0.1"), &with_ports, &trusted),
            ip("203.0.113.7")
        );
    }

    #[test]
    fn a_chain_of_trusted_proxies_yields_its_left_most_address() {
        let trusted = [network("10.0.0.0/8")];
        let headers = forwarded(&["10.9.9.9, 10.0.0.2"]);
        assert_eq!(
            client_ip(ip("10.0.0.1"), &headers, &trusted),
            ip("10.9.9.9")
        );
    }

    #[test]
    fn garbage_forwarded_for_falls_back_to_the_peer() {
        let trusted = [network("10.0.0.0/8")];
        for value in ["", "unknown", "203.0.113.7, bogus", "203.0.113.7,", "1.2.3"] {
            let headers = forwarded(&[value]);
            assert_eq!(
                client_ip(ip("10.0.0.1"), &headers, &trusted),
                ip("10.0.0.1"),
                "{value:?}"
            );
        }
        let mut not_text = HeaderMap::new();
        not_text.insert(
            &X_FORWARDED_FOR,
            HeaderValue::from_bytes(b"203.0.113.7\xff").unwrap(),
        );
        assert_eq!(
            client_ip(ip("10.0.0.1"), &not_text, &trusted),
            ip("10.0.0.1")
        );
        assert_eq!(
            client_ip(ip("10.0.0.1"), &HeaderMap::new(), &trusted),
            ip("10.0.0.1"),
            "no header: the peer"
        );
    }

    #[test]
    fn garbage_left_of_the_client_is_never_read() {
        let trusted = [network("10.0.0.0/8")];
        let headers = forwarded(&["bogus, 203.0.113.7"]);
        assert_eq!(
            client_ip(ip("10.0.0.1"), &headers, &trusted),
            ip("203.0.113.7"),
            "a client must not escape its own budget by sending junk"
        );
    }

    #[test]
    fn ipv6_clients_share_a_key_per_slash_64() {
        assert_eq!(rate_limit_key(ip("203.0.113.7")), "ip4:203.0.113.7");
        assert_eq!(rate_limit_key(ip("::ffff:203.0.113.7")), "ip4:203.0.113.7");
        assert_eq!(
            rate_limit_key(ip("2001:db8:1:2:aaaa::1")),
            rate_limit_key(ip("2001:db8:1:2:bbbb::2"))
        );
        assert_eq!(
            rate_limit_key(ip("2001:db8:1:2::1")),
            "ip6:2001:db8:1:2::/64"
        );
        assert_ne!(
            rate_limit_key(ip("2001:db8:1:2::1")),
            rate_limit_key(ip("2001:db8:1:3::1"))
        );
    }
}
