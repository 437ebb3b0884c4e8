//! Planned releases over REST: anyone reads plans; maintainers and tokens with the `releases`
//! scope plan, change and drop them, ask for the next version, and publish GitHub releases.

use app::{
    domain::{
        next_version::{Bump, CommitKind},
        version::parse_tag,
    },
    error::AppError,
    model::plans::Gate,
    service::{
        host::Host,
        plans::{self, PlanChanges, PlanInput},
    },
    state::AppState,
    store::plans::PlanRecord,
};
use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    routing::{get, post},
    Json, Router,
};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sqlx::SqlitePool;
use utoipa::{IntoParams, ToSchema};

use super::{
    body::Fields,
    permit::{Permit, Releases},
    ErrorBody, RepoPath,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/repos/{owner}/{repo}/plans",
            get(list_plans).post(create_plan),
        )
        .route(
            "/api/v1/repos/{owner}/{repo}/plans/{version}",
            get(get_plan).patch(patch_plan).delete(delete_plan),
        )
        .route(
            "/api/v1/repos/{owner}/{repo}/next-version",
            get(next_version),
        )
        .route(
            "/api/v1/repos/{owner}/{repo}/versions/{version}/publish",
            post(publish),
        )
}

/// Where a plan stands on GitHub.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum PlanState {
    /// No tag yet.
    Planned,
    /// The tag exists; no GitHub release is published.
    Tagged,
    /// The GitHub release is published.
    Published,
}

/// A planned release.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct PlanAnswer {
    #[schema(example = "3.5.0")]
    version: String,
    #[schema(example = "v3.5.0")]
    tag: String,
    state: PlanState,
    #[schema(value_type = String, example = "2026-12-24")]
    target_date: NaiveDate,
    #[schema(example = "release/v3.5.0")]
    branch: String,
    /// Markdown: the release's notes when CHANGELOG.md has no section for it.
    notes: String,
    /// Open pre-release items of its checklist.
    pre_release_open: usize,
    pre_release_total: usize,
    /// The commit status last written on the branch.
    gate: Option<Gate>,
    planned_by: String,
    planned_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

async fn answer(pool: &SqlitePool, plan: PlanRecord) -> Result<PlanAnswer, AppError> {
    let view = plans::view(pool, plan).await?;
    let state = match (view.tagged, view.published) {
        (_, true) => PlanState::Published,
        (true, false) => PlanState::Tagged,
        (false, false) => PlanState::Planned,
    };
    Ok(PlanAnswer {
        version: view.version,
        tag: view.tag,
        state,
        target_date: view.target_date,
        branch: view.branch,
        notes: view.notes,
        pre_release_open: view.pre_release_open,
        pre_release_total: view.pre_release_total,
        gate: view.gate,
        planned_by: view.planned_by,
        planned_at: view.planned_at,
        updated_at: view.updated_at,
    })
}

/// What `POST .../plans` takes; `PATCH` takes `target_date`, `branch` and `notes`.
#[derive(Debug, ToSchema)]
pub(crate) struct PlanRequest {
    /// A version or tag, valid SemVer, unused, above its line's newest release.
    #[schema(value_type = String, example = "2.5.0")]
    version: Option<String>,
    #[schema(value_type = String, example = "2026-12-24")]
    target_date: Option<String>,
    /// Default `release/{tag}`.
    #[schema(example = "release/v2.5.0")]
    branch: Option<String>,
    /// Markdown.
    notes: Option<String>,
}

impl PlanRequest {
    fn from_json(body: &[u8]) -> Result<PlanRequest, AppError> {
        let mut fields = Fields::of(body)?;
        let request = PlanRequest {
            version: fields.text("version", false),
            target_date: fields.text("target_date", false),
            branch: fields.text("branch", true),
            notes: fields.text("notes", true),
        };
        fields.finish()?;
        Ok(request)
    }
}

/// `GET .../plans`: the plans not dropped, lowest version first.
#[utoipa::path(
    get,
    path = "/api/v1/repos/{owner}/{repo}/plans",
    tag = "releases",
    params(RepoPath),
    responses(
        (status = 200, description = "The repository's plans", body = [PlanAnswer]),
        (status = 404, description = "No such repository", body = ErrorBody),
    )
)]
pub(crate) async fn list_plans(
    State(pool): State<SqlitePool>,
    Path((owner, name)): Path<(String, String)>,
) -> Result<Json<Vec<PlanAnswer>>, AppError> {
    let repo = super::tracked(&pool, &owner, &name).await?;
    let mut answers = Vec::new();
    for plan in plans::list(&pool, &repo).await? {
        answers.push(answer(&pool, plan).await?);
    }
    Ok(Json(answers))
}

