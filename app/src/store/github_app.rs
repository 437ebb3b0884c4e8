//! The GitHub App this server acts as, its installations, and the installation each repository
//! is reached through. Secrets arrive and leave sealed: this module never sees them in the clear.

use chrono::{DateTime, Utc};

use super::db::{shared, Exec};

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
pub async fn save_app(db: impl Into<Exec<'_>>, app: &StoredApp) -> sqlx::Result<()> {
    shared!(
        db,
        execute,
        query!(
            r#"INSERT INTO github_app (id, app_id, slug, name, owner_login, html_url, client_id,
                                  client_secret_sealed, private_key_sealed, webhook_secret_sealed,
                                  created_at)
           VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
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
            app.created_at as _,
        )
    )?;
    Ok(())
}

/// Retires every installation (a new App replaces the one they belong to): their repositories
/// stop syncing, keeping everything, until the new App is installed on them. Returns how many
/// repositories stopped.
pub async fn retire_installations(
    db: impl Into<Exec<'_>>,
    now: DateTime<Utc>,
) -> sqlx::Result<u64> {
    let mut db = db.into();
    shared!(
        db.reborrow(),
        execute,
        query!(
            "UPDATE github_installations SET deleted_at = $1 WHERE deleted_at IS NULL",
            now as _
        )
    )?;
    shared!(
        db,
        execute,
        query!(
            r#"UPDATE repositories SET sync_stopped_at = $1
           WHERE installation_id IS NOT NULL AND sync_stopped_at IS NULL"#,
            now as _,
        )
    )
}

pub async fn find_app(db: impl Into<Exec<'_>>) -> sqlx::Result<Option<StoredApp>> {
    shared!(
        db,
        fetch_optional,
        query_as!(
            StoredApp,
            r#"SELECT app_id AS "app_id!", slug AS "slug!", name AS "name!",
                  owner_login AS "owner_login!", html_url AS "html_url!", client_id AS "client_id!",
                  client_secret_sealed AS "client_secret_sealed!",
                  private_key_sealed AS "private_key_sealed!",
                  webhook_secret_sealed AS "webhook_secret_sealed!",
                  created_at AS "created_at!: DateTime<Utc>"
           FROM github_app WHERE id = 1"#
        )
    )
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
    db: impl Into<Exec<'_>>,
    id: i64,
    account_login: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    shared!(
        db,
        execute,
        query!(
            r#"INSERT INTO github_installations (id, account_login, created_at) VALUES ($1, $2, $3)
           ON CONFLICT (id) DO UPDATE SET account_login = excluded.account_login, deleted_at = NULL"#,
            id,
            account_login,
            now as _,
        )
    )?;
    Ok(())
}

/// Marks the installation deleted; returns how many of its repositories stop syncing.
pub async fn delete_installation(
    db: impl Into<Exec<'_>>,
    id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<u64> {
    let mut db = db.into();
    shared!(
        db.reborrow(),
        execute,
        query!(
            "UPDATE github_installations SET deleted_at = $1 WHERE id = $2 AND deleted_at IS NULL",
            now as _,
            id,
        )
    )?;
    shared!(
        db,
        execute,
        query!(
            r#"UPDATE repositories SET sync_stopped_at = $1
           WHERE installation_id = $2 AND sync_stopped_at IS NULL"#,
            now as _,
            id,
        )
    )
}

pub async fn list_installations(db: impl Into<Exec<'_>>) -> sqlx::Result<Vec<Installation>> {
    shared!(
        db,
        fetch_all,
        query_as!(
            Installation,
            r#"SELECT i.id AS "id!", i.account_login AS "account_login!",
                  i.created_at AS "created_at!: DateTime<Utc>",
                  i.deleted_at AS "deleted_at?: DateTime<Utc>",
                  (SELECT COUNT(*) FROM repositories r
                   WHERE r.installation_id = i.id AND r.sync_stopped_at IS NULL) AS "repositories!: i64"
           FROM github_installations i ORDER BY i.id"#
        )
    )
}

/// Tracks a repository through an installation (adding it when new), and syncs it again if
/// it had stopped; returns its id.
pub async fn track_through(
    db: impl Into<Exec<'_>>,
    owner: &str,
    name: &str,
    installation_id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<i64> {
    shared!(
        db,
        fetch_one,
        query_scalar!(
            r#"INSERT INTO repositories (owner, name, description, tag_prefix, created_at,
                                    installation_id)
           VALUES ($1, $2, '', 'v', $3, $4)
           ON CONFLICT (owner COLLATE NOCASE, name COLLATE NOCASE)
           DO UPDATE SET installation_id = excluded.installation_id, sync_stopped_at = NULL
           RETURNING id AS "id!""#,
            owner,
            name,
            now as _,
            installation_id,
        )
    )
}

/// Stops syncing a repository the installation lost; true when it was syncing through it.
pub async fn stop_syncing(
    db: impl Into<Exec<'_>>,
    owner: &str,
    name: &str,
    installation_id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let stopped = shared!(
        db,
        execute,
        query!(
            r#"UPDATE repositories SET sync_stopped_at = $1
           WHERE owner = $2 COLLATE NOCASE AND name = $3 COLLATE NOCASE
             AND installation_id = $4 AND sync_stopped_at IS NULL"#,
            now as _,
            owner,
            name,
            installation_id,
        )
    )?;
    Ok(stopped > 0)
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
