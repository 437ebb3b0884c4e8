//! Per-version checklists (PRODUCT.md §3) through the REST API: creation when a version
//! appears, due times, evidence, changes with revisions, the audit log, Markdown, templates.

use std::sync::Arc;

use app::{
    domain::access::Scope,
    store::{
        self,
        versions::{GitTag, GithubRelease},
    },
};
use axum::body::Body;
use chrono::{Duration, Utc};
use http::{header, Request, StatusCode};
use releasedesk_tests::{
    fake_github::FakeGitHub, fake_oauth::FakeUser, TestApp, TestResponse, ORIGIN,
};
use serde_json::{json, Value};

const REPO: &str = "acme/orbit";

/// The demo, two maintainers (`mona`, `lisa`) and a viewer (`vic`).
async fn setup() -> (FakeGitHub, TestApp) {
    let github = FakeGitHub::start().await;
    github
        .oauth
        .add_user(FakeUser::new(1, "mona").pushes_to(REPO));
    github
        .oauth
        .add_user(FakeUser::new(2, "lisa").pushes_to(REPO));
    github.oauth.add_user(FakeUser::new(3, "vic"));
    let app = TestApp::with_github(&github).await;
    releasedesk::demo::load(&app.pool, Utc::now().date_naive())
        .await
        .expect("demo loads");
    (github, app)
}

/// Publishes `tag` as a release `days_ago` days ago, and starts checklists as a sync would.
async fn publish(app: &TestApp, tag: &str, days_ago: i64, title: &str) {
    let repo = store::repositories::find(&app.pool, "acme", "orbit")
        .await
        .expect("query")
        .expect("demo");
    let at = Utc::now() - Duration::days(days_ago);
    let mut tx = app.pool.begin().await.expect("transaction");
    let id = store::versions::upsert(&mut *tx, &repo, tag)
        .await
        .expect("version");
    let sha = format!("{:0>40}", tag.len());
    let git = GitTag {
        commit_sha: &sha,
        tag_object_sha: None,
        tagged_at: Some(at),
    };
    store::versions::upsert_tag(&mut *tx, id, &git)
        .await
        .expect("tag");
    let release = GithubRelease {
        github_id: 70_000 + id,
        name: title,
        body: "",
        html_url: "",
        draft: false,
        prerelease: tag.contains('-'),
        created_at: at,
        published_at: Some(at),
    };
    store::versions::upsert_release(&mut *tx, id, &release)
        .await
        .expect("release");
    app::service::checklists::start_new_versions(&mut tx, &repo, Utc::now())
        .await
        .expect("checklists");
    tx.commit().await.expect("commit");
}

/// The audit log of v3.3.0's checklist (the demo's own checklists have entries too).
const LOG_OF_V3_3_0: &str = "SELECT * FROM checklist_changes ch
     JOIN checklist_items i ON i.id = ch.item_id
     JOIN checklists c ON c.id = i.checklist_id
     JOIN versions v ON v.id = c.version_id
     WHERE v.tag = 'v3.3.0' ORDER BY ch.id";

fn checklist_uri(version: &str) -> String {
    format!("/api/v1/repos/{REPO}/versions/{version}/checklist")
}

fn items(checklist: &Value) -> Vec<Value> {
    checklist["sections"]
        .as_array()
        .expect("sections")
        .iter()
        .flat_map(|s| s["items"].as_array().cloned().unwrap_or_default())
        .collect()
}

fn item_by_text(checklist: &Value, text: &str) -> Value {
    items(checklist)
        .into_iter()
        .find(|i| i["text"] == text)
        .unwrap_or_else(|| panic!("no item '{text}'"))
}

