//! What each subcommand does, from validated settings to a running server.

mod export;

use std::{io::ErrorKind, net::SocketAddr, sync::Arc};

use app::{state::AppState, store};
use chrono::Utc;
use sqlx::SqlitePool;
use tokio::net::TcpListener;
use url::Url;

use self::export::export;
use crate::{
    auth::{
        github::GitHubOAuth,
        secret_key::{KeyOrigin, SecretKey},
        Auth,
    },
    config::{
        self, AdminCommand, AdminLinkArgs, AppCommand, Command, ConfigError, Database,
        DatabaseArgs, GitHubApi, MigrateData, RepoAddArgs, RepoCommand, ServeConfig, SyncArgs,
        TokenCommand, TokenCreateArgs,
    },
    evidence::refresh_repository,
    sync::{sync_repository, Progress},
};

/// Why the program stopped early; `main` prints it as one line.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// A setting is wrong: exit status 2.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// Something failed while running: exit status 1.
    #[error("{0}")]
    Runtime(String),
}

impl Failure {
    pub fn exit_code(&self) -> u8 {
        match self {
            Failure::Config(_) => 2,
            Failure::Runtime(_) => 1,
        }
    }
}

pub async fn run(command: Command) -> Result<(), Failure> {
    match command {
        Command::Serve(args) => serve(ServeConfig::from_args(*args)?).await,
        Command::Migrate(args) => {
            let pool = open(&args).await?;
            pool.close().await;
            let latest = store::MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0);
            println!(
                "{}: migrations applied up to {latest}",
                database_label(&args)
            );
            Ok(())
        }
        Command::Repo(RepoCommand::Add(args)) => add_repository(args).await,
        Command::Repo(RepoCommand::List(args)) => list_repositories(args).await,
        Command::Sync(args) => sync(args).await,
        Command::Token(TokenCommand::Create(args)) => create_token(args).await,
        Command::Export(args) => export(args).await,
        Command::App(AppCommand::Show(args)) => show_app(args).await,
        Command::Admin(AdminCommand::Link(args)) => admin_link(args).await,
        Command::MigrateData(args) => migrate_data(MigrateData::from_args(&args)?).await,
        Command::Demo(args) => {
            let pool = open(&args).await?;
            load_demo(&pool).await?;
            pool.close().await;
            println!(
                "demo project {}/{} loaded into {}",
                crate::demo::OWNER,
                crate::demo::NAME,
                database_label(&args)
            );
            Ok(())
        }
    }
}

async fn add_repository(args: RepoAddArgs) -> Result<(), Failure> {
    let pool = open(&args.database).await?;
    let repo = &args.repository;
    let new = store::repositories::NewRepository {
        owner: &repo.owner,
        name: &repo.name,
        description: "",
        tag_prefix: &args.tag_prefix,
    };
    store::repositories::upsert(&pool, &new)
        .await
        .map_err(database_failure)?;
    pool.close().await;
    println!("tracking {repo}; sync it with `releasedesk sync {repo}`");
    Ok(())
}

/// What `releasedesk app show` prints: the App and its installations, never a secret.
async fn show_app(args: DatabaseArgs) -> Result<(), Failure> {
    let pool = open(&args).await?;
    let app = store::github_app::find_app(&pool)
        .await
        .map_err(database_failure)?;
    let installations = store::github_app::list_installations(&pool)
        .await
        .map_err(database_failure)?;
    pool.close().await;
    let Some(app) = app else {
        println!(
            "no GitHub App is set up; the local administrator sets one up at /setup/github-app"
        );
        return Ok(());
    };
    println!(
        "GitHub App {} ({}, id {}), owned by {}",
        app.name, app.slug, app.app_id, app.owner_login
    );
    println!("  page:       {}", app.html_url);
    println!("  client id:  {}", app.client_id);
    println!(
        "  set up:     {}",
        app.created_at.format("%Y-%m-%d %H:%M UTC")
    );
    println!(
        "  secrets:    private key, webhook secret and client secret, sealed with the secret key"
    );
    if installations.is_empty() {
        println!(
            "not installed anywhere yet: install it from {}/installations/new",
            app.html_url
        );
    }
    for installation in installations {
        let state = match installation.deleted_at {
            Some(at) => format!("removed {}", at.format("%Y-%m-%d")),
            None => format!("{} repositories synced", installation.repositories),
        };
        println!(
            "installation {} on {}: {state}",
            installation.id, installation.account_login
        );
    }
    Ok(())
}

