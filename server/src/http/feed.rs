//! `GET /{owner}/{repo}/feed.atom`: one Atom feed with releases, incidents and their updates,
//! withdrawals and end-of-life events.

use std::sync::Arc;

use app::{
    domain::{
        feed::{atom, end_of_life_entries, Entry},
        incident::Status,
    },
    error::AppError,
    state::AppState,
    store,
};
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
    api::{support::windows_today, tracked, ErrorBody, RepoPath},
};
use crate::auth::Auth;

/// At most this many releases, the newest, are in the feed.
const RELEASES: usize = 50;

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
    let now = Utc::now();
    let mut entries = Vec::new();

    let mut versions = store::versions::list_public(&pool, repo.id).await?;
    versions.retain(|v| v.released_at.is_some());
    versions.sort_by_key(|v| std::cmp::Reverse(v.released_at));
    for version in &versions {
        if version.withdrawn {
            if let Some(id) = store::versions::public_id(&pool, repo.id, &version.version).await? {
                if let Some(w) = store::versions::withdrawal(&pool, id).await? {
                    entries.push(Entry {
                        id: format!(
                            "{base}/v/{}#withdrawn-{}",
                            version.tag,
                            w.withdrawn_at.timestamp()
                        ),
                        title: format!("{} withdrawn", version.tag),
                        link: format!("{base}/v/{}", version.tag),
                        updated: w.withdrawn_at,
                        summary: match &w.superseded_by {
                            Some(newer) => format!("{} Use {newer} instead.", w.reason),
                            None => w.reason.clone(),
                        },
                        category: "withdrawal",
                    });
                }
            }
        }
    }
    for version in versions.iter().take(RELEASES) {
        let Some(released_at) = version.released_at else {
            continue;
        };
        let title = if version.title.is_empty() {
            version.tag.clone()
        } else {
            version.title.clone()
        };
        entries.push(Entry {
            id: format!("{base}/v/{}", version.tag),
            title: format!("Released: {title}"),
            link: format!("{base}/v/{}", version.tag),
            updated: released_at,
            summary: format!(
                "{} ({} channel, line {}).",
                version.tag,
                version.channel.label(),
                version.line
            ),
            category: "release",
        });
    }

    let incidents = store::incidents::list(&pool, repo.id, false).await?;
    for incident in &incidents {
        let link = format!("{base}/incidents/{}", incident.id);
        entries.push(Entry {
            id: link.clone(),
            title: format!("Incident: {}", incident.title),
            link: link.clone(),
            updated: incident.published_at.unwrap_or(incident.created_at),
            summary: format!("Affects {}. {}", incident.affected, incident.issue),
            category: "incident",
        });
    }
    for (incident_id, update) in store::incidents::published_updates(&pool, repo.id).await? {
        let title = incidents
            .iter()
            .find(|i| i.id == incident_id)
            .map(|i| i.title.clone())
            .unwrap_or_default();
        let status = Status::parse(&update.status).map_or("Update", Status::label);
        let link = format!("{base}/incidents/{incident_id}");
        entries.push(Entry {
            id: format!("{link}#update-{}", update.id),
            title: format!("{status}: {title}"),
            link,
            updated: update.created_at,
            summary: update.message,
            category: "incident-update",
        });
    }

    let (_, windows) = windows_today(&pool, &repo).await?;
    entries.extend(end_of_life_entries(
        &windows,
        &format!("{base}/support"),
        now,
    ));

    let fallback = store::versions::last_change(&pool, repo.id)
        .await?
        .unwrap_or(now);
    let body = atom(
        &format!("{base}/feed.atom"),
        &format!("{}/{} on Release Desk", repo.owner, repo.name),
        &base,
        entries,
        fallback,
    );
    Ok((
        [(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")],
        body,
    )
        .into_response())
}
