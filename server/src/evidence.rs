//! Reading evidence from GitHub (issue 19): for each version whose checklist is open, every
//! source of its tag's commit is read, judged, and kept as a snapshot when it says something
//! new; then the items the evidence proves are ticked. Pages are asked for with their ETags,
//! so a refresh where nothing changed costs only conditional requests. A source GitHub refuses
//! (403) or does not have (404) is `unavailable`, named with the permission it needs: never a
//! failure of the refresh, and never retried before the next refresh.

use app::{
    domain::evidence::{
        judge_attestations, judge_check_runs, judge_code_scanning, judge_dependabot,
        judge_statuses, judge_workflow_runs, Alert, AttestedFile, Reading, SourceKind,
    },
    service,
    store::{self, evidence::WatchedVersion, repositories::Repository, sync::CachedPage},
};
use chrono::{Duration, Utc};
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use sqlx::SqlitePool;

use crate::{
    github::{
        evidence::{
            AttestationPage, CheckRunPage, CodeScanningAlert, CombinedStatusPage, DependabotAlert,
            WorkflowRunPage,
        },
        FetchError, Fetcher, GitHub,
    },
    sync::{fetch_list, Listed, SyncError},
};

/// A checklist completed this long ago is still read once more, then left alone.
const AFTER_COMPLETION: Duration = Duration::hours(1);

/// What a refresh did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Refreshed {
    pub versions: usize,
    /// Readings that said something new, kept as snapshots.
    pub snapshots: usize,
    /// Items evidence ticked.
    pub ticked: usize,
}

/// Where people see a repository on GitHub (`https://github.com/acme/orbit`).
fn site(web: &str, repo: &Repository) -> String {
    format!("{}/{}/{}", web.trim_end_matches('/'), repo.owner, repo.name)
}

/// Refreshes the evidence of the repository's watched versions; with `commit`, only of the
/// versions at that commit (a webhook about one commit's CI). `web` is GitHub's web address.
pub async fn refresh_repository<G: GitHub>(
    pool: &SqlitePool,
    fetcher: &Fetcher<G>,
    repo: &Repository,
    web: &str,
    commit: Option<&str>,
) -> Result<Refreshed, SyncError> {
    let now = Utc::now();
    let versions = store::evidence::watched(pool, repo.id, commit, now - AFTER_COMPLETION).await?;
    let mut refreshed = Refreshed::default();
    if versions.is_empty() {
        return Ok(refreshed);
    }
    let site = site(web, repo);
    // Dependabot's alerts belong to the default branch: one reading for every version.
    let dependabot = read::<_, Vec<DependabotAlert>>(
        pool,
        fetcher,
        SourceKind::Dependabot,
        &format!(
            "/repos/{}/{}/dependabot/alerts?state=open&severity=critical,high&per_page=100",
            repo.owner, repo.name
        ),
        &format!("{site}/security/dependabot"),
        |alerts, url| {
            let alerts: Vec<Alert> = alerts.into_iter().map(Alert::from).collect();
            judge_dependabot(&alerts, url)
        },
    )
    .await?;
    for version in &versions {
        let mut readings = read_version(pool, fetcher, repo, &site, version).await?;
        readings.extend(dependabot.clone());
        let mut tx = pool.begin().await?;
        for reading in &readings {
            let kept = store::evidence::record(
                &mut tx,
                version.version_id,
                &version.commit_sha,
                reading,
                now,
            )
            .await?;
            refreshed.snapshots += usize::from(kept.is_some());
        }
        tx.commit().await?;
        refreshed.ticked += service::evidence::tick(pool, repo, version.version_id, now).await?;
        refreshed.versions += 1;
    }
    Ok(refreshed)
}

