//! What GitHub said about each demo version when it was released: check runs, statuses,
//! workflow runs, alerts and attestations, judged by the same rules as a real reading, kept as
//! snapshots and ticking what they prove. On the release candidate one check failed and is
//! being re-run: the demo shows evidence that does not tick, an earlier reading kept beside a
//! newer one, and items waiting only on CI.

use app::{
    domain::evidence::{
        judge_attestations, judge_check_runs, judge_code_scanning, judge_dependabot,
        judge_statuses, judge_workflow_runs, Alert, AttestedFile, CheckRun, CommitStatus, Reading,
        Statement, WorkflowRun,
    },
    model::versions::Asset,
};

use app::store::{self, repositories::Repository};
use chrono::{Duration, NaiveDate, Utc};
use sqlx::SqlitePool;

use super::{assets, versions, Kind, NAME, OWNER};

/// What GitHub said about each version with a checklist, half an hour after its release,
/// kept as snapshots; the items it proves are ticked as verified.
pub(super) async fn record(
    pool: &SqlitePool,
    repo: &Repository,
    today: NaiveDate,
) -> sqlx::Result<()> {
    for (index, version) in versions(today).iter().enumerate() {
        if version.kind != Kind::Release {
            continue;
        }
        let name = version.tag.trim_start_matches('v');
        let Some(version_id) = store::versions::public_id(pool, repo.id, name).await? else {
            continue;
        };
        if store::checklists::find(pool, version_id).await?.is_none() {
            continue;
        }
        let captured = (version.date + Duration::minutes(30)).min(Utc::now());
        let assets = assets(version.tag, index);
        let mut tx = pool.begin().await?;
        for reading in readings(version.tag, &version.commit_sha, index, &assets) {
            store::evidence::record(&mut tx, version_id, &version.commit_sha, &reading, captured)
                .await?;
        }
        tx.commit().await?;
        app::service::evidence::tick(pool, repo, version_id, captured).await?;
        if version.tag == FAILED_ON_RC.0 {
            let now = Utc::now() - Duration::minutes(20);
            let rerun = judge_check_runs(
                &check_runs(version.tag, index, true),
                &format!(
                    "https://github.com/{OWNER}/{NAME}/commit/{}",
                    version.commit_sha
                ),
            );
            let mut conn = pool.acquire().await?;
            store::evidence::record(&mut conn, version_id, &version.commit_sha, &rerun, now)
                .await?;
        }
    }
    Ok(())
}

/// The check that failed on the release candidate, and is being re-run.
pub(super) const FAILED_ON_RC: (&str, &str) = ("v3.2.0-rc.1", "e2e (firefox)");

const CHECKS: [&str; 6] = [
    "build (linux-amd64)",
    "build (darwin-arm64)",
    "test",
    "clippy",
    "e2e (chromium)",
    "e2e (firefox)",
];

/// The check runs of `tag`'s commit; with `rerun`, the failed one is running again.
fn check_runs(tag: &str, index: usize, rerun: bool) -> Vec<CheckRun> {
    let site = format!("https://github.com/{OWNER}/{NAME}");
    let first_id = 7_000_000 + 100 * index as i64;
    let mut runs: Vec<CheckRun> = CHECKS
        .iter()
        .zip(first_id..)
        .map(|(name, id)| {
            let failed = FAILED_ON_RC == (tag, *name);
            CheckRun {
                id,
                name: (*name).to_owned(),
                status: "completed".to_owned(),
                conclusion: Some(if failed { "failure" } else { "success" }.to_owned()),
                url: format!("{site}/runs/{id}"),
            }
        })
        .collect();
    if rerun {
        let again = runs
            .iter()
            .find(|run| FAILED_ON_RC == (tag, run.name.as_str()))
            .map(|failed| CheckRun {
                id: failed.id + 90,
                status: "in_progress".to_owned(),
                conclusion: None,
                url: format!("{site}/runs/{}", failed.id + 90),
                ..failed.clone()
            });
        runs.extend(again);
    }
    runs
}

/// The readings of `tag` at `commit_sha`; run ids grow with `index` like GitHub's.
pub(super) fn readings(
    tag: &str,
    commit_sha: &str,
    index: usize,
    assets: &[Asset],
) -> Vec<Reading> {
    let site = format!("https://github.com/{OWNER}/{NAME}");
    let commit_page = format!("{site}/commit/{commit_sha}");
    let first_id = 7_000_000 + 100 * index as i64;
    let runs = check_runs(tag, index, false);
    let statuses = [
        CommitStatus {
            context: "coverage".to_owned(),
            state: "success".to_owned(),
            description: format!("Coverage {}.{}%", 82 + index % 5, index % 10),
            url: format!("https://coverage.example.org/{OWNER}/{NAME}/{commit_sha}"),
        },
        CommitStatus {
            context: "docs/build".to_owned(),
            state: "success".to_owned(),
            description: "Documentation built".to_owned(),
            url: format!("https://docs.example.org/{OWNER}/{NAME}/{tag}"),
        },
    ];
    let workflows: Vec<WorkflowRun> = [("CI", 1), ("Release", 2)]
        .into_iter()
        .zip(first_id + 50..)
        .map(|((name, workflow_id), id)| WorkflowRun {
            id,
            workflow_id,
            name: name.to_owned(),
            run_attempt: 1,
            status: "completed".to_owned(),
            conclusion: Some("success".to_owned()),
            url: format!("{site}/actions/runs/{id}"),
        })
        .collect();
    // One lower-severity alert stays open: it is shown, and does not fail the release.
    let code_scanning = [Alert {
        number: 3,
        title: "js/missing-rate-limiting".to_owned(),
        severity: "medium".to_owned(),
        url: format!("{site}/security/code-scanning/3"),
    }];
    let files: Vec<AttestedFile> = assets
        .iter()
        .map(|asset| {
            let hex = asset
                .digest
                .as_deref()
                .and_then(|d| d.strip_prefix("sha256:"))
                .unwrap_or_default()
                .to_owned();
            let mut kinds = vec!["https://slsa.dev/provenance/v1"];
            if asset.name.ends_with(".tar.gz") {
                kinds.push("https://spdx.dev/Document/v2.3");
            }
            AttestedFile {
                name: asset.name.clone(),
                digest: asset.digest.clone(),
                statements: kinds
                    .into_iter()
                    .map(|predicate_type| Statement {
                        subject_digests: vec![hex.clone()],
                        predicate_type: predicate_type.to_owned(),
                    })
                    .collect(),
                url: asset.download_url.clone(),
            }
        })
        .collect();
    vec![
        judge_check_runs(&runs, &commit_page),
        judge_statuses(&statuses, &commit_page),
        judge_workflow_runs(&workflows, &format!("{site}/actions")),
        judge_code_scanning(
            &code_scanning,
            tag,
            &format!("{site}/security/code-scanning?query=ref%3Arefs%2Ftags%2F{tag}"),
        ),
        judge_dependabot(&[], &format!("{site}/security/dependabot")),
        judge_attestations(&files, &format!("{site}/attestations")),
    ]
}
