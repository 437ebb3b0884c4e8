//! One version: its notes (sanitised), support phase and neighbours.

use chrono::{DateTime, Utc};
use leptos::{prelude::*, server_fn::codec::GetUrl};
use serde::{Deserialize, Serialize};

use crate::{
    domain::{support::VersionCheck, version::Channel},
    error::AppError,
};

/// A standing withdrawal, as pages and the API show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WithdrawalInfo {
    pub reason: String,
    pub superseded_by: Option<String>,
    pub withdrawn_by: String,
    pub withdrawn_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionPage {
    pub owner: String,
    pub name: String,
    pub tag: String,
    pub version: String,
    pub channel: Channel,
    pub line: String,
    pub released_at: Option<DateTime<Utc>>,
    pub title: String,
    /// The release notes as written (Markdown) and as shown (sanitised HTML).
    pub notes_markdown: String,
    pub notes_html: String,
    /// The GitHub release page; empty for a bare tag.
    pub html_url: String,
    pub has_release: bool,
    pub check: VersionCheck,
    pub withdrawal: Option<WithdrawalInfo>,
    pub previous: Option<String>,
    pub next: Option<String>,
    pub generated_at: DateTime<Utc>,
}

/// `text` is a tag or a version; `None` when the repository has no such public version.
#[cfg(feature = "ssr")]
pub async fn version_page(
    pool: &sqlx::SqlitePool,
    repository: &crate::store::repositories::Repository,
    text: &str,
) -> Result<Option<VersionPage>, AppError> {
    use crate::{
        domain::{
            support::{check_version, support_windows},
            version::parse_tag,
        },
        markdown, store,
    };

    let version = parse_tag(text.trim(), &repository.tag_prefix)
        .map_err(|err| AppError::BadRequest(err.to_string()))?;
    let Some(detail) =
        store::versions::find_public(pool, repository.id, &version.to_string()).await?
    else {
        return Ok(None);
    };
    let releases = store::versions::support_releases(pool, repository.id).await?;
    let today = Utc::now().date_naive();
    let policy = repository.policy();
    let windows = support_windows(&releases, &policy, today);
    let check = check_version(&version, &releases, &windows, &policy, today);
    let (previous, next) =
        store::versions::neighbours(pool, repository.id, &detail.precedence).await?;
    let withdrawal = match store::versions::public_id(pool, repository.id, &detail.version).await? {
        Some(id) => store::versions::withdrawal(pool, id)
            .await?
            .map(|w| WithdrawalInfo {
                reason: w.reason,
                superseded_by: w.superseded_by,
                withdrawn_by: w.withdrawn_by,
                withdrawn_at: w.withdrawn_at,
            }),
        None => None,
    };
    Ok(Some(VersionPage {
        owner: repository.owner.clone(),
        name: repository.name.clone(),
        channel: Channel::of(&version),
        notes_html: markdown::render(&detail.body),
        notes_markdown: detail.body,
        tag: detail.tag,
        version: detail.version,
        line: detail.line,
        released_at: detail.released_at,
        title: detail.title,
        html_url: detail.html_url,
        has_release: detail.has_release,
        check,
        withdrawal,
        previous,
        next,
        generated_at: Utc::now(),
    }))
}

/// `Ok(None)` for a version the repository does not have (or a repository it does not track).
#[server(prefix = "/sfn", endpoint = "get_version", input = GetUrl)]
pub async fn get_version(
    owner: String,
    repo: String,
    version: String,
) -> Result<Option<VersionPage>, AppError> {
    use crate::{state::app_state, store};

    let pool = app_state()?.pool;
    let Some(repository) = store::repositories::find(&pool, &owner, &repo).await? else {
        return Ok(None);
    };
    version_page(&pool, &repository, &version).await
}
