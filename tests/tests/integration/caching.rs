//! The shared cache of anonymous answers (server/src/http/caching.rs): pages and API answers
//! are kept while the data version stands still, answer `If-None-Match` with 304, follow every
//! change at once, and never show what a maintainer sees to anyone else.

use app::domain::access::Scope;
use axum::body::Body;
use http::{header, Request, StatusCode};
use releasedesk_tests::{header as header_of, TestApp, TestResponse};
use serde_json::json;

const DRAFT: &str = "Draft: checksums of 3.1.1 under review";

async fn incidents_token(app: &TestApp) -> String {
    let repository = app::store::repositories::find(&app.pool, "acme", "orbit")
        .await
        .expect("query")
        .expect("demo");
    app::service::tokens::create_token(&app.pool, &repository, "bot", &[Scope::Incidents], "mona")
        .await
        .expect("token")
        .token
}

/// A draft incident, which only maintainers and tokens may see.
async fn write_draft(app: &TestApp, token: &str) -> TestResponse {
    let created = send_json(
        app,
        "POST",
        "/api/v1/repos/acme/orbit/incidents",
        token,
        json!({"title": DRAFT, "issue": "Checking.", "status": "investigating",
               "severity": "minor", "affected": ">=3.1.0, <3.1.2"}),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    created
}

async fn get(app: &TestApp, uri: &str, cookie: Option<&str>, etag: Option<&str>) -> TestResponse {
    let mut request = Request::get(uri);
    if let Some(etag) = etag {
        request = request.header(header::IF_NONE_MATCH, etag);
    }
    app.send(request.body(Body::empty()).expect("request"), cookie)
        .await
}

async fn send_json(
    app: &TestApp,
    method: &str,
    uri: &str,
    token: &str,
    body: serde_json::Value,
) -> TestResponse {
    let request = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .expect("request");
    app.send(request, None).await
}

#[tokio::test]
async fn pages_for_anonymous_readers_are_kept_until_the_data_changes() {
    let (app, cookie) = TestApp::demo_signed_in().await;
    let token = incidents_token(&app).await;
    let page = "/acme/orbit/incidents";

    // Anonymous: a public, validated answer; asked again with its tag, 304 and no body.
    let first = get(&app, page, None, None).await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(header_of(&first, "cache-control"), "public, max-age=60");
    assert!(header_of(&first, "vary").contains("Cookie"));
    let etag = header_of(&first, "etag");
    let again = get(&app, page, None, Some(&etag)).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.body.is_empty());
    // The kept page is the same page, with the policy of the nonce its scripts carry.
    let kept = get(&app, page, None, None).await;
    assert_eq!(kept.body, first.body);
    assert_eq!(
        header_of(&kept, "content-security-policy"),
        header_of(&first, "content-security-policy")
    );

    // A maintainer writes a draft: the maintainer sees it at once, privately.
    let created = write_draft(&app, &token).await;
    let id = created.json()["id"].as_i64().expect("id");
    let maintainer = get(&app, page, Some(&cookie), None).await;
    assert!(maintainer.body.contains(DRAFT));
    assert_eq!(header_of(&maintainer, "cache-control"), "private, no-store");
    assert!(maintainer.headers.get(header::ETAG).is_none());

    // Anonymous readers never get the maintainer's page, nor the draft, even asked right after.
    let anonymous = get(&app, page, None, Some(&etag)).await;
    assert_eq!(
        anonymous.status,
        StatusCode::OK,
        "the data changed: a new answer"
    );
    assert!(!anonymous.body.contains(DRAFT));
    assert!(get(&app, page, Some(&cookie), None)
        .await
        .body
        .contains(DRAFT));

    // Published, it reaches anonymous readers at once, under a new tag.
    let published = send_json(
        &app,
        "PATCH",
        &format!("/api/v1/repos/acme/orbit/incidents/{id}"),
        &token,
        json!({"published": true}),
    )
    .await;
    assert_eq!(published.status, StatusCode::OK, "{}", published.body);
    let after = get(&app, page, None, Some(&header_of(&anonymous, "etag"))).await;
    assert_eq!(after.status, StatusCode::OK);
    assert!(after.body.contains(DRAFT));
    assert_ne!(header_of(&after, "etag"), header_of(&anonymous, "etag"));
}

#[tokio::test]
async fn api_answers_for_tokens_are_private_and_never_shared() {
    let app = TestApp::with_demo().await;
    let token = incidents_token(&app).await;
    let list = "/api/v1/repos/acme/orbit/incidents";
    write_draft(&app, &token).await;

    // The token sees drafts, privately; the anonymous reader asking next does not.
    let with_token = Request::get(list)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .expect("request");
    let private = app.send(with_token, None).await;
    assert!(private.body.contains(DRAFT));
    assert_eq!(header_of(&private, "cache-control"), "private, no-store");
    for _ in 0..2 {
        let public = get(&app, list, None, None).await;
        assert_eq!(public.status, StatusCode::OK);
        assert!(!public.body.contains(DRAFT));
        assert_eq!(header_of(&public, "cache-control"), "public, max-age=60");
    }
}