async fn create_token(args: TokenCreateArgs) -> Result<(), Failure> {
    let pool = open(&args.database).await?;
    let repo = &args.repository;
    let repository = store::repositories::find(&pool, &repo.owner, &repo.name)
        .await
        .map_err(database_failure)?
        .ok_or_else(|| {
            Failure::Runtime(format!(
                "{repo} is not tracked; add it first with `releasedesk repo add {repo}`"
            ))
        })?;
    let created = app::service::tokens::create_token(
        &pool,
        &repository,
        &args.label,
        &args.scope,
        "command line",
    )
    .await
    .map_err(|err| Failure::Runtime(format!("cannot create the token: {err}")))?;
    pool.close().await;
    let scopes: Vec<&str> = args.scope.iter().map(|s| s.as_str()).collect();
    eprintln!(
        "API token for {repo} with scope {} (shown only now; send it as `Authorization: Bearer TOKEN`):",
        scopes.join(",")
    );
    println!("{}", created.token);
    Ok(())
}

async fn admin_link(args: AdminLinkArgs) -> Result<(), Failure> {
    let base = args.base_url()?;
    let pool = open(&args.database).await?;
    let token = crate::auth::issue_admin_link(&pool)
        .await
        .map_err(database_failure)?;
    pool.close().await;
    eprintln!("Sign in as the local administrator with this link (it works once, for 15 minutes):");
    println!("{base}auth/local?token={token}");
    Ok(())
}

async fn list_repositories(args: DatabaseArgs) -> Result<(), Failure> {
    let pool = open(&args).await?;
    let repositories = store::repositories::list_summaries(&pool)
        .await
        .map_err(database_failure)?;
    pool.close().await;
    if repositories.is_empty() {
        println!("no repositories are tracked; add one with `releasedesk repo add OWNER/NAME`");
    }
    for repo in repositories {
        let latest = repo.latest_stable.unwrap_or_else(|| "-".to_owned());
        println!(
            "{}/{}\t{} versions\tlatest stable {latest}",
            repo.owner, repo.name, repo.version_count
        );
    }
    Ok(())
}

async fn sync(args: SyncArgs) -> Result<(), Failure> {
    let api = GitHubApi::from_args(&args.github)?;
    let pool = open(&args.database).await?;
    let name = &args.repository;
    let repo = store::repositories::find(&pool, &name.owner, &name.name)
        .await
        .map_err(database_failure)?
        .ok_or_else(|| {
            Failure::Runtime(format!(
                "{name} is not tracked; add it with `releasedesk repo add {name}`"
            ))
        })?;
    let app = match store::github_app::find_app(&pool)
        .await
        .map_err(database_failure)?
    {
        Some(_) => {
            let key = secret_key(
                args.secret_key.as_deref(),
                &Database::from_args(&args.database)?,
            )?;
            stored_app(&pool, &key, &api.url).await?.map(Arc::new)
        }
        None => None,
    };
    let clients = crate::github::GitHubClients::for_api(&api, app).map_err(Failure::Runtime)?;
    let fetcher = clients
        .for_repository(&repo)
        .map_err(Failure::Runtime)?
        .ok_or_else(|| {
            Failure::Runtime(format!(
            "{name} is no longer synced: the GitHub App was removed from it (its history stays)"
        ))
        })?;
    let progress = SyncProgress::new(name.to_string());
    let outcome = sync_repository(&pool, &fetcher, &repo, "cli", &progress).await;
    progress.finish();
    let summary =
        outcome.map_err(|err| Failure::Runtime(format!("sync of {name} failed: {err}")))?;
    let evidence = refresh_repository(&pool, &fetcher, &repo, &api.web(), None).await;
    pool.close().await;
    let evidence =
        evidence.map_err(|err| Failure::Runtime(format!("evidence of {name} not read: {err}")))?;
    let rate = fetcher
        .rate_limit_remaining()
        .map_or_else(|| "unknown".to_owned(), |r| r.to_string());
    println!(
        "synced {name}: {} tags, {} releases, {} marked deleted; {} requests ({} not modified), rate limit left {rate}",
        summary.tags,
        summary.releases,
        summary.deleted,
        fetcher.requests(),
        fetcher.not_modified(),
    );
    if evidence.versions > 0 {
        println!(
            "evidence of {} open checklists read: {} new readings, {} items verified",
            evidence.versions, evidence.snapshots, evidence.ticked
        );
    }
    Ok(())
}