/// `PATCH`es an item as the session `cookie` (from our origin) or with a bearer token.
async fn change(
    app: &TestApp,
    who: &Who<'_>,
    version: &str,
    id: &Value,
    body: Value,
) -> TestResponse {
    let mut request = Request::patch(format!("{}/items/{id}", checklist_uri(version)))
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::ORIGIN, ORIGIN)
        .body(Body::from(body.to_string()))
        .expect("request");
    match who {
        Who::Cookie(cookie) => app.send(request, Some(cookie)).await,
        Who::Token(token) => {
            request.headers_mut().insert(
                header::AUTHORIZATION,
                format!("Bearer {token}").parse().expect("header"),
            );
            app.send(request, None).await
        }
    }
}

enum Who<'a> {
    Cookie(&'a str),
    Token(&'a str),
}

async fn checklist(app: &TestApp, version: &str) -> Value {
    let response = app.get(&checklist_uri(version)).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    response.json()
}

#[tokio::test]
async fn a_new_stable_version_gets_the_stable_template_and_its_markdown_holds_the_process_checklist(
) {
    let (_github, app) = setup().await;
    publish(&app, "v3.3.0", 0, "Orbit 3.3.0").await;
    let answer = checklist(&app, "v3.3.0").await;
    assert_eq!(answer["version"], "3.3.0");
    assert_eq!(answer["template"], json!({"name": "stable", "revision": 1}));
    let total = answer["progress"]["total"].as_u64().expect("total");
    assert_eq!(
        answer["progress"],
        json!({"done": 0, "skipped": 0, "total": total})
    );
    assert!(total >= 19);
    let first = &items(&answer)[0];
    for field in [
        "id", "text", "state", "due_at", "overdue", "by", "at", "note", "evidence", "revision",
    ] {
        assert!(first.get(field).is_some(), "items carry {field}: {first}");
    }

    let response = app
        .get(&format!("{}?format=markdown", checklist_uri("v3.3.0")))
        .await;
    assert_eq!(response.status, StatusCode::OK);
    assert!(releasedesk_tests::header(&response, "content-type").starts_with("text/markdown"));
    let markdown = response.body;
    assert!(
        markdown.starts_with("## Release v3.3.0 Checklist\n"),
        "{markdown}"
    );
    let template = include_str!("../../fixtures/release-checklist-template.md");
    let expected: Vec<&str> = template
        .lines()
        .filter(|l| l.starts_with("- [ ] "))
        .collect();
    assert_eq!(
        expected.len(),
        19,
        "the process's template: 5 + 5 + 5 + 4 items"
    );
    for item in expected {
        assert!(
            markdown
                .lines()
                .any(|line| line == item || line.starts_with(&format!("{item} ("))),
            "the export lacks '{item}':\n{markdown}"
        );
    }
}

/// The fixture is the process's own template, while the reference is at hand to compare.
#[test]
fn the_fixture_is_the_release_process_template() {
    let reference = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/reference/RELEASE_PROCESS.md"
    );
    if let Ok(process) = std::fs::read_to_string(reference) {
        assert!(process.contains(include_str!("../../fixtures/release-checklist-template.md")));
    }
}

#[tokio::test]
async fn ten_days_after_release_every_post_release_item_is_overdue_until_done() {
    let (github, app) = setup().await;
    publish(&app, "v3.3.0", 10, "Orbit 3.3.0").await;
    let answer = checklist(&app, "v3.3.0").await;
    let mut post_release = 0;
    for section in answer["sections"].as_array().expect("sections") {
        let is_post = section["title"]
            .as_str()
            .expect("title")
            .starts_with("Post-Release");
        for item in section["items"].as_array().expect("items") {
            assert_eq!(item["overdue"], is_post, "{item}");
            assert_eq!(item["due_at"].is_string(), is_post, "{item}");
            post_release += usize::from(is_post);
        }
    }
    assert_eq!(post_release, 15);

    let cookie = app.sign_in(&github, "mona").await;
    let item = item_by_text(&answer, "Announcement posted");
    let response = change(
        &app,
        &Who::Cookie(&cookie),
        "v3.3.0",
        &item["id"],
        json!({"state": "done"}),
    )
    .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let changed = response.json();
    assert_eq!(changed["overdue"], false);
    assert_eq!(changed["by"], "mona");
    // Skipped is settled too.
    let item = item_by_text(&answer, "Notify dependent projects");
    let body = json!({"state": "skipped", "note": "nobody depends on us"});
    assert_eq!(
        change(&app, &Who::Cookie(&cookie), "v3.3.0", &item["id"], body)
            .await
            .json()["overdue"],
        false
    );
    let item = item_by_text(&answer, "Metrics monitored");
    assert_eq!(
        item_by_text(&checklist(&app, "v3.3.0").await, "Metrics monitored")["overdue"],
        true,
        "{item}"
    );
}

