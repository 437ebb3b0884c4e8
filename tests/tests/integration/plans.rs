//! Planned releases against the fake GitHub, through the real octocrab client: a plan's
//! checklist survives its tag, the gate's commit status follows the checklist, publishing makes
//! exactly one release, GitHub's refusals change nothing, mirrored withdrawals round-trip, and
//! the next version follows Conventional Commits.

use app::{domain::access::Scope, store};
use axum::body::Body;
use hmac::{Hmac, Mac};
use http::{Request, StatusCode};
use releasedesk::sync::sync_repository;
use releasedesk_tests::{
    eventually,
    fake_github::{self, release, writes::FakeCommit, FakeGitHub, FakeRepo, FakeTag, Fault},
    send, TestApp, TestResponse, WEBHOOK_SECRET,
};
use serde_json::{json, Value};
use sha2::Sha256;

const BRANCH_HEAD: &str = "2222222222222222222222222222222222222222";
const TAG_SHA: &str = "3333333333333333333333333333333333333333";

struct World {
    fake: FakeGitHub,
    app: TestApp,
    /// A token with the `releases` and `checklists` scopes.
    token: String,
}

/// acme/orbit with v2.4.0 released on GitHub, synced.
async fn world() -> World {
    let fake = FakeGitHub::start().await;
    let date = "2026-11-01T10:00:00Z";
    fake.put_repo(
        "acme/orbit",
        FakeRepo {
            releases: vec![release(1, "v2.4.0", false, false, Some(date))],
            tags: vec![FakeTag {
                name: "v2.4.0".to_owned(),
                commit_sha: "1111111111111111111111111111111111111111".to_owned(),
                commit_date: date.to_owned(),
                annotated: None,
            }],
            ..FakeRepo::default()
        },
    );
    let app = TestApp::with_github(&fake).await;
    let repo = app.track("acme", "orbit").await;
    sync(&app, &fake, &repo).await;
    let token = app
        .token("acme", "orbit", &[Scope::Checklists, Scope::Releases])
        .await;
    World { fake, app, token }
}

async fn sync(app: &TestApp, fake: &FakeGitHub, repo: &store::repositories::Repository) {
    let quiet = |_: &str| {};
    sync_repository(&app.pool, &fake_github::fetcher(fake), repo, "cli", &quiet)
        .await
        .expect("sync");
}

impl World {
    async fn call(&self, method: &str, uri: &str, body: &Value) -> TestResponse {
        self.app
            .send_json(method, uri, Some(&self.token), body)
            .await
    }

    async fn plan(&self, version: &str) -> TestResponse {
        self.call(
            "POST",
            "/api/v1/repos/acme/orbit/plans",
            &json!({"version": version, "target_date": "2026-12-24", "notes": "### Added\n- Priorities\n"}),
        )
        .await
    }

    async fn checklist(&self, version: &str) -> Value {
        let answer = self
            .app
            .get(&format!(
                "/api/v1/repos/acme/orbit/versions/{version}/checklist"
            ))
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        answer.json()
    }

    /// The ids of the checklist's items in sections before "Release".
    async fn pre_release_items(&self, version: &str) -> Vec<i64> {
        let checklist = self.checklist(version).await;
        let mut ids = Vec::new();
        for section in checklist["sections"].as_array().expect("sections") {
            if section["title"] == "Release" {
                break;
            }
            for item in section["items"].as_array().expect("items") {
                ids.push(item["id"].as_i64().expect("id"));
            }
        }
        ids
    }

    async fn tick(&self, version: &str, item: i64) {
        let answer = self
            .call(
                "PATCH",
                &format!("/api/v1/repos/acme/orbit/versions/{version}/checklist/items/{item}"),
                &json!({"state": "done"}),
            )
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    }