/// The sources of one version's commit, but Dependabot's.
async fn read_version<G: GitHub>(
    pool: &SqlitePool,
    fetcher: &Fetcher<G>,
    repo: &Repository,
    site: &str,
    version: &WatchedVersion,
) -> Result<Vec<Reading>, SyncError> {
    let base = format!("/repos/{}/{}", repo.owner, repo.name);
    let sha = &version.commit_sha;
    let commit_page = format!("{site}/commit/{sha}");
    let mut readings = Vec::new();
    readings.extend(
        read::<_, CheckRunPage>(
            pool,
            fetcher,
            SourceKind::Checks,
            &format!("{base}/commits/{sha}/check-runs?per_page=100"),
            &commit_page,
            |runs, url| judge_check_runs(&runs, url),
        )
        .await?,
    );
    readings.extend(
        read::<_, CombinedStatusPage>(
            pool,
            fetcher,
            SourceKind::Statuses,
            &format!("{base}/commits/{sha}/status?per_page=100"),
            &commit_page,
            |statuses, url| judge_statuses(&statuses, url),
        )
        .await?,
    );
    readings.extend(
        read::<_, WorkflowRunPage>(
            pool,
            fetcher,
            SourceKind::WorkflowRuns,
            &format!("{base}/actions/runs?head_sha={sha}&per_page=100"),
            &format!("{site}/actions"),
            |runs, url| judge_workflow_runs(&runs, url),
        )
        .await?,
    );
    let reference = format!("refs/tags/{}", version.tag);
    let encoded = utf8_percent_encode(&reference, NON_ALPHANUMERIC);
    readings.extend(
        read::<_, Vec<CodeScanningAlert>>(
            pool,
            fetcher,
            SourceKind::CodeScanning,
            &format!("{base}/code-scanning/alerts?ref={encoded}&state=open&per_page=100"),
            &format!("{site}/security/code-scanning?query=ref%3A{encoded}"),
            |alerts, url| {
                let alerts: Vec<Alert> = alerts.into_iter().map(Alert::from).collect();
                judge_code_scanning(&alerts, &version.tag, url)
            },
        )
        .await?,
    );
    readings.extend(attestations(pool, fetcher, repo, site, version).await?);
    Ok(readings)
}

/// The attestations of each of the release's files, by the file's digest.
async fn attestations<G: GitHub>(
    pool: &SqlitePool,
    fetcher: &Fetcher<G>,
    repo: &Repository,
    site: &str,
    version: &WatchedVersion,
) -> Result<Option<Reading>, SyncError> {
    let assets = store::versions::list_assets(pool, repo.id, &version.tag).await?;
    let url = format!("{site}/attestations");
    let mut files = Vec::new();
    for asset in assets {
        let statements = match &asset.digest {
            None => Vec::new(),
            Some(digest) => {
                let list = format!(
                    "/repos/{}/{}/attestations/{digest}?per_page=100",
                    repo.owner, repo.name
                );
                match fetch_fresh::<_, AttestationPage>(pool, fetcher, &list).await {
                    Ok(attestations) => attestations
                        .iter()
                        .filter_map(|attestation| attestation.statement())
                        .collect(),
                    // No attestation of this digest (GitHub answers 404 for none).
                    Err(SyncError::GitHub(FetchError::NotFound(_))) => Vec::new(),
                    Err(SyncError::GitHub(FetchError::Forbidden(_))) => {
                        return Ok(Some(Reading::unavailable(
                            SourceKind::Attestations,
                            "GitHub refused to show attestations (403)",
                            &url,
                        )))
                    }
                    Err(SyncError::GitHub(err)) => {
                        tracing::warn!(repository = %repo.name, error = %err, "attestations not read; kept the last reading");
                        return Ok(None);
                    }
                    Err(err) => return Err(err),
                }
            }
        };
        files.push(AttestedFile {
            name: asset.name,
            digest: asset.digest,
            statements,
            url: asset.download_url,
        });
    }
    Ok(Some(judge_attestations(&files, &url)))
}

/// Reads one source's list and judges it. A source GitHub refuses or does not have is
/// unavailable; any other failure of GitHub's leaves the last reading standing (`None`).
async fn read<G: GitHub, P: Listed>(
    pool: &SqlitePool,
    fetcher: &Fetcher<G>,
    kind: SourceKind,
    list: &str,
    url: &str,
    judge: impl FnOnce(Vec<P::Item>, &str) -> Reading,
) -> Result<Option<Reading>, SyncError> {
    match fetch_fresh::<_, P>(pool, fetcher, list).await {
        Ok(items) => Ok(Some(judge(items, url))),
        Err(SyncError::GitHub(FetchError::Forbidden(_))) => Ok(Some(Reading::unavailable(
            kind,
            "GitHub refused to show it (403)",
            url,
        ))),
        Err(SyncError::GitHub(FetchError::NotFound(_))) => Ok(Some(Reading::unavailable(
            kind,
            match kind {
                SourceKind::CodeScanning => "no code scanning analysis for this tag (404)",
                _ => "GitHub does not have it for this repository (404)",
            },
            url,
        ))),
        Err(SyncError::GitHub(err)) => {
            tracing::warn!(source = kind.as_str(), error = %err, "evidence not read; kept the last reading");
            Ok(None)
        }
        Err(err) => Err(err),
    }
}

/// A list, with each page GitHub sent fresh kept for the next conditional request.
async fn fetch_fresh<G: GitHub, P: Listed>(
    pool: &SqlitePool,
    fetcher: &Fetcher<G>,
    list: &str,
) -> Result<Vec<P::Item>, SyncError> {
    let mut pages: Vec<CachedPage> = Vec::new();
    let items = fetch_list::<_, P>(pool, fetcher, list, &mut pages).await?;
    for page in &pages {
        store::sync::store_page(pool, page).await?;
    }
    Ok(items)
}
