use std::collections::HashMap;

use app::{
    access::require,
    api::{
        history::HistoryEntry,
        versions::{restore_version, withdraw_version},
    },
    domain::{
        access::{Caller, Need},
        history::clean_search,
        version::{Channel, Line},
    },
    error::AppError,
    state::AppState,
    store::{self, versions::VersionFilter},
};
use axum::{
    extract::{Path, Query, State},
    http::{header, HeaderMap, HeaderValue},
    routing::{get, post},
    Extension, Json, Router,
};
use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::SqlitePool;

use super::paging::{link_header, PageRequest};

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

/// `POST .../versions/{version}/withdraw` `{"reason","superseded_by"}`: a maintainer in person
/// withdraws a version. It stays in the history, flagged everywhere, and stops counting as the
/// latest of its line.
async fn withdraw(
    State(pool): State<SqlitePool>,
    Extension(caller): Extension<Caller>,
    Path((owner, name, text)): Path<(String, String, String)>,
    body: axum::body::Bytes,
) -> Result<Json<serde_json::Value>, AppError> {
    let repo = super::tracked(&pool, &owner, &name).await?;
    require(&pool, &caller, &repo, Need::Maintainer).await?;
    let input: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(&body)
        .map_err(|err| AppError::BadRequest(format!("the body must be a JSON object: {err}")))?;
    let reason = input.get("reason").and_then(|v| v.as_str()).unwrap_or("");
    let superseded_by = match input.get("superseded_by") {
        None | Some(serde_json::Value::Null) => None,
        Some(serde_json::Value::String(text)) => Some(text.as_str()),
        Some(_) => {
            return Err(AppError::validation([(
                "superseded_by",
                "a version, or null".to_owned(),
            )]))
        }
    };
    let by = caller.person().map(|p| p.login.clone()).unwrap_or_default();
    let (version, id) = withdraw_version(&pool, &repo, &text, reason, superseded_by, &by).await?;
    let withdrawal = store::versions::withdrawal(&pool, id).await?;
    Ok(Json(
        serde_json::json!({ "version": version.to_string(), "withdrawal": withdrawal }),
    ))
}

/// `DELETE .../versions/{version}/withdraw`: restores a withdrawn version.
async fn restore(
    State(pool): State<SqlitePool>,
    Extension(caller): Extension<Caller>,
    Path((owner, name, text)): Path<(String, String, String)>,
) -> Result<Json<serde_json::Value>, AppError> {
    let repo = super::tracked(&pool, &owner, &name).await?;
    require(&pool, &caller, &repo, Need::Maintainer).await?;
    let version = restore_version(&pool, &repo, &text).await?;
    Ok(Json(
        serde_json::json!({ "version": version.to_string(), "withdrawal": null }),
    ))
}

/// `GET /api/v1/repos/{owner}/{repo}/versions/{version}`: one version (a tag or a version) with
/// its notes as written and as sanitised HTML, its support phase and its neighbours.
async fn get_version(
    State(pool): State<SqlitePool>,
    Path((owner, name, version)): Path<(String, String, String)>,
) -> Result<Json<serde_json::Value>, AppError> {
    let repo = super::tracked(&pool, &owner, &name).await?;
    let page = app::api::versions::version_page(&pool, &repo, &version)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("{owner}/{name} has no version {version}")))?;
    Ok(Json(serde_json::json!({
        "tag": page.tag,
        "version": page.version,
        "channel": page.channel,
        "environment": page.channel.environment(),
        "line": page.line,
        "released_at": page.released_at,
        "title": page.title,
        "notes": { "markdown": page.notes_markdown, "html": page.notes_html },
        "html_url": (!page.html_url.is_empty()).then_some(page.html_url),
        "has_release": page.has_release,
        "phase": page.check.phase,
        "support": {
            "line": page.check.line,
            "eoas": page.check.eoas,
            "eol": page.check.eol,
            "recommended": page.check.recommended,
            "upgrade_recommended": page.check.upgrade_recommended,
        },
        "previous": page.previous,
        "next": page.next,
        "withdrawal": page.withdrawal,
    })))
}

/// A version as the API lists it.
#[derive(Debug, Serialize)]
struct VersionItem {
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
async fn list_versions(
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
    let total = store::versions::count_public(&pool, repo.id, &filter).await?;
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
