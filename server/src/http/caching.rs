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

use app::{domain::access::Caller, store};
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
use tokio::sync::Notify;

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

/// Reads the data version for many requests at once. A request waits for the next read that
/// starts after it arrived, so what it is answered with is at least as new as the moment it
/// came in, and a burst of requests costs one query instead of one each.
#[derive(Debug, Default)]
pub struct DataVersionReader {
    state: Mutex<ReadState>,
    finished: Notify,
}

#[derive(Debug, Default)]
struct ReadState {
    /// Reads finished so far.
    reads: u64,
    /// Someone is reading for everybody waiting.
    turn: bool,
    /// ... and has sent the query: whoever comes now needs the next read.
    sent: bool,
    /// What the last read found (`None` when it failed).
    version: Option<i64>,
}

impl DataVersionReader {
    fn state(&self) -> std::sync::MutexGuard<'_, ReadState> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The data version as of now; `None` when the database cannot say.
    pub async fn current(&self, pool: &SqlitePool) -> Option<i64> {
        // A query already sent started before we came: the read after it is ours.
        let wanted = {
            let state = self.state();
            state.reads + if state.sent { 2 } else { 1 }
        };
        loop {
            let finished = self.finished.notified();
            tokio::pin!(finished);
            finished.as_mut().enable();
            let my_turn = {
                let mut state = self.state();
                if state.reads >= wanted {
                    return state.version;
                }
                !std::mem::replace(&mut state.turn, true)
            };
            if my_turn {
                return self.read(pool).await;
            }
            finished.await;
        }
    }

    async fn read(&self, pool: &SqlitePool) -> Option<i64> {
        /// Hands the turn on even when the request is dropped halfway (a client went away).
        struct Turn<'a>(&'a DataVersionReader, Option<Option<i64>>);
        impl Drop for Turn<'_> {
            fn drop(&mut self) {
                let mut state = self.0.state();
                state.turn = false;
                state.sent = false;
                if let Some(version) = self.1 {
                    state.reads += 1;
                    state.version = version;
                }
                drop(state);
                self.0.finished.notify_waiters();
            }
        }
        let mut turn = Turn(self, None);
        // Requests that are ready to run join this read before its query goes out.
        tokio::task::yield_now().await;
        self.state().sent = true;
        let version = store::data_version::current(pool).await.ok();
        turn.1 = Some(version);
        version
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
mod tests {
    use super::*;

    #[test]
    fn which_reads_are_public_answers() {
        assert!(is_public_read("/api/v1/repos/acme/orbit/support"));
        assert!(is_public_read("/api/orbit.json"));
        assert!(is_public_read("/badge/acme/orbit/3.x.svg"));
        assert!(is_public_read("/acme/orbit/calendar.ics"));
        assert!(is_public_read("/acme/orbit/feed.atom"));
        assert!(!is_public_read("/api/v1/me"));
        assert!(!is_public_read("/acme/orbit"));
        assert!(!is_public_read("/sfn/get_history"));
    }

    #[test]
    fn which_reads_may_be_shared() {
        assert!(is_shareable("/"));
        assert!(is_shareable("/acme/orbit/support"));
        assert!(is_shareable("/api/v1/repos/acme/orbit/support"));
        for private in [
            "/api/v1/me",
            "/auth/login",
            "/sfn/get_history",
            "/pkg/releasedesk.css",
            "/metrics",
            "/readyz",
            "/webhooks/github",
        ] {
            assert!(!is_shareable(private), "{private}");
        }
    }

