//! What the GitHub sync keeps between runs: cached list pages, git object dates, sync runs.

use chrono::{DateTime, Utc};

use super::db::{shared, Exec};
use crate::model::sync::SyncRun;

/// A list page as GitHub last sent it, for `If-None-Match`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CachedPage {
    pub url: String,
    pub etag: String,
    pub next_url: Option<String>,
    pub body: String,
}

pub async fn cached_page(db: impl Into<Exec<'_>>, url: &str) -> sqlx::Result<Option<CachedPage>> {
    shared!(
        db,
        fetch_optional,
        query_as!(
            CachedPage,
            r#"SELECT url AS "url!", etag AS "etag!", next_url, body AS "body!"
               FROM http_cache WHERE url = $1"#,
            url
        )
    )
}

pub async fn store_page(db: impl Into<Exec<'_>>, page: &CachedPage) -> sqlx::Result<()> {
    let now = Utc::now();
    shared!(
        db,
        execute,
        query!(
            r#"INSERT INTO http_cache (url, etag, next_url, body, fetched_at)
               VALUES ($1, $2, $3, $4, $5)
               ON CONFLICT (url) DO UPDATE SET etag = excluded.etag, next_url = excluded.next_url,
                   body = excluded.body, fetched_at = excluded.fetched_at"#,
            page.url,
            page.etag,
            page.next_url,
            page.body,
            now as _,
        )
    )?;
    Ok(())
}

pub async fn git_date(db: impl Into<Exec<'_>>, sha: &str) -> sqlx::Result<Option<DateTime<Utc>>> {
    shared!(
        db,
        fetch_optional,
        query_scalar!(
            r#"SELECT date AS "date!: DateTime<Utc>" FROM git_dates WHERE sha = $1"#,
            sha
        )
    )
}

pub async fn store_git_date(
    db: impl Into<Exec<'_>>,
    sha: &str,
    date: DateTime<Utc>,
) -> sqlx::Result<()> {
    shared!(
        db,
        execute,
        query!(
            "INSERT INTO git_dates (sha, date) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            sha,
            date as _
        )
    )?;
    Ok(())
}

pub async fn start_run(
    db: impl Into<Exec<'_>>,
    repository_id: i64,
    trigger: &str,
) -> sqlx::Result<i64> {
    let now = Utc::now();
    shared!(
        db,
        fetch_one,
        query_scalar!(
            r#"INSERT INTO sync_runs (repository_id, trigger, started_at) VALUES ($1, $2, $3)
               RETURNING id AS "id!""#,
            repository_id,
            trigger,
            now as _,
        )
    )
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
    db: impl Into<Exec<'_>>,
    run_id: i64,
    result: &RunResult<'_>,
) -> sqlx::Result<()> {
    let now = Utc::now();
    let outcome = if result.ok { "ok" } else { "failed" };
    shared!(
        db,
        execute,
        query!(
            r#"UPDATE sync_runs SET finished_at = $1, outcome = $2, requests = $3,
                   not_modified = $4, rate_limit_remaining = $5, error = $6
               WHERE id = $7"#,
            now as _,
            outcome,
            result.requests,
            result.not_modified,
            result.rate_limit_remaining,
            result.error,
            run_id,
        )
    )?;
    Ok(())
}

/// The repository's most recent runs, newest first.
pub async fn recent_runs(
    db: impl Into<Exec<'_>>,
    repository_id: i64,
    limit: i64,
) -> sqlx::Result<Vec<SyncRun>> {
    shared!(
        db,
        fetch_all,
        query_as!(
            SyncRun,
            r#"SELECT id AS "id!", trigger AS "trigger!",
                      started_at AS "started_at!: DateTime<Utc>",
                      finished_at AS "finished_at?: DateTime<Utc>", outcome AS "outcome!",
                      requests AS "requests!", not_modified AS "not_modified!",
                      rate_limit_remaining, error
               FROM sync_runs WHERE repository_id = $1
               ORDER BY started_at DESC, id DESC LIMIT $2"#,
            repository_id,
            limit,
        )
    )
}

/// Forgets the cached list pages of a repository, so that the next sync compares everything:
/// after a webhook changed our copy, an unchanged page must not be taken for "nothing to do".
pub async fn forget_pages(db: impl Into<Exec<'_>>, owner: &str, name: &str) -> sqlx::Result<()> {
    let pattern = format!("%/repos/{owner}/{name}/%");
    shared!(
        db,
        execute,
        // Lower-cased on both sides: GitHub's names are case-insensitive, and so is SQLite's
        // LIKE, but not PostgreSQL's.
        query!(
            "DELETE FROM http_cache WHERE lower(url) LIKE lower($1)",
            pattern
        )
    )?;
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

pub async fn totals(db: impl Into<Exec<'_>>) -> sqlx::Result<Vec<SyncTotals>> {
    shared!(
        db,
        fetch_all,
        query_as!(
            SyncTotals,
            r#"SELECT r.owner || '/' || r.name AS "repository!: String",
                      COUNT(s.id) AS "runs!: i64",
                      COUNT(*) FILTER (WHERE s.outcome = 'failed') AS "failed!: i64",
                      CAST(COALESCE(SUM(s.requests), 0) AS BIGINT) AS "requests!: i64",
                      CAST(COALESCE(SUM(s.not_modified), 0) AS BIGINT) AS "not_modified!: i64",
                      (SELECT s2.rate_limit_remaining FROM sync_runs s2
                       WHERE s2.repository_id = r.id AND s2.rate_limit_remaining IS NOT NULL
                       ORDER BY s2.started_at DESC, s2.id DESC LIMIT 1)
                        AS "rate_limit_remaining?: i64"
               FROM repositories r LEFT JOIN sync_runs s ON s.repository_id = r.id
               GROUP BY r.id
               ORDER BY r.owner, r.name"#
        )
    )
}
