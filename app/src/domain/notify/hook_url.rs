//! The addresses hooks are sent to. A maintainer types any URL, and the server then makes
//! requests to it from inside its own network: so the form takes only plain http(s) addresses,
//! and the sender refuses to connect to an address that is not on the public internet (after
//! resolving the name, so DNS cannot point a public-looking name at the server's neighbours).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use url::Url;

/// Longest hook address; real ones are under 200 characters.
pub const MAX_HOOK_URL: usize = 2000;

/// The hook address a form sent, or what is wrong with it.
pub fn check_hook_url(input: &str) -> Result<Url, String> {
    let text = input.trim();
    if text.is_empty() {
        return Err(
            "enter the address your service gave you for incoming webhooks, such as \
             https://hooks.example.com/release-desk"
                .to_owned(),
        );
    }
    if text.chars().count() > MAX_HOOK_URL {
        return Err(format!("an address has at most {MAX_HOOK_URL} characters"));
    }
    // The URL parser would silently drop line breaks and tabs; say so instead.
    if text.chars().any(char::is_control) {
        return Err("an address cannot contain line breaks or control characters".to_owned());
    }
    let url = Url::parse(text).map_err(|_| {
        "enter a full address such as https://hooks.example.com/release-desk".to_owned()
    })?;
    if !matches!(url.scheme(), "https" | "http") {
        return Err("the address must start with https:// (or http://)".to_owned());
    }
    if url.host().is_none() {
        return Err("the address needs a host name, as in https://hooks.example.com/".to_owned());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(
            "leave the user name and password out of the address; requests are signed with \
             the hook's secret instead"
                .to_owned(),
        );
    }
    if url.fragment().is_some() {
        return Err("remove the part from # on: it is never sent to the server".to_owned());
    }
    Ok(url)
}

/// Whether a hook must not be sent to `ip`: anything but a public unicast address, so the
/// server cannot be made to reach itself, its private network or a cloud metadata service.
pub fn is_forbidden_address(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(ip) => forbidden_v4(ip),
        IpAddr::V6(ip) => forbidden_v6(ip),
    }
}

fn forbidden_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_documentation()
        || ip.is_multicast()
        // "This network", 0.0.0.0/8: Linux connects 0.x addresses to the host itself.
        || a == 0
        // Carrier-grade NAT, 100.64.0.0/10.
        || (a == 100 && (64..128).contains(&b))
        // IETF protocol assignments, 192.0.0.0/24.
        || (a == 192 && b == 0 && c == 0)
        // Benchmarking, 198.18.0.0/15.
        || (a == 198 && (b == 18 || b == 19))
        // Reserved, 240.0.0.0/4.
        || a >= 240
}

fn forbidden_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = embedded_v4(ip) {
        return forbidden_v4(v4);
    }
    let [first, second, ..] = ip.segments();
    ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        // Unique local, fc00::/7.
        || first & 0xfe00 == 0xfc00
        // Link-local, fe80::/10, and the old site-local, fec0::/10.
        || first & 0xffc0 == 0xfe80
        || first & 0xffc0 == 0xfec0
        // Documentation, 2001:db8::/32.
        || (first == 0x2001 && second == 0x0db8)
}

/// The IPv4 address an IPv6 one really reaches: IPv4-mapped (`::ffff:10.0.0.1`),
/// IPv4-compatible (`::10.0.0.1`) or through the well-known NAT64 prefix (`64:ff9b::10.0.0.1`).
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let segments = ip.segments();
    let [hi, lo] = [segments[6], segments[7]];
    let v4 = Ipv4Addr::new(
        (hi >> 8) as u8,
        (hi & 0xff) as u8,
        (lo >> 8) as u8,
        (lo & 0xff) as u8,
    );
    match segments[..6] {
        [0, 0, 0, 0, 0, 0xffff] | [0, 0, 0, 0, 0, 0] | [0x64, 0xff9b, 0, 0, 0, 0] => Some(v4),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("test address")
    }

    #[test]
    fn plain_web_addresses_are_taken() {
        let url = check_hook_url(" https://hooks.slack.com/services/T0/B0/xyz ").expect("url");
        assert_eq!(url.as_str(), "https://hooks.slack.com/services/T0/B0/xyz");
        assert!(check_hook_url("http://ci.example.com:8080/hook?team=a&b=1").is_ok());
        assert!(check_hook_url("https://93.184.216.34/hook").is_ok());
    }

    #[test]
    fn other_addresses_are_refused_with_a_reason() {
        let cases = [
            ("", "enter the address"),
            ("hooks.example.com/x", "full address"),
            ("https://", "full address"),
            ("ftp://example.com/hook", "https://"),
            ("file:///etc/passwd", "https://"),
            ("javascript:alert(1)", "https://"),
            ("mailto:ada@example.com", "https://"),
            (
                "https://user:pass@example.com/hook",
                "user name and password",
            ),
            ("https://token@example.com/hook", "user name and password"),
            ("https://example.com/hook#part", "#"),
            ("https://example.com/ho\nok", "line breaks"),
            ("https://example.com/\r\nX-Evil: 1", "line breaks"),
        ];
        for (input, expected) in cases {
            let err = check_hook_url(input).expect_err(input);
            assert!(err.contains(expected), "{input:?}: {err}");
        }
        let long = format!("https://example.com/{}", "a".repeat(MAX_HOOK_URL));
        let err = check_hook_url(&long).expect_err("long");
        assert!(err.contains("2000"), "{err}");
    }

    #[test]
    fn public_addresses_are_allowed() {
        for text in [
            "8.8.8.8",
            "1.1.1.1",
            "100.63.255.255",
            "100.128.0.0",
            "172.32.0.1",
            "192.0.1.1",
            "2606:4700:4700::1111",
            "2001:4860:4860::8888",
            "::ffff:8.8.8.8",
            "64:ff9b::8.8.8.8",
        ] {
            assert!(!is_forbidden_address(ip(text)), "{text}");
        }
    }

    #[test]
    fn private_and_special_addresses_are_forbidden() {
        for text in [
            "127.0.0.1",
            "127.255.0.9",
            "0.0.0.0",
            "0.1.2.3",
            "10.0.0.1",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "100.127.255.255",
            "192.0.0.8",
            "192.0.2.1",
            "198.51.100.7",
            "203.0.113.200",
            "198.18.0.1",
            "224.0.0.1",
            "239.255.255.250",
            "240.0.0.1",
            "255.255.255.255",
            "::",
            "::1",
            "fe80::1",
            "febf::1",
            "fec0::1",
            "fc00::1",
            "fd12:3456::1",
            "ff02::1",
            "2001:db8::1",
        ] {
            assert!(is_forbidden_address(ip(text)), "{text}");
        }
    }

    #[test]
    fn ipv4_inside_ipv6_is_judged_as_ipv4() {
        for text in [
            "::ffff:127.0.0.1",
            "::ffff:10.1.2.3",
            "::ffff:169.254.169.254",
            "::ffff:192.168.0.1",
            "::127.0.0.1",
            "::10.0.0.1",
            "64:ff9b::10.0.0.1",
            "64:ff9b::127.0.0.1",
        ] {
            assert!(is_forbidden_address(ip(text)), "{text}");
        }
    }
}
