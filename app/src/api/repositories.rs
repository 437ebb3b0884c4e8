use chrono::{DateTime, Utc};
use leptos::{prelude::*, server_fn::codec::GetUrl};
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// A tracked repository as the home page lists it.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepositorySummary {
    pub owner: String,
    pub name: String,
    pub description: String,
    pub version_count: i64,
    /// Tag of the newest stable version that is not withdrawn.
    pub latest_stable: Option<String>,
    pub last_release: Option<DateTime<Utc>>,
}

/// The home page's list, with the server's clock so relative dates render the same everywhere.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepositoryList {
    pub generated_at: DateTime<Utc>,
    pub repositories: Vec<RepositorySummary>,
}

#[server(prefix = "/sfn", endpoint = "list_repositories", input = GetUrl)]
pub async fn list_repositories() -> Result<RepositoryList, AppError> {
    use crate::{state::app_state, store};

    let state = app_state()?;
    let repositories = store::repositories::list_summaries(&state.pool).await?;
    Ok(RepositoryList {
        generated_at: Utc::now(),
        repositories,
    })
}
