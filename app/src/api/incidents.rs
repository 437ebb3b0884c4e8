//! Incident notices: the form, the timeline, the rollback clock and hotfix tracking. The REST
//! routes and the pages change incidents through the same functions here.

// The form's server function takes one argument per field, so that a plain HTML form posts to
// it; its generated browser-side twin cannot carry an `allow` of its own.
#![allow(clippy::too_many_arguments)]

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use leptos::{prelude::*, server_fn::codec::GetUrl};
use serde::{Deserialize, Serialize};

use crate::{
    domain::incident::{Backport, IncidentInput, RollbackClock, Severity, Status},
    error::AppError,
};

/// An incident as pages show it: each text field as typed (Markdown) and as sanitised HTML.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentView {
    pub id: i64,
    pub title: String,
    pub status: Status,
    pub severity: Severity,
    pub affected: String,
    pub fixed_in: Option<String>,
    pub published: bool,
    pub published_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The template's text fields, as typed: issue, impact, workaround, timeline, action.
    pub input: IncidentInput,
    /// The same fields rendered: (label, HTML), empty ones left out.
    pub sections: Vec<(String, String)>,
}

/// One entry of the public timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateView {
    pub id: i64,
    pub status: Status,
    pub message: String,
    pub message_html: String,
    pub author: String,
    pub created_at: DateTime<Utc>,
}

/// An open incident that affects a version, as banners, version checks and badges name it.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentSummary {
    pub id: i64,
    pub title: String,
    pub severity: Severity,
    pub status: Status,
    #[cfg_attr(feature = "ssr", schema(example = ">=2.3.0, <2.3.2"))]
    pub affected: String,
    pub fixed_in: Option<String>,
}

/// The published incidents that hit a version.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Affecting {
    /// Still open: the version has a known problem now.
    pub open: Vec<IncidentSummary>,
    /// Resolved: the version was hit; the fix is in a later version.
    pub resolved: Vec<IncidentSummary>,
}

/// A refused form, kept for the page a plain form post returns to: each field's problem and
/// what was typed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentRefusal {
    /// The incident the form was about; 0 for a new one.
    pub incident_id: i64,
    pub problems: BTreeMap<String, String>,
    pub typed: IncidentInput,
    pub published: bool,
    /// Whether it was the update form (else the incident form).
    pub update: bool,
    /// The update form's message, as typed.
    pub message: String,
}

#[cfg(feature = "ssr")]
pub use self::server::*;

#[cfg(feature = "ssr")]
mod server {
    use chrono::Utc;
    use sqlx::SqlitePool;

    use super::{Affecting, IncidentSummary, IncidentView, UpdateView};
    use crate::{
        domain::{
            incident::{validate, AffectedRange, IncidentInput, Severity, Status, ValidIncident},
            version::parse_tag,
        },
        error::AppError,
        markdown,
        store::{
            self,
            incidents::{IncidentRecord, UpdateRecord},
            repositories::Repository,
        },
    };

    impl IncidentView {
        pub fn from_record(record: IncidentRecord) -> IncidentView {
            let input = IncidentInput {
                title: record.title.clone(),
                issue: record.issue,
                impact: record.impact,
                status: record.status.clone(),
                workaround: record.workaround,
                timeline: record.timeline,
                action: record.action,
                severity: record.severity.clone(),
                affected: record.affected.clone(),
                fixed_in: record.fixed_in.clone().unwrap_or_default(),
            };
            let sections = [
                ("Issue", &input.issue),
                ("Impact", &input.impact),
                ("Workaround", &input.workaround),
                ("Timeline", &input.timeline),
                ("What to do", &input.action),
            ]
            .into_iter()
            .filter(|(_, text)| !text.trim().is_empty())
            .map(|(label, text)| (label.to_owned(), markdown::render(text)))
            .collect();
            IncidentView {
                id: record.id,
                title: record.title,
                status: Status::parse(&record.status).unwrap_or(Status::Investigating),
                severity: Severity::parse(&record.severity).unwrap_or(Severity::Major),
                affected: record.affected,
                fixed_in: record.fixed_in,
                published: record.published,
                published_at: record.published_at,
                resolved_at: record.resolved_at,
                created_by: record.created_by,
                created_at: record.created_at,
                updated_at: record.updated_at,
                input,
                sections,
            }
        }