#[tokio::test]
async fn two_maintainers_at_once_both_succeed_and_a_stale_revision_gets_409_with_the_current_item()
{
    let (github, app) = setup().await;
    publish(&app, "v3.3.0", 1, "Orbit 3.3.0").await;
    let mona = app.sign_in(&github, "mona").await;
    let lisa = app.sign_in(&github, "lisa").await;
    let answer = checklist(&app, "v3.3.0").await;
    let tests = item_by_text(&answer, "All tests passing");
    let lint = item_by_text(&answer, "Linting clean (`make lint`)");

    let (as_mona, as_lisa) = (Who::Cookie(&mona), Who::Cookie(&lisa));
    let (a, b) = tokio::join!(
        change(
            &app,
            &as_mona,
            "v3.3.0",
            &tests["id"],
            json!({"state": "done", "expected_revision": tests["revision"]})
        ),
        change(
            &app,
            &as_lisa,
            "v3.3.0",
            &lint["id"],
            json!({"state": "done", "expected_revision": lint["revision"]})
        ),
    );
    assert_eq!(
        (a.status, b.status),
        (StatusCode::OK, StatusCode::OK),
        "{} {}",
        a.body,
        b.body
    );
    assert_eq!(
        a.json()["revision"],
        tests["revision"].as_i64().expect("revision") + 1
    );

    // Lisa unticks "All tests passing" from the page she loaded before Mona's change.
    let stale = change(
        &app,
        &Who::Cookie(&lisa),
        "v3.3.0",
        &tests["id"],
        json!({"state": "open", "expected_revision": tests["revision"]}),
    )
    .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
    let body = stale.json();
    assert_eq!(body["error"]["code"], "conflict");
    assert_eq!(body["error"]["current"]["state"], "done");
    assert_eq!(body["error"]["current"]["by"], "mona");
    assert!(body["error"]["message"]
        .as_str()
        .expect("message")
        .contains("mona"));

    let after = checklist(&app, "v3.3.0").await;
    assert_eq!(item_by_text(&after, "All tests passing")["state"], "done");
    assert_eq!(
        item_by_text(&after, "Linting clean (`make lint`)")["by"],
        "lisa"
    );
    assert_eq!(after["progress"]["done"], 2);
}

