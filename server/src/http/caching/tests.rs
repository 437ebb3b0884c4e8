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
        HeaderValue::from_bytes("pref=\u{e9}; releasedesk_session=abc".as_bytes()).expect("header"),
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
