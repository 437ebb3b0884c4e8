//! A real PostgreSQL server on loopback for the tests, from Debian's `postgresql` package
//! (`make test` installs it when missing). One server per test process, started by the first
//! test that asks for a database; each test gets a database of its own.
//!
//! The cluster lives in a temporary folder and runs as the `postgres` user when the tests run
//! as root (PostgreSQL refuses to run as root). It is watched by a shell that holds the read
//! end of a pipe whose write end only this process has: when the test process exits, however
//! it exits, the pipe closes, and the shell stops the server and deletes the folder.

use std::{
    io::Read,
    os::unix::process::CommandExt,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::{
        atomic::{AtomicU32, Ordering},
        OnceLock,
    },
    time::{Duration, Instant},
};

use crate::free_port;

/// Names the folder of PostgreSQL's programs (`initdb`, `postgres`) instead of the newest
/// under `/usr/lib/postgresql/`.
const BIN_VARIABLE: &str = "RELEASEDESK_TEST_POSTGRES_BIN";
/// How long the server may take to accept connections.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// The superuser every test connects as (no password: `trust` on loopback only).
const SUPERUSER: &str = "postgres";

/// Runs the server until its stdin closes, then stops it and removes the cluster's folder.
const WATCHDOG: &str = r#"
"$BIN/postgres" -D "$DIR/data" -h 127.0.0.1 -p "$PORT" -k "$DIR" -c fsync=off \
    -c synchronous_commit=off -c full_page_writes=off -c max_connections=400 \
    >"$DIR/server.log" 2>&1 &
server=$!
cat >/dev/null
kill -INT "$server" 2>/dev/null
wait "$server"
rm -rf "$DIR"
"#;

static SERVER: OnceLock<PostgresServer> = OnceLock::new();
static DATABASES: AtomicU32 = AtomicU32::new(0);

/// The running server: its port, and the watchdog whose stdin keeps it alive.
struct PostgresServer {
    port: u16,
    dir: PathBuf,
    /// Never dropped while the process runs; its stdin closes when the process exits.
    _watchdog: Child,
}

/// A new, empty database on the test server: its URL (`postgres://postgres@127.0.0.1:PORT/NAME`).
/// Starts the server first if this process has none yet (a few seconds, once).
pub async fn database() -> String {
    let server = tokio::task::spawn_blocking(|| SERVER.get_or_init(PostgresServer::start))
        .await
        .unwrap_or_else(|err| std::panic::resume_unwind(err.into_panic()));
    let name = format!("test_{}", DATABASES.fetch_add(1, Ordering::Relaxed) + 1);
    let admin = format!("postgres://{SUPERUSER}@127.0.0.1:{}/postgres", server.port);
    // The socket appears a moment before the server takes connections ("starting up").
    let deadline = Instant::now() + START_TIMEOUT;
    let mut connection = loop {
        match <sqlx::PgConnection as sqlx::Connection>::connect(&admin).await {
            Ok(connection) => break connection,
            Err(_) if Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            Err(err) => panic!(
                "cannot connect to the test PostgreSQL: {err}\n{}",
                server.log()
            ),
        }
    };
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut connection)
        .await
        .unwrap_or_else(|err| panic!("cannot create database {name}: {err}"));
    format!("postgres://{SUPERUSER}@127.0.0.1:{}/{name}", server.port)
}

