//! The integration-test harness: a fresh database per test, the real router in process, and
//! the real binary for command-line tests.

pub mod fake_github;
pub mod fake_oauth;
pub mod hook_receiver;
pub mod link_check;
pub mod postgres;
pub mod smtp;

use std::{path::PathBuf, sync::Arc};

use app::{service::host::Host, state::AppState};
use axum::{body::Body, Router};
use http::{Request, StatusCode};
use releasedesk::auth::{github::GitHubOAuth, secret_key::SecretKey, Auth};
use sqlx::SqlitePool;
use tempfile::TempDir;
use tower::ServiceExt;

/// A loopback port that is free now (another process may still take it before it is used).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free loopback port")
        .port()
}

/// The webhook secret of every test app.
pub const WEBHOOK_SECRET: &str = "test-webhook-secret";
/// Where test apps say they are reached: cookie requests must come from this origin.
pub const ORIGIN: &str = "http://releasedesk.test";

/// A migrated database in a temporary folder and the router serving it.
pub struct TestApp {
    pub pool: SqlitePool,
    pub router: Router,
    pub auth: Arc<Auth>,
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
    /// An app without GitHub sign-in.
    pub async fn new() -> TestApp {
        TestApp::with_auth(test_auth(None)).await
    }

    /// An app that signs people in with the fake GitHub, and writes to it (plans, publishing,
    /// mirrored withdrawals).
    pub async fn with_github(github: &fake_github::FakeGitHub) -> TestApp {
        let clients = fake_github::clients(github);
        TestApp::with_auth_and_host(
            test_auth(Some(github)),
            fake_github::host_through(clients.clone()),
            Some(fake_github::site(github, clients)),
        )
        .await
    }

    /// An app that reaches the fake GitHub through `clients` (shared with a scheduler, say),
    /// with no sign-in until a GitHub App brings its own.
    pub async fn with_clients(
        github: &fake_github::FakeGitHub,
        clients: Arc<releasedesk::github::GitHubClients>,
    ) -> TestApp {
        TestApp::with_auth_and_host(
            test_auth(None),
            fake_github::host_through(clients.clone()),
            Some(fake_github::site(github, clients)),
        )
        .await
    }

    async fn with_auth(auth: Auth) -> TestApp {
        TestApp::with_auth_and_host(auth, Host::default(), None).await
    }

