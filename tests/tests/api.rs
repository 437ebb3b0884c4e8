//! The REST API over the demo data.

use http::StatusCode;
use releasedesk_tests::TestApp;

#[tokio::test]
async fn lists_the_tracked_repositories() {
    let app = TestApp::with_demo().await;
    let response = app.get("/api/v1/repos").await;
    assert_eq!(response.status, StatusCode::OK);
    insta::assert_json_snapshot!(response.json(), { "[].last_release" => "[date]" });
}

#[tokio::test]
async fn versions_come_newest_first_with_their_fields() {
    let app = TestApp::with_demo().await;
    let response = app.get("/api/v1/repos/acme/orbit/versions").await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.headers["x-total-count"], "38");
    assert!(!response.headers.contains_key("link"), "one page holds all");
    let body = response.json();
    let items = body.as_array().expect("an array");
    assert_eq!(items.len(), 38);
    insta::assert_json_snapshot!(items[..3], { "[].released_at" => "[date]" });
    let released_at = items[0]["released_at"].as_str().expect("a date");
    assert!(
        chrono::DateTime::parse_from_rfc3339(released_at).is_ok(),
        "{released_at}"
    );
    assert!(items
        .iter()
        .all(|v| v["draft"] == false && v["deleted"] == false));
    assert!(
        !items.iter().any(|v| v["version"] == "3.2.0"),
        "the draft is left out"
    );
}

#[tokio::test]
async fn versions_page_with_a_github_style_link_header() {
    let app = TestApp::with_demo().await;
    let all = app.get("/api/v1/repos/acme/orbit/versions").await.json();
    let response = app
        .get("/api/v1/repos/acme/orbit/versions?per_page=10&page=2")
        .await;
    assert_eq!(response.status, StatusCode::OK);
    let page = response.json();
    assert_eq!(
        page.as_array().map(Vec::as_slice),
        all.as_array().map(|a| &a[10..20])
    );
    let link = response.headers["link"].to_str().expect("text");
    assert!(
        link.contains("</api/v1/repos/acme/orbit/versions?per_page=10&page=3>; rel=\"next\""),
        "{link}"
    );
    assert!(link.contains("page=4>; rel=\"last\""), "{link}");
    assert!(
        link.contains("page=1>; rel=\"first\"") && link.contains("page=1>; rel=\"prev\""),
        "{link}"
    );

    let beyond = app
        .get("/api/v1/repos/acme/orbit/versions?per_page=10&page=9")
        .await;
    assert_eq!(beyond.status, StatusCode::OK);
    assert_eq!(beyond.json(), serde_json::json!([]));
}

#[tokio::test]
async fn versions_filter_by_channel_and_line() {
    let app = TestApp::with_demo().await;
    let rc = app
        .get("/api/v1/repos/acme/orbit/versions?channel=rc")
        .await
        .json();
    assert_eq!(rc.as_array().map(Vec::len), Some(7));
    let two = app
        .get("/api/v1/repos/acme/orbit/versions?line=2.x")
        .await
        .json();
    let two = two.as_array().expect("array");
    assert_eq!(two.len(), 14);
    assert!(two.iter().all(|v| v["line"] == "2.x"));
    let stable_three = app
        .get("/api/v1/repos/acme/orbit/versions?line=3.x&channel=stable&per_page=2")
        .await;
    assert_eq!(stable_three.headers["x-total-count"], "4");
    let link = stable_three.headers["link"].to_str().expect("text");
    assert!(
        link.contains("?channel=stable&line=3.x&per_page=2&page=2"),
        "{link}"
    );
}

#[tokio::test]
async fn bad_parameters_get_400_with_a_json_error() {
    let app = TestApp::with_demo().await;
    for query in [
        "channel=nightly",
        "line=two",
        "per_page=0",
        "per_page=1001",
        "page=abc",
        "page=-1",
    ] {
        let response = app
            .get(&format!("/api/v1/repos/acme/orbit/versions?{query}"))
            .await;
        assert_eq!(response.status, StatusCode::BAD_REQUEST, "{query}");
        let body = response.json();
        assert_eq!(body["error"]["code"], "bad_request", "{query}");
        assert!(body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()));
    }
}

#[tokio::test]
async fn unknown_repositories_are_404() {
    let app = TestApp::with_demo().await;
    for path in [
        "/api/v1/repos/acme/nothing/versions",
        "/api/v1/repos/acme/nothing/sync",
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(response.json()["error"]["code"], "not_found");
    }
}

#[tokio::test]
async fn sync_runs_are_listed() {
    let app = TestApp::with_demo().await;
    let result = app::store::sync::RunResult {
        ok: false,
        requests: 3,
        not_modified: 1,
        rate_limit_remaining: Some(4990),
        error: Some("GitHub answered 502"),
    };
    app.record_sync_run("acme", "orbit", &result).await;
    let runs = app.get("/api/v1/repos/acme/orbit/sync").await.json();
    assert_eq!(runs[0]["outcome"], "failed");
    assert_eq!(runs[0]["requests"], 3);
    assert_eq!(runs[0]["error"], "GitHub answered 502");
}
