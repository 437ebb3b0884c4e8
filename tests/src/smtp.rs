//! A real SMTP server on loopback for the notification tests: `aiosmtpd` from PyPI, run as
//! its own process, keeping every message it accepts in a maildir that the test reads back
//! and parses as MIME. A real server rather than a fake, so that the mailer's SMTP dialogue
//! (greeting, envelope, dot-stuffing, QUIT) is checked by someone else's implementation.
//!
//! aiosmtpd lives in a Python virtual environment in the target folder, made by the first
//! test that needs it (`RELEASEDESK_TEST_SMTPD_PYTHON` names the python of an existing one
//! instead).

use std::{
    fs::File,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::{Mutex, PoisonError},
    time::{Duration, Instant},
};

use tempfile::TempDir;

use crate::free_port;

/// What the virtual environment installs.
const AIOSMTPD: &str = "aiosmtpd==1.4.6";
/// Names the python of an existing environment with aiosmtpd, used instead of ours.
const PYTHON_VARIABLE: &str = "RELEASEDESK_TEST_SMTPD_PYTHON";
/// How long aiosmtpd may take to start listening.
const START_TIMEOUT: Duration = Duration::from_secs(20);
/// How often the maildir and the port are looked at while waiting.
const POLL: Duration = Duration::from_millis(50);

/// Held while one thread of this test process makes the virtual environment, so that the
/// others wait for it instead of making their own.
static VENV_LOCK: Mutex<()> = Mutex::new(());

/// aiosmtpd listening on a loopback port, with its maildir in a temporary folder. Dropping
/// it kills the server and deletes the folder.
pub struct SmtpServer {
    port: u16,
    maildir: PathBuf,
    child: Child,
    /// Holds the maildir and the server's log; deleted after `drop` has killed the server.
    dir: TempDir,
}

/// One message as the server saved it, parsed.
#[derive(Clone, Debug)]
pub struct ReceivedMail {
    /// The message as saved (aiosmtpd adds `X-Peer`, `X-MailFrom` and `X-RcptTo`).
    pub raw: String,
    /// Every header in order, its value unfolded and its encoded words decoded.
    pub headers: Vec<(String, String)>,
    /// The envelope's recipients (`X-RcptTo`), or the `To` header's addresses without one.
    pub to: Vec<String>,
    /// The decoded `Subject`, empty without one.
    pub subject: String,
    /// The first `text/plain` part, decoded; empty without one.
    pub text: String,
    /// The first `text/html` part, decoded; empty without one.
    pub html: String,
}

impl SmtpServer {
    /// Starts aiosmtpd on a free loopback port, making its virtual environment first if
    /// there is none yet (some seconds, once).
    pub async fn start() -> SmtpServer {
        let python = tokio::task::spawn_blocking(smtpd_python)
            .await
            .unwrap_or_else(|err| std::panic::resume_unwind(err.into_panic()));
        let mut attempt = 0;
        loop {
            attempt += 1;
            let mut server = SmtpServer::spawn(&python);
            match server.wait_until_listening().await {
                Ok(()) => return server,
                // The port was free when picked but another process took it first.
                Err(log) if attempt < 3 && log.contains("Address already in use") => {}
                Err(log) => panic!(
                    "aiosmtpd exited instead of listening on port {}:\n{log}",
                    server.port
                ),
            }
        }
    }