    async fn with_auth_and_host(
        auth: Auth,
        host: Host,
        github: Option<releasedesk::http::github_app::GitHubSite>,
    ) -> TestApp {
        let auth = Arc::new(auth);
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
        let router = router_with_github(pool.clone(), &dir, auth.clone(), host, github, None);
        TestApp {
            pool,
            router,
            auth,
            dir,
        }
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

    /// The app's notifier: the same key signs links in mail and checks them in the router.
    pub fn notifier(&self) -> app::service::notify::Notifier {
        releasedesk::notify::notifier(&self.auth.key, ORIGIN, true)
    }

    pub async fn get(&self, uri: &str) -> TestResponse {
        let request = Request::get(uri)
            .body(Body::empty())
            .expect("request builds");
        send(&self.router, request).await
    }
}

/// Sign-in settings for a test app: a random key, our test origin, and the fake GitHub's
/// OAuth app when one is given.
pub fn test_auth(github: Option<&fake_github::FakeGitHub>) -> Auth {
    test_auth_with_key(github, SecretKey::random())
}

pub fn test_auth_with_key(github: Option<&fake_github::FakeGitHub>, key: SecretKey) -> Auth {
    let public = url::Url::parse(ORIGIN).expect("origin");
    let oauth = github.map(|github| {
        let url = url::Url::parse(&github.url).expect("fake URL");
        GitHubOAuth::new(
            &releasedesk::config::OAuthApp {
                client_id: fake_oauth::CLIENT_ID.to_owned(),
                client_secret: releasedesk::config::Secret::new(fake_oauth::CLIENT_SECRET),
            },
            &url,
            &url,
            public.join("auth/callback").expect("callback"),
        )
        .expect("OAuth client")
    });
    Auth::new(key, oauth, Some(public))
}

/// The real router over `pool`, with an empty site root.
pub fn router_for(pool: SqlitePool, dir: &TempDir, auth: Arc<Auth>) -> Router {
    router_with_host(pool, dir, auth, Host::default())
}

/// The real router over `pool`, reaching GitHub through `host`.
pub fn router_with_host(pool: SqlitePool, dir: &TempDir, auth: Arc<Auth>, host: Host) -> Router {
    router_with_github(pool, dir, auth, host, None, None)
}

/// The real router over `pool`, reaching GitHub through `host` and `github`, asking `sync` for
/// background work.
pub fn router_with_github(
    pool: SqlitePool,
    dir: &TempDir,
    auth: Arc<Auth>,
    host: Host,
    github: Option<releasedesk::http::github_app::GitHubSite>,
    sync: Option<releasedesk::scheduler::SyncTrigger>,
) -> Router {
    let github_web = github.as_ref().map_or_else(
        || "https://github.com".to_owned(),
        |github| github.oauth_url.to_string(),
    );
    let site_root = dir.path().join("site");
    let options = releasedesk::http::leptos_options(
        &site_root.to_string_lossy(),
        "127.0.0.1:0".parse().expect("address"),
    );
    let services = releasedesk::http::Services {
        auth,
        webhook_secret: Some(releasedesk::config::Secret::new(WEBHOOK_SECRET)),
        github,
        sync,
        metrics: Default::default(),
        bodies: Default::default(),
        subscribe_limit: Default::default(),
    };
    releasedesk::http::router(
        AppState {
            // Hooks in tests reach receivers on loopback.
            notifier: releasedesk::notify::notifier(&services.auth.key, ORIGIN, true),
            pool,
            leptos_options: options,
            host,
            sites: app::state::Sites {
                public_url: ORIGIN.to_owned(),
                github_web,
            },
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

/// The `name=value` of the session cookie a response sets, if it sets one.
pub fn session_cookie(headers: &http::HeaderMap) -> Option<String> {
    headers
        .get_all(http::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("releasedesk_session="))
        .and_then(|v| v.split(';').next())
        .map(str::to_owned)
}

impl TestApp {
    /// Sends a request, adding the session cookie when given.
    pub async fn send(&self, mut request: Request<Body>, cookie: Option<&str>) -> TestResponse {
        if let Some(cookie) = cookie {
            request
                .headers_mut()
                .insert(http::header::COOKIE, cookie.parse().expect("cookie header"));
        }
        send(&self.router, request).await
    }

    /// Starts a sign-in: `/auth/login`, then the fake GitHub's authorize step. Returns the
    /// session cookie and the callback path GitHub sent the browser to.
    pub async fn start_sign_in(&self) -> (String, String) {
        let mut request = Request::get("/auth/login?next=/acme/orbit")
            .body(Body::empty())
            .expect("request");
        // Each sign-in comes from a browser of its own, as far as the rate limit can tell.
        request
            .extensions_mut()
            .insert(axum::extract::ConnectInfo(next_client_address()));
        let start = self.send(request, None).await;
        assert_eq!(start.status, StatusCode::SEE_OTHER, "{}", start.body);
        let cookie = session_cookie(&start.headers).expect("a session cookie for the sign-in");
        let authorize = header(&start, "location");
        let answer = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client")
            .get(&authorize)
            .send()
            .await
            .expect("fake GitHub answers");
        assert!(
            answer.status().is_redirection(),
            "authorize: {}",
            answer.status()
        );
        let callback = answer
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .expect("a redirect back")
            .to_owned();
        let path = callback
            .strip_prefix(ORIGIN)
            .unwrap_or_else(|| panic!("GitHub sent the browser elsewhere: {callback}"))
            .to_owned();
        (cookie, path)
    }

    /// Signs `login` in through the fake GitHub; returns the session cookie.
    pub async fn sign_in(&self, github: &fake_github::FakeGitHub, login: &str) -> String {
        github.oauth.sign_in_as(login);
        let (cookie, callback) = self.start_sign_in().await;
        let mut request = Request::get(callback.as_str())
            .body(Body::empty())
            .expect("request");
        // From a browser of its own, like the start: the rate limit counts per address.
        request
            .extensions_mut()
            .insert(axum::extract::ConnectInfo(next_client_address()));
        let done = self.send(request, Some(&cookie)).await;
        assert_eq!(
            done.status,
            StatusCode::SEE_OTHER,
            "callback: {}",
            done.body
        );
        assert_eq!(header(&done, "location"), "/acme/orbit");
        session_cookie(&done.headers).expect("a new session id after sign-in")
    }
}

impl TestApp {
    /// The demo with the local administrator signed in; returns the session cookie too.
    pub async fn demo_signed_in() -> (TestApp, String) {
        let app = TestApp::with_demo().await;
        let token = app.auth.issue_local_link(std::time::Instant::now());
        let response = app.get(&format!("/auth/local?token={token}")).await;
        let cookie = session_cookie(&response.headers).expect("session");
        (app, cookie)
    }

    /// Posts a form as a browser without JavaScript does, from the page `from`.
    pub async fn post_form(
        &self,
        cookie: &str,
        path: &str,
        from: &str,
        fields: &[(&str, &str)],
    ) -> TestResponse {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        let request = Request::post(path)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "text/html")
            .header("origin", ORIGIN)
            .header("referer", format!("{ORIGIN}{from}"))
            .body(Body::from(body))
            .expect("request");
        self.send(request, Some(cookie)).await
    }

    /// A page that must answer 200, without Leptos's markers between text nodes, to read the
    /// words as people do.
    pub async fn page_text(&self, cookie: Option<&str>, path: &str) -> String {
        let request = Request::get(path).body(Body::empty()).expect("request");
        let response = self.send(request, cookie).await;
        assert_eq!(response.status, StatusCode::OK, "{path}");
        response.body.replace("<!>", "")
    }
}

/// A new client address for each simulated browser: 10.0.x.y.
fn next_client_address() -> std::net::SocketAddr {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(1);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    std::net::SocketAddr::from(([10, 0, (n >> 8) as u8, n as u8], 40000))
}

/// A response header as text; panics when it is missing.
pub fn header(response: &TestResponse, name: &str) -> String {
    response
        .headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("no {name} header"))
        .to_owned()
}

/// Tracks `owner/name` with these tags, straight into the store: each a git tag a day after
/// the one before, and every other one a published release titled "Release {tag}".
pub async fn seed_tags(pool: &SqlitePool, owner: &str, name: &str, tags: &[String]) {
    use app::store::{repositories, versions};

    let mut tx = pool.begin().await.expect("transaction");
    let new = repositories::NewRepository {
        owner,
        name,
        description: "Seeded for a test",
        tag_prefix: "v",
    };
    repositories::upsert(&mut *tx, &new)
        .await
        .expect("repository");
    let repo = repositories::find(&mut *tx, owner, name)
        .await
        .expect("query")
        .expect("just added");
    let start = chrono::DateTime::parse_from_rfc3339("2015-01-01T12:00:00Z")
        .expect("date")
        .to_utc();
    for (n, tag) in tags.iter().enumerate() {
        let at = start + chrono::Duration::days(n as i64);
        let id = versions::upsert(&mut *tx, &repo, tag)
            .await
            .expect("version");
        let sha = format!("{:040x}", n + 1);
        let git = versions::GitTag {
            commit_sha: &sha,
            tag_object_sha: None,
            tagged_at: Some(at),
        };
        versions::upsert_tag(&mut *tx, id, &git).await.expect("tag");
        if n % 2 == 0 {
            let title = format!("Release {tag}");
            let release = versions::GithubRelease {
                github_id: n as i64 + 1,
                name: &title,
                body: "",
                html_url: "",
                draft: false,
                prerelease: tag.contains('-'),
                created_at: at,
                published_at: Some(at),
            };
            versions::upsert_release(&mut *tx, id, &release)
                .await
                .expect("release");
        }
    }
    tx.commit().await.expect("commit");
}

impl TestApp {
    /// Tracks `owner/name` (tag prefix `v`), as `releasedesk repo add` does.
    pub async fn track(&self, owner: &str, name: &str) -> app::store::repositories::Repository {
        let new = app::store::repositories::NewRepository {
            owner,
            name,
            description: "",
            tag_prefix: "v",
        };
        app::store::repositories::upsert(&self.pool, &new)
            .await
            .expect("repository");
        app::store::repositories::find(&self.pool, owner, name)
            .await
            .expect("query")
            .expect("found")
    }

    /// A new API token of `owner/name` with these scopes.
    pub async fn token(
        &self,
        owner: &str,
        name: &str,
        scopes: &[app::domain::access::Scope],
    ) -> String {
        let repository = app::store::repositories::find(&self.pool, owner, name)
            .await
            .expect("query")
            .expect("a tracked repository");
        app::service::tokens::create_token(&self.pool, &repository, "test-bot", scopes, "mona")
            .await
            .expect("token")
            .token
    }

    /// A JSON request, with a bearer token when given.
    pub async fn send_json(
        &self,
        method: &str,
        uri: &str,
        token: Option<&str>,
        body: &serde_json::Value,
    ) -> TestResponse {
        let mut request = Request::builder()
            .method(method)
            .uri(uri)
            .header(http::header::CONTENT_TYPE, "application/json");
        if let Some(token) = token {
            request = request.header(http::header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let request = request.body(Body::from(body.to_string())).expect("request");
        self.send(request, None).await
    }
}

/// Waits up to 10 seconds for `done`, asking every 50 ms: for what happens in the background.
pub async fn eventually(mut done: impl AsyncFnMut() -> bool) -> bool {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while std::time::Instant::now() < deadline {
        if done().await {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    false
}
