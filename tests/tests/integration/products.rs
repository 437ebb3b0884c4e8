//! The endoflife.date-compatible API (v1 and v0) on the demo, and the settings that shape it.

use axum::body::Body;
use http::{header, Request, StatusCode};
use releasedesk_tests::{TestApp, ORIGIN};
use serde_json::Value;

#[tokio::test]
async fn v1_product_matches_our_support_answer() {
    let app = TestApp::with_demo().await;
    let product = app.get("/api/v1/products/orbit").await;
    assert_eq!(product.status, StatusCode::OK, "{}", product.body);
    let body = product.json();
    assert!(body["schema_version"]
        .as_str()
        .is_some_and(|v| v.starts_with("1.")));
    assert!(body["generated_at"].is_string() && body["last_modified"].is_string());
    let result = &body["result"];
    assert_eq!(result["name"], "orbit");
    for key in [
        "label",
        "aliases",
        "category",
        "tags",
        "identifiers",
        "labels",
        "links",
    ] {
        assert!(result.get(key).is_some(), "ProductDetails needs {key}");
    }
    let releases = result["releases"].as_array().expect("releases");
    let names: Vec<&str> = releases.iter().filter_map(|r| r["name"].as_str()).collect();
    assert_eq!(names, ["3", "2", "1"]);

    let support = app.get("/api/v1/repos/acme/orbit/support").await.json();
    for (cycle, line) in releases
        .iter()
        .zip(support["lines"].as_array().expect("lines"))
    {
        assert_eq!(cycle["releaseDate"], line["started"]);
        assert_eq!(cycle["eoasFrom"], line["eoas"]);
        assert_eq!(cycle["eolFrom"], line["eol"]);
        assert_eq!(cycle["isEol"], line["phase"] == "eol");
        assert_eq!(cycle["isEoas"], line["phase"] != "full");
        assert_eq!(cycle["isMaintained"], line["phase"] != "eol");
        assert_eq!(cycle["latest"]["name"], line["latest"]);
        assert_eq!(cycle["latest"]["date"], line["latest_released"]);
        assert_eq!(cycle["isLts"], false);
    }
    // The demo's three lines are in three phases.
    let phases: Vec<&str> = support["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .filter_map(|l| l["phase"].as_str())
        .collect();
    assert_eq!(phases, ["full", "security", "eol"]);
}

#[tokio::test]
async fn v1_release_cycles_one_by_one() {
    let app = TestApp::with_demo().await;
    let two = app.get("/api/v1/products/orbit/releases/2").await;
    assert_eq!(two.status, StatusCode::OK);
    assert_eq!(two.json()["result"]["name"], "2");
    assert_eq!(
        app.get("/api/v1/products/orbit/releases/2.x").await.json()["result"]["name"],
        "2"
    );
    let latest = app
        .get("/api/v1/products/orbit/releases/latest")
        .await
        .json();
    assert_eq!(latest["result"]["name"], "3");
    // 3.1.1 is a bare tag: no release notes to link to. 2.3.2 has a release.
    assert_eq!(latest["result"]["latest"]["name"], "3.1.1");
    assert!(latest["result"]["latest"]["link"].is_null());
    assert_eq!(
        two.json()["result"]["latest"]["link"],
        "https://github.com/acme/orbit/releases/tag/v2.3.2"
    );

    for (path, status) in [
        ("/api/v1/products/orbit/releases/9", StatusCode::NOT_FOUND),
        ("/api/v1/products/nothing", StatusCode::NOT_FOUND),
        (
            "/api/v1/products/nothing/releases/latest",
            StatusCode::NOT_FOUND,
        ),
        ("/api/nothing.json", StatusCode::NOT_FOUND),
        ("/api/orbit", StatusCode::NOT_FOUND),
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status, status, "{path}");
        assert!(response.json()["error"]["code"].is_string(), "{path}");
    }
}

#[tokio::test]
async fn v0_cycles_and_the_product_list() {
    let app = TestApp::with_demo().await;
    let cycles = app.get("/api/orbit.json").await;
    assert_eq!(cycles.status, StatusCode::OK);
    let cycles = cycles.json();
    let cycles = cycles.as_array().expect("an array");
    assert_eq!(cycles.len(), 3);
    let date = |v: &Value| {
        v.as_str()
            .is_some_and(|s| s.len() == 10 && s.as_bytes()[4] == b'-')
    };
    // 3.x: full support with no end yet.
    assert_eq!(cycles[0]["cycle"], "3");
    assert_eq!(cycles[0]["support"], true);
    assert_eq!(cycles[0]["eol"], false);
    // 2.x: dates for both ends; 1.x: over.
    assert!(date(&cycles[1]["support"]) && date(&cycles[1]["eol"]));
    assert!(date(&cycles[2]["eol"]));
    for cycle in cycles {
        for key in [
            "cycle",
            "releaseDate",
            "support",
            "eol",
            "latest",
            "latestReleaseDate",
            "lts",
            "link",
        ] {
            assert!(cycle.get(key).is_some(), "v0 needs {key}");
        }
    }
    assert_eq!(
        app.get("/api/all.json").await.json(),
        serde_json::json!(["orbit"])
    );
}

