//! Caching of public answers, on two levels.
//!
//! - [`shared_cache`]: anonymous reads (no session cookie, no token) of pages and public API
//!   answers are kept in memory, keyed by address, for as long as the data version (migration
//!   0013) stands still and at most [`KEEP_FOR`]. A hit costs one lookup of the data version,
//!   no rendering. The answers carry an `ETag`, `Cache-Control: public` and `Vary`, so browsers
//!   and CDNs may keep them too; `If-None-Match` is answered with 304 from memory.
//! - [`conditional`]: anonymous reads not kept get an `ETag` from the body and 304s too; public
//!   API answers are `public`, pages not kept `private, no-cache`. Whatever is made for a person
//!   or a token, and every server function's answer, is `private, no-store`: it may hold a
//!   secret (a new token) or what only maintainers see (drafts, settings).
//!
//! ETags are weak: the compression layer outside sends the same answer in several encodings.
//!
//! An answer is only ever kept when it was made for nobody in particular, so no kept answer can
//! show a maintainer's view to anyone else.

use std::{
    collections::HashMap,
    io::Write,
    sync::{Arc, Mutex, OnceLock},
    time::{Duration, Instant},
};

use app::domain::access::Caller;
use axum::{
    body::{Body, Bytes},
    extract::Request,
    middleware::Next,
    response::Response,
};
use http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use http_body_util::BodyExt;
use sha2::{Digest, Sha256};
use sqlx::SqlitePool;

mod data_version;

pub use self::data_version::DataVersionReader;

/// Kept answers are at most this old, so that relative times ("3 minutes ago", the incident's
/// 2-hour clock) stay close to the clock even when the data does not change.
pub const KEEP_FOR: Duration = Duration::from_secs(10);
/// How long browsers and CDNs may reuse a public answer without asking again.
const PUBLIC: &str = "public, max-age=60";
const PRIVATE: &str = "private, no-cache";
/// Answers that may hold a secret or what only maintainers see.
const FOR_SOMEONE: &str = "private, no-store";
/// Larger answers are sent on without an ETag and never kept.
const MAX_BODY: usize = 8 * 1024 * 1024;
/// Answers to longer addresses (host and URI) are not kept: real links are far shorter.
const MAX_ADDRESS: usize = 2048;
/// The memory all kept answers, with their addresses, may take together.
const BUDGET: usize = 64 * 1024 * 1024;

/// Addresses whose answers never go into a shared cache: built assets (served from files with
/// their own validators), sign-in, server functions, webhooks, health and metrics, who-am-I.
pub fn is_shareable(path: &str) -> bool {
    const NEVER: [&str; 5] = ["/pkg/", "/auth/", "/sfn/", "/webhooks/", "/api/v1/me"];
    !NEVER.iter().any(|prefix| path.starts_with(prefix))
        && !matches!(path, "/metrics" | "/healthz" | "/readyz")
}

/// Public API answers (everything under `/api/` but who-am-I), badges, feeds and calendars.
pub fn is_public_read(path: &str) -> bool {
    (path.starts_with("/api/") && path != "/api/v1/me")
        || path.starts_with("/badge/")
        || path.ends_with(".ics")
        || path.ends_with(".atom")
}

/// True when `If-None-Match` names `etag` (or `*`), compared weakly (RFC 9110 §13.1.2).
pub fn names_etag(if_none_match: &str, etag: &str) -> bool {
    let opaque = |tag: &str| tag.trim().trim_start_matches("W/").to_owned();
    let etag = opaque(etag);
    if_none_match
        .split(',')
        .map(opaque)
        .any(|tag| tag == "*" || tag == etag)
}

/// A weak validator for a body: equal bodies, whatever their encoding on the wire.
fn etag_of(body: &[u8]) -> String {
    format!("W/\"{}\"", &hex::encode(Sha256::digest(body))[..32])
}

/// Adds what shared answers vary by to what the handler said they vary by.
fn vary_by_caller(headers: &mut HeaderMap) {
    headers.append(
        header::VARY,
        HeaderValue::from_static("Cookie, Authorization"),
    );
}

