//! The sync against a fake GitHub on loopback, through the real octocrab client.

use std::time::Duration;

use app::{domain::version::TagInfo, store};
use releasedesk::{
    github::{Fetcher, FetcherSettings, OctocrabGitHub},
    sync::{sync_repository, SyncError},
};
use releasedesk_tests::{
    alloy_tags, eventually,
    fake_github::{alloy_repo, release, FakeGitHub, FakeRepo, Fault},
    TestApp,
};

async fn sync(
    app: &TestApp,
    fake: &FakeGitHub,
    repo: &store::repositories::Repository,
) -> Result<releasedesk::sync::SyncSummary, SyncError> {
    sync_repository(
        &app.pool,
        &releasedesk_tests::fake_github::fetcher(fake),
        repo,
        "cli",
        &|_: &str| {},
    )
    .await
}

/// Everything the sync may write, as text, to compare before and after.
async fn snapshot(pool: &sqlx::SqlitePool) -> Vec<String> {
    let mut rows = Vec::new();
    for table in ["versions", "tags", "releases", "http_cache", "git_dates"] {
        let sql = format!("SELECT * FROM {table} ORDER BY 1");
        for row in sqlx::query(&sql).fetch_all(pool).await.expect("rows") {
            use sqlx::Row;
            let cells: Vec<String> = (0..row.len())
                .map(|i| {
                    row.try_get::<Option<String>, _>(i)
                        .map(|v| v.unwrap_or_default())
                        .or_else(|_| {
                            row.try_get::<Option<i64>, _>(i)
                                .map(|v| v.map(|n| n.to_string()).unwrap_or_default())
                        })
                        .unwrap_or_default()
                })
                .collect();
            rows.push(format!("{table}: {}", cells.join("|")));
        }
    }
    rows
}

/// Fails with just the rows that differ.
fn assert_unchanged(before: &[String], after: &[String]) {
    let gone: Vec<&String> = before.iter().filter(|row| !after.contains(row)).collect();
    let new: Vec<&String> = after.iter().filter(|row| !before.contains(row)).collect();
    assert!(
        gone.is_empty() && new.is_empty(),
        "rows gone: {gone:#?}\nrows new: {new:#?}"
    );
}

#[tokio::test]
async fn alloy_syncs_to_exactly_the_semver_versions_with_their_dates() {
    let fake = FakeGitHub::start().await;
    fake.put_repo("grafana/alloy", alloy_repo());
    let app = TestApp::new().await;
    let repo = app.track("grafana", "alloy").await;

    let summary = sync(&app, &fake, &repo).await.expect("sync succeeds");
    assert_eq!(summary.tags, 208);

    let listed = store::versions::list_public(&app.pool, repo.id)
        .await
        .expect("history");
    let mut expected: Vec<(semver::Version, String)> = alloy_tags()
        .into_iter()
        .filter_map(|tag| {
            let info = TagInfo::parse(&tag.name, "v", true).ok()?;
            // The tag's date: the tagger's for annotated tags, else the commit's.
            let date = tag.tagger_date.unwrap_or(tag.commit_date);
            let date = chrono::DateTime::parse_from_rfc3339(&date)
                .expect("date")
                .to_utc();
            Some((info.version, date.to_rfc3339()))
        })
        .collect();
    expected.sort_by(|a, b| b.0.cmp_precedence(&a.0));
    let got: Vec<(String, String)> = listed
        .iter()
        .map(|v| {
            (
                v.version.clone(),
                v.released_at.map(|d| d.to_rfc3339()).unwrap_or_default(),
            )
        })
        .collect();
    let expected: Vec<(String, String)> = expected
        .into_iter()
        .map(|(v, d)| (v.to_string(), d))
        .collect();
    assert_eq!(got, expected);

    let others = store::versions::list_other_tags(&app.pool, repo.id)
        .await
        .expect("others");
    assert_eq!(others.len() + listed.len(), 208);
    assert!(others.iter().any(|t| t.starts_with("build-image/v")));

    let runs = store::sync::recent_runs(&app.pool, repo.id, 5)
        .await
        .expect("runs");
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].outcome, "ok");
    assert!(runs[0].requests > 0);
}

