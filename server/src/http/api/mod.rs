//! The public REST API under `/api/v1`: one router per resource, merged here.

mod paging;
mod products;
mod repositories;
mod settings;
pub(crate) mod support;
mod versions;

use app::{error::AppError, state::AppState, store};
use axum::Router;
use sqlx::SqlitePool;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(products::router())
        .merge(repositories::router())
        .merge(settings::router())
        .merge(support::router())
        .merge(versions::router())
}

/// The tracked repository named in the path, or a 404 that says so.
pub(crate) async fn tracked(
    pool: &SqlitePool,
    owner: &str,
    name: &str,
) -> Result<store::repositories::Repository, AppError> {
    store::repositories::find(pool, owner, name)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("the repository {owner}/{name} is not tracked")))
}
