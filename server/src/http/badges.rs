//! Support badges for READMEs: `GET /badge/{owner}/{repo}/{version}.svg` (a flat SVG) and
//! `GET /api/v1/repos/{owner}/{repo}/badge/{version}` (shields.io's endpoint JSON). `version` is
//! a version or tag (`3.1.1`, `v3.1.1`) or a line (`3.x`, `3`, `0.4.x`).

use app::{
    domain::{
        badge::{self, Badge, ShieldsEndpoint},
        support::check_version,
        version::{parse_tag, Line},
    },
    error::AppError,
    service::{incidents::affecting, support},
    state::AppState,
};
use axum::{
    extract::{Path, State},
    http::header,
    response::{IntoResponse, Response},
    routing::get,
    Json, Router,
};
use chrono::Utc;
use sqlx::SqlitePool;

use super::api::{tracked, ErrorBody, RepoPath};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/badge/{owner}/{repo}/{file}", get(badge_svg))
        .route(
            "/api/v1/repos/{owner}/{repo}/badge/{version}",
            get(badge_json),
        )
}

/// What a badge is about.
enum Subject {
    Line(Line),
    Version(semver::Version),
}

fn subject(text: &str, tag_prefix: &str) -> Result<Subject, AppError> {
    if let Ok(line) = text.parse::<Line>() {
        return Ok(Subject::Line(line));
    }
    if let Ok(major) = text.parse::<u64>() {
        return Ok(Subject::Line(Line { major, minor: None }));
    }
    parse_tag(text, tag_prefix)
        .map(Subject::Version)
        .map_err(|err| {
            AppError::BadRequest(format!(
                "{err}; a badge is for a version (3.1.1) or a line (3.x)"
            ))
        })
}

async fn badge_for(
    pool: &SqlitePool,
    owner: &str,
    name: &str,
    text: &str,
) -> Result<Badge, AppError> {
    let repo = tracked(pool, owner, name).await?;
    let subject = subject(text, &repo.tag_prefix)?;
    let today = Utc::now().date_naive();
    let support::Lines { releases, windows } = support::lines(pool, &repo, today).await?;
    Ok(match subject {
        Subject::Line(line) => {
            let window = windows.iter().find(|w| w.line == line);
            badge::for_line(
                &line.to_string(),
                window.map(|w| w.phase),
                window.and_then(|w| w.eol),
            )
        }
        Subject::Version(version) => {
            let check = check_version(&version, &releases, &windows, &repo.policy(), today);
            // A resolved incident does not mark the badge: the version's support phase says
            // whether to upgrade.
            let incidents = affecting(pool, repo.id, &version).await?;
            badge::for_check(
                &format!("v{version}"),
                check.phase,
                check.eol,
                incidents.open.len(),
            )
        }
    })
}

/// `GET /badge/{owner}/{repo}/{version or line}.svg`: a flat badge.
#[utoipa::path(
    get,
    path = "/badge/{owner}/{repo}/{badge}.svg",
    tag = "support",
    params(
        RepoPath,
        ("badge" = String, Path, description = "A version, a tag or a line", example = "v2.3.1"),
    ),
    responses(
        (status = 200, description = "The badge", content_type = "image/svg+xml", body = String),
        (status = 400, description = "Not a version or a line", body = ErrorBody),
        (status = 404, description = "No such repository", body = ErrorBody),
    )
)]
pub(crate) async fn badge_svg(
    State(pool): State<SqlitePool>,
    Path((owner, name, file)): Path<(String, String, String)>,
) -> Result<Response, AppError> {
    let text = file.strip_suffix(".svg").ok_or_else(|| {
        AppError::NotFound("badges end in .svg, e.g. /badge/OWNER/REPO/3.x.svg".to_owned())
    })?;
    let badge = badge_for(&pool, &owner, &name, text).await?;
    Ok((
        [(header::CONTENT_TYPE, "image/svg+xml; charset=utf-8")],
        badge::svg(&badge),
    )
        .into_response())
}

/// `GET /api/v1/repos/{owner}/{repo}/badge/{version}`: shields.io's endpoint badge.
#[utoipa::path(
    get,
    path = "/api/v1/repos/{owner}/{repo}/badge/{version}",
    tag = "support",
    params(
        RepoPath,
        ("version" = String, Path, description = "A version, a tag or a line", example = "2.x"),
    ),
    responses(
        (status = 200, description = "shields.io's endpoint JSON", body = ShieldsEndpoint),
        (status = 400, description = "Not a version or a line", body = ErrorBody),
        (status = 404, description = "No such repository", body = ErrorBody),
    )
)]
pub(crate) async fn badge_json(
    State(pool): State<SqlitePool>,
    Path((owner, name, version)): Path<(String, String, String)>,
) -> Result<Json<ShieldsEndpoint>, AppError> {
    let badge = badge_for(&pool, &owner, &name, &version).await?;
    Ok(Json(ShieldsEndpoint::from(&badge)))
}
