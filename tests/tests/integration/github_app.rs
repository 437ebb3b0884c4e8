//! GitHub App mode end to end against the fake GitHub: the manifest flow stores the App's
//! credentials sealed, installation webhooks track repositories, syncs go through installation
//! tokens that are renewed before they expire and when GitHub refuses them, a removed
//! repository stops syncing and keeps its history, and forged installation webhooks are refused.

use std::{sync::Arc, time::Duration};

use app::domain::access::Scope;
use axum::body::Body;
use hmac::{Hmac, Mac};
use http::{Request, StatusCode};
use releasedesk_tests::{
    eventually,
    fake_github::{self, FakeGitHub, FakeRepo, FakeTag},
    fake_oauth::FakeUser,
    header, router_with_github, send, session_cookie, TestApp, TestResponse, ORIGIN,
};
use sha2::Sha256;

const INSTALLATION: i64 = 4242;

fn tag(name: &str, n: usize) -> FakeTag {
    FakeTag {
        name: name.to_owned(),
        commit_sha: format!("{n:040}"),
        commit_date: format!("2026-0{n}-01T10:00:00Z"),
        annotated: None,
    }
}

fn repo(tags: &[&str]) -> FakeRepo {
    FakeRepo {
        tags: tags
            .iter()
            .enumerate()
            .map(|(i, name)| tag(name, i + 1))
            .collect(),
        ..FakeRepo::default()
    }
}

/// A server reaching the fake through one set of clients, with a scheduler that syncs on
/// webhooks after 100 ms; the local administrator signed in.
struct World {
    fake: FakeGitHub,
    app: TestApp,
    clients: Arc<releasedesk::github::GitHubClients>,
    admin: String,
}

async fn world() -> World {
    let fake = FakeGitHub::start().await;
    fake.put_repo("acme/rocket", repo(&["v1.0.0", "v1.1.0"]));
    fake.put_repo("acme/probe", repo(&["v0.1.0"]));
    let clients = fake_github::clients(&fake);
    let mut app = TestApp::with_clients(&fake, clients.clone()).await;
    let host = fake_github::host_through(clients.clone());
    let trigger = releasedesk::scheduler::spawn(
        app.pool.clone(),
        clients.clone(),
        &url::Url::parse("https://github.com").expect("url"),
        Duration::from_secs(3600),
        Duration::from_millis(100),
        host.clone(),
        app.notifier(),
    );
    app.router = router_with_github(
        app.pool.clone(),
        &app.dir,
        app.auth.clone(),
        host,
        Some(fake_github::site(&fake, clients.clone())),
        Some(trigger),
    );
    let token = app.auth.issue_local_link(std::time::Instant::now());
    let signed_in = app.get(&format!("/auth/local?token={token}")).await;
    let admin = session_cookie(&signed_in.headers).expect("the local administrator's session");
    World {
        fake,
        app,
        clients,
        admin,
    }
}

fn get(path: &str) -> Request<Body> {
    Request::get(path).body(Body::empty()).expect("request")
}

/// The set-up page's manifest form: where it posts, and the manifest.
fn manifest_form(page: &str) -> (String, String) {
    let html = scraper::Html::parse_document(page);
    let form = scraper::Selector::parse("form[method=post][action*=\"settings/apps/new\"]")
        .expect("selector");
    let input = scraper::Selector::parse("input[name=manifest]").expect("selector");
    let form = html.select(&form).next().expect("the manifest form");
    let action = form.value().attr("action").expect("action").to_owned();
    let manifest = form
        .select(&input)
        .next()
        .and_then(|i| i.value().attr("value"))
        .unwrap_or_else(|| panic!("the manifest: {page}"))
        .to_owned();
    (action, manifest)
}

/// What the browser does on GitHub: posts the manifest, and is sent back with a code.
async fn post_manifest(action: &str, manifest: &str) -> String {
    let answer = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
        .post(action)
        .form(&[("manifest", manifest)])
        .send()
        .await
        .expect("the fake GitHub answers");
    assert!(answer.status().is_redirection(), "{}", answer.status());
    let back = answer
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .expect("a redirect back")
        .to_owned();
    back.strip_prefix(ORIGIN)
        .unwrap_or_else(|| panic!("GitHub sent the browser elsewhere: {back}"))
        .to_owned()
}

