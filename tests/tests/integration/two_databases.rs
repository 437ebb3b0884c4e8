//! The store's modules that run on both databases (app/src/store/db.rs), each scenario run on
//! SQLite and on a real PostgreSQL (tests/src/postgres.rs) with the same expectations.

use app::{
    model::versions::Asset,
    store::{
        self,
        changelogs::StoredChangelog,
        db::Exec,
        github_app::StoredApp,
        github_writes::GitHubWrite,
        repositories::{NewRepository, Settings},
        sync::{CachedPage, RunResult},
        versions::{GitTag, GithubRelease, VersionFilter},
        webhooks::Delivery,
    },
};
use chrono::{DateTime, TimeZone, Utc};
use releasedesk_tests::postgres;
use sqlx::{PgPool, SqlitePool};

enum Backend {
    Sqlite {
        pool: SqlitePool,
        /// Holds the database file for the backend's life.
        _folder: tempfile::TempDir,
    },
    Postgres(PgPool),
}

impl Backend {
    async fn sqlite() -> Backend {
        let dir = tempfile::tempdir().expect("temporary folder");
        let pool = store::connect(
            sqlx::sqlite::SqliteConnectOptions::new().filename(dir.path().join("test.db")),
        )
        .await
        .expect("SQLite");
        store::MIGRATOR.run(&pool).await.expect("migrations");
        Backend::Sqlite { pool, _folder: dir }
    }

    async fn postgres() -> Backend {
        let pool = PgPool::connect(&postgres::database().await)
            .await
            .expect("PostgreSQL");
        store::POSTGRES_MIGRATOR
            .run(&pool)
            .await
            .expect("migrations");
        Backend::Postgres(pool)
    }

    async fn both() -> [Backend; 2] {
        [Backend::sqlite().await, Backend::postgres().await]
    }

    fn db(&self) -> Exec<'_> {
        match self {
            Backend::Sqlite { pool, .. } => pool.into(),
            Backend::Postgres(pool) => pool.into(),
        }
    }

    fn name(&self) -> &'static str {
        match self {
            Backend::Sqlite { .. } => "SQLite",
            Backend::Postgres(_) => "PostgreSQL",
        }
    }

    /// A tracked repository, as the store reads it.
    async fn tracked(&self, owner: &str, name: &str) -> store::repositories::Repository {
        let id = self.repository(owner, name).await;
        store::repositories::find_by_id(self.db(), id)
            .await
            .expect("read")
            .expect("found")
    }

    /// A published release for `version`, marked pre-release, written directly (its module is
    /// not on both databases yet).
    async fn release(&self, version: i64) {
        const SQL: &str = "INSERT INTO releases (version_id, github_id, draft, prerelease,
                                                 created_at, published_at)
                           VALUES ($1, 1, FALSE, TRUE, '2026-01-02T03:04:05Z',
                                   '2026-01-02T03:04:05Z')";
        match self {
            Backend::Sqlite { pool, .. } => sqlx::query(SQL)
                .bind(version)
                .execute(pool)
                .await
                .map(|_| ()),
            Backend::Postgres(pool) => sqlx::query(SQL)
                .bind(version)
                .execute(pool)
                .await
                .map(|_| ()),
        }
        .expect("a release");
    }

    /// A tracked repository, written directly (its module is not on both databases yet).
    async fn repository(&self, owner: &str, name: &str) -> i64 {
        const SQL: &str = "INSERT INTO repositories (owner, name, created_at)
                           VALUES ($1, $2, '2026-01-02T03:04:05Z') RETURNING id";
        match self {
            Backend::Sqlite { pool, .. } => sqlx::query_scalar(SQL)
                .bind(owner)
                .bind(name)
                .fetch_one(pool)
                .await
                .expect("a repository"),
            Backend::Postgres(pool) => sqlx::query_scalar(SQL)
                .bind(owner)
                .bind(name)
                .fetch_one(pool)
                .await
                .expect("a repository"),
        }
    }
}

fn page(url: &str, etag: &str) -> CachedPage {
    CachedPage {
        url: url.to_owned(),
        etag: etag.to_owned(),
        next_url: Some(format!("{url}&page=2")),
        body: "[]".to_owned(),
    }
}

#[tokio::test]
async fn cached_pages_are_kept_replaced_and_forgotten_by_repository() {
    for backend in Backend::both().await {
        let name = backend.name();
        let releases = "https://api.github.com/repos/Grafana/Alloy/releases?per_page=100";
        let other = "https://api.github.com/repos/acme/orbit/tags?per_page=100";
        store::sync::store_page(backend.db(), &page(releases, "\"a\""))
            .await
            .expect("kept");
        store::sync::store_page(backend.db(), &page(releases, "\"b\""))
            .await
            .expect("replaced");
        store::sync::store_page(backend.db(), &page(other, "\"c\""))
            .await
            .expect("kept");

        let kept = store::sync::cached_page(backend.db(), releases)
            .await
            .expect("read");
        assert_eq!(kept, Some(page(releases, "\"b\"")), "{name}");

        // GitHub's names are case-insensitive: forgetting grafana/alloy forgets Grafana/Alloy.
        store::sync::forget_pages(backend.db(), "grafana", "alloy")
            .await
            .expect("forgotten");
        assert_eq!(
            store::sync::cached_page(backend.db(), releases)
                .await
                .expect("read"),
            None,
            "{name}"
        );
        assert!(
            store::sync::cached_page(backend.db(), other)
                .await
                .expect("read")
                .is_some(),
            "{name}: another repository's page stays"
        );
    }
}

