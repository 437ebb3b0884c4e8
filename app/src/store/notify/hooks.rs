//! Maintainers' outgoing webhooks. Secrets are stored sealed; the caller seals and opens them.

use chrono::{DateTime, Utc};
use sqlx::SqliteExecutor;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hook {
    pub id: i64,
    pub repository_id: i64,
    pub url: String,
    /// Space-separated topics.
    pub events: String,
    pub sealed_secret: Vec<u8>,
    pub format: String,
    pub active: bool,
    pub disabled_reason: Option<String>,
    pub failures: i64,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A hook as it is made or changed.
#[derive(Clone, Debug)]
pub struct HookFields<'a> {
    pub url: &'a str,
    pub events: &'a str,
    pub sealed_secret: &'a [u8],
    pub format: &'a str,
    pub active: bool,
}

pub async fn insert(
    db: impl SqliteExecutor<'_>,
    repository_id: i64,
    fields: &HookFields<'_>,
    by: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"INSERT INTO hooks (repository_id, url, events, secret, format, active, created_by,
                              created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id AS "id!""#,
        repository_id,
        fields.url,
        fields.events,
        fields.sealed_secret,
        fields.format,
        fields.active,
        by,
        now,
        now,
    )
    .fetch_one(db)
    .await
}

/// Changes a hook; turning it on again clears why it was off and its failures.
pub async fn update(
    db: impl SqliteExecutor<'_>,
    id: i64,
    fields: &HookFields<'_>,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE hooks SET url = ?, events = ?, secret = ?, format = ?,
                disabled_reason = CASE WHEN ? THEN NULL ELSE disabled_reason END,
                failures = CASE WHEN ? AND active = 0 THEN 0 ELSE failures END,
                active = ?, updated_at = ?
         WHERE id = ?",
        fields.url,
        fields.events,
        fields.sealed_secret,
        fields.format,
        fields.active,
        fields.active,
        fields.active,
        now,
        id,
    )
    .execute(db)
    .await?;
    Ok(())
}

pub async fn delete(db: impl SqliteExecutor<'_>, id: i64) -> sqlx::Result<()> {
    sqlx::query!("DELETE FROM hooks WHERE id = ?", id)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn find(
    db: impl SqliteExecutor<'_>,
    repository_id: i64,
    id: i64,
) -> sqlx::Result<Option<Hook>> {
    sqlx::query_as!(
        Hook,
        r#"SELECT id AS "id!", repository_id, url, events, secret AS sealed_secret, format,
                  active AS "active: bool", disabled_reason, failures,
                  created_by, created_at AS "created_at: DateTime<Utc>",
                  updated_at AS "updated_at: DateTime<Utc>"
           FROM hooks WHERE repository_id = ? AND id = ?"#,
        repository_id,
        id,
    )
    .fetch_optional(db)
    .await
}

pub async fn list(db: impl SqliteExecutor<'_>, repository_id: i64) -> sqlx::Result<Vec<Hook>> {
    sqlx::query_as!(
        Hook,
        r#"SELECT id AS "id!", repository_id, url, events, secret AS sealed_secret, format,
                  active AS "active: bool", disabled_reason, failures,
                  created_by, created_at AS "created_at: DateTime<Utc>",
                  updated_at AS "updated_at: DateTime<Utc>"
           FROM hooks WHERE repository_id = ? ORDER BY id"#,
        repository_id,
    )
    .fetch_all(db)
    .await
}

/// A delivery reached the hook: its failures start again from nothing.
pub async fn succeeded(db: impl SqliteExecutor<'_>, id: i64) -> sqlx::Result<()> {
    sqlx::query!("UPDATE hooks SET failures = 0 WHERE id = ?", id)
        .execute(db)
        .await?;
    Ok(())
}

/// Counts a failed attempt, and turns the hook off with `reason` once `limit` are in a row.
/// Returns whether it was turned off now.
pub async fn failed(
    db: impl SqliteExecutor<'_>,
    id: i64,
    limit: i64,
    reason: &str,
) -> sqlx::Result<bool> {
    let disabled = sqlx::query_scalar!(
        r#"UPDATE hooks SET failures = failures + 1,
                active = CASE WHEN failures + 1 >= ? THEN 0 ELSE active END,
                disabled_reason = CASE WHEN failures + 1 >= ? AND active = 1 THEN ?
                                       ELSE disabled_reason END
           WHERE id = ?
           RETURNING active = 0 AND disabled_reason = ? AS "disabled!: bool""#,
        limit,
        limit,
        reason,
        id,
        reason,
    )
    .fetch_optional(db)
    .await?;
    Ok(disabled.unwrap_or(false))
}