/// `POST .../plans`: plans a release; its checklist starts at once.
#[utoipa::path(
    post,
    path = "/api/v1/repos/{owner}/{repo}/plans",
    tag = "releases",
    params(RepoPath),
    request_body = PlanRequest,
    responses(
        (status = 201, description = "The plan", body = PlanAnswer),
        (status = 400, description = "The body is not a JSON object", body = ErrorBody),
        (status = 401, description = "Nobody is signed in and no token was sent", body = ErrorBody),
        (status = 403, description = "Not a maintainer, or a token without the `releases` scope", body = ErrorBody),
        (status = 404, description = "No such repository", body = ErrorBody),
        (status = 422, description = "A field is wrong; `error.fields` names each", body = ErrorBody),
    )
)]
pub(crate) async fn create_plan(
    State(pool): State<SqlitePool>,
    State(host): State<Host>,
    permit: Permit<Releases>,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<PlanAnswer>), AppError> {
    let request = PlanRequest::from_json(&body)?;
    let input = PlanInput {
        version: request.version.unwrap_or_default(),
        target_date: request.target_date.unwrap_or_default(),
        branch: request.branch,
        notes: request.notes.unwrap_or_default(),
    };
    let plan = plans::plan(&pool, &host, &permit.repo, &input, &permit.by).await?;
    Ok((StatusCode::CREATED, Json(answer(&pool, plan).await?)))
}

/// `GET .../plans/{version}`: one plan.
#[utoipa::path(
    get,
    path = "/api/v1/repos/{owner}/{repo}/plans/{version}",
    tag = "releases",
    params(RepoPath, ("version" = String, Path, description = "A version or tag", example = "3.5.0")),
    responses(
        (status = 200, description = "The plan", body = PlanAnswer),
        (status = 404, description = "No such repository or plan", body = ErrorBody),
    )
)]
pub(crate) async fn get_plan(
    State(pool): State<SqlitePool>,
    Path((owner, name, version)): Path<(String, String, String)>,
) -> Result<Json<PlanAnswer>, AppError> {
    let repo = super::tracked(&pool, &owner, &name).await?;
    let plan = plans::find(&pool, &repo, &version).await?;
    Ok(Json(answer(&pool, plan).await?))
}

/// `PATCH .../plans/{version}`: changes the target date, branch or notes.
#[utoipa::path(
    patch,
    path = "/api/v1/repos/{owner}/{repo}/plans/{version}",
    tag = "releases",
    params(RepoPath, ("version" = String, Path, description = "A version or tag", example = "3.5.0")),
    request_body = PlanRequest,
    responses(
        (status = 200, description = "The plan as changed", body = PlanAnswer),
        (status = 400, description = "The body is not a JSON object", body = ErrorBody),
        (status = 401, description = "Nobody is signed in and no token was sent", body = ErrorBody),
        (status = 403, description = "Not a maintainer, or a token without the `releases` scope", body = ErrorBody),
        (status = 404, description = "No such repository or plan", body = ErrorBody),
        (status = 422, description = "A field is wrong; `error.fields` names each", body = ErrorBody),
    )
)]
pub(crate) async fn patch_plan(
    State(pool): State<SqlitePool>,
    State(host): State<Host>,
    permit: Permit<Releases>,
    Path((_, _, version)): Path<(String, String, String)>,
    body: axum::body::Bytes,
) -> Result<Json<PlanAnswer>, AppError> {
    let request = PlanRequest::from_json(&body)?;
    if request.version.is_some() {
        return Err(AppError::validation([(
            "version",
            "cannot be changed: drop the plan and plan the other version".to_owned(),
        )]));
    }
    let changes = PlanChanges {
        target_date: request.target_date,
        branch: request.branch,
        notes: request.notes,
    };
    let plan = plans::edit(&pool, &host, &permit.repo, &version, &changes).await?;
    Ok(Json(answer(&pool, plan).await?))
}

/// `DELETE .../plans/{version}`: drops a plan not yet tagged; its checklist and log stay.
#[utoipa::path(
    delete,
    path = "/api/v1/repos/{owner}/{repo}/plans/{version}",
    tag = "releases",
    params(RepoPath, ("version" = String, Path, description = "A version or tag", example = "3.5.0")),
    responses(
        (status = 204, description = "The plan is dropped"),
        (status = 401, description = "Nobody is signed in and no token was sent", body = ErrorBody),
        (status = 403, description = "Not a maintainer, or a token without the `releases` scope", body = ErrorBody),
        (status = 404, description = "No such repository or plan", body = ErrorBody),
        (status = 409, description = "The version is tagged already", body = ErrorBody),
    )
)]
pub(crate) async fn delete_plan(
    State(pool): State<SqlitePool>,
    permit: Permit<Releases>,
    Path((_, _, version)): Path<(String, String, String)>,
) -> Result<StatusCode, AppError> {
    plans::cancel(&pool, &permit.repo, &version).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct NextVersionQuery {
    /// `stable` (default), `rc`, `beta` or `alpha`.
    #[param(example = "stable")]
    channel: Option<String>,
    /// The branch to compare with the newest stable release; the default branch when absent.
    #[param(example = "main")]
    branch: Option<String>,
}

/// A commit that moved the suggestion.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ReasonAnswer {
    sha: String,
    /// The first line of its message.
    subject: String,
    #[schema(value_type = String, example = "feature")]
    kind: CommitKind,
}