    /// Runs aiosmtpd on a port that is free now, with its maildir and log in a new
    /// temporary folder.
    fn spawn(python: &Path) -> SmtpServer {
        let dir = tempfile::tempdir().expect("temporary folder");
        let maildir = dir.path().join("maildir");
        let log = File::create(dir.path().join("aiosmtpd.log")).expect("log file for aiosmtpd");
        let port = free_port();
        let child = Command::new(python)
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&maildir)
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("log file for aiosmtpd"))
            .stderr(log)
            .spawn()
            .unwrap_or_else(|err| panic!("cannot run {}: {err}", python.display()));
        SmtpServer {
            port,
            maildir,
            child,
            dir,
        }
    }

    /// `smtp://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Every message received so far, in the order they arrived. (Python writes each into
    /// `tmp/` and renames it into `new/`, so no file is read half-written.)
    pub fn messages(&self) -> Vec<ReceivedMail> {
        let mut files = Vec::new();
        for folder in ["new", "cur"] {
            let folder = self.maildir.join(folder);
            let entries = match std::fs::read_dir(&folder) {
                Ok(entries) => entries,
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => continue,
                Err(err) => panic!("cannot read {}: {err}", folder.display()),
            };
            for entry in entries {
                let path = entry.expect("maildir entry").path();
                let name = path.file_name().expect("a file name").to_string_lossy();
                if !name.starts_with('.') {
                    files.push((arrival_number(&name), path));
                }
            }
        }
        files.sort();
        files
            .into_iter()
            .map(|(_, path)| {
                let raw = std::fs::read(&path)
                    .unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()));
                ReceivedMail::parse(&raw)
            })
            .collect()
    }

    /// Waits until at least `count` messages have arrived and returns all of them; panics
    /// with what did arrive after `timeout`.
    pub async fn wait_for(&self, count: usize, timeout: Duration) -> Vec<ReceivedMail> {
        let deadline = Instant::now() + timeout;
        loop {
            let messages = self.messages();
            if messages.len() >= count {
                return messages;
            }
            if Instant::now() >= deadline {
                panic!(
                    "expected {count} message(s) within {timeout:?}, {} arrived:\n{}",
                    messages.len(),
                    summary(&messages)
                );
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Watches the maildir for `for_` and panics as soon as it holds more than `count`
    /// messages (counting those already there).
    pub async fn expect_quiet(&self, count: usize, for_: Duration) {
        let deadline = Instant::now() + for_;
        loop {
            let messages = self.messages();
            assert!(
                messages.len() <= count,
                "expected at most {count} message(s) for {for_:?}, {} arrived:\n{}",
                messages.len(),
                summary(&messages)
            );
            if Instant::now() >= deadline {
                return;
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Ok once the port accepts connections; the server's log if it exited first.
    async fn wait_until_listening(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if tokio::net::TcpStream::connect(("127.0.0.1", self.port))
                .await
                .is_ok()
            {
                return Ok(());
            }
            if let Some(status) = self.child.try_wait().expect("aiosmtpd's status") {
                return Err(format!("({status}) {}", self.log()));
            }
            assert!(
                Instant::now() < deadline,
                "aiosmtpd did not listen on port {} within {START_TIMEOUT:?}; its log:\n{}",
                self.port,
                self.log()
            );
            tokio::time::sleep(POLL).await;
        }
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("aiosmtpd.log")).unwrap_or_default()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        // Either may fail only because the process has already exited.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl ReceivedMail {
    /// Parses a message as saved in the maildir.
    pub fn parse(raw: &[u8]) -> ReceivedMail {
        let text = String::from_utf8_lossy(raw).into_owned();
        let mail = mailparse::parse_mail(raw)
            .unwrap_or_else(|err| panic!("the message is not MIME ({err}):\n{text}"));
        let headers: Vec<(String, String)> = mail
            .headers
            .iter()
            .map(|header| (header.get_key(), header.get_value()))
            .collect();
        let rcpt_to = mail
            .headers
            .iter()
            .find(|header| header.get_key_ref().eq_ignore_ascii_case("X-RcptTo"));
        let to = match rcpt_to {
            Some(rcpt_to) => rcpt_to
                .get_value()
                .split(',')
                .map(|address| address.trim().to_owned())
                .filter(|address| !address.is_empty())
                .collect(),
            None => header_addresses(&mail),
        };
        let mut received = ReceivedMail {
            raw: text,
            headers,
            to,
            subject: String::new(),
            text: String::new(),
            html: String::new(),
        };
        received.subject = received.header("Subject").unwrap_or_default().to_owned();
        for part in mail.parts() {
            let attached = part.get_content_disposition().disposition
                == mailparse::DispositionType::Attachment;
            let slot = match part.ctype.mimetype.as_str() {
                "text/plain" if !attached => &mut received.text,
                "text/html" if !attached => &mut received.html,
                _ => continue,
            };
            if slot.is_empty() {
                *slot = part.get_body().unwrap_or_else(|err| {
                    panic!("cannot decode the {} part ({err})", part.ctype.mimetype)
                });
            }
        }
        received
    }

    /// The first header of that name, any case, unfolded and decoded.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// The addresses of the `To` header.
fn header_addresses(mail: &mailparse::ParsedMail) -> Vec<String> {
    let Some(header) = mail
        .headers
        .iter()
        .find(|h| h.get_key_ref().eq_ignore_ascii_case("To"))
    else {
        return Vec::new();
    };
    let list = mailparse::addrparse_header(header)
        .unwrap_or_else(|err| panic!("cannot parse To: {} ({err})", header.get_value()));
    list.iter()
        .flat_map(|address| match address {
            mailparse::MailAddr::Single(single) => vec![single.addr.clone()],
            mailparse::MailAddr::Group(group) => group
                .addrs
                .iter()
                .map(|single| single.addr.clone())
                .collect(),
        })
        .collect()
}

/// Python's maildir names a file `SECONDS.M<micros>P<pid>Q<n>.HOST`, `n` counting the files
/// its process has written; one server process writes them all, so `n` is the arrival order.
fn arrival_number(name: &str) -> u64 {
    name.split('.')
        .nth(1)
        .and_then(|unique| unique.rsplit_once('Q'))
        .and_then(|(_, n)| n.parse().ok())
        .unwrap_or_else(|| panic!("unexpected file name in the maildir: {name}"))
}

fn summary(messages: &[ReceivedMail]) -> String {
    messages
        .iter()
        .map(|mail| format!("  to {:?}: {}", mail.to, mail.subject))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The python to run aiosmtpd with: `RELEASEDESK_TEST_SMTPD_PYTHON`, or that of
/// `aiosmtpd-venv` in the target folder, made now if missing. Blocks while it is made.
fn smtpd_python() -> PathBuf {
    if let Some(python) = std::env::var_os(PYTHON_VARIABLE) {
        let python = PathBuf::from(python);
        assert!(
            python.exists(),
            "{PYTHON_VARIABLE} names {}, which does not exist",
            python.display()
        );
        return python;
    }
    let venv = target_dir().join("aiosmtpd-venv");
    let python = venv.join("bin").join("python");
    // A thread that panicked while making it left nothing behind but a temporary folder, so
    // the next one simply tries again.
    let _made_by_one_thread = VENV_LOCK.lock().unwrap_or_else(PoisonError::into_inner);
    if !python.exists() {
        make_venv(&venv);
    }
    python
}

/// Makes the virtual environment in a temporary folder beside `venv` and renames it into
/// place, so that `venv` is there complete or not at all, even while other test processes
/// make theirs: the first rename wins and the others delete their copy. The copy still works
/// once moved because it is only ever run as `bin/python -m`, which finds its environment
/// from where it is (the scripts in `bin/` name the old path and are not used).
fn make_venv(venv: &Path) {
    let parent = venv.parent().expect("the target folder");
    std::fs::create_dir_all(parent)
        .unwrap_or_else(|err| panic!("cannot create {}: {err}", parent.display()));
    let building = tempfile::Builder::new()
        .prefix("aiosmtpd-venv.building-")
        .tempdir_in(parent)
        .unwrap_or_else(|err| panic!("cannot create a folder in {}: {err}", parent.display()));
    run(Command::new("python3")
        .arg("-m")
        .arg("venv")
        .arg(building.path()));
    run(Command::new(building.path().join("bin").join("python"))
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
        ])
        .arg(AIOSMTPD));
    match std::fs::rename(building.path(), venv) {
        // The folder is `venv` now: nothing to delete.
        Ok(()) => {
            let _ = building.keep();
        }
        // Another test process renamed its copy first; ours is deleted with `building`.
        Err(_) if venv.join("bin").join("python").exists() => {}
        Err(err) => panic!(
            "cannot rename {} to {}: {err} (a broken environment left there needs deleting)",
            building.path().display(),
            venv.display()
        ),
    }
}

/// `$CARGO_TARGET_DIR` (relative to the workspace) or the workspace's `target`.
fn target_dir() -> PathBuf {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace folder");
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => workspace.join(dir),
        None => workspace.join("target"),
    }
}

fn run(command: &mut Command) {
    let output = command
        .output()
        .unwrap_or_else(|err| panic!("cannot run {command:?}: {err}"));
    assert!(
        output.status.success(),
        "{command:?} failed ({}):\n{}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[cfg(test)]
mod tests {
    use tokio::{
        io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
        net::TcpStream,
    };

    use super::*;

    const MESSAGE: &str = "\
From: Release Desk <desk@releasedesk.test>\r
To: Ada <ada@example.test>\r
Subject: =?UTF-8?Q?v1.2.0_is_out_=E2=80=94_ship_it?=\r
MIME-Version: 1.0\r
Content-Type: multipart/alternative; boundary=\"next-part\"\r
\r
--next-part\r
Content-Type: text/plain; charset=utf-8\r
Content-Transfer-Encoding: 7bit\r
\r
v1.2.0 is out.\r
.A line that starts with a dot.\r
--next-part\r
Content-Type: text/html; charset=utf-8\r
Content-Transfer-Encoding: quoted-printable\r
\r
<p class=3D\"notice\">v1.2.0 is out =E2=80=94 a line long enough to be broken=\r
 softly.</p>\r
--next-part--\r
";

    #[tokio::test]
    async fn keeps_a_message_sent_over_smtp_and_parses_it() {
        let server = SmtpServer::start().await;
        assert_eq!(server.url(), format!("smtp://127.0.0.1:{}", server.port()));
        assert!(server.messages().is_empty());

        send(
            server.port(),
            "desk@releasedesk.test",
            "ops@example.test",
            MESSAGE,
        )
        .await;

        let messages = server.wait_for(1, Duration::from_secs(10)).await;
        let mail = &messages[0];
        assert_eq!(mail.subject, "v1.2.0 is out — ship it");
        // The envelope's recipient, not the `To` header's.
        assert_eq!(mail.to, ["ops@example.test"]);
        assert_eq!(mail.header("x-mailfrom"), Some("desk@releasedesk.test"));
        assert_eq!(mail.header("to"), Some("Ada <ada@example.test>"));
        assert_eq!(
            mail.text.trim_end(),
            "v1.2.0 is out.\n.A line that starts with a dot."
        );
        assert_eq!(
            mail.html.trim_end(),
            "<p class=\"notice\">v1.2.0 is out — a line long enough to be broken softly.</p>"
        );
        server.expect_quiet(1, Duration::from_millis(300)).await;
    }

    #[test]
    fn takes_recipients_from_the_to_header_without_an_envelope() {
        let mail = ReceivedMail::parse(
            b"To: Ada <ada@example.test>, team: bo@example.test, cy@example.test;\r\n\
              Subject: plain\r\n\
              Content-Transfer-Encoding: base64\r\n\
              \r\n\
              aGVsbG8=\r\n",
        );
        assert_eq!(
            mail.to,
            ["ada@example.test", "bo@example.test", "cy@example.test"]
        );
        assert_eq!(mail.subject, "plain");
        assert_eq!(mail.text, "hello");
        assert_eq!(mail.html, "");
    }

    /// One message over a raw SMTP conversation, dot-stuffing its lines.
    async fn send(port: u16, from: &str, to: &str, message: &str) {
        let stream = TcpStream::connect(("127.0.0.1", port))
            .await
            .expect("connects to the SMTP server");
        let (read, mut write) = stream.into_split();
        let mut replies = BufReader::new(read).lines();
        let data: String = message
            .split_inclusive("\r\n")
            .map(|line| match line.strip_prefix('.') {
                Some(_) => format!(".{line}"),
                None => line.to_owned(),
            })
            .collect();
        let steps = [
            (String::new(), "220"),
            ("HELO client.test\r\n".to_owned(), "250"),
            (format!("MAIL FROM:<{from}>\r\n"), "250"),
            (format!("RCPT TO:<{to}>\r\n"), "250"),
            ("DATA\r\n".to_owned(), "354"),
            (format!("{data}.\r\n"), "250"),
            ("QUIT\r\n".to_owned(), "221"),
        ];
        for (command, code) in steps {
            write
                .write_all(command.as_bytes())
                .await
                .expect("writes to the SMTP server");
            // A reply's last line has a space after its code; the others a dash.
            loop {
                let line = replies
                    .next_line()
                    .await
                    .expect("reads from the SMTP server")
                    .unwrap_or_else(|| panic!("the server hung up after {command:?}"));
                assert!(
                    line.starts_with(code),
                    "after {command:?} the server said {line:?}, not {code}"
                );
                if line.as_bytes().get(3) != Some(&b'-') {
                    break;
                }
            }
        }
    }
}
