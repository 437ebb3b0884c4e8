use chrono::{DateTime, Utc};
use sqlx::SqlitePool;

use super::{incident_view, update_view};
use crate::{
    domain::{
        incident::{backports, fix_released, newest_affected, rollback_clock, AffectedRange},
        support::{maintained_lines, stable_line_releases},
        version::Line,
    },
    model::incidents::IncidentPage,
    service::support,
    store::{self, repositories::Repository},
};

/// One incident's page: its timeline, the rollback clock, the newest affected release and the
/// backports still owed. `None` for an incident the repository does not have, or a draft when
/// `drafts` is false. The caller sets what depends on who asks.
pub async fn page(
    pool: &SqlitePool,
    repository: &Repository,
    id: i64,
    drafts: bool,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<IncidentPage>> {
    let Some(record) = store::incidents::find(pool, repository.id, id).await? else {
        return Ok(None);
    };
    if !record.published && !drafts {
        return Ok(None);
    }
    let incident = incident_view(record);
    let updates = store::incidents::updates(pool, id)
        .await?
        .into_iter()
        .map(update_view)
        .collect();
    let clock = rollback_clock(incident.created_at, incident.resolved_at, now);

    let lines = support::lines(pool, repository, now.date_naive()).await?;
    let range = AffectedRange::parse(&incident.affected).ok();
    let fixed = incident
        .fixed_in
        .as_deref()
        .and_then(|v| semver::Version::parse(v).ok());
    let backports = match (&range, &fixed) {
        (Some(range), Some(fixed)) => {
            let zero = repository.zero_major_lines;
            backports(
                range,
                Line::of(fixed, zero),
                &maintained_lines(&lines.windows),
                &stable_line_releases(&lines.releases, zero),
                incident.created_at.date_naive(),
            )
        }
        _ => Vec::new(),
    };
    Ok(Some(IncidentPage {
        owner: repository.owner.clone(),
        name: repository.name.clone(),
        newest_affected: range
            .as_ref()
            .and_then(|range| newest_affected(range, &lines.releases)),
        fix_released: fix_released(incident.status, fixed.as_ref(), &lines.releases),
        incident,
        updates,
        clock,
        backports,
        maintainer: false,
        refusal: None,
        generated_at: now,
    }))
}