    /// A signed `push` delivery, GitHub's own example moved to acme/orbit and `git_ref`.
    async fn push(&self, git_ref: &str, after: &str, delivery: &str) -> TestResponse {
        let mut payload = push_example();
        payload["ref"] = git_ref.into();
        payload["after"] = after.into();
        payload["deleted"] = false.into();
        payload["repository"]["name"] = "orbit".into();
        payload["repository"]["owner"]["login"] = "acme".into();
        payload["repository"]["full_name"] = "acme/orbit".into();
        let body = payload.to_string().into_bytes();
        let mut mac = Hmac::<Sha256>::new_from_slice(WEBHOOK_SECRET.as_bytes()).expect("key");
        mac.update(&body);
        let signature = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
        let request = Request::post("/webhooks/github")
            .header("content-type", "application/json")
            .header("x-github-event", "push")
            .header("x-github-delivery", delivery)
            .header("x-hub-signature-256", signature)
            .body(Body::from(body))
            .expect("request");
        send(&self.app.router, request).await
    }

    async fn checklists_of(&self, version: &str) -> i64 {
        sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM checklists c JOIN versions v ON v.id = c.version_id
             WHERE v.version = ?",
        )
        .bind(version)
        .fetch_one(&self.app.pool)
        .await
        .expect("count")
    }
}

/// GitHub's documented `push` example (npm `@octokit/webhooks-examples`).
fn push_example() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../end2end/node_modules/@octokit/webhooks-examples/api.github.com/index.json"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|err| {
        panic!("{path}: {err}; run `make setup` to install the npm packages")
    });
    let all: Vec<Value> = serde_json::from_str(&text).expect("examples are JSON");
    all.into_iter()
        .find(|entry| entry["name"] == "push")
        .and_then(|entry| entry["examples"].as_array()?.first().cloned())
        .expect("a push example")
}

