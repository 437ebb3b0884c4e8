//! Maintainers' withdrawals of versions; restoring keeps the record.

use chrono::{DateTime, Utc};

use crate::store::db::{shared, Exec};

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
    db: impl Into<Exec<'_>>,
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
    shared!(
        db,
        execute,
        query!(
        "INSERT INTO withdrawals (version_id, reason, superseded_by, withdrawn_by, withdrawn_at,
                                  mirrored_release_id, original_prerelease, original_body)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
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
        now as _,
        release_id,
        prerelease,
        body,
    )
    )?;
    Ok(())
}

/// Restores a withdrawn version; false when it was not withdrawn.
pub async fn restore(db: impl Into<Exec<'_>>, version_id: i64) -> sqlx::Result<bool> {
    let now = Utc::now();
    let restored = shared!(
        db,
        execute,
        query!(
            "UPDATE withdrawals SET restored_at = $1 WHERE version_id = $2 AND restored_at IS NULL",
            now as _,
            version_id,
        )
    )?;
    Ok(restored == 1)
}

pub async fn withdrawal(
    db: impl Into<Exec<'_>>,
    version_id: i64,
) -> sqlx::Result<Option<Withdrawal>> {
    shared!(
        db,
        fetch_optional,
        query_as!(
            Withdrawal,
            r#"SELECT reason AS "reason!", superseded_by, withdrawn_by AS "withdrawn_by!",
                  withdrawn_at AS "withdrawn_at!: DateTime<Utc>"
           FROM withdrawals WHERE version_id = $1 AND restored_at IS NULL"#,
            version_id,
        )
    )
}

/// The release a standing withdrawal changed on GitHub, as it was before.
pub async fn mirrored_release(
    db: impl Into<Exec<'_>>,
    version_id: i64,
) -> sqlx::Result<Option<MirroredRelease>> {
    shared!(
        db,
        fetch_optional,
        query_as!(
            MirroredRelease,
            r#"SELECT mirrored_release_id AS "release_id!", original_prerelease AS "prerelease!: bool",
                  original_body AS "body!" FROM withdrawals
           WHERE version_id = $1 AND restored_at IS NULL AND mirrored_release_id IS NOT NULL"#,
            version_id,
        )
    )
}