#[tokio::test]
async fn a_second_sync_with_nothing_changed_makes_only_conditional_requests_answered_304() {
    let fake = FakeGitHub::start().await;
    fake.put_repo("grafana/alloy", alloy_repo());
    let app = TestApp::new().await;
    let repo = app.track("grafana", "alloy").await;
    sync(&app, &fake, &repo).await.expect("first sync");
    let first = fake.take_log();
    assert!(
        first.iter().any(|r| r.path.contains("/git/tags/")),
        "annotated dates were fetched"
    );
    assert!(
        first.iter().any(|r| r.path.contains("/git/commits/")),
        "lightweight dates were fetched"
    );
    let before = snapshot(&app.pool).await;

    sync(&app, &fake, &repo).await.expect("second sync");
    let second = fake.take_log();
    assert!(!second.is_empty());
    assert!(
        second.iter().all(|r| r.status == 304 && r.conditional),
        "{second:#?}"
    );
    assert!(
        second.iter().all(|r| !r.path.contains("/git/")),
        "no git object is fetched again"
    );
    assert_unchanged(&before, &snapshot(&app.pool).await);
    let runs = store::sync::recent_runs(&app.pool, repo.id, 1)
        .await
        .expect("runs");
    assert_eq!(runs[0].requests, runs[0].not_modified);
}

/// Syncs alloy with `faults` injected, and checks that the result is complete.
async fn survives(
    faults: &[(&str, Fault)],
    served: u16,
) -> Vec<releasedesk_tests::fake_github::LoggedRequest> {
    let fake = FakeGitHub::start().await;
    fake.put_repo("grafana/alloy", alloy_repo());
    for (path, fault) in faults {
        fake.inject(path, fault.clone());
    }
    let app = TestApp::new().await;
    let repo = app.track("grafana", "alloy").await;
    sync(&app, &fake, &repo).await.expect("sync recovers");
    let log = fake.take_log();
    assert!(
        log.iter().any(|r| r.status == served),
        "{served} was served: {log:#?}"
    );
    let versions = alloy_tags()
        .iter()
        .filter(|t| TagInfo::parse(&t.name, "v", true).is_ok())
        .count();
    assert_eq!(
        store::versions::list_public(&app.pool, repo.id)
            .await
            .expect("history")
            .len(),
        versions
    );
    log
}

#[tokio::test]
async fn bad_gateways_are_retried() {
    let faults = [
        ("/releases", Fault::Status(502)),
        ("/tags?", Fault::Status(502)),
        ("/git/commits/", Fault::Status(503)),
    ];
    let log = survives(&faults, 502).await;
    assert!(log.iter().any(|r| r.status == 503));
}

#[tokio::test]
async fn truncated_pages_are_fetched_again() {
    let log = survives(&[("/tags?", Fault::Truncated)], 200).await;
    let first_tag_pages = log
        .iter()
        .filter(|r| r.path.ends_with("/alloy/tags?per_page=100"))
        .count();
    assert_eq!(first_tag_pages, 2, "the cut-short page and its retry");
}

#[tokio::test]
async fn rate_limits_are_waited_out_as_github_asks() {
    let started = std::time::Instant::now();
    survives(&[("page=2", Fault::RateLimited { retry_after: 1 })], 403).await;
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "retry-after was honoured"
    );
}

#[tokio::test]
async fn timeouts_are_retried() {
    let fake = FakeGitHub::start().await;
    fake.put_repo("grafana/alloy", alloy_repo());
    fake.delay("/releases", Duration::from_secs(3));
    let app = TestApp::new().await;
    let repo = app.track("grafana", "alloy").await;
    let url = url::Url::parse(&fake.url).expect("fake URL");
    let github =
        OctocrabGitHub::with_read_timeout(&url, None, Duration::from_millis(300)).expect("client");
    let settings = FetcherSettings {
        attempts: 3,
        backoff: Duration::from_millis(10),
        max_wait: Duration::from_secs(5),
    };
    let fetcher = Fetcher::new(github, settings);
    let started = std::time::Instant::now();
    sync_repository(&app.pool, &fetcher, &repo, "cli", &|_: &str| {})
        .await
        .expect("sync recovers");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "the stalled answer was not waited for"
    );
    // The fake logs the stalled request only when it finally answers, after the sync is done.
    assert_eq!(
        fetcher.requests(),
        fake.take_log().len() as u64 + 1,
        "one request was given up and retried"
    );
}