/// True when the client takes gzip: named, or `*`, without `q=0` (RFC 9110 §12.5.3).
pub fn accepts_gzip(accept_encoding: &str) -> bool {
    accept_encoding.split(',').any(|coding| {
        let mut parts = coding.split(';').map(str::trim);
        let name = parts.next().unwrap_or_default();
        let refused = parts.any(|parameter| {
            parameter
                .strip_prefix("q=")
                .and_then(|q| q.parse::<f32>().ok())
                .is_some_and(|q| q <= 0.0)
        });
        (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
    })
}

/// Text of any kind (pages, JSON, feeds, calendars, SVG badges) gains from compression.
fn is_compressible(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|content_type| {
            content_type.starts_with("text/")
                || ["json", "xml"]
                    .iter()
                    .any(|kind| content_type.contains(kind))
        })
}

fn gzip(body: &[u8]) -> Option<Bytes> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(body).ok()?;
    encoder.finish().ok().map(Bytes::from)
}

/// An answer as it was made: headers (with the page's CSP) and body, and the body gzipped
/// once, when first asked for, instead of on every answer.
#[derive(Debug)]
pub struct Answer {
    made: Instant,
    headers: HeaderMap,
    etag: String,
    body: Bytes,
    compressible: bool,
    gzipped: OnceLock<Option<Bytes>>,
}

impl Answer {
    fn new(mut headers: HeaderMap, body: Bytes, made: Instant) -> Answer {
        // Set for each answer, from the body it sends.
        headers.remove(header::CONTENT_LENGTH);
        Answer {
            made,
            compressible: is_compressible(&headers) && body.len() >= 256,
            headers,
            etag: etag_of(&body),
            body,
            gzipped: OnceLock::new(),
        }
    }

    /// What keeping it costs, its gzipped body counted in advance.
    fn size(&self) -> usize {
        let copies = if self.compressible { 2 } else { 1 };
        copies * self.body.len() + 64 * self.headers.len()
    }

    fn gzipped(&self) -> Option<&Bytes> {
        self.gzipped
            .get_or_init(|| self.compressible.then(|| gzip(&self.body)).flatten())
            .as_ref()
    }

    /// The answer to a request with this `If-None-Match`, with headers that let others keep it;
    /// gzipped when the client takes it.
    fn respond(&self, if_none_match: Option<&str>, head: bool, gzip_ok: bool) -> Response {
        let not_modified = if_none_match.is_some_and(|inm| names_etag(inm, &self.etag));
        let gzipped = (gzip_ok && !not_modified).then(|| self.gzipped()).flatten();
        let body = gzipped.unwrap_or(&self.body);
        let mut response = if not_modified || head {
            Response::new(Body::empty())
        } else {
            Response::new(Body::from(body.clone()))
        };
        if not_modified {
            *response.status_mut() = StatusCode::NOT_MODIFIED;
        }
        let headers = response.headers_mut();
        for (name, value) in &self.headers {
            if !(not_modified && name == header::CONTENT_TYPE) {
                headers.append(name, value.clone());
            }
        }
        if head && !not_modified {
            headers.insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
        }
        if gzipped.is_some() {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        }
        if let Ok(etag) = HeaderValue::from_str(&self.etag) {
            headers.insert(header::ETAG, etag);
        }
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(PUBLIC));
        vary_by_caller(headers);
        if self.compressible {
            headers.append(header::VARY, HeaderValue::from_static("Accept-Encoding"));
        }
        response
    }
}

/// Answers kept for anonymous readers, all made at one data version.
#[derive(Debug, Default)]
pub struct SharedCache {
    kept: Mutex<Kept>,
}

#[derive(Debug, Default)]
struct Kept {
    data_version: i64,
    bytes: usize,
    answers: HashMap<String, Arc<Answer>>,
}

impl SharedCache {
    /// The answer kept for `address`, if it was made at `data_version` less than
    /// [`KEEP_FOR`] before `now`.
    pub fn get(&self, address: &str, data_version: i64, now: Instant) -> Option<Arc<Answer>> {
        let kept = self
            .kept
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if kept.data_version != data_version {
            return None;
        }
        kept.answers
            .get(address)
            .filter(|answer| now.duration_since(answer.made) < KEEP_FOR)
            .cloned()
    }

