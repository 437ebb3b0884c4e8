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

#[tokio::test]
async fn support_lists_the_started_lines_newest_first_with_their_dates() {
    let app = TestApp::with_demo().await;
    let response = app.get("/api/v1/repos/acme/orbit/support").await;
    assert_eq!(response.status, StatusCode::OK);
    let body = response.json();
    assert_eq!(body["repository"], "acme/orbit");
    assert_eq!(
        body["policy"],
        serde_json::json!({ "security_months": 6, "supported_lines": 2, "zero_major_lines": true })
    );
    let lines = body["lines"].as_array().expect("lines");
    let names: Vec<&str> = lines.iter().filter_map(|l| l["line"].as_str()).collect();
    assert_eq!(names, ["3.x", "2.x", "1.x"]);
    // The demo is dated relative to today: 3.0.0 came out 120 days ago, 2.0.0 640 days ago.
    let today = chrono::Utc::now().date_naive();
    let days_ago = |n: i64| (today - chrono::Duration::days(n)).to_string();
    assert_eq!(lines[0]["phase"], "full");
    assert_eq!(lines[0]["started"], days_ago(120));
    assert_eq!(lines[0]["eol"], serde_json::Value::Null);
    assert_eq!(lines[0]["latest"], "3.1.1");
    assert_eq!(lines[1]["phase"], "security");
    assert_eq!(lines[1]["eoas"], days_ago(120));
    assert_eq!(lines[1]["latest"], "2.3.2");
    assert_eq!(lines[2]["phase"], "eol");
    let six_months_after_two = (today - chrono::Duration::days(640))
        .checked_add_months(chrono::Months::new(6))
        .expect("a date");
    assert_eq!(
        lines[2]["eol"],
        six_months_after_two.to_string(),
        "six months after 2.x started"
    );
    // Each date is explained in a reader's words.
    assert!(lines.iter().all(|l| l["explanation"]
        .as_str()
        .is_some_and(|e| e.contains("support") && !e.contains("rule"))));

    let missing = app.get("/api/v1/repos/acme/nothing/support").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_version_check_answers_for_tags_and_versions() {
    let app = TestApp::with_demo().await;
    let check = |q: &'static str| {
        let app = &app;
        async move {
            app.get(&format!(
                "/api/v1/repos/acme/orbit/support/check?version={q}"
            ))
            .await
        }
    };
    let old = check("v2.2.0").await;
    assert_eq!(old.status, StatusCode::OK);
    let body = old.json();
    assert_eq!(body["query"], "v2.2.0");
    assert_eq!(body["version"], "2.2.0");
    assert_eq!(body["line"], "2.x");
    assert_eq!(body["phase"], "security");
    assert_eq!(body["latest_in_line"], "2.3.2");
    assert_eq!(body["recommended"], "2.3.2");
    assert_eq!(body["upgrade_recommended"], true);
    assert!(body["days_left"].as_i64().is_some_and(|d| d > 0));
    assert_eq!(body["incidents"], serde_json::json!([]));

    assert_eq!(check("3.1.1").await.json()["upgrade_recommended"], false);
    assert_eq!(check("1.2.1").await.json()["phase"], "eol");
    assert_eq!(check("3.2.0-rc.1").await.json()["phase"], "prerelease");
    let unknown = check("7.0.0").await.json();
    assert_eq!(unknown["phase"], "unknown");
    assert_eq!(unknown["recommended"], "3.1.1");

    for bad in ["banana", "", "1.2"] {
        let response = check(bad).await;
        assert_eq!(response.status, StatusCode::BAD_REQUEST, "{bad:?}");
        assert_eq!(response.json()["error"]["code"], "bad_request");
    }
}