impl World {
    /// Runs the manifest flow as the local administrator; answers the page they end on.
    async fn set_up_app(&self) -> String {
        let page = self
            .app
            .send(get("/setup/github-app"), Some(&self.admin))
            .await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let (action, manifest) = manifest_form(&page.body);
        let callback = post_manifest(&action, &manifest).await;
        let back = self.app.send(get(&callback), Some(&self.admin)).await;
        assert_eq!(back.status, StatusCode::SEE_OTHER, "{}", back.body);
        assert_eq!(header(&back, "location"), "/setup/github-app");
        self.app
            .page_text(Some(&self.admin), "/setup/github-app")
            .await
    }

    async fn deliver(&self, (event, body): (&str, String), secret: &str) -> TestResponse {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("key");
        mac.update(body.as_bytes());
        let signature = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(1);
        let delivery = format!(
            "72d3162e-cc78-11e3-81ab-{:012}",
            NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        );
        let request = Request::post("/webhooks/github")
            .header("content-type", "application/json")
            .header("x-github-event", event)
            .header("x-github-delivery", delivery)
            .header("x-hub-signature-256", signature)
            .body(Body::from(body))
            .expect("request");
        send(&self.app.router, request).await
    }

    /// Installs the App on `repositories` of acme, as a person on GitHub does, and delivers
    /// the webhook GitHub sends for it.
    async fn install(&self, installation: i64, repositories: &[&str]) -> TestResponse {
        self.fake.install_app(installation, repositories);
        let created = self
            .fake
            .installation_webhook("created", installation, "acme", repositories);
        self.deliver(created, &self.webhook_secret()).await
    }

    fn webhook_secret(&self) -> String {
        self.fake.app().expect("the App is made").webhook_secret
    }

    async fn repository(&self, name: &str) -> Option<app::store::repositories::Repository> {
        app::store::repositories::find(&self.app.pool, "acme", name)
            .await
            .expect("query")
    }

    async fn runs(&self, name: &str) -> Vec<app::model::sync::SyncRun> {
        let Some(repo) = self.repository(name).await else {
            return Vec::new();
        };
        app::store::sync::recent_runs(&self.app.pool, repo.id, 50)
            .await
            .expect("runs")
    }

    /// Waits for one more finished sync of `name` than `before`, and answers the runs.
    async fn next_sync(&self, name: &str, before: usize) -> Vec<app::model::sync::SyncRun> {
        assert!(
            eventually(async || self
                .runs(name)
                .await
                .iter()
                .filter(|r| r.finished_at.is_some())
                .count()
                > before)
            .await,
            "a sync of acme/{name} finished: {:?} {:?}",
            self.runs(name).await,
            self.fake.take_log()
        );
        self.runs(name).await
    }
}