#[tokio::test]
async fn a_commit_date_is_kept_once() {
    for backend in Backend::both().await {
        let name = backend.name();
        let first = Utc.with_ymd_and_hms(2026, 3, 4, 5, 6, 7).unwrap();
        let later = Utc.with_ymd_and_hms(2026, 5, 6, 7, 8, 9).unwrap();
        assert_eq!(
            store::sync::git_date(backend.db(), "abc")
                .await
                .expect("read"),
            None,
            "{name}"
        );
        store::sync::store_git_date(backend.db(), "abc", first)
            .await
            .expect("kept");
        store::sync::store_git_date(backend.db(), "abc", later)
            .await
            .expect("a second date is ignored, not an error");
        assert_eq!(
            store::sync::git_date(backend.db(), "abc")
                .await
                .expect("read"),
            Some(first),
            "{name}"
        );
    }
}

#[tokio::test]
async fn sync_runs_are_listed_newest_first_and_summed_per_repository() {
    for backend in Backend::both().await {
        let name = backend.name();
        let version_before = store::data_version::current(backend.db())
            .await
            .expect("data version");
        let alloy = backend.repository("grafana", "alloy").await;
        backend.repository("acme", "orbit").await;

        let first = store::sync::start_run(backend.db(), alloy, "cli")
            .await
            .expect("started");
        let failing = RunResult {
            ok: false,
            requests: 3,
            not_modified: 1,
            rate_limit_remaining: Some(4000),
            error: Some("GitHub answered 502"),
        };
        store::sync::finish_run(backend.db(), first, &failing)
            .await
            .expect("finished");
        let second = store::sync::start_run(backend.db(), alloy, "webhook")
            .await
            .expect("started");
        let passing = RunResult {
            ok: true,
            requests: 5,
            not_modified: 4,
            rate_limit_remaining: None,
            error: None,
        };
        store::sync::finish_run(backend.db(), second, &passing)
            .await
            .expect("finished");

        let runs = store::sync::recent_runs(backend.db(), alloy, 10)
            .await
            .expect("runs");
        let seen: Vec<(i64, &str, &str)> = runs
            .iter()
            .map(|run| (run.id, run.trigger.as_str(), run.outcome.as_str()))
            .collect();
        assert_eq!(
            seen,
            [(second, "webhook", "ok"), (first, "cli", "failed")],
            "{name}"
        );
        assert!(runs.iter().all(|run| run.finished_at.is_some()), "{name}");
        assert_eq!(
            runs[1].error.as_deref(),
            Some("GitHub answered 502"),
            "{name}"
        );
        let recent = DateTime::<Utc>::from(std::time::SystemTime::now());
        assert!(
            (recent - runs[0].started_at).num_seconds().abs() < 60,
            "{name}: started_at {} is now",
            runs[0].started_at
        );

        let totals = store::sync::totals(backend.db()).await.expect("totals");
        let summed: Vec<(String, i64, i64, i64, i64, Option<i64>)> = totals
            .into_iter()
            .map(|t| {
                (
                    t.repository,
                    t.runs,
                    t.failed,
                    t.requests,
                    t.not_modified,
                    t.rate_limit_remaining,
                )
            })
            .collect();
        assert_eq!(
            summed,
            [
                ("acme/orbit".to_owned(), 0, 0, 0, 0, None),
                ("grafana/alloy".to_owned(), 2, 1, 8, 5, Some(4000)),
            ],
            "{name}"
        );

        // Sync runs are public data: writing them moved the data version on.
        let version_after = store::data_version::current(backend.db())
            .await
            .expect("data version");
        assert!(version_after > version_before, "{name}");
    }
}

#[tokio::test]
async fn a_webhook_delivery_is_applied_once_even_when_two_replicas_record_it_at_once() {
    for backend in Backend::both().await {
        let name = backend.name();
        let now = Utc::now();
        let delivery = |id: &'static str, body: &'static str| Delivery {
            id,
            event: "release",
            body_sha256: body,
        };
        let once = delivery("d-1", "aaa");
        let (first, second) = tokio::join!(
            store::webhooks::record_delivery(backend.db(), &once, now),
            store::webhooks::record_delivery(backend.db(), &once, now),
        );
        let applied = [first.expect("recorded"), second.expect("recorded")];
        assert_eq!(
            applied.iter().filter(|applied| **applied).count(),
            1,
            "{name}: {applied:?}"
        );
        let replayed = store::webhooks::record_delivery(backend.db(), &delivery("d-2", "aaa"), now)
            .await
            .expect("recorded");
        assert!(
            !replayed,
            "{name}: the same body under another id is a replay"
        );
        let fresh = store::webhooks::record_delivery(backend.db(), &delivery("d-3", "bbb"), now)
            .await
            .expect("recorded");
        assert!(fresh, "{name}");
    }
}

