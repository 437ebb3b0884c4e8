//! Incident notices over REST: anyone reads published ones; maintainers and tokens with the
//! `incidents` scope also see drafts, open, change and update them.

use app::{
    access::require,
    domain::{
        access::{Caller, Need, Scope},
        incident::{IncidentInput, Severity, Status},
    },
    error::AppError,
    model::incidents::UpdateView,
    service::incidents::{add_update, create, edit, find, incident_view, update_view},
    service::notify::Notifier,
    state::AppState,
    store::{self, repositories::Repository},
};
use axum::{
    extract::{Path, State},
    http::StatusCode,
    routing::{get, post},
    Extension, Json, Router,
};
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::SqlitePool;
use utoipa::ToSchema;

use super::{
    body::Fields,
    permit::{Incidents, Permit},
    ErrorBody, RepoPath,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/repos/{owner}/{repo}/incidents",
            get(list_incidents).post(open_incident),
        )
        .route(
            "/api/v1/repos/{owner}/{repo}/incidents/{id}",
            get(get_incident).patch(patch_incident),
        )
        .route(
            "/api/v1/repos/{owner}/{repo}/incidents/{id}/updates",
            post(post_update),
        )
}

/// An incident with its timeline. Text fields are Markdown as written.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct IncidentAnswer {
    id: i64,
    #[schema(example = "Jobs lost during rolling restarts")]
    title: String,
    /// What went wrong, briefly.
    issue: String,
    /// Who is affected.
    impact: String,
    status: Status,
    /// Temporary mitigation.
    workaround: String,
    /// Expected resolution.
    timeline: String,
    /// What users should do.
    action: String,
    severity: Severity,
    /// The affected versions, e.g. `>=2.3.0, <2.3.2`.
    #[schema(example = ">=2.3.0, <2.3.2")]
    affected: String,
    /// The version that fixes it.
    fixed_in: Option<String>,
    /// Drafts are seen by maintainers and tokens with the `incidents` scope only.
    published: bool,
    published_at: Option<DateTime<Utc>>,
    resolved_at: Option<DateTime<Utc>>,
    created_by: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    /// The public timeline, oldest first.
    updates: Vec<UpdateAnswer>,
}

/// One entry of an incident's timeline.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct UpdateAnswer {
    id: i64,
    status: Status,
    /// Markdown as written.
    message: String,
    author: String,
    created_at: DateTime<Utc>,
}

impl From<UpdateView> for UpdateAnswer {
    fn from(update: UpdateView) -> Self {
        UpdateAnswer {
            id: update.id,
            status: update.status,
            message: update.message,
            author: update.author,
            created_at: update.created_at,
        }
    }
}

/// What `POST .../incidents` takes; `PATCH` takes any of the same fields.
// A field left out keeps what the incident has (a new one starts empty).
#[derive(Debug, ToSchema)]
pub(crate) struct IncidentRequest {
    #[schema(value_type = String, example = "Jobs lost during rolling restarts")]
    title: Option<String>,
    #[schema(value_type = String)]
    issue: Option<String>,
    impact: Option<String>,
    #[schema(value_type = Status)]
    status: Option<String>,
    workaround: Option<String>,
    timeline: Option<String>,
    action: Option<String>,
    #[schema(value_type = Severity)]
    severity: Option<String>,
    #[schema(value_type = String, example = ">=2.3.0, <2.3.2")]
    affected: Option<String>,
    /// A released version (or tag); absent or empty until there is one.
    fixed_in: Option<String>,
    /// False (the default) keeps it a draft.
    published: Option<bool>,
}

impl IncidentRequest {
    /// Each field of the wrong type is named. Null clears a field that may be empty.
    fn from_json(body: &[u8]) -> Result<IncidentRequest, AppError> {
        let mut fields = Fields::of(body)?;
        let request = IncidentRequest {
            title: fields.text("title", false),
            issue: fields.text("issue", false),
            impact: fields.text("impact", true),
            status: fields.text("status", false),
            workaround: fields.text("workaround", true),
            timeline: fields.text("timeline", true),
            action: fields.text("action", true),
            severity: fields.text("severity", false),
            affected: fields.text("affected", false),
            fixed_in: fields.text("fixed_in", true),
            published: fields.flag("published"),
        };
        fields.finish()?;
        Ok(request)
    }