#[tokio::test]
async fn a_sync_that_fails_leaves_the_database_exactly_as_it_was() {
    let fake = FakeGitHub::start().await;
    fake.put_repo("grafana/alloy", alloy_repo());
    let app = TestApp::new().await;
    let repo = app.track("grafana", "alloy").await;
    sync(&app, &fake, &repo).await.expect("first sync");
    let before = snapshot(&app.pool).await;

    // New tags appear, but the tag list keeps failing half-way through.
    fake.edit_repo("grafana/alloy", |r| {
        let mut extra = r.tags[0].clone();
        extra.name = "v9.0.0".to_owned();
        r.tags.push(extra);
    });
    for _ in 0..3 {
        fake.inject("page=3", Fault::Status(502));
    }
    let err = sync(&app, &fake, &repo).await.expect_err("sync fails");
    assert!(err.to_string().contains("502"), "{err}");
    assert_unchanged(&before, &snapshot(&app.pool).await);

    let runs = store::sync::recent_runs(&app.pool, repo.id, 1)
        .await
        .expect("runs");
    assert_eq!(runs[0].outcome, "failed");
    assert!(runs[0].error.as_deref().is_some_and(|e| e.contains("502")));
}

#[tokio::test]
async fn deleted_tags_and_releases_are_hidden_and_come_back() {
    let fake = FakeGitHub::start().await;
    let mut widget = FakeRepo::default();
    for (i, name) in ["v1.0.0", "v1.1.0", "v2.0.0-rc.1"].iter().enumerate() {
        widget.tags.push(releasedesk_tests::fake_github::FakeTag {
            name: (*name).to_owned(),
            commit_sha: format!("{i:040}"),
            commit_date: format!("2026-0{}-01T10:00:00Z", i + 1),
            annotated: None,
        });
    }
    widget.releases.push(release(
        1,
        "v1.0.0",
        false,
        false,
        Some("2026-01-02T09:00:00Z"),
    ));
    widget.releases.push(release(
        2,
        "v1.1.0",
        false,
        false,
        Some("2026-02-02T09:00:00Z"),
    ));
    widget
        .releases
        .push(release(3, "v3.0.0", true, false, None));
    fake.put_repo("acme/widget", widget);
    let app = TestApp::new().await;
    let repo = app.track("acme", "widget").await;
    sync(&app, &fake, &repo).await.expect("sync");

    let tags = |list: Vec<app::model::history::HistoryEntry>| {
        list.into_iter().map(|v| v.tag).collect::<Vec<_>>()
    };
    let listed = tags(
        store::versions::list_public(&app.pool, repo.id)
            .await
            .expect("history"),
    );
    assert_eq!(
        listed,
        ["v2.0.0-rc.1", "v1.1.0", "v1.0.0"],
        "the draft v3.0.0 stays hidden"
    );

    fake.edit_repo("acme/widget", |r| {
        r.tags.retain(|t| t.name != "v1.1.0");
        r.releases.retain(|rel| rel["tag_name"] != "v1.1.0");
    });
    let summary = sync(&app, &fake, &repo).await.expect("sync after deletion");
    assert_eq!(summary.deleted, 2);
    let listed = tags(
        store::versions::list_public(&app.pool, repo.id)
            .await
            .expect("history"),
    );
    assert_eq!(listed, ["v2.0.0-rc.1", "v1.0.0"]);
    let kept: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM versions WHERE tag = 'v1.1.0'")
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(
        kept, 1,
        "deleted versions are kept with what is attached to them"
    );

    fake.edit_repo("acme/widget", |r| {
        r.tags.push(releasedesk_tests::fake_github::FakeTag {
            name: "v1.1.0".to_owned(),
            commit_sha: format!("{:040}", 1),
            commit_date: "2026-02-01T10:00:00Z".to_owned(),
            annotated: None,
        });
    });
    sync(&app, &fake, &repo).await.expect("sync after restore");
    let listed = tags(
        store::versions::list_public(&app.pool, repo.id)
            .await
            .expect("history"),
    );
    assert_eq!(listed, ["v2.0.0-rc.1", "v1.1.0", "v1.0.0"]);
}

