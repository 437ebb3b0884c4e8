//! Evidence read from the fake GitHub (GitHub's own example payloads), through the real
//! octocrab client: what ticks, what does not, and what is kept.

use std::time::Duration;

use app::{
    domain::checklist::ItemState,
    store::{self, repositories::Repository},
};
use chrono::{SecondsFormat, Utc};
use releasedesk::{
    evidence::{refresh_repository, Refreshed},
    sync::sync_repository,
};
use releasedesk_tests::{
    eventually,
    fake_github::{
        evidence::{
            attestation, check_run, code_scanning_alert, commit_status, dependabot_alert,
            workflow_run, SLSA_PROVENANCE, SPDX_SBOM,
        },
        release, FakeGitHub, FakeRepo, FakeTag,
    },
    TestApp,
};
use serde_json::{json, Value};

const REPO: &str = "acme/widget";
const SHA: &str = "1111111111111111111111111111111111111111";
const TARBALL: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const SUMS: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

/// Version 1.4.0 of acme/widget, released yesterday with a tarball and its checksums, and CI
/// that went green: two check runs, a coverage status, a workflow, no alerts, provenance for
/// both files and an SBOM for the tarball.
fn widget() -> FakeRepo {
    let yesterday =
        (Utc::now() - chrono::Duration::days(1)).to_rfc3339_opts(SecondsFormat::Secs, true);
    let mut published = release(1, "v1.4.0", false, false, Some(&yesterday));
    let asset = |name: &str, hex: &str| {
        json!({
            "name": name, "size": 1024, "content_type": "application/gzip",
            "browser_download_url": format!("https://github.com/{REPO}/releases/download/v1.4.0/{name}"),
            "download_count": 3, "digest": format!("sha256:{hex}"),
        })
    };
    published["assets"] = json!([
        asset("widget-linux.tar.gz", TARBALL),
        asset("SHA256SUMS", SUMS)
    ]);
    let mut repo = FakeRepo {
        releases: vec![published],
        tags: vec![FakeTag {
            name: "v1.4.0".to_owned(),
            commit_sha: SHA.to_owned(),
            commit_date: yesterday.clone(),
            annotated: None,
        }],
        ..FakeRepo::default()
    };
    let evidence = &mut repo.evidence;
    evidence.check_runs = vec![
        check_run(11, "test", SHA, Some("success")),
        check_run(12, "lint", SHA, Some("success")),
    ];
    evidence.statuses.insert(
        SHA.to_owned(),
        vec![commit_status("coverage", "success", "Coverage 91.5%")],
    );
    evidence.workflow_runs = vec![workflow_run(21, 7, "CI", SHA, 1, Some("success"))];
    evidence.code_scanning = vec![code_scanning_alert(4, "refs/tags/v1.4.0", "low")];
    evidence.attestations.insert(
        format!("sha256:{TARBALL}"),
        vec![
            attestation(TARBALL, SLSA_PROVENANCE),
            attestation(TARBALL, SPDX_SBOM),
        ],
    );
    evidence.attestations.insert(
        format!("sha256:{SUMS}"),
        vec![attestation(SUMS, SLSA_PROVENANCE)],
    );
    repo
}

struct World {
    fake: FakeGitHub,
    app: TestApp,
    repo: Repository,
}

async fn world(repo: FakeRepo) -> World {
    let fake = FakeGitHub::start().await;
    fake.put_repo(REPO, repo);
    let app = TestApp::new().await;
    let new = store::repositories::NewRepository {
        owner: "acme",
        name: "widget",
        description: "",
        tag_prefix: "v",
    };
    store::repositories::upsert(&app.pool, &new)
        .await
        .expect("tracked");
    let repo = store::repositories::find(&app.pool, "acme", "widget")
        .await
        .expect("query")
        .expect("found");
    sync_repository(
        &app.pool,
        &releasedesk_tests::fake_github::fetcher(&fake),
        &repo,
        "cli",
        &|_: &str| {},
    )
    .await
    .expect("sync");
    World { fake, app, repo }
}

impl World {
    async fn refresh(&self) -> Refreshed {
        refresh_repository(
            &self.app.pool,
            &releasedesk_tests::fake_github::fetcher(&self.fake),
            &self.repo,
            "https://github.com",
            None,
        )
        .await
        .expect("evidence refreshes")
    }

    async fn checklist(&self) -> Value {
        let response = self
            .app
            .get(&format!("/api/v1/repos/{REPO}/versions/1.4.0/checklist"))
            .await;
        assert_eq!(response.status, 200, "{}", response.body);
        response.json()
    }

    async fn item(&self, text: &str) -> Value {
        let checklist = self.checklist().await;
        checklist["sections"]
            .as_array()
            .expect("sections")
            .iter()
            .flat_map(|s| s["items"].as_array().cloned().unwrap_or_default())
            .find(|i| i["text"] == text)
            .unwrap_or_else(|| panic!("no item '{text}'"))
    }

