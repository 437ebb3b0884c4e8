//! `GET .../versions/{version}/evidence`: what GitHub and the synced data say about a version's
//! commit, source by source, as kept at the time.

use app::{error::AppError, model::evidence::EvidenceView, service, state::AppState};
use axum::{
    extract::{Path, State},
    routing::get,
    Json, Router,
};
use sqlx::SqlitePool;

use super::{ErrorBody, RepoPath};

pub fn router() -> Router<AppState> {
    Router::new().route(
        "/api/v1/repos/{owner}/{repo}/versions/{version}/evidence",
        get(get_evidence),
    )
}

/// `GET .../versions/{version}/evidence`: each source (check runs, commit statuses, workflow
/// runs, code scanning, Dependabot, attestations, the release, the tag, CHANGELOG.md) with its
/// state (`pass`, `fail`, `pending`, `unavailable`), a summary, its page on GitHub, when it was
/// read and what it found. Readings GitHub has since changed or deleted are kept in `earlier`.
#[utoipa::path(
    get,
    path = "/api/v1/repos/{owner}/{repo}/versions/{version}/evidence",
    tag = "checklists",
    params(RepoPath, ("version" = String, Path, description = "A tag or a version", example = "v3.1.0")),
    responses(
        (status = 200, description = "The evidence of the version's commit", body = EvidenceView),
        (status = 400, description = "Not a version", body = ErrorBody),
        (status = 404, description = "No such repository or version", body = ErrorBody),
    )
)]
pub(crate) async fn get_evidence(
    State(pool): State<SqlitePool>,
    Path((owner, name, version)): Path<(String, String, String)>,
) -> Result<Json<EvidenceView>, AppError> {
    let repo = super::tracked(&pool, &owner, &name).await?;
    Ok(Json(service::evidence::view(&pool, &repo, &version).await?))
}
