//! `POST /webhooks/github` with GitHub's real payload shapes (npm `@octokit/webhooks-examples`,
//! installed into end2end/ by `make test`).

use axum::body::Body;
use hmac::{Hmac, Mac};
use http::{Request, StatusCode};
use releasedesk_tests::{send, TestApp, TestResponse, WEBHOOK_SECRET};
use serde_json::Value;
use sha2::Sha256;

/// The examples GitHub documents for `event`.
fn examples(event: &str) -> Vec<Value> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../end2end/node_modules/@octokit/webhooks-examples/api.github.com/index.json"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|err| {
        panic!("{path}: {err}; run `make setup` to install the npm packages")
    });
    let all: Vec<Value> = serde_json::from_str(&text).expect("examples are JSON");
    all.into_iter()
        .find(|entry| entry["name"] == event)
        .and_then(|entry| entry["examples"].as_array().cloned())
        .unwrap_or_else(|| panic!("no examples of {event}"))
}

/// The first example of `event` matching `pick`, moved to acme/orbit.
fn payload(event: &str, pick: impl Fn(&Value) -> bool) -> Value {
    let mut payload = examples(event)
        .into_iter()
        .find(|p| pick(p))
        .expect("a matching example");
    payload["repository"]["name"] = "orbit".into();
    payload["repository"]["owner"]["login"] = "acme".into();
    payload["repository"]["full_name"] = "acme/orbit".into();
    payload
}

