//! The public REST API under `/api/v1`: one router per resource, merged here.

mod body;
pub(crate) mod checklists;
pub(crate) mod evidence;
pub(crate) mod incidents;
pub(crate) mod notify;
mod paging;
mod permit;
pub(crate) mod plans;
pub(crate) mod products;
pub(crate) mod repositories;
pub(crate) mod settings;
pub(crate) mod support;
pub(crate) mod versions;

use app::state::AppState;
pub(crate) use app::{error::ErrorBody, service::repositories::tracked};
use axum::Router;
use utoipa::IntoParams;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(checklists::router())
        .merge(evidence::router())
        .merge(incidents::router())
        .merge(notify::router())
        .merge(plans::router())
        .merge(products::router())
        .merge(repositories::router())
        .merge(settings::router())
        .merge(support::router())
        .merge(versions::router())
}

/// The repository in a route's path, as the OpenAPI description names it.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)] // Handlers take the path as a tuple; this only describes it.
pub(crate) struct RepoPath {
    /// The GitHub owner (a user or an organisation); case does not matter.
    #[param(example = "acme")]
    owner: String,
    /// The repository's name; case does not matter.
    #[param(example = "orbit")]
    repo: String,
}
