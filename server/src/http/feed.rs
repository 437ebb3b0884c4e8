//! `GET /{owner}/{repo}/feed.atom`: one Atom feed with releases, incidents and their updates,
//! withdrawals and end-of-life events.

use std::sync::Arc;

use app::{error::AppError, service, state::AppState};
use axum::{
    extract::{Path, State},
    http::{header, HeaderMap},
    response::{IntoResponse, Response},
    routing::get,
    Extension, Router,
};
use chrono::Utc;
use sqlx::SqlitePool;

use super::{
    access::site_address,
    api::{tracked, ErrorBody, RepoPath},
};
use crate::auth::Auth;

pub fn router() -> Router<AppState> {
    Router::new().route("/{owner}/{repo}/feed.atom", get(feed))
}

/// `GET /{owner}/{repo}/feed.atom`: what changed, newest first, for feed readers.
#[utoipa::path(
    get,
    path = "/{owner}/{repo}/feed.atom",
    tag = "incidents",
    params(RepoPath),
    responses(
        (status = 200, description = "An Atom feed (RFC 4287)", content_type = "application/atom+xml", body = String),
        (status = 404, description = "No such repository", body = ErrorBody),
    )
)]
pub(crate) async fn feed(
    State(pool): State<SqlitePool>,
    Extension(auth): Extension<Arc<Auth>>,
    headers: HeaderMap,
    Path((owner, name)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let repo = tracked(&pool, &owner, &name).await?;
    let site = site_address(&auth, &headers);
    let base = format!("{site}/{}/{}", repo.owner, repo.name);
    let body = service::feed::feed(&pool, &repo, &base, Utc::now()).await?;
    Ok((
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        body,
    )
        .into_response())
}
