//! What probing the server as an attacker found, each shown closed: text that closes a
//! `<textarea>` or `<title>`, a `Host` that poisons the shared cache, secrets that caches may
//! keep, bodies too large or not UTF-8, replayed webhooks, Markdown exports that hide the rest of
//! a list, and page addresses with a trailing slash.

use std::sync::Arc;

use app::domain::access::Scope;
use axum::body::Body;
use hmac::{Hmac, Mac};
use http::{header, Request, StatusCode};
use releasedesk_tests::{header, router_for, send, test_auth, TestApp, TestResponse, ORIGIN};
use scraper::{Html, Selector};
use serde_json::{json, Value};
use sha2::Sha256;

/// Closes the box it lands in and plants a redirect and a button that withdraws a version.
const PLANTED: &str = concat!(
    "</textarea></title><meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\">",
    "<form action=\"/sfn/withdraw\" method=\"post\"><button id=\"planted\">Click</button></form>",
    "<textarea>"
);

fn select<'a>(page: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    page.select(&Selector::parse(css).expect("selector"))
        .collect()
}

/// The page as a browser parses it: nothing planted, and every textarea and the title holding
/// exactly the text that was stored.
fn assert_inert(html: &str, stored: &str) -> Html {
    let page = Html::parse_document(html);
    assert!(
        select(&page, "meta[http-equiv]").is_empty(),
        "a planted meta element"
    );
    assert!(select(&page, "#planted").is_empty(), "a planted button");
    assert_eq!(select(&page, "title").len(), 1);
    let holding: Vec<String> = select(&page, "textarea")
        .iter()
        .map(|t| t.text().collect::<String>())
        .filter(|text| text.contains("evil.example"))
        .collect();
    assert!(
        holding
            .iter()
            .all(|text| text.trim_start_matches('\n') == stored),
        "{holding:#?}"
    );
    page
}

async fn checklist_item(app: &TestApp, version: &str) -> Value {
    let checklist = app
        .get(&format!(
            "/api/v1/repos/acme/orbit/versions/{version}/checklist"
        ))
        .await
        .json();
    checklist["sections"][0]["items"][0].clone()
}

#[tokio::test]
async fn a_note_that_closes_its_textarea_stays_text_in_the_maintainers_page() {
    let (app, cookie) = TestApp::demo_signed_in().await;
    let bot = app.token("acme", "orbit", &[Scope::Checklists]).await;
    let version = "v3.2.0-rc.1";
    let item = checklist_item(&app, version).await;
    let before = app
        .page_text(Some(&cookie), &format!("/acme/orbit/v/{version}"))
        .await;
    let textareas = select(&Html::parse_document(&before), "textarea").len();
    let changed = app
        .send_json(
            "PATCH",
            &format!(
                "/api/v1/repos/acme/orbit/versions/{version}/checklist/items/{}",
                item["id"]
            ),
            Some(&bot),
            &json!({ "state": "done", "note": PLANTED, "expected_revision": item["revision"] }),
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);

    let response = app
        .send(
            Request::get(format!("/acme/orbit/v/{version}"))
                .body(Body::empty())
                .expect("request"),
            Some(&cookie),
        )
        .await;
    assert_eq!(response.status, StatusCode::OK);
    let page = assert_inert(&response.body, PLANTED);
    assert_eq!(select(&page, "textarea").len(), textareas);
    assert!(
        select(&page, "textarea")
            .iter()
            .any(|t| t.text().collect::<String>() == PLANTED),
        "the note is shown whole in its box"
    );
}

