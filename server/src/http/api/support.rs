use app::{
    domain::support::{support_windows, Phase, Policy, Release},
    error::AppError,
    state::AppState,
    store,
};
use axum::{
    extract::{Path, State},
    routing::get,
    Json, Router,
};
use chrono::{NaiveDate, Utc};
use serde::Serialize;
use sqlx::SqlitePool;

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/repos/{owner}/{repo}/support", get(get_support))
}

#[derive(Debug, Serialize)]
struct SupportAnswer {
    repository: String,
    policy: Policy,
    lines: Vec<LineAnswer>,
}

#[derive(Debug, Serialize)]
struct LineAnswer {
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
async fn get_support(
    State(pool): State<SqlitePool>,
    Path((owner, name)): Path<(String, String)>,
) -> Result<Json<SupportAnswer>, AppError> {
    let repo = super::tracked(&pool, &owner, &name).await?;
    let releases: Vec<Release> = store::versions::list_public(&pool, repo.id)
        .await?
        .into_iter()
        .filter_map(|entry| {
            Some(Release {
                version: semver::Version::parse(&entry.version).ok()?,
                released_on: entry.released_at.map(|at| at.date_naive()),
                // Withdrawals arrive with the version pages (issue 6).
                withdrawn: false,
            })
        })
        .collect();
    let policy = repo.policy();
    let lines = support_windows(&releases, &policy, Utc::now().date_naive())
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
        policy,
        lines,
    }))
}