#[tokio::test]
async fn repositories_are_added_once_and_found_ignoring_case() {
    for backend in Backend::both().await {
        let name = backend.name();
        let new = |owner, repo, description| NewRepository {
            owner,
            name: repo,
            description,
            tag_prefix: "v",
        };
        let id = store::repositories::upsert(backend.db(), &new("Grafana", "Alloy", "first"))
            .await
            .expect("added");
        let again = store::repositories::upsert(backend.db(), &new("grafana", "alloy", "second"))
            .await
            .expect("updated");
        assert_eq!(id, again, "{name}");
        store::repositories::upsert(backend.db(), &new("acme", "orbit", ""))
            .await
            .expect("added");

        let found = store::repositories::find(backend.db(), "GRAFANA", "alloy")
            .await
            .expect("read")
            .expect("found");
        assert_eq!(
            (
                found.owner.as_str(),
                found.description.as_str(),
                found.product.as_str()
            ),
            ("Grafana", "second", "Alloy"),
            "{name}"
        );
        assert!(found.zero_major_lines && !found.mirror_withdrawals && !found.sync_stopped);
        assert_eq!(
            store::repositories::find_by_product(backend.db(), "ALLOY")
                .await
                .expect("read")
                .map(|repo| repo.id),
            Some(id),
            "{name}"
        );

        // A new tag prefix re-reads the stored tags.
        let version = store::versions::upsert(backend.db(), &found, "release-2.0.0")
            .await
            .expect("a tag");
        assert_eq!(
            store::versions::public_id(backend.db(), id, "2.0.0")
                .await
                .expect("read"),
            None,
            "{name}: not a version under the prefix v, and not public"
        );
        let settings = Settings {
            policy: found.policy(),
            tag_prefix: "release-",
            product: None,
            mirror_withdrawals: true,
        };
        store::repositories::update_settings(backend.db(), &found, &settings)
            .await
            .expect("settings saved");
        let versions: Vec<Option<String>> = sqlx_versions(&backend, id).await;
        assert_eq!(versions, [Some("2.0.0".to_owned())], "{name}");
        assert_eq!(
            store::versions::tag_of(backend.db(), version)
                .await
                .expect("read"),
            Some("release-2.0.0".to_owned()),
            "{name}"
        );

        let names: Vec<String> = store::repositories::list_summaries(backend.db())
            .await
            .expect("summaries")
            .into_iter()
            .map(|summary| {
                format!(
                    "{}/{} {}",
                    summary.owner, summary.name, summary.version_count
                )
            })
            .collect();
        assert_eq!(names, ["acme/orbit 0", "Grafana/Alloy 0"], "{name}");
        assert_eq!(
            store::repositories::list_names(backend.db())
                .await
                .expect("names")
                .len(),
            2,
            "{name}"
        );
    }
}

/// The parsed version of each of a repository's tags.
async fn sqlx_versions(backend: &Backend, repository_id: i64) -> Vec<Option<String>> {
    const SQL: &str = "SELECT version FROM versions WHERE repository_id = $1 ORDER BY tag";
    match backend {
        Backend::Sqlite { pool, .. } => sqlx::query_scalar(SQL)
            .bind(repository_id)
            .fetch_all(pool)
            .await
            .expect("versions"),
        Backend::Postgres(pool) => sqlx::query_scalar(SQL)
            .bind(repository_id)
            .fetch_all(pool)
            .await
            .expect("versions"),
    }
}

#[tokio::test]
async fn the_github_app_its_installations_and_their_repositories() {
    for backend in Backend::both().await {
        let name = backend.name();
        let now = Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0).unwrap();
        let app = StoredApp {
            app_id: 1234,
            slug: "release-desk".to_owned(),
            name: "Release Desk".to_owned(),
            owner_login: "acme".to_owned(),
            html_url: "https://github.com/apps/release-desk".to_owned(),
            client_id: "Iv1.abc".to_owned(),
            client_secret_sealed: vec![0, 1, 2],
            private_key_sealed: vec![255; 40],
            webhook_secret_sealed: vec![],
            created_at: now,
        };
        store::github_app::save_app(backend.db(), &app)
            .await
            .expect("saved");
        assert_eq!(
            store::github_app::find_app(backend.db())
                .await
                .expect("read"),
            Some(app),
            "{name}"
        );

        store::github_app::save_installation(backend.db(), 98765, "acme", now)
            .await
            .expect("installed");
        let first = store::github_app::track_through(backend.db(), "Acme", "Orbit", 98765, now)
            .await
            .expect("tracked");
        let again = store::github_app::track_through(backend.db(), "acme", "orbit", 98765, now)
            .await
            .expect("tracked");
        assert_eq!(first, again, "{name}");
        let installations = store::github_app::list_installations(backend.db())
            .await
            .expect("listed");
        assert_eq!(installations.len(), 1, "{name}");
        assert_eq!(installations[0].repositories, 1, "{name}");
        assert_eq!(installations[0].deleted_at, None, "{name}");

        assert!(
            store::github_app::stop_syncing(backend.db(), "ACME", "orbit", 98765, now)
                .await
                .expect("stopped"),
            "{name}"
        );
        assert!(
            store::repositories::list_synced_ids(backend.db())
                .await
                .expect("ids")
                .is_empty(),
            "{name}"
        );
        store::github_app::track_through(backend.db(), "acme", "orbit", 98765, now)
            .await
            .expect("tracked again");
        assert_eq!(
            store::github_app::delete_installation(backend.db(), 98765, now)
                .await
                .expect("deleted"),
            1,
            "{name}"
        );
        assert_eq!(
            store::github_app::retire_installations(backend.db(), now)
                .await
                .expect("retired"),
            0,
            "{name}: nothing left to stop"
        );
    }
}

