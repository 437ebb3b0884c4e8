use std::collections::HashMap;

use app::{
    domain::support::{Phase, Policy, VersionCheck},
    error::AppError,
    model::incidents::IncidentSummary,
    service::support,
    state::AppState,
};
use axum::{
    extract::{Path, Query, State},
    routing::get,
    Json, Router,
};
use chrono::{NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use super::{ErrorBody, RepoPath};
use sqlx::SqlitePool;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/repos/{owner}/{repo}/support", get(get_support))
        .route(
            "/api/v1/repos/{owner}/{repo}/support/check",
            get(check_support),
        )
}

/// A repository's support lines today.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SupportAnswer {
    #[schema(example = "acme/orbit")]
    repository: String,
    policy: Policy,
    lines: Vec<LineAnswer>,
}

/// One line: its phase today and the dates the policy gives it.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct LineAnswer {
    line: String,
    phase: Phase,
    started: NaiveDate,
    eoas: Option<NaiveDate>,
    eol: Option<NaiveDate>,
    latest: Option<String>,
    latest_released: Option<NaiveDate>,
    explanation: String,
}

/// `GET /api/v1/repos/{owner}/{repo}/support`: every started line, newest first, with its phase
/// today and the dates the policy gives it.
#[utoipa::path(
    get,
    path = "/api/v1/repos/{owner}/{repo}/support",
    tag = "support",
    params(RepoPath),
    responses(
        (status = 200, description = "The policy and every started line, newest first", body = SupportAnswer),
        (status = 404, description = "No such repository", body = ErrorBody),
    )
)]
pub(crate) async fn get_support(
    State(pool): State<SqlitePool>,
    Path((owner, name)): Path<(String, String)>,
) -> Result<Json<SupportAnswer>, AppError> {
    let repo = super::tracked(&pool, &owner, &name).await?;
    let lines = support::lines(&pool, &repo, Utc::now().date_naive())
        .await?
        .windows
        .into_iter()
        .map(|window| LineAnswer {
            line: window.line.to_string(),
            phase: window.phase,
            started: window.started,
            eoas: window.eoas,
            eol: window.eol,
            latest: window.latest.map(|v| v.to_string()),
            latest_released: window.latest_released,
            explanation: window.explanation,
        })
        .collect();
    Ok(Json(SupportAnswer {
        repository: format!("{}/{}", repo.owner, repo.name),
        policy: repo.policy(),
        lines,
    }))
}

/// Where a version stands, and what to run instead.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct CheckAnswer {
    query: String,
    #[serde(flatten)]
    check: VersionCheck,
    /// Published, unresolved incidents whose affected range holds the version.
    incidents: Vec<IncidentSummary>,
    /// Resolved incidents that hit the version: their fix is in a later version.
    past_incidents: Vec<IncidentSummary>,
}

/// `GET /api/v1/repos/{owner}/{repo}/support/check?version=X`: X is a tag or a version.
#[utoipa::path(
    get,
    path = "/api/v1/repos/{owner}/{repo}/support/check",
    tag = "support",
    params(RepoPath, ("version" = String, Query, description = "A tag or a version", example = "v2.3.1")),
    responses(
        (status = 200, description = "The version's phase and advice", body = CheckAnswer),
        (status = 400, description = "No version given, or not a version", body = ErrorBody),
        (status = 404, description = "No such repository", body = ErrorBody),
    )
)]
pub(crate) async fn check_support(
    State(pool): State<SqlitePool>,
    Path((owner, name)): Path<(String, String)>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Json<CheckAnswer>, AppError> {
    let repo = super::tracked(&pool, &owner, &name).await?;
    let query = params
        .get("version")
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .ok_or_else(|| {
            AppError::BadRequest("`version` is required, e.g. ?version=v1.2.3".to_owned())
        })?;
    let outcome = support::check(&pool, &repo, &query, Utc::now().date_naive()).await?;
    Ok(Json(CheckAnswer {
        query,
        check: outcome.check,
        incidents: outcome.incidents.open,
        past_incidents: outcome.incidents.resolved,
    }))
}
