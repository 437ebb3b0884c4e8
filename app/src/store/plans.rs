//! Planned releases, the commit status each last wrote, and the log of writes to GitHub.

use crate::store::db::{shared, Exec};
use chrono::{DateTime, NaiveDate, Utc};

/// A plan as stored, with where its version stands on GitHub.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanRecord {
    pub version_id: i64,
    pub tag: String,
    pub version: String,
    pub precedence: String,
    pub target_date: NaiveDate,
    pub branch: String,
    pub notes: String,
    pub planned_by: String,
    pub planned_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The version exists on GitHub: its tag, or a published release (it is public).
    pub tagged: bool,
    /// A published GitHub release exists for it.
    pub published: bool,
    pub gate_sha: Option<String>,
    pub gate_state: Option<String>,
    pub gate_description: Option<String>,
}

/// The fields a maintainer gives a plan.
pub struct PlanFields<'a> {
    pub target_date: NaiveDate,
    pub branch: &'a str,
    pub notes: &'a str,
}

/// The repository's plans that are not dropped, by version precedence (lowest first).
pub async fn list(db: impl Into<Exec<'_>>, repository_id: i64) -> sqlx::Result<Vec<PlanRecord>> {
    shared!(
        db,
        fetch_all,
        query_as!(
            PlanRecord,
            r#"SELECT p.version_id AS "version_id!", v.tag, v.version AS "version!",
                  v.precedence AS "precedence!",
                  p.target_date AS "target_date: NaiveDate", p.branch, p.notes, p.planned_by,
                  p.planned_at AS "planned_at: DateTime<Utc>",
                  p.updated_at AS "updated_at: DateTime<Utc>",
                  v.public AS "tagged!: bool",
                  EXISTS (SELECT 1 FROM releases r WHERE r.version_id = v.id
                          AND r.deleted_at IS NULL AND NOT r.draft) AS "published!: bool",
                  p.gate_sha, p.gate_state, p.gate_description
           FROM plans p JOIN versions v ON v.id = p.version_id
           -- A tag prefix changed since may leave a plan's tag without a version.
           WHERE v.repository_id = $1 AND p.cancelled_at IS NULL AND v.version IS NOT NULL
           ORDER BY v.precedence"#,
            repository_id,
        )
    )
}

/// The plan of `version` (not dropped).
pub async fn find(
    db: impl Into<Exec<'_>>,
    repository_id: i64,
    version: &str,
) -> sqlx::Result<Option<PlanRecord>> {
    shared!(
        db,
        fetch_optional,
        query_as!(
            PlanRecord,
            r#"SELECT p.version_id AS "version_id!", v.tag, v.version AS "version!",
                  v.precedence AS "precedence!",
                  p.target_date AS "target_date: NaiveDate", p.branch, p.notes, p.planned_by,
                  p.planned_at AS "planned_at: DateTime<Utc>",
                  p.updated_at AS "updated_at: DateTime<Utc>",
                  v.public AS "tagged!: bool",
                  EXISTS (SELECT 1 FROM releases r WHERE r.version_id = v.id
                          AND r.deleted_at IS NULL AND NOT r.draft) AS "published!: bool",
                  p.gate_sha, p.gate_state, p.gate_description
           FROM plans p JOIN versions v ON v.id = p.version_id
           WHERE v.repository_id = $1 AND v.version = $2 AND p.cancelled_at IS NULL
           ORDER BY v.tag LIMIT 1"#,
            repository_id,
            version,
        )
    )
}

/// Whether `version` is taken: a tag or release GitHub has or had, or a plan not dropped.
pub async fn version_taken(
    db: impl Into<Exec<'_>>,
    repository_id: i64,
    version: &str,
) -> sqlx::Result<bool> {
    shared!(
        db,
        fetch_one,
        query_scalar!(
            r#"SELECT EXISTS (
               SELECT 1 FROM versions v
               WHERE v.repository_id = $1 AND v.version = $2
                 AND (EXISTS (SELECT 1 FROM tags t WHERE t.version_id = v.id)
                      OR EXISTS (SELECT 1 FROM releases r WHERE r.version_id = v.id)
                      OR EXISTS (SELECT 1 FROM plans p WHERE p.version_id = v.id
                                 AND p.cancelled_at IS NULL))
           ) AS "taken!: bool""#,
            repository_id,
            version,
        )
    )
}

