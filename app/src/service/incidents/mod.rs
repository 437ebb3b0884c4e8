//! Incident notices: opening and editing them from the communication template, publishing
//! them, their timeline, and which versions they hit.

mod page;
mod views;

use chrono::{DateTime, Utc};
use sqlx::{SqliteConnection, SqlitePool};

pub use self::{
    page::page,
    views::{incident_view, update_view},
};
use crate::{
    domain::{
        incident::{validate, AffectedRange, IncidentInput, Status, ValidIncident, MAX_TEXT},
        version::parse_tag,
    },
    error::AppError,
    model::incidents::{Affecting, IncidentView},
    service::notify::{self, Notifier},
    store::{self, incidents::IncidentRecord, repositories::Repository},
};

/// Checks the form against the domain's rules and the repository: `fixed_in` must be a
/// version it has released.
async fn validate_for(
    pool: &SqlitePool,
    repository: &Repository,
    input: &IncidentInput,
) -> Result<ValidIncident, AppError> {
    let mut input = input.clone();
    // A tag with the repository's prefix names its version.
    let fixed = input.fixed_in.trim().to_owned();
    if !fixed.is_empty() {
        if let Ok(version) = parse_tag(&fixed, &repository.tag_prefix) {
            input.fixed_in = version.to_string();
        }
    }
    let valid = validate(&input).map_err(AppError::validation)?;
    if let Some(fixed) = &valid.fixed_in {
        let known = store::versions::public_id(pool, repository.id, &fixed.to_string())
            .await?
            .is_some();
        if !known {
            return Err(AppError::validation([(
                "fixed_in",
                format!(
                    "{fixed} has not been released in {}/{}; leave it empty until it is",
                    repository.owner, repository.name
                ),
            )]));
        }
    }
    Ok(valid)
}

/// Opens an incident; returns its id.
pub async fn create(
    pool: &SqlitePool,
    notifier: &Notifier,
    repository: &Repository,
    input: &IncidentInput,
    published: bool,
    by: &str,
) -> Result<i64, AppError> {
    let valid = validate_for(pool, repository, input).await?;
    let now = Utc::now();
    let mut tx = pool.begin().await?;
    let id = store::incidents::insert(&mut *tx, repository.id, &valid, published, by, now).await?;
    store::incidents::add_update(&mut tx, id, valid.status, "Incident opened.", by, now).await?;
    tell(&mut tx, notifier, repository, id, None, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// Changes an incident's fields; a change of status lands in the timeline too.
pub async fn edit(
    pool: &SqlitePool,
    notifier: &Notifier,
    repository: &Repository,
    id: i64,
    input: &IncidentInput,
    published: bool,
    by: &str,
) -> Result<(), AppError> {
    let current = find(pool, repository, id).await?;
    let valid = validate_for(pool, repository, input).await?;
    let now = Utc::now();
    let mut tx = pool.begin().await?;
    store::incidents::update(&mut *tx, id, &valid, published, now).await?;
    let mut update = None;
    if valid.status.as_str() != current.status {
        let message = format!("Status changed to {}.", valid.status.label().to_lowercase());
        let update_id =
            store::incidents::add_update(&mut tx, id, valid.status, &message, by, now).await?;
        update = Some((update_id, message));
    }
    // Published now: readers hear of it once; already published: of the change of status.
    let update = match (current.published, update) {
        (false, _) => None,
        (true, Some(update)) => Some(update),
        (true, None) => return Ok(tx.commit().await?),
    };
    let update = update.as_ref().map(|(id, text)| (*id, text.as_str()));
    tell(&mut tx, notifier, repository, id, update, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Publishes a draft as it stands: from now on readers see it.
pub async fn publish(
    pool: &SqlitePool,
    notifier: &Notifier,
    repository: &Repository,
    id: i64,
    by: &str,
) -> Result<(), AppError> {
    let input = incident_view(find(pool, repository, id).await?).input;
    edit(pool, notifier, repository, id, &input, true, by).await
}

/// Appends an update to the timeline and moves the incident to its status.
pub async fn add_update(
    pool: &SqlitePool,
    notifier: &Notifier,
    repository: &Repository,
    id: i64,
    status: &str,
    message: &str,
    by: &str,
) -> Result<i64, AppError> {
    find(pool, repository, id).await?;
    let mut problems = Vec::new();
    let status = Status::parse(status.trim());
    if status.is_none() {
        problems.push((
            "status",
            "use investigating, fix_in_progress or resolved".to_owned(),
        ));
    }
    if message.trim().is_empty() {
        problems.push(("message", "say what changed".to_owned()));
    } else if message.chars().count() > MAX_TEXT {
        problems.push(("message", format!("keep this under {MAX_TEXT} characters")));
    }
    let Some(status) = status.filter(|_| problems.is_empty()) else {
        return Err(AppError::validation(problems));
    };
    let mut tx = pool.begin().await?;
    let now = Utc::now();
    let update = store::incidents::add_update(&mut tx, id, status, message, by, now).await?;
    tell(
        &mut tx,
        notifier,
        repository,
        id,
        Some((update, message)),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(update)
}

/// Tells subscribers and hooks of the incident as it now stands, when it is published.
async fn tell(
    db: &mut SqliteConnection,
    notifier: &Notifier,
    repository: &Repository,
    id: i64,
    update: Option<(i64, &str)>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if let Some(record) = store::incidents::find(&mut *db, repository.id, id).await? {
        notify::events::incident(db, notifier, repository, &record, update, now).await?;
    }
    Ok(())
}

/// The incident `id` of the repository, drafts included: callers decide who may see it.
pub async fn find(
    pool: &SqlitePool,
    repository: &Repository,
    id: i64,
) -> Result<IncidentRecord, AppError> {
    store::incidents::find(pool, repository.id, id)
        .await?
        .ok_or_else(|| {
            AppError::NotFound(format!(
                "{}/{} has no incident {id}",
                repository.owner, repository.name
            ))
        })
}

/// The repository's incidents, open ones first; drafts only when asked for.
pub async fn list(
    pool: &SqlitePool,
    repository: &Repository,
    drafts: bool,
) -> sqlx::Result<Vec<IncidentView>> {
    Ok(store::incidents::list(pool, repository.id, drafts)
        .await?
        .into_iter()
        .map(incident_view)
        .collect())
}

/// The published incidents whose range holds `version`: the open ones, and the resolved
/// ones (the version was hit, and stays so until upgraded).
pub async fn affecting(
    pool: &SqlitePool,
    repository_id: i64,
    version: &semver::Version,
) -> sqlx::Result<Affecting> {
    let (open, resolved) = store::incidents::list(pool, repository_id, false)
        .await?
        .into_iter()
        .filter(|r| AffectedRange::parse(&r.affected).is_ok_and(|range| range.contains(version)))
        .map(|r| incident_view(r).summary())
        .partition(|incident| incident.status != Status::Resolved);
    Ok(Affecting { open, resolved })
}
