//! Tracked repositories as the home page and `GET /api/v1/repos` list them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

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

/// Names a tracked repository: what most server functions take.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepoRef {
    pub owner: String,
    pub repo: String,
}
