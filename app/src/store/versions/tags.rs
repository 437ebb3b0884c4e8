//! The git tags of versions as GitHub has them, and those that are not versions.

use chrono::{DateTime, Utc};

use crate::store::db::{per_database, shared, Exec};

/// The git side of a version.
pub struct GitTag<'a> {
    pub commit_sha: &'a str,
    /// Set for annotated tags.
    pub tag_object_sha: Option<&'a str>,
    pub tagged_at: Option<DateTime<Utc>>,
}

pub async fn upsert_tag(
    db: impl Into<Exec<'_>>,
    version_id: i64,
    tag: &GitTag<'_>,
) -> sqlx::Result<()> {
    shared!(
        db,
        execute,
        query!(
            r#"INSERT INTO tags (version_id, commit_sha, tag_object_sha, tagged_at)
           VALUES ($1, $2, $3, $4)
           ON CONFLICT (version_id) DO UPDATE SET
               commit_sha = excluded.commit_sha, tag_object_sha = excluded.tag_object_sha,
               tagged_at = excluded.tagged_at, deleted_at = NULL"#,
            version_id,
            tag.commit_sha,
            tag.tag_object_sha,
            tag.tagged_at as _,
        )
    )?;
    Ok(())
}

/// Live tags whose names are not versions under the repository's prefix.
pub async fn list_other_tags(
    db: impl Into<Exec<'_>>,
    repository_id: i64,
) -> sqlx::Result<Vec<String>> {
    shared!(
        db,
        fetch_all,
        query_scalar!(
            r#"SELECT v.tag AS "tag!" FROM versions v
           JOIN tags t ON t.version_id = v.id AND t.deleted_at IS NULL
           WHERE v.repository_id = $1 AND v.version IS NULL
           ORDER BY v.tag"#,
            repository_id,
        )
    )
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
    db: impl Into<Exec<'_>>,
    repository_id: i64,
) -> sqlx::Result<Vec<StoredTag>> {
    shared!(
        db,
        fetch_all,
        query_as!(
            StoredTag,
            r#"SELECT v.tag AS "tag!", t.commit_sha AS "commit_sha!", t.tag_object_sha,
                  t.tagged_at AS "tagged_at?: DateTime<Utc>"
           FROM versions v JOIN tags t ON t.version_id = v.id
           WHERE v.repository_id = $1"#,
            repository_id,
        )
    )
}

/// Marks the repository's tags deleted unless their version id is in `kept`; already
/// deleted ones keep their first deletion time. Returns how many were marked.
pub async fn mark_tags_deleted_except(
    db: impl Into<Exec<'_>>,
    repository_id: i64,
    kept: &[i64],
    now: DateTime<Utc>,
) -> sqlx::Result<u64> {
    // SQLite reads the list as JSON, PostgreSQL as an array.
    per_database!(db, |connection|
        sqlite: {
            let kept = serde_json::to_string(kept).unwrap_or_else(|_| "[]".to_owned());
            sqlx::query!(
                r#"UPDATE tags SET deleted_at = $1
                   WHERE deleted_at IS NULL
                     AND version_id IN (SELECT id FROM versions WHERE repository_id = $2)
                     AND version_id NOT IN (SELECT value FROM json_each($3))"#,
                now as _,
                repository_id,
                kept,
            )
            .execute(connection).await.map(|done| done.rows_affected())
        },
        postgres: sqlx::query!(
            r#"UPDATE tags SET deleted_at = $1
               WHERE deleted_at IS NULL
                 AND version_id IN (SELECT id FROM versions WHERE repository_id = $2)
                 AND NOT (version_id = ANY($3))"#,
            now as _,
            repository_id,
            kept,
        )
        .execute(connection).await.map(|done| done.rows_affected()),
    )
}

/// Marks one version's tag deleted (kept with everything attached to it).
pub async fn mark_tag_deleted(
    db: impl Into<Exec<'_>>,
    version_id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    shared!(
        db,
        execute,
        query!(
            "UPDATE tags SET deleted_at = $1 WHERE version_id = $2 AND deleted_at IS NULL",
            now as _,
            version_id
        )
    )?;
    Ok(())
}
