//! Where webhooks may be sent: public unicast addresses only, unless the operator allows a
//! network (`webhooks.allow_networks`). An admin key can register any URL; without this
//! rule it could make the server reach what only the server can reach: its own admin ports
//! on loopback, the cloud metadata service on link-local 169.254.169.254, databases on the
//! private network (server-side request forgery). See `docs/security.md`.
//!
//! Rust's `IpAddr::is_global` is not stable, so the special ranges are listed here, from the
//! IANA special-purpose registries (IPv4 and IPv6).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::LazyLock;

use ipnet::IpNet;

/// Ranges that are not public unicast, with what they are (for the refusal message).
const SPECIAL: &[(&str, &str)] = &[
    ("0.0.0.0/8", "unspecified (this network)"),
    ("10.0.0.0/8", "private"),
    ("100.64.0.0/10", "shared address space (carrier-grade NAT)"),
    ("127.0.0.0/8", "loopback"),
    ("169.254.0.0/16", "link-local"),
    ("172.16.0.0/12", "private"),
    ("192.0.0.0/24", "IETF protocol assignments"),
    ("192.0.2.0/24", "documentation"),
    ("192.88.99.0/24", "6to4 relay anycast"),
    ("192.168.0.0/16", "private"),
    ("198.18.0.0/15", "benchmarking"),
    ("198.51.100.0/24", "documentation"),
    ("203.0.113.0/24", "documentation"),
    ("224.0.0.0/4", "multicast"),
    ("240.0.0.0/4", "reserved"),
    ("::/128", "unspecified"),
    ("::1/128", "loopback"),
    ("::/96", "IPv4-compatible (deprecated)"),
    ("64:ff9b::/96", "IPv4/IPv6 translation"),
    ("64:ff9b:1::/48", "IPv4/IPv6 translation"),
    ("100::/64", "discard-only"),
    ("2001::/23", "IETF protocol assignments (Teredo and others)"),
    ("2001:db8::/32", "documentation"),
    ("2002::/16", "6to4"),
    ("3fff::/20", "documentation"),
    ("5f00::/16", "segment routing"),
    ("fc00::/7", "unique-local"),
    ("fe80::/10", "link-local"),
    ("fec0::/10", "site-local (deprecated)"),
    ("ff00::/8", "multicast"),
];

static SPECIAL_NETWORKS: LazyLock<Vec<(IpNet, &'static str)>> = LazyLock::new(|| {
    SPECIAL
        .iter()
        .filter_map(|(network, what)| network.parse().ok().map(|network| (network, *what)))
        .collect()
});

/// The outbound address rule in force.
#[derive(Debug, Clone, Default)]
pub struct AddressPolicy {
    allowed: Vec<IpNet>,
}

impl AddressPolicy {
    /// Public addresses, and the special ones in `allowed`.
    pub fn new(allowed: Vec<IpNet>) -> Self {
        Self { allowed }
    }

    /// `Ok` when deliveries may go to `address`, else why not.
    pub fn check(&self, address: IpAddr) -> Result<(), String> {
        // An IPv4-mapped IPv6 address (::ffff:a.b.c.d) reaches the IPv4 address.
        let address = match address {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
            v4 => v4,
        };
        if self
            .allowed
            .iter()
            .any(|network| network.contains(&address))
        {
            return Ok(());
        }
        match special_kind(address) {
            Some(what) => Err(format!(
                "{address} is a {what} address; webhooks go to public addresses only unless \
                 `webhooks.allow_networks` allows it"
            )),
            None => Ok(()),
        }
    }
}

/// What kind of special address `address` is, `None` for a public unicast one.
fn special_kind(address: IpAddr) -> Option<&'static str> {
    SPECIAL_NETWORKS
        .iter()
        .find(|(network, _)| network.contains(&address))
        .map(|(_, what)| *what)
        .or(match address {
            IpAddr::V4(v4) if v4 == Ipv4Addr::BROADCAST => Some("broadcast"),
            IpAddr::V6(v6) if v6 == Ipv6Addr::UNSPECIFIED => Some("unspecified"),
            _ => None,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(policy: &AddressPolicy, address: &str) -> bool {
        policy.check(address.parse().unwrap()).is_err()
    }

    #[test]
    fn every_listed_range_parses() {
        assert_eq!(SPECIAL_NETWORKS.len(), SPECIAL.len());
    }

    #[test]
    fn special_addresses_are_refused_and_public_ones_pass() {
        let policy = AddressPolicy::default();
        for address in [
            "127.0.0.1",
            "10.1.2.3",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fe80::1",
            "fd00::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::a9fe:a9fe",
            "2002:7f00:1::",
        ] {
            assert!(refused(&policy, address), "{address} is refused");
        }
        for address in [
            "93.184.215.14",
            "1.1.1.1",
            "2606:4700:4700::1111",
            "::ffff:1.1.1.1",
        ] {
            assert!(!refused(&policy, address), "{address} passes");
        }
    }

    #[test]
    fn allowed_networks_pass() {
        let policy = AddressPolicy::new(vec!["127.0.0.0/8".parse().unwrap()]);
        assert!(!refused(&policy, "127.0.0.1"));
        assert!(!refused(&policy, "::ffff:127.0.0.1"));
        assert!(refused(&policy, "10.0.0.1"));
        assert!(refused(&policy, "::1"));
    }
}
