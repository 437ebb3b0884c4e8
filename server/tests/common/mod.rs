//! What the tests of the real binary share.

use std::process::{Command, Stdio};

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
