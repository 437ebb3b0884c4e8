//! Syncs with GitHub as pages and the REST API show them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A sync with GitHub, as the repository page and `GET .../sync` show it.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncRun {
    pub id: i64,
    /// `cli`, `schedule` or `webhook`.
    pub trigger: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// `running`, `ok` or `failed`.
    pub outcome: String,
    pub requests: i64,
    pub not_modified: i64,
    pub rate_limit_remaining: Option<i64>,
    pub error: Option<String>,
}