#[tokio::test]
async fn the_manifest_flow_keeps_the_apps_credentials_sealed() {
    let world = world().await;
    let anonymous = world.app.send(get("/setup/github-app"), None).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);

    let page = world
        .app
        .send(
            get("/setup/github-app?name=Acme+releases&organization=acme"),
            Some(&world.admin),
        )
        .await;
    // The page's forms may post to GitHub's manifest page, and no other page's may.
    assert!(
        header(&page, "content-security-policy")
            .contains(&format!("form-action 'self' {};", world.fake.url)),
        "{}",
        header(&page, "content-security-policy")
    );
    assert!(header(&world.app.get("/").await, "content-security-policy")
        .contains("form-action 'self';"));
    let (action, manifest) = manifest_form(&page.body);
    assert!(
        action.starts_with(&format!(
            "{}/organizations/acme/settings/apps/new?state=rds_",
            world.fake.url
        )),
        "{action}"
    );
    let manifest: serde_json::Value = serde_json::from_str(&manifest).expect("JSON");
    assert_eq!(manifest["name"], "Acme releases");
    assert_eq!(
        manifest["hook_attributes"]["url"],
        format!("{ORIGIN}/webhooks/github")
    );
    assert_eq!(manifest["default_permissions"]["checks"], "write");

    let page = world.set_up_app().await;
    assert!(
        page.contains("The GitHub App Release Desk is set up"),
        "{page}"
    );
    assert!(page.contains("Install the App on repositories"), "{page}");

    let fake_app = world.fake.app().expect("the fake made the App");
    let stored = app::store::github_app::find_app(&world.app.pool)
        .await
        .expect("query")
        .expect("the App is kept");
    assert_eq!(
        (stored.app_id, stored.client_id.as_str()),
        (fake_app.id, fake_app.client_id.as_str())
    );
    for (sealed, plain) in [
        (
            &stored.webhook_secret_sealed,
            fake_app.webhook_secret.as_str(),
        ),
        (
            &stored.client_secret_sealed,
            fake_app.client_secret.as_str(),
        ),
    ] {
        let text = String::from_utf8_lossy(sealed);
        assert!(!text.contains(plain), "a secret is kept in the clear");
        assert_eq!(
            world.app.auth.key.open(sealed).as_deref(),
            Some(plain.as_bytes())
        );
    }
    let key = world
        .app
        .auth
        .key
        .open(&stored.private_key_sealed)
        .expect("the key opens");
    assert!(String::from_utf8_lossy(&key).starts_with("-----BEGIN RSA PRIVATE KEY-----"));
    assert!(!page.contains(&fake_app.webhook_secret) && !page.contains(&fake_app.client_secret));
    assert!(
        world.clients.app().is_some(),
        "the server acts as the App at once"
    );

    // People now sign in through the App's own OAuth client, with their roles as before.
    world
        .fake
        .oauth
        .add_user(FakeUser::new(7, "mona").pushes_to("acme/orbit"));
    let mona = world.app.sign_in(&world.fake, "mona").await;
    let me = world.app.send(get("/api/v1/me"), Some(&mona)).await.json();
    assert_eq!(me["login"], "mona", "{me}");
    let login = world.app.get("/auth/login?next=/").await;
    assert_eq!(login.status, StatusCode::SEE_OTHER, "{}", login.body);
    assert!(
        header(&login, "location").contains(&format!("client_id={}", fake_app.client_id)),
        "{}",
        header(&login, "location")
    );
}