#[tokio::test]
async fn twenty_concurrent_writers_lose_nothing() {
    let (github, app) = setup().await;
    publish(&app, "v3.3.0", 1, "Orbit 3.3.0").await;
    let cookie = app.sign_in(&github, "mona").await;
    let answer = checklist(&app, "v3.3.0").await;
    let all = items(&answer);
    let app = Arc::new(app);

    // Twenty writers on twenty items: every change lands.
    let writers = all.iter().take(20).map(|item| {
        let (app, cookie, item) = (app.clone(), cookie.clone(), item.clone());
        tokio::spawn(async move {
            let body = json!({"state": "done", "note": format!("checked {}", item["id"]), "expected_revision": item["revision"]});
            change(&app, &Who::Cookie(&cookie), "v3.3.0", &item["id"], body).await.status
        })
    });
    for writer in writers.collect::<Vec<_>>() {
        assert_eq!(writer.await.expect("writer"), StatusCode::OK);
    }
    let after = checklist(&app, "v3.3.0").await;
    assert_eq!(after["progress"]["done"], 20);
    for item in items(&after).iter().take(20) {
        assert_eq!(item["note"], format!("checked {}", item["id"]));
    }

    // Twenty writers on one item from the same revision: one wins, nineteen are told.
    let target = items(&after)[25].clone();
    let racers = (0..20).map(|n| {
        let (app, cookie, target) = (app.clone(), cookie.clone(), target.clone());
        tokio::spawn(async move {
            let body = json!({"state": "skipped", "note": format!("writer {n}"), "expected_revision": target["revision"]});
            change(&app, &Who::Cookie(&cookie), "v3.3.0", &target["id"], body).await.status
        })
    });
    let mut statuses = Vec::new();
    for racer in racers.collect::<Vec<_>>() {
        statuses.push(racer.await.expect("racer"));
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == StatusCode::OK).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::CONFLICT)
            .count(),
        19,
        "{statuses:?}"
    );

    // The audit log holds exactly the 21 changes that landed.
    let logged: i64 = sqlx::query_scalar(LOG_OF_V3_3_0.replace("*", "COUNT(*)").as_str())
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(logged, 21);
}

#[tokio::test]
async fn bad_changes_get_422_naming_the_field_and_change_nothing() {
    let (github, app) = setup().await;
    publish(&app, "v3.3.0", 1, "Orbit 3.3.0").await;
    let cookie = app.sign_in(&github, "mona").await;
    let item = item_by_text(
        &checklist(&app, "v3.3.0").await,
        "Load testing completed (if applicable)",
    );
    let cases = [
        (json!({"state": "finished"}), "state"),
        (json!({"state": "skipped"}), "note"),
        (json!({"state": "skipped", "note": "   "}), "note"),
        (json!({"note": "no state"}), "state"),
        (json!({"state": 3}), "state"),
        (
            json!({"state": "done", "expected_revision": "one"}),
            "expected_revision",
        ),
        (json!({"state": "done", "note": "x".repeat(2001)}), "note"),
    ];
    for (body, field) in cases {
        let response = change(
            &app,
            &Who::Cookie(&cookie),
            "v3.3.0",
            &item["id"],
            body.clone(),
        )
        .await;
        assert_eq!(
            response.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {}",
            response.body
        );
        let error = response.json();
        assert_eq!(error["error"]["code"], "validation");
        assert!(
            error["error"]["fields"][field].is_string(),
            "{body}: {error}"
        );
    }
    let not_json = change(
        &app,
        &Who::Cookie(&cookie),
        "v3.3.0",
        &item["id"],
        json!("done"),
    )
    .await;
    assert_eq!(not_json.status, StatusCode::BAD_REQUEST);
    let unknown = change(
        &app,
        &Who::Cookie(&cookie),
        "v3.3.0",
        &json!(999_999),
        json!({"state": "done"}),
    )
    .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    // An item of another version's checklist is not this one's.
    publish(&app, "v3.4.0", 0, "Orbit 3.4.0").await;
    let elsewhere = change(
        &app,
        &Who::Cookie(&cookie),
        "v3.4.0",
        &item["id"],
        json!({"state": "done"}),
    )
    .await;
    assert_eq!(elsewhere.status, StatusCode::NOT_FOUND);

    let after = item_by_text(
        &checklist(&app, "v3.3.0").await,
        "Load testing completed (if applicable)",
    );
    assert_eq!(
        (after["state"].clone(), after["revision"].clone()),
        (json!("open"), item["revision"].clone())
    );
    assert_eq!(checklist(&app, "v3.3.0").await["progress"]["done"], 0);
}

