//! `GET /{owner}/{repo}/calendar.ics`: line starts, ends of full support and ends of life, to
//! subscribe to in a calendar.

use std::sync::Arc;

use app::{domain::calendar::support_calendar, error::AppError, service::support, state::AppState};
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
    Router::new().route("/{owner}/{repo}/calendar.ics", get(calendar))
}

/// `GET /{owner}/{repo}/calendar.ics`: each line's end of support and end of life as events.
#[utoipa::path(
    get,
    path = "/{owner}/{repo}/calendar.ics",
    tag = "support",
    params(RepoPath),
    responses(
        (status = 200, description = "An iCalendar file (RFC 5545)", content_type = "text/calendar", body = String),
        (status = 404, description = "No such repository", body = ErrorBody),
    )
)]
pub(crate) async fn calendar(
    State(pool): State<SqlitePool>,
    Extension(auth): Extension<Arc<Auth>>,
    headers: HeaderMap,
    Path((owner, name)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let repo = tracked(&pool, &owner, &name).await?;
    let windows = support::lines(&pool, &repo, Utc::now().date_naive())
        .await?
        .windows;
    let site = site_address(&auth, &headers);
    let page = format!("{site}/{}/{}/support", repo.owner, repo.name);
    // Stamped with the data's last change, so the same data always makes the same file.
    let stamp = app::store::versions::last_change(&pool, repo.id)
        .await?
        .unwrap_or_else(Utc::now);
    let planned: Vec<_> = app::store::plans::list(&pool, repo.id)
        .await?
        .into_iter()
        .filter(|plan| !plan.tagged)
        .map(|plan| (plan.tag, plan.target_date))
        .collect();
    let body = support_calendar(&repo.owner, &repo.name, &windows, &planned, &page, stamp);
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "inline; filename=\"support.ics\"",
            ),
        ],
        body,
    )
        .into_response())
}
