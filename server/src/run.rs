//! What each subcommand does, from validated settings to a running server.

use std::{io::ErrorKind, net::SocketAddr};

use app::{state::AppState, store};
use chrono::Utc;
use sqlx::SqlitePool;
use tokio::net::TcpListener;

use crate::config::{self, Command, ConfigError, Database, DatabaseArgs, ServeConfig};

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
        Command::Serve(args) => serve(ServeConfig::from_args(args)?).await,
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
    let router = crate::http::router(AppState {
        pool: pool.clone(),
        leptos_options,
    });

    let address = listener
        .local_addr()
        .map_err(|err| Failure::Runtime(err.to_string()))?;
    tracing::info!("serving Release Desk at http://{address}");
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|err| Failure::Runtime(format!("server error: {err}")))?;
    pool.close().await;
    tracing::info!("stopped");
    Ok(())
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
