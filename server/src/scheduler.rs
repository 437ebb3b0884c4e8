//! Background work while serving: every tracked repository synced on an interval
//! (reconciliation: GitHub drops webhook events) with the evidence of its open checklists read
//! after; one repository synced shortly after a webhook touched it; and one commit's evidence
//! read again shortly after a webhook said its CI or alerts changed.

use std::{collections::HashSet, sync::Arc, time::Duration};

use app::{
    service::{host::Host, notify::Notifier},
    store::{self, repositories::Repository},
};
use chrono::Utc;
use sqlx::SqlitePool;
use tokio::{sync::mpsc, time::Instant};
use url::Url;

use crate::{
    evidence::refresh_repository,
    github::{clients::Client, Fetcher, GitHub, GitHubClients},
    sync::sync_repository,
};

/// What a webhook asks of the scheduler.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Request {
    /// A sync of the repository.
    Sync(i64),
    /// The evidence of the repository's versions at this commit (every watched version when
    /// `None`: Dependabot's alerts are the whole repository's).
    Evidence(i64, Option<String>),
}

/// Asks the scheduler for work; requests within the debounce window become one run each.
#[derive(Clone, Debug)]
pub struct SyncTrigger(mpsc::UnboundedSender<Request>);

impl SyncTrigger {
    pub fn request(&self, repository_id: i64) {
        // The scheduler only stops with the server.
        let _ = self.0.send(Request::Sync(repository_id));
    }

    pub fn request_evidence(&self, repository_id: i64, commit: Option<String>) {
        let _ = self.0.send(Request::Evidence(repository_id, commit));
    }
}

/// `web` is GitHub's web address, for the links evidence keeps.
pub fn spawn(
    pool: SqlitePool,
    clients: Arc<GitHubClients>,
    web: &Url,
    interval: Duration,
    debounce: Duration,
    host: Host,
    notifier: Notifier,
) -> SyncTrigger {
    let web = web.as_str().to_owned();
    let (sender, mut requests) = mpsc::unbounded_channel::<Request>();
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
                _ = ticker.tick() => sync_all(&pool, &clients, &web, &host, &notifier).await,
                Some(request) = requests.recv() => {
                    pending.insert(request);
                    deadline = Some(Instant::now() + debounce);
                }
                () = wait => {
                    for request in pending.drain() {
                        match request {
                            Request::Sync(id) => run(&pool, &clients, &web, &host, &notifier, id, "webhook").await,
                            Request::Evidence(id, commit) => {
                                if let Some((repo, client)) = repository(&pool, &clients, id).await {
                                    evidence(&pool, &client, &web, &host, &repo, commit.as_deref()).await;
                                }
                            }
                        }
                    }
                    deadline = None;
                }
            }
        }
    });
    SyncTrigger(sender)
}

async fn sync_all(
    pool: &SqlitePool,
    clients: &GitHubClients,
    web: &str,
    host: &Host,
    notifier: &Notifier,
) {
    let ids = match store::repositories::list_synced_ids(pool).await {
        Ok(ids) => ids,
        Err(err) => {
            tracing::error!(error = %err, "cannot list repositories to sync");
            return;
        }
    };
    for id in ids {
        run(pool, clients, web, host, notifier, id, "schedule").await;
    }
}

/// The repository and the client that reaches it; `None` when it is gone or no longer synced.
async fn repository(
    pool: &SqlitePool,
    clients: &GitHubClients,
    id: i64,
) -> Option<(Repository, Client)> {
    let repo = match store::repositories::find_by_id(pool, id).await {
        Ok(repo) => repo?,
        Err(err) => {
            tracing::error!(error = %err, "cannot load a repository to sync");
            return None;
        }
    };
    match clients.for_repository(&repo) {
        Ok(Some(client)) => Some((repo, client)),
        Ok(None) => None,
        Err(err) => {
            tracing::error!(error = %err, "cannot reach GitHub");
            None
        }
    }
}

/// Syncs one repository, announces what it brought, then reads the evidence of its open
/// checklists.
async fn run(
    pool: &SqlitePool,
    clients: &GitHubClients,
    web: &str,
    host: &Host,
    notifier: &Notifier,
    id: i64,
    trigger: &str,
) {
    let Some((repo, fetcher)) = repository(pool, clients, id).await else {
        return;
    };
    let name = format!("{}/{}", repo.owner, repo.name);
    let quiet = |_: &str| {};
    match sync_repository(pool, &fetcher, &repo, trigger, &quiet).await {
        Ok(summary) => {
            tracing::info!(repository = %name, trigger, tags = summary.tags, releases = summary.releases, "synced")
        }
        Err(err) => tracing::warn!(repository = %name, trigger, error = %err, "sync failed"),
    }
    if let Err(err) = announce(pool, notifier, &repo).await {
        tracing::warn!(repository = %name, error = %err, "cannot announce new releases");
    }
    evidence(pool, &fetcher, web, host, &repo, None).await;
}

/// Tells subscribers and hooks of releases the sync brought. Versions are kept before this
/// runs, and announcing finds every version not yet told of: a crash in between loses nothing.
async fn announce(pool: &SqlitePool, notifier: &Notifier, repo: &Repository) -> sqlx::Result<()> {
    let mut tx = pool.begin().await?;
    app::service::notify::events::announce_releases(&mut tx, notifier, repo, Utc::now()).await?;
    tx.commit().await
}

async fn evidence<G: GitHub>(
    pool: &SqlitePool,
    fetcher: &Fetcher<G>,
    web: &str,
    host: &Host,
    repo: &Repository,
    commit: Option<&str>,
) {
    let name = format!("{}/{}", repo.owner, repo.name);
    match refresh_repository(pool, fetcher, repo, web, commit).await {
        Ok(done) if done.versions > 0 => {
            tracing::info!(
                repository = %name,
                versions = done.versions,
                new_readings = done.snapshots,
                ticked = done.ticked,
                "evidence read"
            );
            // Items evidence ticked may open the release gate.
            if done.ticked > 0 {
                if let Err(err) = app::service::plans::refresh_gates(pool, host, repo).await {
                    tracing::warn!(repository = %name, error = %err, "the release gates were not written");
                }
            }
        }
        Ok(_) => {}
        Err(err) => tracing::warn!(repository = %name, error = %err, "evidence not read"),
    }
}