/// A spinner on a terminal, plain log lines otherwise.
struct SyncProgress {
    name: String,
    bar: Option<indicatif::ProgressBar>,
}

impl SyncProgress {
    fn new(name: String) -> Self {
        use std::io::IsTerminal;
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new_spinner();
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
            bar
        });
        SyncProgress { name, bar }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Progress for SyncProgress {
    fn step(&self, message: &str) {
        match &self.bar {
            Some(bar) => bar.set_message(format!("{}: {message}", self.name)),
            None => eprintln!("sync {}: {message}", self.name),
        }
    }
}

fn database_failure(err: sqlx::Error) -> Failure {
    Failure::Runtime(format!("database error: {err}"))
}

fn database_label(args: &DatabaseArgs) -> &str {
    args.database_url.trim()
}

async fn open(args: &DatabaseArgs) -> Result<SqlitePool, Failure> {
    connect(&Database::from_args(args)?).await
}

/// Opens the database and applies pending migrations. A file that cannot be opened is a bad
/// setting; a failed migration is a runtime failure.
async fn connect(database: &Database) -> Result<SqlitePool, Failure> {
    let pool = store::connect(database.options.clone())
        .await
        .map_err(|err| {
            ConfigError::new(
                config::DATABASE_URL,
                format!("cannot open '{}': {err}", database.url),
            )
        })?;
    store::MIGRATOR
        .run(&pool)
        .await
        .map_err(|err| Failure::Runtime(format!("database migration failed: {err}")))?;
    Ok(pool)
}

/// Copies the SQLite database into the PostgreSQL one, after applying the PostgreSQL
/// migrations there, and prints each table's rows.
async fn migrate_data(settings: MigrateData) -> Result<(), Failure> {
    let source = sqlx::sqlite::SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(settings.from.options.clone())
        .await
        .map_err(|err| {
            ConfigError::new(
                config::MIGRATE_FROM,
                format!("cannot open '{}': {err}", settings.from.url),
            )
        })?;
    let target = sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .connect_with(settings.to.clone())
        .await
        .map_err(|err| {
            ConfigError::new(
                config::MIGRATE_TO,
                format!("cannot connect to '{}': {err}", settings.to_label),
            )
        })?;
    store::POSTGRES_MIGRATOR
        .run(&target)
        .await
        .map_err(|err| Failure::Runtime(format!("PostgreSQL migration failed: {err}")))?;
    let copied = crate::migrate_data::copy(&source, &settings.from.url, &target)
        .await
        .map_err(|err| Failure::Runtime(err.to_string()))?;
    for table in &copied {
        println!("{:<24} {:>9} rows", table.table, table.rows);
    }
    let total: i64 = copied.iter().map(|table| table.rows).sum();
    println!(
        "copied {total} rows in {} tables from {} into {}; the counts match",
        copied.len(),
        settings.from.url,
        settings.to_label
    );
    Ok(())
}

async fn load_demo(pool: &SqlitePool) -> Result<(), Failure> {
    crate::demo::load(pool, Utc::now().date_naive())
        .await
        .map_err(|err| Failure::Runtime(format!("loading the demo failed: {err}")))?;
    Ok(())
}