#[tokio::test]
async fn a_plans_checklist_becomes_its_versions_when_the_tag_is_pushed() {
    let world = world().await;
    let planned = world.plan("v2.5.0").await;
    assert_eq!(planned.status, StatusCode::CREATED, "{}", planned.body);
    let plan = planned.json();
    assert_eq!(plan["version"], "2.5.0");
    assert_eq!(plan["branch"], "release/v2.5.0");
    assert_eq!(plan["state"], "planned");
    assert!(plan["pre_release_total"].as_u64().expect("total") > 0);
    // Not a public version yet, but its checklist is there.
    assert_eq!(
        world
            .app
            .get("/api/v1/repos/acme/orbit/versions/2.5.0")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let items = world.pre_release_items("2.5.0").await;
    world.tick("2.5.0", items[0]).await;

    let pushed = world
        .push(
            "refs/tags/v2.5.0",
            TAG_SHA,
            "11111111-aaaa-bbbb-cccc-000000000001",
        )
        .await;
    assert_eq!(pushed.status, StatusCode::OK, "{}", pushed.body);

    assert_eq!(
        world
            .app
            .get("/api/v1/repos/acme/orbit/versions/2.5.0")
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(world.checklists_of("2.5.0").await, 1, "no second checklist");
    let after = world.pre_release_items("2.5.0").await;
    assert_eq!(after, items, "the same items");
    let checklist = world.checklist("2.5.0").await;
    let first = checklist["sections"][0]["items"][0].clone();
    assert_eq!(first["state"], "done");
    assert_eq!(
        world
            .call("GET", "/api/v1/repos/acme/orbit/plans/2.5.0", &json!({}))
            .await
            .json()["state"],
        "tagged"
    );
}

#[tokio::test]
async fn plans_are_refused_field_by_field() {
    let world = world().await;
    for (body, field) in [
        (
            json!({"version": "2.4.0", "target_date": "2026-12-24"}),
            "version",
        ),
        (
            json!({"version": "2.3.9", "target_date": "2026-12-24"}),
            "version",
        ),
        (
            json!({"version": "two", "target_date": "2026-12-24"}),
            "version",
        ),
        (
            json!({"version": "2.5.0", "target_date": "24.12.2026"}),
            "target_date",
        ),
        (
            json!({"version": "2.5.0", "target_date": "2026-12-24", "branch": "a..b"}),
            "branch",
        ),
    ] {
        let answer = world
            .call("POST", "/api/v1/repos/acme/orbit/plans", &body)
            .await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(
            answer.json()["error"]["fields"][field].is_string(),
            "{}",
            answer.body
        );
    }
    assert_eq!(world.plan("2.5.0").await.status, StatusCode::CREATED);
    let again = world.plan("2.5.0").await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Without the scope, or without a token.
    let other = world.app.token("acme", "orbit", &[Scope::Incidents]).await;
    let refused = world
        .app
        .send_json(
            "POST",
            "/api/v1/repos/acme/orbit/plans",
            Some(&other),
            &json!({"version": "2.6.0", "target_date": "2026-12-24"}),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    // A dropped plan's version may be planned again, keeping its checklist.
    let dropped = world
        .call("DELETE", "/api/v1/repos/acme/orbit/plans/2.5.0", &json!({}))
        .await;
    assert_eq!(dropped.status, StatusCode::NO_CONTENT);
    assert_eq!(
        world.app.get("/api/v1/repos/acme/orbit/plans").await.json(),
        json!([])
    );
    assert_eq!(world.plan("2.5.0").await.status, StatusCode::CREATED);
    assert_eq!(world.checklists_of("2.5.0").await, 1);

    // Two plans cannot share a branch: each would overwrite the other's gate.
    let shared = world
        .call(
            "POST",
            "/api/v1/repos/acme/orbit/plans",
            &json!({"version": "2.6.0", "target_date": "2026-12-24", "branch": "release/v2.5.0"}),
        )
        .await;
    assert_eq!(shared.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(shared.json()["error"]["fields"]["branch"]
        .as_str()
        .is_some_and(|p| p.contains("v2.5.0")));

    // Two plans of one version at once: one is made, the other is refused.
    let body = json!({"version": "2.7.0", "target_date": "2026-12-24"});
    let (first, second) = tokio::join!(
        world.call("POST", "/api/v1/repos/acme/orbit/plans", &body),
        world.call("POST", "/api/v1/repos/acme/orbit/plans", &body)
    );
    let mut statuses = [first.status, second.status];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::CREATED, StatusCode::UNPROCESSABLE_ENTITY]
    );
    assert_eq!(world.checklists_of("2.7.0").await, 1);
}

#[tokio::test]
async fn the_gate_goes_from_pending_to_success_as_items_are_ticked() {
    let world = world().await;
    world
        .fake
        .put_branch("acme/orbit", "release/v2.5.0", BRANCH_HEAD);
    assert_eq!(world.plan("2.5.0").await.status, StatusCode::CREATED);
    let items = world.pre_release_items("2.5.0").await;
    let total = items.len();
    let statuses = || world.fake.statuses("acme/orbit");
    assert!(eventually(async || statuses().len() == 1).await);
    let first = &statuses()[0];
    assert_eq!(first["sha"], BRANCH_HEAD);
    assert_eq!(first["state"], "pending");
    assert_eq!(first["context"], "releasedesk/checklist");
    assert_eq!(
        first["description"],
        format!("{total} of {total} pre-release items open")
    );
    assert!(first["target_url"]
        .as_str()
        .is_some_and(|url| url.ends_with("/acme/orbit/plans/2.5.0")));

    for &item in &items {
        world.tick("2.5.0", item).await;
    }
    // Counting and writing go one refresh at a time, so once the last status says success
    // nothing older follows it.
    assert!(eventually(async || statuses().last().is_some_and(|s| s["state"] == "success")).await);
    let written = statuses();
    // Never the same status twice in a row: each is one change.
    for pair in written.windows(2) {
        assert_ne!(
            (&pair[0]["state"], &pair[0]["description"]),
            (&pair[1]["state"], &pair[1]["description"])
        );
    }
    assert!(written.len() <= total + 1, "{} statuses", written.len());
    assert_eq!(
        written.last().expect("one")["description"],
        format!("All {total} pre-release items done")
    );

    // A push to the branch puts the gate on its new head, once.
    let moved = "4444444444444444444444444444444444444444";
    let pushed = world
        .push(
            "refs/heads/release/v2.5.0",
            moved,
            "11111111-aaaa-bbbb-cccc-000000000002",
        )
        .await;
    assert_eq!(pushed.status, StatusCode::OK, "{}", pushed.body);
    let again = world
        .push(
            "refs/heads/release/v2.5.0",
            moved,
            "11111111-aaaa-bbbb-cccc-000000000003",
        )
        .await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    let on_new_head: Vec<_> = statuses()
        .into_iter()
        .filter(|s| s["sha"] == moved)
        .collect();
    assert_eq!(on_new_head.len(), 1);
    assert_eq!(on_new_head[0]["state"], "success");
}

/// Plans 2.5.0 and pushes its tag.
async fn tagged(world: &World) {
    assert_eq!(world.plan("2.5.0").await.status, StatusCode::CREATED);
    let pushed = world
        .push(
            "refs/tags/v2.5.0",
            TAG_SHA,
            "11111111-aaaa-bbbb-cccc-000000000009",
        )
        .await;
    assert_eq!(pushed.status, StatusCode::OK, "{}", pushed.body);
}

#[tokio::test]
async fn publish_needs_the_pre_release_items_or_a_reason_and_makes_one_release() {
    let world = world().await;
    tagged(&world).await;
    let publish = "/api/v1/repos/acme/orbit/versions/2.5.0/publish";
    let open = world.call("POST", publish, &json!({})).await;
    assert_eq!(open.status, StatusCode::CONFLICT, "{}", open.body);
    assert!(world.fake.release_by_tag("acme/orbit", "v2.5.0").is_none());

    for item in world.pre_release_items("2.5.0").await {
        world.tick("2.5.0", item).await;
    }
    let empty = json!({});
    let (first, second) = tokio::join!(
        world.call("POST", publish, &empty),
        world.call("POST", publish, &empty)
    );
    let mut statuses = [first.status, second.status];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::OK, StatusCode::CREATED],
        "{} / {}",
        first.body,
        second.body
    );
    assert_eq!(world.fake.releases_made("acme/orbit").len(), 1);
    let made = world
        .fake
        .release_by_tag("acme/orbit", "v2.5.0")
        .expect("published");
    assert_eq!(made["prerelease"], false);
    assert_eq!(made["body"], "### Added\n- Priorities");
    assert_eq!(
        world.fake.releases_made("acme/orbit"),
        [("v2.5.0".to_owned(), "true".to_owned())]
    );
    // Release Desk shows it at once, and a third publish finds it.
    let version = world
        .app
        .get("/api/v1/repos/acme/orbit/versions/2.5.0")
        .await
        .json();
    assert!(
        version.to_string().contains("releases/tag/v2.5.0"),
        "{version}"
    );
    assert_eq!(
        world.call("POST", publish, &json!({})).await.status,
        StatusCode::OK
    );
    assert_eq!(world.fake.releases_made("acme/orbit").len(), 1);
}

