//! `GET|PATCH /api/v1/repos/{owner}/{repo}/settings`: the repository's policy settings. Reading
//! is public (the policy shapes every public answer); changing needs a maintainer in person.

use app::{error::AppError, service::settings, state::AppState, store::repositories::Repository};
use axum::{
    body::Bytes,
    extract::{Path, State},
    routing::get,
    Json, Router,
};
use serde::Serialize;
use utoipa::ToSchema;

use super::{
    permit::{InPerson, Permit},
    ErrorBody, RepoPath,
};
use serde_json::{Map, Value};
use sqlx::SqlitePool;

pub fn router() -> Router<AppState> {
    Router::new().route(
        "/api/v1/repos/{owner}/{repo}/settings",
        get(get_settings).patch(patch_settings),
    )
}

/// A repository's settings; `PATCH` takes any of them but `repository`.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Settings {
    #[schema(example = "acme/orbit")]
    repository: String,
    tag_prefix: String,
    product: String,
    security_months: u32,
    supported_lines: usize,
    zero_major_lines: bool,
    /// Withdrawals mark the GitHub release pre-release with a warning; restoring undoes both.
    mirror_withdrawals: bool,
}

impl Settings {
    fn of(repository: &Repository) -> Settings {
        let policy = repository.policy();
        Settings {
            repository: format!("{}/{}", repository.owner, repository.name),
            tag_prefix: repository.tag_prefix.clone(),
            product: repository.product.clone(),
            security_months: policy.security_months,
            supported_lines: policy.supported_lines,
            zero_major_lines: policy.zero_major_lines,
            mirror_withdrawals: repository.mirror_withdrawals,
        }
    }
}

/// `GET .../settings`: public, since the policy shapes every public answer.
#[utoipa::path(
    get,
    path = "/api/v1/repos/{owner}/{repo}/settings",
    tag = "repositories",
    params(RepoPath),
    responses(
        (status = 200, description = "The settings", body = Settings),
        (status = 404, description = "No such repository", body = ErrorBody),
    )
)]
pub(crate) async fn get_settings(
    State(pool): State<SqlitePool>,
    Path((owner, name)): Path<(String, String)>,
) -> Result<Json<Settings>, AppError> {
    let repository = super::tracked(&pool, &owner, &name).await?;
    Ok(Json(Settings::of(&repository)))
}

/// Changes any of `security_months`, `supported_lines`, `zero_major_lines`; the rest stay.
#[utoipa::path(
    patch,
    path = "/api/v1/repos/{owner}/{repo}/settings",
    tag = "repositories",
    params(RepoPath),
    request_body(content = Object, description = "Any of `tag_prefix`, `product`, `security_months`, `supported_lines`, `zero_major_lines`, `mirror_withdrawals`"),
    responses(
        (status = 200, description = "The settings after the change", body = Settings),
        (status = 400, description = "The body is not a JSON object", body = ErrorBody),
        (status = 401, description = "Nobody is signed in", body = ErrorBody),
        (status = 403, description = "The caller does not maintain the repository", body = ErrorBody),
        (status = 404, description = "No such repository", body = ErrorBody),
        (status = 422, description = "A field is wrong; `error.fields` names each", body = ErrorBody),
    )
)]
pub(crate) async fn patch_settings(
    State(pool): State<SqlitePool>,
    permit: Permit<InPerson>,
    Path((owner, name)): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<Settings>, AppError> {
    let repository = permit.repo;
    let changes: Map<String, Value> = serde_json::from_slice(&body).map_err(|err| {
        AppError::BadRequest(format!("the body must be a JSON object of settings: {err}"))
    })?;
    let changed = settings::apply_changes(&repository, &changes).map_err(AppError::validation)?;
    settings::save(&pool, &repository, &changed).await?;
    let updated = super::tracked(&pool, &owner, &name).await?;
    Ok(Json(Settings::of(&updated)))
}
