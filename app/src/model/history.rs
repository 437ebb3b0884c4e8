//! A repository's release history as its page shows it.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    domain::{
        drift::DriftSummary,
        history::{HistoryQuery, LineGlance, LineSection, Placed, VersionGlance},
        version::Channel,
    },
    model::sync::SyncRun,
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

impl Placed for HistoryEntry {
    fn line(&self) -> &str {
        &self.line
    }
    fn version(&self) -> &str {
        &self.version
    }
    fn channel(&self) -> Channel {
        self.channel
    }
}

/// A draft release on GitHub: shown to maintainers only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DraftEntry {
    pub tag: String,
    pub title: String,
    pub created_at: DateTime<Utc>,
}

/// What the history page shows around the versions: the repository, its counts, its sync.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct History {
    pub owner: String,
    pub name: String,
    pub description: String,
    /// The server's clock when this was read, so relative dates render the same everywhere.
    pub generated_at: DateTime<Utc>,
    /// Public versions in all.
    pub total: i64,
    /// Versions per line, newest line first.
    pub lines: Vec<(String, i64)>,
    /// Versions per channel, leaving out empty channels.
    pub channels: Vec<(Channel, i64)>,
    /// The most recent sync with GitHub, if there was one.
    pub last_sync: Option<SyncRun>,
    /// Where GitHub disagrees with the versions.
    pub drift: DriftSummary,
    /// True when the caller maintains the repository.
    pub maintainer: bool,
    /// Draft releases; empty unless the caller maintains the repository.
    pub drafts: Vec<DraftEntry>,
    /// Releases planned and not yet tagged: (tag, version, target date).
    pub planned: Vec<(String, String, chrono::NaiveDate)>,
}

/// One page of a repository's history: its versions arranged in lines and trains.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryPage {
    /// The query as applied: the search cleaned, the page within bounds or past the last.
    pub query: HistoryQuery,
    pub sections: Vec<LineSection<HistoryEntry>>,
    /// Pages for this query; at least 1.
    pub pages: u32,
    /// Versions matching the filters and search, on every page.
    pub matching: i64,
    pub generated_at: DateTime<Utc>,
    /// Every started line's phase and its end, for the line headings.
    pub lines: Vec<LineGlance>,
    /// The newest stable, not withdrawn version, marked in the list.
    pub latest_stable: Option<String>,
    /// Incidents and checklist progress by tag, for the versions on this page that have any.
    pub glance: BTreeMap<String, VersionGlance>,
}

/// One page of a repository's history, as its address asks for it. `line` is a line as
/// displayed (`2.x`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryPageQuery {
    pub owner: String,
    pub repo: String,
    pub channel: Option<Channel>,
    pub line: Option<String>,
    pub search: Option<String>,
    #[serde(deserialize_with = "crate::model::form::number")]
    pub page: u32,
}
