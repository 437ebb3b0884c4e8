use std::collections::HashMap;

use app::{
    domain::{
        history::clean_search,
        support::CheckPhase,
        version::{Channel, Line},
    },
    error::AppError,
    model::{
        history::HistoryEntry,
        versions::{Asset, WithdrawalInfo},
    },
    service::{
        host::Host,
        notify::Notifier,
        versions::{restore_version, version_page, withdraw_version},
    },
    state::AppState,
    store::{self, versions::VersionFilter},
};
use axum::{
    extract::{Path, Query, State},
    http::{header, HeaderMap, HeaderValue},
    routing::{get, post},
    Json, Router,
};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use serde_json::Value;
use sqlx::SqlitePool;
use utoipa::ToSchema;

use super::{
    body::Fields,
    paging::{link_header, PageRequest},
    permit::{InPerson, Permit},
    ErrorBody, RepoPath,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/repos/{owner}/{repo}/versions", get(list_versions))
        .route(
            "/api/v1/repos/{owner}/{repo}/versions/{version}",
            get(get_version),
        )
        .route(
            "/api/v1/repos/{owner}/{repo}/versions/{version}/withdraw",
            post(withdraw).delete(restore),
        )
}

/// A version's withdrawal after a change: `null` once restored.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct WithdrawalAnswer {
    version: String,
    withdrawal: Option<store::versions::Withdrawal>,
}

/// What `POST .../withdraw` takes.
#[derive(Debug, ToSchema)]
pub(crate) struct WithdrawalRequest {
    /// Why users must not use the version.
    reason: String,
    /// The version to use instead.
    superseded_by: Option<String>,
}

impl WithdrawalRequest {
    /// A reason that is not a string counts as none, and the service says what it needs.
    fn from_json(body: &[u8]) -> Result<WithdrawalRequest, AppError> {
        let mut fields = Fields::of(body)?;
        let superseded_by = match fields.value("superseded_by") {
            None | Some(Value::Null) => None,
            Some(Value::String(text)) => Some(text.clone()),
            Some(_) => {
                fields.problem("superseded_by", "a version, or null");
                None
            }
        };
        let reason = fields.lenient_text("reason");
        fields.finish()?;
        Ok(WithdrawalRequest {
            reason,
            superseded_by,
        })
    }
}

/// `POST .../versions/{version}/withdraw` `{"reason","superseded_by"}`: a maintainer in person
/// withdraws a version. It stays in the history, flagged everywhere, and stops counting as the
/// latest of its line.
#[utoipa::path(
    post,
    path = "/api/v1/repos/{owner}/{repo}/versions/{version}/withdraw",
    tag = "versions",
    params(RepoPath, ("version" = String, Path, description = "A tag or a version", example = "v2.3.1")),
    request_body = WithdrawalRequest,
    responses(
        (status = 200, description = "The version is withdrawn", body = WithdrawalAnswer),
        (status = 400, description = "The body is not a JSON object", body = ErrorBody),
        (status = 401, description = "Nobody is signed in", body = ErrorBody),
        (status = 403, description = "The caller does not maintain the repository", body = ErrorBody),
        (status = 404, description = "No such repository or version", body = ErrorBody),
        (status = 422, description = "A field is wrong; `error.fields` names each", body = ErrorBody),
        (status = 502, description = "Mirroring is on and GitHub refused to change the release: nothing was withdrawn", body = ErrorBody),
    )
)]
pub(crate) async fn withdraw(
    State(pool): State<SqlitePool>,
    State(host): State<Host>,
    State(notifier): State<Notifier>,
    permit: Permit<InPerson>,
    Path((_, _, text)): Path<(String, String, String)>,
    body: axum::body::Bytes,
) -> Result<Json<WithdrawalAnswer>, AppError> {
    let request = WithdrawalRequest::from_json(&body)?;
    let (version, id) = withdraw_version(
        &pool,
        &host,
        &notifier,
        &permit.repo,
        &text,
        &request.reason,
        request.superseded_by.as_deref(),
        &permit.by,
    )
    .await?;
    Ok(Json(WithdrawalAnswer {
        version: version.to_string(),
        withdrawal: store::versions::withdrawal(&pool, id).await?,
    }))
}

