//! A GitHub App's installations as its webhook reports them: the repositories an installation
//! gives are tracked and synced through it; those it loses stop syncing and keep their history.

use app::store::{self, github_app};
use chrono::Utc;
use sqlx::SqlitePool;

use crate::webhooks::{InstallationChange, InstallationKind};

/// What a change did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Applied {
    /// The repositories now synced through the installation (to sync soon).
    pub tracked: Vec<i64>,
    /// How many repositories stopped syncing.
    pub stopped: u64,
}

/// Applies the change with its delivery, once: `None` when the delivery was applied before.
pub async fn apply(
    pool: &SqlitePool,
    received: &store::webhooks::Delivery<'_>,
    change: &InstallationChange,
) -> sqlx::Result<Option<Applied>> {
    let now = Utc::now();
    let mut tx = pool.begin().await?;
    if !store::webhooks::record_delivery(&mut tx, received, now).await? {
        return Ok(None);
    }
    let mut applied = Applied::default();
    match &change.kind {
        InstallationKind::Added(repositories) => {
            github_app::save_installation(&mut *tx, change.installation, &change.account, now)
                .await?;
            for (owner, name) in repositories {
                let id = github_app::track_through(&mut *tx, owner, name, change.installation, now)
                    .await?;
                applied.tracked.push(id);
            }
        }
        InstallationKind::Removed(repositories) => {
            for (owner, name) in repositories {
                if github_app::stop_syncing(&mut *tx, owner, name, change.installation, now).await?
                {
                    applied.stopped += 1;
                }
            }
        }
        InstallationKind::Deleted => {
            applied.stopped =
                github_app::delete_installation(&mut tx, change.installation, now).await?;
        }
    }
    tx.commit().await?;
    Ok(Some(applied))
}
