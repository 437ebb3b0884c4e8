//! Public versions listed: pages, trains, counts, ranges, and what the support policy reads.

use chrono::{DateTime, Utc};

use crate::{
    domain::version::Channel,
    model::history::HistoryEntry,
    store::db::{shared, Exec},
};

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
    db: impl Into<Exec<'_>>,
    repository_id: i64,
) -> sqlx::Result<Vec<HistoryEntry>> {
    list_public_page(db, repository_id, &VersionFilter::default(), i64::MAX, 0).await
}

/// One page of [`list_public`], filtered (`limit` i64::MAX for all).
pub async fn list_public_page(
    db: impl Into<Exec<'_>>,
    repository_id: i64,
    filter: &VersionFilter,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<HistoryEntry>> {
    let channel = filter.channel.map(Channel::as_str);
    let search = filter.search_pattern();
    let rows = shared!(
        db,
        fetch_all,
        query_as!(
            ListedRow,
            r#"SELECT v.tag AS "tag!", v.version AS "version!", v.channel AS "channel!", v.line AS "line!",
                  COALESCE(r.published_at, t.tagged_at) AS "released_at?: DateTime<Utc>",
                  COALESCE(r.name, '') AS "title!: String",
                  r.version_id IS NOT NULL AS "has_release!: bool",
                  EXISTS (SELECT 1 FROM withdrawals w
                          WHERE w.version_id = v.id AND w.restored_at IS NULL) AS "withdrawn!: bool"
           FROM versions v
           LEFT JOIN tags t ON t.version_id = v.id AND t.deleted_at IS NULL
           LEFT JOIN releases r ON r.version_id = v.id AND r.deleted_at IS NULL AND NOT r.draft
           WHERE v.repository_id = $1 AND v.version IS NOT NULL
             AND v.public
             AND (CAST($2 AS TEXT) IS NULL OR v.channel = $2)
             AND (CAST($3 AS TEXT) IS NULL OR v.line = $3)
             AND (CAST($4 AS TEXT) IS NULL OR lower(v.tag) LIKE lower($4) ESCAPE '\'
                  OR lower(r.name) LIKE lower($4) ESCAPE '\')
           ORDER BY v.precedence DESC, v.tag
           LIMIT $5 OFFSET $6"#,
            repository_id,
            channel,
            filter.line,
            search,
            limit,
            offset,
        )
    )?;
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

/// A listed row with its release's notes (list_between).
struct BetweenRow {
    tag: String,
    version: String,
    channel: String,
    line: String,
    released_at: Option<DateTime<Utc>>,
    title: String,
    body: String,
    has_release: bool,
    withdrawn: bool,
}

/// A line or channel and how many public versions it has.
struct Counted {
    key: String,
    count: i64,
}

/// A version of a train: its tag, channel and release date.
struct TrainRow {
    tag: String,
    channel: String,
    released_at: Option<DateTime<Utc>>,
}

/// A version and its tag.
struct VersionTag {
    version: String,
    tag: String,
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
    db: impl Into<Exec<'_>>,
    repository_id: i64,
    filter: &VersionFilter,
    trains: i64,
    skip: i64,
) -> sqlx::Result<Vec<HistoryEntry>> {
    let channel = filter.channel.map(Channel::as_str);
    let search = filter.search_pattern();
    let rows = shared!(
        db,
        fetch_all,
        query_as!(
            ListedRow,
            r#"WITH shown AS (
               SELECT DISTINCT v.train FROM versions v
               WHERE v.repository_id = $1 AND v.public AND v.version IS NOT NULL
                 AND (CAST($2 AS TEXT) IS NULL OR v.channel = $2)
             AND (CAST($3 AS TEXT) IS NULL OR v.line = $3)
                 AND (CAST($4 AS TEXT) IS NULL OR lower(v.tag) LIKE lower($4) ESCAPE '\'
                      OR EXISTS (SELECT 1 FROM releases r
                                 WHERE r.version_id = v.id AND r.deleted_at IS NULL
                                   AND NOT r.draft AND lower(r.name) LIKE lower($4) ESCAPE '\'))
               ORDER BY v.train DESC LIMIT $5 OFFSET $6
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
           LEFT JOIN releases r ON r.version_id = v.id AND r.deleted_at IS NULL AND NOT r.draft
           WHERE v.repository_id = $1 AND v.public AND v.version IS NOT NULL
             AND v.train IN (SELECT train FROM shown)
             AND (CAST($2 AS TEXT) IS NULL OR v.channel = $2)
             AND (CAST($3 AS TEXT) IS NULL OR v.line = $3)
             AND (CAST($4 AS TEXT) IS NULL OR lower(v.tag) LIKE lower($4) ESCAPE '\'
                  OR lower(r.name) LIKE lower($4) ESCAPE '\')
           ORDER BY v.precedence DESC, v.tag"#,
            repository_id,
            channel,
            filter.line,
            search,
            trains,
            skip,
        )
    )?;
    Ok(rows.into_iter().map(HistoryEntry::from).collect())
}

/// Public versions above `low` and up to `high` (precedence keys), oldest first, at most
/// `limit`, each with its release notes as written: what an upgrade from `low` to `high` reads.
pub async fn list_between(
    db: impl Into<Exec<'_>>,
    repository_id: i64,
    low: &str,
    high: &str,
    limit: i64,
) -> sqlx::Result<Vec<(HistoryEntry, String)>> {
    let rows = shared!(
        db,
        fetch_all,
        query_as!(
            BetweenRow,
            r#"SELECT v.tag AS "tag!", v.version AS "version!", v.channel AS "channel!",
                  v.line AS "line!",
                  COALESCE(r.published_at, t.tagged_at) AS "released_at?: DateTime<Utc>",
                  COALESCE(r.name, '') AS "title!: String",
                  COALESCE(r.body, '') AS "body!: String",
                  r.version_id IS NOT NULL AS "has_release!: bool",
                  EXISTS (SELECT 1 FROM withdrawals w
                          WHERE w.version_id = v.id AND w.restored_at IS NULL) AS "withdrawn!: bool"
           FROM versions v
           LEFT JOIN tags t ON t.version_id = v.id AND t.deleted_at IS NULL
           LEFT JOIN releases r ON r.version_id = v.id AND r.deleted_at IS NULL AND NOT r.draft
           WHERE v.repository_id = $1 AND v.public AND v.version IS NOT NULL
             AND v.precedence > $2 AND v.precedence <= $3
           ORDER BY v.precedence, v.tag
           LIMIT $4"#,
            repository_id,
            low,
            high,
            limit,
        )
    )?;
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
    db: impl Into<Exec<'_>>,
    repository_id: i64,
    filter: &VersionFilter,
) -> sqlx::Result<Matching> {
    let channel = filter.channel.map(Channel::as_str);
    let search = filter.search_pattern();
    shared!(
        db,
        fetch_one,
        query_as!(
            Matching,
            r#"SELECT COUNT(*) AS "versions!: i64", COUNT(DISTINCT v.train) AS "trains!: i64"
           FROM versions v
           WHERE v.repository_id = $1 AND v.public AND v.version IS NOT NULL
             AND (CAST($2 AS TEXT) IS NULL OR v.channel = $2)
             AND (CAST($3 AS TEXT) IS NULL OR v.line = $3)
             AND (CAST($4 AS TEXT) IS NULL OR lower(v.tag) LIKE lower($4) ESCAPE '\'
                  OR EXISTS (SELECT 1 FROM releases r
                             WHERE r.version_id = v.id AND r.deleted_at IS NULL AND NOT r.draft
                               AND lower(r.name) LIKE lower($4) ESCAPE '\'))"#,
            repository_id,
            channel,
            filter.line,
            search,
        )
    )
}

/// How many public versions each line has, newest line first.
pub async fn line_counts(
    db: impl Into<Exec<'_>>,
    repository_id: i64,
) -> sqlx::Result<Vec<(String, i64)>> {
    let rows = shared!(
        db,
        fetch_all,
        query_as!(
            Counted,
            r#"SELECT v.line AS "key!", COUNT(*) AS "count!: i64"
           FROM versions v
           WHERE v.repository_id = $1 AND v.public AND v.version IS NOT NULL
           GROUP BY v.line
           ORDER BY MAX(v.precedence) DESC"#,
            repository_id,
        )
    )?;
    Ok(rows.into_iter().map(|row| (row.key, row.count)).collect())
}

/// How many public versions each channel has, in [`Channel::ALL`] order, leaving out empty
/// channels.
pub async fn channel_counts(
    db: impl Into<Exec<'_>>,
    repository_id: i64,
) -> sqlx::Result<Vec<(Channel, i64)>> {
    let rows = shared!(
        db,
        fetch_all,
        query_as!(
            Counted,
            r#"SELECT v.channel AS "key!", COUNT(*) AS "count!: i64"
           FROM versions v
           WHERE v.repository_id = $1 AND v.public AND v.version IS NOT NULL
           GROUP BY v.channel"#,
            repository_id,
        )
    )?;
    Ok(Channel::ALL
        .into_iter()
        .filter_map(|channel| {
            rows.iter()
                .find(|row| row.key == channel.as_str())
                .map(|row| (channel, row.count))
        })
        .collect())
}

/// When the repository's public versions last changed: its newest release or tag date.
pub async fn last_change(
    db: impl Into<Exec<'_>>,
    repository_id: i64,
) -> sqlx::Result<Option<DateTime<Utc>>> {
    shared!(
        db,
        fetch_one,
        query_scalar!(
            r#"SELECT MAX(COALESCE(r.published_at, t.tagged_at)) AS "at?: DateTime<Utc>"
           FROM versions v
           LEFT JOIN tags t ON t.version_id = v.id AND t.deleted_at IS NULL
           LEFT JOIN releases r ON r.version_id = v.id AND r.deleted_at IS NULL AND NOT r.draft
           WHERE v.repository_id = $1 AND v.version IS NOT NULL"#,
            repository_id,
        )
    )
}

/// The repository's public versions as the support policy sees them.
pub async fn support_releases(
    db: impl Into<Exec<'_>>,
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

/// The public versions of one train (`train_key`), oldest first: tag, channel, release date.
pub async fn list_train(
    db: impl Into<Exec<'_>>,
    repository_id: i64,
    train_key: &str,
) -> sqlx::Result<Vec<(String, Channel, Option<DateTime<Utc>>)>> {
    let rows = shared!(
        db,
        fetch_all,
        query_as!(
            TrainRow,
            r#"SELECT v.tag AS "tag!", v.channel AS "channel!",
                  COALESCE(r.published_at, t.tagged_at) AS "released_at?: DateTime<Utc>"
           FROM versions v
           LEFT JOIN tags t ON t.version_id = v.id AND t.deleted_at IS NULL
           LEFT JOIN releases r ON r.version_id = v.id AND r.deleted_at IS NULL AND NOT r.draft
           WHERE v.repository_id = $1 AND v.public AND v.version IS NOT NULL
             AND v.train = $2
           ORDER BY v.precedence, v.tag"#,
            repository_id,
            train_key,
        )
    )?;
    Ok(rows
        .into_iter()
        .map(|row| {
            // The column's CHECK constraint admits only channel names.
            let channel = row.channel.parse().unwrap_or(Channel::Prerelease);
            (row.tag, channel, row.released_at)
        })
        .collect())
}

/// The highest public version of `line` (as the versions table writes lines).
pub async fn newest_of_line(
    db: impl Into<Exec<'_>>,
    repository_id: i64,
    line: &str,
) -> sqlx::Result<Option<String>> {
    shared!(
        db,
        fetch_optional,
        query_scalar!(
            r#"SELECT version AS "version!" FROM versions
           WHERE repository_id = $1 AND line = $2 AND public
           ORDER BY precedence DESC LIMIT 1"#,
            repository_id,
            line,
        )
    )
}

/// The highest public stable version but `except`: (version, tag).
async fn highest_stable_row(
    db: impl Into<Exec<'_>>,
    repository_id: i64,
    except: &str,
) -> sqlx::Result<Option<(String, String)>> {
    let row = shared!(
        db,
        fetch_optional,
        query_as!(
            VersionTag,
            r#"SELECT version AS "version!", tag AS "tag!" FROM versions
           WHERE repository_id = $1 AND channel = 'stable' AND public AND version != $2
           ORDER BY precedence DESC LIMIT 1"#,
            repository_id,
            except,
        )
    )?;
    Ok(row.map(|row| (row.version, row.tag)))
}

/// The highest public stable version other than `except`: what a release of `except` would
/// have to beat to become the latest.
pub async fn highest_stable_except(
    db: impl Into<Exec<'_>>,
    repository_id: i64,
    except: &str,
) -> sqlx::Result<Option<String>> {
    Ok(highest_stable_row(db, repository_id, except)
        .await?
        .map(|(version, _)| version))
}

/// The tag of the highest public stable version.
pub async fn highest_stable_tag(
    db: impl Into<Exec<'_>>,
    repository_id: i64,
) -> sqlx::Result<Option<String>> {
    Ok(highest_stable_row(db, repository_id, "")
        .await?
        .map(|(_, tag)| tag))
}

/// Every version the repository has or plans, tags GitHub deleted included.
pub async fn known_versions(
    db: impl Into<Exec<'_>>,
    repository_id: i64,
) -> sqlx::Result<Vec<String>> {
    shared!(
        db,
        fetch_all,
        query_scalar!(
            r#"SELECT version AS "version!" FROM versions v
           WHERE repository_id = $1 AND version IS NOT NULL
             AND (EXISTS (SELECT 1 FROM tags t WHERE t.version_id = v.id)
                  OR EXISTS (SELECT 1 FROM releases r WHERE r.version_id = v.id)
                  OR EXISTS (SELECT 1 FROM plans p WHERE p.version_id = v.id
                             AND p.cancelled_at IS NULL))"#,
            repository_id,
        )
    )
}