#[tokio::test]
async fn changelogs_assets_writes_and_drift_of_a_release() {
    for backend in Backend::both().await {
        let name = backend.name();
        let now = Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0).unwrap();
        let repo = backend.tracked("acme", "orbit").await;
        let repository = repo.id;

        let changelog = StoredChangelog {
            tag: "v1.0.0".to_owned(),
            commit_sha: "abc".to_owned(),
            markdown: None,
        };
        store::changelogs::save(backend.db(), repository, &changelog, now)
            .await
            .expect("saved");
        assert_eq!(
            store::changelogs::find(backend.db(), repository)
                .await
                .expect("read"),
            Some(changelog),
            "{name}"
        );
        assert_eq!(
            store::changelogs::read_at(backend.db(), repository)
                .await
                .expect("read"),
            Some(now),
            "{name}"
        );

        let version = store::versions::upsert(backend.db(), &repo, "v1.0.0")
            .await
            .expect("a version");
        backend.release(version).await;
        let asset = |file: &str| Asset {
            name: file.to_owned(),
            size: 1024,
            content_type: "application/gzip".to_owned(),
            download_url: format!("https://example.org/{file}"),
            download_count: 7,
            digest: None,
        };
        store::versions::replace_assets(backend.db(), version, &[asset("b.tgz"), asset("a.tgz")])
            .await
            .expect("assets");
        store::versions::replace_assets(backend.db(), version, &[asset("c.tgz"), asset("a.tgz")])
            .await
            .expect("assets replaced");
        let names: Vec<String> = store::versions::list_assets(backend.db(), repository, "v1.0.0")
            .await
            .expect("assets")
            .into_iter()
            .map(|asset| asset.name)
            .collect();
        assert_eq!(names, ["a.tgz", "c.tgz"], "{name}");

        let write = GitHubWrite {
            action: "publish".to_owned(),
            request: "POST /repos/acme/orbit/releases".to_owned(),
            detail: "v1.0.0".to_owned(),
            status: None,
            answer: "timed out".to_owned(),
            by: "octocat".to_owned(),
            at: now,
        };
        store::github_writes::insert(backend.db(), repository, Some(version), &write)
            .await
            .expect("logged");
        assert_eq!(
            store::github_writes::for_version(backend.db(), version)
                .await
                .expect("read"),
            [write],
            "{name}"
        );

        // The release is marked pre-release on GitHub, but 1.0.0 is stable.
        let drift = store::versions::drift(backend.db(), repository, 5)
            .await
            .expect("drift");
        assert_eq!(drift.count, 1, "{name}: {drift:?}");
    }
}

/// A version `v{version}` with its release, the way a sync writes them: a published release
/// with its git tag, or a draft without one.
async fn released(
    backend: &Backend,
    repo: &store::repositories::Repository,
    version: &str,
    title: &str,
    draft: bool,
    day: u32,
) -> i64 {
    let tag = format!("v{version}");
    let id = store::versions::upsert(backend.db(), repo, &tag)
        .await
        .expect("a version");
    let at = Utc.with_ymd_and_hms(2026, 1, day, 12, 0, 0).unwrap();
    let git = GitTag {
        commit_sha: "abc",
        tag_object_sha: None,
        tagged_at: Some(at),
    };
    if !draft {
        store::versions::upsert_tag(backend.db(), id, &git)
            .await
            .expect("a tag");
    }
    let release = GithubRelease {
        github_id: id,
        name: title,
        body: "notes",
        html_url: "https://github.com/acme/orbit/releases/x",
        draft,
        prerelease: version.contains('-'),
        created_at: at,
        published_at: (!draft).then_some(at),
    };
    store::versions::upsert_release(backend.db(), id, &release)
        .await
        .expect("a release");
    id
}