    #[test]
    fn anonymous_means_no_token_and_no_session_cookie() {
        let mut headers = HeaderMap::new();
        assert!(is_anonymous(&headers));
        headers.insert(header::COOKIE, HeaderValue::from_static("theme=dark"));
        assert!(is_anonymous(&headers));
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("theme=dark; releasedesk_session=abc"),
        );
        assert!(!is_anonymous(&headers));
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer x"));
        assert!(!is_anonymous(&headers));
        // What the session layer might read as its cookie counts as one.
        for doubtful in [
            "releasedesk%5Fsession=abc",
            "theme=dark;releasedesk_session=abc",
            " releasedesk_session =abc",
        ] {
            let mut headers = HeaderMap::new();
            headers.insert(header::COOKIE, HeaderValue::from_static(doubtful));
            assert!(!is_anonymous(&headers), "{doubtful}");
        }
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_bytes("pref=\u{e9}; releasedesk_session=abc".as_bytes())
                .expect("header"),
        );
        assert!(!is_anonymous(&headers), "not ASCII");
    }

    #[test]
    fn private_answers_say_so() {
        let mut headers = HeaderMap::new();
        assert!(!is_private(&headers));
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=300"),
        );
        assert!(!is_private(&headers));
        headers.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("max-age=0, private"),
        );
        assert!(is_private(&headers));
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        assert!(is_private(&headers));
    }

    #[test]
    fn if_none_match_lists() {
        let etag = "W/\"abc\"";
        assert!(names_etag("W/\"abc\"", etag));
        assert!(names_etag("\"abc\"", etag), "compared weakly");
        assert!(names_etag("\"x\", W/\"abc\"", etag));
        assert!(names_etag("*", etag));
        assert!(!names_etag("W/\"abd\"", etag));
        assert!(etag_of(b"body").starts_with("W/\""));
    }

    fn answer(body: &str, made: Instant) -> Arc<Answer> {
        Arc::new(Answer::new(
            HeaderMap::new(),
            Bytes::from(body.to_owned()),
            made,
        ))
    }

    #[test]
    fn kept_answers_last_while_the_data_version_stands_still() {
        let cache = SharedCache::default();
        let start = Instant::now();
        cache.put("/a", 7, answer("one", start));
        assert!(cache.get("/a", 7, start + Duration::from_secs(1)).is_some());
        assert!(cache.get("/b", 7, start).is_none());
        // Too old, even though nothing changed.
        assert!(cache.get("/a", 7, start + KEEP_FOR).is_none());
        // The data changed: the answer is not shown, and the next keep forgets it.
        assert!(cache.get("/a", 8, start).is_none());
        cache.put("/b", 8, answer("two", start));
        assert_eq!(cache.len(), 1);
        assert!(cache.get("/a", 8, start).is_none());
    }

    #[test]
    fn answers_from_older_data_are_not_kept() {
        let cache = SharedCache::default();
        let now = Instant::now();
        cache.put("/a", 8, answer("new", now));
        cache.put("/b", 7, answer("old", now));
        assert!(cache.get("/b", 7, now).is_none());
        assert!(cache.get("/b", 8, now).is_none());
        assert_eq!(cache.len(), 1);
    }

    #[test]
    fn the_budget_is_never_exceeded() {
        let cache = SharedCache::default();
        let start = Instant::now();
        let big = "x".repeat(BUDGET / 3 + 1);
        for i in 0..4 {
            cache.put(&format!("/{i}"), 1, answer(&big, start));
        }
        assert_eq!(cache.len(), 2, "a third answer would overspend");
        // Once the first ones expire they make room.
        cache.put("/later", 1, answer(&big, start + KEEP_FOR));
        assert_eq!(cache.len(), 1);
        assert!(cache.get("/later", 1, start + KEEP_FOR).is_some());
    }

    #[test]
    fn addresses_count_against_the_budget() {
        let cache = SharedCache::default();
        let now = Instant::now();
        let long = format!("/{}", "x".repeat(MAX_ADDRESS));
        cache.put(&long, 1, answer("tiny", now));
        assert_eq!(cache.len(), 0, "an address no link has is not kept");
        // Small answers under long addresses fill the budget by their addresses.
        let address = |i: usize| format!("/{i:0>2000}");
        let fit = BUDGET / (address(0).len() + answer("tiny", now).size());
        for i in 0..fit + 10 {
            cache.put(&address(i), 1, answer("tiny", now));
        }
        assert_eq!(cache.len(), fit);
    }

    async fn migrated_pool() -> SqlitePool {
        let pool = sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(1)
            .connect("sqlite::memory:")
            .await
            .expect("in-memory database");
        app::store::MIGRATOR.run(&pool).await.expect("migrations");
        pool
    }

    #[tokio::test]
    async fn a_burst_of_readers_shares_reads_and_never_misses_a_write() {
        let pool = migrated_pool().await;
        let reader = DataVersionReader::default();
        let first = reader.current(&pool).await.expect("a version");
        let burst = futures::future::join_all((0..50).map(|_| reader.current(&pool))).await;
        assert!(burst.iter().all(|v| *v == Some(first)), "{burst:?}");
        assert!(reader.state().reads < 51, "reads were shared");
        // A public table changes: the very next reader sees the new version.
        let repository = app::store::repositories::NewRepository {
            owner: "acme",
            name: "orbit",
            description: "",
            tag_prefix: "v",
        };
        app::store::repositories::upsert(&pool, &repository)
            .await
            .expect("insert");
        let after = reader.current(&pool).await.expect("a version");
        assert!(after > first, "{after} after {first}");
        // Sessions are not public data.
        sqlx::query("INSERT INTO tower_sessions (id, data, expiry_date) VALUES ('s', x'00', 0)")
            .execute(&pool)
            .await
            .expect("a session");
        assert_eq!(reader.current(&pool).await, Some(after));
    }

    #[test]
    fn a_matching_validator_gets_304_without_a_body() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        let answer = Answer::new(headers, Bytes::from_static(b"{}"), Instant::now());
        let full = answer.respond(None, false, false);
        assert_eq!(full.status(), StatusCode::OK);
        assert_eq!(full.headers()[header::CACHE_CONTROL], PUBLIC);
        let etag = full.headers()[header::ETAG]
            .to_str()
            .expect("ascii")
            .to_owned();
        let again = answer.respond(Some(&etag), false, false);
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
        assert!(again.headers().get(header::CONTENT_TYPE).is_none());
        assert_eq!(
            answer.respond(Some("\"other\""), false, false).status(),
            StatusCode::OK
        );
    }

    #[test]
    fn which_clients_take_gzip() {
        for yes in [
            "gzip",
            "gzip, deflate, br, zstd",
            "br;q=1.0, GZIP;q=0.5",
            "*",
            "identity, *;q=0.1",
        ] {
            assert!(accepts_gzip(yes), "{yes}");
        }
        for no in [
            "",
            "identity",
            "br",
            "gzip;q=0",
            "gzip; q=0.0, br",
            "gzipped",
        ] {
            assert!(!accepts_gzip(no), "{no}");
        }
    }

    #[tokio::test]
    async fn text_is_gzipped_once_for_clients_that_take_it() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(4000));
        let page = "<p>release notes</p>".repeat(200);
        let answer = Answer::new(headers, Bytes::from(page.clone()), Instant::now());

        let plain = answer.respond(None, false, false);
        assert!(plain.headers().get(header::CONTENT_ENCODING).is_none());
        let vary: Vec<_> = plain.headers().get_all(header::VARY).iter().collect();
        assert!(vary.iter().any(|v| *v == "Accept-Encoding"), "{vary:?}");

        let gzipped = answer.respond(None, false, true);
        assert_eq!(gzipped.headers()[header::CONTENT_ENCODING], "gzip");
        assert!(
            gzipped.headers().get(header::CONTENT_LENGTH).is_none(),
            "not the plain length"
        );
        let bytes = axum::body::to_bytes(gzipped.into_body(), usize::MAX)
            .await
            .expect("body");
        assert!(bytes.len() < page.len() / 10);
        let mut unzipped = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut unzipped)
            .expect("gzip");
        assert_eq!(unzipped, page);
        // Asked again, the same bytes, made once.
        let first = answer.gzipped().expect("gzipped").as_ptr();
        assert_eq!(answer.gzipped().expect("gzipped").as_ptr(), first);

        let head = answer.respond(None, true, true);
        assert_eq!(
            head.headers()[header::CONTENT_LENGTH],
            bytes.len().to_string().as_str()
        );
        // A badge's worth of JSON is sent as it is.
        let mut small = HeaderMap::new();
        small.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        let tiny = Answer::new(small, Bytes::from_static(b"{}"), Instant::now());
        assert!(tiny
            .respond(None, false, true)
            .headers()
            .get(header::CONTENT_ENCODING)
            .is_none());
    }
}
