//! The GitHub App this server acts as, its installations, and the installation each repository
//! is reached through. Secrets arrive and leave sealed: this module never sees them in the clear.

use chrono::{DateTime, Utc};
use sqlx::SqliteExecutor;

/// The App as kept: what may be shown, and its secrets sealed with the secret key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredApp {
    pub app_id: i64,
    pub slug: String,
    pub name: String,
    pub owner_login: String,
    pub html_url: String,
    pub client_id: String,
    pub client_secret_sealed: Vec<u8>,
    pub private_key_sealed: Vec<u8>,
    pub webhook_secret_sealed: Vec<u8>,
    pub created_at: DateTime<Utc>,
}

/// Keeps the App, replacing the one kept before.
pub async fn save_app(db: impl SqliteExecutor<'_>, app: &StoredApp) -> sqlx::Result<()> {
    sqlx::query!(
        r#"INSERT INTO github_app (id, app_id, slug, name, owner_login, html_url, client_id,
                                  client_secret_sealed, private_key_sealed, webhook_secret_sealed,
                                  created_at)
           VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET
               app_id = excluded.app_id, slug = excluded.slug, name = excluded.name,
               owner_login = excluded.owner_login, html_url = excluded.html_url,
               client_id = excluded.client_id,
               client_secret_sealed = excluded.client_secret_sealed,
               private_key_sealed = excluded.private_key_sealed,
               webhook_secret_sealed = excluded.webhook_secret_sealed,
               created_at = excluded.created_at"#,
        app.app_id,
        app.slug,
        app.name,
        app.owner_login,
        app.html_url,
        app.client_id,
        app.client_secret_sealed,
        app.private_key_sealed,
        app.webhook_secret_sealed,
        app.created_at,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Retires every installation (a new App replaces the one they belong to): their repositories
/// stop syncing, keeping everything, until the new App is installed on them. Returns how many
/// repositories stopped.
pub async fn retire_installations(
    db: &mut sqlx::SqliteConnection,
    now: DateTime<Utc>,
) -> sqlx::Result<u64> {
    sqlx::query!(
        "UPDATE github_installations SET deleted_at = ? WHERE deleted_at IS NULL",
        now
    )
    .execute(&mut *db)
    .await?;
    let stopped = sqlx::query!(
        r#"UPDATE repositories SET sync_stopped_at = ?
           WHERE installation_id IS NOT NULL AND sync_stopped_at IS NULL"#,
        now,
    )
    .execute(&mut *db)
    .await?;
    Ok(stopped.rows_affected())
}

pub async fn find_app(db: impl SqliteExecutor<'_>) -> sqlx::Result<Option<StoredApp>> {
    sqlx::query_as!(
        StoredApp,
        r#"SELECT app_id, slug, name, owner_login, html_url, client_id, client_secret_sealed,
                  private_key_sealed, webhook_secret_sealed,
                  created_at AS "created_at: DateTime<Utc>"
           FROM github_app WHERE id = 1"#
    )
    .fetch_optional(db)
    .await
}

/// An installation of the App and how many repositories it syncs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Installation {
    pub id: i64,
    pub account_login: String,
    pub created_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
    pub repositories: i64,
}

/// Records an installation (again: a deleted one that comes back is live once more).
pub async fn save_installation(
    db: impl SqliteExecutor<'_>,
    id: i64,
    account_login: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!(
        r#"INSERT INTO github_installations (id, account_login, created_at) VALUES (?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET account_login = excluded.account_login, deleted_at = NULL"#,
        id,
        account_login,
        now,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Marks the installation deleted; returns how many of its repositories stop syncing.
pub async fn delete_installation(
    db: &mut sqlx::SqliteConnection,
    id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<u64> {
    sqlx::query!(
        "UPDATE github_installations SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL",
        now,
        id,
    )
    .execute(&mut *db)
    .await?;
    let stopped = sqlx::query!(
        r#"UPDATE repositories SET sync_stopped_at = ?
           WHERE installation_id = ? AND sync_stopped_at IS NULL"#,
        now,
        id,
    )
    .execute(&mut *db)
    .await?;
    Ok(stopped.rows_affected())
}

pub async fn list_installations(db: impl SqliteExecutor<'_>) -> sqlx::Result<Vec<Installation>> {
    sqlx::query_as!(
        Installation,
        r#"SELECT i.id AS "id!", i.account_login,
                  i.created_at AS "created_at: DateTime<Utc>",
                  i.deleted_at AS "deleted_at: DateTime<Utc>",
                  (SELECT COUNT(*) FROM repositories r
                   WHERE r.installation_id = i.id AND r.sync_stopped_at IS NULL) AS "repositories!: i64"
           FROM github_installations i ORDER BY i.id"#
    )
    .fetch_all(db)
    .await
}

/// Tracks a repository through an installation (adding it when new), and syncs it again if
/// it had stopped; returns its id.
pub async fn track_through(
    db: impl SqliteExecutor<'_>,
    owner: &str,
    name: &str,
    installation_id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"INSERT INTO repositories (owner, name, description, tag_prefix, created_at,
                                    installation_id)
           VALUES (?, ?, '', 'v', ?, ?)
           ON CONFLICT (owner COLLATE NOCASE, name COLLATE NOCASE)
           DO UPDATE SET installation_id = excluded.installation_id, sync_stopped_at = NULL
           RETURNING id AS "id!""#,
        owner,
        name,
        now,
        installation_id,
    )
    .fetch_one(db)
    .await
}

/// Stops syncing a repository the installation lost; true when it was syncing through it.
pub async fn stop_syncing(
    db: impl SqliteExecutor<'_>,
    owner: &str,
    name: &str,
    installation_id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        r#"UPDATE repositories SET sync_stopped_at = ?
           WHERE owner = ? COLLATE NOCASE AND name = ? COLLATE NOCASE
             AND installation_id = ? AND sync_stopped_at IS NULL"#,
        now,
        owner,
        name,
        installation_id,
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// How GitHub is reached for a repository.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    /// With the server's personal token (not tracked through an App).
    Token,
    /// Through this installation of the App.
    Installation(i64),
    /// The App lost access: nothing is synced.
    Stopped,
}
