//! Support windows as the policy computes them on a given day, and the version check.

use chrono::NaiveDate;
use sqlx::SqlitePool;

use crate::{
    domain::{
        support::{check_version, support_windows, LineSupport, Release},
        timeline::timeline,
        version::parse_tag,
    },
    error::AppError,
    model::support::{CheckOutcome, SupportOverview},
    service::incidents::affecting,
    store::{self, repositories::Repository},
};

/// A repository's releases and its lines as the policy sees them on one day.
pub struct Lines {
    pub releases: Vec<Release>,
    /// Newest line first.
    pub windows: Vec<LineSupport>,
}

/// The repository's lines on `today`, read in the caller's connection or transaction.
pub async fn lines(
    db: impl Into<store::db::Exec<'_>>,
    repository: &Repository,
    today: NaiveDate,
) -> sqlx::Result<Lines> {
    let releases = store::versions::support_releases(db, repository.id).await?;
    let windows = support_windows(&releases, &repository.policy(), today);
    Ok(Lines { releases, windows })
}

/// The support page's data on `today`.
pub async fn overview(
    pool: &SqlitePool,
    repository: &Repository,
    today: NaiveDate,
) -> sqlx::Result<SupportOverview> {
    let lines = lines(pool, repository, today).await?.windows;
    let planned: Vec<_> = store::plans::list(pool, repository.id)
        .await?
        .into_iter()
        .filter(|plan| !plan.tagged)
        .map(|plan| (plan.tag, plan.target_date))
        .collect();
    Ok(SupportOverview {
        timeline: timeline(&lines, &planned, today),
        owner: repository.owner.clone(),
        name: repository.name.clone(),
        today,
        policy: repository.policy(),
        lines,
    })
}

/// Checks a version or tag as typed; a text that is no version is a 400 with the reason.
pub async fn check(
    pool: &SqlitePool,
    repository: &Repository,
    text: &str,
    today: NaiveDate,
) -> Result<CheckOutcome, AppError> {
    let version = parse_tag(text.trim(), &repository.tag_prefix)
        .map_err(|err| AppError::BadRequest(err.to_string()))?;
    let Lines { releases, windows } = lines(pool, repository, today).await?;
    let incidents = affecting(pool, repository.id, &version).await?;
    Ok(CheckOutcome {
        check: check_version(&version, &releases, &windows, &repository.policy(), today),
        incidents,
    })
}