#[tokio::test]
async fn a_releases_neighbours_are_releases_and_a_prereleases_are_any_version() {
    let app = TestApp::with_demo().await;
    let neighbours = |tag: &'static str| {
        let app = &app;
        async move {
            let json = app
                .get(&format!("/api/v1/repos/acme/orbit/versions/{tag}"))
                .await
                .json();
            (json["previous"].clone(), json["next"].clone())
        }
    };
    // The last of the 1.x line: the next release is 2.0.0, not 2.0.0-alpha.1.
    assert_eq!(
        neighbours("v1.3.1").await,
        ("v1.3.0".into(), "v2.0.0".into())
    );
    assert_eq!(
        neighbours("v2.2.1").await,
        ("v2.2.0".into(), "v2.3.0".into())
    );
    assert_eq!(
        neighbours("v2.0.0-rc.2").await,
        ("v2.0.0-rc.1".into(), "v2.0.0".into())
    );
}

#[tokio::test]
async fn one_version_with_sanitised_notes_and_neighbours() {
    let app = TestApp::with_demo().await;
    let body = app.get("/api/v1/repos/acme/orbit/versions/v2.3.1").await;
    assert_eq!(body.status, http::StatusCode::OK, "{}", body.body);
    let json = body.json();
    assert_eq!(json["version"], "2.3.1");
    assert_eq!(json["channel"], "stable");
    assert_eq!(json["environment"], "production");
    assert_eq!(json["phase"], "security");
    assert_eq!(json["support"]["recommended"], "2.3.2");
    assert_eq!(json["previous"], "v2.3.0");
    assert_eq!(json["next"], "v2.3.2");
    assert!(json["notes"]["markdown"]
        .as_str()
        .is_some_and(|m| !m.is_empty()));
    assert!(json["notes"]["html"]
        .as_str()
        .is_some_and(|h| h.contains('<')));
    // A version without the prefix names the same version.
    assert_eq!(
        app.get("/api/v1/repos/acme/orbit/versions/2.3.1")
            .await
            .json()["tag"],
        "v2.3.1"
    );
    for (path, status) in [
        (
            "/api/v1/repos/acme/orbit/versions/v9.9.9",
            http::StatusCode::NOT_FOUND,
        ),
        (
            "/api/v1/repos/acme/orbit/versions/garbage",
            http::StatusCode::BAD_REQUEST,
        ),
        (
            "/api/v1/repos/acme/nothing/versions/v1.0.0",
            http::StatusCode::NOT_FOUND,
        ),
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status, status, "{path}");
        assert!(response.json()["error"]["code"].is_string());
    }
}

/// Release notes are user text from GitHub: hostile markup renders inert on the page and in the
/// API's HTML, while the Markdown as written is kept.
#[tokio::test]
async fn hostile_release_notes_render_inert() {
    let app = TestApp::with_demo().await;
    let hostile = "## Fixes\n\n<script>alert('x')</script>\n<img src=x onerror=alert(1)>\n[docs](javascript:alert(1))\n<iframe src=\"https://evil.example\"></iframe>\n<a href=\"#\" onclick=\"steal()\">x</a>";
    sqlx::query("UPDATE releases SET body = ? WHERE version_id = (SELECT id FROM versions WHERE tag = 'v2.3.1')")
        .bind(hostile)
        .execute(&app.pool)
        .await
        .expect("notes set");
    let api = app
        .get("/api/v1/repos/acme/orbit/versions/v2.3.1")
        .await
        .json();
    assert_eq!(
        api["notes"]["markdown"], hostile,
        "the notes as written are kept"
    );
    let html = api["notes"]["html"]
        .as_str()
        .expect("html")
        .to_ascii_lowercase();
    let page = app.get("/acme/orbit/v/v2.3.1").await;
    assert_eq!(page.status, http::StatusCode::OK);
    let notes = page
        .body
        .split("class=\"notes-body\"")
        .nth(1)
        .and_then(|rest| rest.split("</article>").next())
        .expect("the notes on the page")
        .to_ascii_lowercase();
    for shown in [html.as_str(), notes.as_str()] {
        // As text, "javascript:" is harmless; as an attribute value it is not.
        for bad in [
            "<script",
            "onerror",
            "onclick",
            "=\"javascript:",
            "=javascript:",
            "<iframe",
        ] {
            assert!(!shown.contains(bad), "{bad} survived in {shown}");
        }
        assert!(
            shown.contains("<h3>fixes</h3>"),
            "under the notes' own heading"
        );
    }
}
