//! The real `releasedesk` binary: start-up validation, exit codes, graceful shutdown.

use std::{
    io::{BufRead, BufReader},
    net::TcpListener,
    process::{Command, Stdio},
    time::{Duration, Instant},
};

// These run the binary itself, so they live beside it: Cargo builds it for them.
mod common;
use common::releasedesk;

fn run(command: &mut Command) -> (i32, String) {
    let output = command.output().expect("releasedesk runs");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (output.status.code().unwrap_or(-1), stderr)
}

#[test]
fn a_bad_database_url_stops_with_one_line_and_status_2() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let (code, stderr) = run(releasedesk(&dir)
        .arg("serve")
        .env("RELEASEDESK_DATABASE_URL", "nonsense"));
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
    assert!(stderr.contains("RELEASEDESK_DATABASE_URL"), "{stderr}");
    assert!(
        !stderr.contains("panicked") && !stderr.contains("backtrace"),
        "{stderr}"
    );
}

#[test]
fn an_unopenable_database_names_the_setting() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let (code, stderr) = run(releasedesk(&dir).arg("migrate").env(
        "RELEASEDESK_DATABASE_URL",
        "sqlite:///nonexistent-folder/x/releasedesk.db",
    ));
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr
            .trim()
            .starts_with("releasedesk: invalid RELEASEDESK_DATABASE_URL"),
        "{stderr}"
    );
}

#[test]
fn other_bad_settings_stop_with_status_2() {
    let dir = tempfile::tempdir().expect("temporary folder");
    for (name, value) in [
        ("RELEASEDESK_BIND", "not-an-address"),
        ("RELEASEDESK_SYNC_INTERVAL", "0m"),
        ("RELEASEDESK_PUBLIC_URL", "example.org"),
        ("RELEASEDESK_GITHUB_API_URL", "file:///etc"),
        ("RELEASEDESK_SIGN_IN_LIMIT", "0"),
        ("RELEASEDESK_SIGN_IN_LIMIT", "many"),
    ] {
        let (code, stderr) = run(releasedesk(&dir).arg("serve").env(name, value));
        assert_eq!(code, 2, "{name}: {stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "{name}: {stderr}");
        assert!(stderr.contains(name), "{name}: {stderr}");
    }
}

#[test]
fn a_port_in_use_stops_with_status_2() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let taken = TcpListener::bind("127.0.0.1:0").expect("a free port");
    let address = taken.local_addr().expect("address").to_string();
    let (code, stderr) = run(releasedesk(&dir).args(["serve", "--bind", &address]));
    assert_eq!(code, 2, "{stderr}");
    let last = stderr.trim().lines().last().unwrap_or_default();
    assert!(
        last.contains("RELEASEDESK_BIND") && last.contains("already in use"),
        "{stderr}"
    );
}

#[test]
fn migrate_creates_the_database_and_demo_loads_it() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let (code, stderr) = run(releasedesk(&dir).arg("migrate"));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        dir.path().join("releasedesk.db").exists(),
        "the default database is created"
    );
    let (code, stderr) = run(releasedesk(&dir).arg("demo"));
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn serve_answers_then_stops_gracefully_on_sigterm() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let mut child = releasedesk(&dir)
        .args(["serve", "--demo", "--bind", "127.0.0.1:0"])
        .stderr(Stdio::piped())
        .spawn()
        .expect("server starts");
    let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
    let started = Instant::now();
    let address = loop {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "server did not start"
        );
        let line = lines
            .next()
            .expect("server logs its address")
            .expect("line");
        if let Some(rest) = line.split("serving Release Desk at http://").nth(1) {
            break rest.trim().to_owned();
        }
    };
    let body = reqwest::blocking_get(&format!("http://{address}/acme/orbit"));
    assert!(body.contains("v3.2.0-rc.1"));

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let exit = child.wait().expect("server exits");
    assert!(exit.success(), "exit {exit:?}: {rest:?}");
    assert!(rest.iter().any(|line| line.contains("stopped")), "{rest:?}");
}