#[tokio::test]
async fn missing_repositories_and_bad_tokens_get_actionable_messages() {
    let fake = FakeGitHub::start().await;
    let app = TestApp::new().await;
    let repo = app.track("acme", "missing").await;
    let err = sync(&app, &fake, &repo)
        .await
        .expect_err("no such repository");
    let message = err.to_string();
    assert!(
        message.contains("404") && message.contains("check the repository name"),
        "{message}"
    );

    fake.put_repo("acme/missing", FakeRepo::default());
    fake.inject("/releases", Fault::Status(401));
    let err = sync(&app, &fake, &repo).await.expect_err("bad token");
    assert!(
        err.to_string().contains("RELEASEDESK_GITHUB_TOKEN"),
        "{err}"
    );
}

#[tokio::test]
async fn after_a_webhook_changed_our_copy_the_next_sync_compares_everything() {
    let fake = FakeGitHub::start().await;
    fake.put_repo("grafana/alloy", alloy_repo());
    let app = TestApp::new().await;
    let repo = app.track("grafana", "alloy").await;
    sync(&app, &fake, &repo).await.expect("first sync");
    fake.take_log();

    // What the webhook handler does after applying an event.
    store::sync::forget_pages(&app.pool, "grafana", "alloy")
        .await
        .expect("forget");
    sync(&app, &fake, &repo).await.expect("second sync");
    let log = fake.take_log();
    assert!(
        log.iter().any(|r| r.status == 200 && !r.conditional),
        "{log:#?}"
    );
    assert!(
        log.iter().all(|r| !r.path.contains("/git/tags/")),
        "dates stay cached"
    );
}

/// Polls until `done` holds, for at most ten seconds.
#[tokio::test]
async fn the_scheduler_reconciles_at_start_and_debounces_webhook_requests() {
    let fake = FakeGitHub::start().await;
    fake.put_repo("grafana/alloy", alloy_repo());
    let app = TestApp::new().await;
    let repo = app.track("grafana", "alloy").await;
    let trigger = releasedesk::scheduler::spawn(
        app.pool.clone(),
        releasedesk_tests::fake_github::clients(&fake),
        &url::Url::parse("https://github.com").expect("url"),
        Duration::from_secs(3600),
        Duration::from_millis(200),
        Default::default(),
        app.notifier(),
    );

    let runs = |trigger: &'static str| {
        let pool = app.pool.clone();
        let id = repo.id;
        async move {
            let runs = store::sync::recent_runs(&pool, id, 10).await.expect("runs");
            runs.iter()
                .filter(|r| r.trigger == trigger && r.outcome == "ok")
                .count()
        }
    };
    assert!(
        eventually(async || runs("schedule").await == 1).await,
        "a reconciliation at start"
    );

    for _ in 0..5 {
        trigger.request(repo.id);
    }
    assert!(
        eventually(async || runs("webhook").await >= 1).await,
        "a sync after the requests"
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        runs("webhook").await,
        1,
        "five requests within the debounce window make one sync"
    );
}

fn tag(name: &str, n: usize) -> releasedesk_tests::fake_github::FakeTag {
    releasedesk_tests::fake_github::FakeTag {
        name: name.to_owned(),
        commit_sha: format!("{n:040}"),
        commit_date: format!("2026-0{n}-01T10:00:00Z"),
        annotated: None,
    }
}

