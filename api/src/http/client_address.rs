//! Which address a request comes from, for the per-address rate limit.
//!
//! Behind a reverse proxy every TCP peer is the proxy, so every anonymous client would share
//! one bucket. A proxy appends the address it received the request from to
//! `X-Forwarded-For`; anyone can write that header, so it is read only when the peer is a
//! configured trusted proxy, and from the right: the first address that is not itself a
//! trusted proxy is the client (what nginx's `real_ip_recursive` does).

use std::net::IpAddr;

use actix_web::HttpRequest;
use ipnet::IpNet;

/// Header a proxy appends the client's address to.
const FORWARDED_FOR: &str = "x-forwarded-for";

/// Finds the client address of a request.
#[derive(Debug, Clone, Default)]
pub struct ClientAddress {
    trusted_proxies: Vec<IpNet>,
}

impl ClientAddress {
    /// Trusts `X-Forwarded-For` from peers in `trusted_proxies`.
    pub fn new(trusted_proxies: Vec<IpNet>) -> Self {
        Self { trusted_proxies }
    }

    fn is_trusted(&self, address: IpAddr) -> bool {
        // A dual-stack socket reports IPv4 peers as `::ffff:a.b.c.d`.
        let address = address.to_canonical();
        self.trusted_proxies
            .iter()
            .any(|network| network.contains(&address))
    }

    /// Whether the TCP peer is a trusted proxy (whose forwarded headers may be read).
    pub fn peer_is_trusted(&self, request: &HttpRequest) -> bool {
        request
            .peer_addr()
            .is_some_and(|peer| self.is_trusted(peer.ip()))
    }

    /// The client's address: the TCP peer, unless the peer is a trusted proxy; then the
    /// nearest forwarded address that is not a trusted proxy. When the forwarded list is
    /// missing or malformed, the last trusted hop stands for the client.
    pub fn of(&self, request: &HttpRequest) -> Option<IpAddr> {
        let peer = request.peer_addr()?.ip().to_canonical();
        self.resolve(
            peer,
            request
                .headers()
                .get_all(FORWARDED_FOR)
                .filter_map(|value| value.to_str().ok()),
        )
    }

    fn resolve<'a>(
        &self,
        peer: IpAddr,
        forwarded: impl Iterator<Item = &'a str>,
    ) -> Option<IpAddr> {
        if !self.is_trusted(peer) {
            return Some(peer);
        }
        // Several headers read as one list, in order.
        let hops: Vec<&str> = forwarded.flat_map(|value| value.split(',')).collect();
        let mut nearest = peer;
        for hop in hops.iter().rev() {
            let Some(address) = parse_hop(hop) else {
                return Some(nearest);
            };
            if !self.is_trusted(address) {
                return Some(address);
            }
            nearest = address;
        }
        Some(nearest)
    }
}

/// `203.0.113.7`, `2001:db8::1`, `[2001:db8::1]:4711` or `203.0.113.7:4711`.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim();
    let address = match hop.parse::<IpAddr>() {
        Ok(address) => address,
        Err(_) => hop.parse::<std::net::SocketAddr>().ok()?.ip(),
    };
    Some(address.to_canonical())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address(text: &str) -> IpAddr {
        text.parse().unwrap_or(IpAddr::from([0, 0, 0, 0]))
    }

    fn behind(proxies: &[&str]) -> ClientAddress {
        ClientAddress::new(
            proxies
                .iter()
                .filter_map(|proxy| proxy.parse::<IpNet>().ok())
                .collect(),
        )
    }

    #[test]
    fn untrusted_peers_are_the_client_whatever_they_forward() {
        let resolver = behind(&[]);
        let client = resolver.resolve(address("198.51.100.9"), ["203.0.113.7"].into_iter());
        assert_eq!(client, Some(address("198.51.100.9")));
    }

    #[test]
    fn trusted_proxies_name_the_client_read_from_the_right() {
        let resolver = behind(&["10.0.0.0/8"]);
        // The client wrote a false first entry; the proxies appended the rest.
        let client = resolver.resolve(
            address("10.0.0.2"),
            ["1.2.3.4, 203.0.113.7", "10.0.0.1"].into_iter(),
        );
        assert_eq!(client, Some(address("203.0.113.7")));
        let ipv6 = resolver.resolve(address("10.0.0.2"), ["[2001:db8::1]:4711"].into_iter());
        assert_eq!(ipv6, Some(address("2001:db8::1")));
        // An IPv4 proxy seen through a dual-stack socket is still the trusted proxy.
        let mapped = resolver.resolve(address("::ffff:10.0.0.2"), ["203.0.113.9"].into_iter());
        assert_eq!(mapped, Some(address("203.0.113.9")));
    }

    #[test]
    fn missing_or_malformed_lists_leave_the_nearest_proxy() {
        let resolver = behind(&["10.0.0.0/8"]);
        assert_eq!(
            resolver.resolve(address("10.0.0.2"), std::iter::empty()),
            Some(address("10.0.0.2"))
        );
        assert_eq!(
            resolver.resolve(address("10.0.0.2"), ["unknown, 10.0.0.1"].into_iter()),
            Some(address("10.0.0.1"))
        );
    }
}