mod reqwest {
    /// A tiny blocking GET on a runtime of its own, for the synchronous tests above.
    pub fn blocking_get(url: &str) -> String {
        let runtime = tokio::runtime::Runtime::new().expect("runtime");
        runtime.block_on(async {
            let response = ::reqwest::get(url).await.expect("request succeeds");
            assert!(response.status().is_success(), "{}", response.status());
            response.text().await.expect("body")
        })
    }
}

#[test]
fn repo_add_and_list_and_sync_of_an_untracked_repository() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let output = releasedesk(&dir)
        .args(["repo", "add", "acme/widget", "--tag-prefix", "widget-v"])
        .output()
        .expect("runs");
    assert!(output.status.success(), "{output:?}");
    let output = releasedesk(&dir)
        .args(["repo", "list"])
        .output()
        .expect("runs");
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("acme/widget"),
        "{output:?}"
    );

    let (code, stderr) = run(releasedesk(&dir)
        .args(["sync", "acme/other"])
        .env("RELEASEDESK_GITHUB_API_URL", "http://127.0.0.1:9"));
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("not tracked"), "{stderr}");

    let (code, stderr) = run(releasedesk(&dir).args(["repo", "add", "no-slash"]));
    assert_eq!(code, 2, "{stderr}");
}

#[test]
fn token_create_prints_a_token_once_and_stores_only_its_hash() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let output = releasedesk(&dir).args(["demo"]).output().expect("runs");
    assert!(output.status.success(), "{output:?}");
    let output = releasedesk(&dir)
        .args([
            "token",
            "create",
            "acme/orbit",
            "--scope",
            "checklists,incidents",
        ])
        .output()
        .expect("runs");
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let token = stdout.trim();
    assert!(token.starts_with("rdk_") && token.len() == 44, "{stdout}");
    assert!(String::from_utf8_lossy(&output.stderr).contains("checklists,incidents"));
    let db = std::fs::read(dir.path().join("releasedesk.db")).expect("database file");
    assert!(
        !db.windows(token.len()).any(|w| w == token.as_bytes()),
        "the token itself is never stored"
    );

    let (code, stderr) =
        run(releasedesk(&dir).args(["token", "create", "acme/orbit", "--scope", "admin"]));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("unknown scope 'admin'"), "{stderr}");
    let (code, stderr) =
        run(releasedesk(&dir).args(["token", "create", "acme/else", "--scope", "incidents"]));
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("not tracked"), "{stderr}");
}

/// Without OAuth, `serve` prints a one-time link for the local administrator, and keeps a
/// generated secret key beside the database.
#[test]
fn serve_without_oauth_prints_a_one_time_admin_link() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let mut child = releasedesk(&dir)
        .args(["serve", "--demo", "--bind", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("server starts");
    let stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let link = stdout
        .lines()
        .map_while(Result::ok)
        .find_map(|line| {
            line.trim()
                .starts_with("http://")
                .then(|| line.trim().to_owned())
        })
        .expect("a sign-in link on standard output");
    assert!(link.contains("/auth/local?token=rdl_"), "{link}");
    assert!(dir.path().join("releasedesk.db.secret-key").exists());

    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let (first, second) = runtime.block_on(follow_twice(&link));
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
    assert_eq!(first.0, 303);
    assert!(first
        .1
        .is_some_and(|c| c.starts_with("releasedesk_session=")));
    assert_eq!(second, 400, "the link works once");
}

/// With GitHub sign-in configured `serve` prints no link; `admin link` makes one for the running
/// server, which signs the local administrator in once.
#[test]
fn admin_link_signs_the_local_administrator_in_beside_github_sign_in() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let mut command = releasedesk(&dir);
    command
        .env("RELEASEDESK_GITHUB_CLIENT_ID", "Iv1.0123456789abcdef")
        .env("RELEASEDESK_GITHUB_CLIENT_SECRET", "not a secret");
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let server = runtime.block_on(common::Server::start(dir, command));

    let output = releasedesk(&server.dir)
        .args(["admin", "link"])
        .env(
            "RELEASEDESK_BIND",
            server.base.trim_start_matches("http://"),
        )
        .output()
        .expect("releasedesk runs");
    assert!(output.status.success(), "{output:?}");
    let link = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    let prefix = format!("{}/auth/local?token=rdl_", server.base);
    assert!(link.starts_with(&prefix), "{link}");

    let (first, second) = runtime.block_on(follow_twice(&link));
    assert_eq!(first.0, 303);
    assert!(first
        .1
        .is_some_and(|c| c.starts_with("releasedesk_session=")));
    assert_eq!(second, 400, "the link works once");

    let (code, stderr) =
        run(releasedesk(&server.dir).args(["admin", "link", "--public-url", "ftp://x"]));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("RELEASEDESK_PUBLIC_URL"), "{stderr}");
}