#[tokio::test]
async fn versions_are_listed_filtered_counted_and_withdrawn_alike() {
    for backend in Backend::both().await {
        let name = backend.name();
        let repo = backend.tracked("acme", "orbit").await;
        let repository = repo.id;
        let v1 = released(&backend, &repo, "1.0.0", "First Light", false, 1).await;
        released(&backend, &repo, "1.1.0-rc.1", "Candidate", false, 2).await;
        let v11 = released(&backend, &repo, "1.1.0", "Second", false, 3).await;
        let v2 = released(&backend, &repo, "2.0.0", "Big One", false, 4).await;
        released(&backend, &repo, "2.1.0", "Unfinished", true, 5).await;
        store::versions::upsert(backend.db(), &repo, "nightly")
            .await
            .expect("a tag that is not a version");

        let tags = |entries: Vec<app::model::history::HistoryEntry>| -> Vec<String> {
            entries.into_iter().map(|entry| entry.tag).collect()
        };
        let all = store::versions::list_public(backend.db(), repository)
            .await
            .expect("listed");
        assert_eq!(
            tags(all),
            ["v2.0.0", "v1.1.0", "v1.1.0-rc.1", "v1.0.0"],
            "{name}"
        );

        let search = VersionFilter {
            search: Some("first LIGHT".to_owned()),
            ..VersionFilter::default()
        };
        let found = store::versions::list_public_page(backend.db(), repository, &search, 10, 0)
            .await
            .expect("searched");
        assert_eq!(tags(found), ["v1.0.0"], "{name}: search ignores case");
        let percent = VersionFilter {
            search: Some("%".to_owned()),
            ..VersionFilter::default()
        };
        assert!(
            store::versions::list_public_page(backend.db(), repository, &percent, 10, 0)
                .await
                .expect("searched")
                .is_empty(),
            "{name}: % is a character, not a wildcard"
        );
        let stable = VersionFilter {
            channel: Some(app::domain::version::Channel::Stable),
            ..VersionFilter::default()
        };
        let page = store::versions::list_public_page(backend.db(), repository, &stable, 2, 1)
            .await
            .expect("a page");
        assert_eq!(tags(page), ["v1.1.0", "v1.0.0"], "{name}");
        let matching = store::versions::count_matching(backend.db(), repository, &stable)
            .await
            .expect("counted");
        assert_eq!((matching.versions, matching.trains), (3, 3), "{name}");

        let trains =
            store::versions::list_trains(backend.db(), repository, &VersionFilter::default(), 1, 1)
                .await
                .expect("trains");
        assert_eq!(
            tags(trains),
            ["v1.1.0", "v1.1.0-rc.1"],
            "{name}: the second train"
        );
        let lines = store::versions::line_counts(backend.db(), repository)
            .await
            .expect("lines");
        assert_eq!(
            lines,
            [("2.x".to_owned(), 1), ("1.x".to_owned(), 3)],
            "{name}"
        );
        let drafts = store::versions::list_drafts(backend.db(), repository)
            .await
            .expect("drafts");
        assert_eq!(drafts.len(), 1, "{name}");
        assert_eq!(
            store::versions::list_other_tags(backend.db(), repository)
                .await
                .expect("other tags"),
            Vec::<String>::new(),
            "{name}: nightly has no git tag"
        );

        let detail = store::versions::find_by_id(backend.db(), v11)
            .await
            .expect("read")
            .expect("public");
        assert_eq!(
            (detail.title.as_str(), detail.has_release),
            ("Second", true),
            "{name}"
        );
        let (previous, next) =
            store::versions::neighbours(backend.db(), repository, &detail.precedence, true)
                .await
                .expect("neighbours");
        assert_eq!(
            (previous.as_deref(), next.as_deref()),
            (Some("v1.0.0"), Some("v2.0.0")),
            "{name}"
        );
        assert_eq!(
            store::versions::last_change(backend.db(), repository)
                .await
                .expect("read"),
            Some(Utc.with_ymd_and_hms(2026, 1, 4, 12, 0, 0).unwrap()),
            "{name}"
        );

        store::versions::withdraw(backend.db(), v2, "broken", Some("2.0.1"), "octocat", None)
            .await
            .expect("withdrawn");
        assert_eq!(
            store::versions::highest_stable_except(backend.db(), repository, "")
                .await
                .expect("read")
                .as_deref(),
            Some("2.0.0"),
            "{name}"
        );
        let withdrawn: Vec<bool> = store::versions::list_public(backend.db(), repository)
            .await
            .expect("listed")
            .into_iter()
            .map(|entry| entry.withdrawn)
            .collect();
        assert_eq!(withdrawn, [true, false, false, false], "{name}");
        assert!(
            store::versions::restore(backend.db(), v2)
                .await
                .expect("restored"),
            "{name}"
        );

        // A sync that no longer sees 1.0.0 marks its tag and release deleted.
        let now = Utc::now();
        let kept = [v11, v2];
        let tags_gone =
            store::versions::mark_tags_deleted_except(backend.db(), repository, &kept, now)
                .await
                .expect("marked");
        let releases_gone =
            store::versions::mark_releases_deleted_except(backend.db(), repository, &kept, now)
                .await
                .expect("marked");
        assert_eq!(
            (tags_gone, releases_gone),
            (2, 3),
            "{name}: v1.0.0 and the rc, and the draft's release"
        );
        assert_eq!(
            store::versions::public_id(backend.db(), repository, "1.0.0")
                .await
                .expect("read"),
            None,
            "{name}"
        );
        assert_eq!(
            store::versions::tag_of(backend.db(), v1)
                .await
                .expect("read")
                .as_deref(),
            Some("v1.0.0"),
            "{name}: a deleted tag keeps its row"
        );
    }
}

#[tokio::test]
async fn plans_claim_each_gate_once_and_drop_alike() {
    use app::store::plans::PlanFields;
    for backend in Backend::both().await {
        let name = backend.name();
        let now = Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0).unwrap();
        let repo = backend.tracked("acme", "orbit").await;
        let repository = repo.id;
        let version = store::versions::upsert(backend.db(), &repo, "v3.0.0")
            .await
            .expect("a version");
        let fields = PlanFields {
            target_date: chrono::NaiveDate::from_ymd_opt(2026, 7, 1).expect("a day"),
            branch: "release/3.0",
            notes: "The big one",
        };
        assert!(
            store::plans::save_new(backend.db(), version, &fields, "octocat", now)
                .await
                .expect("planned"),
            "{name}"
        );
        assert!(
            !store::plans::save_new(backend.db(), version, &fields, "octocat", now)
                .await
                .expect("refused"),
            "{name}: a live plan is not replaced"
        );
        let plans = store::plans::list(backend.db(), repository)
            .await
            .expect("plans");
        assert_eq!(plans.len(), 1, "{name}");
        assert_eq!(
            (
                plans[0].target_date,
                plans[0].tagged,
                plans[0].gate_sha.as_deref()
            ),
            (fields.target_date, false, None),
            "{name}"
        );

        let claim = || store::plans::claim_gate(backend.db(), version, "abc", "pending", "3 open");
        assert!(claim().await.expect("claimed"), "{name}");
        assert!(
            !claim().await.expect("claimed"),
            "{name}: the same status is written once"
        );
        store::plans::unclaim_gate(backend.db(), version, "abc")
            .await
            .expect("unclaimed");
        assert!(
            claim().await.expect("claimed"),
            "{name}: a failed write is tried again"
        );

        assert!(
            store::plans::cancel(backend.db(), version, now)
                .await
                .expect("dropped"),
            "{name}"
        );
        assert!(
            store::plans::list(backend.db(), repository)
                .await
                .expect("plans")
                .is_empty(),
            "{name}"
        );
    }
}

