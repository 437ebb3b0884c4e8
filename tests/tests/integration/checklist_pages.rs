//! Checklists on pages, as a browser without JavaScript uses them: forms that post and come
//! back, refusals said once, the open items page and the template editor.

use axum::body::Body;
use http::{Request, StatusCode};
use releasedesk_tests::TestApp;
use serde_json::Value;

async fn item(app: &TestApp, version: &str, text: &str) -> Value {
    let answer = app
        .get(&format!(
            "/api/v1/repos/acme/orbit/versions/{version}/checklist"
        ))
        .await
        .json();
    answer["sections"]
        .as_array()
        .expect("sections")
        .iter()
        .flat_map(|s| s["items"].as_array().cloned().unwrap_or_default())
        .find(|i| i["text"] == text)
        .unwrap_or_else(|| panic!("no item {text}"))
}

#[tokio::test]
async fn everyone_sees_the_checklist_and_only_maintainers_get_its_forms() {
    let (app, cookie) = TestApp::demo_signed_in().await;
    let anonymous = app.page_text(None, "/acme/orbit/v/v2.3.2").await;
    assert!(
        anonymous.contains("Hotfix template, revision 1"),
        "{anonymous}"
    );
    assert!(anonymous.contains("Backport the fix to 3.x"));
    assert!(
        anonymous.contains("overdue by"),
        "post-release items of a 12-day-old hotfix"
    );
    assert!(anonymous.contains("Audit log (21)"));
    assert!(
        anonymous.contains("aria-valuenow=\"21\""),
        "the progress bar counts settled items"
    );
    assert!(
        !anonymous.contains("change_checklist_item"),
        "no forms for anonymous readers"
    );

    let maintainer = app.page_text(Some(&cookie), "/acme/orbit/v/v2.3.2").await;
    assert!(maintainer.contains("action=\"/sfn/change_checklist_item\""));
    assert!(maintainer.contains("aria-label=\"Mark done: Metrics monitored\""));
    assert!(maintainer.contains("aria-label=\"Reopen: Merged to main\""));
}

#[tokio::test]
async fn ticking_skipping_and_unticking_work_as_plain_form_posts() {
    let (app, cookie) = TestApp::demo_signed_in().await;
    let version_page = "/acme/orbit/v/v3.2.0-rc.1";
    let target = item(&app, "v3.2.0-rc.1", "Security scan clean").await;
    let id = target["id"].to_string();
    let post = |state: &'static str, note: &'static str, revision: String| {
        let (app, cookie, id) = (&app, &cookie, id.clone());
        async move {
            let fields = [
                ("owner", "acme"),
                ("repo", "orbit"),
                ("version", "v3.2.0-rc.1"),
                ("item", id.as_str()),
                ("revision", revision.as_str()),
                ("state", state),
                ("note", note),
            ];
            app.post_form(cookie, "/sfn/change_checklist_item", version_page, &fields)
                .await
        }
    };
    let ticked = post("done", "", target["revision"].to_string()).await;
    assert!(
        ticked.status.is_redirection(),
        "{}: {}",
        ticked.status,
        ticked.body
    );
    assert_eq!(
        ticked.headers.get("location").and_then(|v| v.to_str().ok()),
        Some(format!("{version_page}#item-{id}").as_str()),
        "the page comes back at the item ticked"
    );
    let now = item(&app, "v3.2.0-rc.1", "Security scan clean").await;
    assert_eq!(
        (now["state"].as_str(), now["by"].as_str()),
        (Some("done"), Some("admin"))
    );

    let skipped = post(
        "skipped",
        "Scanned with 3.2.0-beta.1; nothing changed since",
        now["revision"].to_string(),
    )
    .await;
    assert!(skipped.status.is_redirection());
    let now = item(&app, "v3.2.0-rc.1", "Security scan clean").await;
    assert_eq!(now["state"], "skipped");

    let unticked = post("open", "", now["revision"].to_string()).await;
    assert!(unticked.status.is_redirection());
    let shown = app.page_text(Some(&cookie), version_page).await;
    assert!(shown.contains("aria-label=\"Mark done: Security scan clean\""));
    // The audit log shows each change, newest first.
    let log = &shown[shown.find("Audit log").expect("the log")..];
    let first = log.find("Security scan clean").expect("logged");
    assert!(
        log[first..].contains("Scanned with 3.2.0-beta.1"),
        "the skip's reason is logged"
    );
    let entries: Vec<&str> = log.split("<li>").skip(1).take(3).collect();
    assert!(entries[0].contains("state-word open"), "{}", entries[0]);
    assert!(entries[1].contains("state-word skipped") && entries[1].contains("Scanned with"));
    assert!(entries[2].contains("state-word done"));
}

