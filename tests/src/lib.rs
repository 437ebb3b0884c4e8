//! The integration-test harness: a fresh database per test, the real router in process, and
//! the real binary for command-line tests.

pub mod fake_github;

use std::path::PathBuf;

use app::state::AppState;
use axum::{body::Body, Router};
use http::{Request, StatusCode};
use sqlx::SqlitePool;
use tempfile::TempDir;
use tower::ServiceExt;

/// The webhook secret of every test app.
pub const WEBHOOK_SECRET: &str = "test-webhook-secret";

/// A migrated database in a temporary folder and the router serving it.
pub struct TestApp {
    pub pool: SqlitePool,
    pub router: Router,
    pub dir: TempDir,
}

pub struct TestResponse {
    pub status: StatusCode,
    pub headers: http::HeaderMap,
    pub body: String,
}

impl TestResponse {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|err| panic!("body is not JSON ({err}): {}", self.body))
    }
}

impl TestApp {
    pub async fn new() -> TestApp {
        let dir = tempfile::tempdir().expect("temporary folder");
        let pool = app::store::connect(
            sqlx::sqlite::SqliteConnectOptions::new().filename(dir.path().join("test.db")),
        )
        .await
        .expect("database opens");
        app::store::MIGRATOR
            .run(&pool)
            .await
            .expect("migrations apply");
        let router = router_for(pool.clone(), &dir);
        TestApp { pool, router, dir }
    }

    pub async fn with_demo() -> TestApp {
        let app = TestApp::new().await;
        releasedesk::demo::load(&app.pool, chrono::Utc::now().date_naive())
            .await
            .expect("demo loads");
        app
    }

    /// Records a finished sync run of `owner/name`, as a sync would.
    pub async fn record_sync_run(
        &self,
        owner: &str,
        name: &str,
        result: &app::store::sync::RunResult<'_>,
    ) {
        let repo = app::store::repositories::find(&self.pool, owner, name)
            .await
            .expect("query")
            .expect("a tracked repository");
        let run = app::store::sync::start_run(&self.pool, repo.id, "schedule")
            .await
            .expect("run");
        app::store::sync::finish_run(&self.pool, run, result)
            .await
            .expect("finish");
    }

    pub async fn get(&self, uri: &str) -> TestResponse {
        let request = Request::get(uri)
            .body(Body::empty())
            .expect("request builds");
        send(&self.router, request).await
    }
}

/// The real router over `pool`, with an empty site root.
pub fn router_for(pool: SqlitePool, dir: &TempDir) -> Router {
    let site_root = dir.path().join("site");
    let options = releasedesk::http::leptos_options(
        &site_root.to_string_lossy(),
        "127.0.0.1:0".parse().expect("address"),
    );
    let services = releasedesk::http::Services {
        webhook_secret: Some(releasedesk::config::Secret::new(WEBHOOK_SECRET)),
        sync: None,
        metrics: Default::default(),
    };
    releasedesk::http::router(
        AppState {
            pool,
            leptos_options: options,
        },
        services,
    )
}

pub async fn send(router: &Router, request: Request<Body>) -> TestResponse {
    let response = router
        .clone()
        .oneshot(request)
        .await
        .expect("router answers");
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), 16 * 1024 * 1024)
        .await
        .expect("body reads");
    TestResponse {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

/// The real tag set of grafana/alloy from `shared/data` (208 tags, snapshot of 2026-08).
pub fn alloy_tags() -> Vec<AlloyTag> {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/grafana-alloy-tags.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
    let data: serde_json::Value = serde_json::from_str(&text).expect("tag data is JSON");
    data["tags"]
        .as_array()
        .expect("a tags array")
        .iter()
        .map(|tag| AlloyTag {
            name: tag["name"].as_str().expect("name").to_owned(),
            commit_sha: tag["commit_sha"].as_str().expect("sha").to_owned(),
            tag_object_sha: tag["tag_object_sha"].as_str().map(str::to_owned),
            tagger_date: tag["tagger_date"].as_str().map(str::to_owned),
            commit_date: tag["commit_date"].as_str().expect("commit date").to_owned(),
        })
        .collect()
}

pub struct AlloyTag {
    pub name: String,
    pub commit_sha: String,
    /// Set for annotated tags.
    pub tag_object_sha: Option<String>,
    pub tagger_date: Option<String>,
    pub commit_date: String,
}
