use chrono::{DateTime, Utc};
use sqlx::SqliteExecutor;

use super::repositories::Repository;
use crate::{
    api::{history::HistoryEntry, versions::Asset},
    domain::{
        drift::{DriftSummary, DriftingTag, TagDrift},
        version::{Channel, TagInfo},
    },
};

/// Records a tag name seen on GitHub, parsed with the repository's prefix and 0.x rule, and
/// returns its version id. Tags that are not versions are kept with NULL version fields.
pub async fn upsert(
    db: impl SqliteExecutor<'_>,
    repo: &Repository,
    tag: &str,
) -> sqlx::Result<i64> {
    let info = TagInfo::parse(tag, &repo.tag_prefix, repo.zero_major_lines).ok();
    let version = info.as_ref().map(|i| i.version.to_string());
    let precedence = info.as_ref().map(|i| i.precedence.clone());
    let channel = info.as_ref().map(|i| i.channel.as_str());
    let line = info.as_ref().map(|i| i.line.to_string());
    sqlx::query_scalar!(
        r#"INSERT INTO versions (repository_id, tag, version, precedence, channel, line)
           VALUES (?, ?, ?, ?, ?, ?)
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
    .fetch_one(db)
    .await
}

/// The git side of a version.
pub struct GitTag<'a> {
    pub commit_sha: &'a str,
    /// Set for annotated tags.
    pub tag_object_sha: Option<&'a str>,
    pub tagged_at: Option<DateTime<Utc>>,
}

