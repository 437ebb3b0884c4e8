//! The GitHub releases of versions, drafts included.

use chrono::{DateTime, Utc};

use crate::{
    model::history::DraftEntry,
    store::db::{per_database, shared, Exec},
};

/// A released version and where its release is on GitHub.
struct ReleaseLink {
    version: String,
    html_url: String,
}

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
    db: impl Into<Exec<'_>>,
    version_id: i64,
    release: &GithubRelease<'_>,
) -> sqlx::Result<()> {
    shared!(
        db,
        execute,
        query!(
            r#"INSERT INTO releases
               (version_id, github_id, name, body, html_url, draft, prerelease, created_at,
                published_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
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
            release.created_at as _,
            release.published_at as _,
        )
    )?;
    Ok(())
}

/// The same as [`mark_tags_deleted_except`], for releases.
pub async fn mark_releases_deleted_except(
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
                r#"UPDATE releases SET deleted_at = $1
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
            r#"UPDATE releases SET deleted_at = $1
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

/// Marks one version's release deleted.
pub async fn mark_release_deleted(
    db: impl Into<Exec<'_>>,
    version_id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    shared!(
        db,
        execute,
        query!(
            "UPDATE releases SET deleted_at = $1 WHERE version_id = $2 AND deleted_at IS NULL",
            now as _,
            version_id
        )
    )?;
    Ok(())
}

/// The repository's draft releases, newest first: for maintainers' eyes only.
pub async fn list_drafts(
    db: impl Into<Exec<'_>>,
    repository_id: i64,
) -> sqlx::Result<Vec<DraftEntry>> {
    shared!(
        db,
        fetch_all,
        query_as!(
            DraftEntry,
            r#"SELECT v.tag AS "tag!", r.name AS "title!",
                  r.created_at AS "created_at!: DateTime<Utc>"
           FROM releases r JOIN versions v ON v.id = r.version_id
           WHERE v.repository_id = $1 AND r.draft AND r.deleted_at IS NULL
           ORDER BY r.created_at DESC, v.tag"#,
            repository_id,
        )
    )
}

/// The GitHub release page of each published version, by version.
pub async fn release_links(
    db: impl Into<Exec<'_>>,
    repository_id: i64,
) -> sqlx::Result<std::collections::HashMap<String, String>> {
    let rows = shared!(
        db,
        fetch_all,
        query_as!(
            ReleaseLink,
            r#"SELECT v.version AS "version!", r.html_url AS "html_url!"
           FROM versions v JOIN releases r ON r.version_id = v.id
           WHERE v.repository_id = $1 AND v.version IS NOT NULL AND NOT r.draft
             AND r.deleted_at IS NULL AND r.html_url <> ''"#,
            repository_id,
        )
    )?;
    Ok(rows.into_iter().map(|r| (r.version, r.html_url)).collect())
}