#[tokio::test]
async fn a_refused_change_without_javascript_is_said_once_on_the_page() {
    let (app, cookie) = TestApp::demo_signed_in().await;
    let version_page = "/acme/orbit/v/v3.2.0-rc.1";
    let target = item(&app, "v3.2.0-rc.1", "SBOM available").await;
    let id = target["id"].to_string();
    let revision = target["revision"].to_string();
    let fields = [
        ("owner", "acme"),
        ("repo", "orbit"),
        ("version", "v3.2.0-rc.1"),
        ("item", id.as_str()),
        ("revision", revision.as_str()),
        ("state", "skipped"),
        ("note", ""),
    ];
    let refused = app
        .post_form(&cookie, "/sfn/change_checklist_item", version_page, &fields)
        .await;
    assert!(refused.status.is_redirection(), "{}", refused.status);
    // Back at the words saying why, beside the item, with no refusal in the address.
    assert_eq!(
        refused
            .headers
            .get("location")
            .and_then(|v| v.to_str().ok()),
        Some(format!("{version_page}#item-error-{id}").as_str())
    );
    let shown = app.page_text(Some(&cookie), version_page).await;
    let row_start = shown
        .find(&format!("id=\"item-{id}\""))
        .expect("the item's row");
    let row = &shown[row_start..row_start + shown[row_start..].find("</li>").expect("row end")];
    assert!(
        row.contains("“SBOM available” was not changed: say why the item is skipped"),
        "the message is beside the item: {row}"
    );
    assert!(row.contains("autofocus"), "and takes the focus: {row}");
    assert!(
        row.contains("<details open class=\"item-more\""),
        "its form open: {row}"
    );
    let again = app.page_text(Some(&cookie), version_page).await;
    assert!(!again.contains("was not changed"), "said once");

    // A change from a page loaded before someone else's is refused with what happened.
    let stale = [("revision", "0")];
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| {
            if *k == "revision" {
                stale[0]
            } else if *k == "state" {
                ("state", "done")
            } else {
                (*k, *v)
            }
        })
        .collect();
    app.post_form(&cookie, "/sfn/change_checklist_item", version_page, &fields)
        .await;
    let shown = app.page_text(Some(&cookie), version_page).await;
    assert!(shown.contains("changed this item first"), "{shown}");
    assert_eq!(
        item(&app, "v3.2.0-rc.1", "SBOM available").await["state"],
        "open"
    );
}

