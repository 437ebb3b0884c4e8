//! The versions of tracked repositories (one row per tag name), with the tags, releases,
//! assets and withdrawals attached to them. Split by table; every function is re-exported here.

mod assets;
mod detail;
mod drift;
mod listing;
mod releases;
mod tags;
mod withdrawals;

pub use self::{assets::*, detail::*, drift::*, listing::*, releases::*, tags::*, withdrawals::*};

use super::{
    db::{shared, Exec},
    repositories::Repository,
};
use crate::domain::version::TagInfo;

/// Records a tag name seen on GitHub, parsed with the repository's prefix and 0.x rule, and
/// returns its version id. Tags that are not versions are kept with NULL version fields.
pub async fn upsert(db: impl Into<Exec<'_>>, repo: &Repository, tag: &str) -> sqlx::Result<i64> {
    let info = TagInfo::parse(tag, &repo.tag_prefix, repo.zero_major_lines).ok();
    let version = info.as_ref().map(|i| i.version.to_string());
    let precedence = info.as_ref().map(|i| i.precedence.clone());
    let channel = info.as_ref().map(|i| i.channel.as_str());
    let line = info.as_ref().map(|i| i.line.to_string());
    shared!(
        db,
        fetch_one,
        query_scalar!(
            r#"INSERT INTO versions (repository_id, tag, version, precedence, channel, line)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (repository_id, tag) DO UPDATE SET
               version = excluded.version, precedence = excluded.precedence,
               channel = excluded.channel, line = excluded.line
           RETURNING id AS "id!""#,
            repo.id,
            tag,
            version,
            precedence,
            channel,
            line,
        )
    )
}

/// The version id of the public version `version`.
pub async fn public_id(
    db: impl Into<Exec<'_>>,
    repository_id: i64,
    version: &str,
) -> sqlx::Result<Option<i64>> {
    listed_id(db, repository_id, version, false).await
}

/// The version id of the public version `version`, or, with `planned`, of a planned one.
pub async fn listed_id(
    db: impl Into<Exec<'_>>,
    repository_id: i64,
    version: &str,
    planned: bool,
) -> sqlx::Result<Option<i64>> {
    shared!(
        db,
        fetch_optional,
        query_scalar!(
            r#"SELECT v.id AS "id!" FROM versions v
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

/// The tag name of a version.
pub async fn tag_of(db: impl Into<Exec<'_>>, version_id: i64) -> sqlx::Result<Option<String>> {
    shared!(
        db,
        fetch_optional,
        query_scalar!(
            r#"SELECT tag AS "tag!" FROM versions WHERE id = $1"#,
            version_id
        )
    )
}
