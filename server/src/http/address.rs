//! What a request's address may be, checked before anything else sees it: a `Host` that is a
//! plain `host[:port]` (and, with `RELEASEDESK_PUBLIC_URL` set, the public URL's own), and page
//! addresses without a trailing slash.
//!
//! Everything after this layer may build links from `Host` and key kept answers by it: a
//! `Host` holding a path (`127.0.0.1:3222/api/v1/repos`) once made the HTML page of one address
//! the kept answer of another.

use std::sync::Arc;

use app::error::AppError;
use axum::{extract::Request, middleware::Next, response::Response};
use http::{header, HeaderValue, StatusCode};
use url::Url;

use super::refusal;
use crate::auth::Auth;

/// A DNS name, an IPv4 address or a bracketed IPv6 address, and an optional port: nothing that
/// could be read as part of a path, user information or another header.
pub fn is_plain_host(value: &str) -> bool {
    let (host, port) = split_port(value);
    let port_ok = port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.parse::<u16>().is_ok());
    let host_ok = match host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        Some(ipv6) => ipv6.parse::<std::net::Ipv6Addr>().is_ok(),
        None => {
            !host.is_empty()
                && host.len() <= 253
                && host.split('.').all(|label| {
                    label.len() <= 63
                        && label
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                })
                && !host.starts_with('.')
                && !host.contains("..")
        }
    };
    port_ok && host_ok
}

/// `host[:port]` into its host and port text; an IPv6 address keeps its brackets.
fn split_port(value: &str) -> (&str, Option<&str>) {
    match value.rfind(':') {
        Some(colon) if !value[colon..].contains(']') => {
            (&value[..colon], Some(&value[colon + 1..]))
        }
        _ => (value, None),
    }
}

/// True when a plain `host` names the public URL's host and port (the scheme's default port
/// when none is written), in any letter case.
pub fn names_public_host(host: &str, public: &Url) -> bool {
    let (name, port) = split_port(host);
    let port = match port {
        Some(port) => port.parse::<u16>().ok(),
        None => Some(if public.scheme() == "https" { 443 } else { 80 }),
    };
    let ours = public.host_str().unwrap_or_default();
    name.eq_ignore_ascii_case(ours) && port == public.port_or_known_default()
}

/// Addresses that answer whatever host they are asked by: load balancers and probes ask by
/// the machine's own address.
fn answers_any_host(path: &str) -> bool {
    matches!(path, "/healthz" | "/readyz" | "/metrics")
}

/// Middleware: refuses a malformed `Host` (400) and, with a public URL, another host (421).
/// A request in absolute form (`GET http://host/path`) is judged by its URI's host, which then
/// replaces the `Host` header so that everything after reads one host.
pub async fn accept_host(auth: Arc<Auth>, mut request: Request, next: Next) -> Response {
    let from_uri = request.uri().authority().map(|a| a.as_str().to_owned());
    let mut from_header = request.headers().get_all(header::HOST).iter();
    let header_host = match (from_header.next(), from_header.next()) {
        (None, _) => None,
        (Some(value), None) => match value.to_str() {
            Ok(text) => Some(text.to_owned()),
            Err(_) => return refuse_host(&request),
        },
        (Some(_), Some(_)) => return refuse_host(&request),
    };
    // HTTP/1.0 clients and in-process callers may send no host at all: links then start at
    // the public URL or the root.
    let Some(host) = from_uri.or(header_host) else {
        return next.run(request).await;
    };
    if !is_plain_host(&host) {
        return refuse_host(&request);
    }
    if let Some(public) = &auth.public_url {
        if !names_public_host(&host, public) && !answers_any_host(request.uri().path()) {
            let ours = public.host_str().unwrap_or_default();
            return refusal::refuse(
                &request,
                AppError::Misdirected(format!(
                    "this server answers for {ours}; ask it by that name"
                )),
            );
        }
    }
    if let Ok(value) = HeaderValue::from_str(&host) {
        request.headers_mut().insert(header::HOST, value);
    }
    next.run(request).await
}

fn refuse_host(request: &Request) -> Response {
    refusal::refuse(
        request,
        AppError::BadRequest(
            "the Host header must be one host name or address with an optional port".to_owned(),
        ),
    )
}

/// The address without its trailing slashes, when it has any and is more than `/`. Leading
/// slashes are folded into one, so the answer can never be read as another host
/// (`//evil.example/` must not become `//evil.example`).
pub fn without_trailing_slash(path: &str) -> Option<String> {
    if path.len() <= 1 || !path.ends_with('/') {
        return None;
    }
    let trimmed = path.trim_end_matches('/');
    Some(format!("/{}", trimmed.trim_start_matches('/')))
}

/// Middleware: `/{owner}/{repo}/` and the like answer 308 to the address without the slash,
/// keeping the query; no route of ours ends in one.
pub async fn drop_trailing_slash(request: Request, next: Next) -> Response {
    let Some(path) = without_trailing_slash(request.uri().path()) else {
        return next.run(request).await;
    };
    let location = match request.uri().query() {
        Some(query) => format!("{path}?{query}"),
        None => path,
    };
    let mut response = Response::new(axum::body::Body::empty());
    *response.status_mut() = StatusCode::PERMANENT_REDIRECT;
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_hosts_are_a_name_or_address_and_a_port() {
        for good in [
            "releasedesk.test",
            "127.0.0.1:3222",
            "localhost",
            "[::1]:3000",
            "[2001:db8::1]",
            "a-b.example.org:443",
            "Releases.Example.ORG",
        ] {
            assert!(is_plain_host(good), "{good}");
        }
        for bad in [
            "",
            "127.0.0.1:3222/api/v1/repos",
            "example.org/",
            "user@example.org",
            "example.org:",
            "example.org:99999",
            "example.org:80:80",
            "exa mple.org",
            "example.org\r\nX-Evil: 1",
            "[::1",
            "[nothost]:80",
            "..",
            "example..org",
            "example.org?x",
            "example.org#x",
            "%65xample.org",
        ] {
            assert!(!is_plain_host(bad), "{bad:?}");
        }
    }

    #[test]
    fn the_public_host_matches_with_its_default_port_in_any_case() {
        let public = Url::parse("https://Releases.example.org/desk/").expect("url");
        assert!(names_public_host("releases.example.org", &public));
        assert!(names_public_host("RELEASES.example.org:443", &public));
        assert!(!names_public_host("releases.example.org:80", &public));
        assert!(!names_public_host("evil.example", &public));
        let local = Url::parse("http://127.0.0.1:3000").expect("url");
        assert!(names_public_host("127.0.0.1:3000", &local));
        assert!(!names_public_host("127.0.0.1", &local));
    }

    #[test]
    fn trailing_slashes_go_and_leading_ones_fold() {
        assert_eq!(without_trailing_slash("/"), None);
        assert_eq!(without_trailing_slash("/acme/orbit"), None);
        assert_eq!(
            without_trailing_slash("/acme/orbit/").as_deref(),
            Some("/acme/orbit")
        );
        assert_eq!(
            without_trailing_slash("/acme/orbit///").as_deref(),
            Some("/acme/orbit")
        );
        assert_eq!(
            without_trailing_slash("//evil.example/").as_deref(),
            Some("/evil.example")
        );
        assert_eq!(without_trailing_slash("//").as_deref(), Some("/"));
    }
}
