//! Each repository's CHANGELOG.md, kept whole; sections are cut out when a page asks.

use chrono::{DateTime, Utc};

use super::db::{shared, Exec};

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
    db: impl Into<Exec<'_>>,
    repository_id: i64,
    changelog: &StoredChangelog,
    fetched_at: DateTime<Utc>,
) -> sqlx::Result<()> {
    shared!(
        db,
        execute,
        query!(
            "INSERT INTO changelogs (repository_id, tag, commit_sha, markdown, fetched_at)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (repository_id) DO UPDATE SET
                 tag = excluded.tag, commit_sha = excluded.commit_sha,
                 markdown = excluded.markdown, fetched_at = excluded.fetched_at",
            repository_id,
            changelog.tag,
            changelog.commit_sha,
            changelog.markdown,
            fetched_at as _,
        )
    )?;
    Ok(())
}

pub async fn find(
    db: impl Into<Exec<'_>>,
    repository_id: i64,
) -> sqlx::Result<Option<StoredChangelog>> {
    shared!(
        db,
        fetch_optional,
        query_as!(
            StoredChangelog,
            r#"SELECT tag AS "tag!", commit_sha AS "commit_sha!", markdown
               FROM changelogs WHERE repository_id = $1"#,
            repository_id
        )
    )
}

/// When the repository's CHANGELOG.md was last read.
pub async fn read_at(
    db: impl Into<Exec<'_>>,
    repository_id: i64,
) -> sqlx::Result<Option<DateTime<Utc>>> {
    shared!(
        db,
        fetch_optional,
        query_scalar!(
            r#"SELECT fetched_at AS "fetched_at!: DateTime<Utc>" FROM changelogs
               WHERE repository_id = $1"#,
            repository_id
        )
    )
}
