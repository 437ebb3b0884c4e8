//! Maintainers' outgoing webhooks. Secrets are stored sealed; the caller seals and opens them.

use crate::store::db::{shared, Exec};
use chrono::{DateTime, Utc};

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
    db: impl Into<Exec<'_>>,
    repository_id: i64,
    fields: &HookFields<'_>,
    by: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<i64> {
    shared!(
        db,
        fetch_one,
        query_scalar!(
            r#"INSERT INTO hooks (repository_id, url, events, secret, format, active, created_by,
                              created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id AS "id!""#,
            repository_id,
            fields.url,
            fields.events,
            fields.sealed_secret,
            fields.format,
            fields.active,
            by,
            now as _,
            now as _,
        )
    )
}

/// Changes a hook; turning it on again clears why it was off and its failures.
pub async fn update(
    db: impl Into<Exec<'_>>,
    id: i64,
    fields: &HookFields<'_>,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    shared!(
        db,
        execute,
        query!(
            "UPDATE hooks SET url = $1, events = $2, secret = $3, format = $4,
                disabled_reason = CASE WHEN $5 THEN NULL ELSE disabled_reason END,
                failures = CASE WHEN $6 AND NOT active THEN 0 ELSE failures END,
                active = $7, updated_at = $8
         WHERE id = $9",
            fields.url,
            fields.events,
            fields.sealed_secret,
            fields.format,
            fields.active,
            fields.active,
            fields.active,
            now as _,
            id,
        )
    )?;
    Ok(())
}

pub async fn delete(db: impl Into<Exec<'_>>, id: i64) -> sqlx::Result<()> {
    shared!(db, execute, query!("DELETE FROM hooks WHERE id = $1", id))?;
    Ok(())
}

pub async fn find(
    db: impl Into<Exec<'_>>,
    repository_id: i64,
    id: i64,
) -> sqlx::Result<Option<Hook>> {
    shared!(
        db,
        fetch_optional,
        query_as!(
            Hook,
            r#"SELECT id AS "id!", repository_id, url, events, secret AS sealed_secret, format,
                  active AS "active: bool", disabled_reason, failures,
                  created_by, created_at AS "created_at: DateTime<Utc>",
                  updated_at AS "updated_at: DateTime<Utc>"
           FROM hooks WHERE repository_id = $1 AND id = $2"#,
            repository_id,
            id,
        )
    )
}

pub async fn list(db: impl Into<Exec<'_>>, repository_id: i64) -> sqlx::Result<Vec<Hook>> {
    shared!(
        db,
        fetch_all,
        query_as!(
            Hook,
            r#"SELECT id AS "id!", repository_id, url, events, secret AS sealed_secret, format,
                  active AS "active: bool", disabled_reason, failures,
                  created_by, created_at AS "created_at: DateTime<Utc>",
                  updated_at AS "updated_at: DateTime<Utc>"
           FROM hooks WHERE repository_id = $1 ORDER BY id"#,
            repository_id,
        )
    )
}

/// A delivery reached the hook: its failures start again from nothing.
pub async fn succeeded(db: impl Into<Exec<'_>>, id: i64) -> sqlx::Result<()> {
    shared!(
        db,
        execute,
        query!("UPDATE hooks SET failures = 0 WHERE id = $1", id)
    )?;
    Ok(())
}

/// Counts a failed attempt, and turns the hook off with `reason` once `limit` are in a row.
/// Returns whether it was turned off now.
pub async fn failed(
    db: impl Into<Exec<'_>>,
    id: i64,
    limit: i64,
    reason: &str,
) -> sqlx::Result<bool> {
    let disabled = shared!(
        db,
        fetch_optional,
        query_scalar!(
            r#"UPDATE hooks SET failures = failures + 1,
                active = CASE WHEN failures + 1 >= $1 THEN FALSE ELSE active END,
                disabled_reason = CASE WHEN failures + 1 >= $2 AND active THEN $3
                                       ELSE disabled_reason END
           WHERE id = $4
           RETURNING NOT active AND disabled_reason = $5 AS "disabled!: bool""#,
            limit,
            limit,
            reason,
            id,
            reason,
        )
    )?;
    Ok(disabled.unwrap_or(false))
}