    /// `base` with the fields this request gives laid over it.
    fn apply(self, base: IncidentInput) -> IncidentInput {
        IncidentInput {
            title: self.title.unwrap_or(base.title),
            issue: self.issue.unwrap_or(base.issue),
            impact: self.impact.unwrap_or(base.impact),
            status: self.status.unwrap_or(base.status),
            workaround: self.workaround.unwrap_or(base.workaround),
            timeline: self.timeline.unwrap_or(base.timeline),
            action: self.action.unwrap_or(base.action),
            severity: self.severity.unwrap_or(base.severity),
            affected: self.affected.unwrap_or(base.affected),
            fixed_in: self.fixed_in.unwrap_or(base.fixed_in),
        }
    }
}

/// What `POST .../incidents/{id}/updates` takes.
#[derive(Debug, ToSchema)]
pub(crate) struct UpdateRequest {
    #[schema(value_type = Status)]
    status: String,
    #[schema(example = "A fix is in review.")]
    message: String,
}

impl UpdateRequest {
    /// A field that is not a string counts as empty, and the service names it.
    fn from_json(body: &[u8]) -> Result<UpdateRequest, AppError> {
        let fields = Fields::of(body)?;
        Ok(UpdateRequest {
            status: fields.lenient_text("status"),
            message: fields.lenient_text("message"),
        })
    }
}

/// May the caller see drafts: a maintainer, or a token with the `incidents` scope.
async fn sees_drafts(pool: &SqlitePool, caller: &Caller, repo: &Repository) -> bool {
    !matches!(caller, Caller::Anonymous)
        && require(
            pool,
            caller,
            repo,
            Need::MaintainerOrToken(Scope::Incidents),
        )
        .await
        .is_ok()
}

async fn answer(
    pool: &SqlitePool,
    record: store::incidents::IncidentRecord,
) -> Result<IncidentAnswer, AppError> {
    let updates = store::incidents::updates(pool, record.id)
        .await?
        .into_iter()
        .map(|u| update_view(u).into())
        .collect();
    let view = incident_view(record);
    let input = view.input;
    Ok(IncidentAnswer {
        id: view.id,
        title: view.title,
        issue: input.issue,
        impact: input.impact,
        status: view.status,
        workaround: input.workaround,
        timeline: input.timeline,
        action: input.action,
        severity: view.severity,
        affected: view.affected,
        fixed_in: view.fixed_in,
        published: view.published,
        published_at: view.published_at,
        resolved_at: view.resolved_at,
        created_by: view.created_by,
        created_at: view.created_at,
        updated_at: view.updated_at,
        updates,
    })
}

fn incident_id(text: &str) -> Result<i64, AppError> {
    text.parse()
        .map_err(|_| AppError::NotFound(format!("'{text}' is not an incident id")))
}

/// `GET .../incidents`: open incidents first, then the history.
#[utoipa::path(
    get,
    path = "/api/v1/repos/{owner}/{repo}/incidents",
    tag = "incidents",
    params(RepoPath),
    responses(
        (status = 200, description = "The incidents the caller may see", body = [IncidentAnswer]),
        (status = 404, description = "No such repository", body = ErrorBody),
    )
)]
pub(crate) async fn list_incidents(
    State(pool): State<SqlitePool>,
    Extension(caller): Extension<Caller>,
    Path((owner, name)): Path<(String, String)>,
) -> Result<Json<Vec<IncidentAnswer>>, AppError> {
    let repo = super::tracked(&pool, &owner, &name).await?;
    let drafts = sees_drafts(&pool, &caller, &repo).await;
    let mut answers = Vec::new();
    for record in store::incidents::list(&pool, repo.id, drafts).await? {
        answers.push(answer(&pool, record).await?);
    }
    Ok(Json(answers))
}

/// `GET .../incidents/{id}`: one incident with its timeline.
#[utoipa::path(
    get,
    path = "/api/v1/repos/{owner}/{repo}/incidents/{id}",
    tag = "incidents",
    params(RepoPath, ("id" = i64, Path, description = "The incident's id", example = 1)),
    responses(
        (status = 200, description = "The incident", body = IncidentAnswer),
        (status = 404, description = "No such repository or incident (or a draft the caller may not see)", body = ErrorBody),
    )
)]
pub(crate) async fn get_incident(
    State(pool): State<SqlitePool>,
    Extension(caller): Extension<Caller>,
    Path((owner, name, id)): Path<(String, String, String)>,
) -> Result<Json<IncidentAnswer>, AppError> {
    let repo = super::tracked(&pool, &owner, &name).await?;
    let record = find(&pool, &repo, incident_id(&id)?).await?;
    if !record.published && !sees_drafts(&pool, &caller, &repo).await {
        return Err(AppError::NotFound(format!(
            "{owner}/{name} has no incident {id}"
        )));
    }
    Ok(Json(answer(&pool, record).await?))
}