    /// Keeps an answer made from data at `data_version`. A newer version forgets every answer
    /// made before it; an answer from an older one is not kept. When the budget is spent,
    /// expired answers make room, and without room the answer is not kept.
    pub fn put(&self, address: &str, data_version: i64, answer: Arc<Answer>) {
        if address.len() > MAX_ADDRESS {
            return;
        }
        let size = address.len() + answer.size();
        let mut kept = self
            .kept
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if data_version < kept.data_version {
            return;
        }
        if data_version > kept.data_version {
            *kept = Kept {
                data_version,
                ..Kept::default()
            };
        }
        if kept.bytes + size > BUDGET {
            let now = answer.made;
            kept.answers
                .retain(|_, old| now.duration_since(old.made) < KEEP_FOR);
            kept.bytes = kept
                .answers
                .iter()
                .map(|(a, old)| a.len() + old.size())
                .sum();
            if kept.bytes + size > BUDGET {
                return;
            }
        }
        kept.bytes += size;
        if let Some(old) = kept.answers.insert(address.to_owned(), answer) {
            kept.bytes -= address.len() + old.size();
        }
    }

    /// How many answers are kept.
    #[cfg(test)]
    fn len(&self) -> usize {
        let kept = self
            .kept
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        kept.answers.len()
    }
}

/// Marks a request whose answer [`shared_cache`] looks after, so [`conditional`] leaves it be.
#[derive(Clone, Copy, Debug)]
struct SharedAnswer;

/// What [`shared_cache`] works with.
#[derive(Clone, Debug)]
pub struct Shared {
    pub cache: Arc<SharedCache>,
    pub data_version: Arc<DataVersionReader>,
    pub pool: SqlitePool,
    pub metrics: super::metrics::HttpMetrics,
}

/// True for a read by nobody in particular: no token, no session cookie. Fails closed: a
/// cookie header the session layer might read differently (not plain ASCII, or a name it would
/// percent-decode) counts as a session.
fn is_anonymous(headers: &HeaderMap) -> bool {
    let plainly_no_session = |value: &HeaderValue| {
        value.to_str().is_ok_and(|cookies| {
            cookies.split(';').all(|cookie| {
                let name = cookie.split('=').next().unwrap_or_default().trim();
                !name.contains('%') && name != super::SESSION_COOKIE
            })
        })
    };
    !headers.contains_key(header::AUTHORIZATION)
        && headers
            .get_all(header::COOKIE)
            .iter()
            .all(plainly_no_session)
}

/// True when the handler said its answer is not for sharing.
fn is_private(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::CACHE_CONTROL)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|directives| directives.split(','))
        .any(|directive| matches!(directive.trim(), "private" | "no-store"))
}

