//! The GitHub releases of versions, drafts included.

use chrono::{DateTime, Utc};
use sqlx::SqliteExecutor;

use crate::model::history::DraftEntry;

/// The GitHub release of a version.
pub struct GithubRelease<'a> {
    pub github_id: i64,
    pub name: &'a str,
    pub body: &'a str,
    pub html_url: &'a str,
    pub draft: bool,
    pub prerelease: bool,
    pub created_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
}

pub async fn upsert_release(
    db: impl SqliteExecutor<'_>,
    version_id: i64,
    release: &GithubRelease<'_>,
) -> sqlx::Result<()> {
    sqlx::query!(
        r#"INSERT INTO releases
               (version_id, github_id, name, body, html_url, draft, prerelease, created_at,
                published_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (version_id) DO UPDATE SET
               github_id = excluded.github_id, name = excluded.name, body = excluded.body,
               html_url = excluded.html_url, draft = excluded.draft,
               prerelease = excluded.prerelease, created_at = excluded.created_at,
               published_at = excluded.published_at, deleted_at = NULL"#,
        version_id,
        release.github_id,
        release.name,
        release.body,
        release.html_url,
        release.draft,
        release.prerelease,
        release.created_at,
        release.published_at,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// The same as [`mark_tags_deleted_except`], for releases.
pub async fn mark_releases_deleted_except(
    db: impl SqliteExecutor<'_>,
    repository_id: i64,
    kept: &[i64],
    now: DateTime<Utc>,
) -> sqlx::Result<u64> {
    let kept = serde_json::to_string(kept).unwrap_or_else(|_| "[]".to_owned());
    let result = sqlx::query!(
        r#"UPDATE releases SET deleted_at = ?
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

/// Marks one version's release deleted.
pub async fn mark_release_deleted(
    db: impl SqliteExecutor<'_>,
    version_id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE releases SET deleted_at = ? WHERE version_id = ? AND deleted_at IS NULL",
        now,
        version_id
    )
    .execute(db)
    .await?;
    Ok(())
}

/// The repository's draft releases, newest first: for maintainers' eyes only.
pub async fn list_drafts(
    db: impl SqliteExecutor<'_>,
    repository_id: i64,
) -> sqlx::Result<Vec<DraftEntry>> {
    let rows = sqlx::query!(
        r#"SELECT v.tag, r.name, r.created_at AS "created_at: DateTime<Utc>"
           FROM releases r JOIN versions v ON v.id = r.version_id
           WHERE v.repository_id = ? AND r.draft = 1 AND r.deleted_at IS NULL
           ORDER BY r.created_at DESC, v.tag"#,
        repository_id,
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| DraftEntry {
            tag: row.tag,
            title: row.name,
            created_at: row.created_at,
        })
        .collect())
}

/// The GitHub release page of each published version, by version.
pub async fn release_links(
    db: impl SqliteExecutor<'_>,
    repository_id: i64,
) -> sqlx::Result<std::collections::HashMap<String, String>> {
    let rows = sqlx::query!(
        r#"SELECT v.version AS "version!", r.html_url
           FROM versions v JOIN releases r ON r.version_id = v.id
           WHERE v.repository_id = ? AND v.version IS NOT NULL AND r.draft = 0
             AND r.deleted_at IS NULL AND r.html_url <> ''"#,
        repository_id,
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.version, r.html_url)).collect())
}