async fn serve(config: ServeConfig) -> Result<(), Failure> {
    let pool = connect(&config.database).await?;
    if config.demo {
        load_demo(&pool).await?;
        tracing::info!(
            "demo project {}/{} loaded",
            crate::demo::OWNER,
            crate::demo::NAME
        );
    }
    let listener = bind(config.bind).await?;
    let leptos_options = crate::http::leptos_options(&config.site_root, config.bind);
    let auth = Arc::new(auth_for(&config)?);
    let address = listener
        .local_addr()
        .map_err(|err| Failure::Runtime(err.to_string()))?;
    let base_url = config
        .public_url
        .as_ref()
        .map_or_else(|| format!("http://{address}"), Url::to_string);
    let public =
        Url::parse(&base_url).map_err(|err| Failure::Runtime(format!("bad public URL: {err}")))?;
    let github_app = stored_app(&pool, &auth.key, &config.github.url)
        .await?
        .map(Arc::new);
    let clients = Arc::new(
        crate::github::GitHubClients::for_api(&config.github, github_app.clone())
            .map_err(Failure::Runtime)?,
    );
    let site = crate::http::github_app::GitHubSite::new(
        clients.clone(),
        &config.github.url,
        &config.github_oauth_url,
        &public,
    )
    .map_err(Failure::Runtime)?;
    if let Some(app) = &github_app {
        crate::http::github_app::sign_in_through(&auth, app, &site).map_err(Failure::Runtime)?;
        tracing::info!(app_id = app.app_id, slug = %app.slug, "acting as the GitHub App; people sign in through it");
    }
    let host = crate::github::host::host_for(clients.clone(), config.public_url.as_ref());
    let notifier = crate::notify::notifier(&auth.key, &base_url, config.hooks_allow_private);
    crate::notify::spawn(sender_for(&config, &pool, &notifier, &base_url)?);
    let sync = if config.demo {
        tracing::info!("demo mode: no background sync with GitHub");
        None
    } else {
        let debounce = std::time::Duration::from_secs(10);
        Some(crate::scheduler::spawn(
            pool.clone(),
            clients.clone(),
            &config.github_oauth_url,
            config.sync_interval,
            debounce,
            host.clone(),
            notifier.clone(),
        ))
    };
    if config.webhook_secret.is_none() && clients.app().is_none() {
        tracing::warn!("RELEASEDESK_WEBHOOK_SECRET is not set and no GitHub App is set up: webhooks are refused");
    }
    forget_expired_sessions(&pool);
    let services = crate::http::Services {
        auth: auth.clone(),
        webhook_secret: config.webhook_secret.clone(),
        github: Some(site),
        sync,
        metrics: Default::default(),
        bodies: config.bodies.clone(),
        subscribe_limit: crate::http::subscriptions::SubscribeLimit::new(config.subscribe_limit),
    };
    let state = AppState {
        pool: pool.clone(),
        leptos_options,
        host,
        notifier,
        sites: app::state::Sites {
            public_url: base_url.clone(),
            github_web: config.github_oauth_url.to_string(),
        },
    };
    let router = crate::http::router(state, services);

    tracing::info!("serving Release Desk at http://{address}");
    if auth.github().is_none() {
        let token = auth.issue_local_link(std::time::Instant::now());
        let base = config
            .public_url
            .as_ref()
            .map_or_else(|| format!("http://{address}/"), Url::to_string);
        tracing::warn!("sign-in with GitHub is not configured (RELEASEDESK_GITHUB_CLIENT_ID)");
        // On standard output, like a notebook server: the one way in for the administrator.
        println!(
            "Sign in as the local administrator with this link (it works once, for 15 minutes):\n    {base}auth/local?token={token}"
        );
    }
    let limits = crate::connections::ConnectionLimits {
        max: config
            .max_connections
            .unwrap_or_else(crate::connections::default_max_connections),
        header_timeout: config.header_timeout,
        idle_timeout: std::time::Duration::from_secs(60),
    };
    tracing::info!(
        max_connections = limits.max,
        header_timeout_s = limits.header_timeout.as_secs(),
        max_body_bytes = config.bodies.max_bytes,
        "connection limits"
    );
    crate::connections::serve(listener, router, limits, shutdown_signal()).await;
    pool.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// The GitHub App kept in the database, opened with the secret key; `None` when there is none,
/// or (with a warning) when the key is not the one it was sealed with.
async fn stored_app(
    pool: &SqlitePool,
    key: &SecretKey,
    api_url: &Url,
) -> Result<Option<crate::github::app::GitHubApp>, Failure> {
    let Some(stored) = store::github_app::find_app(pool)
        .await
        .map_err(database_failure)?
    else {
        return Ok(None);
    };
    match crate::github::app::GitHubApp::open(&stored, key, api_url) {
        Ok(app) => Ok(Some(app)),
        Err(err) => {
            tracing::warn!("{err}; syncing with the personal token instead");
            Ok(None)
        }
    }
}

/// Deletes expired sessions hourly, for as long as the server runs.
fn forget_expired_sessions(pool: &SqlitePool) {
    use tower_sessions::ExpiredDeletion;
    let store = tower_sessions_sqlx_store::SqliteStore::new(pool.clone());
    tokio::spawn(async move {
        if let Err(err) = store
            .continuously_delete_expired(std::time::Duration::from_secs(3600))
            .await
        {
            tracing::warn!(error = %err, "stopped deleting expired sessions");
        }
    });
}

/// Sign-in settings: the secret key (configured, or kept beside the database), and the GitHub
/// OAuth app when there is one.
/// The sender of mail and hooks, with the transport the settings name.
fn sender_for(
    config: &ServeConfig,
    pool: &SqlitePool,
    notifier: &app::service::notify::Notifier,
    base_url: &str,
) -> Result<crate::notify::Sender, Failure> {
    use crate::notify::{hooks::HookClient, mail};
    let transport = match &config.smtp_url {
        Some(url) => {
            mail::Transport::Smtp(mail::smtp_transport(url.expose()).map_err(Failure::Runtime)?)
        }
        None => {
            tracing::info!(
                "RELEASEDESK_SMTP_URL is not set: mail is kept in the local outbox (/admin/outbox)"
            );
            mail::Transport::Local
        }
    };
    let domain = Url::parse(base_url)
        .ok()
        .and_then(|url| url.host_str().map(str::to_owned))
        .unwrap_or_else(|| "localhost".to_owned());
    Ok(crate::notify::Sender {
        pool: pool.clone(),
        notifier: notifier.clone(),
        mailer: mail::Mailer {
            transport,
            from: config.mail_from.clone(),
            domain,
        },
        hooks: HookClient {
            allow_private: config.hooks_allow_private,
            ..HookClient::default()
        },
    })
}

fn auth_for(config: &ServeConfig) -> Result<Auth, Failure> {
    let key = secret_key(
        config.secret_key.as_ref().map(|s| s.expose()),
        &config.database,
    )?;
    let public = config.public_url.clone().unwrap_or_else(|| {
        Url::parse(&format!("http://{}/", config.bind)).expect("an address makes a URL")
    });
    let github = match &config.oauth {
        Some(app) => {
            let redirect = public
                .join("auth/callback")
                .map_err(|err| Failure::Runtime(format!("bad public URL: {err}")))?;
            Some(
                GitHubOAuth::new(app, &config.github_oauth_url, &config.github.url, redirect)
                    .map_err(Failure::Runtime)?,
            )
        }
        None => None,
    };
    let mut auth = Auth::new(key, github, config.public_url.clone());
    auth.sign_in_limit = crate::auth::rate_limit::RateLimiter::new(
        config.sign_in_limit,
        std::time::Duration::from_secs(60),
    );
    Ok(auth)
}

/// The secret key: configured, or kept beside the database (made on first use).
fn secret_key(secret: Option<&str>, database: &Database) -> Result<SecretKey, Failure> {
    let key = match secret {
        Some(secret) => SecretKey::from_secret(secret),
        None => match database.options.get_filename() {
            path if path.as_os_str().is_empty() || path.as_os_str() == ":memory:" => {
                tracing::warn!("RELEASEDESK_SECRET_KEY is not set and the database is in memory: using a key that ends with this process");
                SecretKey::random()
            }
            path => {
                let key_path = key_path_beside(path);
                let (key, origin) = SecretKey::load_or_create(&key_path).map_err(|err| {
                    Failure::Runtime(format!(
                        "cannot use the key file {}: {err}",
                        key_path.display()
                    ))
                })?;
                if origin == KeyOrigin::Generated {
                    tracing::warn!("RELEASEDESK_SECRET_KEY is not set: generated a key and kept it in {}; back it up with the database, or set RELEASEDESK_SECRET_KEY", key_path.display());
                } else {
                    tracing::warn!(
                        "RELEASEDESK_SECRET_KEY is not set: using the key kept in {}",
                        key_path.display()
                    );
                }
                key
            }
        },
    };
    Ok(key)
}

/// `releasedesk.db` keeps its key in `releasedesk.db.secret-key`.
fn key_path_beside(database: &std::path::Path) -> std::path::PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push(".secret-key");
    name.into()
}

async fn bind(address: SocketAddr) -> Result<TcpListener, Failure> {
    TcpListener::bind(address).await.map_err(|err| {
        let reason = match err.kind() {
            ErrorKind::AddrInUse => "the address is already in use".to_owned(),
            ErrorKind::PermissionDenied => "permission denied".to_owned(),
            _ => err.to_string(),
        };
        ConfigError::new(
            config::BIND,
            format!("cannot listen on {address}: {reason}"),
        )
        .into()
    })
}

/// Resolves on SIGINT or SIGTERM; axum then stops accepting and lets requests in flight finish.
async fn shutdown_signal() {
    let interrupt = async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::warn!(error = %err, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(err) => {
                tracing::warn!(error = %err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
