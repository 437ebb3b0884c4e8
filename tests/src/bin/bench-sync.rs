//! `make bench-sync`: syncs 10,000 tags and 9,000 releases from the fake GitHub, which answers
//! every request after 20 ms, and prints the request count, the elapsed time against the time
//! those requests would take back to back, the peak RSS of the syncing process, and what a
//! re-sync with nothing changed costs. Then the evidence of the one version released today (its
//! checklist is open): the GitHub requests reading it costs, and what a refresh where nothing
//! changed costs. Medians over runs (default 3: `bench-sync RUNS`).
//!
//! The fake runs in a child process (`bench-sync fake`) so that its memory is not counted.

use std::{
    io::{BufRead, BufReader},
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use releasedesk::{
    evidence::refresh_repository,
    github::{Fetcher, FetcherSettings, OctocrabGitHub},
    sync::sync_repository,
};
use releasedesk_tests::fake_github::{
    evidence::{attestation, check_run, commit_status, workflow_run, SLSA_PROVENANCE, SPDX_SBOM},
    release, Annotation, FakeGitHub, FakeRepo, FakeTag,
};
use serde_json::json;

const TAGS: usize = 10_000;
const RELEASES: usize = 9_000;
const LATENCY: Duration = Duration::from_millis(20);
const NEW_RELEASE_SHA: &str = "6666666666666666666666666666666666666666";

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    match args.next().as_deref() {
        Some("fake") => serve_fake().await,
        runs => bench(runs.and_then(|r| r.parse().ok()).unwrap_or(3)).await,
    }
}

/// 10,000 versions over five majors (rc trains included), the first 9,000 released; of the
/// tag-only rest, every other tag is annotated.
fn big_repo() -> FakeRepo {
    let mut repo = FakeRepo::default();
    let mut n = 0usize;
    'outer: for major in 1..=5 {
        for minor in 0..40 {
            for patch in 0..50 {
                if n == TAGS {
                    break 'outer;
                }
                let name = if patch >= 45 {
                    format!("v{major}.{minor}.{}-rc.{}", 45, patch - 45)
                } else {
                    format!("v{major}.{minor}.{patch}")
                };
                let day = 1 + n % 28;
                let month = 1 + (n / 28) % 12;
                let date = format!("20{:02}-{month:02}-{day:02}T12:00:00Z", 10 + n / 336);
                let annotated = (n >= RELEASES && n.is_multiple_of(2)).then(|| Annotation {
                    tag_object_sha: format!("{:040x}", 0x7a6_0000_0000u64 + n as u64),
                    tagger_date: Some(date.clone()),
                });
                repo.tags.push(FakeTag {
                    name: name.clone(),
                    commit_sha: format!("{:040x}", n + 1),
                    commit_date: date.clone(),
                    annotated,
                });
                if n < RELEASES {
                    repo.releases.push(release(
                        n as i64 + 1,
                        &name,
                        false,
                        name.contains('-'),
                        Some(&date),
                    ));
                }
                n += 1;
            }
        }
    }
    add_new_release(&mut repo);
    repo
}

/// v6.0.0, released today with three files and green CI: the release whose evidence is read
/// (its checklist is open).
fn add_new_release(repo: &mut FakeRepo) {
    let sha = NEW_RELEASE_SHA.to_owned();
    let today = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let mut published = release(TAGS as i64 + 1, "v6.0.0", false, false, Some(&today));
    let files = ["big-linux.tar.gz", "big-darwin.tar.gz", "SHA256SUMS"];
    published["assets"] = files
        .iter()
        .enumerate()
        .map(|(n, name)| {
            json!({ "name": name, "size": 1000, "digest": format!("sha256:{}", format!("{n}").repeat(64)) })
        })
        .collect();
    repo.releases.push(published);
    repo.tags.push(FakeTag {
        name: "v6.0.0".to_owned(),
        commit_sha: sha.clone(),
        commit_date: today,
        annotated: None,
    });
    let evidence = &mut repo.evidence;
    for (id, name) in (1..).zip(["build", "test", "lint", "e2e", "docs", "audit"]) {
        evidence
            .check_runs
            .push(check_run(id, name, &sha, Some("success")));
    }
    evidence.statuses.insert(
        sha.clone(),
        vec![commit_status("coverage", "success", "Coverage 88%")],
    );
    evidence.workflow_runs = vec![
        workflow_run(1, 1, "CI", &sha, 1, Some("success")),
        workflow_run(2, 2, "Release", &sha, 1, Some("success")),
    ];
    for (n, name) in files.iter().enumerate() {
        let hex = format!("{n}").repeat(64);
        let mut kinds = vec![attestation(&hex, SLSA_PROVENANCE)];
        if name.ends_with(".tar.gz") {
            kinds.push(attestation(&hex, SPDX_SBOM));
        }
        evidence.attestations.insert(format!("sha256:{hex}"), kinds);
    }
}

async fn serve_fake() {
    let fake = FakeGitHub::start().await;
    fake.put_repo("bench/big", big_repo());
    fake.set_latency(LATENCY);
    println!("{}", fake.url);
    std::future::pending::<()>().await;
}

struct Run {
    requests: u64,
    elapsed: Duration,
    resync_requests: u64,
    resync_not_modified: u64,
    resync_elapsed: Duration,
    evidence_requests: u64,
    verified: usize,
    refresh_requests: u64,
    refresh_not_modified: u64,
}