fn if_none_match(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Middleware: answers anonymous reads from memory while the data version stands still.
pub async fn shared_cache(shared: Shared, mut request: Request, next: Next) -> Response {
    let head = request.method() == Method::HEAD;
    if !(head || request.method() == Method::GET)
        || !is_shareable(request.uri().path())
        || !is_anonymous(request.headers())
    {
        return next.run(request).await;
    }
    // Read before the answer is made, so the answer is at least as new as this version.
    let Some(data_version) = shared.data_version.current(&shared.pool).await else {
        return next.run(request).await;
    };
    // Without a public URL, absolute links in answers name the host asked for: keep answers
    // per host, so that a request naming another host cannot plant its links for everyone.
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    // `accept_host` let through only a plain host[:port], which holds no space: the space
    // keeps host and address apart, so no Host can make one address's key another's.
    let address = format!("{host} {}", request.uri());
    let if_none_match = if_none_match(request.headers());
    let gzip_ok = request
        .headers()
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .any(accepts_gzip);
    let now = Instant::now();
    if let Some(answer) = shared.cache.get(&address, data_version, now) {
        shared.metrics.count_shared_answer(true);
        return answer.respond(if_none_match.as_deref(), head, gzip_ok);
    }
    // The whole answer is needed to keep it; the client's validator is checked against it after.
    // A HEAD is answered from the GET's answer, as a kept one would be.
    request.headers_mut().remove(header::IF_NONE_MATCH);
    // Kept whole; each answer is encoded for its client from the kept one.
    request.headers_mut().remove(header::ACCEPT_ENCODING);
    request.extensions_mut().insert(SharedAnswer);
    *request.method_mut() = Method::GET;
    let response = next.run(request).await;
    if response.status() != StatusCode::OK
        || response.headers().contains_key(header::SET_COOKIE)
        || is_private(response.headers())
    {
        return if head {
            without_body(response)
        } else {
            response
        };
    }
    let (parts, body) = response.into_parts();
    match buffer(body, MAX_BODY).await {
        Ok(bytes) => {
            let answer = Arc::new(Answer::new(parts.headers, bytes, now));
            shared.cache.put(&address, data_version, answer.clone());
            shared.metrics.count_shared_answer(false);
            answer.respond(if_none_match.as_deref(), head, gzip_ok)
        }
        Err(body) if head => without_body(Response::from_parts(parts, body)),
        Err(body) => Response::from_parts(parts, body),
    }
}

/// A GET's answer as the answer to a HEAD: the same headers, no body.
fn without_body(response: Response) -> Response {
    let (parts, _) = response.into_parts();
    Response::from_parts(parts, Body::empty())
}

/// Reads a body whole when it is at most `limit` bytes; otherwise gives back a body that sends
/// what was read and then the rest, so nothing is lost.
async fn buffer(mut body: Body, limit: usize) -> Result<Bytes, Body> {
    let mut chunks: Vec<Bytes> = Vec::new();
    let mut size = 0;
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else {
            return Err(Body::from(Bytes::new()));
        };
        let Ok(data) = frame.into_data() else {
            continue;
        };
        size += data.len();
        chunks.push(data);
        if size > limit {
            let read = futures::stream::iter(chunks.into_iter().map(Ok::<_, axum::Error>));
            return Err(Body::from_stream(futures::StreamExt::chain(
                read,
                body.into_data_stream(),
            )));
        }
    }
    Ok(chunks.concat().into())
}

/// True for answers made for someone in particular, which no cache may keep: anything a
/// person or token asked for (drafts, a new token shown once, settings), every server
/// function's answer (the app in the page reads maintainers' data through them) and sign-in.
fn is_for_someone(request: &Request) -> bool {
    let path = request.uri().path();
    matches!(
        request.extensions().get::<Caller>(),
        Some(Caller::Person(_) | Caller::Token(_))
    ) || path.starts_with("/sfn/")
        || path.starts_with("/auth/")
        || path == "/api/v1/me"
}

/// Middleware: `no-store` for answers made for someone; ETags, 304s and caching headers for
/// the anonymous reads [`shared_cache`] does not keep.
pub async fn conditional(request: Request, next: Next) -> Response {
    if is_for_someone(&request) {
        let mut response = next.run(request).await;
        response
            .headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(FOR_SOMEONE));
        return response;
    }
    if !matches!(*request.method(), Method::GET | Method::HEAD)
        || request.extensions().get::<SharedAnswer>().is_some()
        || !is_shareable(request.uri().path())
    {
        return next.run(request).await;
    }
    let public_read = is_public_read(request.uri().path());
    let if_none_match = if_none_match(request.headers());
    let mut response = next.run(request).await;
    if response.status() != StatusCode::OK {
        return response;
    }
    if !public_read {
        response
            .headers_mut()
            .entry(header::CACHE_CONTROL)
            .or_insert(HeaderValue::from_static(PRIVATE));
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = match buffer(body, MAX_BODY).await {
        Ok(bytes) => bytes,
        Err(body) => return Response::from_parts(parts, body),
    };
    let etag = etag_of(&bytes);
    let headers = &mut parts.headers;
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(PUBLIC));
    vary_by_caller(headers);
    if if_none_match.is_some_and(|inm| names_etag(&inm, &etag)) {
        parts.status = StatusCode::NOT_MODIFIED;
        parts.headers.remove(header::CONTENT_LENGTH);
        parts.headers.remove(header::CONTENT_TYPE);
        return Response::from_parts(parts, Body::empty());
    }
    Response::from_parts(parts, Body::from(bytes))
}

#[cfg(test)]
mod tests;
