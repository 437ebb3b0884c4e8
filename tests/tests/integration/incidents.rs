//! Incident notices (PRODUCT.md §4) through the REST API, the pages without JavaScript, the
//! version check, badges and the Atom feed.

use app::domain::access::Scope;
use axum::body::Body;
use http::{header, Request, StatusCode};
use releasedesk_tests::{TestApp, TestResponse};
use serde_json::{json, Value};

const INCIDENTS: &str = "/api/v1/repos/acme/orbit/incidents";

async fn token(app: &TestApp, scopes: &[Scope]) -> String {
    let repository = app::store::repositories::find(&app.pool, "acme", "orbit")
        .await
        .expect("query")
        .expect("demo");
    app::service::tokens::create_token(&app.pool, &repository, "incident-bot", scopes, "mona")
        .await
        .expect("token")
        .token
}

async fn send(
    app: &TestApp,
    method: &str,
    uri: &str,
    token: Option<&str>,
    body: Option<Value>,
) -> TestResponse {
    let mut request = Request::builder().method(method).uri(uri);
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    let body = match body {
        Some(body) => {
            request = request.header(header::CONTENT_TYPE, "application/json");
            Body::from(body.to_string())
        }
        None => Body::empty(),
    };
    app.send(request.body(body).expect("request"), None).await
}

fn new_incident() -> Value {
    json!({
        "title": "Scheduler loses jobs on restart",
        "issue": "Queued jobs vanish when the scheduler restarts.",
        "impact": "Clusters on **3.1.0 and 3.1.1**.",
        "status": "investigating",
        "severity": "critical",
        "affected": ">=3.1.0, <3.1.2",
        "workaround": "Drain before restarting.",
        "timeline": "A patch today.",
        "action": "Do not restart schedulers."
    })
}

async fn feed(app: &TestApp) -> String {
    let response = app.get("/acme/orbit/feed.atom").await;
    assert_eq!(response.status, StatusCode::OK);
    assert!(
        releasedesk_tests::header(&response, "content-type").starts_with("application/atom+xml")
    );
    response.body
}

/// The feed parsed as XML, checked against RFC 4287's required elements; returns each entry's
/// (id, title).
fn atom_entries(xml: &str) -> Vec<(String, String)> {
    let document = roxmltree::Document::parse(xml).expect("the feed is well-formed XML");
    let feed = document.root_element();
    let atom = "http://www.w3.org/2005/Atom";
    assert!(feed.has_tag_name((atom, "feed")));
    let child = |node: roxmltree::Node, name: &str| {
        node.children()
            .find(|c| c.has_tag_name((atom, name)))
            .unwrap_or_else(|| panic!("<{name}> is required"))
            .text()
            .unwrap_or_default()
            .to_owned()
    };
    for name in ["id", "title", "updated"] {
        assert!(!child(feed, name).is_empty());
    }
    let entries: Vec<(String, String)> = feed
        .children()
        .filter(|c| c.has_tag_name((atom, "entry")))
        .map(|entry| {
            let updated = child(entry, "updated");
            assert!(
                chrono::DateTime::parse_from_rfc3339(&updated).is_ok(),
                "{updated}"
            );
            (child(entry, "id"), child(entry, "title"))
        })
        .collect();
    let mut ids: Vec<&String> = entries.iter().map(|(id, _)| id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), entries.len(), "ids are unique");
    entries
}