#[tokio::test]
async fn ci_ticks_items_with_a_checklists_token_and_viewers_cannot() {
    let (github, app) = setup().await;
    publish(&app, "v3.3.0", 1, "Orbit 3.3.0").await;
    let repository = store::repositories::find(&app.pool, "acme", "orbit")
        .await
        .expect("query")
        .expect("demo");
    let token = app::service::tokens::create_token(
        &app.pool,
        &repository,
        "ci",
        &[Scope::Checklists],
        "mona",
    )
    .await
    .expect("token")
    .token;
    let item = item_by_text(&checklist(&app, "v3.3.0").await, "All tests passing");
    let body = json!({"state": "done", "note": "https://ci.example/runs/812"});
    let response = change(
        &app,
        &Who::Token(&token),
        "v3.3.0",
        &item["id"],
        body.clone(),
    )
    .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(response.json()["by"], "token ci");
    // The same change again (a retried job) changes nothing and logs nothing.
    let again = change(&app, &Who::Token(&token), "v3.3.0", &item["id"], body).await;
    assert_eq!(again.json()["revision"], response.json()["revision"]);

    let incidents_only = app::service::tokens::create_token(
        &app.pool,
        &repository,
        "bot",
        &[Scope::Incidents],
        "mona",
    )
    .await
    .expect("token")
    .token;
    let refused = change(
        &app,
        &Who::Token(&incidents_only),
        "v3.3.0",
        &item["id"],
        json!({"state": "open"}),
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let vic = app.sign_in(&github, "vic").await;
    let refused = change(
        &app,
        &Who::Cookie(&vic),
        "v3.3.0",
        &item["id"],
        json!({"state": "open"}),
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let anonymous = app
        .send(
            Request::patch(format!("{}/items/{}", checklist_uri("v3.3.0"), item["id"]))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(r#"{"state":"open"}"#))
                .expect("request"),
            None,
        )
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        item_by_text(&checklist(&app, "v3.3.0").await, "All tests passing")["state"],
        "done"
    );
}

#[tokio::test]
async fn the_audit_log_is_append_only() {
    let (github, app) = setup().await;
    publish(&app, "v3.3.0", 1, "Orbit 3.3.0").await;
    let cookie = app.sign_in(&github, "mona").await;
    let item = item_by_text(&checklist(&app, "v3.3.0").await, "All tests passing");
    for body in [
        json!({"state": "done"}),
        json!({"state": "open", "note": "flaky on arm64"}),
        json!({"state": "skipped", "note": "covered by 3.2.9"}),
    ] {
        let response = change(&app, &Who::Cookie(&cookie), "v3.3.0", &item["id"], body).await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    }
    let log: Vec<(String, String, i64, String)> = sqlx::query_as(
        &LOG_OF_V3_3_0.replace("*", "ch.state, ch.note, ch.revision, ch.changed_by"),
    )
    .fetch_all(&app.pool)
    .await
    .expect("log");
    assert_eq!(
        log,
        [
            ("done".to_owned(), String::new(), 2, "mona".to_owned()),
            (
                "open".to_owned(),
                "flaky on arm64".to_owned(),
                3,
                "mona".to_owned()
            ),
            (
                "skipped".to_owned(),
                "covered by 3.2.9".to_owned(),
                4,
                "mona".to_owned()
            ),
        ]
    );
    let update = sqlx::query("UPDATE checklist_changes SET note = 'rewritten'")
        .execute(&app.pool)
        .await;
    assert!(update.is_err(), "updates are refused");
    let delete = sqlx::query("DELETE FROM checklist_changes")
        .execute(&app.pool)
        .await;
    assert!(delete.is_err(), "deletes are refused");
}

#[tokio::test]
async fn versions_released_long_before_tracking_wait_for_a_maintainer() {
    let (_github, app) = setup().await;
    // The demo's v3.1.0 came out 60 days before the demo was loaded.
    let response = app.get(&checklist_uri("v3.1.0")).await;
    assert_eq!(response.status, StatusCode::NOT_FOUND);
    assert!(response.json()["error"]["message"]
        .as_str()
        .expect("message")
        .contains("start one"));
    // Its recent ones have theirs: a hotfix on the older line, a release candidate, a beta.
    assert_eq!(
        checklist(&app, "v2.3.2").await["template"]["name"],
        "hotfix"
    );
    assert_eq!(
        checklist(&app, "v3.2.0-rc.1").await["template"]["name"],
        "rc"
    );
    assert_eq!(
        checklist(&app, "v3.2.0-beta.1").await["template"]["name"],
        "beta"
    );
    // Unknown versions and formats are told apart.
    assert_eq!(
        app.get(&checklist_uri("v9.9.9")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&checklist_uri("not-a-version")).await.status,
        StatusCode::BAD_REQUEST
    );
    let pdf = app
        .get(&format!("{}?format=pdf", checklist_uri("v3.2.0-rc.1")))
        .await;
    assert_eq!(pdf.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_hotfix_lists_a_backport_for_each_other_maintained_line_with_evidence() {
    let (_github, app) = setup().await;
    let answer = checklist(&app, "v2.3.2").await;
    let backports: Vec<Value> = answer["sections"]
        .as_array()
        .expect("sections")
        .iter()
        .filter(|s| s["title"] == "Backport")
        .flat_map(|s| s["items"].as_array().cloned().unwrap_or_default())
        .collect();
    assert_eq!(backports.len(), 1, "{answer}");
    assert_eq!(backports[0]["text"], "Backport the fix to 3.x");
    assert_eq!(backports[0]["evidence"]["kind"], "backport");
    assert_eq!(backports[0]["evidence"]["found"], false);

    publish(&app, "v3.1.2", 0, "Orbit 3.1.2").await;
    let answer = checklist(&app, "v2.3.2").await;
    let evidence = &item_by_text(&answer, "Backport the fix to 3.x")["evidence"];
    assert_eq!(evidence["found"], true, "{evidence}");
    assert!(evidence["detail"]
        .as_str()
        .expect("detail")
        .contains("3.1.2"));
}

#[tokio::test]
async fn evidence_from_synced_data_ticks_what_it_proves() {
    let (_github, app) = setup().await;
    let answer = checklist(&app, "v3.2.0-rc.1").await;
    let tag = item_by_text(&answer, "Tag created and pushed");
    assert_eq!(tag["evidence"]["kind"], "tag");
    assert_eq!(tag["evidence"]["found"], true);
    assert_eq!(tag["state"], "done", "{tag}");
    assert_eq!(tag["verified"]["kind"], "tag", "{tag}");
    assert_eq!(tag["by"], "GitHub evidence", "{tag}");
    let release = item_by_text(&answer, "GitHub Release published as a pre-release");
    assert_eq!(release["evidence"]["found"], true);
    assert_eq!(release["verified"]["kind"], "release", "{release}");
    // The demo's releases ship binaries and checksums, but no SBOM or signature.
    assert_eq!(
        item_by_text(&answer, "SBOM available")["evidence"]["found"],
        false
    );
    assert_eq!(
        item_by_text(&answer, "Signatures verified")["evidence"]["found"],
        false
    );
    // The demo's CHANGELOG.md has a section for 2.3.2 but none for the release candidate.
    let changelog = item_by_text(&answer, "CHANGELOG.md updated");
    assert_eq!(changelog["evidence"]["found"], false, "{changelog}");
    // Ticked by a person although the section is missing: a warning, and not verified.
    assert_eq!(changelog["by"], "mona", "{changelog}");
    assert_eq!(changelog["contradicted"], true, "{changelog}");
    assert_eq!(changelog["verified"], serde_json::Value::Null);
    let hotfix = checklist(&app, "v2.3.2").await;
    let changelog = item_by_text(&hotfix, "CHANGELOG.md updated");
    assert_eq!(changelog["evidence"]["found"], true, "{changelog}");
}