fn signature(body: &[u8], secret: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("key");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

async fn deliver_raw(
    app: &TestApp,
    event: &str,
    delivery: &str,
    body: Vec<u8>,
    secret: &str,
) -> TestResponse {
    let request = Request::post("/webhooks/github")
        .header("content-type", "application/json")
        .header("x-github-event", event)
        .header("x-github-delivery", delivery)
        .header("x-hub-signature-256", signature(&body, secret))
        .body(Body::from(body))
        .expect("request");
    send(&app.router, request).await
}

async fn deliver(app: &TestApp, event: &str, delivery: &str, payload: &Value) -> TestResponse {
    deliver_raw(
        app,
        event,
        delivery,
        payload.to_string().into_bytes(),
        WEBHOOK_SECRET,
    )
    .await
}

async fn tags(app: &TestApp) -> Vec<String> {
    let body = app
        .get("/api/v1/repos/acme/orbit/versions?per_page=1000")
        .await
        .json();
    body.as_array()
        .expect("array")
        .iter()
        .map(|v| v["tag"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn ping_is_answered() {
    let app = TestApp::with_demo().await;
    let response = deliver(&app, "ping", "d-1", &examples("ping")[0]).await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.json()["status"], "pong");
}

#[tokio::test]
async fn a_missing_or_wrong_signature_is_401_and_changes_nothing() {
    let app = TestApp::with_demo().await;
    let mut release = payload("release", |p| p["action"] == "published");
    release["release"]["tag_name"] = "v9.9.9".into();
    let body = release.to_string().into_bytes();
    let response = deliver_raw(&app, "release", "d-2", body.clone(), "wrong-secret").await;
    assert_eq!(response.status, StatusCode::UNAUTHORIZED);
    assert_eq!(response.json()["error"]["code"], "unauthorized");

    let unsigned = Request::post("/webhooks/github")
        .header("x-github-event", "release")
        .header("x-github-delivery", "d-3")
        .body(Body::from(body))
        .expect("request");
    assert_eq!(
        send(&app.router, unsigned).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert!(!tags(&app).await.contains(&"v9.9.9".to_owned()));
}

#[tokio::test]
async fn releases_are_applied_at_once_and_each_delivery_only_once() {
    let app = TestApp::with_demo().await;
    let mut published = payload("release", |p| p["action"] == "published");
    published["release"]["tag_name"] = "v3.3.0".into();
    published["release"]["draft"] = false.into();
    published["release"]["prerelease"] = false.into();
    let response = deliver(&app, "release", "d-10", &published).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(response.json()["status"], "applied");
    assert_eq!(tags(&app).await[0], "v3.3.0");

    let mut deleted = payload("release", |p| p["action"] == "deleted");
    deleted["release"]["tag_name"] = "v3.3.0".into();
    // The same delivery id again is acknowledged and ignored.
    let response = deliver(&app, "release", "d-10", &deleted).await;
    assert_eq!(response.json()["status"], "duplicate");
    assert_eq!(tags(&app).await[0], "v3.3.0");

    let response = deliver(&app, "release", "d-11", &deleted).await;
    assert_eq!(response.json()["status"], "applied");
    assert_ne!(tags(&app).await[0], "v3.3.0");
}

#[tokio::test]
async fn tag_create_push_and_delete_are_applied() {
    let app = TestApp::with_demo().await;
    let mut create = payload("create", |p| p["ref_type"] == "tag");
    create["ref"] = "v4.0.0-alpha.1".into();
    assert_eq!(
        deliver(&app, "create", "d-20", &create).await.status,
        StatusCode::OK
    );
    assert_eq!(tags(&app).await[0], "v4.0.0-alpha.1");

    let mut push = payload("push", |p| {
        p["ref"]
            .as_str()
            .is_some_and(|r| r.starts_with("refs/tags/"))
            && p["deleted"] == false
    });
    push["ref"] = "refs/tags/v4.0.0-alpha.2".into();
    assert_eq!(
        deliver(&app, "push", "d-21", &push).await.status,
        StatusCode::OK
    );
    let listed = app
        .get("/api/v1/repos/acme/orbit/versions?per_page=1")
        .await
        .json();
    assert_eq!(listed[0]["tag"], "v4.0.0-alpha.2");
    assert_eq!(
        listed[0]["released_at"], "2019-05-15T15:20:41Z",
        "the pushed commit's time"
    );

    let mut delete = payload("delete", |p| p["ref_type"] == "tag");
    delete["ref"] = "v4.0.0-alpha.2".into();
    assert_eq!(
        deliver(&app, "delete", "d-22", &delete).await.status,
        StatusCode::OK
    );
    assert_eq!(tags(&app).await[0], "v4.0.0-alpha.1");
}

#[tokio::test]
async fn untracked_repositories_and_unused_events_are_acknowledged_with_202() {
    let app = TestApp::with_demo().await;
    let release = examples("release").into_iter().next().expect("example");
    let response = deliver(&app, "release", "d-30", &release).await;
    assert_eq!(response.status, StatusCode::ACCEPTED);

    let branch_push = payload("push", |p| {
        p["ref"]
            .as_str()
            .is_some_and(|r| r.starts_with("refs/heads/"))
    });
    assert_eq!(
        deliver(&app, "push", "d-31", &branch_push).await.status,
        StatusCode::ACCEPTED
    );
    let issues = serde_json::json!({ "action": "opened" });
    assert_eq!(
        deliver(&app, "issues", "d-32", &issues).await.status,
        StatusCode::ACCEPTED
    );
}

#[tokio::test]
async fn bodies_that_are_not_payloads_are_400() {
    let app = TestApp::with_demo().await;
    let response = deliver_raw(
        &app,
        "release",
        "d-40",
        b"{not json".to_vec(),
        WEBHOOK_SECRET,
    )
    .await;
    assert_eq!(response.status, StatusCode::BAD_REQUEST);
    assert_eq!(response.json()["error"]["code"], "bad_request");

    let mut release = payload("release", |p| p["action"] == "published");
    release["release"]
        .as_object_mut()
        .expect("object")
        .remove("tag_name");
    let response = deliver(&app, "release", "d-41", &release).await;
    assert_eq!(response.status, StatusCode::BAD_REQUEST);
    assert!(response.json()["error"]["message"]
        .as_str()
        .is_some_and(|m| m.contains("tag_name")));
}

#[tokio::test]
async fn the_largest_release_github_sends_is_accepted_and_larger_bodies_are_413() {
    let app = TestApp::with_demo().await;
    let mut published = payload("release", |p| p["action"] == "published");
    published["release"]["tag_name"] = "v3.4.0".into();
    // GitHub's own caps: 125,000 characters of notes (here 4 bytes each) and 1,000 assets.
    published["release"]["body"] = "🚀".repeat(125_000).into();
    let asset = serde_json::json!({
        "url": "https://api.github.com/repos/acme/orbit/releases/assets/1",
        "browser_download_url": "https://github.com/acme/orbit/releases/download/v3.4.0/orbit-linux-amd64.tar.gz",
        "id": 1, "node_id": "RA_kwDOAAAAAAAAAAAA", "name": "orbit-linux-amd64.tar.gz",
        "label": "", "state": "uploaded", "content_type": "application/gzip",
        "size": 1024, "download_count": 0,
        "created_at": "2026-11-01T00:00:00Z", "updated_at": "2026-11-01T00:00:00Z",
        "uploader": published["sender"].clone(),
    });
    published["release"]["assets"] = vec![asset; 1000].into();
    let body = published.to_string().into_bytes();
    assert!(body.len() > 1_800_000, "{} bytes", body.len());
    let response = deliver_raw(&app, "release", "d-50", body, WEBHOOK_SECRET).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(tags(&app).await[0], "v3.4.0");

    published["release"]["tag_name"] = "v3.5.0".into();
    published["release"]["body"] = "x".repeat(4 * 1024 * 1024).into();
    let response = deliver(&app, "release", "d-51", &published).await;
    assert_eq!(
        response.status,
        StatusCode::PAYLOAD_TOO_LARGE,
        "{}",
        response.body
    );
    assert_eq!(response.json()["error"]["code"], "too_large");
    assert_eq!(tags(&app).await[0], "v3.4.0", "nothing applied");
}

#[tokio::test]
async fn a_version_that_arrives_by_webhook_gets_its_checklist() {
    let app = TestApp::with_demo().await;
    let mut published = payload("release", |p| p["action"] == "published");
    published["release"]["tag_name"] = "v3.2.1".into();
    published["release"]["name"] = "Orbit 3.2.1".into();
    published["release"]["draft"] = false.into();
    published["release"]["prerelease"] = false.into();
    published["release"]["published_at"] = chrono::Utc::now().to_rfc3339().into();
    let response = deliver(&app, "release", "d-30", &published).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let checklist = app
        .get("/api/v1/repos/acme/orbit/versions/v3.2.1/checklist")
        .await;
    assert_eq!(checklist.status, StatusCode::OK, "{}", checklist.body);
    assert_eq!(checklist.json()["template"]["name"], "patch");

    // A tag pushed on the older line is a hotfix.
    let mut pushed = payload("push", |p| {
        p["ref"]
            .as_str()
            .is_some_and(|r| r.starts_with("refs/tags/"))
            && p["deleted"] == false
    });
    pushed["ref"] = "refs/tags/v2.3.3".into();
    pushed["head_commit"]["timestamp"] = chrono::Utc::now().to_rfc3339().into();
    let response = deliver(&app, "push", "d-31", &pushed).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let checklist = app
        .get("/api/v1/repos/acme/orbit/versions/v2.3.3/checklist")
        .await
        .json();
    assert_eq!(checklist["template"]["name"], "hotfix", "{checklist}");
}

#[tokio::test]
async fn ci_and_alert_events_have_the_evidence_read_again_and_store_nothing() {
    let app = TestApp::with_demo().await;
    let before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM webhook_deliveries")
        .fetch_one(&app.pool)
        .await
        .expect("count");
    let events = [
        "check_run",
        "check_suite",
        "workflow_run",
        "status",
        "code_scanning_alert",
        "dependabot_alert",
    ];
    for (n, event) in events.into_iter().enumerate() {
        for (m, example) in examples(event).into_iter().enumerate() {
            let mut example = example;
            example["repository"]["name"] = "orbit".into();
            example["repository"]["owner"]["login"] = "acme".into();
            example["repository"]["full_name"] = "acme/orbit".into();
            let response = deliver(&app, event, &format!("e-{n}-{m}"), &example).await;
            assert_eq!(
                response.status,
                StatusCode::ACCEPTED,
                "{event}: {}",
                response.body
            );
            assert_eq!(
                response.json()["status"],
                "evidence",
                "{event}: {}",
                response.body
            );
        }
    }
    let after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM webhook_deliveries")
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(before, after, "CI events are not deliveries to apply");
}