#[tokio::test]
async fn incident_drafts_that_close_their_boxes_and_title_stay_text() {
    let (app, cookie) = TestApp::demo_signed_in().await;
    let bot = app.token("acme", "orbit", &[Scope::Incidents]).await;
    let draft = json!({
        "title": PLANTED,
        "issue": PLANTED,
        "impact": PLANTED,
        "status": "investigating",
        "severity": "major",
        "affected": "3.1.1",
        "workaround": PLANTED,
        "timeline": PLANTED,
        "action": PLANTED,
    });
    let created = app
        .send_json(
            "POST",
            "/api/v1/repos/acme/orbit/incidents",
            Some(&bot),
            &draft,
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id = created.json()["id"].as_i64().expect("id");

    let response = app
        .send(
            Request::get(format!("/acme/orbit/incidents/{id}"))
                .body(Body::empty())
                .expect("request"),
            Some(&cookie),
        )
        .await;
    assert_eq!(response.status, StatusCode::OK);
    let page = assert_inert(&response.body, PLANTED);
    let title: String = select(&page, "title")[0].text().collect();
    assert!(title.starts_with(PLANTED), "{title}");
    // The edit form's boxes: issue, impact, workaround, timeline, action.
    let boxes = select(&page, "textarea")
        .iter()
        .filter(|t| t.text().collect::<String>() == PLANTED)
        .count();
    assert_eq!(boxes, 5);
}

/// A router that knows no public URL: links and kept answers follow the Host asked for.
fn without_public_url(app: &TestApp) -> axum::Router {
    let mut auth = test_auth(None);
    auth.public_url = None;
    router_for(app.pool.clone(), &app.dir, Arc::new(auth))
}

fn get_with_host(path: &str, host: &str) -> Request<Body> {
    Request::get(path)
        .header(header::HOST, host)
        .body(Body::empty())
        .expect("request")
}

#[tokio::test]
async fn a_host_holding_a_path_cannot_make_a_page_the_answer_of_an_api_address() {
    let app = TestApp::with_demo().await;
    let router = without_public_url(&app);
    let trick = send(
        &router,
        get_with_host("/acme/orbit/support", "127.0.0.1:3222/api/v1/repos"),
    )
    .await;
    assert_eq!(trick.status, StatusCode::BAD_REQUEST, "{}", trick.body);
    assert_eq!(trick.json()["error"]["code"], "bad_request");
    for host in ["127.0.0.1:3222", "127.0.0.1:3222/api/v1/repos"] {
        let _ = send(&router, get_with_host("/acme/orbit/support", host)).await;
    }
    for _ in 0..2 {
        let api = send(
            &router,
            get_with_host("/api/v1/repos/acme/orbit/support", "127.0.0.1:3222"),
        )
        .await;
        assert_eq!(api.status, StatusCode::OK);
        assert!(header(&api, "content-type").starts_with("application/json"));
        api.json();
    }
    for bad in ["a b", "evil.example:99999", "user@evil.example", "[::1"] {
        let response = send(&router, get_with_host("/healthz", bad)).await;
        assert_eq!(response.status, StatusCode::BAD_REQUEST, "{bad}");
    }
}

#[tokio::test]
async fn with_a_public_url_only_its_host_is_served_and_probes_answer_any() {
    let app = TestApp::with_demo().await;
    let elsewhere = app
        .send(get_with_host("/acme/orbit/support", "evil.example"), None)
        .await;
    assert_eq!(elsewhere.status, StatusCode::MISDIRECTED_REQUEST);
    assert_eq!(elsewhere.json()["error"]["code"], "misdirected");
    let ours = app
        .send(
            get_with_host("/acme/orbit/support", "RELEASEDESK.test:80"),
            None,
        )
        .await;
    assert_eq!(ours.status, StatusCode::OK);
    let probe = app
        .send(get_with_host("/healthz", "10.1.2.3:3000"), None)
        .await;
    assert_eq!(probe.status, StatusCode::OK);
}

#[tokio::test]
async fn secrets_and_maintainers_reads_are_never_stored_by_caches() {
    let (app, cookie) = TestApp::demo_signed_in().await;
    let created = app
        .post_form(
            &cookie,
            "/sfn/create_token",
            "/acme/orbit/tokens",
            &[
                ("owner", "acme"),
                ("repo", "orbit"),
                ("label", "ci"),
                ("checklists", "on"),
            ],
        )
        .await;
    assert!(created.status.is_redirection(), "{}", created.body);
    assert_eq!(header(&created, "cache-control"), "private, no-store");
    let tokens = app
        .send(
            Request::get("/acme/orbit/tokens")
                .body(Body::empty())
                .expect("request"),
            Some(&cookie),
        )
        .await;
    assert!(tokens.body.contains("rdk_"), "the new token is shown once");
    assert_eq!(header(&tokens, "cache-control"), "private, no-store");
    for read in [
        "/acme/orbit/settings",
        "/acme/orbit/incidents",
        "/sfn/list_tokens?owner=acme&repo=orbit",
        "/api/v1/repos/acme/orbit/settings",
        "/api/v1/me",
    ] {
        let response = app
            .send(
                Request::get(read).body(Body::empty()).expect("request"),
                Some(&cookie),
            )
            .await;
        assert_eq!(response.status, StatusCode::OK, "{read}: {}", response.body);
        assert_eq!(
            header(&response, "cache-control"),
            "private, no-store",
            "{read}"
        );
    }
    let bot = app.token("acme", "orbit", &[Scope::Incidents]).await;
    let drafts = app
        .send(
            Request::get("/api/v1/repos/acme/orbit/incidents")
                .header(header::AUTHORIZATION, format!("Bearer {bot}"))
                .body(Body::empty())
                .expect("request"),
            None,
        )
        .await;
    assert_eq!(header(&drafts, "cache-control"), "private, no-store");
}

/// Every kind of route a body reaches: a REST change, a server function from the app and from
/// a plain form, and the webhook.
async fn post_body(
    app: &TestApp,
    cookie: &str,
    route: &str,
    content_type: &str,
    body: Vec<u8>,
) -> TestResponse {
    let mut request = Request::builder()
        .header(header::CONTENT_TYPE, content_type)
        .header("origin", ORIGIN)
        .header("referer", format!("{ORIGIN}/acme/orbit/v/v3.2.0-rc.1"));
    request = match route {
        "rest" => request
            .method("PATCH")
            .uri("/api/v1/repos/acme/orbit/settings"),
        "form" => request
            .method("POST")
            .uri("/sfn/change_checklist_item")
            .header(header::ACCEPT, "text/html"),
        "app" => request
            .method("POST")
            .uri("/sfn/change_checklist_item")
            .header(header::ACCEPT, "application/json"),
        _ => request
            .method("POST")
            .uri("/webhooks/github")
            .header("x-github-event", "ping")
            .header("x-github-delivery", "1")
            .header("x-hub-signature-256", signature(&body)),
    };
    let cookie = (route != "webhook").then_some(cookie);
    app.send(request.body(Body::from(body)).expect("request"), cookie)
        .await
}

#[tokio::test]
async fn oversized_bodies_are_413_and_bad_encoding_400_on_every_route() {
    let (app, cookie) = TestApp::demo_signed_in().await;
    let huge = vec![b'a'; 4 * 1024 * 1024 + 1];
    for route in ["rest", "form", "app", "webhook"] {
        let form = route == "form" || route == "app";
        let content_type = if form {
            "application/x-www-form-urlencoded"
        } else {
            "application/json"
        };
        let mut too_large = if form {
            b"note=".to_vec()
        } else {
            b"\"".to_vec()
        };
        too_large.extend_from_slice(&huge);
        let response = post_body(&app, &cookie, route, content_type, too_large).await;
        assert_eq!(
            response.status,
            StatusCode::PAYLOAD_TOO_LARGE,
            "{route}: {}",
            response.body
        );
        let not_utf8: &[u8] = if form {
            b"owner=acme&note=%FF%FE"
        } else {
            b"{\"note\":\"\xff\"}"
        };
        let response = post_body(&app, &cookie, route, content_type, not_utf8.to_vec()).await;
        assert_eq!(
            response.status,
            StatusCode::BAD_REQUEST,
            "{route}: {}",
            response.body
        );
        for response in [response] {
            if route == "form" {
                assert!(header(&response, "content-type").starts_with("text/html"));
                assert!(
                    response.body.contains("not valid UTF-8"),
                    "{}",
                    response.body
                );
                assert!(response.body.contains("href=\"/acme/orbit/v/v3.2.0-rc.1\""));
            } else if route == "app" {
                let error: app::error::AppError =
                    serde_json::from_str(&response.body).expect("the app's error encoding");
                assert_eq!(error.status(), StatusCode::BAD_REQUEST);
            } else {
                assert_eq!(response.json()["error"]["code"], "bad_request");
            }
        }
    }
}

fn signature(body: &[u8]) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(releasedesk_tests::WEBHOOK_SECRET.as_bytes()).expect("key");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

async fn deliver(app: &TestApp, delivery: Option<&str>, body: &[u8]) -> TestResponse {
    let mut request = Request::post("/webhooks/github")
        .header(header::CONTENT_TYPE, "application/json")
        .header("x-github-event", "create")
        .header("x-hub-signature-256", signature(body));
    if let Some(delivery) = delivery {
        request = request.header("x-github-delivery", delivery);
    }
    app.send(
        request.body(Body::from(body.to_vec())).expect("request"),
        None,
    )
    .await
}

#[tokio::test]
async fn a_replayed_signed_body_is_not_applied_twice_whatever_its_id() {
    let app = TestApp::with_demo().await;
    let body = json!({
        "ref": "v9.9.9",
        "ref_type": "tag",
        "repository": { "name": "orbit", "full_name": "acme/orbit", "owner": { "login": "acme" } },
    })
    .to_string();
    let first = deliver(
        &app,
        Some("72d3162e-cc78-11e3-81ab-4c9367dc0958"),
        body.as_bytes(),
    )
    .await;
    assert_eq!(first.json()["status"], "applied", "{}", first.body);
    for replay in ["8a1b8c2e-cc78-11e3-81ab-4c9367dc0958", "another-id"] {
        let again = deliver(&app, Some(replay), body.as_bytes()).await;
        assert_eq!(again.status, StatusCode::OK);
        assert_eq!(again.json()["status"], "duplicate", "{replay}");
    }
    let oversized_id = "x".repeat(100 * 1024);
    for delivery in [
        None,
        Some(""),
        Some(oversized_id.as_str()),
        Some("not an id"),
    ] {
        let refused = deliver(&app, delivery, body.as_bytes()).await;
        assert_eq!(
            refused.status,
            StatusCode::BAD_REQUEST,
            "{:?}",
            delivery.map(str::len)
        );
    }
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM webhook_deliveries")
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(stored, 1, "only the first delivery is recorded");
}

#[tokio::test]
async fn the_markdown_export_of_a_hostile_note_is_inert() {
    let app = TestApp::with_demo().await;
    let bot = app.token("acme", "orbit", &[Scope::Checklists]).await;
    let version = "v3.2.0-rc.1";
    let item = checklist_item(&app, version).await;
    let note = "<!-- hides the rest [x](https://evil.example) <b>b</b>";
    let changed = app
        .send_json(
            "PATCH",
            &format!(
                "/api/v1/repos/acme/orbit/versions/{version}/checklist/items/{}",
                item["id"]
            ),
            Some(&bot),
            &json!({ "state": "skipped", "note": note, "expected_revision": item["revision"] }),
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    let markdown = app
        .get(&format!(
            "/api/v1/repos/acme/orbit/versions/{version}/checklist?format=markdown"
        ))
        .await
        .body;
    let line = markdown
        .lines()
        .find(|line| line.contains("skipped:"))
        .expect("the skipped item");
    assert!(
        line.ends_with(
            r"(skipped: \<\!-- hides the rest \[x\]\(https://evil.example\) \<b\>b\</b\>)"
        ),
        "{line}"
    );
}

#[tokio::test]
async fn page_addresses_with_a_trailing_slash_redirect_keeping_the_query() {
    let app = TestApp::with_demo().await;
    for (asked, location) in [
        ("/acme/orbit/", "/acme/orbit"),
        (
            "/acme/orbit/support/?version=2.3.1",
            "/acme/orbit/support?version=2.3.1",
        ),
        ("//evil.example/", "/evil.example"),
    ] {
        let response = app.get(asked).await;
        assert_eq!(response.status, StatusCode::PERMANENT_REDIRECT, "{asked}");
        assert_eq!(header(&response, "location"), location);
    }
    assert_eq!(app.get("/acme/orbit").await.status, StatusCode::OK);
    assert_eq!(app.get("/").await.status, StatusCode::OK);
}

/// Log lines written while it lives, for a test on the current thread.
#[derive(Clone, Default)]
struct Logs(Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Logs {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("logs").extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn a_post_to_a_read_only_address_is_refused_and_logged_as_a_warning_at_most() {
    let app = TestApp::with_demo().await;
    let logs = Logs::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let _capture = tracing::subscriber::set_default(subscriber);
    for address in [
        "/acme/orbit/support",
        "/api/v1/repos/acme/orbit/support",
        "/sfn/get_history",
    ] {
        let response = app
            .send(
                Request::post(address)
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(Body::from("owner=acme&repo=orbit"))
                    .expect("request"),
                None,
            )
            .await;
        assert!(
            response.status.is_client_error(),
            "{address}: {}",
            response.status
        );
    }
    let text = String::from_utf8(logs.0.lock().expect("logs").clone()).expect("utf-8");
    assert!(text.contains(" WARN "), "the refusals were logged: {text}");
    assert!(!text.contains(" ERROR "), "{text}");
}