        pub fn summary(&self) -> IncidentSummary {
            IncidentSummary {
                id: self.id,
                title: self.title.clone(),
                severity: self.severity,
                status: self.status,
                affected: self.affected.clone(),
                fixed_in: self.fixed_in.clone(),
            }
        }
    }

    impl UpdateView {
        pub fn from_record(record: UpdateRecord) -> UpdateView {
            UpdateView {
                id: record.id,
                status: Status::parse(&record.status).unwrap_or(Status::Investigating),
                message_html: markdown::render(&record.message),
                message: record.message,
                author: record.author,
                created_at: record.created_at,
            }
        }
    }

    /// Checks the form against the domain's rules and the repository: `fixed_in` must be a
    /// version it has released.
    pub async fn validate_for(
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
        repository: &Repository,
        input: &IncidentInput,
        published: bool,
        by: &str,
    ) -> Result<i64, AppError> {
        let valid = validate_for(pool, repository, input).await?;
        let now = Utc::now();
        let mut tx = pool.begin().await?;
        let id =
            store::incidents::insert(&mut *tx, repository.id, &valid, published, by, now).await?;
        store::incidents::add_update(&mut tx, id, valid.status, "Incident opened.", by, now)
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Changes an incident's fields; a change of status lands in the timeline too.
    pub async fn edit(
        pool: &SqlitePool,
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
        if valid.status.as_str() != current.status {
            let message = format!("Status changed to {}.", valid.status.label().to_lowercase());
            store::incidents::add_update(&mut tx, id, valid.status, &message, by, now).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Publishes a draft as it stands: from now on readers see it.
    pub async fn publish(
        pool: &SqlitePool,
        repository: &Repository,
        id: i64,
        by: &str,
    ) -> Result<(), AppError> {
        let input = IncidentView::from_record(find(pool, repository, id).await?).input;
        edit(pool, repository, id, &input, true, by).await
    }

    /// Appends an update to the timeline and moves the incident to its status.
    pub async fn add_update(
        pool: &SqlitePool,
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
        } else if message.chars().count() > crate::domain::incident::MAX_TEXT {
            problems.push((
                "message",
                format!(
                    "keep this under {} characters",
                    crate::domain::incident::MAX_TEXT
                ),
            ));
        }
        let Some(status) = status.filter(|_| problems.is_empty()) else {
            return Err(AppError::validation(problems));
        };
        let mut tx = pool.begin().await?;
        let update =
            store::incidents::add_update(&mut tx, id, status, message, by, Utc::now()).await?;
        tx.commit().await?;
        Ok(update)
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
            .filter(|r| {
                AffectedRange::parse(&r.affected).is_ok_and(|range| range.contains(version))
            })
            .map(|r| IncidentView::from_record(r).summary())
            .partition(|incident| incident.status != Status::Resolved);
        Ok(Affecting { open, resolved })
    }
}

/// Who sees what on the incidents pages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentList {
    pub owner: String,
    pub name: String,
    /// Open ones first, then the history; drafts only for maintainers.
    pub incidents: Vec<IncidentView>,
    pub maintainer: bool,
    /// The new-incident form's refusal, shown once.
    pub refusal: Option<IncidentRefusal>,
    pub generated_at: DateTime<Utc>,
}

#[server(prefix = "/sfn", endpoint = "get_incidents", input = GetUrl)]
pub async fn get_incidents(owner: String, repo: String) -> Result<Option<IncidentList>, AppError> {
    use crate::{access, state::app_state, store};

    let pool = app_state()?.pool;
    let Some(repository) = store::repositories::find(&pool, &owner, &repo).await? else {
        return Ok(None);
    };
    let maintainer = access::maintains(&pool, &access::current_caller(), &repository).await?;
    let incidents = store::incidents::list(&pool, repository.id, maintainer)
        .await?
        .into_iter()
        .map(IncidentView::from_record)
        .collect();
    let refusal = if maintainer {
        take_refusal(0).await
    } else {
        None
    };
    Ok(Some(IncidentList {
        owner: repository.owner,
        name: repository.name,
        incidents,
        maintainer,
        refusal,
        generated_at: Utc::now(),
    }))
}

/// One incident's page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentPage {
    pub owner: String,
    pub name: String,
    pub incident: IncidentView,
    pub updates: Vec<UpdateView>,
    pub clock: RollbackClock,
    /// Maintained lines that had an affected release, and whether each is patched.
    pub backports: Vec<Backport>,
    /// The fixing version is out while the incident is still open: offer to resolve.
    pub fix_released: bool,
    /// The newest affected release, which the rollback path withdraws.
    pub newest_affected: Option<String>,
    pub maintainer: bool,
    pub refusal: Option<IncidentRefusal>,
    pub generated_at: DateTime<Utc>,
}

