use chrono::{DateTime, Utc};
use leptos::{prelude::*, server_fn::codec::GetUrl};
use serde::{Deserialize, Serialize};

use crate::{
    api::sync::SyncRun,
    domain::{drift::Drift, version::Channel},
    error::AppError,
};

/// One version in a repository's release history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub tag: String,
    pub version: String,
    pub channel: Channel,
    pub line: String,
    /// The release's publication, else the tag's date.
    pub released_at: Option<DateTime<Utc>>,
    /// The GitHub release's title; empty for tag-only versions.
    pub title: String,
    pub has_release: bool,
    /// Withdrawn by a maintainer: flagged wherever the version appears.
    pub withdrawn: bool,
}

/// A draft release on GitHub: shown to maintainers only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftEntry {
    pub tag: String,
    pub title: String,
    pub created_at: DateTime<Utc>,
}

/// A repository's release history, newest first by SemVer precedence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct History {
    pub owner: String,
    pub name: String,
    pub description: String,
    /// The server's clock when this was read, so relative dates render the same everywhere.
    pub generated_at: DateTime<Utc>,
    pub versions: Vec<HistoryEntry>,
    /// The most recent sync with GitHub, if there was one.
    pub last_sync: Option<SyncRun>,
    /// Where GitHub disagrees with the versions.
    pub drift: Drift,
    /// True when the caller maintains the repository.
    pub maintainer: bool,
    /// Draft releases; empty unless the caller maintains the repository.
    pub drafts: Vec<DraftEntry>,
}

/// `None` when the repository is not tracked.
#[server(prefix = "/sfn", endpoint = "get_history", input = GetUrl)]
pub async fn get_history(owner: String, repo: String) -> Result<Option<History>, AppError> {
    use crate::{domain::drift::find_drift, state::app_state, store};

    let state = app_state()?;
    let Some(repository) = store::repositories::find(&state.pool, &owner, &repo).await? else {
        return Ok(None);
    };
    let versions = store::versions::list_public(&state.pool, repository.id).await?;
    let last_sync = store::sync::recent_runs(&state.pool, repository.id, 1)
        .await?
        .into_iter()
        .next();
    let drift = find_drift(&store::versions::list_drift_inputs(&state.pool, repository.id).await?);
    let caller = crate::access::current_caller();
    let maintainer = crate::access::maintains(&state.pool, &caller, &repository).await?;
    let drafts = if maintainer {
        store::versions::list_drafts(&state.pool, repository.id).await?
    } else {
        Vec::new()
    };
    Ok(Some(History {
        owner: repository.owner,
        name: repository.name,
        description: repository.description,
        generated_at: Utc::now(),
        versions,
        last_sync,
        drift,
        maintainer,
        drafts,
    }))
}