async fn bench(runs: usize) {
    let exe = std::env::current_exe().expect("own path");
    let mut child = Command::new(exe)
        .arg("fake")
        .stdout(Stdio::piped())
        .spawn()
        .expect("fake starts");
    let mut url = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut url)
        .expect("fake URL");
    let url = url::Url::parse(url.trim()).expect("a URL");

    println!(
        "bench-sync: {TAGS} tags, {RELEASES} releases, {} ms per request, {runs} runs",
        LATENCY.as_millis()
    );
    let mut results = Vec::new();
    for _ in 0..runs {
        results.push(one_run(&url).await);
    }
    let _ = child.kill();
    let _ = child.wait();

    let median = |mut values: Vec<f64>| {
        values.sort_by(f64::total_cmp);
        values[values.len() / 2]
    };
    let requests = median(results.iter().map(|r| r.requests as f64).collect());
    let elapsed = median(results.iter().map(|r| r.elapsed.as_secs_f64()).collect());
    let ratio = median(
        results
            .iter()
            .map(|r| r.elapsed.as_secs_f64() / (r.requests as f64 * LATENCY.as_secs_f64()))
            .collect(),
    );
    println!("full sync:        {requests:.0} requests in {elapsed:.2} s (median)");
    println!("elapsed ÷ (requests × {} ms): {ratio:.2} (target ≤ 1.2; below 1 means requests overlapped)", LATENCY.as_millis());
    println!(
        "peak RSS:         {:.1} MiB (the syncing process, over all runs)",
        peak_rss_kib() as f64 / 1024.0
    );
    let resync = median(results.iter().map(|r| r.resync_requests as f64).collect());
    let resync_304 = median(
        results
            .iter()
            .map(|r| r.resync_not_modified as f64)
            .collect(),
    );
    let resync_elapsed = median(
        results
            .iter()
            .map(|r| r.resync_elapsed.as_secs_f64())
            .collect(),
    );
    println!("no-change re-sync: {resync:.0} requests, {resync_304:.0} of them 304, in {resync_elapsed:.2} s (median)");
    let evidence = median(results.iter().map(|r| r.evidence_requests as f64).collect());
    let verified = median(results.iter().map(|r| r.verified as f64).collect());
    println!(
        "evidence of a new release (3 files): {evidence:.0} extra requests, {verified:.0} items verified (median)"
    );
    let refresh = median(results.iter().map(|r| r.refresh_requests as f64).collect());
    let refresh_304 = median(
        results
            .iter()
            .map(|r| r.refresh_not_modified as f64)
            .collect(),
    );
    println!(
        "no-change evidence refresh: {refresh:.0} requests, {refresh_304:.0} of them 304 (target: all conditional)"
    );
}

async fn one_run(url: &url::Url) -> Run {
    let dir = tempfile::tempdir().expect("temporary folder");
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(dir.path().join("bench.db"));
    let pool = app::store::connect(options).await.expect("database");
    app::store::MIGRATOR.run(&pool).await.expect("migrations");
    let new = app::store::repositories::NewRepository {
        owner: "bench",
        name: "big",
        description: "",
        tag_prefix: "v",
    };
    app::store::repositories::upsert(&pool, &new)
        .await
        .expect("repository");
    let repo = app::store::repositories::find(&pool, "bench", "big")
        .await
        .expect("query")
        .expect("found");
    let quiet = |_: &str| {};

    let fetcher = Fetcher::new(
        OctocrabGitHub::new(url, None).expect("client"),
        FetcherSettings::default(),
    );
    let started = Instant::now();
    let summary = sync_repository(&pool, &fetcher, &repo, "cli", &quiet)
        .await
        .expect("full sync");
    let elapsed = started.elapsed();
    assert_eq!((summary.tags, summary.releases), (TAGS + 1, RELEASES + 1));

    let again = Fetcher::new(
        OctocrabGitHub::new(url, None).expect("client"),
        FetcherSettings::default(),
    );
    let started = Instant::now();
    sync_repository(&pool, &again, &repo, "cli", &quiet)
        .await
        .expect("re-sync");
    let resync_elapsed = started.elapsed();

    let reader = Fetcher::new(
        OctocrabGitHub::new(url, None).expect("client"),
        FetcherSettings::default(),
    );
    // Only today's release, as a webhook about its commit asks: the generated history runs
    // into future dates, so many of its versions have open checklists too.
    let commit = Some(NEW_RELEASE_SHA);
    let read = refresh_repository(&pool, &reader, &repo, "https://github.com", commit)
        .await
        .expect("evidence");
    assert_eq!(read.versions, 1, "one version at that commit");
    let refresher = Fetcher::new(
        OctocrabGitHub::new(url, None).expect("client"),
        FetcherSettings::default(),
    );
    let refreshed = refresh_repository(&pool, &refresher, &repo, "https://github.com", commit)
        .await
        .expect("evidence refresh");
    assert_eq!(refreshed.snapshots, 0, "nothing changed");
    pool.close().await;
    Run {
        evidence_requests: reader.requests(),
        verified: read.ticked,
        refresh_requests: refresher.requests(),
        refresh_not_modified: refresher.not_modified(),
        requests: fetcher.requests(),
        elapsed,
        resync_requests: again.requests(),
        resync_not_modified: again.not_modified(),
        resync_elapsed,
    }
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status.lines().find_map(|line| {
                line.strip_prefix("VmHWM:")?
                    .trim()
                    .trim_end_matches("kB")
                    .trim()
                    .parse()
                    .ok()
            })
        })
        .unwrap_or(0)
}