#[tokio::test]
async fn an_incident_goes_from_draft_to_resolved_through_the_api_with_a_token() {
    let app = TestApp::with_demo().await;
    let bot = token(&app, &[Scope::Incidents]).await;

    let created = send(&app, "POST", INCIDENTS, Some(&bot), Some(new_incident())).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let incident = created.json();
    let id = incident["id"].as_i64().expect("id");
    assert_eq!(incident["published"], false);
    assert_eq!(incident["created_by"], "token incident-bot");
    let uri = format!("{INCIDENTS}/{id}");

    // A draft: nowhere for anonymous readers.
    assert_eq!(app.get(&uri).await.status, StatusCode::NOT_FOUND);
    let listed = app.get(INCIDENTS).await.json();
    assert!(listed
        .as_array()
        .expect("list")
        .iter()
        .all(|i| i["id"] != id));
    assert_eq!(
        app.get(&format!("/acme/orbit/incidents/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert!(!feed(&app).await.contains("Scheduler loses jobs"));
    let check = app
        .get("/api/v1/repos/acme/orbit/support/check?version=v3.1.1")
        .await
        .json();
    assert!(check["incidents"].as_array().expect("incidents").is_empty());

    let published = send(
        &app,
        "PATCH",
        &uri,
        Some(&bot),
        Some(json!({"published": true})),
    )
    .await;
    assert_eq!(published.status, StatusCode::OK, "{}", published.body);
    assert!(published.json()["published_at"].is_string());
    assert_eq!(app.get(&uri).await.status, StatusCode::OK);

    // Inside the range the version check lists it; outside it does not.
    let check = app
        .get("/api/v1/repos/acme/orbit/support/check?version=v3.1.1")
        .await
        .json();
    assert_eq!(check["incidents"][0]["id"], id);
    assert_eq!(check["incidents"][0]["severity"], "critical");
    let outside = app
        .get("/api/v1/repos/acme/orbit/support/check?version=v3.0.1")
        .await
        .json();
    assert!(outside["incidents"]
        .as_array()
        .expect("incidents")
        .is_empty());
    let badge = app
        .get("/api/v1/repos/acme/orbit/badge/v3.1.1")
        .await
        .json();
    assert_eq!(badge["message"], "1 open incident");
    let page = app.get("/acme/orbit/v/v3.1.1").await.body;
    assert!(
        page.contains("Known problems with this version") && page.contains("Scheduler loses jobs")
    );

    let update = json!({"status": "fix_in_progress", "message": "Found it; a patch is in review."});
    let fixing = send(
        &app,
        "POST",
        &format!("{uri}/updates"),
        Some(&bot),
        Some(update),
    )
    .await;
    assert_eq!(fixing.status, StatusCode::CREATED, "{}", fixing.body);
    assert_eq!(fixing.json()["status"], "fix_in_progress");

    let resolved = send(
        &app,
        "POST",
        &format!("{uri}/updates"),
        Some(&bot),
        Some(json!({"status": "resolved", "message": "Fixed in 3.1.2."})),
    )
    .await;
    let resolved = resolved.json();
    assert_eq!(resolved["status"], "resolved");
    assert!(resolved["resolved_at"].is_string());
    let statuses: Vec<&str> = resolved["updates"]
        .as_array()
        .expect("updates")
        .iter()
        .map(|u| u["status"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(statuses, ["investigating", "fix_in_progress", "resolved"]);

    // Every step is on the public page and in the feed; resolved, it leaves version checks.
    let page = app
        .get(&format!("/acme/orbit/incidents/{id}"))
        .await
        .body
        .replace("<!>", "");
    for text in [
        "Scheduler loses jobs on restart",
        "Found it; a patch is in review.",
        "Fixed in 3.1.2.",
        "Resolved",
    ] {
        assert!(page.contains(text), "{text}");
    }
    let entries = atom_entries(&feed(&app).await);
    let titles: Vec<&str> = entries.iter().map(|(_, t)| t.as_str()).collect();
    for title in [
        "Incident: Scheduler loses jobs on restart",
        "Investigating: Scheduler loses jobs on restart",
        "Fix in progress: Scheduler loses jobs on restart",
        "Resolved: Scheduler loses jobs on restart",
    ] {
        assert!(titles.contains(&title), "{title} in {titles:?}");
    }
    let check = app
        .get("/api/v1/repos/acme/orbit/support/check?version=v3.1.1")
        .await
        .json();
    assert!(check["incidents"].as_array().expect("incidents").is_empty());
}

#[tokio::test]
async fn mistakes_are_422_naming_each_field_and_nobody_else_may_write() {
    let app = TestApp::with_demo().await;
    let bot = token(&app, &[Scope::Incidents]).await;
    let cases = [
        (json!({"affected": ">=banana"}), "affected"),
        (json!({"affected": ""}), "affected"),
        (json!({"fixed_in": "9.9.9"}), "fixed_in"),
        (json!({"issue": "   "}), "issue"),
        (json!({"status": "done"}), "status"),
        (json!({"severity": "apocalyptic"}), "severity"),
        (json!({"title": 7}), "title"),
        (json!({"published": "yes"}), "published"),
    ];
    for (change, field) in cases {
        let mut body = new_incident();
        for (k, v) in change.as_object().expect("object") {
            body[k] = v.clone();
        }
        let response = send(&app, "POST", INCIDENTS, Some(&bot), Some(body)).await;
        assert_eq!(
            response.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{change}: {}",
            response.body
        );
        let error = response.json();
        assert_eq!(error["error"]["code"], "validation");
        assert!(
            error["error"]["fields"][field].is_string(),
            "{change}: {error}"
        );
    }
    let checklists_only = token(&app, &[Scope::Checklists]).await;
    let refused = send(
        &app,
        "POST",
        INCIDENTS,
        Some(&checklists_only),
        Some(new_incident()),
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let anonymous = send(&app, "POST", INCIDENTS, None, Some(new_incident())).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    let empty_update = send(
        &app,
        "POST",
        &format!("{INCIDENTS}/1/updates"),
        Some(&bot),
        Some(json!({"status": "resolved"})),
    )
    .await;
    assert_eq!(empty_update.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty_update.json()["error"]["fields"]["message"].is_string());
    assert_eq!(
        send(&app, "GET", &format!("{INCIDENTS}/999"), None, None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        send(&app, "GET", &format!("{INCIDENTS}/abc"), None, None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // Only the demo's own incidents exist: nothing refused was stored.
    assert_eq!(
        app.get(INCIDENTS)
            .await
            .json()
            .as_array()
            .expect("list")
            .len(),
        2
    );
}

/// The HTML without its `<script>` elements.
fn without_scripts(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        out.push_str(&rest[..start]);
        let end = rest[start..]
            .find("</script>")
            .map_or(rest.len(), |e| start + e + 9);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[tokio::test]
async fn hostile_text_is_stored_whole_and_shown_inert() {
    let app = TestApp::with_demo().await;
    let bot = token(&app, &[Scope::Incidents]).await;
    let long = format!("{} end", "long text ".repeat(1500));
    let hostile = json!({
        "title": "<script>alert('title')</script> {{7*7}}",
        "issue": "<script>alert(1)</script> <img src=x onerror=alert(2)> [x](javascript:alert(3))",
        "impact": "{{7*7}} ${7*7} {% if true %}jinja{% endif %} <%= 7*7 %>",
        "status": "investigating",
        "severity": "major",
        "affected": "3.1.1",
        "workaround": long,
        "timeline": "bell\u{7} nul\u{0} escape\u{1b}[31m tab\tend",
        "action": "<iframe src=https://evil.example></iframe><style>body{display:none}</style>",
        "published": true
    });
    let created = send(&app, "POST", INCIDENTS, Some(&bot), Some(hostile.clone())).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id = created.json()["id"].as_i64().expect("id");

    // Stored exactly as sent: nothing lost.
    let stored = app.get(&format!("{INCIDENTS}/{id}")).await.json();
    for field in [
        "title",
        "issue",
        "impact",
        "workaround",
        "timeline",
        "action",
    ] {
        assert_eq!(stored[field], hostile[field], "{field}");
    }
    // Shown inert: no script, handler, frame or style survives, and no template ran.
    let page = app.get(&format!("/acme/orbit/incidents/{id}")).await.body;
    // The page's own hydration data carries the text as JSON strings (`<` escaped); what the
    // browser renders is everything else.
    let rendered = without_scripts(&page);
    let body = &rendered[rendered.find("<main").expect("main")..];
    for bad in [
        "<script>alert",
        "onerror=",
        "href=\"javascript",
        "<iframe",
        "<style>body",
        "\u{7}",
        "\u{1b}",
    ] {
        assert!(!body.contains(bad), "{bad:?} survived");
    }
    assert!(
        body.contains("{{7*7}}") && !body.contains(">49<"),
        "template syntax is shown as text"
    );
    assert!(body.contains("{% if true %}jinja{% endif %}"));
    assert!(body.contains(" end"), "the long field is shown whole");
    assert!(
        body.contains("&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;")
            || body.contains("&lt;script&gt;alert('title')&lt;/script&gt;")
    );
    // The feed stays well-formed XML with the same text, control characters dropped.
    let entries = atom_entries(&feed(&app).await);
    assert!(entries
        .iter()
        .any(|(_, t)| t == "Incident: <script>alert('title')</script> {{7*7}}"));
    // Past the limit, a field is refused by name and nothing is stored.
    let mut too_long = hostile;
    too_long["issue"] = json!("x".repeat(20_001));
    let refused = send(&app, "POST", INCIDENTS, Some(&bot), Some(too_long)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.json()["error"]["fields"]["issue"].is_string());
}

#[tokio::test]
async fn the_feed_is_valid_atom_with_releases_withdrawals_and_stable_ids() {
    let app = TestApp::with_demo().await;
    let first = atom_entries(&feed(&app).await);
    let titles: Vec<&str> = first.iter().map(|(_, t)| t.as_str()).collect();
    assert!(titles.contains(&"Released: Orbit 3.2.0-rc.1"), "{titles:?}");
    assert!(titles.contains(&"Incident: API tokens printed in job logs"));
    assert!(titles.contains(&"Resolved: API tokens printed in job logs"));
    assert!(
        !titles
            .iter()
            .any(|t| t.contains("3.2.0 ") || t.ends_with("3.2.0")),
        "drafts stay out"
    );
    // The demo's 1.x line reached end of life long ago: both of its events are in.
    assert!(titles.contains(&"1.x reached end of life"), "{titles:?}");
    // The demo is dated relative to today, so its end-of-life date is too.
    let support = app.get("/api/v1/repos/acme/orbit/support").await.json();
    let eol = support["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .find(|line| line["line"] == "1.x")
        .and_then(|line| line["eol"].as_str())
        .expect("1.x has an end of life");
    let warning = format!("1.x reaches end of life on {eol}");
    assert!(titles.contains(&warning.as_str()), "{titles:?}");

    let id = app::store::versions::public_id(&app.pool, 1, "2.3.1")
        .await
        .expect("query")
        .expect("2.3.1");
    app::store::versions::withdraw(&app.pool, id, "Leaks tokens", Some("2.3.2"), "mona", None)
        .await
        .expect("withdrawn");
    let second = atom_entries(&feed(&app).await);
    assert!(second.iter().any(|(_, t)| t == "v2.3.1 withdrawn"));
    // Ids are stable: every entry of the first read is still there, under the same id.
    for entry in &first {
        assert!(second.contains(entry), "{entry:?}");
    }
    assert_eq!(
        app.get("/acme/nobody/feed.atom").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_form_works_without_javascript_and_keeps_what_was_typed() {
    let (app, cookie) = TestApp::demo_signed_in().await;
    let form = |affected: &'static str, published: bool| {
        let mut fields = vec![
            ("owner", "acme"),
            ("repo", "orbit"),
            ("id", "0"),
            ("title", "Upgrades stall"),
            ("issue", "Rolling upgrades stop halfway."),
            ("impact", ""),
            ("status", "investigating"),
            ("workaround", ""),
            ("timeline", ""),
            ("action", ""),
            ("severity", "minor"),
            ("affected", affected),
            ("fixed_in", ""),
        ];
        if published {
            fields.push(("published", "on"));
        }
        fields
    };
    let refused = app
        .post_form(
            &cookie,
            "/sfn/save_incident",
            "/acme/orbit/incidents",
            &form(">=3.0", false),
        )
        .await;
    assert!(refused.status.is_redirection(), "{}", refused.status);
    let shown = app.page_text(Some(&cookie), "/acme/orbit/incidents").await;
    assert!(
        shown.contains("is not a bound"),
        "the field's problem is named"
    );
    assert!(
        shown.contains("value=\"Upgrades stall\"") && shown.contains("value=\"&gt;=3.0\""),
        "what was typed is kept"
    );

    let saved = app
        .post_form(
            &cookie,
            "/sfn/save_incident",
            "/acme/orbit/incidents",
            &form(">=3.0.0, <3.0.2", false),
        )
        .await;
    assert!(saved.status.is_redirection());
    let location = releasedesk_tests::header(&saved, "location");
    assert!(location.starts_with("/acme/orbit/incidents/"), "{location}");
    let id = location.rsplit('/').next().expect("id").to_owned();
    assert!(app
        .page_text(Some(&cookie), &location)
        .await
        .contains("draft: maintainers only"));

    let update = [
        ("owner", "acme"),
        ("repo", "orbit"),
        ("id", id.as_str()),
        ("status", "fix_in_progress"),
        ("message", "Patch in review."),
    ];
    assert!(app
        .post_form(&cookie, "/sfn/add_incident_update", &location, &update)
        .await
        .status
        .is_redirection());
    let empty = [
        ("owner", "acme"),
        ("repo", "orbit"),
        ("id", id.as_str()),
        ("status", "resolved"),
        ("message", ""),
    ];
    app.post_form(&cookie, "/sfn/add_incident_update", &location, &empty)
        .await;
    let shown = app.page_text(Some(&cookie), &location).await;
    assert!(
        shown.contains("Patch in review.") && shown.contains("say what changed"),
        "{shown}"
    );

    // The draft's own button publishes it as it stands, and the notice is public from then on.
    let list = format!("/api/v1/repos/acme/orbit/incidents/{id}");
    assert_eq!(app.get(&list).await.status, http::StatusCode::NOT_FOUND);
    assert!(shown.contains("Publish the notice"), "{shown}");
    let publish = [("owner", "acme"), ("repo", "orbit"), ("id", id.as_str())];
    let published = app
        .post_form(&cookie, "/sfn/publish_incident", &location, &publish)
        .await;
    assert!(published.status.is_redirection(), "{}", published.status);
    assert_eq!(releasedesk_tests::header(&published, "location"), location);
    let public = app.get(&list).await;
    assert_eq!(public.status, http::StatusCode::OK, "{}", public.body);
    assert_eq!(public.json()["title"], "Upgrades stall");
    let shown = app.page_text(Some(&cookie), &location).await;
    assert!(!shown.contains("Publish the notice") && !shown.contains("draft: maintainers only"));
}

#[tokio::test]
async fn a_released_fix_is_offered_as_the_resolution_and_backports_are_tracked() {
    let (app, cookie) = TestApp::demo_signed_in().await;
    let bot = token(&app, &[Scope::Incidents]).await;
    let mut body = new_incident();
    body["affected"] = json!(">=2.3.0, <3.1.1");
    body["status"] = json!("fix_in_progress");
    body["fixed_in"] = json!("v3.1.1");
    body["published"] = json!(true);
    let created = send(&app, "POST", INCIDENTS, Some(&bot), Some(body)).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    assert_eq!(created.json()["fixed_in"], "3.1.1");
    let id = created.json()["id"].as_i64().expect("id");
    let path = format!("/acme/orbit/incidents/{id}");

    let shown = app.page_text(Some(&cookie), &path).await;
    assert!(shown.contains("3.1.1 is out."), "the fix is out: resolve");
    assert!(
        shown.contains("<option value=\"resolved\" selected"),
        "resolving is offered"
    );
    assert!(shown.contains("Fixed in 3.1.1."));
    assert!(
        shown.contains("2.x</span>: <strong>still needs a patched release"),
        "{shown}"
    );

    // A release on 2.x after the incident opened is its backport.
    let repo = app::store::repositories::find(&app.pool, "acme", "orbit")
        .await
        .expect("query")
        .expect("demo");
    let mut tx = app.pool.begin().await.expect("transaction");
    let version = app::store::versions::upsert(&mut *tx, &repo, "v2.3.3")
        .await
        .expect("version");
    let sha = "b".repeat(40);
    let tag = app::store::versions::GitTag {
        commit_sha: &sha,
        tag_object_sha: None,
        tagged_at: Some(chrono::Utc::now()),
    };
    app::store::versions::upsert_tag(&mut *tx, version, &tag)
        .await
        .expect("tag");
    tx.commit().await.expect("commit");
    let shown = app.page_text(Some(&cookie), &path).await;
    assert!(
        shown.contains("patched in <a href=\"/acme/orbit/v/2.3.3\">2.3.3</a>"),
        "{shown}"
    );
}

#[tokio::test]
async fn the_support_pages_version_check_lists_open_incidents() {
    let app = TestApp::with_demo().await;
    let affected = app
        .get("/acme/orbit/support?version=v3.2.0-rc.1")
        .await
        .body;
    assert!(
        affected.contains("href=\"incidents/2\">Memory grows with every metrics scrape</a>"),
        "{affected}"
    );
    let unaffected = app.get("/acme/orbit/support?version=v3.1.1").await.body;
    assert!(!unaffected.contains("Open incidents that affect this version"));
}

#[tokio::test]
async fn resolved_incidents_stay_on_the_versions_they_hit_with_their_fix() {
    let app = TestApp::with_demo().await;
    for version in ["v2.3.0", "v2.3.1"] {
        let page = app
            .page_text(None, &format!("/acme/orbit/v/{version}"))
            .await;
        let past = &page[page
            .find("Fixed problems that affect this version")
            .unwrap_or_else(|| panic!("{version} shows its past incident"))..];
        assert!(past.contains("Affected by"), "{version}");
        assert!(past.contains("API tokens printed in job logs"));
        assert!(
            past.contains("fixed in <a href=\"/acme/orbit/v/2.3.2\">2.3.2</a>"),
            "{past}"
        );
        assert!(
            !page.contains("Known problems with this version"),
            "nothing open affects {version}"
        );
        let check = app
            .get(&format!(
                "/api/v1/repos/acme/orbit/support/check?version={version}"
            ))
            .await
            .json();
        assert_eq!(check["incidents"], json!([]));
        assert_eq!(
            check["past_incidents"][0]["title"],
            "API tokens printed in job logs"
        );
        assert_eq!(check["past_incidents"][0]["fixed_in"], "2.3.2");
    }
    // The fix itself was never hit.
    let fixed = app.page_text(None, "/acme/orbit/v/v2.3.2").await;
    assert!(!fixed.contains("Fixed problems that affect this version"));
    let check = app
        .get("/api/v1/repos/acme/orbit/support/check?version=v2.3.2")
        .await
        .json();
    assert_eq!(check["past_incidents"], json!([]));
    // The badge speaks of open problems only; the support phase says whether to upgrade.
    let badge = app
        .get("/api/v1/repos/acme/orbit/badge/v2.3.1")
        .await
        .json();
    assert!(
        !badge["message"]
            .as_str()
            .unwrap_or_default()
            .contains("incident"),
        "{badge}"
    );
}
