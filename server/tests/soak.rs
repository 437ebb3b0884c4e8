//! Load and soak: the real binary on loopback, many anonymous readers and a few token writers at
//! once for a bounded time (`SOAK_SECONDS`, default 20). It checks that no request fails, that
//! every acknowledged write is kept and is seen by the very next anonymous read (the shared
//! cache never serves an answer older than an acknowledged write), and that memory levels off.

use std::{
    process::Command,
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};

use reqwest::{header, Client, StatusCode};
use serde_json::{json, Value};

const READERS: usize = 24;
const ADDRESSES: [&str; 10] = [
    "/",
    "/acme/orbit",
    "/acme/orbit/support",
    "/acme/orbit/v/v2.3.1",
    "/acme/orbit/incidents",
    "/api/v1/repos/acme/orbit/support",
    "/api/v1/repos/acme/orbit/versions",
    "/api/v1/repos/acme/orbit/incidents",
    "/badge/acme/orbit/3.x.svg",
    "/acme/orbit/feed.atom",
];

mod common;
use common::Server;

/// The binary on the soak's own database.
fn releasedesk(dir: &tempfile::TempDir) -> Command {
    let mut command = common::releasedesk(dir);
    command
        .env("RUST_LOG", "warn")
        .env(
            "RELEASEDESK_DATABASE_URL",
            format!("sqlite://{}", dir.path().join("soak.db").display()),
        )
        .env("RELEASEDESK_SECRET_KEY", "soak test key, not a secret");
    command
}

async fn start() -> (Server, String) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let command = releasedesk(&dir);
    let server = Server::start(dir, command).await;
    let output = releasedesk(&server.dir)
        .args([
            "token",
            "create",
            "acme/orbit",
            "--scope",
            "checklists,incidents",
        ])
        .output()
        .expect("token create runs");
    assert!(output.status.success(), "{output:?}");
    let token = String::from_utf8(output.stdout).expect("utf-8");
    (server, token.trim().to_owned())
}

/// What the run saw go wrong, as messages.
#[derive(Default)]
struct Failures(Mutex<Vec<String>>);

impl Failures {
    fn add(&self, message: String) {
        let mut failures = self.0.lock().expect("lock");
        if failures.len() < 20 {
            failures.push(message);
        }
    }
}