impl PostgresServer {
    /// initdb into a new folder, then the server on a free loopback port under its watchdog.
    fn start() -> PostgresServer {
        let bin = postgres_bin();
        let owner = cluster_owner();
        let dir = std::env::temp_dir().join(format!("releasedesk-pg-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a folder for the test PostgreSQL");
        if let Some((uid, gid)) = owner {
            std::os::unix::fs::chown(&dir, Some(uid), Some(gid))
                .expect("the test PostgreSQL's folder given to the postgres user");
        }

        let initdb = as_owner(Command::new(bin.join("initdb")), owner)
            .arg("-D")
            .arg(dir.join("data"))
            .args([
                "-U",
                SUPERUSER,
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ])
            .args(["--no-sync", "--no-instructions"])
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|err| panic!("cannot run {}: {err}", bin.join("initdb").display()));
        assert!(
            initdb.status.success(),
            "initdb failed:\n{}{}",
            String::from_utf8_lossy(&initdb.stdout),
            String::from_utf8_lossy(&initdb.stderr)
        );

        let port = free_port();
        let watchdog = as_owner(Command::new("sh"), owner)
            .args(["-c", WATCHDOG])
            .env("BIN", &bin)
            .env("DIR", &dir)
            .env("PORT", port.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("the test PostgreSQL's watchdog starts");
        let server = PostgresServer {
            port,
            dir,
            _watchdog: watchdog,
        };
        server.wait_until_ready();
        server
    }

    fn wait_until_ready(&self) {
        let deadline = Instant::now() + START_TIMEOUT;
        // The socket in the folder appears once the server accepts connections.
        let socket = self.dir.join(format!(".s.PGSQL.{}", self.port));
        while !socket.exists() {
            assert!(
                Instant::now() < deadline,
                "the test PostgreSQL did not start within {START_TIMEOUT:?}:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn log(&self) -> String {
        let mut log = String::new();
        let _ = std::fs::File::open(self.dir.join("server.log"))
            .and_then(|mut file| file.read_to_string(&mut log));
        log
    }
}

/// Runs `command` as the cluster's owner when that is not the current user.
fn as_owner(mut command: Command, owner: Option<(u32, u32)>) -> Command {
    if let Some((uid, gid)) = owner {
        command.gid(gid).uid(uid);
    }
    command
}

/// The `postgres` user's uid and gid when running as root, else None (run as ourselves).
fn cluster_owner() -> Option<(u32, u32)> {
    let running_as_root = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("Uid:"))
                .and_then(|ids| ids.split_whitespace().next().map(|uid| uid == "0"))
        })
        .unwrap_or(false);
    if !running_as_root {
        return None;
    }
    let passwd = std::fs::read_to_string("/etc/passwd").expect("/etc/passwd");
    let ids = passwd_ids(&passwd, "postgres").expect(
        "running as root, the tests start PostgreSQL as the `postgres` user, and there is none: \
         install Debian's postgresql package (make test does)",
    );
    Some(ids)
}

/// The uid and gid of `user` in the text of /etc/passwd.
fn passwd_ids(passwd: &str, user: &str) -> Option<(u32, u32)> {
    passwd.lines().find_map(|line| {
        let fields: Vec<&str> = line.split(':').collect();
        match fields.as_slice() {
            [name, _, uid, gid, ..] if *name == user => {
                Some((uid.parse().ok()?, gid.parse().ok()?))
            }
            _ => None,
        }
    })
}

/// `RELEASEDESK_TEST_POSTGRES_BIN`, or the newest `/usr/lib/postgresql/N/bin`.
fn postgres_bin() -> PathBuf {
    if let Some(bin) = std::env::var_os(BIN_VARIABLE) {
        return PathBuf::from(bin);
    }
    let root = Path::new("/usr/lib/postgresql");
    let newest = std::fs::read_dir(root)
        .ok()
        .into_iter()
        .flatten()
        .filter_map(|entry| entry.ok())
        .filter_map(|entry| {
            let major: u32 = entry.file_name().to_str()?.parse().ok()?;
            let bin = entry.path().join("bin");
            bin.join("initdb").exists().then_some((major, bin))
        })
        .max();
    match newest {
        Some((_, bin)) => bin,
        None => panic!(
            "no PostgreSQL under {}: install Debian's postgresql package (make test does), \
             or name its programs' folder in {BIN_VARIABLE}",
            root.display()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::passwd_ids;

    #[test]
    fn finds_a_user_in_passwd() {
        let passwd = "root:x:0:0:root:/root:/bin/bash\n\
                      postgres:x:104:109:PostgreSQL administrator:/var/lib/postgresql:/bin/bash\n";
        assert_eq!(passwd_ids(passwd, "postgres"), Some((104, 109)));
        assert_eq!(passwd_ids(passwd, "nobody"), None);
    }
}
