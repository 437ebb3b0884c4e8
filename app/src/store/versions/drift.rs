//! Where GitHub disagrees with the versions.

use crate::{
    domain::drift::{DriftSummary, DriftingTag, TagDrift},
    store::db::{shared, Exec},
};

/// A tag that drifts, how, and how many drift that way.
struct DriftRow {
    tag: String,
    kind: String,
    total: i64,
}

/// Where GitHub disagrees with the versions: the first `keep` tags (by name) of each kind of
/// drift with the count of each, and GitHub's "latest" (the newest stable release by date)
/// against the highest stable release.
pub async fn drift(
    db: impl Into<Exec<'_>>,
    repository_id: i64,
    keep: i64,
) -> sqlx::Result<DriftSummary> {
    let mut db = db.into();
    // A public tag without a live release has a live git tag: that is what makes it public.
    let rows = shared!(
        db.reborrow(),
        fetch_all,
        query_as!(
            DriftRow,
            r#"WITH drifting AS (
               SELECT v.tag,
                      CASE WHEN v.version IS NULL THEN 'not_version'
                           WHEN r.version_id IS NULL THEN 'without_release'
                           ELSE 'prerelease_flag' END AS kind
               FROM versions v
               LEFT JOIN releases r ON r.version_id = v.id AND r.deleted_at IS NULL AND NOT r.draft
               WHERE v.repository_id = $1 AND v.public
                 AND (v.version IS NULL OR r.version_id IS NULL
                      OR (r.prerelease = (v.channel = 'stable')
                          -- A withdrawal mirrored to GitHub marks its release pre-release.
                          AND NOT EXISTS (SELECT 1 FROM withdrawals w
                                          WHERE w.version_id = v.id AND w.restored_at IS NULL
                                            AND w.mirrored_release_id IS NOT NULL)))
           ),
           ranked AS (
               SELECT tag, kind, ROW_NUMBER() OVER (PARTITION BY kind ORDER BY tag) AS n,
                      COUNT(*) OVER (PARTITION BY kind) AS total
               FROM drifting
           )
           SELECT tag AS "tag!", kind AS "kind!: String", total AS "total!: i64"
           FROM ranked WHERE n <= $2 ORDER BY kind, n"#,
            repository_id,
            keep,
        )
    )?;
    let tags = rows
        .into_iter()
        .filter_map(|row| {
            let kind = match row.kind.as_str() {
                "not_version" => TagDrift::NotVersions,
                "without_release" => TagDrift::WithoutRelease,
                "prerelease_flag" => TagDrift::PrereleaseFlag,
                _ => return None,
            };
            Some(DriftingTag {
                kind,
                tag: row.tag,
                total: usize::try_from(row.total).unwrap_or(0),
            })
        })
        .collect();
    let github_latest = shared!(
        db.reborrow(),
        fetch_optional,
        query_scalar!(
            r#"SELECT v.tag AS "tag!" FROM versions v
               JOIN releases r ON r.version_id = v.id AND r.deleted_at IS NULL AND NOT r.draft
                    AND NOT r.prerelease
               WHERE v.repository_id = $1 AND v.channel = 'stable'
               ORDER BY r.published_at DESC NULLS LAST, v.precedence DESC LIMIT 1"#,
            repository_id,
        )
    )?;
    let highest_stable = shared!(
        db,
        fetch_optional,
        query_scalar!(
            r#"SELECT v.tag AS "tag!" FROM versions v
               JOIN releases r ON r.version_id = v.id AND r.deleted_at IS NULL AND NOT r.draft
                    AND NOT r.prerelease
               WHERE v.repository_id = $1 AND v.channel = 'stable'
               ORDER BY v.precedence DESC LIMIT 1"#,
            repository_id,
        )
    )?;
    Ok(DriftSummary::new(tags, github_latest, highest_stable))
}