/// `Ok(None)` for an untracked repository or an incident the caller may not see.
#[server(prefix = "/sfn", endpoint = "get_incident", input = GetUrl)]
pub async fn get_incident(
    owner: String,
    repo: String,
    id: i64,
) -> Result<Option<IncidentPage>, AppError> {
    use crate::{
        access,
        domain::{
            incident::{backports, rollback_clock, AffectedRange, LineRelease},
            support::{support_windows, Phase},
            version::{Channel, Line},
        },
        state::app_state,
        store,
    };

    let pool = app_state()?.pool;
    let Some(repository) = store::repositories::find(&pool, &owner, &repo).await? else {
        return Ok(None);
    };
    let maintainer = access::maintains(&pool, &access::current_caller(), &repository).await?;
    let Some(record) = store::incidents::find(&pool, repository.id, id).await? else {
        return Ok(None);
    };
    if !record.published && !maintainer {
        return Ok(None);
    }
    let now = Utc::now();
    let incident = IncidentView::from_record(record);
    let updates = store::incidents::updates(&pool, id)
        .await?
        .into_iter()
        .map(UpdateView::from_record)
        .collect();
    let clock = rollback_clock(incident.created_at, incident.resolved_at, now);

    let releases = store::versions::support_releases(&pool, repository.id).await?;
    let range = AffectedRange::parse(&incident.affected).ok();
    let zero = repository.zero_major_lines;
    let newest_affected = range.as_ref().and_then(|range| {
        releases
            .iter()
            .filter(|r| range.contains(&r.version) && !r.withdrawn)
            .max_by(|a, b| a.version.cmp_precedence(&b.version))
            .map(|r| r.version.to_string())
    });
    let fixed = incident
        .fixed_in
        .as_deref()
        .and_then(|v| semver::Version::parse(v).ok());
    let fix_released = incident.status != Status::Resolved
        && fixed
            .as_ref()
            .is_some_and(|f| releases.iter().any(|r| r.version.cmp_precedence(f).is_eq()));
    let backports = match (&range, &fixed) {
        (Some(range), Some(fixed)) => {
            let windows = support_windows(&releases, &repository.policy(), now.date_naive());
            let maintained: Vec<Line> = windows
                .iter()
                .filter(|w| w.phase != Phase::Eol)
                .map(|w| w.line)
                .collect();
            let stable: Vec<LineRelease> = releases
                .iter()
                .filter(|r| Channel::of(&r.version) == Channel::Stable && !r.withdrawn)
                .map(|r| (Line::of(&r.version, zero), r.version.clone(), r.released_on))
                .collect();
            let opened_on = incident.created_at.date_naive();
            backports(
                range,
                Line::of(fixed, zero),
                &maintained,
                &stable,
                opened_on,
            )
        }
        _ => Vec::new(),
    };
    let refusal = if maintainer {
        take_refusal(id).await
    } else {
        None
    };
    Ok(Some(IncidentPage {
        owner: repository.owner,
        name: repository.name,
        incident,
        updates,
        clock,
        backports,
        fix_released,
        newest_affected,
        maintainer,
        refusal,
        generated_at: now,
    }))
}

#[cfg(feature = "ssr")]
async fn take_refusal(incident_id: i64) -> Option<IncidentRefusal> {
    let session = crate::access::current_session().ok()?;
    let refusal = session
        .get::<IncidentRefusal>(crate::access::SESSION_INCIDENT_REFUSAL)
        .await
        .ok()??;
    if refusal.incident_id != incident_id {
        return None;
    }
    let _ = session
        .remove_value(crate::access::SESSION_INCIDENT_REFUSAL)
        .await;
    Some(refusal)
}