/// `POST .../incidents`: opens an incident, a draft unless `"published": true`.
#[utoipa::path(
    post,
    path = "/api/v1/repos/{owner}/{repo}/incidents",
    tag = "incidents",
    params(RepoPath),
    request_body = IncidentRequest,
    responses(
        (status = 201, description = "The incident", body = IncidentAnswer),
        (status = 400, description = "The body is not a JSON object", body = ErrorBody),
        (status = 401, description = "Nobody is signed in and no token was sent", body = ErrorBody),
        (status = 403, description = "Not a maintainer, or a token without the `incidents` scope", body = ErrorBody),
        (status = 404, description = "No such repository", body = ErrorBody),
        (status = 422, description = "A field is wrong; `error.fields` names each", body = ErrorBody),
    )
)]
pub(crate) async fn open_incident(
    State(pool): State<SqlitePool>,
    State(notifier): State<Notifier>,
    permit: Permit<Incidents>,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<IncidentAnswer>), AppError> {
    let request = IncidentRequest::from_json(&body)?;
    let published = request.published.unwrap_or(false);
    let input = request.apply(IncidentInput::default());
    let id = create(
        &pool,
        &notifier,
        &permit.repo,
        &input,
        published,
        &permit.by,
    )
    .await?;
    let record = find(&pool, &permit.repo, id).await?;
    Ok((StatusCode::CREATED, Json(answer(&pool, record).await?)))
}

/// `PATCH .../incidents/{id}`: changes any fields; `"published": true` publishes a draft. A
/// change of status is added to the timeline.
#[utoipa::path(
    patch,
    path = "/api/v1/repos/{owner}/{repo}/incidents/{id}",
    tag = "incidents",
    params(RepoPath, ("id" = i64, Path, description = "The incident's id", example = 1)),
    request_body = IncidentRequest,
    responses(
        (status = 200, description = "The incident as changed", body = IncidentAnswer),
        (status = 400, description = "The body is not a JSON object", body = ErrorBody),
        (status = 401, description = "Nobody is signed in and no token was sent", body = ErrorBody),
        (status = 403, description = "Not a maintainer, or a token without the `incidents` scope", body = ErrorBody),
        (status = 404, description = "No such repository or incident", body = ErrorBody),
        (status = 422, description = "A field is wrong; `error.fields` names each", body = ErrorBody),
    )
)]
pub(crate) async fn patch_incident(
    State(pool): State<SqlitePool>,
    State(notifier): State<Notifier>,
    permit: Permit<Incidents>,
    Path((_, _, id)): Path<(String, String, String)>,
    body: axum::body::Bytes,
) -> Result<Json<IncidentAnswer>, AppError> {
    let repo = &permit.repo;
    let id = incident_id(&id)?;
    let current = find(&pool, repo, id).await?;
    let was_published = current.published;
    let request = IncidentRequest::from_json(&body)?;
    let published = request.published.unwrap_or(was_published);
    let input = request.apply(incident_view(current).input);
    edit(&pool, &notifier, repo, id, &input, published, &permit.by).await?;
    let record = find(&pool, repo, id).await?;
    Ok(Json(answer(&pool, record).await?))
}

/// `POST .../incidents/{id}/updates` `{"status","message"}`: adds to the public timeline and
/// moves the incident to that status.
#[utoipa::path(
    post,
    path = "/api/v1/repos/{owner}/{repo}/incidents/{id}/updates",
    tag = "incidents",
    params(RepoPath, ("id" = i64, Path, description = "The incident's id", example = 1)),
    request_body = UpdateRequest,
    responses(
        (status = 201, description = "The incident with its new update", body = IncidentAnswer),
        (status = 400, description = "The body is not a JSON object", body = ErrorBody),
        (status = 401, description = "Nobody is signed in and no token was sent", body = ErrorBody),
        (status = 403, description = "Not a maintainer, or a token without the `incidents` scope", body = ErrorBody),
        (status = 404, description = "No such repository or incident", body = ErrorBody),
        (status = 422, description = "A field is wrong; `error.fields` names each", body = ErrorBody),
    )
)]
pub(crate) async fn post_update(
    State(pool): State<SqlitePool>,
    State(notifier): State<Notifier>,
    permit: Permit<Incidents>,
    Path((_, _, id)): Path<(String, String, String)>,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<IncidentAnswer>), AppError> {
    let id = incident_id(&id)?;
    let update = UpdateRequest::from_json(&body)?;
    let repo = &permit.repo;
    add_update(
        &pool,
        &notifier,
        repo,
        id,
        &update.status,
        &update.message,
        &permit.by,
    )
    .await?;
    let record = find(&pool, repo, id).await?;
    Ok((StatusCode::CREATED, Json(answer(&pool, record).await?)))
}