#[tokio::test]
async fn an_expiring_user_token_is_renewed_so_roles_follow_github_without_a_new_sign_in() {
    let world = world().await;
    world.set_up_app().await;
    world.app.track("acme", "rocket").await;
    world.fake.oauth.add_user(FakeUser::new(8, "vic"));
    let vic = world.app.sign_in(&world.fake, "vic").await;
    let patch = || {
        Request::patch("/api/v1/repos/acme/rocket/settings")
            .header("content-type", "application/json")
            .header("origin", ORIGIN)
            .body(Body::from(r#"{"security_months": 7}"#))
            .expect("request")
    };
    assert_eq!(
        world.app.send(patch(), Some(&vic)).await.status,
        StatusCode::FORBIDDEN,
        "a viewer"
    );
    let stored = || async {
        sqlx::query_as::<_, (Vec<u8>, Option<String>)>(
            "SELECT github_token, github_token_expires_at FROM users WHERE login = 'vic'",
        )
        .fetch_one(&world.app.pool)
        .await
        .expect("the user")
    };
    let (first_token, expires_at) = stored().await;
    assert!(expires_at.is_some(), "a GitHub App's user token expires");

    // Eight hours on: GitHub no longer takes the token, vic got push, and the roles are due.
    world.fake.oauth.expire_user_tokens();
    world
        .fake
        .oauth
        .set_permissions("vic", "acme/rocket", (false, false, true));
    sqlx::query(
        "UPDATE users SET github_token_expires_at = '2000-01-01T00:00:00Z',
                          roles_checked_at = '2000-01-01T00:00:00Z' WHERE login = 'vic'",
    )
    .execute(&world.app.pool)
    .await
    .expect("age the token");
    let answer = world.app.send(patch(), Some(&vic)).await;
    assert_eq!(
        answer.status,
        StatusCode::OK,
        "a maintainer now: {}",
        answer.body
    );
    let (renewed, expires_at) = stored().await;
    assert_ne!(renewed, first_token, "the renewed token is kept");
    assert!(
        expires_at
            .as_deref()
            .is_some_and(|at| !at.starts_with("2000")),
        "{expires_at:?}"
    );
    assert_eq!(
        world.fake.oauth.unused_refresh_tokens(),
        1,
        "the refresh token was spent and a new one kept"
    );
}

/// Once people sign in through the App, the link `serve` prints is refused; the one
/// `releasedesk admin link` makes brings the local administrator back to the set-up page, once,
/// within its 15 minutes, and only the newest such link works.
#[tokio::test]
async fn the_local_administrator_comes_back_with_a_link_made_on_the_server() {
    let world = world().await;
    world.set_up_app().await;
    let app = &world.app;
    let follow = |token: String| async move {
        let answer = app.get(&format!("/auth/local?token={token}")).await;
        (answer.status, session_cookie(&answer.headers))
    };

    let printed = app.auth.issue_local_link(std::time::Instant::now());
    assert_eq!(follow(printed).await.0, StatusCode::BAD_REQUEST);
    let refused = app.get("/auth/local?token=rdl_guess").await;
    assert!(
        refused.body.contains("<code>releasedesk admin link</code>"),
        "{}",
        refused.body
    );

    let replaced = releasedesk::auth::issue_admin_link(&app.pool)
        .await
        .expect("a link");
    let link = releasedesk::auth::issue_admin_link(&app.pool)
        .await
        .expect("a link");
    assert_eq!(follow(replaced).await.0, StatusCode::BAD_REQUEST);
    let (status, session) = follow(link.clone()).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let session = session.expect("a session");
    let page = app.page_text(Some(&session), "/setup/github-app").await;
    assert!(page.contains("Replace it with a new App"), "{page}");
    assert_eq!(
        follow(link).await.0,
        StatusCode::BAD_REQUEST,
        "it works once"
    );

    let late = "rdl_late";
    app::store::access::replace_admin_link(
        &app.pool,
        &releasedesk::auth::secret_key::token_hash(late),
        chrono::Utc::now() - chrono::Duration::seconds(1),
    )
    .await
    .expect("kept");
    let (status, session) = follow(late.to_owned()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(session.is_none());
}

#[tokio::test]
async fn a_code_from_a_flow_this_session_did_not_start_is_refused() {
    let world = world().await;
    let page = world
        .app
        .send(get("/setup/github-app"), Some(&world.admin))
        .await;
    let (action, manifest) = manifest_form(&page.body);
    let callback = post_manifest(&action, &manifest).await;
    let forged = callback.replace("state=rds_", "state=rds_forged");
    let back = world.app.send(get(&forged), Some(&world.admin)).await;
    assert_eq!(back.status, StatusCode::SEE_OTHER);
    let page = world
        .app
        .page_text(Some(&world.admin), "/setup/github-app")
        .await;
    assert!(page.contains("did not start"), "{page}");
    assert!(app::store::github_app::find_app(&world.app.pool)
        .await
        .expect("query")
        .is_none());

    // Someone else following the link with the right state gets nowhere either.
    let stranger = world.app.send(get(&callback), None).await;
    assert_eq!(stranger.status, StatusCode::FORBIDDEN);
    assert!(app::store::github_app::find_app(&world.app.pool)
        .await
        .expect("query")
        .is_none());

    // A code GitHub does not know (used, or made up) is refused with GitHub's reason.
    let made_up = callback.replace("code=fakecode1", "code=fakecode99");
    world.app.send(get(&made_up), Some(&world.admin)).await;
    let page = world
        .app
        .page_text(Some(&world.admin), "/setup/github-app")
        .await;
    assert!(page.contains("GitHub did not take the code"), "{page}");
}

#[tokio::test]
async fn installations_track_and_sync_repositories_through_expiring_tokens() {
    let world = world().await;
    world.set_up_app().await;
    // Tokens that expire in 62 seconds: kept for the first sync, renewed before the next
    // once less than a minute is left.
    world.fake.set_token_lifetime(chrono::Duration::seconds(62));
    // The personal token spends 200 requests of its own rate limit.
    let personal = fake_github::fetcher(&world.fake);
    for _ in 0..200 {
        let _ = personal
            .get::<serde_json::Value>("/repos/acme/rocket/tags", None)
            .await;
    }
    assert!(personal
        .rate_limit_remaining()
        .is_some_and(|left| left <= 4800));
    world.fake.take_log();
    world
        .fake
        .install_app(INSTALLATION, &["acme/rocket", "acme/probe"]);

    // A forged installation event changes nothing: wrong secret, or the repository
    // webhook's secret, which does not speak for the App.
    let created = world.fake.installation_webhook(
        "created",
        INSTALLATION,
        "acme",
        &["acme/rocket", "acme/probe"],
    );
    for secret in ["not-the-secret", releasedesk_tests::WEBHOOK_SECRET] {
        let forged = world.deliver(created.clone(), secret).await;
        assert_eq!(forged.status, StatusCode::UNAUTHORIZED, "{}", forged.body);
    }
    assert!(world.repository("rocket").await.is_none());

    let applied = world.deliver(created, &world.webhook_secret()).await;
    assert_eq!(applied.status, StatusCode::OK, "{}", applied.body);
    let rocket = world.repository("rocket").await.expect("tracked");
    assert_eq!(rocket.installation_id, Some(INSTALLATION));

    // The sync the installation asked for goes through an installation token.
    let runs = world.next_sync("rocket", 0).await;
    assert_eq!(runs[0].error, None, "{runs:?}");
    let log = world.fake.take_log();
    assert!(
        log.iter()
            .any(|r| r.path.ends_with("/access_tokens") && r.status == 201),
        "{log:?}"
    );
    let reads: Vec<_> = log
        .iter()
        .filter(|r| r.path.starts_with("/repos/acme/rocket/"))
        .collect();
    assert!(!reads.is_empty());
    assert!(
        reads
            .iter()
            .all(|r| r.credential == format!("installation {INSTALLATION}")),
        "{reads:?}"
    );
    let versions = world
        .app
        .get("/api/v1/repos/acme/rocket/versions")
        .await
        .json();
    assert_eq!(versions.as_array().map(Vec::len), Some(2), "{versions}");
    // The rate limit recorded is the installation's, counted apart from the personal token's
    // (of which 200 requests went before).
    assert!(
        runs[0].rate_limit_remaining.is_some_and(|left| left > 4900),
        "{runs:?}"
    );

    // Less than a minute left: a new token before the next sync, which never sees a 401.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let minted = world.fake.minted_tokens();
    world.fake.take_log();
    world
        .deliver(release_event("rocket"), &world.webhook_secret())
        .await;
    let runs = world.next_sync("rocket", 1).await;
    assert_eq!(runs[0].error, None);
    assert!(
        world.fake.minted_tokens() > minted,
        "renewed before it expired"
    );
    assert!(world.fake.take_log().iter().all(|r| r.status != 401));

    // GitHub refuses the token (revoked, or expired early): one 401, a new token, no failure.
    world.fake.set_token_lifetime(chrono::Duration::hours(1));
    world.fake.take_log();
    world.fake.revoke_installation_tokens();
    let minted = world.fake.minted_tokens();
    world
        .deliver(release_event("rocket"), &world.webhook_secret())
        .await;
    let runs = world.next_sync("rocket", 2).await;
    assert_eq!(runs[0].error, None, "{runs:?}");
    assert!(
        runs.iter().all(|r| r.error.is_none()),
        "no sync failed: {runs:?}"
    );
    assert_eq!(world.fake.minted_tokens(), minted + 1, "one new token");
    let log = world.fake.take_log();
    assert!(log.iter().any(|r| r.status == 401), "{log:?}");
    assert!(
        world.fake.refused_jwts().is_empty(),
        "{:?}",
        world.fake.refused_jwts()
    );

    // The App loses acme/probe: it stops syncing and keeps what it had.
    world.next_sync("probe", 0).await;
    world
        .fake
        .remove_from_installation(INSTALLATION, &["acme/probe"]);
    let removed = world
        .fake
        .installation_webhook("removed", INSTALLATION, "acme", &["acme/probe"]);
    let answer = world.deliver(removed, &world.webhook_secret()).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert!(answer.body.contains("1 stopped"), "{}", answer.body);
    let probe = world.repository("probe").await.expect("still tracked");
    assert!(probe.sync_stopped);
    let kept = world
        .app
        .get("/api/v1/repos/acme/probe/versions")
        .await
        .json();
    assert_eq!(
        kept.as_array().map(Vec::len),
        Some(1),
        "its history stays: {kept}"
    );
    let before = world.runs("probe").await.len();
    world
        .deliver(release_event("probe"), &world.webhook_secret())
        .await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(
        world.runs("probe").await.len(),
        before,
        "no sync of a removed repository"
    );
    assert!(
        world
            .fake
            .take_log()
            .iter()
            .all(|r| !r.path.starts_with("/repos/acme/probe")),
        "nothing asked of GitHub about it"
    );

    // Uninstalled: every repository of the installation stops.
    let deleted = world
        .fake
        .installation_webhook("deleted", INSTALLATION, "acme", &[]);
    let answer = world.deliver(deleted, &world.webhook_secret()).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert!(
        world
            .repository("rocket")
            .await
            .expect("tracked")
            .sync_stopped
    );
    let installations = app::store::github_app::list_installations(&world.app.pool)
        .await
        .expect("query");
    assert!(installations[0].deleted_at.is_some());
}

#[tokio::test]
async fn a_new_app_retires_the_installations_of_the_one_it_replaces() {
    let world = world().await;
    world.set_up_app().await;
    world.install(INSTALLATION, &["acme/rocket"]).await;
    world.next_sync("rocket", 0).await;

    let page = world.set_up_app().await;
    assert!(
        page.contains("The 1 repositories of the App it replaces stopped syncing"),
        "{page}"
    );
    assert_eq!(
        world.clients.app().map(|app| app.app_id),
        world.fake.app().map(|app| app.id),
        "the server acts as the new App"
    );
    let rocket = world.repository("rocket").await.expect("still tracked");
    assert!(
        rocket.sync_stopped,
        "its old installation is gone with the old App"
    );
    let kept = world
        .app
        .get("/api/v1/repos/acme/rocket/versions")
        .await
        .json();
    assert_eq!(kept.as_array().map(Vec::len), Some(2), "{kept}");

    // Installing the new App on it brings it back.
    let answer = world.install(7, &["acme/rocket"]).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let rocket = world.repository("rocket").await.expect("tracked");
    assert_eq!(
        (rocket.installation_id, rocket.sync_stopped),
        (Some(7), false)
    );
}

#[tokio::test]
async fn the_release_gate_is_a_check_run_with_the_open_items_when_an_app_writes() {
    let world = world().await;
    world.set_up_app().await;
    world.install(INSTALLATION, &["acme/rocket"]).await;
    world.next_sync("rocket", 0).await;
    world
        .fake
        .put_branch("acme/rocket", "release/v1.2.0", &"c".repeat(40));
    let token = world
        .app
        .token("acme", "rocket", &[Scope::Checklists, Scope::Releases])
        .await;
    let planned = world
        .app
        .send_json(
            "POST",
            "/api/v1/repos/acme/rocket/plans",
            Some(&token),
            &serde_json::json!({ "version": "1.2.0", "target_date": "2026-12-24" }),
        )
        .await;
    assert_eq!(planned.status, StatusCode::CREATED, "{}", planned.body);
    assert!(
        eventually(async || !world.fake.check_runs("acme/rocket").is_empty()).await,
        "a check run is written"
    );
    let run = &world.fake.check_runs("acme/rocket")[0];
    assert_eq!(run["head_sha"], "c".repeat(40));
    assert_eq!(run["name"], "releasedesk/checklist");
    assert_eq!(run["status"], "in_progress");
    let summary = run["output"]["summary"].as_str().unwrap_or_default();
    assert!(
        summary.contains("pre-release items are open") && summary.contains("- [ ] "),
        "{summary}"
    );
    assert!(
        world.fake.statuses("acme/rocket").is_empty(),
        "no commit status besides"
    );
}

/// A release published on GitHub; each a new one (the same body twice is one delivery).
fn release_event(name: &str) -> (&'static str, String) {
    static NEXT: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(1);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tag = format!("v9.9.{n}");
    let body = serde_json::json!({
        "action": "published",
        "release": fake_github::release(90 + n, &tag, false, false, Some("2026-09-01T10:00:00Z")),
        "repository": { "name": name, "full_name": format!("acme/{name}"), "owner": { "login": "acme" } },
    });
    ("release", body.to_string())
}