#[tokio::test]
async fn incidents_and_their_updates_alike() {
    use app::domain::incident::{AffectedRange, Severity, Status, ValidIncident};
    for backend in Backend::both().await {
        let name = backend.name();
        let now = Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0).unwrap();
        let repository = backend.repository("acme", "orbit").await;
        let incident = ValidIncident {
            title: "Corrupt archives".to_owned(),
            issue: "The 2.3.1 archives are truncated".to_owned(),
            impact: String::new(),
            status: Status::Investigating,
            workaround: "Use 2.3.0".to_owned(),
            timeline: String::new(),
            action: String::new(),
            severity: Severity::Major,
            affected: AffectedRange::parse(">=2.3.1, <2.3.2").expect("a range"),
            fixed_in: None,
        };
        let draft =
            store::incidents::insert(backend.db(), repository, &incident, false, "octocat", now)
                .await
                .expect("a draft");
        let public =
            store::incidents::insert(backend.db(), repository, &incident, true, "octocat", now)
                .await
                .expect("published");
        let visible: Vec<i64> = store::incidents::list(backend.db(), repository, false)
            .await
            .expect("listed")
            .into_iter()
            .map(|incident| incident.id)
            .collect();
        assert_eq!(visible, [public], "{name}: drafts are for maintainers");

        let later = now + chrono::Duration::hours(2);
        store::incidents::add_update(
            backend.db(),
            public,
            Status::Resolved,
            "Fixed in 2.3.2",
            "octocat",
            later,
        )
        .await
        .expect("an update");
        let found = store::incidents::find(backend.db(), repository, public)
            .await
            .expect("read")
            .expect("found");
        assert_eq!(
            (found.status.as_str(), found.resolved_at, found.published_at),
            ("resolved", Some(later), Some(now)),
            "{name}"
        );
        let published = store::incidents::published_updates(backend.db(), repository)
            .await
            .expect("updates");
        assert_eq!(published.len(), 1, "{name}");
        assert_eq!(published[0].0, public, "{name}");

        let mut published_now = incident.clone();
        published_now.status = Status::FixInProgress;
        store::incidents::update(backend.db(), draft, &published_now, true, later)
            .await
            .expect("updated");
        let all = store::incidents::list(backend.db(), repository, false)
            .await
            .expect("listed");
        assert_eq!(all.len(), 2, "{name}");
        assert_eq!(all[1].id, public, "{name}: resolved incidents come last");
    }
}

#[tokio::test]
async fn subscriptions_and_hooks_alike() {
    use app::store::notify::{hooks::HookFields, subscriptions};
    for backend in Backend::both().await {
        let name = backend.name();
        let now = Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0).unwrap();
        let repository = backend.repository("acme", "orbit").await;

        let id = subscriptions::ask(
            backend.db(),
            repository,
            "Ada@example.org",
            "releases",
            "",
            now,
        )
        .await
        .expect("asked");
        let again = subscriptions::ask(
            backend.db(),
            repository,
            "ada@EXAMPLE.org",
            "incidents",
            "2.x",
            now,
        )
        .await
        .expect("asked again");
        assert_eq!(
            id, again,
            "{name}: one subscription per address, whatever its case"
        );
        assert!(subscriptions::active(backend.db(), repository)
            .await
            .expect("active")
            .is_empty());
        assert!(
            subscriptions::confirm(backend.db(), id, now)
                .await
                .expect("confirmed"),
            "{name}"
        );
        let active = subscriptions::active(backend.db(), repository)
            .await
            .expect("active");
        assert_eq!(active.len(), 1, "{name}");
        assert_eq!(
            subscriptions::find_by_email(backend.db(), repository, "ADA@example.org")
                .await
                .expect("read")
                .map(|subscription| subscription.id),
            Some(id),
            "{name}"
        );
        subscriptions::unsubscribe(backend.db(), id, now)
            .await
            .expect("unsubscribed");
        assert!(subscriptions::active(backend.db(), repository)
            .await
            .expect("active")
            .is_empty());

        let fields = HookFields {
            url: "https://hooks.example.org/a",
            events: "releases",
            sealed_secret: &[1, 2, 3],
            format: "slack",
            active: true,
        };
        let hook = store::notify::hooks::insert(backend.db(), repository, &fields, "octocat", now)
            .await
            .expect("a hook");
        let mut turned_off = Vec::new();
        for _ in 0..3 {
            turned_off.push(
                store::notify::hooks::failed(backend.db(), hook, 3, "3 failures in a row")
                    .await
                    .expect("counted"),
            );
        }
        assert_eq!(turned_off, [false, false, true], "{name}");
        let stored = store::notify::hooks::find(backend.db(), repository, hook)
            .await
            .expect("read")
            .expect("found");
        assert_eq!(
            (
                stored.active,
                stored.failures,
                stored.sealed_secret.as_slice()
            ),
            (false, 3, &[1u8, 2, 3][..]),
            "{name}"
        );
        store::notify::hooks::update(backend.db(), hook, &fields, now)
            .await
            .expect("on again");
        let stored = store::notify::hooks::find(backend.db(), repository, hook)
            .await
            .expect("read")
            .expect("found");
        assert_eq!(
            (stored.active, stored.failures, stored.disabled_reason),
            (true, 0, None),
            "{name}"
        );
    }
}

