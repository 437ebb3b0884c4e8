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

pub async fn withdraw(
    db: impl SqliteExecutor<'_>,
    version_id: i64,
    reason: &str,
    superseded_by: Option<&str>,
    by: &str,
) -> sqlx::Result<()> {
    let now = Utc::now();
    sqlx::query!(
        "INSERT INTO withdrawals (version_id, reason, superseded_by, withdrawn_by, withdrawn_at)
         VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (version_id) DO UPDATE SET reason = excluded.reason,
             superseded_by = excluded.superseded_by, withdrawn_by = excluded.withdrawn_by,
             withdrawn_at = excluded.withdrawn_at, restored_at = NULL",
        version_id,
        reason,
        superseded_by,
        by,
        now,
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
