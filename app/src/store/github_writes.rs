//! Every write Release Desk makes to GitHub, with who asked and GitHub's answer: append-only.

use chrono::{DateTime, Utc};

use super::db::{shared, Exec};

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
    db: impl Into<Exec<'_>>,
    repository_id: i64,
    version_id: Option<i64>,
    write: &GitHubWrite,
) -> sqlx::Result<()> {
    shared!(
        db,
        execute,
        query!(
            "INSERT INTO github_writes (repository_id, version_id, action, request, detail,
                                        status, answer, by, at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            repository_id,
            version_id,
            write.action,
            write.request,
            write.detail,
            write.status,
            write.answer,
            write.by,
            write.at as _,
        )
    )?;
    Ok(())
}

/// The writes to GitHub about one version, oldest first.
pub async fn for_version(
    db: impl Into<Exec<'_>>,
    version_id: i64,
) -> sqlx::Result<Vec<GitHubWrite>> {
    shared!(
        db,
        fetch_all,
        query_as!(
            GitHubWrite,
            r#"SELECT action AS "action!", request AS "request!", detail AS "detail!", status,
                      answer AS "answer!", by AS "by!", at AS "at!: DateTime<Utc>"
               FROM github_writes WHERE version_id = $1 ORDER BY id"#,
            version_id,
        )
    )
}
