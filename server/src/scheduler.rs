//! Background syncs while serving: every tracked repository on an interval (reconciliation:
//! GitHub drops webhook events), and one repository shortly after a webhook touched it.

use std::{collections::HashSet, sync::Arc, time::Duration};

use app::store;
use sqlx::SqlitePool;
use tokio::{sync::mpsc, time::Instant};

use crate::{
    config::GitHubApi,
    github::{Fetcher, FetcherSettings, GitHub, OctocrabGitHub},
    sync::sync_repository,
};

/// Asks the scheduler for a sync of one repository; requests within the debounce window
/// become one sync.
#[derive(Clone, Debug)]
pub struct SyncTrigger(mpsc::UnboundedSender<i64>);

impl SyncTrigger {
    pub fn request(&self, repository_id: i64) {
        // The scheduler only stops with the server.
        let _ = self.0.send(repository_id);
    }
}

pub fn spawn(
    pool: SqlitePool,
    api: &GitHubApi,
    interval: Duration,
    debounce: Duration,
) -> Result<SyncTrigger, String> {
    let github = OctocrabGitHub::new(&api.url, api.token.as_ref().map(|t| t.expose()))?;
    let fetcher = Arc::new(Fetcher::new(github, FetcherSettings::default()));
    let (sender, mut requests) = mpsc::unbounded_channel::<i64>();
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut pending = HashSet::new();
        let mut deadline: Option<Instant> = None;
        loop {
            let wait = async {
                match deadline {
                    Some(at) => tokio::time::sleep_until(at).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                _ = ticker.tick() => sync_all(&pool, &fetcher).await,
                Some(id) = requests.recv() => {
                    pending.insert(id);
                    deadline = Some(Instant::now() + debounce);
                }
                () = wait => {
                    for id in pending.drain() {
                        sync_one(&pool, &fetcher, id).await;
                    }
                    deadline = None;
                }
            }
        }
    });
    Ok(SyncTrigger(sender))
}

async fn sync_all<G: GitHub>(pool: &SqlitePool, fetcher: &Fetcher<G>) {
    let ids = match store::repositories::list_ids(pool).await {
        Ok(ids) => ids,
        Err(err) => {
            tracing::error!(error = %err, "cannot list repositories to sync");
            return;
        }
    };
    for id in ids {
        run(pool, fetcher, id, "schedule").await;
    }
}

async fn sync_one<G: GitHub>(pool: &SqlitePool, fetcher: &Fetcher<G>, id: i64) {
    run(pool, fetcher, id, "webhook").await;
}

async fn run<G: GitHub>(pool: &SqlitePool, fetcher: &Fetcher<G>, id: i64, trigger: &str) {
    let repo = match store::repositories::find_by_id(pool, id).await {
        Ok(Some(repo)) => repo,
        Ok(None) => return,
        Err(err) => {
            tracing::error!(error = %err, "cannot load a repository to sync");
            return;
        }
    };
    let name = format!("{}/{}", repo.owner, repo.name);
    let quiet = |_: &str| {};
    match sync_repository(pool, fetcher, &repo, trigger, &quiet).await {
        Ok(summary) => {
            tracing::info!(repository = %name, trigger, tags = summary.tags, releases = summary.releases, "synced")
        }
        Err(err) => tracing::warn!(repository = %name, trigger, error = %err, "sync failed"),
    }
}