pub async fn upsert_tag(
    db: impl SqliteExecutor<'_>,
    version_id: i64,
    tag: &GitTag<'_>,
) -> sqlx::Result<()> {
    sqlx::query!(
        r#"INSERT INTO tags (version_id, commit_sha, tag_object_sha, tagged_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (version_id) DO UPDATE SET
               commit_sha = excluded.commit_sha, tag_object_sha = excluded.tag_object_sha,
               tagged_at = excluded.tagged_at, deleted_at = NULL"#,
        version_id,
        tag.commit_sha,
        tag.tag_object_sha,
        tag.tagged_at,
    )
    .execute(db)
    .await?;
    Ok(())
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
    db: impl SqliteExecutor<'_>,
    version_id: i64,
    release: &GithubRelease<'_>,
) -> sqlx::Result<()> {
    sqlx::query!(
        r#"INSERT INTO releases
               (version_id, github_id, name, body, html_url, draft, prerelease, created_at,
                published_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
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
        release.created_at,
        release.published_at,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Makes `assets` the release's files, replacing what was stored.
pub async fn replace_assets(
    tx: &mut sqlx::SqliteConnection,
    version_id: i64,
    assets: &[Asset],
) -> sqlx::Result<()> {
    sqlx::query!(
        "DELETE FROM release_assets WHERE version_id = ?",
        version_id
    )
    .execute(&mut *tx)
    .await?;
    for asset in assets {
        sqlx::query!(
            "INSERT INTO release_assets
                 (version_id, name, size, content_type, download_url, download_count)
             VALUES (?, ?, ?, ?, ?, ?)
             ON CONFLICT (version_id, name) DO NOTHING",
            version_id,
            asset.name,
            asset.size,
            asset.content_type,
            asset.download_url,
            asset.download_count,
        )
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

/// The files of the release of `tag`, by name.
pub async fn list_assets(
    db: impl SqliteExecutor<'_>,
    repository_id: i64,
    tag: &str,
) -> sqlx::Result<Vec<Asset>> {
    sqlx::query_as!(
        Asset,
        r#"SELECT a.name, a.size, a.content_type, a.download_url, a.download_count
           FROM release_assets a
           JOIN versions v ON v.id = a.version_id
           WHERE v.repository_id = ? AND v.tag = ?
           ORDER BY a.name"#,
        repository_id,
        tag,
    )
    .fetch_all(db)
    .await
}

/// Which public versions to list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VersionFilter {
    pub channel: Option<Channel>,
    /// A line as displayed, e.g. `2.x` or `0.3.x`.
    pub line: Option<String>,
    /// Text to find, case-insensitively, in the tag or the release title.
    pub search: Option<String>,
}

impl VersionFilter {
    /// The search as a `LIKE ... ESCAPE '\'` pattern.
    fn search_pattern(&self) -> Option<String> {
        self.search.as_deref().map(|text| {
            let mut pattern = String::from("%");
            for c in text.chars() {
                if matches!(c, '%' | '_' | '\\') {
                    pattern.push('\\');
                }
                pattern.push(c);
            }
            pattern.push('%');
            pattern
        })
    }
}

/// Versions anyone may see, newest first by SemVer precedence: a live tag or a published,
/// live release. Drafts and deleted tags or releases stay out.
pub async fn list_public(
    db: impl SqliteExecutor<'_>,
    repository_id: i64,
) -> sqlx::Result<Vec<HistoryEntry>> {
    list_public_page(db, repository_id, &VersionFilter::default(), -1, 0).await
}

/// One page of [`list_public`], filtered; a negative `limit` means all.
pub async fn list_public_page(
    db: impl SqliteExecutor<'_>,
    repository_id: i64,
    filter: &VersionFilter,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<HistoryEntry>> {
    let channel = filter.channel.map(Channel::as_str);
    let search = filter.search_pattern();
    let rows = sqlx::query_as!(
        ListedRow,
        r#"SELECT v.tag, v.version AS "version!", v.channel AS "channel!", v.line AS "line!",
                  COALESCE(r.published_at, t.tagged_at) AS "released_at?: DateTime<Utc>",
                  COALESCE(r.name, '') AS "title!: String",
                  r.version_id IS NOT NULL AS "has_release!: bool",
                  EXISTS (SELECT 1 FROM withdrawals w
                          WHERE w.version_id = v.id AND w.restored_at IS NULL) AS "withdrawn!: bool"
           FROM versions v
           LEFT JOIN tags t ON t.version_id = v.id AND t.deleted_at IS NULL
           LEFT JOIN releases r ON r.version_id = v.id AND r.deleted_at IS NULL AND r.draft = 0
           WHERE v.repository_id = ?1 AND v.version IS NOT NULL
             AND v.public = 1
             AND (?2 IS NULL OR v.channel = ?2) AND (?3 IS NULL OR v.line = ?3)
             AND (?4 IS NULL OR v.tag LIKE ?4 ESCAPE '\' OR r.name LIKE ?4 ESCAPE '\')
           ORDER BY v.precedence DESC, v.tag
           LIMIT ?5 OFFSET ?6"#,
        repository_id,
        channel,
        filter.line,
        search,
        limit,
        offset,
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(HistoryEntry::from).collect())
}

/// A public version as listed, straight from SQL.
struct ListedRow {
    tag: String,
    version: String,
    channel: String,
    line: String,
    released_at: Option<DateTime<Utc>>,
    title: String,
    has_release: bool,
    withdrawn: bool,
}

impl From<ListedRow> for HistoryEntry {
    fn from(row: ListedRow) -> Self {
        HistoryEntry {
            tag: row.tag,
            version: row.version,
            // The column's CHECK constraint admits only channel names.
            channel: row.channel.parse().unwrap_or(Channel::Prerelease),
            line: row.line,
            released_at: row.released_at,
            title: row.title,
            has_release: row.has_release,
            withdrawn: row.withdrawn,
        }
    }
}

/// The versions of one history page: `trains` trains (a release and its pre-releases) after
/// skipping `skip` trains, newest first. A version's train (a column) is the first 62 bytes of
/// its precedence key, the padded `major.minor.patch`.
pub async fn list_trains(
    db: impl SqliteExecutor<'_>,
    repository_id: i64,
    filter: &VersionFilter,
    trains: i64,
    skip: i64,
) -> sqlx::Result<Vec<HistoryEntry>> {
    let channel = filter.channel.map(Channel::as_str);
    let search = filter.search_pattern();
    let rows = sqlx::query_as!(
        ListedRow,
        r#"WITH shown AS (
               SELECT DISTINCT v.train FROM versions v
               WHERE v.repository_id = ?1 AND v.public = 1 AND v.version IS NOT NULL
                 AND (?2 IS NULL OR v.channel = ?2) AND (?3 IS NULL OR v.line = ?3)
                 AND (?4 IS NULL OR v.tag LIKE ?4 ESCAPE '\'
                      OR EXISTS (SELECT 1 FROM releases r
                                 WHERE r.version_id = v.id AND r.deleted_at IS NULL
                                   AND r.draft = 0 AND r.name LIKE ?4 ESCAPE '\'))
               ORDER BY v.train DESC LIMIT ?5 OFFSET ?6
           )
           -- The same filters again: a train's other versions may not match them.
           SELECT v.tag AS "tag!", v.version AS "version!", v.channel AS "channel!",
                  v.line AS "line!",
                  COALESCE(r.published_at, t.tagged_at) AS "released_at?: DateTime<Utc>",
                  COALESCE(r.name, '') AS "title!: String",
                  r.version_id IS NOT NULL AS "has_release!: bool",
                  EXISTS (SELECT 1 FROM withdrawals w
                          WHERE w.version_id = v.id AND w.restored_at IS NULL) AS "withdrawn!: bool"
           FROM versions v
           LEFT JOIN tags t ON t.version_id = v.id AND t.deleted_at IS NULL
           LEFT JOIN releases r ON r.version_id = v.id AND r.deleted_at IS NULL AND r.draft = 0
           WHERE v.repository_id = ?1 AND v.public = 1 AND v.version IS NOT NULL
             AND v.train IN shown
             AND (?2 IS NULL OR v.channel = ?2) AND (?3 IS NULL OR v.line = ?3)
             AND (?4 IS NULL OR v.tag LIKE ?4 ESCAPE '\' OR r.name LIKE ?4 ESCAPE '\')
           ORDER BY v.precedence DESC, v.tag"#,
        repository_id,
        channel,
        filter.line,
        search,
        trains,
        skip,
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(HistoryEntry::from).collect())
}

/// Public versions above `low` and up to `high` (precedence keys), oldest first, at most
/// `limit`, each with its release notes as written: what an upgrade from `low` to `high` reads.
pub async fn list_between(
    db: impl SqliteExecutor<'_>,
    repository_id: i64,
    low: &str,
    high: &str,
    limit: i64,
) -> sqlx::Result<Vec<(HistoryEntry, String)>> {
    let rows = sqlx::query!(
        r#"SELECT v.tag, v.version AS "version!", v.channel AS "channel!", v.line AS "line!",
                  COALESCE(r.published_at, t.tagged_at) AS "released_at?: DateTime<Utc>",
                  COALESCE(r.name, '') AS "title!: String",
                  COALESCE(r.body, '') AS "body!: String",
                  r.version_id IS NOT NULL AS "has_release!: bool",
                  EXISTS (SELECT 1 FROM withdrawals w
                          WHERE w.version_id = v.id AND w.restored_at IS NULL) AS "withdrawn!: bool"
           FROM versions v
           LEFT JOIN tags t ON t.version_id = v.id AND t.deleted_at IS NULL
           LEFT JOIN releases r ON r.version_id = v.id AND r.deleted_at IS NULL AND r.draft = 0
           WHERE v.repository_id = ?1 AND v.public = 1 AND v.version IS NOT NULL
             AND v.precedence > ?2 AND v.precedence <= ?3
           ORDER BY v.precedence, v.tag
           LIMIT ?4"#,
        repository_id,
        low,
        high,
        limit,
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let entry = HistoryEntry::from(ListedRow {
                tag: row.tag,
                version: row.version,
                channel: row.channel,
                line: row.line,
                released_at: row.released_at,
                title: row.title,
                has_release: row.has_release,
                withdrawn: row.withdrawn,
            });
            (entry, row.body)
        })
        .collect())
}

/// How many public versions match `filter`, and in how many trains: [`list_public_page`]
/// pages the first, [`list_trains`] the second.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Matching {
    pub versions: i64,
    pub trains: i64,
}

pub async fn count_matching(
    db: impl SqliteExecutor<'_>,
    repository_id: i64,
    filter: &VersionFilter,
) -> sqlx::Result<Matching> {
    let channel = filter.channel.map(Channel::as_str);
    let search = filter.search_pattern();
    let counts = sqlx::query!(
        r#"SELECT COUNT(*) AS "versions!: i64", COUNT(DISTINCT v.train) AS "trains!: i64"
           FROM versions v
           WHERE v.repository_id = ?1 AND v.public = 1 AND v.version IS NOT NULL
             AND (?2 IS NULL OR v.channel = ?2) AND (?3 IS NULL OR v.line = ?3)
             AND (?4 IS NULL OR v.tag LIKE ?4 ESCAPE '\'
                  OR EXISTS (SELECT 1 FROM releases r
                             WHERE r.version_id = v.id AND r.deleted_at IS NULL AND r.draft = 0
                               AND r.name LIKE ?4 ESCAPE '\'))"#,
        repository_id,
        channel,
        filter.line,
        search,
    )
    .fetch_one(db)
    .await?;
    Ok(Matching {
        versions: counts.versions,
        trains: counts.trains,
    })
}

/// How many public versions each line has, newest line first.
pub async fn line_counts(
    db: impl SqliteExecutor<'_>,
    repository_id: i64,
) -> sqlx::Result<Vec<(String, i64)>> {
    let rows = sqlx::query!(
        r#"SELECT v.line AS "line!", COUNT(*) AS "count!: i64"
           FROM versions v
           WHERE v.repository_id = ?1 AND v.public = 1 AND v.version IS NOT NULL
           GROUP BY v.line
           ORDER BY MAX(v.precedence) DESC"#,
        repository_id,
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|row| (row.line, row.count)).collect())
}

/// How many public versions each channel has, in [`Channel::ALL`] order, leaving out empty
/// channels.
pub async fn channel_counts(
    db: impl SqliteExecutor<'_>,
    repository_id: i64,
) -> sqlx::Result<Vec<(Channel, i64)>> {
    let rows = sqlx::query!(
        r#"SELECT v.channel AS "channel!", COUNT(*) AS "count!: i64"
           FROM versions v
           WHERE v.repository_id = ?1 AND v.public = 1 AND v.version IS NOT NULL
           GROUP BY v.channel"#,
        repository_id,
    )
    .fetch_all(db)
    .await?;
    Ok(Channel::ALL
        .into_iter()
        .filter_map(|channel| {
            rows.iter()
                .find(|row| row.channel == channel.as_str())
                .map(|row| (channel, row.count))
        })
        .collect())
}

/// Live tags whose names are not versions under the repository's prefix.
pub async fn list_other_tags(
    db: impl SqliteExecutor<'_>,
    repository_id: i64,
) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar!(
        r#"SELECT v.tag FROM versions v
           JOIN tags t ON t.version_id = v.id AND t.deleted_at IS NULL
           WHERE v.repository_id = ? AND v.version IS NULL
           ORDER BY v.tag"#,
        repository_id,
    )
    .fetch_all(db)
    .await
}

/// A repository's tag as stored: what the sync compares with GitHub's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredTag {
    pub tag: String,
    pub commit_sha: String,
    pub tag_object_sha: Option<String>,
    pub tagged_at: Option<DateTime<Utc>>,
}

pub async fn list_stored_tags(
    db: impl SqliteExecutor<'_>,
    repository_id: i64,
) -> sqlx::Result<Vec<StoredTag>> {
    sqlx::query_as!(
        StoredTag,
        r#"SELECT v.tag, t.commit_sha, t.tag_object_sha, t.tagged_at AS "tagged_at?: DateTime<Utc>"
           FROM versions v JOIN tags t ON t.version_id = v.id
           WHERE v.repository_id = ?"#,
        repository_id,
    )
    .fetch_all(db)
    .await
}

/// Marks the repository's tags deleted unless their version id is in `kept`; already
/// deleted ones keep their first deletion time. Returns how many were marked.
pub async fn mark_tags_deleted_except(
    db: impl SqliteExecutor<'_>,
    repository_id: i64,
    kept: &[i64],
    now: DateTime<Utc>,
) -> sqlx::Result<u64> {
    let kept = serde_json::to_string(kept).unwrap_or_else(|_| "[]".to_owned());
    let result = sqlx::query!(
        r#"UPDATE tags SET deleted_at = ?
           WHERE deleted_at IS NULL
             AND version_id IN (SELECT id FROM versions WHERE repository_id = ?)
             AND version_id NOT IN (SELECT value FROM json_each(?))"#,
        now,
        repository_id,
        kept,
    )
    .execute(db)
    .await?;
    Ok(result.rows_affected())
}

/// The same as [`mark_tags_deleted_except`], for releases.
pub async fn mark_releases_deleted_except(
    db: impl SqliteExecutor<'_>,
    repository_id: i64,
    kept: &[i64],
    now: DateTime<Utc>,
) -> sqlx::Result<u64> {
    let kept = serde_json::to_string(kept).unwrap_or_else(|_| "[]".to_owned());
    let result = sqlx::query!(
        r#"UPDATE releases SET deleted_at = ?
           WHERE deleted_at IS NULL
             AND version_id IN (SELECT id FROM versions WHERE repository_id = ?)
             AND version_id NOT IN (SELECT value FROM json_each(?))"#,
        now,
        repository_id,
        kept,
    )
    .execute(db)
    .await?;
    Ok(result.rows_affected())
}

/// Marks one version's tag deleted (kept with everything attached to it).
pub async fn mark_tag_deleted(
    db: impl SqliteExecutor<'_>,
    version_id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE tags SET deleted_at = ? WHERE version_id = ? AND deleted_at IS NULL",
        now,
        version_id
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Marks one version's release deleted.
pub async fn mark_release_deleted(
    db: impl SqliteExecutor<'_>,
    version_id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE releases SET deleted_at = ? WHERE version_id = ? AND deleted_at IS NULL",
        now,
        version_id
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Where GitHub disagrees with the versions: the first `keep` tags (by name) of each kind of
/// drift with the count of each, and GitHub's "latest" (the newest stable release by date)
/// against the highest stable release.
pub async fn drift(
    pool: &sqlx::SqlitePool,
    repository_id: i64,
    keep: i64,
) -> sqlx::Result<DriftSummary> {
    // A public tag without a live release has a live git tag: that is what makes it public.
    let rows = sqlx::query!(
        r#"WITH drifting AS (
               SELECT v.tag,
                      CASE WHEN v.version IS NULL THEN 'not_version'
                           WHEN r.version_id IS NULL THEN 'without_release'
                           ELSE 'prerelease_flag' END AS kind
               FROM versions v
               LEFT JOIN releases r ON r.version_id = v.id AND r.deleted_at IS NULL AND r.draft = 0
               WHERE v.repository_id = ?1 AND v.public = 1
                 AND (v.version IS NULL OR r.version_id IS NULL
                      OR r.prerelease = (v.channel = 'stable'))
           ),
           ranked AS (
               SELECT tag, kind, ROW_NUMBER() OVER (PARTITION BY kind ORDER BY tag) AS n,
                      COUNT(*) OVER (PARTITION BY kind) AS total
               FROM drifting
           )
           SELECT tag AS "tag!", kind AS "kind!: String", total AS "total!: i64"
           FROM ranked WHERE n <= ?2 ORDER BY kind, n"#,
        repository_id,
        keep,
    )
    .fetch_all(pool)
    .await?;
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
    let github_latest = sqlx::query_scalar!(
        r#"SELECT v.tag FROM versions v
           JOIN releases r ON r.version_id = v.id AND r.deleted_at IS NULL AND r.draft = 0
                AND r.prerelease = 0
           WHERE v.repository_id = ?1 AND v.channel = 'stable'
           ORDER BY r.published_at DESC, v.precedence DESC LIMIT 1"#,
        repository_id,
    )
    .fetch_optional(pool)
    .await?;
    let highest_stable = sqlx::query_scalar!(
        r#"SELECT v.tag FROM versions v
           JOIN releases r ON r.version_id = v.id AND r.deleted_at IS NULL AND r.draft = 0
                AND r.prerelease = 0
           WHERE v.repository_id = ?1 AND v.channel = 'stable'
           ORDER BY v.precedence DESC LIMIT 1"#,
        repository_id,
    )
    .fetch_optional(pool)
    .await?;
    Ok(DriftSummary::new(tags, github_latest, highest_stable))
}

/// The repository's draft releases, newest first: for maintainers' eyes only.
pub async fn list_drafts(
    db: impl SqliteExecutor<'_>,
    repository_id: i64,
) -> sqlx::Result<Vec<crate::api::history::DraftEntry>> {
    let rows = sqlx::query!(
        r#"SELECT v.tag, r.name, r.created_at AS "created_at: DateTime<Utc>"
           FROM releases r JOIN versions v ON v.id = r.version_id
           WHERE v.repository_id = ? AND r.draft = 1 AND r.deleted_at IS NULL
           ORDER BY r.created_at DESC, v.tag"#,
        repository_id,
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| crate::api::history::DraftEntry {
            tag: row.tag,
            title: row.name,
            created_at: row.created_at,
        })
        .collect())
}

/// The GitHub release page of each published version, by version.
pub async fn release_links(
    db: impl SqliteExecutor<'_>,
    repository_id: i64,
) -> sqlx::Result<std::collections::HashMap<String, String>> {
    let rows = sqlx::query!(
        r#"SELECT v.version AS "version!", r.html_url
           FROM versions v JOIN releases r ON r.version_id = v.id
           WHERE v.repository_id = ? AND v.version IS NOT NULL AND r.draft = 0
             AND r.deleted_at IS NULL AND r.html_url <> ''"#,
        repository_id,
    )
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.version, r.html_url)).collect())
}

/// When the repository's public versions last changed: its newest release or tag date.
pub async fn last_change(
    db: impl SqliteExecutor<'_>,
    repository_id: i64,
) -> sqlx::Result<Option<DateTime<Utc>>> {
    sqlx::query_scalar!(
        r#"SELECT MAX(COALESCE(r.published_at, t.tagged_at)) AS "at?: DateTime<Utc>"
           FROM versions v
           LEFT JOIN tags t ON t.version_id = v.id AND t.deleted_at IS NULL
           LEFT JOIN releases r ON r.version_id = v.id AND r.deleted_at IS NULL AND r.draft = 0
           WHERE v.repository_id = ? AND v.version IS NOT NULL"#,
        repository_id,
    )
    .fetch_one(db)
    .await
}

/// The repository's public versions as the support policy sees them.
pub async fn support_releases(
    db: impl SqliteExecutor<'_>,
    repository_id: i64,
) -> sqlx::Result<Vec<crate::domain::support::Release>> {
    let entries = list_public(db, repository_id).await?;
    // A withdrawal names a version, whichever of its tags it was made on.
    let withdrawn: std::collections::HashSet<String> = entries
        .iter()
        .filter(|entry| entry.withdrawn)
        .map(|entry| entry.version.clone())
        .collect();
    Ok(entries
        .into_iter()
        .filter_map(|entry| {
            Some(crate::domain::support::Release {
                withdrawn: withdrawn.contains(&entry.version),
                version: semver::Version::parse(&entry.version).ok()?,
                released_on: entry.released_at.map(|at| at.date_naive()),
            })
        })
        .collect())
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
    db: impl SqliteExecutor<'_>,
    repository_id: i64,
    version: &str,
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
             AND v.public = 1
           ORDER BY v.tag LIMIT 1"#,
        repository_id,
        version,
    )
    .fetch_optional(db)
    .await
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

/// A version's withdrawal, while it stands.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Withdrawal {
    pub reason: String,
    pub superseded_by: Option<String>,
    pub withdrawn_by: String,
    pub withdrawn_at: DateTime<Utc>,
}

