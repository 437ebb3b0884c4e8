//! Maintainers' withdrawals of versions; restoring keeps the record.

use chrono::{DateTime, Utc};
use sqlx::SqliteExecutor;

/// A version's withdrawal, while it stands.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Withdrawal {
    pub reason: String,
    pub superseded_by: Option<String>,
    pub withdrawn_by: String,
    pub withdrawn_at: DateTime<Utc>,
}

/// A GitHub release as it was before a mirrored withdrawal changed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MirroredRelease {
    pub release_id: i64,
    pub prerelease: bool,
    pub body: String,
}

pub async fn withdraw(
    db: impl SqliteExecutor<'_>,
    version_id: i64,
    reason: &str,
    superseded_by: Option<&str>,
    by: &str,
    mirrored: Option<&MirroredRelease>,
) -> sqlx::Result<()> {
    let now = Utc::now();
    let release_id = mirrored.map(|m| m.release_id);
    let prerelease = mirrored.map(|m| m.prerelease);
    let body = mirrored.map(|m| m.body.as_str());
    sqlx::query!(
        "INSERT INTO withdrawals (version_id, reason, superseded_by, withdrawn_by, withdrawn_at,
                                  mirrored_release_id, original_prerelease, original_body)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (version_id) DO UPDATE SET reason = excluded.reason,
             superseded_by = excluded.superseded_by, withdrawn_by = excluded.withdrawn_by,
             withdrawn_at = excluded.withdrawn_at, restored_at = NULL,
             mirrored_release_id = excluded.mirrored_release_id,
             original_prerelease = excluded.original_prerelease,
             original_body = excluded.original_body",
        version_id,
        reason,
        superseded_by,
        by,
        now,
        release_id,
        prerelease,
        body,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Restores a withdrawn version; false when it was not withdrawn.
pub async fn restore(db: impl SqliteExecutor<'_>, version_id: i64) -> sqlx::Result<bool> {
    let now = Utc::now();
    let result = sqlx::query!(
        "UPDATE withdrawals SET restored_at = ? WHERE version_id = ? AND restored_at IS NULL",
        now,
        version_id,
    )
    .execute(db)
    .await?;
    Ok(result.rows_affected() == 1)
}

pub async fn withdrawal(
    db: impl SqliteExecutor<'_>,
    version_id: i64,
) -> sqlx::Result<Option<Withdrawal>> {
    sqlx::query_as!(
        Withdrawal,
        r#"SELECT reason, superseded_by, withdrawn_by,
                  withdrawn_at AS "withdrawn_at: DateTime<Utc>"
           FROM withdrawals WHERE version_id = ? AND restored_at IS NULL"#,
        version_id,
    )
    .fetch_optional(db)
    .await
}

/// The release a standing withdrawal changed on GitHub, as it was before.
pub async fn mirrored_release(
    db: impl SqliteExecutor<'_>,
    version_id: i64,
) -> sqlx::Result<Option<MirroredRelease>> {
    let row = sqlx::query!(
        r#"SELECT mirrored_release_id AS "release_id!", original_prerelease AS "prerelease!: bool",
                  original_body AS "body!" FROM withdrawals
           WHERE version_id = ? AND restored_at IS NULL AND mirrored_release_id IS NOT NULL"#,
        version_id,
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|row| MirroredRelease {
        release_id: row.release_id,
        prerelease: row.prerelease,
        body: row.body,
    }))
}