#[tokio::test]
async fn the_changelog_is_read_at_the_newest_tag_once_and_its_sections_shown() {
    let fake = FakeGitHub::start().await;
    let mut widget = FakeRepo {
        tags: vec![tag("v1.0.0", 1), tag("v1.1.0", 2)],
        ..FakeRepo::default()
    };
    widget.releases.push(release(
        1,
        "v1.1.0",
        false,
        false,
        Some("2026-02-01T10:00:00Z"),
    ));
    widget.files.insert(
        "CHANGELOG.md".to_owned(),
        "# Changelog\n\n## [1.1.0](https://example.com) (2026-02-01)\n\n### Features\n\n\
         * retries <script>alert(1)</script>\n\n## [1.0.0] - 2026-01-01\n### Added\n- First.\n"
            .to_owned(),
    );
    fake.put_repo("acme/widget", widget);
    let app = TestApp::new().await;
    let repo = app.track("acme", "widget").await;

    sync(&app, &fake, &repo).await.expect("first sync");
    let reads: Vec<String> = fake
        .take_log()
        .into_iter()
        .filter(|r| r.path.contains("/contents/"))
        .map(|r| r.path)
        .collect();
    // At the commit of v1.1.0, the newest version.
    assert_eq!(
        reads,
        [format!(
            "/repos/acme/widget/contents/CHANGELOG.md?ref={:040}",
            2
        )]
    );

    let answer = app
        .get("/api/v1/repos/acme/widget/versions/v1.1.0")
        .await
        .json();
    let html = answer["changelog"]["html"]
        .as_str()
        .expect("a changelog section");
    assert!(
        html.contains("<h3>Features</h3>") && html.contains("retries"),
        "{html}"
    );
    assert!(!html.contains("<script"), "sanitised: {html}");
    assert_eq!(
        app.get("/api/v1/repos/acme/widget/versions/v1.0.0")
            .await
            .json()["changelog"]["markdown"],
        "### Added\n- First."
    );

    // Nothing new: the changelog at that commit cannot have changed, so it is not asked for.
    sync(&app, &fake, &repo).await.expect("second sync");
    assert!(fake
        .take_log()
        .iter()
        .all(|r| !r.path.contains("/contents/")));

    // A new newest tag without a changelog: read again, and the sections are gone.
    fake.edit_repo("acme/widget", |r| {
        r.tags.push(tag("v1.2.0", 3));
        r.files.clear();
    });
    sync(&app, &fake, &repo).await.expect("third sync");
    let log = fake.take_log();
    assert!(
        log.iter()
            .any(|r| r.path.contains("/contents/") && r.status == 404),
        "{log:#?}"
    );
    let answer = app
        .get("/api/v1/repos/acme/widget/versions/v1.1.0")
        .await
        .json();
    assert!(answer["changelog"].is_null(), "{answer}");
}

#[tokio::test]
async fn a_failing_changelog_read_does_not_fail_the_sync() {
    let fake = FakeGitHub::start().await;
    let widget = FakeRepo {
        tags: vec![tag("v1.0.0", 1)],
        ..FakeRepo::default()
    };
    fake.put_repo("acme/widget", widget);
    fake.inject("/contents/", Fault::Status(403));
    let app = TestApp::new().await;
    let repo = app.track("acme", "widget").await;
    let summary = sync(&app, &fake, &repo).await.expect("the sync succeeds");
    assert_eq!(summary.tags, 1);
}