    async fn evidence(&self) -> Value {
        let response = self
            .app
            .get(&format!("/api/v1/repos/{REPO}/versions/1.4.0/evidence"))
            .await;
        assert_eq!(response.status, 200, "{}", response.body);
        response.json()
    }

    async fn source(&self, kind: &str) -> Value {
        let evidence = self.evidence().await;
        evidence["sources"]
            .as_array()
            .expect("sources")
            .iter()
            .find(|s| s["kind"] == kind)
            .cloned()
            .unwrap_or_else(|| panic!("no source {kind}: {evidence}"))
    }

    /// A person sets the item, as the checklist page would.
    async fn person_sets(&self, text: &str, state: ItemState) {
        let item = self.item(text).await;
        let version_id = store::versions::public_id(&self.app.pool, self.repo.id, "1.4.0")
            .await
            .expect("query")
            .expect("version");
        let checklist = store::checklists::find(&self.app.pool, version_id)
            .await
            .expect("query")
            .expect("checklist");
        let change = store::checklists::Change {
            state,
            note: "",
            by: "mona",
            expected_revision: None,
        };
        store::checklists::change_item(
            &self.app.pool,
            checklist.id,
            item["id"].as_i64().expect("id"),
            &change,
            Utc::now(),
        )
        .await
        .expect("change");
    }
}

