//! One public version in full, and its neighbours.

use chrono::{DateTime, Utc};
use sqlx::SqliteExecutor;

/// One public version with its notes, as the version page shows it.
pub struct VersionDetail {
    pub tag: String,
    pub version: String,
    pub channel: String,
    pub line: String,
    pub precedence: String,
    pub released_at: Option<DateTime<Utc>>,
    pub title: String,
    pub body: String,
    pub html_url: String,
    pub has_release: bool,
}

/// The public version `version` (tag or published release; never a draft).
pub async fn find_public(
    db: impl SqliteExecutor<'_>,
    repository_id: i64,
    version: &str,
) -> sqlx::Result<Option<VersionDetail>> {
    find_listed(db, repository_id, version, false).await
}

/// The public version `version`, or a planned one (whose checklist runs before its tag).
pub async fn find_public_or_planned(
    db: impl SqliteExecutor<'_>,
    repository_id: i64,
    version: &str,
) -> sqlx::Result<Option<VersionDetail>> {
    find_listed(db, repository_id, version, true).await
}

async fn find_listed(
    db: impl SqliteExecutor<'_>,
    repository_id: i64,
    version: &str,
    planned: bool,
) -> sqlx::Result<Option<VersionDetail>> {
    sqlx::query_as!(
        VersionDetail,
        r#"SELECT v.tag, v.version AS "version!", v.channel AS "channel!", v.line AS "line!",
                  v.precedence AS "precedence!",
                  COALESCE(r.published_at, t.tagged_at) AS "released_at?: DateTime<Utc>",
                  COALESCE(r.name, '') AS "title!: String", COALESCE(r.body, '') AS "body!: String",
                  COALESCE(r.html_url, '') AS "html_url!: String",
                  r.version_id IS NOT NULL AS "has_release!: bool"
           FROM versions v
           LEFT JOIN tags t ON t.version_id = v.id AND t.deleted_at IS NULL
           LEFT JOIN releases r ON r.version_id = v.id AND r.deleted_at IS NULL AND r.draft = 0
           WHERE v.repository_id = ?1 AND v.version = ?2
             AND (v.public = 1
                  OR (?3 AND EXISTS (SELECT 1 FROM plans p WHERE p.version_id = v.id
                                     AND p.cancelled_at IS NULL)))
           ORDER BY v.tag LIMIT 1"#,
        repository_id,
        version,
        planned,
    )
    .fetch_optional(db)
    .await
}

/// The public version with id `version_id`.
pub async fn find_by_id(
    pool: &sqlx::SqlitePool,
    version_id: i64,
) -> sqlx::Result<Option<VersionDetail>> {
    let named = sqlx::query!(
        r#"SELECT repository_id, version AS "version!" FROM versions
           WHERE id = ? AND version IS NOT NULL"#,
        version_id,
    )
    .fetch_optional(pool)
    .await?;
    match named {
        Some(named) => find_public(pool, named.repository_id, &named.version).await,
        None => Ok(None),
    }
}

/// The public versions just below and just above `precedence`: (previous, next) tags. With
/// `stable_only`, only stable ones: a release's neighbours are releases, never an alpha.
pub async fn neighbours(
    pool: &sqlx::SqlitePool,
    repository_id: i64,
    precedence: &str,
    stable_only: bool,
) -> sqlx::Result<(Option<String>, Option<String>)> {
    let previous = sqlx::query_scalar!(
        r#"SELECT v.tag FROM versions v
           WHERE v.repository_id = ?1 AND v.precedence < ?2 AND v.version IS NOT NULL
             AND v.public = 1 AND (?3 = 0 OR v.channel = 'stable')
           ORDER BY v.precedence DESC LIMIT 1"#,
        repository_id,
        precedence,
        stable_only,
    )
    .fetch_optional(pool)
    .await?;
    let next = sqlx::query_scalar!(
        r#"SELECT v.tag FROM versions v
           WHERE v.repository_id = ?1 AND v.precedence > ?2 AND v.version IS NOT NULL
             AND v.public = 1 AND (?3 = 0 OR v.channel = 'stable')
           ORDER BY v.precedence ASC LIMIT 1"#,
        repository_id,
        precedence,
        stable_only,
    )
    .fetch_optional(pool)
    .await?;
    Ok((previous, next))
}