#[tokio::test]
async fn release_assets_are_synced_with_their_sizes() {
    let fake = FakeGitHub::start().await;
    let mut with_assets = release(1, "v1.0.0", false, false, Some("2026-01-01T10:00:00Z"));
    with_assets["assets"] = serde_json::json!([
        { "name": "widget.tar.gz", "size": 1_572_864, "content_type": "application/gzip",
          "browser_download_url": "https://github.com/acme/widget/releases/download/v1.0.0/widget.tar.gz",
          "download_count": 7 },
        { "name": "SHA256SUMS", "size": 90 }
    ]);
    let widget = FakeRepo {
        tags: vec![tag("v1.0.0", 1)],
        releases: vec![with_assets],
        ..FakeRepo::default()
    };
    fake.put_repo("acme/widget", widget);
    let app = TestApp::new().await;
    let repo = app.track("acme", "widget").await;
    sync(&app, &fake, &repo).await.expect("sync");

    let answer = app
        .get("/api/v1/repos/acme/widget/versions/v1.0.0")
        .await
        .json();
    let assets = answer["assets"].as_array().expect("assets");
    let names: Vec<&str> = assets.iter().filter_map(|a| a["name"].as_str()).collect();
    assert_eq!(names, ["SHA256SUMS", "widget.tar.gz"]);
    assert_eq!(assets[1]["size"], 1_572_864);
    assert_eq!(assets[1]["download_count"], 7);
    let page = app.get("/acme/widget/v/v1.0.0").await.body;
    assert!(
        page.contains("Assets (2)") && page.contains("1.5 MiB"),
        "{page}"
    );

    // An asset deleted on GitHub goes with the next sync.
    fake.edit_repo("acme/widget", |r| {
        if let Some(assets) = r.releases[0]["assets"].as_array_mut() {
            assets.pop();
        }
    });
    sync(&app, &fake, &repo).await.expect("re-sync");
    let answer = app
        .get("/api/v1/repos/acme/widget/versions/v1.0.0")
        .await
        .json();
    assert_eq!(answer["assets"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn synced_versions_get_checklists_unless_they_are_history() {
    let days_ago = |days: i64| (chrono::Utc::now() - chrono::Duration::days(days)).to_rfc3339();
    let dated = |name: &str, n: usize, days: i64| releasedesk_tests::fake_github::FakeTag {
        commit_date: days_ago(days),
        ..tag(name, n)
    };
    let fake = FakeGitHub::start().await;
    fake.put_repo(
        "acme/gadget",
        FakeRepo {
            tags: vec![dated("v1.0.0", 1, 400), dated("v1.1.0", 2, 3)],
            ..FakeRepo::default()
        },
    );
    let app = TestApp::new().await;
    let repo = app.track("acme", "gadget").await;
    sync(&app, &fake, &repo).await.expect("first sync");
    let status = |version: &'static str| {
        let app = &app;
        async move {
            app.get(&format!(
                "/api/v1/repos/acme/gadget/versions/{version}/checklist"
            ))
            .await
            .status
        }
    };
    assert_eq!(status("v1.1.0").await, http::StatusCode::OK);
    assert_eq!(
        status("v1.0.0").await,
        http::StatusCode::NOT_FOUND,
        "released long before tracking began"
    );

    fake.put_repo(
        "acme/gadget",
        FakeRepo {
            tags: vec![
                dated("v1.0.0", 1, 400),
                dated("v1.1.0", 2, 3),
                dated("v1.2.0-rc.1", 3, 0),
            ],
            ..FakeRepo::default()
        },
    );
    sync(&app, &fake, &repo).await.expect("second sync");
    assert_eq!(status("v1.2.0-rc.1").await, http::StatusCode::OK);
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM checklists")
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(count, 2, "one each, never twice");
}

#[tokio::test]
async fn a_next_page_on_another_host_is_refused_without_a_request_to_it() {
    // A second listener that counts whoever connects to it.
    let elsewhere = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let origin = format!("http://{}", elsewhere.local_addr().expect("address"));
    let knocked = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = knocked.clone();
    tokio::spawn(async move {
        while elsewhere.accept().await.is_ok() {
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
    });

    let fake = FakeGitHub::start().await;
    fake.put_repo("grafana/alloy", alloy_repo());
    fake.inject("/tags?", Fault::NextPageAt(origin.clone()));
    let app = TestApp::new().await;
    let repo = app.track("grafana", "alloy").await;
    let before = snapshot(&app.pool).await;
    let err = sync(&app, &fake, &repo)
        .await
        .expect_err("the foreign link stops the sync");
    let message = err.to_string();
    assert!(
        message.contains(&origin) && message.contains("RELEASEDESK_GITHUB_API_URL"),
        "{message}"
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        knocked.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "nothing was sent to the other host"
    );
    assert_unchanged(&before, &snapshot(&app.pool).await);
}