/// The version id of the public version `version`.
pub async fn public_id(
    db: impl SqliteExecutor<'_>,
    repository_id: i64,
    version: &str,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar!(
        r#"SELECT v.id AS "id!" FROM versions v
           WHERE v.repository_id = ?1 AND v.version = ?2
             AND v.public = 1
           ORDER BY v.tag LIMIT 1"#,
        repository_id,
        version,
    )
    .fetch_optional(db)
    .await
}

pub async fn withdraw(
    db: impl SqliteExecutor<'_>,
    version_id: i64,
    reason: &str,
    superseded_by: Option<&str>,
    by: &str,
) -> sqlx::Result<()> {
    let now = Utc::now();
    sqlx::query!(
        "INSERT INTO withdrawals (version_id, reason, superseded_by, withdrawn_by, withdrawn_at)
         VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (version_id) DO UPDATE SET reason = excluded.reason,
             superseded_by = excluded.superseded_by, withdrawn_by = excluded.withdrawn_by,
             withdrawn_at = excluded.withdrawn_at, restored_at = NULL",
        version_id,
        reason,
        superseded_by,
        by,
        now,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Restores a withdrawn version; false when it was not withdrawn.
pub async fn restore(db: impl SqliteExecutor<'_>, version_id: i64) -> sqlx::Result<bool> {
    let now = Utc::now();
    let result = sqlx::query!(
        "UPDATE withdrawals SET restored_at = ? WHERE version_id = ? AND restored_at IS NULL",
        now,
        version_id,
    )
    .execute(db)
    .await?;
    Ok(result.rows_affected() == 1)
}

pub async fn withdrawal(
    db: impl SqliteExecutor<'_>,
    version_id: i64,
) -> sqlx::Result<Option<Withdrawal>> {
    sqlx::query_as!(
        Withdrawal,
        r#"SELECT reason, superseded_by, withdrawn_by,
                  withdrawn_at AS "withdrawn_at: DateTime<Utc>"
           FROM withdrawals WHERE version_id = ? AND restored_at IS NULL"#,
        version_id,
    )
    .fetch_optional(db)
    .await
}