#[tokio::test]
async fn green_ci_ticks_its_items_as_verified_with_the_snapshot_in_the_audit_log() {
    let world = world(widget()).await;
    let refreshed = world.refresh().await;
    assert_eq!(refreshed.versions, 1);
    assert_eq!(refreshed.snapshots, 6, "one snapshot per GitHub source");

    for (text, kind) in [
        ("All tests passing", "checks"),
        ("Code coverage ≥80%", "statuses"),
        ("GitHub Actions completed", "workflow_runs"),
        ("SBOM generation verified", "attestations"),
        ("Tag created and pushed", "tag"),
        ("Verify GitHub Release created", "release"),
    ] {
        let item = world.item(text).await;
        assert_eq!(item["state"], "done", "{item}");
        assert_eq!(item["by"], "GitHub evidence", "{item}");
        assert_eq!(item["verified"]["kind"], kind, "{item}");
        assert!(item["verified"]["captured_at"].is_string(), "{item}");
        assert_eq!(item["evidence_changed"], false);
    }
    let security = world
        .item("No critical/high security vulnerabilities")
        .await;
    assert_eq!(security["state"], "done", "{security}");
    // Nothing proves what GitHub cannot know.
    assert_eq!(world.item("Release notes reviewed").await["state"], "open");
    let checklist = world.checklist().await;
    assert!(
        checklist["verified"].as_u64().expect("verified") >= 8,
        "{checklist}"
    );

    let logged: Vec<(String, Option<i64>)> = sqlx::query_as(
        "SELECT changed_by, snapshot_id FROM checklist_changes WHERE changed_by = 'GitHub evidence'",
    )
    .fetch_all(&world.app.pool)
    .await
    .expect("audit log");
    assert!(logged.len() >= 8, "{logged:?}");
    assert!(
        logged
            .iter()
            .filter(|(_, snapshot)| snapshot.is_some())
            .count()
            >= 6,
        "ticks by GitHub's sources name their snapshot: {logged:?}"
    );

    let evidence = world.evidence().await;
    assert_eq!(evidence["version"], "1.4.0");
    assert_eq!(evidence["commit_sha"], SHA);
    let kinds: Vec<&str> = evidence["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .map(|s| s["kind"].as_str().expect("kind"))
        .collect();
    assert_eq!(
        kinds,
        [
            "checks",
            "statuses",
            "workflow_runs",
            "code_scanning",
            "dependabot",
            "attestations",
            "release",
            "tag",
            "changelog"
        ]
    );
    let checks = world.source("checks").await;
    assert_eq!(checks["state"], "pass");
    assert_eq!(checks["summary"], "2 checks passed");
    assert_eq!(
        checks["url"],
        format!("https://github.com/{REPO}/commit/{SHA}")
    );
    assert_eq!(checks["detail"][0]["name"], "lint");
    let scanning = world.source("code_scanning").await;
    assert_eq!(
        scanning["state"], "pass",
        "a low alert does not fail: {scanning}"
    );
    for source in evidence["sources"].as_array().expect("sources") {
        for key in ["kind", "state", "summary", "url", "captured_at", "detail"] {
            assert!(source.get(key).is_some(), "{key} in {source}");
        }
    }

    // A refresh where nothing changed keeps no new snapshot and asks only conditionally.
    world.fake.take_log();
    let again = world.refresh().await;
    assert_eq!(again.snapshots, 0);
    let log = world.fake.take_log();
    assert!(!log.is_empty());
    assert!(
        log.iter().all(|r| r.conditional && r.status == 304),
        "only conditional requests: {log:?}"
    );
}

#[tokio::test]
async fn a_failed_check_ticks_nothing_it_would_prove() {
    let mut repo = widget();
    repo.evidence.check_runs[1] = check_run(12, "lint", SHA, Some("failure"));
    let world = world(repo).await;
    world.refresh().await;
    let item = world.item("All tests passing").await;
    assert_eq!(item["state"], "open", "{item}");
    assert_eq!(item["verified"], Value::Null);
    assert_eq!(item["evidence"]["found"], false, "{item}");
    let checks = world.source("checks").await;
    assert_eq!(checks["state"], "fail");
    assert_eq!(checks["summary"], "1 of 2 checks failed: lint");
    // A critical alert at the tag holds back the security items.
    let mut repo = widget();
    repo.evidence.code_scanning = vec![code_scanning_alert(9, "refs/tags/v1.4.0", "critical")];
    repo.evidence.dependabot = vec![dependabot_alert(2, "high", "openssl")];
    let world = self::world(repo).await;
    world.refresh().await;
    let item = world
        .item("No critical/high security vulnerabilities")
        .await;
    assert_eq!(item["state"], "open", "{item}");
    assert_eq!(world.source("dependabot").await["state"], "fail");
}

#[tokio::test]
async fn a_persons_explicit_choice_survives_green_evidence() {
    let world = world(widget()).await;
    world
        .person_sets("GitHub Actions completed", ItemState::Skipped)
        .await;
    world.refresh().await;
    assert_eq!(world.item("All tests passing").await["state"], "done");
    // The maintainer reopens what evidence ticked; CI then reports another green check.
    world
        .person_sets("All tests passing", ItemState::Open)
        .await;
    world.fake.edit_repo(REPO, |repo| {
        repo.evidence
            .check_runs
            .push(check_run(14, "docs", SHA, Some("success")));
    });
    assert_eq!(world.refresh().await.snapshots, 1);
    let tests = world.item("All tests passing").await;
    assert_eq!(tests["state"], "open", "{tests}");
    assert_eq!(tests["by"], "mona");
    assert_eq!(tests["verified"], Value::Null);
    assert_eq!(
        tests["evidence"]["found"], true,
        "the evidence is still shown: {tests}"
    );
    let actions = world.item("GitHub Actions completed").await;
    assert_eq!(actions["state"], "skipped", "{actions}");
    // Evidence still ticks what nobody set.
    assert_eq!(world.item("Code coverage ≥80%").await["state"], "done");
}

#[tokio::test]
async fn a_rerun_that_fails_marks_the_verified_item_evidence_changed() {
    let world = world(widget()).await;
    world.refresh().await;
    assert_eq!(world.item("All tests passing").await["state"], "done");

    world.fake.edit_repo(REPO, |repo| {
        repo.evidence
            .check_runs
            .push(check_run(13, "test", SHA, Some("failure")));
    });
    let refreshed = world.refresh().await;
    assert_eq!(refreshed.snapshots, 1, "only the checks said something new");
    let item = world.item("All tests passing").await;
    assert_eq!(item["state"], "done", "evidence never reopens: {item}");
    assert_eq!(item["evidence_changed"], true, "{item}");
    assert_eq!(item["verified"]["kind"], "checks");
    // The green reading is kept beside the red one.
    let evidence = world.evidence().await;
    assert_eq!(world.source("checks").await["state"], "fail");
    let earlier = evidence["earlier"].as_array().expect("earlier readings");
    assert!(
        earlier
            .iter()
            .any(|s| s["kind"] == "checks" && s["state"] == "pass"),
        "{evidence}"
    );
}

#[tokio::test]
async fn an_attestation_about_another_digest_is_refused() {
    let mut repo = widget();
    let other = "c".repeat(64);
    repo.evidence.attestations.insert(
        format!("sha256:{TARBALL}"),
        vec![
            attestation(&other, SLSA_PROVENANCE),
            attestation(&other, SPDX_SBOM),
        ],
    );
    let world = world(repo).await;
    world.refresh().await;
    let attestations = world.source("attestations").await;
    assert_eq!(attestations["state"], "fail", "{attestations}");
    let tarball = attestations["detail"]
        .as_array()
        .expect("files")
        .iter()
        .find(|f| f["name"] == "widget-linux.tar.gz")
        .cloned()
        .expect("the tarball");
    assert_eq!(tarball["state"], "fail");
    assert!(
        tarball["note"]
            .as_str()
            .expect("note")
            .contains("naming another digest refused"),
        "{tarball}"
    );
    assert!(
        attestations["summary"]
            .as_str()
            .expect("summary")
            .contains("Sigstore signatures not verified"),
        "{attestations}"
    );
    assert_eq!(
        world.item("SBOM generation verified").await["state"],
        "open"
    );
}

#[tokio::test]
async fn a_source_github_refuses_is_unavailable_with_the_permission_it_needs() {
    let mut repo = widget();
    repo.evidence.refused.insert("code-scanning".to_owned());
    repo.evidence.refused.insert("dependabot".to_owned());
    let world = world(repo).await;
    world.fake.take_log();
    world.refresh().await;
    let scanning = world.source("code_scanning").await;
    assert_eq!(scanning["state"], "unavailable", "{scanning}");
    let summary = scanning["summary"].as_str().expect("summary");
    assert!(summary.contains("403"), "{summary}");
    assert!(summary.contains("Code scanning alerts: read"), "{summary}");
    assert_eq!(world.source("dependabot").await["state"], "unavailable");
    let asked = world
        .fake
        .take_log()
        .iter()
        .filter(|r| r.path.contains("code-scanning"))
        .count();
    assert_eq!(asked, 1, "a refused source is asked once, never retried");
    // Unreadable is not failing: the security items wait, and nothing else is held up.
    assert_eq!(
        world
            .item("No critical/high security vulnerabilities")
            .await["state"],
        "open"
    );
    assert_eq!(world.item("All tests passing").await["state"], "done");
}

#[tokio::test]
async fn check_runs_github_has_dropped_still_show_their_stored_snapshot() {
    let world = world(widget()).await;
    world.refresh().await;
    world.fake.edit_repo(REPO, |repo| {
        repo.evidence.check_runs.clear();
        repo.evidence.workflow_runs.clear();
    });
    sync_repository(
        &world.app.pool,
        &releasedesk_tests::fake_github::fetcher(&world.fake),
        &world.repo,
        "cli",
        &|_: &str| {},
    )
    .await
    .expect("sync");
    let refreshed = world.refresh().await;
    assert_eq!(refreshed.snapshots, 0, "forgotten runs are no news");
    let checks = world.source("checks").await;
    assert_eq!(checks["state"], "pass");
    assert_eq!(checks["summary"], "2 checks passed");
    let item = world.item("All tests passing").await;
    assert_eq!(item["evidence_changed"], false, "{item}");
}

#[tokio::test]
async fn evidence_of_an_unknown_version_is_a_json_404() {
    let world = world(widget()).await;
    let response = world
        .app
        .get(&format!("/api/v1/repos/{REPO}/versions/9.9.9/evidence"))
        .await;
    assert_eq!(response.status, 404);
    assert!(
        response.json()["error"]["message"].is_string(),
        "{}",
        response.body
    );
    let response = world
        .app
        .get(&format!(
            "/api/v1/repos/{REPO}/versions/not-a-version/evidence"
        ))
        .await;
    assert_eq!(response.status, 400, "{}", response.body);
}

#[tokio::test]
async fn the_scheduler_reads_evidence_after_its_sync_and_again_when_a_webhook_asks() {
    let world = world(widget()).await;
    let trigger = releasedesk::scheduler::spawn(
        world.app.pool.clone(),
        releasedesk_tests::fake_github::clients(&world.fake),
        &url::Url::parse("https://github.com").expect("url"),
        Duration::from_secs(3600),
        Duration::from_millis(100),
        Default::default(),
        world.app.notifier(),
    );
    assert!(
        eventually(async || world.item("All tests passing").await["state"] == "done").await,
        "the reconciliation at start reads the evidence"
    );

    world.fake.edit_repo(REPO, |repo| {
        repo.evidence
            .check_runs
            .push(check_run(13, "test", SHA, Some("failure")));
    });
    trigger.request_evidence(world.repo.id, Some(SHA.to_owned()));
    assert!(
        eventually(async || world.item("All tests passing").await["evidence_changed"] == true)
            .await,
        "a check_run webhook has the commit's evidence read again"
    );
}

#[tokio::test]
async fn check_runs_over_several_pages_are_all_read() {
    let mut repo = widget();
    repo.evidence.check_runs = (1..=230)
        .map(|id| check_run(id, &format!("job {id}"), SHA, Some("success")))
        .collect();
    let world = world(repo).await;
    world.fake.take_log();
    world.refresh().await;
    assert_eq!(world.source("checks").await["summary"], "230 checks passed");
    let pages: Vec<String> = world
        .fake
        .take_log()
        .into_iter()
        .filter(|r| r.path.contains("/check-runs"))
        .map(|r| r.path)
        .collect();
    assert_eq!(pages.len(), 3, "{pages:?}");
    assert!(
        pages[2].contains("per_page=100") && pages[2].contains("page=3"),
        "{pages:?}"
    );
}