#[tokio::test]
async fn a_reason_publishes_with_open_items_and_a_candidate_is_not_latest() {
    let world = world().await;
    tagged(&world).await;
    let answer = world
        .call(
            "POST",
            "/api/v1/repos/acme/orbit/versions/2.5.0/publish",
            &json!({"reason": "security fix, the docs follow"}),
        )
        .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{}", answer.body);
    let writes: Vec<String> =
        sqlx::query_scalar("SELECT detail FROM github_writes WHERE action = 'publish'")
            .fetch_all(&world.app.pool)
            .await
            .expect("writes");
    assert!(
        writes[0].contains("published anyway: security fix, the docs follow"),
        "{writes:?}"
    );

    // A release candidate is published as a pre-release, never as latest.
    assert_eq!(world.plan("3.0.0-rc.1").await.status, StatusCode::CREATED);
    world
        .push(
            "refs/tags/v3.0.0-rc.1",
            TAG_SHA,
            "11111111-aaaa-bbbb-cccc-00000000000a",
        )
        .await;
    let candidate = world
        .call(
            "POST",
            "/api/v1/repos/acme/orbit/versions/3.0.0-rc.1/publish",
            &json!({"reason": "try it"}),
        )
        .await;
    assert_eq!(candidate.status, StatusCode::CREATED, "{}", candidate.body);
    assert_eq!(candidate.json()["prerelease"], true);
    assert_eq!(
        world.fake.releases_made("acme/orbit")[1],
        ("v3.0.0-rc.1".to_owned(), "false".to_owned())
    );
}