/// Follows a sign-in link twice: the first answer's status and session cookie, and the second
/// answer's status.
async fn follow_twice(link: &str) -> ((u16, Option<String>), u16) {
    let client = ::reqwest::Client::builder()
        .redirect(::reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let first = client.get(link).send().await.expect("answer");
    let cookie = first
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let second = client.get(link).send().await.expect("answer");
    ((first.status().as_u16(), cookie), second.status().as_u16())
}

#[test]
fn export_writes_a_site_and_refuses_a_folder_of_other_files() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let database = format!("sqlite://{}", dir.path().join("export.db").display());
    let (code, stderr) = run(releasedesk(&dir)
        .arg("demo")
        .env("RELEASEDESK_DATABASE_URL", &database));
    assert_eq!(code, 0, "{stderr}");

    let out = dir.path().join("site");
    let export = |out: &std::path::Path| {
        run(releasedesk(&dir)
            .args(["export", "--out"])
            .arg(out)
            .env("RELEASEDESK_DATABASE_URL", &database))
    };
    // The export works beside its target; a folder of someone else's there is left alone.
    let beside = dir.path().join("site.export-in-progress");
    std::fs::create_dir(&beside).expect("folder");
    std::fs::write(beside.join("notes.txt"), "keep me").expect("file");
    let (code, stderr) = export(&out);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("site.export-in-progress"), "{stderr}");
    assert!(beside.join("notes.txt").is_file(), "nothing of it is lost");
    std::fs::remove_dir_all(&beside).expect("removed");

    let (code, stderr) = export(&out);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("--base-url"),
        "says where feed links point: {stderr}"
    );
    assert!(out.join("acme/orbit/support/index.html").is_file());
    assert!(out
        .join("api/v1/repos/acme/orbit/support/index.json")
        .is_file());
    // An earlier export is replaced whole.
    std::fs::write(out.join("stale.txt"), "left over").expect("file");
    let (code, stderr) = export(&out);
    assert_eq!(code, 0, "{stderr}");
    assert!(!out.join("stale.txt").exists());

    let mine = dir.path().join("mine");
    std::fs::create_dir(&mine).expect("folder");
    std::fs::write(mine.join("notes.txt"), "keep me").expect("file");
    let (code, stderr) = export(&mine);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("--out"), "{stderr}");
    assert!(mine.join("notes.txt").is_file(), "nothing of it is lost");

    let (code, stderr) = run(releasedesk(&dir)
        .args(["export", "--out", "x", "--base-url", "ftp://example.org"])
        .env("RELEASEDESK_DATABASE_URL", &database));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--base-url"), "{stderr}");
}

