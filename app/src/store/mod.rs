//! The queries, one module per table, each run on SQLite or PostgreSQL through `db`. Functions
//! take an executor so that callers choose between the pool and a transaction.

pub mod access;
pub mod changelogs;
pub mod checklists;
pub mod data_version;
pub mod db;
pub mod evidence;
pub mod github_app;
pub mod github_writes;
pub mod incidents;
pub mod notify;
pub mod plans;
pub mod repositories;
pub mod sync;
pub mod versions;
pub mod webhooks;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};
use std::time::Duration;

/// Migrations from `migrations/sqlite/`, embedded in the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");

/// The PostgreSQL schema's migrations, from `migrations/postgres/`. PostgreSQL runs them under
/// an advisory lock, so several servers starting at once apply each exactly once.
pub static POSTGRES_MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

/// Opens the pool: WAL so readers never wait on the writer, a busy timeout so writers queue
/// instead of failing, foreign keys on. Creates the file when it is missing.
pub async fn connect(options: SqliteConnectOptions) -> sqlx::Result<SqlitePool> {
    let options = options
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .busy_timeout(Duration::from_secs(5))
        .foreign_keys(true);
    SqlitePoolOptions::new()
        .max_connections(8)
        .connect_with(options)
        .await
}

/// True when every embedded migration has been applied successfully.
pub async fn migrations_applied(pool: &SqlitePool) -> sqlx::Result<bool> {
    let latest = MIGRATOR.iter().map(|m| m.version).max().unwrap_or(0);
    let applied: Option<i64> =
        sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success = 1")
            .fetch_one(pool)
            .await?;
    Ok(applied.unwrap_or(0) >= latest)
}
