//! Each repository's CHANGELOG.md, kept whole; sections are cut out when a page asks.

use chrono::{DateTime, Utc};
use sqlx::SqliteExecutor;

/// What the last read of the changelog found, at which commit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredChangelog {
    pub tag: String,
    pub commit_sha: String,
    /// `None` when the commit has no CHANGELOG.md.
    pub markdown: Option<String>,
}

/// Keeps what reading the changelog at `tag` (`commit_sha`) found.
pub async fn save(
    db: impl SqliteExecutor<'_>,
    repository_id: i64,
    changelog: &StoredChangelog,
    fetched_at: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO changelogs (repository_id, tag, commit_sha, markdown, fetched_at)
         VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (repository_id) DO UPDATE SET
             tag = excluded.tag, commit_sha = excluded.commit_sha,
             markdown = excluded.markdown, fetched_at = excluded.fetched_at",
        repository_id,
        changelog.tag,
        changelog.commit_sha,
        changelog.markdown,
        fetched_at,
    )
    .execute(db)
    .await?;
    Ok(())
}

pub async fn find(
    db: impl SqliteExecutor<'_>,
    repository_id: i64,
) -> sqlx::Result<Option<StoredChangelog>> {
    sqlx::query_as!(
        StoredChangelog,
        "SELECT tag, commit_sha, markdown FROM changelogs WHERE repository_id = ?",
        repository_id
    )
    .fetch_optional(db)
    .await
}

/// When the repository's CHANGELOG.md was last read.
pub async fn read_at(
    db: impl SqliteExecutor<'_>,
    repository_id: i64,
) -> sqlx::Result<Option<DateTime<Utc>>> {
    sqlx::query_scalar!(
        r#"SELECT fetched_at AS "fetched_at: DateTime<Utc>" FROM changelogs
           WHERE repository_id = ?"#,
        repository_id
    )
    .fetch_optional(db)
    .await
}