#[tokio::test]
async fn a_maintainer_starts_the_checklist_of_an_old_version() {
    let (app, cookie) = TestApp::demo_signed_in().await;
    let old = app.page_text(Some(&cookie), "/acme/orbit/v/v3.1.0").await;
    assert!(old.contains("No checklist: this version came out before Release Desk tracked"));
    assert!(old.contains("Start a checklist (Stable major or minor release)"));
    let fields = [("owner", "acme"), ("repo", "orbit"), ("version", "v3.1.0")];
    let before = chrono::Utc::now();
    let started = app
        .post_form(
            &cookie,
            "/sfn/start_checklist",
            "/acme/orbit/v/v3.1.0",
            &fields,
        )
        .await;
    assert!(started.status.is_redirection());
    let answer = app
        .get("/api/v1/repos/acme/orbit/versions/v3.1.0/checklist")
        .await
        .json();
    assert_eq!(answer["template"]["name"], "stable");
    // Sixty days after the release, yet nothing is overdue: due times count from the start.
    assert_eq!(
        app.page_text(None, "/acme/orbit/v/v3.1.0")
            .await
            .matches("overdue by")
            .count(),
        0
    );
    let due: Vec<chrono::DateTime<chrono::Utc>> = answer["sections"]
        .as_array()
        .expect("sections")
        .iter()
        .flat_map(|s| s["items"].as_array().expect("items"))
        .filter_map(|i| i["due_at"].as_str())
        .map(|due| due.parse().expect("an RFC 3339 time"))
        .collect();
    assert_eq!(due.len(), 15, "post-release items keep their offsets");
    assert!(
        due.iter().all(|due| *due > before),
        "{due:?} after {before}"
    );
    let open_items = app.page_text(None, "/acme/orbit/checklists").await;
    assert!(!open_items
        .split("<tr")
        .any(|row| row.contains("v3.1.0#item-") && row.contains("overdue by")));
}

#[tokio::test]
async fn an_item_done_against_its_evidence_is_flagged_and_kept() {
    let (app, cookie) = TestApp::demo_signed_in().await;
    let answer = app
        .get("/api/v1/repos/acme/orbit/versions/v3.2.0-rc.1/checklist")
        .await
        .json();
    let missing = answer["sections"]
        .as_array()
        .expect("sections")
        .iter()
        .flat_map(|s| s["items"].as_array().cloned().unwrap_or_default())
        .find(|i| {
            i["state"] == "open"
                && i["evidence"]["found"] == false
                && i["evidence"]["pending"] == false
        })
        .expect("an open item whose evidence is missing");
    assert_eq!(
        missing["contradicted"], false,
        "open items are not contradictions"
    );
    let text = missing["text"].as_str().expect("text").to_owned();
    let warning = "Marked done, but GitHub shows otherwise";
    let warnings = |page: String| page.matches(warning).count();
    let before = warnings(app.page_text(None, "/acme/orbit/v/v3.2.0-rc.1").await);
    let fields = [
        ("owner", "acme"),
        ("repo", "orbit"),
        ("version", "v3.2.0-rc.1"),
        ("item", &missing["id"].to_string()),
        ("revision", &missing["revision"].to_string()),
        ("state", "done"),
        ("note", ""),
    ];
    let changed = app
        .post_form(
            &cookie,
            "/sfn/change_checklist_item",
            "/acme/orbit/v/v3.2.0-rc.1",
            &fields,
        )
        .await;
    assert!(changed.status.is_redirection(), "{}", changed.body);
    let done = item(&app, "v3.2.0-rc.1", &text).await;
    assert_eq!(done["state"], "done", "a person's choice wins");
    assert_eq!(done["contradicted"], true);
    let after = warnings(app.page_text(None, "/acme/orbit/v/v3.2.0-rc.1").await);
    assert_eq!(after, before + 1);
}

#[tokio::test]
async fn the_open_items_page_puts_overdue_first() {
    let (app, _cookie) = TestApp::demo_signed_in().await;
    let body = app.page_text(None, "/acme/orbit/checklists").await;
    assert!(body.contains("open items,"), "{body}");
    let rows: Vec<&str> = body.split("<tr").skip(2).collect();
    let overdue = rows
        .iter()
        .take_while(|r| r.contains("class=\"overdue\""))
        .count();
    assert!(overdue > 0);
    assert!(
        rows[overdue..].iter().all(|r| !r.contains("overdue by")),
        "overdue rows come first"
    );
    assert!(
        body.contains("/acme/orbit/v/v2.3.2#item-"),
        "items link to their place"
    );
    assert!(!body.contains("Templates"), "templates are for maintainers");
}