async fn json(client: &Client, url: &str) -> Value {
    client
        .get(url)
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("JSON")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn readers_and_writers_at_once_lose_nothing_and_memory_levels_off() {
    let seconds: u64 = std::env::var("SOAK_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    let (server, token) = start().await;
    let base = server.base.clone();
    let client = Client::new();
    let api = format!("{base}/api/v1/repos/acme/orbit");

    // The open incident takes timeline updates; the release candidate's checklist takes ticks.
    let incidents = json(&client, &format!("{api}/incidents")).await;
    let incident = incidents
        .as_array()
        .expect("a list")
        .iter()
        .find(|i| i["status"] != "resolved")
        .expect("the demo has an open incident")["id"]
        .as_i64()
        .expect("an id");
    let incident_url = format!("{api}/incidents/{incident}");
    let updates_before = json(&client, &incident_url).await["updates"]
        .as_array()
        .expect("updates")
        .len() as u64;
    let checklist_url = format!("{api}/versions/v3.2.0-rc.1/checklist");
    let checklist = json(&client, &checklist_url).await;
    let items: Vec<(i64, i64, bool)> = checklist["sections"]
        .as_array()
        .expect("sections")
        .iter()
        .flat_map(|s| s["items"].as_array().expect("items").clone())
        .map(|item| {
            (
                item["id"].as_i64().expect("id"),
                item["revision"].as_i64().expect("revision"),
                item["state"] == "done",
            )
        })
        .take(4)
        .collect();

    let stop = Instant::now() + Duration::from_secs(seconds);
    let failures = Arc::new(Failures::default());
    let updates_acknowledged = Arc::new(AtomicU64::new(0));
    let ticks_acknowledged = Arc::new(AtomicU64::new(0));
    let reads = Arc::new(AtomicU64::new(0));

    let mut tasks = Vec::new();
    for writer in 0..2 {
        let (client, url, token) = (client.clone(), incident_url.clone(), token.clone());
        let (failures, acknowledged) = (failures.clone(), updates_acknowledged.clone());
        tasks.push(tokio::spawn(async move {
            let mut n = 0;
            while Instant::now() < stop {
                n += 1;
                let body = json!({"status": "fix_in_progress", "message": format!("Writer {writer}, update {n}.")});
                match client
                    .post(format!("{url}/updates"))
                    .bearer_auth(&token)
                    .json(&body)
                    .send()
                    .await
                {
                    Ok(r) if r.status().is_success() => {
                        acknowledged.fetch_add(1, Ordering::SeqCst);
                    }
                    Ok(r) => failures.add(format!("update: {}", r.status())),
                    Err(err) => failures.add(format!("update: {err}")),
                }
            }
        }));
    }
    // Two writers per item, from the revision they last saw: one of each pair may get 409.
    for &(item, revision, was_done) in items.iter().chain(items.iter()) {
        let (client, token) = (client.clone(), token.clone());
        let url = format!("{checklist_url}/items/{item}");
        let (failures, acknowledged) = (failures.clone(), ticks_acknowledged.clone());
        tasks.push(tokio::spawn(async move {
            let mut revision = revision;
            // Always a real change: an identical one would change nothing.
            let mut done = !was_done;
            while Instant::now() < stop {
                let state = if done { "done" } else { "open" };
                let body = json!({"state": state, "note": "", "expected_revision": revision});
                let response = client
                    .patch(&url)
                    .bearer_auth(&token)
                    .json(&body)
                    .send()
                    .await;
                match response {
                    Ok(r) if r.status() == StatusCode::OK => {
                        let item: Value = r.json().await.unwrap_or_default();
                        acknowledged.fetch_add(1, Ordering::SeqCst);
                        revision = item["revision"].as_i64().unwrap_or(revision);
                        done = !done;
                    }
                    Ok(r) if r.status() == StatusCode::CONFLICT => {
                        let refusal: Value = r.json().await.unwrap_or_default();
                        revision = refusal["error"]["current"]["revision"]
                            .as_i64()
                            .unwrap_or(revision);
                        done = refusal["error"]["current"]["state"] != "done";
                    }
                    Ok(r) => failures.add(format!("tick: {}", r.status())),
                    Err(err) => failures.add(format!("tick: {err}")),
                }
            }
        }));
    }
    for reader in 0..READERS {
        let (client, base, incident_url) = (client.clone(), base.clone(), incident_url.clone());
        let (failures, reads, acknowledged) = (
            failures.clone(),
            reads.clone(),
            updates_acknowledged.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut etag: Option<String> = None;
            let mut n = reader;
            while Instant::now() < stop {
                n += 1;
                // Every fourth read is of the incident, which must show every acknowledged update.
                if n % 4 == 0 {
                    let floor = updates_before + acknowledged.load(Ordering::SeqCst);
                    match client.get(&incident_url).send().await {
                        Ok(r) if r.status() == StatusCode::OK => {
                            let seen = r.json::<Value>().await.unwrap_or_default()["updates"]
                                .as_array()
                                .map_or(0, |u| u.len() as u64);
                            if seen < floor {
                                failures.add(format!(
                                    "a read saw {seen} updates after {floor} were acknowledged"
                                ));
                            }
                        }
                        Ok(r) => failures.add(format!("incident: {}", r.status())),
                        Err(err) => failures.add(format!("incident: {err}")),
                    }
                } else {
                    let address = ADDRESSES[n % ADDRESSES.len()];
                    let mut request = client.get(format!("{base}{address}"));
                    if let Some(tag) = etag.as_ref().filter(|_| address == "/acme/orbit/support") {
                        request = request.header(header::IF_NONE_MATCH, tag);
                    }
                    match request.send().await {
                        Ok(r)
                            if r.status() == StatusCode::OK
                                || r.status() == StatusCode::NOT_MODIFIED =>
                        {
                            if address == "/acme/orbit/support" {
                                etag = r
                                    .headers()
                                    .get(header::ETAG)
                                    .and_then(|v| v.to_str().ok())
                                    .map(str::to_owned);
                            }
                            let _ = r.bytes().await;
                        }
                        Ok(r) => failures.add(format!("{address}: {}", r.status())),
                        Err(err) => failures.add(format!("{address}: {err}")),
                    }
                }
                reads.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }

    // Resident memory once a second; the first quarter is warm-up.
    let mut rss = Vec::new();
    while Instant::now() < stop {
        tokio::time::sleep(Duration::from_secs(1)).await;
        rss.push(server.memory_kib("VmRSS"));
    }
    for task in tasks {
        task.await.expect("no task panicked");
    }

    let failures = failures.0.lock().expect("lock").clone();
    assert!(failures.is_empty(), "{failures:#?}");
    let reads = reads.load(Ordering::Relaxed);
    // A debug build renders slowly, and the writers keep the cache cold: this is about
    // correctness, with a floor that a stalled server would not reach.
    assert!(reads > 20 * seconds, "only {reads} reads in {seconds} s");

    // Every acknowledged write is there, for an anonymous reader too.
    let updates = json(&client, &incident_url).await["updates"]
        .as_array()
        .expect("updates")
        .len() as u64;
    let acknowledged = updates_acknowledged.load(Ordering::SeqCst);
    assert!(acknowledged > 0, "no update went through");
    assert_eq!(updates, updates_before + acknowledged);
    // Each acknowledged change moved its item's revision on by one.
    let checklist = json(&client, &checklist_url).await;
    let moved: i64 = checklist["sections"]
        .as_array()
        .expect("sections")
        .iter()
        .flat_map(|s| s["items"].as_array().expect("items").clone())
        .filter_map(|item| {
            let (id, revision) = (item["id"].as_i64()?, item["revision"].as_i64()?);
            let before = items.iter().find(|(i, _, _)| *i == id)?.1;
            Some(revision - before)
        })
        .sum();
    let ticks = ticks_acknowledged.load(Ordering::SeqCst);
    assert!(ticks > 0, "no tick went through");
    assert_eq!(moved as u64, ticks, "every acknowledged tick is kept");

    // Memory levels off: the last quarter's peak is within 25% (and 16 MiB) of the second's.
    let quarter = rss.len() / 4;
    assert!(quarter >= 1, "{rss:?}");
    let settled = rss[quarter..2 * quarter].iter().max().copied().unwrap_or(0);
    let last = rss[rss.len() - quarter..]
        .iter()
        .max()
        .copied()
        .unwrap_or(0);
    eprintln!(
        "soak: {reads} reads, {acknowledged} updates, {ticks} ticks in {seconds} s; RSS KiB {rss:?}"
    );
    assert!(
        last <= settled + settled / 4 + 16 * 1024,
        "memory kept growing: {rss:?} KiB"
    );
}
