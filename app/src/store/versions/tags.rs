//! The git tags of versions as GitHub has them, and those that are not versions.

use chrono::{DateTime, Utc};
use sqlx::SqliteExecutor;

/// The git side of a version.
pub struct GitTag<'a> {
    pub commit_sha: &'a str,
    /// Set for annotated tags.
    pub tag_object_sha: Option<&'a str>,
    pub tagged_at: Option<DateTime<Utc>>,
}

pub async fn upsert_tag(
    db: impl SqliteExecutor<'_>,
    version_id: i64,
    tag: &GitTag<'_>,
) -> sqlx::Result<()> {
    sqlx::query!(
        r#"INSERT INTO tags (version_id, commit_sha, tag_object_sha, tagged_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (version_id) DO UPDATE SET
               commit_sha = excluded.commit_sha, tag_object_sha = excluded.tag_object_sha,
               tagged_at = excluded.tagged_at, deleted_at = NULL"#,
        version_id,
        tag.commit_sha,
        tag.tag_object_sha,
        tag.tagged_at,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Live tags whose names are not versions under the repository's prefix.
pub async fn list_other_tags(
    db: impl SqliteExecutor<'_>,
    repository_id: i64,
) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar!(
        r#"SELECT v.tag FROM versions v
           JOIN tags t ON t.version_id = v.id AND t.deleted_at IS NULL
           WHERE v.repository_id = ? AND v.version IS NULL
           ORDER BY v.tag"#,
        repository_id,
    )
    .fetch_all(db)
    .await
}

/// A repository's tag as stored: what the sync compares with GitHub's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredTag {
    pub tag: String,
    pub commit_sha: String,
    pub tag_object_sha: Option<String>,
    pub tagged_at: Option<DateTime<Utc>>,
}

pub async fn list_stored_tags(
    db: impl SqliteExecutor<'_>,
    repository_id: i64,
) -> sqlx::Result<Vec<StoredTag>> {
    sqlx::query_as!(
        StoredTag,
        r#"SELECT v.tag, t.commit_sha, t.tag_object_sha, t.tagged_at AS "tagged_at?: DateTime<Utc>"
           FROM versions v JOIN tags t ON t.version_id = v.id
           WHERE v.repository_id = ?"#,
        repository_id,
    )
    .fetch_all(db)
    .await
}

/// Marks the repository's tags deleted unless their version id is in `kept`; already
/// deleted ones keep their first deletion time. Returns how many were marked.
pub async fn mark_tags_deleted_except(
    db: impl SqliteExecutor<'_>,
    repository_id: i64,
    kept: &[i64],
    now: DateTime<Utc>,
) -> sqlx::Result<u64> {
    let kept = serde_json::to_string(kept).unwrap_or_else(|_| "[]".to_owned());
    let result = sqlx::query!(
        r#"UPDATE tags SET deleted_at = ?
           WHERE deleted_at IS NULL
             AND version_id IN (SELECT id FROM versions WHERE repository_id = ?)
             AND version_id NOT IN (SELECT value FROM json_each(?))"#,
        now,
        repository_id,
        kept,
    )
    .execute(db)
    .await?;
    Ok(result.rows_affected())
}

/// Marks one version's tag deleted (kept with everything attached to it).
pub async fn mark_tag_deleted(
    db: impl SqliteExecutor<'_>,
    version_id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE tags SET deleted_at = ? WHERE version_id = ? AND deleted_at IS NULL",
        now,
        version_id
    )
    .execute(db)
    .await?;
    Ok(())
}