#[cfg(feature = "ssr")]
async fn keep_refusal(
    err: &AppError,
    refusal: impl FnOnce(BTreeMap<String, String>) -> IncidentRefusal,
) {
    let problems = match err {
        AppError::Validation { fields, .. } => fields.clone(),
        other if other.status().is_client_error() => {
            BTreeMap::from([("form".to_owned(), other.to_string())])
        }
        _ => return,
    };
    let Ok(session) = crate::access::current_session() else {
        return;
    };
    if let Err(err) = session
        .insert(crate::access::SESSION_INCIDENT_REFUSAL, refusal(problems))
        .await
    {
        tracing::warn!(error = %err, "cannot keep the incident refusal in the session");
    }
}

/// The incident form, new (`id` 0) or an edit. On success the browser goes to the incident's
/// page; a refusal comes back to the form with each field named and what was typed kept.
#[server(prefix = "/sfn", endpoint = "save_incident")]
pub async fn save_incident(
    owner: String,
    repo: String,
    id: i64,
    title: String,
    issue: String,
    impact: String,
    status: String,
    workaround: String,
    timeline: String,
    action: String,
    severity: String,
    affected: String,
    fixed_in: String,
    published: Option<String>,
) -> Result<i64, AppError> {
    use crate::{
        access,
        domain::access::{Need, Scope},
        state::app_state,
    };

    let pool = app_state()?.pool;
    let (repository, by) = access::permitted(
        &pool,
        &owner,
        &repo,
        Need::MaintainerOrToken(Scope::Incidents),
    )
    .await?;
    let input = IncidentInput {
        title,
        issue,
        impact,
        status,
        workaround,
        timeline,
        action,
        severity,
        affected,
        fixed_in,
    };
    let published = published.is_some();
    let result = if id == 0 {
        create(&pool, &repository, &input, published, &by).await
    } else {
        edit(&pool, &repository, id, &input, published, &by)
            .await
            .map(|()| id)
    };
    match &result {
        Ok(saved) => leptos_axum::redirect(&format!("/{owner}/{repo}/incidents/{saved}")),
        Err(err) => {
            keep_refusal(err, |problems| IncidentRefusal {
                incident_id: id,
                problems,
                typed: input,
                published,
                update: false,
                message: String::new(),
            })
            .await
        }
    }
    result
}

/// The draft's "Publish" button: the notice as it stands goes public. A refusal (a field no
/// longer valid) opens the edit form with the field named.
#[server(prefix = "/sfn", endpoint = "publish_incident")]
pub async fn publish_incident(owner: String, repo: String, id: i64) -> Result<(), AppError> {
    use crate::{
        access,
        domain::access::{Need, Scope},
        state::app_state,
    };

    let pool = app_state()?.pool;
    let (repository, by) = access::permitted(
        &pool,
        &owner,
        &repo,
        Need::MaintainerOrToken(Scope::Incidents),
    )
    .await?;
    let result = publish(&pool, &repository, id, &by).await;
    match &result {
        Ok(()) => leptos_axum::redirect(&format!("/{owner}/{repo}/incidents/{id}")),
        Err(err) => {
            let typed = find(&pool, &repository, id)
                .await
                .map(|record| IncidentView::from_record(record).input)
                .unwrap_or_default();
            keep_refusal(err, |problems| IncidentRefusal {
                incident_id: id,
                problems,
                typed,
                published: true,
                update: false,
                message: String::new(),
            })
            .await
        }
    }
    result
}

/// The incident page's update form: a status and a message for the timeline.
#[server(prefix = "/sfn", endpoint = "add_incident_update")]
pub async fn add_incident_update(
    owner: String,
    repo: String,
    id: i64,
    status: String,
    message: String,
) -> Result<(), AppError> {
    use crate::{
        access,
        domain::access::{Need, Scope},
        state::app_state,
    };

    let pool = app_state()?.pool;
    let (repository, by) = access::permitted(
        &pool,
        &owner,
        &repo,
        Need::MaintainerOrToken(Scope::Incidents),
    )
    .await?;
    let result = add_update(&pool, &repository, id, &status, &message, &by).await;
    if let Err(err) = &result {
        keep_refusal(err, |problems| IncidentRefusal {
            incident_id: id,
            problems,
            typed: IncidentInput {
                status,
                ..IncidentInput::default()
            },
            published: true,
            update: true,
            message,
        })
        .await;
    }
    result.map(|_| ())
}