/// Plans `version_id`, or revives its dropped plan with the new fields; false when it has a
/// live plan already.
pub async fn save_new(
    db: impl Into<Exec<'_>>,
    version_id: i64,
    fields: &PlanFields<'_>,
    by: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let result = shared!(
        db,
        execute,
        query!(
            "INSERT INTO plans (version_id, target_date, branch, notes, planned_by, planned_at,
                            updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6)
         ON CONFLICT (version_id) DO UPDATE SET target_date = excluded.target_date,
             branch = excluded.branch, notes = excluded.notes, planned_by = excluded.planned_by,
             planned_at = excluded.planned_at, updated_at = excluded.updated_at,
             cancelled_at = NULL, gate_sha = NULL, gate_state = NULL, gate_description = NULL
         WHERE plans.cancelled_at IS NOT NULL",
            version_id,
            fields.target_date as _,
            fields.branch,
            fields.notes,
            by,
            now as _,
        )
    )?;
    Ok(result == 1)
}

/// Changes a plan's fields; a new branch forgets the status written to the old one.
pub async fn update(
    db: impl Into<Exec<'_>>,
    version_id: i64,
    fields: &PlanFields<'_>,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    shared!(
        db,
        execute,
        query!(
            "UPDATE plans SET target_date = $2, notes = $4, updated_at = $5,
             gate_sha = CASE WHEN branch = $3 THEN gate_sha END,
             gate_state = CASE WHEN branch = $3 THEN gate_state END,
             gate_description = CASE WHEN branch = $3 THEN gate_description END,
             branch = $3
         WHERE version_id = $1 AND cancelled_at IS NULL",
            version_id,
            fields.target_date as _,
            fields.branch,
            fields.notes,
            now as _,
        )
    )?;
    Ok(())
}

/// Drops a plan; its row, checklist and log stay. False when there was none.
pub async fn cancel(
    db: impl Into<Exec<'_>>,
    version_id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let result = shared!(
        db,
        execute,
        query!(
            "UPDATE plans SET cancelled_at = $1 WHERE version_id = $2 AND cancelled_at IS NULL",
            now as _,
            version_id,
        )
    )?;
    Ok(result == 1)
}

/// Claims the writing of a commit status: true for the one caller that moves the plan's last
/// status to this one, so each change is written once however many ask at once.
pub async fn claim_gate(
    db: impl Into<Exec<'_>>,
    version_id: i64,
    sha: &str,
    state: &str,
    description: &str,
) -> sqlx::Result<bool> {
    let result = shared!(
        db,
        execute,
        query!(
            "UPDATE plans SET gate_sha = $2, gate_state = $3, gate_description = $4
         WHERE version_id = $1 AND cancelled_at IS NULL
           AND NOT (gate_sha IS NOT DISTINCT FROM $2 AND gate_state IS NOT DISTINCT FROM $3
                    AND gate_description IS NOT DISTINCT FROM $4)",
            version_id,
            sha,
            state,
            description,
        )
    )?;
    Ok(result == 1)
}

/// Gives up a claim whose write failed, so the next change tries again.
pub async fn unclaim_gate(db: impl Into<Exec<'_>>, version_id: i64, sha: &str) -> sqlx::Result<()> {
    shared!(
        db,
        execute,
        query!(
            "UPDATE plans SET gate_sha = NULL, gate_state = NULL, gate_description = NULL
         WHERE version_id = $1 AND gate_sha = $2",
            version_id,
            sha,
        )
    )?;
    Ok(())
}
