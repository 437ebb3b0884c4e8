//! Every write Release Desk makes to GitHub, with who asked and GitHub's answer: append-only.

use chrono::{DateTime, Utc};
use sqlx::SqliteExecutor;

/// One write to GitHub, as logged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GitHubWrite {
    pub action: String,
    pub request: String,
    pub detail: String,
    pub status: Option<i64>,
    pub answer: String,
    pub by: String,
    pub at: DateTime<Utc>,
}

pub async fn insert(
    db: impl SqliteExecutor<'_>,
    repository_id: i64,
    version_id: Option<i64>,
    write: &GitHubWrite,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT INTO github_writes (repository_id, version_id, action, request, detail, status,
                                    answer, by, at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        repository_id,
        version_id,
        write.action,
        write.request,
        write.detail,
        write.status,
        write.answer,
        write.by,
        write.at,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// The writes to GitHub about one version, oldest first.
pub async fn for_version(
    db: impl SqliteExecutor<'_>,
    version_id: i64,
) -> sqlx::Result<Vec<GitHubWrite>> {
    sqlx::query_as!(
        GitHubWrite,
        r#"SELECT action, request, detail, status, answer, by, at AS "at: DateTime<Utc>"
           FROM github_writes WHERE version_id = ? ORDER BY id"#,
        version_id,
    )
    .fetch_all(db)
    .await
}