#[tokio::test]
async fn people_roles_tokens_and_the_admin_link_alike() {
    use app::{
        domain::access::{Role, Scope},
        store::access::{self, GithubUser, NewToken, SealedTokens},
    };
    for backend in Backend::both().await {
        let name = backend.name();
        let repository = backend.repository("acme", "orbit").await;
        let tokens = SealedTokens {
            access: vec![9, 8, 7],
            refresh: None,
            expires_at: None,
        };
        let user = GithubUser {
            github_id: 583231,
            login: "octocat",
            name: Some("The Octocat"),
            avatar_url: None,
        };
        let id = access::upsert_github_user(backend.db(), &user, &tokens)
            .await
            .expect("signed in");
        let found = access::find_user(backend.db(), id)
            .await
            .expect("read")
            .expect("found");
        assert_eq!(found.github_token, Some(vec![9, 8, 7]), "{name}");
        assert!(!found.person.local_admin, "{name}");
        let admin = access::local_admin(backend.db()).await.expect("the admin");
        assert_eq!(
            access::local_admin(backend.db()).await.expect("the admin"),
            admin,
            "{name}"
        );

        access::set_roles(backend.db(), id, &[(repository, Role::Maintainer)])
            .await
            .expect("roles");
        assert_eq!(
            access::role(backend.db(), &found.person, repository)
                .await
                .expect("role"),
            Role::Maintainer,
            "{name}"
        );

        let token = access::insert_token(
            backend.db(),
            &NewToken {
                repository_id: repository,
                label: "CI",
                scopes: &[Scope::Checklists, Scope::Releases],
                token_hash: "hash",
                hint: "abcd",
                created_by: "octocat",
            },
        )
        .await
        .expect("a token");
        let holder = access::use_token(backend.db(), "hash")
            .await
            .expect("used")
            .expect("live");
        assert_eq!(
            (holder.token_id, holder.repository_id),
            (token, repository),
            "{name}"
        );
        assert!(access::revoke_token(backend.db(), repository, token)
            .await
            .expect("revoked"));
        assert!(
            access::use_token(backend.db(), "hash")
                .await
                .expect("read")
                .is_none(),
            "{name}"
        );
        let listed = access::list_tokens(backend.db(), repository)
            .await
            .expect("tokens");
        assert!(
            listed[0].revoked_at.is_some() && listed[0].last_used_at.is_some(),
            "{name}"
        );

        let now = Utc::now();
        let later = now + chrono::Duration::minutes(15);
        access::replace_admin_link(backend.db(), "first", later)
            .await
            .expect("a link");
        access::replace_admin_link(backend.db(), "second", later)
            .await
            .expect("a link");
        assert!(!access::redeem_admin_link(backend.db(), "first", now)
            .await
            .expect("read"));
        assert!(access::redeem_admin_link(backend.db(), "second", now)
            .await
            .expect("read"));
        assert!(
            !access::redeem_admin_link(backend.db(), "second", now)
                .await
                .expect("read"),
            "{name}: a link works once"
        );
    }
}

