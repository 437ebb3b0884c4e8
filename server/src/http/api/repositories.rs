use app::{api::repositories::RepositorySummary, error::AppError, state::AppState, store};
use axum::{
    extract::{Path, State},
    routing::get,
    Json, Router,
};
use sqlx::SqlitePool;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/repos", get(list_repositories))
        .route("/api/v1/repos/{owner}/{repo}/sync", get(list_sync_runs))
}

/// `GET /api/v1/repos`: every tracked repository.
async fn list_repositories(
    State(pool): State<SqlitePool>,
) -> Result<Json<Vec<RepositorySummary>>, AppError> {
    Ok(Json(store::repositories::list_summaries(&pool).await?))
}

/// `GET /api/v1/repos/{owner}/{repo}/sync`: the most recent sync runs, newest first.
async fn list_sync_runs(
    State(pool): State<SqlitePool>,
    Path((owner, name)): Path<(String, String)>,
) -> Result<Json<Vec<store::sync::SyncRun>>, AppError> {
    let repo = super::tracked(&pool, &owner, &name).await?;
    Ok(Json(store::sync::recent_runs(&pool, repo.id, 50).await?))
}
