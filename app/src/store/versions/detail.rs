//! One public version in full, and its neighbours.

use chrono::{DateTime, Utc};

use crate::store::db::{shared, Exec};

/// A version's repository and version number.
struct Named {
    repository_id: i64,
    version: String,
}

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
    db: impl Into<Exec<'_>>,
    repository_id: i64,
    version: &str,
) -> sqlx::Result<Option<VersionDetail>> {
    find_listed(db, repository_id, version, false).await
}

/// The public version `version`, or a planned one (whose checklist runs before its tag).
pub async fn find_public_or_planned(
    db: impl Into<Exec<'_>>,
    repository_id: i64,
    version: &str,
) -> sqlx::Result<Option<VersionDetail>> {
    find_listed(db, repository_id, version, true).await
}

async fn find_listed(
    db: impl Into<Exec<'_>>,
    repository_id: i64,
    version: &str,
    planned: bool,
) -> sqlx::Result<Option<VersionDetail>> {
    shared!(
        db,
        fetch_optional,
        query_as!(
            VersionDetail,
            r#"SELECT v.tag AS "tag!", v.version AS "version!", v.channel AS "channel!", v.line AS "line!",
                  v.precedence AS "precedence!",
                  COALESCE(r.published_at, t.tagged_at) AS "released_at?: DateTime<Utc>",
                  COALESCE(r.name, '') AS "title!: String", COALESCE(r.body, '') AS "body!: String",
                  COALESCE(r.html_url, '') AS "html_url!: String",
                  r.version_id IS NOT NULL AS "has_release!: bool"
           FROM versions v
           LEFT JOIN tags t ON t.version_id = v.id AND t.deleted_at IS NULL
           LEFT JOIN releases r ON r.version_id = v.id AND r.deleted_at IS NULL AND NOT r.draft
           WHERE v.repository_id = $1 AND v.version = $2
             AND (v.public
                  OR ($3 AND EXISTS (SELECT 1 FROM plans p WHERE p.version_id = v.id
                                     AND p.cancelled_at IS NULL)))
           ORDER BY v.tag LIMIT 1"#,
            repository_id,
            version,
            planned,
        )
    )
}

/// The public version with id `version_id`.
pub async fn find_by_id(
    db: impl Into<Exec<'_>>,
    version_id: i64,
) -> sqlx::Result<Option<VersionDetail>> {
    let mut db = db.into();
    let named = shared!(
        db.reborrow(),
        fetch_optional,
        query_as!(
            Named,
            r#"SELECT repository_id AS "repository_id!", version AS "version!" FROM versions
           WHERE id = $1 AND version IS NOT NULL"#,
            version_id,
        )
    )?;
    match named {
        Some(named) => find_public(db, named.repository_id, &named.version).await,
        None => Ok(None),
    }
}

/// The public versions just below and just above `precedence`: (previous, next) tags. With
/// `stable_only`, only stable ones: a release's neighbours are releases, never an alpha.
pub async fn neighbours(
    db: impl Into<Exec<'_>>,
    repository_id: i64,
    precedence: &str,
    stable_only: bool,
) -> sqlx::Result<(Option<String>, Option<String>)> {
    let mut db = db.into();
    let previous = shared!(
        db.reborrow(),
        fetch_optional,
        query_scalar!(
            r#"SELECT v.tag AS "tag!" FROM versions v
           WHERE v.repository_id = $1 AND v.precedence < $2 AND v.version IS NOT NULL
             AND v.public AND (NOT $3 OR v.channel = 'stable')
           ORDER BY v.precedence DESC LIMIT 1"#,
            repository_id,
            precedence,
            stable_only,
        )
    )?;
    let next = shared!(
        db,
        fetch_optional,
        query_scalar!(
            r#"SELECT v.tag AS "tag!" FROM versions v
           WHERE v.repository_id = $1 AND v.precedence > $2 AND v.version IS NOT NULL
             AND v.public AND (NOT $3 OR v.channel = 'stable')
           ORDER BY v.precedence ASC LIMIT 1"#,
            repository_id,
            precedence,
            stable_only,
        )
    )?;
    Ok((previous, next))
}