#[tokio::test]
async fn github_refusing_a_publish_changes_nothing_and_names_the_permission() {
    let world = world().await;
    tagged(&world).await;
    world.fake.inject("/releases", Fault::Status(403));
    world.fake.inject("/releases", Fault::Status(403));
    let answer = world
        .call(
            "POST",
            "/api/v1/repos/acme/orbit/versions/2.5.0/publish",
            &json!({"reason": "now"}),
        )
        .await;
    assert_eq!(answer.status, StatusCode::BAD_GATEWAY, "{}", answer.body);
    let message = answer.json()["error"]["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        message.contains("403") && message.contains("Contents:"),
        "{message}"
    );
    assert!(world.fake.release_by_tag("acme/orbit", "v2.5.0").is_none());
    let stored: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM releases r JOIN versions v ON v.id = r.version_id WHERE v.version = '2.5.0'",
    )
    .fetch_one(&world.app.pool)
    .await
    .expect("count");
    assert_eq!(stored, 0);
}

#[tokio::test]
async fn a_publish_before_the_tag_is_refused() {
    let world = world().await;
    assert_eq!(world.plan("2.5.0").await.status, StatusCode::CREATED);
    let answer = world
        .call(
            "POST",
            "/api/v1/repos/acme/orbit/versions/2.5.0/publish",
            &json!({"reason": "x"}),
        )
        .await;
    assert_eq!(answer.status, StatusCode::CONFLICT, "{}", answer.body);
    assert!(answer.body.contains("not on GitHub yet"));
}

#[tokio::test]
async fn a_mirrored_withdrawal_round_trips_the_release_byte_for_byte() {
    let world = world().await;
    let original_body = "Fixes \r\n- a crash\n\n```\ncode  \n```";
    world.fake.edit_repo("acme/orbit", |repo| {
        repo.releases[0]["body"] = original_body.into();
    });
    sqlx::query("UPDATE repositories SET mirror_withdrawals = 1")
        .execute(&world.app.pool)
        .await
        .expect("setting");
    let repo = store::repositories::find(&world.app.pool, "acme", "orbit")
        .await
        .expect("query")
        .expect("repo");
    let host = fake_github::host(&world.fake);
    app::service::versions::withdraw_version(
        &world.app.pool,
        &host,
        &Default::default(),
        &repo,
        "2.4.0",
        "Loses jobs",
        None,
        "mona",
    )
    .await
    .expect("withdrawn");
    let mirrored = world
        .fake
        .release_by_tag("acme/orbit", "v2.4.0")
        .expect("release");
    assert_eq!(mirrored["prerelease"], true);
    let body = mirrored["body"].as_str().expect("body");
    assert!(
        body.starts_with("> [!WARNING]\n> **This release is withdrawn.**\n> Loses jobs"),
        "{body}"
    );
    assert!(body.ends_with(original_body));
    // Synced, the pre-release flag of a mirrored withdrawal is not drift.
    sync(&world.app, &world.fake, &repo).await;
    let drift = store::versions::drift(&world.app.pool, repo.id, 20)
        .await
        .expect("drift");
    assert!(drift.findings.is_empty(), "{:?}", drift.findings);

    // Withdrawn again with another reason: one warning, over the notes as they first were.
    app::service::versions::withdraw_version(
        &world.app.pool,
        &host,
        &Default::default(),
        &repo,
        "2.4.0",
        "Leaks tokens",
        None,
        "mona",
    )
    .await
    .expect("withdrawn again");
    let again = world
        .fake
        .release_by_tag("acme/orbit", "v2.4.0")
        .expect("release");
    let body = again["body"].as_str().expect("body");
    assert_eq!(body.matches("[!WARNING]").count(), 1, "{body}");
    assert!(
        body.contains("Leaks tokens") && !body.contains("Loses jobs"),
        "{body}"
    );
    assert!(body.ends_with(original_body));

    app::service::versions::restore_version(&world.app.pool, &host, &repo, "2.4.0", "mona")
        .await
        .expect("restored");
    let restored = world
        .fake
        .release_by_tag("acme/orbit", "v2.4.0")
        .expect("release");
    assert_eq!(restored["prerelease"], false);
    assert_eq!(restored["body"], original_body);

    // A release deleted on GitHub meanwhile does not keep a version withdrawn.
    app::service::versions::withdraw_version(
        &world.app.pool,
        &host,
        &Default::default(),
        &repo,
        "2.4.0",
        "Loses jobs",
        None,
        "mona",
    )
    .await
    .expect("withdrawn");
    world
        .fake
        .edit_repo("acme/orbit", |repo| repo.releases.clear());
    app::service::versions::restore_version(&world.app.pool, &host, &repo, "2.4.0", "mona")
        .await
        .expect("restored without the release");
}

