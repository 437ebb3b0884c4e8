//! Incidents and their append-only updates.

use crate::store::db::{shared, Exec};
use chrono::{DateTime, Utc};

use crate::domain::incident::{Status, ValidIncident};

/// A published update with its incident's id.
struct PublishedUpdate {
    incident_id: i64,
    id: i64,
    status: String,
    message: String,
    author: String,
    created_at: DateTime<Utc>,
}

/// An incident as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IncidentRecord {
    pub id: i64,
    pub title: String,
    pub issue: String,
    pub impact: String,
    pub status: String,
    pub workaround: String,
    pub timeline: String,
    pub action: String,
    pub severity: String,
    pub affected: String,
    pub fixed_in: Option<String>,
    pub published: bool,
    pub published_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub async fn insert(
    db: impl Into<Exec<'_>>,
    repository_id: i64,
    incident: &ValidIncident,
    published: bool,
    by: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<i64> {
    let status = incident.status.as_str();
    let severity = incident.severity.as_str();
    let affected = incident.affected.to_string();
    let fixed_in = incident.fixed_in.as_ref().map(ToString::to_string);
    let published_at = published.then_some(now);
    let resolved_at = (incident.status == Status::Resolved).then_some(now);
    shared!(
        db,
        fetch_one,
        query_scalar!(
            r#"INSERT INTO incidents (repository_id, title, issue, impact, status, workaround, timeline,
                                  action, severity, affected, fixed_in, published, published_at,
                                  resolved_at, created_by, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
           RETURNING id AS "id!""#,
            repository_id,
            incident.title,
            incident.issue,
            incident.impact,
            status,
            incident.workaround,
            incident.timeline,
            incident.action,
            severity,
            affected,
            fixed_in,
            published,
            published_at as _,
            resolved_at as _,
            by,
            now as _,
            now as _,
        )
    )
}

/// Replaces an incident's fields. Publishing stamps `published_at` once; resolving stamps
/// `resolved_at`, and reopening clears it.
pub async fn update(
    db: impl Into<Exec<'_>>,
    id: i64,
    incident: &ValidIncident,
    published: bool,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    let status = incident.status.as_str();
    let severity = incident.severity.as_str();
    let affected = incident.affected.to_string();
    let fixed_in = incident.fixed_in.as_ref().map(ToString::to_string);
    shared!(
        db,
        execute,
        query!(
        "UPDATE incidents SET title = $2, issue = $3, impact = $4, status = $5, workaround = $6,
             timeline = $7, action = $8, severity = $9, affected = $10, fixed_in = $11,
             published = $12,
             published_at = CASE WHEN $12 THEN COALESCE(published_at, $13) ELSE published_at END,
             resolved_at = CASE WHEN $5 = 'resolved' THEN COALESCE(resolved_at, $13) END,
             updated_at = $13
         WHERE id = $1",
        id,
        incident.title,
        incident.issue,
        incident.impact,
        status,
        incident.workaround,
        incident.timeline,
        incident.action,
        severity,
        affected,
        fixed_in,
        published,
        now as _,
    )
    )?;
    Ok(())
}

pub async fn find(
    db: impl Into<Exec<'_>>,
    repository_id: i64,
    id: i64,
) -> sqlx::Result<Option<IncidentRecord>> {
    shared!(
        db,
        fetch_optional,
        query_as!(
            IncidentRecord,
            r#"SELECT id AS "id!", title, issue, impact, status, workaround, timeline, action,
                  severity, affected, fixed_in, published AS "published: bool",
                  published_at AS "published_at?: DateTime<Utc>",
                  resolved_at AS "resolved_at?: DateTime<Utc>", created_by,
                  created_at AS "created_at: DateTime<Utc>",
                  updated_at AS "updated_at: DateTime<Utc>"
           FROM incidents WHERE repository_id = $1 AND id = $2"#,
            repository_id,
            id,
        )
    )
}

/// The repository's incidents, open ones first, newest first within each; drafts only when
/// asked for.
pub async fn list(
    db: impl Into<Exec<'_>>,
    repository_id: i64,
    with_drafts: bool,
) -> sqlx::Result<Vec<IncidentRecord>> {
    shared!(
        db,
        fetch_all,
        query_as!(
            IncidentRecord,
            r#"SELECT id AS "id!", title, issue, impact, status, workaround, timeline, action,
                  severity, affected, fixed_in, published AS "published: bool",
                  published_at AS "published_at?: DateTime<Utc>",
                  resolved_at AS "resolved_at?: DateTime<Utc>", created_by,
                  created_at AS "created_at: DateTime<Utc>",
                  updated_at AS "updated_at: DateTime<Utc>"
           FROM incidents
           WHERE repository_id = $1 AND (published OR $2)
           ORDER BY status = 'resolved', created_at DESC, id DESC"#,
            repository_id,
            with_drafts,
        )
    )
}

/// One entry of an incident's timeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UpdateRecord {
    pub id: i64,
    pub status: String,
    pub message: String,
    pub author: String,
    pub created_at: DateTime<Utc>,
}

/// Appends an update and moves the incident to its status.
pub async fn add_update(
    db: impl Into<Exec<'_>>,
    incident_id: i64,
    status: Status,
    message: &str,
    author: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<i64> {
    let mut db = db.into();
    let status = status.as_str();
    let id = shared!(
        db.reborrow(),
        fetch_one,
        query_scalar!(
            r#"INSERT INTO incident_updates (incident_id, status, message, author, created_at)
           VALUES ($1, $2, $3, $4, $5) RETURNING id AS "id!""#,
            incident_id,
            status,
            message,
            author,
            now as _,
        )
    )?;
    shared!(
        db.reborrow(),
        execute,
        query!(
            "UPDATE incidents SET status = $2, updated_at = $3,
             resolved_at = CASE WHEN $2 = 'resolved' THEN COALESCE(resolved_at, $3) END
         WHERE id = $1",
            incident_id,
            status,
            now as _,
        )
    )?;
    Ok(id)
}

/// An incident's timeline, oldest first.
pub async fn updates(db: impl Into<Exec<'_>>, incident_id: i64) -> sqlx::Result<Vec<UpdateRecord>> {
    shared!(
        db,
        fetch_all,
        query_as!(
            UpdateRecord,
            r#"SELECT id AS "id!", status, message, author,
                  created_at AS "created_at: DateTime<Utc>"
           FROM incident_updates WHERE incident_id = $1 ORDER BY id"#,
            incident_id,
        )
    )
}

/// Every update of the repository's published incidents, newest first, for the feed.
pub async fn published_updates(
    db: impl Into<Exec<'_>>,
    repository_id: i64,
) -> sqlx::Result<Vec<(i64, UpdateRecord)>> {
    let rows = shared!(
        db,
        fetch_all,
        query_as!(
            PublishedUpdate,
            r#"SELECT u.incident_id AS "incident_id!", u.id AS "id!", u.status AS "status!",
                  u.message AS "message!", u.author AS "author!",
                  u.created_at AS "created_at!: DateTime<Utc>"
           FROM incident_updates u JOIN incidents i ON i.id = u.incident_id
           WHERE i.repository_id = $1 AND i.published
           ORDER BY u.id DESC"#,
            repository_id,
        )
    )?;
    Ok(rows
        .into_iter()
        .map(|row| {
            (
                row.incident_id,
                UpdateRecord {
                    id: row.id,
                    status: row.status,
                    message: row.message,
                    author: row.author,
                    created_at: row.created_at,
                },
            )
        })
        .collect())
}
