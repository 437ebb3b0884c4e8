//! The outbox survives a crash: a change committed while the sender is mid-send, the process
//! killed with SIGKILL, and the mail still arrives after restart, once.

mod common;

use std::{
    net::TcpListener,
    process::{Child, Stdio},
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use common::releasedesk;
use releasedesk_tests::{free_port, smtp::SmtpServer};
use serde_json::json;

const WAIT: Duration = Duration::from_secs(20);

/// `serve --demo` on `port` in `dir`, mailing through `smtp_url`; ready when this returns.
async fn serve(dir: &tempfile::TempDir, port: u16, smtp_url: &str) -> Child {
    let child = releasedesk(dir)
        .env("RELEASEDESK_SMTP_URL", smtp_url)
        .args(["serve", "--demo", "--bind", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("releasedesk starts");
    let client = reqwest::Client::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while client
        .get(format!("http://127.0.0.1:{port}/readyz"))
        .send()
        .await
        .map_or(true, |r| !r.status().is_success())
    {
        assert!(Instant::now() < deadline, "the server never became ready");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    child
}

fn kill(mut child: Child) {
    // `Child::kill` sends SIGKILL: no graceful shutdown, no flushing.
    child.kill().expect("killed");
    child.wait().expect("reaped");
}

/// An SMTP server that accepts connections and never says a word: a send hangs in it.
fn silent_smtp() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a port");
    let url = format!("smtp://{}", listener.local_addr().expect("address"));
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = accepted.clone();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            counter.fetch_add(1, Ordering::SeqCst);
            held.push(stream);
        }
    });
    (url, accepted)
}

#[tokio::test]
async fn mail_committed_before_a_sigkill_arrives_after_restart_once() {
    let smtp = SmtpServer::start().await;
    let dir = tempfile::tempdir().expect("temporary folder");
    let output = releasedesk(&dir).arg("demo").output().expect("runs");
    assert!(output.status.success(), "{output:?}");
    let output = releasedesk(&dir)
        .args(["token", "create", "acme/orbit", "--scope", "incidents"])
        .output()
        .expect("runs");
    assert!(output.status.success(), "{output:?}");
    let token = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");

    // Subscribed and confirmed while mail flows.
    let server = serve(&dir, port, &smtp.url()).await;
    let asked = client
        .post(format!("{base}/api/v1/repos/acme/orbit/subscriptions"))
        .json(&json!({"email": "ada@example.com", "topics": ["incidents"]}))
        .send()
        .await
        .expect("answer");
    assert_eq!(asked.status(), 202);
    let mails = smtp.wait_for(1, WAIT).await;
    let confirm = mails[0]
        .text
        .split_whitespace()
        .find(|word| word.starts_with(&format!("{base}/subscriptions/confirm/")))
        .expect("a confirmation link")
        .to_owned();
    let confirmed = client.post(&confirm).send().await.expect("answer");
    assert_eq!(confirmed.status(), 303);
    kill(server);

    // The incident is committed; the sender is stuck talking to a server that never answers.
    let (silent, accepted) = silent_smtp();
    let server = serve(&dir, port, &silent).await;
    let opened = client
        .post(format!("{base}/api/v1/repos/acme/orbit/incidents"))
        .bearer_auth(&token)
        .json(&json!({
            "title": "Uploads fail", "issue": "Uploads fail with a 500.",
            "impact": "Everyone uploading.", "status": "investigating",
            "workaround": "", "timeline": "Today.", "action": "Wait for 3.3.1.",
            "severity": "critical", "affected": ">=3.0.0", "published": true,
        }))
        .send()
        .await
        .expect("answer");
    assert_eq!(opened.status(), 201);
    let deadline = Instant::now() + WAIT;
    while accepted.load(Ordering::SeqCst) == 0 {
        assert!(Instant::now() < deadline, "the sender never tried to send");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    kill(server);
    smtp.expect_quiet(1, Duration::from_millis(200)).await;

    // After the restart the mail goes out, and only once.
    let server = serve(&dir, port, &smtp.url()).await;
    let mails = smtp.wait_for(2, WAIT).await;
    assert_eq!(mails[1].subject, "[acme/orbit] Incident: Uploads fail");
    smtp.expect_quiet(2, Duration::from_secs(3)).await;
    kill(server);
}
