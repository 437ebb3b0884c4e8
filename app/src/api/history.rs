use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use leptos::{prelude::*, server_fn::codec::GetUrl};
use serde::{Deserialize, Serialize};

use crate::{
    api::sync::SyncRun,
    domain::{
        drift::DriftSummary,
        history::{HistoryQuery, LineGlance, LineSection, Placed, VersionGlance},
        version::Channel,
    },
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
}

/// Tags listed per kind of drift; the counts stay exact.
pub const DRIFT_TAGS_SHOWN: i64 = 20;

/// `None` when the repository is not tracked.
#[server(prefix = "/sfn", endpoint = "get_history", input = GetUrl)]
pub async fn get_history(owner: String, repo: String) -> Result<Option<History>, AppError> {
    use crate::{state::app_state, store};

    let state = app_state()?;
    let Some(repository) = store::repositories::find(&state.pool, &owner, &repo).await? else {
        return Ok(None);
    };
    let lines = store::versions::line_counts(&state.pool, repository.id).await?;
    let channels = store::versions::channel_counts(&state.pool, repository.id).await?;
    let last_sync = store::sync::recent_runs(&state.pool, repository.id, 1)
        .await?
        .into_iter()
        .next();
    let drift = store::versions::drift(&state.pool, repository.id, DRIFT_TAGS_SHOWN).await?;
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
        total: lines.iter().map(|(_, count)| count).sum(),
        lines,
        channels,
        last_sync,
        drift,
        maintainer,
        drafts,
    }))
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

/// `None` when the repository is not tracked. `line` is a line as displayed (`2.x`); an
/// unknown line simply matches nothing.
#[server(prefix = "/sfn", endpoint = "get_history_page", input = GetUrl)]
pub async fn get_history_page(
    owner: String,
    repo: String,
    channel: Option<Channel>,
    line: Option<String>,
    search: Option<String>,
    page: u32,
) -> Result<Option<HistoryPage>, AppError> {
    use crate::{
        domain::{
            history::{arrange, clean_search, page_count, KnownIncident, TRAINS_PER_PAGE},
            incident::{AffectedRange, Severity, Status},
            support::support_windows,
        },
        state::app_state,
        store::{self, versions::VersionFilter},
    };

    let state = app_state()?;
    let Some(repository) = store::repositories::find(&state.pool, &owner, &repo).await? else {
        return Ok(None);
    };
    let query = HistoryQuery {
        channel,
        line,
        search: search.as_deref().and_then(clean_search),
        page: page.max(1),
    };
    let filter = VersionFilter {
        channel: query.channel,
        line: query.line.clone(),
        search: query.search.clone(),
    };
    let matching = store::versions::count_matching(&state.pool, repository.id, &filter).await?;
    let per_page = i64::from(TRAINS_PER_PAGE);
    let skip = i64::from(query.page - 1) * per_page;
    let versions =
        store::versions::list_trains(&state.pool, repository.id, &filter, per_page, skip).await?;
    let support = support_windows(
        &store::versions::support_releases(&state.pool, repository.id).await?,
        &repository.policy(),
        Utc::now().date_naive(),
    );
    let incidents: Vec<KnownIncident> = store::incidents::list(&state.pool, repository.id, false)
        .await?
        .into_iter()
        .filter_map(|r| {
            Some(KnownIncident {
                affected: AffectedRange::parse(&r.affected).ok()?,
                severity: Severity::parse(&r.severity)?,
                resolved: Status::parse(&r.status) == Some(Status::Resolved),
                fixed_in: r.fixed_in,
            })
        })
        .collect();
    let caller = crate::access::current_caller();
    let progress = if crate::access::maintains(&state.pool, &caller, &repository).await? {
        crate::domain::checklist::Progress::by_key(
            store::checklists::state_counts(&state.pool, repository.id).await?,
        )
    } else {
        BTreeMap::new()
    };
    let glance = versions
        .iter()
        .filter_map(|entry| {
            let version = semver::Version::parse(&entry.version).ok()?;
            let glance = VersionGlance::of(&version, &incidents, progress.get(&entry.tag).copied());
            (!glance.is_empty()).then(|| (entry.tag.clone(), glance))
        })
        .collect();
    Ok(Some(HistoryPage {
        pages: page_count(u64::try_from(matching.trains).unwrap_or(0)),
        query,
        sections: arrange(versions),
        matching: matching.versions,
        generated_at: Utc::now(),
        latest_stable: support
            .first()
            .and_then(|line| line.latest.as_ref())
            .map(ToString::to_string),
        lines: support.iter().map(LineGlance::of).collect(),
        glance,
    }))
}
