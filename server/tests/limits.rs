//! The real binary under the loads that once hurt it: many large unsigned webhooks at once, and
//! hundreds of clients sending their headers a byte at a time against a process allowed only
//! 256 file descriptors.

use std::{
    process::Command,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

mod common;
use common::Server;

fn releasedesk(dir: &tempfile::TempDir) -> Command {
    let mut command = common::releasedesk(dir);
    command
        .env("RUST_LOG", "warn")
        .env(
            "RELEASEDESK_DATABASE_URL",
            format!("sqlite://{}", dir.path().join("limits.db").display()),
        )
        .env("RELEASEDESK_SECRET_KEY", "limits test key, not a secret")
        .env("RELEASEDESK_WEBHOOK_SECRET", "limits webhook secret");
    command
}

/// Posts an unsigned webhook of `size` bytes (chunked, or with its length), writing until the
/// server stops reading; returns the status it answered, if the answer arrived.
async fn unsigned_webhook(address: &str, size: usize, chunked: bool) -> Option<u16> {
    let mut stream = TcpStream::connect(address).await.ok()?;
    let framing = if chunked {
        "Transfer-Encoding: chunked".to_owned()
    } else {
        format!("Content-Length: {size}")
    };
    let head = format!(
        "POST /webhooks/github HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\n\
         X-GitHub-Event: push\r\nX-GitHub-Delivery: 1\r\nX-Hub-Signature-256: sha256=00\r\n\
         {framing}\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.ok()?;
    let piece = vec![b'a'; 64 * 1024];
    let mut sent = 0;
    while sent < size {
        let n = piece.len().min(size - sent);
        let written = if chunked {
            let mut frame = format!("{n:x}\r\n").into_bytes();
            frame.extend_from_slice(&piece[..n]);
            frame.extend_from_slice(b"\r\n");
            stream.write_all(&frame).await
        } else {
            stream.write_all(&piece[..n]).await
        };
        if written.is_err() {
            break;
        }
        sent += n;
    }
    if chunked && sent >= size {
        let _ = stream.write_all(b"0\r\n\r\n").await;
    }
    let mut answer = vec![0; 1024];
    let read = tokio::time::timeout(Duration::from_secs(20), stream.read(&mut answer))
        .await
        .ok()?
        .ok()?;
    let text = String::from_utf8_lossy(&answer[..read]);
    text.strip_prefix("HTTP/1.1 ")?.get(..3)?.parse().ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn forty_large_unsigned_webhooks_at_once_keep_memory_under_150_mb() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let command = releasedesk(&dir);
    let server = Server::start(dir, command).await;
    let address = server.address();
    let before = server.memory_kib("VmRSS");

    let mut statuses = Vec::new();
    // Over the limit, declared and chunked; then just under it, which must be read whole to
    // check its signature.
    for (size, chunked) in [
        (24 * 1024 * 1024, false),
        (24 * 1024 * 1024, true),
        (3_900_000, true),
    ] {
        let posts: Vec<_> = (0..40)
            .map(|_| {
                let address = address.clone();
                tokio::spawn(async move { unsigned_webhook(&address, size, chunked).await })
            })
            .collect();
        for post in posts {
            statuses.push((size, chunked, post.await.expect("no panic")));
        }
    }
    let peak = server.memory_kib("VmHWM");
    eprintln!("webhooks: RSS before {before} KiB, peak {peak} KiB");
    assert!(peak < 150 * 1024, "peak resident memory {peak} KiB");
    for (size, chunked, status) in &statuses {
        let expected = if *size > 4 * 1024 * 1024 { 413 } else { 401 };
        // An answer to a body still being sent may be lost with the connection; none is wrong.
        assert!(
            status.is_none_or(|s| s == expected),
            "{size} bytes, chunked {chunked}: {status:?}"
        );
    }
    let answered = |size: usize| {
        statuses
            .iter()
            .filter(|(s, _, status)| *s == size && status.is_some())
            .count()
    };
    assert!(answered(24 * 1024 * 1024) > 0, "{statuses:?}");
    assert_eq!(
        answered(3_900_000),
        40,
        "each body under the limit is answered"
    );
    let health = reqwest::get(format!("{}/healthz", server.base))
        .await
        .expect("health");
    assert!(health.status().is_success());
}

/// A client that sends a request's headers one byte at a time, for as long as it runs, and
/// connects again whenever the server drops it.
async fn slow_client(address: String, stop: Arc<AtomicUsize>, dropped: Arc<AtomicUsize>) {
    let request = format!("GET /healthz HTTP/1.1\r\nHost: {address}\r\nX-Slow: ");
    while stop.load(Ordering::Relaxed) == 0 {
        let Ok(mut stream) = TcpStream::connect(&address).await else {
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        for byte in request.bytes().chain(std::iter::repeat(b'a')) {
            if stop.load(Ordering::Relaxed) != 0 || stream.write_all(&[byte]).await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        dropped.fetch_add(1, Ordering::Relaxed);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn slow_clients_cannot_starve_health_checks_with_256_descriptors() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let inner = releasedesk(&dir);
    // The same command through a shell that lowers the descriptor limit first.
    let mut command = Command::new("bash");
    command
        .args(["-c", "ulimit -n 256 && exec \"$0\" \"$@\""])
        .arg(inner.get_program())
        .current_dir(dir.path())
        .env_clear()
        .envs(inner.get_envs().filter_map(|(k, v)| Some((k, v?))))
        .env("RELEASEDESK_HEADER_TIMEOUT", "2s");
    let server = Server::start(dir, command).await;
    let address = server.address();

    let stop = Arc::new(AtomicUsize::new(0));
    let dropped = Arc::new(AtomicUsize::new(0));
    let clients: Vec<_> = (0..300)
        .map(|_| tokio::spawn(slow_client(address.clone(), stop.clone(), dropped.clone())))
        .collect();
    tokio::time::sleep(Duration::from_secs(3)).await;

    // Health checks on fresh connections, as a load balancer makes them.
    let probe = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client");
    let mut waits = Vec::new();
    for _ in 0..10 {
        let started = Instant::now();
        let answer = probe.get(format!("{}/healthz", server.base)).send().await;
        waits.push(started.elapsed());
        assert!(
            answer.as_ref().is_ok_and(|a| a.status().is_success()),
            "{answer:?} after {waits:?}"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    stop.store(1, Ordering::Relaxed);
    for client in clients {
        let _ = client.await;
    }
    waits.sort();
    eprintln!("health checks under 300 slow clients: {waits:?}");
    assert!(
        waits[waits.len() - 1] < Duration::from_secs(2),
        "slowest health check {waits:?}"
    );
    assert!(
        dropped.load(Ordering::Relaxed) > 300,
        "slow clients were dropped and came back"
    );
}

#[tokio::test]
async fn a_client_that_sends_no_headers_is_dropped_after_the_header_time_out() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let mut command = releasedesk(&dir);
    command.env("RELEASEDESK_HEADER_TIMEOUT", "1s");
    let server = Server::start(dir, command).await;
    let mut silent = TcpStream::connect(server.address())
        .await
        .expect("connects");
    let started = Instant::now();
    let mut buffer = [0; 256];
    // Whether the server says 408 first or just closes, the read returns once it gave up.
    let read = tokio::time::timeout(Duration::from_secs(10), silent.read(&mut buffer)).await;
    assert!(read.is_ok(), "the connection is still open after 10 s");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
}