#[tokio::test]
async fn a_refused_mirror_withdraws_nothing() {
    let world = world().await;
    sqlx::query("UPDATE repositories SET mirror_withdrawals = 1")
        .execute(&world.app.pool)
        .await
        .expect("setting");
    let repo = store::repositories::find(&world.app.pool, "acme", "orbit")
        .await
        .expect("query")
        .expect("repo");
    let host = fake_github::host(&world.fake);
    world.fake.inject("/releases/1", Fault::Status(403));
    let refused = app::service::versions::withdraw_version(
        &world.app.pool,
        &host,
        &Default::default(),
        &repo,
        "2.4.0",
        "Loses jobs",
        None,
        "mona",
    )
    .await;
    let message = refused.expect_err("refused").to_string();
    assert!(message.contains("Contents: write"), "{message}");
    let version = world
        .app
        .get("/api/v1/repos/acme/orbit/versions/2.4.0")
        .await
        .json();
    assert!(version["withdrawal"].is_null(), "{version}");
}

#[tokio::test]
async fn the_next_version_follows_conventional_commits() {
    let world = world().await;
    let commits = |messages: &[&str]| {
        messages
            .iter()
            .enumerate()
            .map(|(i, m)| FakeCommit::new(&format!("{i:040}"), m))
            .collect::<Vec<_>>()
    };
    world.fake.put_compare(
        "acme/orbit",
        "v2.4.0...main",
        commits(&["fix: a crash", "feat: priorities", "chore: tidy"]),
    );
    let next = world
        .call("GET", "/api/v1/repos/acme/orbit/next-version", &json!({}))
        .await;
    assert_eq!(next.status, StatusCode::OK, "{}", next.body);
    let next = next.json();
    assert_eq!(next["base"], "v2.4.0");
    assert_eq!(next["suggested"], "2.5.0");
    assert_eq!(next["bump"], "minor");
    assert_eq!(next["commits"], 3);
    assert_eq!(next["reasons"].as_array().expect("reasons").len(), 2);
    assert_eq!(next["skipped"], json!([]));

    world.fake.put_compare(
        "acme/orbit",
        "v2.4.0...release/next",
        commits(&[
            "feat!: drop v1 jobs",
            "fix: y\n\nBREAKING CHANGE: config moves",
        ]),
    );
    let major = world
        .call(
            "GET",
            "/api/v1/repos/acme/orbit/next-version?branch=release/next&channel=rc",
            &json!({}),
        )
        .await
        .json();
    assert_eq!(major["suggested"], "3.0.0-rc.1");
    assert_eq!(major["bump"], "major");

    // A version planned already is passed over, and named.
    assert_eq!(world.plan("2.5.0").await.status, StatusCode::CREATED);
    let after_plan = world
        .call("GET", "/api/v1/repos/acme/orbit/next-version", &json!({}))
        .await
        .json();
    assert_eq!(after_plan["suggested"], "2.5.1");
    assert_eq!(after_plan["skipped"], json!(["2.5.0"]));

    let unknown = world
        .call(
            "GET",
            "/api/v1/repos/acme/orbit/next-version?channel=nightly",
            &json!({}),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn on_0_x_a_breaking_change_moves_the_minor() {
    let fake = FakeGitHub::start().await;
    let date = "2026-11-01T10:00:00Z";
    fake.put_repo(
        "acme/zero",
        FakeRepo {
            releases: vec![release(1, "v0.3.1", false, false, Some(date))],
            ..FakeRepo::default()
        },
    );
    let app = TestApp::with_github(&fake).await;
    let repo = app.track("acme", "zero").await;
    sync(&app, &fake, &repo).await;
    let token = app.token("acme", "zero", &[Scope::Releases]).await;
    fake.put_compare(
        "acme/zero",
        "v0.3.1...main",
        vec![FakeCommit::new("a", "feat(api)!: rename jobs")],
    );
    let next = app
        .send_json(
            "GET",
            "/api/v1/repos/acme/zero/next-version",
            Some(&token),
            &json!({}),
        )
        .await
        .json();
    assert_eq!(next["suggested"], "0.4.0", "{next}");
    fake.put_compare(
        "acme/zero",
        "v0.3.1...main",
        vec![FakeCommit::new("b", "feat: more")],
    );
    let next = app
        .send_json(
            "GET",
            "/api/v1/repos/acme/zero/next-version",
            Some(&token),
            &json!({}),
        )
        .await
        .json();
    assert_eq!(next["suggested"], "0.3.2", "{next}");
}

#[tokio::test]
async fn a_trains_page_shows_its_stages_soak_build_and_incidents() {
    let app = TestApp::with_demo().await;
    let page = app.get("/acme/orbit/trains/3.0.0").await;
    assert_eq!(page.status, StatusCode::OK);
    for stage in ["v3.0.0-alpha.1", "v3.0.0-beta.2", "v3.0.0-rc.2", "v3.0.0"] {
        assert!(page.body.contains(stage), "{stage}");
    }
    // The demo's 3.0.0 ships rc.2's files; rc.1 soaked ten days before rc.2.
    assert!(
        page.body
            .contains("v3.0.0 ships the very files of v3.0.0-rc.2"),
        "{}",
        page.body
    );
    assert!(page.body.contains("10 days"));
    // The train of a release candidate still soaking, and a tag of it names it too.
    let soaking = app.get("/acme/orbit/trains/v3.2.0-rc.1").await;
    assert_eq!(soaking.status, StatusCode::OK);
    assert!(soaking.body.contains("still soaking"));
    assert!(soaking.body.contains("No stable release yet."));
    assert_eq!(
        app.get("/acme/orbit/trains/9.9.9").await.status,
        StatusCode::NOT_FOUND
    );
    // Every version page links its train.
    let version = app.get("/acme/orbit/v/v3.0.0-rc.1").await;
    assert!(version.body.contains("/acme/orbit/trains/3.0.0"));
}

#[tokio::test]
async fn the_plans_pages_work_without_javascript() {
    let app = TestApp::with_demo().await;
    let plans = app.get("/acme/orbit/plans").await;
    assert_eq!(plans.status, StatusCode::OK);
    assert!(plans.body.contains("v3.5.0"));
    assert!(plans.body.contains("release/v3.5.0"));
    let plan = app.get("/acme/orbit/plans/3.5.0").await;
    assert_eq!(plan.status, StatusCode::OK);
    assert!(
        plan.body.contains("pre-release items open"),
        "{}",
        plan.body
    );
    // Its checklist is on the page, part-way done.
    assert!(plan.body.contains("checklist"));
    let history = app.get("/acme/orbit").await;
    assert!(history.body.contains("/acme/orbit/plans/3.5.0"));
    assert!(history.body.contains("planned for"));
    let support = app.get("/acme/orbit/support").await;
    assert!(support.body.contains("v3.5.0 planned for"));
    assert_eq!(
        app.get("/acme/orbit/plans/9.9.9").await.status,
        StatusCode::NOT_FOUND
    );
}
