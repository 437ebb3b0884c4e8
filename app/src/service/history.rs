//! A repository's release history: its counts and sync, and one page of its versions.

use std::collections::BTreeMap;

use chrono::Utc;
use sqlx::SqlitePool;

use crate::{
    domain::{
        checklist::Progress,
        history::{
            arrange, page_count, HistoryQuery, KnownIncident, LineGlance, VersionGlance,
            TRAINS_PER_PAGE,
        },
        incident::{AffectedRange, Severity, Status},
    },
    model::history::{History, HistoryPage},
    service::support,
    store::{self, repositories::Repository, versions::VersionFilter},
};

/// Tags listed per kind of drift; the counts stay exact.
pub const DRIFT_TAGS_SHOWN: i64 = 20;

/// What the history page shows around the versions. Drafts are read only for a maintainer.
pub async fn summary(
    pool: &SqlitePool,
    repository: &Repository,
    maintainer: bool,
) -> sqlx::Result<History> {
    let lines = store::versions::line_counts(pool, repository.id).await?;
    let channels = store::versions::channel_counts(pool, repository.id).await?;
    let last_sync = store::sync::recent_runs(pool, repository.id, 1)
        .await?
        .into_iter()
        .next();
    let drift = store::versions::drift(pool, repository.id, DRIFT_TAGS_SHOWN).await?;
    let drafts = if maintainer {
        store::versions::list_drafts(pool, repository.id).await?
    } else {
        Vec::new()
    };
    let planned = store::plans::list(pool, repository.id)
        .await?
        .into_iter()
        .filter(|plan| !plan.tagged)
        .map(|plan| (plan.tag, plan.version, plan.target_date))
        .collect();
    Ok(History {
        planned,
        owner: repository.owner.clone(),
        name: repository.name.clone(),
        description: repository.description.clone(),
        generated_at: Utc::now(),
        total: lines.iter().map(|(_, count)| count).sum(),
        lines,
        channels,
        last_sync,
        drift,
        maintainer,
        drafts,
    })
}

/// One page of the history for `query` (its search already cleaned and its page at least 1):
/// versions arranged in lines and trains, with each line's state and each version's glance.
/// Checklist progress is read only for a maintainer.
pub async fn page(
    pool: &SqlitePool,
    repository: &Repository,
    query: HistoryQuery,
    maintainer: bool,
) -> sqlx::Result<HistoryPage> {
    let filter = VersionFilter {
        channel: query.channel,
        line: query.line.clone(),
        search: query.search.clone(),
    };
    let matching = store::versions::count_matching(pool, repository.id, &filter).await?;
    let per_page = i64::from(TRAINS_PER_PAGE);
    let skip = i64::from(query.page - 1) * per_page;
    let versions =
        store::versions::list_trains(pool, repository.id, &filter, per_page, skip).await?;
    let windows = support::lines(pool, repository, Utc::now().date_naive())
        .await?
        .windows;
    let incidents: Vec<KnownIncident> = store::incidents::list(pool, repository.id, false)
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
    let progress = if maintainer {
        Progress::by_key(store::checklists::state_counts(pool, repository.id).await?)
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
    Ok(HistoryPage {
        pages: page_count(u64::try_from(matching.trains).unwrap_or(0)),
        query,
        sections: arrange(versions),
        matching: matching.versions,
        generated_at: Utc::now(),
        latest_stable: windows
            .first()
            .and_then(|line| line.latest.as_ref())
            .map(ToString::to_string),
        lines: windows.iter().map(LineGlance::of).collect(),
        glance,
    })
}