#[tokio::test]
async fn a_checklist_is_made_changed_ticked_and_logged_alike() {
    use app::{
        domain::{
            checklist::{evidence::Basis, ItemState, NewItem, TemplateKind},
            evidence::SourceKind,
        },
        store::checklists::{self, Change, Changed},
    };
    for backend in Backend::both().await {
        let name = backend.name();
        let now = Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0).unwrap();
        let repo = backend.tracked("acme", "orbit").await;
        let repository = repo.id;
        let version = released(&backend, &repo, "1.0.0", "One", false, 1).await;
        let item = |section: &str, text: &str, due: Option<i64>, evidence: Option<&str>| NewItem {
            section: section.to_owned(),
            text: text.to_owned(),
            due_minutes: due,
            evidence: evidence.map(str::to_owned),
        };
        let items = [
            item("Before", "Tests pass", None, Some("checks")),
            item("After", "Announce it", Some(60), None),
            item("After", "Write \"notes\" — ünïcode", Some(1440), None),
        ];
        let checklist = checklists::create(
            backend.db(),
            version,
            TemplateKind::Stable,
            1,
            &items,
            None,
            now,
        )
        .await
        .expect("made")
        .expect("new");
        assert_eq!(
            checklists::create(
                backend.db(),
                version,
                TemplateKind::Stable,
                1,
                &items,
                None,
                now
            )
            .await
            .expect("asked again"),
            None,
            "{name}: one checklist per version"
        );
        let stored = checklists::items(backend.db(), checklist)
            .await
            .expect("items");
        let texts: Vec<(&str, &str, Option<i64>, Option<&str>)> = stored
            .iter()
            .map(|i| {
                (
                    i.section.as_str(),
                    i.text.as_str(),
                    i.due_minutes,
                    i.evidence.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            texts,
            [
                ("Before", "Tests pass", None, Some("checks")),
                ("After", "Announce it", Some(60), None),
                ("After", "Write \"notes\" — ünïcode", Some(1440), None),
            ],
            "{name}: in order, as given"
        );

        let change = Change {
            state: ItemState::Done,
            note: "announced",
            by: "octocat",
            expected_revision: Some(1),
        };
        let applied = checklists::change_item(backend.db(), checklist, stored[1].id, &change, now)
            .await
            .expect("changed");
        assert!(
            matches!(applied, Changed::Applied(ref item) if item.revision == 2),
            "{name}"
        );
        let stale = checklists::change_item(backend.db(), checklist, stored[1].id, &change, now)
            .await
            .expect("refused");
        assert!(
            matches!(stale, Changed::Stale(_)),
            "{name}: based on revision 1"
        );

        let basis = Basis {
            kind: SourceKind::Checks,
            captured_at: now,
            snapshot_id: None,
        };
        assert!(
            checklists::tick_by_evidence(backend.db(), stored[0].id, 1, &basis, "CI passed", now)
                .await
                .expect("ticked"),
            "{name}"
        );
        assert!(
            !checklists::tick_by_evidence(backend.db(), stored[0].id, 1, &basis, "CI passed", now)
                .await
                .expect("not again"),
            "{name}"
        );
        let log = checklists::changes(backend.db(), checklist)
            .await
            .expect("the log");
        assert_eq!(log.len(), 2, "{name}");
        let counts = checklists::state_counts(backend.db(), repository)
            .await
            .expect("counts");
        let mut counts: Vec<(String, i64)> =
            counts.into_iter().map(|(_, state, n)| (state, n)).collect();
        counts.sort();
        assert_eq!(
            counts,
            [("done".to_owned(), 2), ("open".to_owned(), 1)],
            "{name}"
        );
    }
}

#[tokio::test]
async fn the_outbox_and_evidence_readings_alike() {
    use app::{
        domain::evidence::{Finding, Reading, SourceKind, SourceState},
        store::notify::{
            hooks::HookFields,
            outbox::{self, LocalMail, Outcome, Recipient},
            subscriptions,
        },
    };
    for backend in Backend::both().await {
        let name = backend.name();
        let now = Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0).unwrap();
        let repository = backend.repository("acme", "orbit").await;

        let event = outbox::insert_event(
            backend.db(),
            repository,
            "release:1.0.0",
            "releases",
            "1.x",
            "{}",
            now,
        )
        .await
        .expect("an event")
        .expect("new");
        assert_eq!(
            outbox::insert_event(
                backend.db(),
                repository,
                "release:1.0.0",
                "releases",
                "1.x",
                "{}",
                now
            )
            .await
            .expect("asked again"),
            None,
            "{name}: each event is written once"
        );
        assert!(
            outbox::event_exists(backend.db(), repository, "release:1.0.0")
                .await
                .expect("read")
        );

        let subscriber = subscriptions::ask(
            backend.db(),
            repository,
            "ada@example.org",
            "releases",
            "",
            now,
        )
        .await
        .expect("asked");
        let hook = store::notify::hooks::insert(
            backend.db(),
            repository,
            &HookFields {
                url: "https://hooks.example.org/a",
                events: "releases",
                sealed_secret: &[1],
                format: "json",
                active: true,
            },
            "octocat",
            now,
        )
        .await
        .expect("a hook");
        for (uid, to) in [
            ("mail-1", Recipient::Subscriber(subscriber)),
            ("hook-1", Recipient::Hook(hook)),
            ("hook-1", Recipient::Hook(hook)),
        ] {
            outbox::insert_delivery(backend.db(), uid, Some(event), to, now)
                .await
                .expect("owed");
        }
        let due = outbox::due(backend.db(), now, 10).await.expect("due");
        assert_eq!(due.len(), 2, "{name}: {due:?}");
        assert!(due
            .iter()
            .all(|d| d.payload.as_deref() == Some("{}") && d.name == "orbit"));

        let retry_at = now + chrono::Duration::minutes(5);
        let mail = due
            .iter()
            .find(|d| d.subscription_id.is_some())
            .expect("the mail");
        let call = due.iter().find(|d| d.hook_id.is_some()).expect("the call");
        outbox::record_attempt(
            backend.db(),
            mail.id,
            &Outcome::Sent { status: Some(250) },
            now,
        )
        .await
        .expect("sent");
        let retry = Outcome::Retry {
            next: retry_at,
            status: Some(502),
            error: "bad gateway",
        };
        outbox::record_attempt(backend.db(), call.id, &retry, now)
            .await
            .expect("to retry");
        assert!(
            outbox::due(backend.db(), now, 10)
                .await
                .expect("due")
                .is_empty(),
            "{name}"
        );
        assert_eq!(
            outbox::next_due(backend.db()).await.expect("next"),
            Some(retry_at),
            "{name}"
        );

        let kept = LocalMail {
            id: 0,
            delivery_uid: "mail-1".to_owned(),
            recipient: "ada@example.org".to_owned(),
            subject: "Orbit 1.0.0".to_owned(),
            headers: "To: ada@example.org".to_owned(),
            text_body: "Hello".to_owned(),
            html_body: "<p>Hello</p>".to_owned(),
            created_at: now,
        };
        outbox::keep_local_mail(backend.db(), &kept)
            .await
            .expect("kept");
        let mails = outbox::local_mail(backend.db(), 10).await.expect("mail");
        assert_eq!(
            mails
                .iter()
                .map(|m| (m.subject.as_str(), m.created_at))
                .collect::<Vec<_>>(),
            [("Orbit 1.0.0", now)],
            "{name}"
        );

        let repo = store::repositories::find_by_id(backend.db(), repository)
            .await
            .expect("read")
            .expect("found");
        let version = released(&backend, &repo, "1.0.0", "One", false, 1).await;
        let reading = Reading {
            kind: SourceKind::Checks,
            state: SourceState::Pass,
            summary: "2 checks passed".to_owned(),
            url: "https://github.com/acme/orbit/commit/abc/checks".to_owned(),
            findings: vec![Finding {
                name: "test (ubuntu-latest)".to_owned(),
                state: SourceState::Pass,
                note: "success".to_owned(),
                url: String::new(),
                kinds: Vec::new(),
            }],
        };
        let first = store::evidence::record(backend.db(), version, "abc", &reading, now)
            .await
            .expect("recorded");
        assert!(first.is_some(), "{name}");
        assert_eq!(
            store::evidence::record(backend.db(), version, "abc", &reading, now)
                .await
                .expect("asked again"),
            None,
            "{name}: the same reading is no news"
        );
        let latest = store::evidence::latest(backend.db(), version)
            .await
            .expect("latest");
        assert_eq!(latest.len(), 1, "{name}");
        assert_eq!(
            latest[0].reading, reading,
            "{name}: the findings round-trip as JSON"
        );
    }
}