/// The suggested next version.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct NextVersionAnswer {
    /// The tag of the newest stable release compared against; null before the first.
    #[schema(example = "v2.4.0")]
    base: Option<String>,
    #[schema(example = "2.5.0")]
    suggested: String,
    /// What the commits ask for: `major`, `minor`, `patch` or `none`.
    #[schema(value_type = String, example = "minor")]
    bump: Bump,
    /// How many commits were read.
    commits: usize,
    /// The commits that are features, fixes or breaking changes, oldest first.
    reasons: Vec<ReasonAnswer>,
    /// Versions the bump led to that the repository has already (a tag, a draft release or a
    /// plan), passed over for the next patch.
    #[schema(example = json!(["3.2.0"]))]
    skipped: Vec<String>,
}

/// `GET .../next-version`: the next version from the Conventional Commits on a branch since the
/// newest stable release.
#[utoipa::path(
    get,
    path = "/api/v1/repos/{owner}/{repo}/next-version",
    tag = "releases",
    params(RepoPath, NextVersionQuery),
    responses(
        (status = 200, description = "The suggestion and the commits behind it", body = NextVersionAnswer),
        (status = 401, description = "Nobody is signed in and no token was sent", body = ErrorBody),
        (status = 403, description = "Not a maintainer, or a token without the `releases` scope", body = ErrorBody),
        (status = 404, description = "No such repository", body = ErrorBody),
        (status = 422, description = "An unknown channel, or a bad branch name", body = ErrorBody),
        (status = 502, description = "GitHub could not compare (the branch is not pushed, or the token cannot read it)", body = ErrorBody),
    )
)]
pub(crate) async fn next_version(
    State(pool): State<SqlitePool>,
    State(host): State<Host>,
    permit: Permit<Releases>,
    Query(query): Query<NextVersionQuery>,
) -> Result<Json<NextVersionAnswer>, AppError> {
    let next = plans::next_version(
        &pool,
        &host,
        &permit.repo,
        query.channel.as_deref().unwrap_or_default(),
        query.branch.as_deref(),
    )
    .await?;
    Ok(Json(NextVersionAnswer {
        base: next.base,
        suggested: next.suggested,
        bump: next.bump,
        commits: next.commits,
        skipped: next.skipped,
        reasons: next
            .reasons
            .into_iter()
            .map(|r| ReasonAnswer {
                sha: r.sha,
                subject: r.subject,
                kind: r.kind,
            })
            .collect(),
    }))
}

/// What `POST .../publish` takes.
#[derive(Debug, ToSchema)]
pub(crate) struct PublishRequest {
    /// Required while pre-release items are open: why publish anyway (logged).
    reason: Option<String>,
}

/// The GitHub release published.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct PublishAnswer {
    #[schema(example = "2.5.0")]
    version: String,
    /// False when GitHub had the release already: nothing was made twice.
    created: bool,
    release_id: i64,
    html_url: String,
    prerelease: bool,
    published_at: Option<DateTime<Utc>>,
}

/// `POST .../versions/{version}/publish`: publishes the GitHub release of a tagged version.
#[utoipa::path(
    post,
    path = "/api/v1/repos/{owner}/{repo}/versions/{version}/publish",
    tag = "releases",
    params(RepoPath, ("version" = String, Path, description = "A version or tag", example = "3.5.0")),
    request_body = PublishRequest,
    responses(
        (status = 201, description = "The release was made", body = PublishAnswer),
        (status = 200, description = "GitHub had the release already", body = PublishAnswer),
        (status = 401, description = "Nobody is signed in and no token was sent", body = ErrorBody),
        (status = 403, description = "Not a maintainer, or a token without the `releases` scope", body = ErrorBody),
        (status = 404, description = "No such repository or version", body = ErrorBody),
        (status = 409, description = "Pre-release items are open and no reason was given, or the tag is not pushed yet", body = ErrorBody),
        (status = 502, description = "GitHub refused (the message names the permission or problem); nothing changed", body = ErrorBody),
    )
)]
pub(crate) async fn publish(
    State(pool): State<SqlitePool>,
    State(host): State<Host>,
    permit: Permit<Releases>,
    Path((_, _, version)): Path<(String, String, String)>,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<PublishAnswer>), AppError> {
    let request = if body.is_empty() {
        PublishRequest { reason: None }
    } else {
        let mut fields = Fields::of(&body)?;
        let reason = fields.text("reason", true);
        fields.finish()?;
        PublishRequest { reason }
    };
    let published = plans::publish(
        &pool,
        &host,
        &permit.repo,
        &version,
        &permit.by,
        request.reason.as_deref(),
    )
    .await?;
    let status = if published.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let version = parse_tag(&published.release.tag, &permit.repo.tag_prefix)
        .map_or_else(|_| published.release.tag.clone(), |v| v.to_string());
    Ok((
        status,
        Json(PublishAnswer {
            version,
            created: published.created,
            release_id: published.release.id,
            html_url: published.release.html_url,
            prerelease: published.release.prerelease,
            published_at: published.release.published_at,
        }),
    ))
}
