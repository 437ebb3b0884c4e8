//! What the tests of the real binary share.

use std::{
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

/// The binary Cargo built for these tests, run in `dir` with nothing of our environment but
/// `PATH`.
pub fn releasedesk(dir: &tempfile::TempDir) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_releasedesk"));
    command
        .current_dir(dir.path())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("RUST_LOG", "info")
        .stdin(Stdio::null());
    command
}

/// The binary serving the demo on a free loopback port, killed when dropped.
#[allow(dead_code)]
pub struct Server {
    pub child: Child,
    pub base: String,
    pub dir: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[allow(dead_code)]
impl Server {
    /// Starts `releasedesk serve --demo` in `dir` with `command` (from [`releasedesk`], or a
    /// shell around it) and waits until it is ready.
    pub async fn start(dir: tempfile::TempDir, mut command: Command) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = command
            .args(["serve", "--demo", "--bind", &format!("127.0.0.1:{port}")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("releasedesk starts");
        let server = Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
            dir,
        };
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(60);
        while client
            .get(format!("{}/readyz", server.base))
            .send()
            .await
            .map_or(true, |r| !r.status().is_success())
        {
            assert!(Instant::now() < deadline, "the server never became ready");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        server
    }

    /// A memory figure of the process in KiB: `VmRSS` (now) or `VmHWM` (its peak).
    pub fn memory_kib(&self, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|kib| kib.parse().ok())
            .unwrap_or(0)
    }

    /// `host:port` of the server.
    pub fn address(&self) -> String {
        self.base.trim_start_matches("http://").to_owned()
    }
}
