//! Conditional requests for public reads (API answers, badges, calendars): a strong `ETag` from
//! the body, `Cache-Control`, and `304 Not Modified` on a matching `If-None-Match`. Answers to a
//! signed-in person or a token may differ from the public ones, so they are never cached
//! publicly.

use app::domain::access::Caller;
use axum::{
    body::{to_bytes, Body},
    extract::Request,
    middleware::Next,
    response::{IntoResponse, Response},
};
use http::{header, HeaderValue, Method, StatusCode};
use sha2::{Digest, Sha256};

/// Larger answers pass through without an ETag.
const MAX_BODY: usize = 8 * 1024 * 1024;

/// Public reads worth caching: everything under `/api/` but who-am-I, badges and calendars.
pub fn is_public_read(path: &str) -> bool {
    (path.starts_with("/api/") && path != "/api/v1/me")
        || path.starts_with("/badge/")
        || path.ends_with(".ics")
}

/// True when `If-None-Match` names `etag` (or `*`); weak validators compare equal.
pub fn matches(if_none_match: &str, etag: &str) -> bool {
    if_none_match
        .split(',')
        .map(|tag| tag.trim().trim_start_matches("W/"))
        .any(|tag| tag == "*" || tag == etag)
}

pub async fn conditional(request: Request, next: Next) -> Response {
    if !matches!(*request.method(), Method::GET | Method::HEAD)
        || !is_public_read(request.uri().path())
    {
        return next.run(request).await;
    }
    let if_none_match = request
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let personal = matches!(
        request.extensions().get::<Caller>(),
        Some(Caller::Person(_) | Caller::Token(_))
    );
    let response = next.run(request).await;
    if response.status() != StatusCode::OK {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_BODY).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let etag = format!("\"{}\"", &hex::encode(Sha256::digest(&bytes))[..32]);
    let cache_control = if personal {
        "private, no-cache"
    } else {
        "public, max-age=60"
    };
    let headers = &mut parts.headers;
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control),
    );
    headers.insert(
        header::VARY,
        HeaderValue::from_static("Cookie, Authorization"),
    );
    if if_none_match.is_some_and(|inm| matches(&inm, &etag)) {
        parts.status = StatusCode::NOT_MODIFIED;
        parts.headers.remove(header::CONTENT_LENGTH);
        parts.headers.remove(header::CONTENT_TYPE);
        return Response::from_parts(parts, Body::empty());
    }
    Response::from_parts(parts, Body::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn which_reads_are_cached() {
        assert!(is_public_read("/api/v1/repos/acme/orbit/support"));
        assert!(is_public_read("/api/orbit.json"));
        assert!(is_public_read("/badge/acme/orbit/3.x.svg"));
        assert!(is_public_read("/acme/orbit/calendar.ics"));
        assert!(!is_public_read("/api/v1/me"));
        assert!(!is_public_read("/acme/orbit"));
        assert!(!is_public_read("/sfn/get_history"));
    }

    #[test]
    fn if_none_match_lists() {
        assert!(matches("\"abc\"", "\"abc\""));
        assert!(matches("W/\"abc\"", "\"abc\""));
        assert!(matches("\"x\", \"abc\"", "\"abc\""));
        assert!(matches("*", "\"abc\""));
        assert!(!matches("\"abd\"", "\"abc\""));
    }
}