/// `DELETE .../versions/{version}/withdraw`: restores a withdrawn version.
#[utoipa::path(
    delete,
    path = "/api/v1/repos/{owner}/{repo}/versions/{version}/withdraw",
    tag = "versions",
    params(RepoPath, ("version" = String, Path, description = "A tag or a version", example = "v2.3.1")),
    responses(
        (status = 200, description = "The version is restored", body = WithdrawalAnswer),
        (status = 401, description = "Nobody is signed in", body = ErrorBody),
        (status = 403, description = "The caller does not maintain the repository", body = ErrorBody),
        (status = 404, description = "No such repository or version, or it is not withdrawn", body = ErrorBody),
        (status = 502, description = "GitHub refused to put the mirrored release back: it stays withdrawn", body = ErrorBody),
    )
)]
pub(crate) async fn restore(
    State(pool): State<SqlitePool>,
    State(host): State<Host>,
    permit: Permit<InPerson>,
    Path((_, _, text)): Path<(String, String, String)>,
) -> Result<Json<WithdrawalAnswer>, AppError> {
    let version = restore_version(&pool, &host, &permit.repo, &text, &permit.by).await?;
    Ok(Json(WithdrawalAnswer {
        version: version.to_string(),
        withdrawal: None,
    }))
}

/// One version in full.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct VersionDetail {
    #[schema(example = "v2.3.1")]
    tag: String,
    #[schema(example = "2.3.1")]
    version: String,
    channel: Channel,
    /// The environment the channel is meant for.
    environment: &'static str,
    #[schema(example = "2.x")]
    line: String,
    released_at: Option<DateTime<Utc>>,
    title: String,
    notes: Notes,
    /// The version's section of the repository's CHANGELOG.md, when it has one.
    changelog: Option<Notes>,
    /// The GitHub release page; absent for a bare tag.
    html_url: Option<String>,
    /// The release's files, by name, with their sizes in bytes.
    assets: Vec<Asset>,
    has_release: bool,
    phase: CheckPhase,
    support: SupportDates,
    /// The tag of the version just below, by precedence.
    previous: Option<String>,
    /// The tag of the version just above.
    next: Option<String>,
    /// Set while the version is withdrawn.
    withdrawal: Option<WithdrawalInfo>,
}

/// Release notes as written and as shown.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Notes {
    markdown: String,
    /// Rendered and sanitised: no scripts, event handlers, `javascript:` links or frames.
    html: String,
}

/// Where the version's line stands in the support policy.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SupportDates {
    line: String,
    /// End of active support (full support ends).
    eoas: Option<NaiveDate>,
    /// End of life.
    eol: Option<NaiveDate>,
    #[schema(value_type = Option<String>)]
    recommended: Option<semver::Version>,
    upgrade_recommended: bool,
}

/// `GET /api/v1/repos/{owner}/{repo}/versions/{version}`: one version (a tag or a version) with
/// its notes as written and as sanitised HTML, its support phase and its neighbours.
#[utoipa::path(
    get,
    path = "/api/v1/repos/{owner}/{repo}/versions/{version}",
    tag = "versions",
    params(RepoPath, ("version" = String, Path, description = "A tag or a version", example = "v2.3.1")),
    responses(
        (status = 200, description = "The version", body = VersionDetail),
        (status = 404, description = "No such repository or version", body = ErrorBody),
    )
)]
pub(crate) async fn get_version(
    State(pool): State<SqlitePool>,
    Path((owner, name, version)): Path<(String, String, String)>,
) -> Result<Json<VersionDetail>, AppError> {
    let repo = super::tracked(&pool, &owner, &name).await?;
    let page = version_page(&pool, &repo, &version)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("{owner}/{name} has no version {version}")))?;
    Ok(Json(VersionDetail {
        environment: page.channel.environment(),
        tag: page.tag,
        version: page.version,
        channel: page.channel,
        line: page.line,
        released_at: page.released_at,
        title: page.title,
        notes: Notes {
            markdown: page.notes_markdown,
            html: page.notes_html,
        },
        changelog: page.changelog.map(|section| Notes {
            markdown: section.markdown,
            html: section.html,
        }),
        html_url: (!page.html_url.is_empty()).then_some(page.html_url),
        assets: page.assets,
        has_release: page.has_release,
        phase: page.check.phase,
        support: SupportDates {
            line: page.check.line,
            eoas: page.check.eoas,
            eol: page.check.eol,
            recommended: page.check.recommended,
            upgrade_recommended: page.check.upgrade_recommended,
        },
        previous: page.previous,
        next: page.next,
        withdrawal: page.withdrawal,
    }))
}