#[tokio::test]
async fn answers_that_are_not_shared_stay_uncached() {
    let app = TestApp::with_demo().await;
    for uri in ["/api/v1/me", "/healthz", "/metrics"] {
        let response = get(&app, uri, None, None).await;
        let cache_control = response.headers.get(header::CACHE_CONTROL);
        assert!(
            cache_control.is_none_or(|v| v != "public, max-age=60"),
            "{uri}"
        );
        assert!(response.headers.get(header::ETAG).is_none(), "{uri}");
    }
    // Errors are never kept: a repository that appears is found at once.
    assert_eq!(
        get(&app, "/acme/rocket", None, None).await.status,
        StatusCode::NOT_FOUND
    );
    app::store::repositories::upsert(
        &app.pool,
        &app::store::repositories::NewRepository {
            owner: "acme",
            name: "rocket",
            description: "",
            tag_prefix: "v",
        },
    )
    .await
    .expect("insert");
    assert_eq!(
        get(&app, "/acme/rocket", None, None).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_request_naming_another_host_cannot_plant_its_links_for_everyone() {
    // The test app has a public URL; without one, feeds name the host they were asked for.
    let app = TestApp::with_demo().await;
    let router = releasedesk_tests::router_for(
        app.pool.clone(),
        &app.dir,
        std::sync::Arc::new(releasedesk::auth::Auth::new(
            releasedesk::auth::secret_key::SecretKey::random(),
            None,
            None,
        )),
    );
    let feed = |host: &'static str| {
        Request::get("/acme/orbit/feed.atom")
            .header(header::HOST, host)
            .body(Body::empty())
            .expect("request")
    };
    let planted = releasedesk_tests::send(&router, feed("evil.example")).await;
    assert!(planted.body.contains("http://evil.example/acme/orbit"));
    let honest = releasedesk_tests::send(&router, feed("releases.example.org")).await;
    assert!(honest
        .body
        .contains("http://releases.example.org/acme/orbit"));
    assert!(!honest.body.contains("evil.example"));
}

#[tokio::test]
async fn a_session_cookie_however_spelled_is_never_taken_for_an_anonymous_reader() {
    let (app, cookie) = TestApp::demo_signed_in().await;
    let token = incidents_token(&app).await;
    write_draft(&app, &token).await;
    let session = cookie
        .split(';')
        .find_map(|c| c.trim().strip_prefix("releasedesk_session="))
        .expect("session cookie");
    // Spellings the session layer reads as its cookie: a percent-encoded name, and the cookie
    // beside another whose value is not ASCII.
    let spellings: [Vec<u8>; 2] = [
        format!("releasedesk%5Fsession={session}").into_bytes(),
        [
            b"pref=\xc3\xa9; releasedesk_session=".as_slice(),
            session.as_bytes(),
        ]
        .concat(),
    ];
    for spelling in spellings {
        let request = Request::get("/acme/orbit/incidents")
            .header(
                header::COOKIE,
                http::HeaderValue::from_bytes(&spelling).expect("header"),
            )
            .body(Body::empty())
            .expect("request");
        let spelled = String::from_utf8_lossy(&spelling);
        let seen = releasedesk_tests::send(&app.router, request).await;
        assert!(seen.body.contains(DRAFT), "{spelled}: the session is found");
        assert_eq!(
            header_of(&seen, "cache-control"),
            "private, no-store",
            "{spelled}"
        );
        let anonymous = get(&app, "/acme/orbit/incidents", None, None).await;
        assert!(
            !anonymous.body.contains(DRAFT),
            "{spelled}: a maintainer's page was kept for everyone"
        );
    }
}

#[tokio::test]
async fn head_gets_what_get_gets_without_the_body() {
    let app = TestApp::with_demo().await;
    let support = "/api/v1/repos/acme/orbit/support";
    let head = |etag: Option<String>| {
        let mut request = Request::head(support);
        if let Some(etag) = etag {
            request = request.header(header::IF_NONE_MATCH, etag);
        }
        releasedesk_tests::send(&app.router, request.body(Body::empty()).expect("request"))
    };
    // First asked (nothing kept yet) and asked again: the same validator and caching.
    let first = head(None).await;
    assert_eq!(first.status, StatusCode::OK);
    assert!(first.body.is_empty());
    assert_eq!(header_of(&first, "cache-control"), "public, max-age=60");
    let etag = header_of(&first, "etag");
    assert!(
        etag.starts_with("W/\""),
        "weak, whatever the encoding: {etag}"
    );
    assert_eq!(header_of(&head(None).await, "etag"), etag);
    assert_eq!(
        header_of(&get(&app, support, None, None).await, "etag"),
        etag
    );
    assert_eq!(head(Some(etag)).await.status, StatusCode::NOT_MODIFIED);
}

#[tokio::test]
async fn kept_answers_go_out_gzipped_once_not_twice() {
    use tower::ServiceExt;
    let app = TestApp::with_demo().await;
    let plain = get(&app, "/acme/orbit/support", None, None).await;
    for _ in 0..2 {
        let request = Request::get("/acme/orbit/support")
            .header(header::ACCEPT_ENCODING, "gzip, deflate, br")
            .body(Body::empty())
            .expect("request");
        let response = app.router.clone().oneshot(request).await.expect("answer");
        let encodings: Vec<_> = response
            .headers()
            .get_all(header::CONTENT_ENCODING)
            .iter()
            .collect();
        assert_eq!(encodings, ["gzip"]);
        assert_eq!(
            response.headers()[header::ETAG],
            header_of(&plain, "etag").as_str()
        );
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("body");
        let mut page = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut page)
            .expect("gzip, once");
        assert_eq!(page, plain.body);
    }
}