async fn count(app: &TestApp) -> u32 {
    app.get("/api/v1/repos/acme/orbit/versions?per_page=1")
        .await
        .headers
        .get("x-total-count")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("a total")
}

async fn patch_settings(
    app: &TestApp,
    cookie: &str,
    body: &str,
) -> releasedesk_tests::TestResponse {
    let request = Request::patch("/api/v1/repos/acme/orbit/settings")
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ORIGIN, ORIGIN)
        .body(Body::from(body.to_owned()))
        .expect("request");
    app.send(request, Some(cookie)).await
}

async fn admin(app: &TestApp) -> String {
    let token = app.auth.issue_local_link(std::time::Instant::now());
    let response = app.get(&format!("/auth/local?token={token}")).await;
    releasedesk_tests::session_cookie(&response.headers).expect("signed in")
}

#[tokio::test]
async fn the_product_slug_and_tag_prefix_are_settings() {
    let app = TestApp::with_demo().await;
    let cookie = admin(&app).await;

    let renamed = patch_settings(&app, &cookie, r#"{"product": "orbit-scheduler"}"#).await;
    assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.body);
    assert_eq!(renamed.json()["product"], "orbit-scheduler");
    assert_eq!(
        app.get("/api/orbit-scheduler.json").await.status,
        StatusCode::OK
    );
    assert_eq!(
        app.get("/api/orbit.json").await.status,
        StatusCode::NOT_FOUND
    );
    let back = patch_settings(&app, &cookie, r#"{"product": null}"#).await;
    assert_eq!(back.json()["product"], "orbit");

    // Another prefix re-reads every tag at once: no tag starts with it, so no versions remain.
    assert_eq!(count(&app).await, 38);
    let prefixed = patch_settings(&app, &cookie, r#"{"tag_prefix": "release-"}"#).await;
    assert_eq!(prefixed.status, StatusCode::OK, "{}", prefixed.body);
    assert_eq!(count(&app).await, 0);
    patch_settings(&app, &cookie, r#"{"tag_prefix": "v"}"#).await;
    assert_eq!(count(&app).await, 38);

    // Without the 0.x rule nothing changes for the demo (it has no 0.x), but the policy does.
    let bad = patch_settings(
        &app,
        &cookie,
        r#"{"security_months": -1, "supported_lines": 0}"#,
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.json()["error"]["fields"]["supported_lines"].is_string());
}

#[tokio::test]
async fn badges_as_svg_and_shields_json() {
    let app = TestApp::with_demo().await;
    let svg = app.get("/badge/acme/orbit/3.x.svg").await;
    assert_eq!(svg.status, StatusCode::OK);
    assert!(svg.headers["content-type"]
        .to_str()
        .is_ok_and(|t| t.starts_with("image/svg+xml")));
    assert!(svg.body.starts_with("<svg") && svg.body.contains("supported"));
    let security = app
        .get("/api/v1/repos/acme/orbit/badge/v2.3.2")
        .await
        .json();
    assert_eq!(security["schemaVersion"], 1);
    assert_eq!(security["label"], "v2.3.2");
    assert!(security["message"]
        .as_str()
        .is_some_and(|m| m.starts_with("security fixes until")));
    let eol = app.get("/api/v1/repos/acme/orbit/badge/1").await.json();
    assert_eq!(eol["message"], "end of life");
    let pre = app
        .get("/api/v1/repos/acme/orbit/badge/3.2.0-beta.1")
        .await
        .json();
    assert_eq!(pre["message"], "pre-release");
    // The demo's open incident affects its release candidate.
    let incident = app
        .get("/api/v1/repos/acme/orbit/badge/3.2.0-rc.1")
        .await
        .json();
    assert_eq!(incident["message"], "1 open incident");
    for (path, status) in [
        ("/badge/acme/orbit/garbage!.svg", StatusCode::BAD_REQUEST),
        (
            "/api/v1/repos/acme/orbit/badge/not-a-version",
            StatusCode::BAD_REQUEST,
        ),
        ("/badge/acme/nothing/3.x.svg", StatusCode::NOT_FOUND),
        ("/badge/acme/orbit/3.x.png", StatusCode::NOT_FOUND),
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status, status, "{path}");
        assert!(response.json()["error"]["code"].is_string());
    }
}

#[tokio::test]
async fn the_support_calendar() {
    let app = TestApp::with_demo().await;
    let ics = app.get("/acme/orbit/calendar.ics").await;
    assert_eq!(ics.status, StatusCode::OK);
    assert!(ics.headers["content-type"]
        .to_str()
        .is_ok_and(|t| t.starts_with("text/calendar")));
    // Three lines: three starts, two ends of full support, two ends of life; and the planned
    // release's target date.
    assert_eq!(ics.body.matches("BEGIN:VEVENT").count(), 8);
    assert!(ics.body.contains("UID:acme/orbit/2.x/eol@releasedesk"));
    assert!(ics
        .body
        .contains("UID:acme/orbit/planned/v3.5.0@releasedesk"));
    assert!(ics.body.contains("SUMMARY:orbit v3.5.0 planned"));
    assert_eq!(
        app.get("/acme/orbit/calendar.ics").await.body,
        ics.body,
        "stable"
    );
    assert_eq!(
        app.get("/acme/nothing/calendar.ics").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn public_reads_answer_if_none_match_with_304() {
    let app = TestApp::with_demo().await;
    let first = app.get("/api/v1/repos/acme/orbit/support").await;
    let etag = releasedesk_tests::header(&first, "etag");
    assert_eq!(
        releasedesk_tests::header(&first, "cache-control"),
        "public, max-age=60"
    );
    let again = Request::get("/api/v1/repos/acme/orbit/support")
        .header(header::IF_NONE_MATCH, &etag)
        .body(Body::empty())
        .expect("request");
    let cached = app.send(again, None).await;
    assert_eq!(cached.status, StatusCode::NOT_MODIFIED);
    assert!(cached.body.is_empty());

    // A change in the data changes the tag.
    let cookie = admin(&app).await;
    patch_settings(&app, &cookie, r#"{"security_months": 9}"#).await;
    let changed = app.get("/api/v1/repos/acme/orbit/support").await;
    assert_ne!(releasedesk_tests::header(&changed, "etag"), etag);

    // Signed-in answers are never cached publicly.
    let personal = app
        .send(
            Request::get("/api/v1/repos/acme/orbit/support")
                .body(Body::empty())
                .expect("request"),
            Some(&cookie),
        )
        .await;
    assert_eq!(
        releasedesk_tests::header(&personal, "cache-control"),
        "private, no-store"
    );
}

async fn send_json(
    app: &TestApp,
    cookie: &str,
    method: &str,
    uri: &str,
    body: &str,
) -> releasedesk_tests::TestResponse {
    let request = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ORIGIN, ORIGIN)
        .body(Body::from(body.to_owned()))
        .expect("request");
    app.send(request, Some(cookie)).await
}

#[tokio::test]
async fn a_withdrawn_version_is_flagged_everywhere_until_restored() {
    let app = TestApp::with_demo().await;
    let cookie = admin(&app).await;
    let path = "/api/v1/repos/acme/orbit/versions/v2.3.2/withdraw";

    let refused = send_json(
        &app,
        &cookie,
        "POST",
        path,
        r#"{"reason": " ", "superseded_by": "v2.3.1"}"#,
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields = &refused.json()["error"]["fields"];
    assert!(fields["reason"].is_string() && fields["superseded_by"].is_string());
    assert_eq!(
        send_json(
            &app,
            &cookie,
            "POST",
            "/api/v1/repos/acme/orbit/versions/v9.0.0/withdraw",
            r#"{"reason":"x"}"#
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );

    let done = send_json(
        &app,
        &cookie,
        "POST",
        path,
        r#"{"reason": "breaks the scheduler on restart", "superseded_by": "v3.1.1"}"#,
    )
    .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);

    let version = app
        .get("/api/v1/repos/acme/orbit/versions/v2.3.2")
        .await
        .json();
    assert_eq!(
        version["withdrawal"]["reason"],
        "breaks the scheduler on restart"
    );
    assert_eq!(version["withdrawal"]["superseded_by"], "3.1.1");
    assert_eq!(version["phase"], "withdrawn");
    let list = app
        .get("/api/v1/repos/acme/orbit/versions?line=2.x")
        .await
        .json();
    let flagged: Vec<bool> = list
        .as_array()
        .expect("list")
        .iter()
        .map(|v| v["withdrawn"] == true)
        .collect();
    assert_eq!(flagged.iter().filter(|w| **w).count(), 1);
    let support = app.get("/api/v1/repos/acme/orbit/support").await.json();
    assert_eq!(
        support["lines"][1]["latest"], "2.3.1",
        "a withdrawn version is never the one to run"
    );
    assert_eq!(
        app.get("/api/v1/repos/acme/orbit/badge/v2.3.2")
            .await
            .json()["message"],
        "withdrawn"
    );
    assert!(app.get("/acme/orbit").await.body.contains("withdrawn-flag"));
    let page = app.get("/acme/orbit/v/v2.3.2").await.body;
    assert!(
        page.contains("Withdrawn: do not use this version")
            && page.contains("breaks the scheduler")
    );

    assert_eq!(
        send_json(&app, &cookie, "DELETE", path, "").await.status,
        StatusCode::OK
    );
    assert_eq!(
        send_json(&app, &cookie, "DELETE", path, "").await.status,
        StatusCode::NOT_FOUND
    );
    assert!(app
        .get("/api/v1/repos/acme/orbit/versions/v2.3.2")
        .await
        .json()["withdrawal"]
        .is_null());
    assert!(!app.get("/acme/orbit").await.body.contains("withdrawn-flag"));
}