/// A version as the API lists it.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct VersionItem {
    version: String,
    tag: String,
    channel: Channel,
    line: String,
    released_at: Option<DateTime<Utc>>,
    /// A SemVer pre-release (any channel but stable).
    prerelease: bool,
    draft: bool,
    has_release: bool,
    deleted: bool,
    withdrawn: bool,
}

impl From<HistoryEntry> for VersionItem {
    fn from(entry: HistoryEntry) -> Self {
        VersionItem {
            prerelease: entry.channel != Channel::Stable,
            version: entry.version,
            tag: entry.tag,
            channel: entry.channel,
            line: entry.line,
            released_at: entry.released_at,
            // Anonymous callers never see drafts or deleted versions.
            draft: false,
            has_release: entry.has_release,
            deleted: false,
            withdrawn: entry.withdrawn,
        }
    }
}

/// `GET /api/v1/repos/{owner}/{repo}/versions`: newest first by SemVer precedence, filtered
/// by `channel` and `line`, searched with `q` (tag or release title), paginated with `page` and `per_page` and a `Link` header.
#[utoipa::path(
    get,
    path = "/api/v1/repos/{owner}/{repo}/versions",
    tag = "versions",
    params(
        RepoPath,
        ("channel" = Option<Channel>, Query, description = "Only this channel"),
        ("line" = Option<String>, Query, description = "Only this line, e.g. `2.x` or `0.3.x`", example = "2.x"),
        ("q" = Option<String>, Query, description = "Text in the tag or the release title", example = "rc"),
        ("page" = Option<u32>, Query, description = "1-based page", example = 1),
        ("per_page" = Option<u32>, Query, description = "Versions per page, 1 to 100 (default 30)", example = 30),
    ),
    responses(
        (status = 200, description = "One page of versions", body = [VersionItem],
         headers(("link" = String, description = "RFC 8288 links to the other pages"),
                 ("x-total-count" = u64, description = "Versions matching, on every page"))),
        (status = 400, description = "A malformed filter or page", body = ErrorBody),
        (status = 404, description = "No such repository", body = ErrorBody),
    )
)]
pub(crate) async fn list_versions(
    State(pool): State<SqlitePool>,
    Path((owner, name)): Path<(String, String)>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<(HeaderMap, Json<Vec<VersionItem>>), AppError> {
    let repo = super::tracked(&pool, &owner, &name).await?;
    let page = PageRequest::parse(&params)?;
    let filter = VersionFilter {
        channel: params
            .get("channel")
            .map(|c| c.parse::<Channel>())
            .transpose()
            .map_err(|err| AppError::BadRequest(err.to_string()))?,
        line: params
            .get("line")
            .map(|l| l.parse::<Line>().map(|line| line.to_string()))
            .transpose()
            .map_err(|err| AppError::BadRequest(err.to_string()))?,
        search: params.get("q").and_then(|q| clean_search(q)),
    };
    let total = store::versions::count_matching(&pool, repo.id, &filter)
        .await?
        .versions;
    let entries =
        store::versions::list_public_page(&pool, repo.id, &filter, page.per_page, page.offset())
            .await?;

    let mut headers = HeaderMap::new();
    let kept: Vec<String> = [
        ("q", filter.search.clone()),
        ("channel", filter.channel.map(|c| c.to_string())),
        ("line", filter.line.clone()),
    ]
    .into_iter()
    .filter_map(|(key, value)| {
        value.map(|v| {
            format!(
                "{key}={}",
                url::form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>()
            )
        })
    })
    .collect();
    let path = format!("/api/v1/repos/{}/{}/versions", repo.owner, repo.name);
    if let Some(link) = link_header(&path, &kept.join("&"), page, total) {
        if let Ok(value) = HeaderValue::from_str(&link) {
            headers.insert(header::LINK, value);
        }
    }
    if let Ok(value) = HeaderValue::from_str(&total.to_string()) {
        headers.insert("x-total-count", value);
    }
    Ok((
        headers,
        Json(entries.into_iter().map(VersionItem::from).collect()),
    ))
}
