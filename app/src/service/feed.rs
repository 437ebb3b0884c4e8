//! The repository's Atom feed: releases, withdrawals, incidents and their updates, and
//! end-of-life events, read from the store and written by `domain::feed`.

use chrono::{DateTime, Utc};
use sqlx::SqlitePool;

use crate::{
    domain::{
        feed::{
            atom, end_of_life_entries, incident_entries, release_entries, Released, Reported,
            Update, Withdrawn,
        },
        incident::Status,
    },
    service::support,
    store::{self, repositories::Repository},
};

/// The feed as of `now`; `base` is the repository's address on the site.
pub async fn feed(
    pool: &SqlitePool,
    repository: &Repository,
    base: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<String> {
    let mut versions = store::versions::list_public(pool, repository.id).await?;
    versions.sort_by_key(|v| std::cmp::Reverse(v.released_at));
    let mut released = Vec::new();
    for version in versions {
        let Some(released_at) = version.released_at else {
            continue;
        };
        let withdrawal = if version.withdrawn {
            withdrawal(pool, repository, &version.version).await?
        } else {
            None
        };
        released.push(Released {
            tag: version.tag,
            title: version.title,
            channel: version.channel,
            line: version.line,
            released_at,
            withdrawal,
        });
    }
    let mut entries = release_entries(base, &released);

    let incidents: Vec<Reported> = store::incidents::list(pool, repository.id, false)
        .await?
        .into_iter()
        .map(|incident| Reported {
            id: incident.id,
            title: incident.title,
            affected: incident.affected,
            issue: incident.issue,
            at: incident.published_at.unwrap_or(incident.created_at),
        })
        .collect();
    let updates: Vec<Update> = store::incidents::published_updates(pool, repository.id)
        .await?
        .into_iter()
        .map(|(incident_id, update)| Update {
            incident_id,
            id: update.id,
            status: Status::parse(&update.status),
            message: update.message,
            at: update.created_at,
        })
        .collect();
    entries.extend(incident_entries(base, &incidents, &updates));

    let windows = support::lines(pool, repository, now.date_naive())
        .await?
        .windows;
    entries.extend(end_of_life_entries(
        &windows,
        &format!("{base}/support"),
        now,
    ));

    let fallback = store::versions::last_change(pool, repository.id)
        .await?
        .unwrap_or(now);
    Ok(atom(
        &format!("{base}/feed.atom"),
        &format!("{}/{} on Release Desk", repository.owner, repository.name),
        base,
        entries,
        fallback,
    ))
}

async fn withdrawal(
    pool: &SqlitePool,
    repository: &Repository,
    version: &str,
) -> sqlx::Result<Option<Withdrawn>> {
    let Some(id) = store::versions::public_id(pool, repository.id, version).await? else {
        return Ok(None);
    };
    Ok(store::versions::withdrawal(pool, id)
        .await?
        .map(|w| Withdrawn {
            reason: w.reason,
            superseded_by: w.superseded_by,
            at: w.withdrawn_at,
        }))
}
