//! What the GitHub sync keeps between runs: cached list pages, git object dates, sync runs.

use chrono::{DateTime, Utc};
use sqlx::SqliteExecutor;

use crate::model::sync::SyncRun;

/// A list page as GitHub last sent it, for `If-None-Match`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CachedPage {
    pub url: String,
    pub etag: String,
    pub next_url: Option<String>,
    pub body: String,
}

pub async fn cached_page(
    db: impl SqliteExecutor<'_>,
    url: &str,
) -> sqlx::Result<Option<CachedPage>> {
    sqlx::query_as!(
        CachedPage,
        r#"SELECT url AS "url!", etag, next_url, body FROM http_cache WHERE url = ?"#,
        url
    )
    .fetch_optional(db)
    .await
}

pub async fn store_page(db: impl SqliteExecutor<'_>, page: &CachedPage) -> sqlx::Result<()> {
    let now = Utc::now();
    sqlx::query!(
        r#"INSERT INTO http_cache (url, etag, next_url, body, fetched_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, next_url = excluded.next_url,
               body = excluded.body, fetched_at = excluded.fetched_at"#,
        page.url,
        page.etag,
        page.next_url,
        page.body,
        now,
    )
    .execute(db)
    .await?;
    Ok(())
}

pub async fn git_date(
    db: impl SqliteExecutor<'_>,
    sha: &str,
) -> sqlx::Result<Option<DateTime<Utc>>> {
    sqlx::query_scalar!(
        r#"SELECT date AS "date: DateTime<Utc>" FROM git_dates WHERE sha = ?"#,
        sha
    )
    .fetch_optional(db)
    .await
}

pub async fn store_git_date(
    db: impl SqliteExecutor<'_>,
    sha: &str,
    date: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "INSERT OR IGNORE INTO git_dates (sha, date) VALUES (?, ?)",
        sha,
        date
    )
    .execute(db)
    .await?;
    Ok(())
}

pub async fn start_run(
    db: impl SqliteExecutor<'_>,
    repository_id: i64,
    trigger: &str,
) -> sqlx::Result<i64> {
    let now = Utc::now();
    sqlx::query_scalar!(
        r#"INSERT INTO sync_runs (repository_id, trigger, started_at) VALUES (?, ?, ?)
           RETURNING id AS "id!""#,
        repository_id,
        trigger,
        now,
    )
    .fetch_one(db)
    .await
}

/// What a finished run reports.
pub struct RunResult<'a> {
    pub ok: bool,
    pub requests: i64,
    pub not_modified: i64,
    pub rate_limit_remaining: Option<i64>,
    pub error: Option<&'a str>,
}

pub async fn finish_run(
    db: impl SqliteExecutor<'_>,
    run_id: i64,
    result: &RunResult<'_>,
) -> sqlx::Result<()> {
    let now = Utc::now();
    let outcome = if result.ok { "ok" } else { "failed" };
    sqlx::query!(
        r#"UPDATE sync_runs SET finished_at = ?, outcome = ?, requests = ?, not_modified = ?,
               rate_limit_remaining = ?, error = ?
           WHERE id = ?"#,
        now,
        outcome,
        result.requests,
        result.not_modified,
        result.rate_limit_remaining,
        result.error,
        run_id,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// The repository's most recent runs, newest first.
pub async fn recent_runs(
    db: impl SqliteExecutor<'_>,
    repository_id: i64,
    limit: i64,
) -> sqlx::Result<Vec<SyncRun>> {
    sqlx::query_as!(
        SyncRun,
        r#"SELECT id AS "id!", trigger, started_at AS "started_at: DateTime<Utc>",
                  finished_at AS "finished_at?: DateTime<Utc>", outcome, requests, not_modified,
                  rate_limit_remaining, error
           FROM sync_runs WHERE repository_id = ? ORDER BY started_at DESC, id DESC LIMIT ?"#,
        repository_id,
        limit,
    )
    .fetch_all(db)
    .await
}

/// Forgets the cached list pages of a repository, so that the next sync compares everything:
/// after a webhook changed our copy, an unchanged page must not be taken for "nothing to do".
pub async fn forget_pages(
    db: impl SqliteExecutor<'_>,
    owner: &str,
    name: &str,
) -> sqlx::Result<()> {
    let pattern = format!("%/repos/{owner}/{name}/%");
    sqlx::query!("DELETE FROM http_cache WHERE url LIKE ?", pattern)
        .execute(db)
        .await?;
    Ok(())
}

/// A repository's sync figures over all its runs.
pub struct SyncTotals {
    /// `owner/name`.
    pub repository: String,
    pub runs: i64,
    pub failed: i64,
    pub requests: i64,
    pub not_modified: i64,
    /// As GitHub said after the most recent run that learnt it.
    pub rate_limit_remaining: Option<i64>,
}

pub async fn totals(db: impl SqliteExecutor<'_>) -> sqlx::Result<Vec<SyncTotals>> {
    sqlx::query_as!(
        SyncTotals,
        r#"SELECT r.owner || '/' || r.name AS "repository!: String",
                  COUNT(s.id) AS "runs!: i64",
                  COALESCE(SUM(s.outcome = 'failed'), 0) AS "failed!: i64",
                  COALESCE(SUM(s.requests), 0) AS "requests!: i64",
                  COALESCE(SUM(s.not_modified), 0) AS "not_modified!: i64",
                  (SELECT s2.rate_limit_remaining FROM sync_runs s2
                   WHERE s2.repository_id = r.id AND s2.rate_limit_remaining IS NOT NULL
                   ORDER BY s2.started_at DESC, s2.id DESC LIMIT 1) AS "rate_limit_remaining?: i64"
           FROM repositories r LEFT JOIN sync_runs s ON s.repository_id = r.id
           GROUP BY r.id
           ORDER BY r.owner, r.name"#
    )
    .fetch_all(db)
    .await
}