#[test]
fn app_show_says_which_app_is_set_up_and_never_a_secret() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let url = format!("sqlite://{}", dir.path().join("app.db").display());
    let show = |dir: &tempfile::TempDir| {
        let output = releasedesk(dir)
            .args(["app", "show", "--database-url", &url])
            .output()
            .expect("releasedesk runs");
        assert!(output.status.success(), "{output:?}");
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    assert!(
        show(&dir).contains("no GitHub App is set up"),
        "{}",
        show(&dir)
    );

    let key = releasedesk::auth::secret_key::SecretKey::random();
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let options: sqlx::sqlite::SqliteConnectOptions = url.parse().expect("url");
        let pool = app::store::connect(options).await.expect("database");
        app::store::MIGRATOR.run(&pool).await.expect("migrated");
        let now = chrono::Utc::now();
        app::store::github_app::save_app(
            &pool,
            &app::store::github_app::StoredApp {
                app_id: 77,
                slug: "acme-releases".into(),
                name: "Acme releases".into(),
                owner_login: "acme".into(),
                html_url: "https://github.com/apps/acme-releases".into(),
                client_id: "Iv1.0123456789abcdef".into(),
                client_secret_sealed: key.seal(b"CLIENT-SECRET"),
                private_key_sealed: key.seal(b"-----BEGIN RSA PRIVATE KEY-----"),
                webhook_secret_sealed: key.seal(b"WEBHOOK-SECRET"),
                created_at: now,
            },
        )
        .await
        .expect("saved");
        app::store::github_app::save_installation(&pool, 42, "acme", now)
            .await
            .expect("installed");
        app::store::github_app::track_through(&pool, "acme", "rocket", 42, now)
            .await
            .expect("tracked");
        pool.close().await;
    });
    let shown = show(&dir);
    assert!(
        shown.contains("GitHub App Acme releases (acme-releases, id 77), owned by acme"),
        "{shown}"
    );
    assert!(
        shown.contains("installation 42 on acme: 1 repositories synced"),
        "{shown}"
    );
    for secret in ["CLIENT-SECRET", "PRIVATE KEY", "WEBHOOK-SECRET"] {
        assert!(!shown.contains(secret), "{shown}");
    }
}

#[tokio::test]
async fn migrate_data_copies_the_demo_once_and_names_bad_urls() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let target = releasedesk_tests::postgres::database().await;
    let (code, stderr) = run(releasedesk(&dir).arg("demo"));
    assert_eq!(code, 0, "{stderr}");
    let migrate = |from: &str, to: &str| {
        releasedesk(&dir)
            .args(["migrate-data", "--from", from, "--to", to])
            // The default filter: PostgreSQL's notices ("already exists, skipping") stay out.
            .env("RUST_LOG", "info,sqlx=warn")
            .output()
            .expect("releasedesk runs")
    };

    let first = migrate("sqlite://releasedesk.db", &target);
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert_eq!(
        first.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(stdout.contains("the counts match"), "{stdout}");
    let versions: u64 = stdout
        .lines()
        .find_map(|line| line.strip_prefix("versions "))
        .and_then(|rest| rest.trim().strip_suffix(" rows"))
        .and_then(|count| count.trim().parse().ok())
        .unwrap_or_else(|| panic!("a line with the versions copied: {stdout}"));
    assert!(versions > 0, "{stdout}");

    let second = migrate("sqlite://releasedesk.db", &target);
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert_eq!(second.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
    assert!(stderr.contains("not empty"), "{stderr}");

    for (from, to, setting) in [
        ("sqlite://releasedesk.db", "mysql://db/releases", "--to"),
        ("postgres://db/releases", target.as_str(), "--from"),
        ("sqlite://missing.db", target.as_str(), "--from"),
    ] {
        let output = migrate(from, to);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{from} {to}: {stderr}");
        assert!(
            stderr
                .trim()
                .starts_with(&format!("releasedesk: invalid {setting}")),
            "{stderr}"
        );
    }
    assert!(
        !dir.path().join("missing.db").exists(),
        "the source is never created"
    );
}
