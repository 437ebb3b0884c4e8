//! Request bodies, bounded in one place before any handler reads them: at most
//! [`BodyLimits::max_bytes`], read within [`BodyLimits::read_timeout`], a few large ones at
//! once, and text that is UTF-8. Handlers then find the body whole in memory.
//!
//! Unsigned webhooks once showed why: each 24 MB body was read whole before its signature was
//! checked, with no bound on how many at once, and 40 of them took the server from 63 MB to
//! 819 MB.

use std::{sync::Arc, time::Duration};

use app::error::AppError;
use axum::{
    body::{Body, Bytes},
    extract::Request,
    middleware::Next,
    response::Response,
};
use http::header;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use tokio::sync::Semaphore;

use super::refusal;

/// Bodies up to this size are read at any concurrency: forms and API changes.
const SMALL: u64 = 64 * 1024;

#[derive(Clone, Debug)]
pub struct BodyLimits {
    /// The largest body any route takes (`RELEASEDESK_MAX_BODY`).
    pub max_bytes: u64,
    /// The longest a client may take to send its body (`RELEASEDESK_BODY_TIMEOUT`).
    pub read_timeout: Duration,
    /// How many bodies larger than 64 KiB are read (and held) at once; more wait their turn.
    pub large_at_once: usize,
}

impl Default for BodyLimits {
    fn default() -> Self {
        BodyLimits {
            max_bytes: DEFAULT_MAX_BODY,
            read_timeout: Duration::from_secs(30),
            large_at_once: 8,
        }
    }
}

/// 4 MiB: twice the largest event GitHub sends us (a release at GitHub's caps, 125,000
/// characters of notes and 1,000 assets, is 1.9 MB), far above any form or API change (an
/// incident is at most seven fields of 20,000 characters). GitHub's own 25 MB cap is for
/// events we do not read whole; a larger body gets 413 and the reconciliation sync catches up.
pub const DEFAULT_MAX_BODY: u64 = 4 * 1024 * 1024;

/// The limits and the turns for large bodies, shared by every request.
#[derive(Debug)]
pub struct BodyGate {
    limits: BodyLimits,
    large: Semaphore,
}

impl BodyGate {
    pub fn new(limits: BodyLimits) -> BodyGate {
        BodyGate {
            large: Semaphore::new(limits.large_at_once.max(1)),
            limits,
        }
    }
}

/// Middleware: reads the body within the limits, or refuses the request (413 too large, 408
/// too slow, 400 not UTF-8, 503 when large bodies keep others waiting too long).
pub async fn bound_body(gate: Arc<BodyGate>, request: Request, next: Next) -> Response {
    let limits = &gate.limits;
    let declared = declared_length(&request);
    if declared == Some(0) {
        return next.run(request).await;
    }
    if declared.is_some_and(|length| length > limits.max_bytes) {
        return refusal::refuse(&request, too_large(limits.max_bytes));
    }
    // Large bodies (or ones whose size is unknown) take turns, and keep theirs until the
    // answer is made: the handler holds the body in memory until then.
    let _turn = if declared.is_none_or(|length| length > SMALL) {
        match tokio::time::timeout(limits.read_timeout, gate.large.acquire()).await {
            Ok(Ok(turn)) => Some(turn),
            _ => return refusal::refuse(&request, AppError::Unavailable),
        }
    } else {
        None
    };
    let (parts, body) = request.into_parts();
    let limited = Limited::new(
        body,
        usize::try_from(limits.max_bytes).unwrap_or(usize::MAX),
    );
    let read = tokio::time::timeout(limits.read_timeout, limited.collect()).await;
    let request = Request::from_parts(parts, Body::empty());
    let bytes = match read {
        Ok(Ok(collected)) => collected.to_bytes(),
        Ok(Err(err)) if err.downcast_ref::<LengthLimitError>().is_some() => {
            return refusal::refuse(&request, too_large(limits.max_bytes));
        }
        Ok(Err(_)) => {
            return refusal::refuse(
                &request,
                AppError::BadRequest("the request's body was cut short".to_owned()),
            );
        }
        Err(_) => {
            return refusal::refuse(
                &request,
                AppError::TooSlow(format!(
                    "the request's body took longer than {} seconds to arrive",
                    limits.read_timeout.as_secs()
                )),
            );
        }
    };
    if let Err(problem) = text_problem(content_type(&request), &bytes) {
        return refusal::refuse(&request, AppError::BadRequest(problem));
    }
    let (parts, _) = request.into_parts();
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

fn too_large(max_bytes: u64) -> AppError {
    AppError::TooLarge(format!(
        "the request's body is over the limit of {} KiB",
        max_bytes / 1024
    ))
}

/// The body's size when it is known before reading: hyper knows it from `Content-Length` (and
/// that a request without one has none), not for a chunked body.
fn declared_length(request: &Request) -> Option<u64> {
    axum::body::HttpBody::size_hint(request.body()).exact()
}

fn content_type(request: &Request) -> &str {
    request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// Why a body of this type is not the text it claims to be. Forms must decode to UTF-8 after
/// percent-decoding; JSON and other text must be UTF-8 as sent. Other types are not read here.
pub fn text_problem(content_type: &str, body: &Bytes) -> Result<(), String> {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    if essence == "application/x-www-form-urlencoded" {
        let not_utf8 = body.split(|b| *b == b'&').any(|pair| {
            let plus_as_space: Vec<u8> = pair
                .iter()
                .map(|b| if *b == b'+' { b' ' } else { *b })
                .collect();
            percent_encoding::percent_decode(&plus_as_space)
                .decode_utf8()
                .is_err()
        });
        return if not_utf8 {
            Err("the form's text is not valid UTF-8".to_owned())
        } else {
            Ok(())
        };
    }
    let is_text =
        essence.starts_with("text/") || essence == "application/json" || essence.ends_with("+json");
    if is_text && std::str::from_utf8(body).is_err() {
        return Err("the request's body is not valid UTF-8".to_owned());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_must_be_utf8_after_decoding() {
        let form = "application/x-www-form-urlencoded";
        assert!(text_problem(form, &Bytes::from_static(b"note=caf%C3%A9+ok&x=1")).is_ok());
        assert!(text_problem(form, &Bytes::from_static(b"note=%FF")).is_err());
        assert!(text_problem(form, &Bytes::from_static(b"note=\xff")).is_err());
        let json = "application/json; charset=utf-8";
        assert!(text_problem(json, &Bytes::from_static(b"{\"a\":\"\xc3\xa9\"}")).is_ok());
        assert!(text_problem(json, &Bytes::from_static(b"{\"a\":\"\xff\"}")).is_err());
        assert!(text_problem("application/vnd.api+json", &Bytes::from_static(b"\xff")).is_err());
        assert!(text_problem("application/octet-stream", &Bytes::from_static(b"\xff")).is_ok());
    }
}