#[tokio::test]
async fn editing_a_template_makes_a_revision_and_leaves_older_checklists_alone() {
    let (app, cookie) = TestApp::demo_signed_in().await;
    let editor = app
        .page_text(Some(&cookie), "/acme/orbit/checklists/templates/stable")
        .await;
    assert!(editor.contains("Revision 1."));
    let texts = |answer: Value| -> (Value, Vec<Value>) {
        let items = answer["sections"]
            .as_array()
            .expect("sections")
            .iter()
            .flat_map(|s| s["items"].as_array().cloned().unwrap_or_default())
            .map(|i| i["text"].clone())
            .collect();
        (answer["template"].clone(), items)
    };
    let old_checklist = "/api/v1/repos/acme/orbit/versions/v2.3.2/checklist";
    let before = texts(app.get(old_checklist).await.json());
    let text = "## Release\n- Tag created and pushed (evidence: tag)\n- Smoke tested on the demo cluster\n\n\
                ## Post-Release\n- Announcement posted (due 2d)\n";
    let fields = [
        ("owner", "acme"),
        ("repo", "orbit"),
        ("kind", "patch"),
        ("revision", "1"),
        ("text", text),
    ];
    let saved = app
        .post_form(
            &cookie,
            "/sfn/save_template",
            "/acme/orbit/checklists/templates/patch",
            &fields,
        )
        .await;
    assert!(saved.status.is_redirection(), "{}", saved.body);
    let shown = app
        .page_text(Some(&cookie), "/acme/orbit/checklists/templates/patch")
        .await;
    assert!(shown.contains("Revision 2.") && shown.contains("Smoke tested on the demo cluster"));

    // A new patch uses revision 2; the checklists made before are untouched.
    let repo = app::store::repositories::find(&app.pool, "acme", "orbit")
        .await
        .expect("query")
        .expect("demo");
    let mut tx = app.pool.begin().await.expect("transaction");
    let id = app::store::versions::upsert(&mut *tx, &repo, "v3.1.2")
        .await
        .expect("version");
    let sha = "a".repeat(40);
    let git = app::store::versions::GitTag {
        commit_sha: &sha,
        tag_object_sha: None,
        tagged_at: Some(chrono::Utc::now()),
    };
    app::store::versions::upsert_tag(&mut *tx, id, &git)
        .await
        .expect("tag");
    app::service::checklists::start_new_versions(&mut tx, &repo, chrono::Utc::now())
        .await
        .expect("start");
    tx.commit().await.expect("commit");
    let answer = app
        .get("/api/v1/repos/acme/orbit/versions/v3.1.2/checklist")
        .await
        .json();
    assert_eq!(
        answer["template"],
        serde_json::json!({"name": "patch", "revision": 2})
    );
    assert_eq!(answer["progress"]["total"], 3);
    assert!(answer["sections"][1]["items"][0]["due_at"].is_string());
    assert_eq!(texts(app.get(old_checklist).await.json()), before);

    // Mistakes are named by line and keep what was typed; a stale edit is refused.
    let broken = "## Release\n- Tag pushed (due soon)\n";
    let fields = [
        ("owner", "acme"),
        ("repo", "orbit"),
        ("kind", "patch"),
        ("revision", "2"),
        ("text", broken),
    ];
    app.post_form(
        &cookie,
        "/sfn/save_template",
        "/acme/orbit/checklists/templates/patch",
        &fields,
    )
    .await;
    let shown = app
        .page_text(Some(&cookie), "/acme/orbit/checklists/templates/patch")
        .await;
    assert!(
        shown.contains("line 2: &#x27;due soon&#x27; is not a due offset")
            || shown.contains("line 2: 'due soon' is not a due offset"),
        "{shown}"
    );
    assert!(
        shown.contains("Tag pushed (due soon)"),
        "what was typed is kept"
    );
    let fields = [
        ("owner", "acme"),
        ("repo", "orbit"),
        ("kind", "patch"),
        ("revision", "1"),
        ("text", text),
    ];
    app.post_form(
        &cookie,
        "/sfn/save_template",
        "/acme/orbit/checklists/templates/patch",
        &fields,
    )
    .await;
    let shown = app
        .page_text(Some(&cookie), "/acme/orbit/checklists/templates/patch")
        .await;
    assert!(shown.contains("someone saved revision 2"), "{shown}");
    assert!(shown.contains("Revision 2."));

    let unknown = app
        .send(
            Request::get("/acme/orbit/checklists/templates/nightly")
                .body(Body::empty())
                .expect("request"),
            Some(&cookie),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let anonymous = app.get("/acme/orbit/checklists/templates/patch").await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_template_editor_refuses_an_unknown_evidence_rule_naming_its_line() {
    let (app, cookie) = TestApp::demo_signed_in().await;
    let broken = "## Release\n- Tag pushed (evidence: tag)\n- Tests green (due 1h, evidence: vibes)\n- Coverage (evidence: check coverage >= 80)\n";
    let fields = [
        ("owner", "acme"),
        ("repo", "orbit"),
        ("kind", "patch"),
        ("revision", "1"),
        ("text", broken),
    ];
    app.post_form(
        &cookie,
        "/sfn/save_template",
        "/acme/orbit/checklists/templates/patch",
        &fields,
    )
    .await;
    let shown = app
        .page_text(Some(&cookie), "/acme/orbit/checklists/templates/patch")
        .await
        .replace("&#x27;", "'");
    assert!(
        shown.contains("line 3: 'vibes' is not an evidence rule"),
        "{shown}"
    );
    assert!(shown.contains("Revision 1."), "nothing was saved");
    assert!(
        shown.contains("Tests green (due 1h, evidence: vibes)"),
        "what was typed is kept"
    );
}

#[tokio::test]
async fn a_version_page_shows_its_evidence_and_verified_items_without_javascript() {
    let app = TestApp::with_demo().await;
    let page = app
        .page_text(None, "/acme/orbit/v/v2.3.2")
        .await
        .replace("&#x27;", "'");
    for expected in [
        "Evidence from GitHub",
        "Check runs",
        "6 checks passed",
        "Dependabot alerts",
        "no open critical or high alert on the default branch",
        "Sigstore signatures not verified here",
        "verified by GitHub evidence",
        "Verified",
    ] {
        assert!(page.contains(expected), "{expected} in the page");
    }

    // The release candidate's failed check is being re-run: the failure is kept beside it.
    let rc = app
        .page_text(None, "/acme/orbit/v/v3.2.0-rc.1")
        .await
        .replace("&#x27;", "'");
    assert!(
        rc.contains("1 of 6 checks not finished: e2e (firefox)"),
        "{rc}"
    );
    assert!(
        rc.contains("Earlier readings that said otherwise (1)"),
        "{rc}"
    );
    assert!(rc.contains("1 of 6 checks failed: e2e (firefox)"), "{rc}");
}

#[tokio::test]
async fn the_open_items_page_filters_to_items_waiting_only_on_ci() {
    let app = TestApp::with_demo().await;
    let all = app.page_text(None, "/acme/orbit/checklists").await;
    let waiting = app.page_text(None, "/acme/orbit/checklists?only=ci").await;
    assert!(waiting.contains("wait only on CI"), "{waiting}");
    assert!(waiting.contains("All tests passing"), "{waiting}");
    assert!(
        !waiting.contains("Release notes reviewed"),
        "a person's item is not CI's"
    );
    assert!(
        all.contains("Release notes reviewed") || all.contains("Announce"),
        "{all}"
    );
    let rows = |page: &str| page.matches("<tr").count();
    assert!(rows(&waiting) < rows(&all), "the filter leaves items out");
}
