use app::{
    error::AppError,
    model::{repositories::RepositorySummary, sync::SyncRun},
    state::AppState,
    store,
};
use axum::{
    extract::{Path, State},
    routing::get,
    Json, Router,
};
use sqlx::SqlitePool;

use super::{ErrorBody, RepoPath};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/repos", get(list_repositories))
        .route("/api/v1/repos/{owner}/{repo}/sync", get(list_sync_runs))
}

/// `GET /api/v1/repos`: every tracked repository.
#[utoipa::path(
    get,
    path = "/api/v1/repos",
    tag = "repositories",
    responses((status = 200, description = "Every tracked repository", body = [RepositorySummary]))
)]
pub(crate) async fn list_repositories(
    State(pool): State<SqlitePool>,
) -> Result<Json<Vec<RepositorySummary>>, AppError> {
    Ok(Json(store::repositories::list_summaries(&pool).await?))
}

/// `GET /api/v1/repos/{owner}/{repo}/sync`: the most recent sync runs, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/repos/{owner}/{repo}/sync",
    tag = "repositories",
    params(RepoPath),
    responses(
        (status = 200, description = "The last 50 syncs with GitHub, newest first", body = [SyncRun]),
        (status = 404, description = "No such repository", body = ErrorBody),
    )
)]
pub(crate) async fn list_sync_runs(
    State(pool): State<SqlitePool>,
    Path((owner, name)): Path<(String, String)>,
) -> Result<Json<Vec<SyncRun>>, AppError> {
    let repo = super::tracked(&pool, &owner, &name).await?;
    Ok(Json(store::sync::recent_runs(&pool, repo.id, 50).await?))
}
