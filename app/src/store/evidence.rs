//! Evidence snapshots: each reading of a GitHub source for a version, kept as captured.

use chrono::{DateTime, Utc};

use super::db::{shared, Exec};
use crate::domain::evidence::{Finding, Reading, Snapshot, SourceKind, SourceState};

struct SnapshotRow {
    id: i64,
    kind: String,
    state: String,
    summary: String,
    url: String,
    detail: String,
    captured_at: DateTime<Utc>,
}

impl SnapshotRow {
    /// `None` for a row this build cannot read (a kind or state it does not know).
    fn snapshot(self) -> Option<Snapshot> {
        Some(Snapshot {
            id: Some(self.id),
            reading: Reading {
                kind: SourceKind::parse(&self.kind)?,
                state: SourceState::parse(&self.state)?,
                summary: self.summary,
                url: self.url,
                findings: serde_json::from_str::<Vec<Finding>>(&self.detail).ok()?,
            },
            captured_at: self.captured_at,
        })
    }
}

/// The newest snapshot of each source for a version.
pub async fn latest(db: impl Into<Exec<'_>>, version_id: i64) -> sqlx::Result<Vec<Snapshot>> {
    let rows = shared!(
        db,
        fetch_all,
        query_as!(
            SnapshotRow,
            r#"SELECT s.id AS "id!", s.kind, s.state, s.summary, s.url, s.detail,
                  s.captured_at AS "captured_at: DateTime<Utc>"
           FROM evidence_snapshots s
           WHERE s.version_id = $1
             AND s.id = (SELECT MAX(n.id) FROM evidence_snapshots n
                         WHERE n.version_id = $1 AND n.kind = s.kind)
           ORDER BY s.kind"#,
            version_id,
        )
    )?;
    Ok(rows.into_iter().filter_map(SnapshotRow::snapshot).collect())
}

/// Every snapshot of a version, newest first: what each source said, and when.
pub async fn all(db: impl Into<Exec<'_>>, version_id: i64) -> sqlx::Result<Vec<Snapshot>> {
    let rows = shared!(
        db,
        fetch_all,
        query_as!(
            SnapshotRow,
            r#"SELECT id AS "id!", kind, state, summary, url, detail,
                  captured_at AS "captured_at: DateTime<Utc>"
           FROM evidence_snapshots WHERE version_id = $1 ORDER BY id DESC"#,
            version_id,
        )
    )?;
    Ok(rows.into_iter().filter_map(SnapshotRow::snapshot).collect())
}

/// Keeps a reading of the version's commit `commit_sha`: a new snapshot, unless it is no news
/// after the newest of its source. Returns the new snapshot's id, or `None` when it was none.
pub async fn record(
    db: impl Into<Exec<'_>>,
    version_id: i64,
    commit_sha: &str,
    reading: &Reading,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<i64>> {
    let mut db = db.into();
    let kind = reading.kind.as_str();
    let newest = shared!(
        db.reborrow(),
        fetch_optional,
        query_as!(
            SnapshotRow,
            r#"SELECT id AS "id!", kind, state, summary, url, detail,
                  captured_at AS "captured_at: DateTime<Utc>"
           FROM evidence_snapshots WHERE version_id = $1 AND kind = $2
           ORDER BY id DESC LIMIT 1"#,
            version_id,
            kind,
        )
    )?
    .and_then(SnapshotRow::snapshot);
    if !reading.is_news_after(newest.as_ref().map(|n| &n.reading)) {
        return Ok(None);
    }
    let state = reading.state.as_str();
    let detail = serde_json::to_string(&reading.findings).unwrap_or_else(|_| "[]".to_owned());
    let id = shared!(
        db.reborrow(),
        fetch_one,
        query_scalar!(
            r#"INSERT INTO evidence_snapshots (version_id, kind, commit_sha, state, summary, url,
                                           detail, captured_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
           RETURNING id AS "id!""#,
            version_id,
            kind,
            commit_sha,
            state,
            reading.summary,
            reading.url,
            detail,
            now as _,
        )
    )?;
    Ok(Some(id))
}

/// A version whose evidence is read from GitHub: its tag, the tag's commit and its release's
/// files with their digests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WatchedVersion {
    pub version_id: i64,
    pub tag: String,
    pub commit_sha: String,
}

/// The repository's public versions whose evidence is read: their tag names a commit, and
/// their checklist has an open item or was completed since `completed_since` (read once more
/// when it completes). With `commit_sha`, only the versions at that commit.
pub async fn watched(
    db: impl Into<Exec<'_>>,
    repository_id: i64,
    commit_sha: Option<&str>,
    completed_since: DateTime<Utc>,
) -> sqlx::Result<Vec<WatchedVersion>> {
    shared!(
        db,
        fetch_all,
        query_as!(
            WatchedVersion,
            r#"SELECT v.id AS "version_id!", v.tag, t.commit_sha
           FROM versions v
           JOIN tags t ON t.version_id = v.id AND t.deleted_at IS NULL AND t.commit_sha <> ''
           JOIN checklists c ON c.version_id = v.id
           WHERE v.repository_id = $1 AND v.public
             AND (CAST($2 AS TEXT) IS NULL OR t.commit_sha = $2)
             AND (EXISTS (SELECT 1 FROM checklist_items i
                          WHERE i.checklist_id = c.id AND i.state = 'open')
                  OR (SELECT MAX(i.changed_at) FROM checklist_items i
                      WHERE i.checklist_id = c.id) >= $3)
           ORDER BY v.precedence DESC"#,
            repository_id,
            commit_sha,
            completed_since as _,
        )
    )
}
