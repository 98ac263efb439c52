//! The client's address: the TCP peer's, or, when the peer is a trusted reverse proxy, the
//! right-most forwarded address that is not one (RFC 7239 `Forwarded`, else
//! `X-Forwarded-For`). Headers from any other peer are ignored: anyone can write them.

use std::net::{IpAddr, Ipv4Addr};

use actix_web::HttpRequest;
use actix_web::http::header::HeaderMap;
use actix_web::web;
use ipnet::IpNet;

/// The reverse proxies whose forwarding headers are believed.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(pub Vec<IpNet>);

impl TrustedProxies {
    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client of a request that reached us from `peer` with `headers`.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        if !self.trusts(peer) {
            return peer;
        }
        let mut client = peer;
        // From the nearest hop outwards: each trusted hop vouches for the one before it.
        for hop in forwarded_chain(headers).into_iter().rev() {
            match hop {
                Some(ip) if self.trusts(ip) => client = ip,
                Some(ip) => return ip,
                // An obfuscated or unknown node: nothing before it can be vouched for.
                None => return client,
            }
        }
        client
    }
}

/// The address of the client of `req`, as text (empty when the peer is unknown).
pub fn client_address(req: &HttpRequest) -> String {
    let Some(peer) = req.peer_addr().map(|p| p.ip()) else {
        return String::new();
    };
    match req.app_data::<web::Data<TrustedProxies>>() {
        Some(trusted) => trusted.client(peer, req.headers()).to_string(),
        None => peer.to_string(),
    }
}

/// The forwarded-for addresses, client first: `Forwarded`'s `for=` when present, else
/// `X-Forwarded-For`. A node that is not an address is `None`.
fn forwarded_chain(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    let values = |name: &str| -> Vec<String> {
        headers
            .get_all(name)
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(|v| v.trim().to_owned())
            .collect()
    };
    let forwarded = values("forwarded");
    if !forwarded.is_empty() {
        return forwarded
            .iter()
            .filter_map(|element| {
                element.split(';').find_map(|pair| {
                    let (name, value) = pair.trim().split_once('=')?;
                    name.eq_ignore_ascii_case("for").then(|| node(value))
                })
            })
            .collect();
    }
    values("x-forwarded-for").iter().map(|v| node(v)).collect()
}

/// An address as a forwarding header writes it: bare, quoted, bracketed, with or without a port.
fn node(value: &str) -> Option<IpAddr> {
    let value = value.trim().trim_matches('"');
    if let Some(rest) = value.strip_prefix('[') {
        return rest.split(']').next()?.parse().ok();
    }
    if let Ok(ip) = value.parse::<IpAddr>() {
        return Some(ip);
    }
    let (host, port) = value.rsplit_once(':')?;
    port.parse::<u16>().ok()?;
    host.parse::<Ipv4Addr>().ok().map(IpAddr::V4)
}

#[cfg(test)]
mod tests {
    use actix_web::http::header::{HeaderName, HeaderValue};

    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(HeaderName::from_static(name), HeaderValue::from_static(value));
        }
        map
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn forwarding_headers_count_only_from_trusted_proxies() {
        let trusted = TrustedProxies(vec!["10.0.0.0/8".parse().unwrap()]);
        let forged = headers(&[("x-forwarded-for", "198.51.100.7")]);
        assert_eq!(trusted.client(ip("203.0.113.9"), &forged), ip("203.0.113.9"));
        assert_eq!(trusted.client(ip("10.0.0.2"), &forged), ip("198.51.100.7"));
        // The client prepends a forged hop; the proxies append the address they saw.
        let chain = headers(&[("x-forwarded-for", "1.2.3.4, 198.51.100.7, 10.0.0.5")]);
        assert_eq!(trusted.client(ip("10.0.0.2"), &chain), ip("198.51.100.7"));
        let rfc = headers(&[("forwarded", "for=1.2.3.4, for=\"[2001:db8::1]:4711\";proto=https")]);
        assert_eq!(trusted.client(ip("10.0.0.2"), &rfc), ip("2001:db8::1"));
        let ported = headers(&[("forwarded", "for=\"192.0.2.60:8080\"")]);
        assert_eq!(trusted.client(ip("10.0.0.2"), &ported), ip("192.0.2.60"));
        let hidden = headers(&[("forwarded", "for=_hidden, for=10.0.0.7")]);
        assert_eq!(trusted.client(ip("10.0.0.2"), &hidden), ip("10.0.0.7"));
        assert_eq!(trusted.client(ip("10.0.0.2"), &HeaderMap::new()), ip("10.0.0.2"));
        let nobody = TrustedProxies::default();
        assert_eq!(nobody.client(ip("10.0.0.2"), &chain), ip("10.0.0.2"));
    }
}
