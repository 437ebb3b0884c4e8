//! The few GitHub operations plans, publishing and mirrored withdrawals need, behind a trait:
//! the server implements it with its GitHub client, so the service decides what to write and
//! the server only how.

use std::{fmt, future::Future, pin::Pin, sync::Arc};

use chrono::{DateTime, Utc};

use crate::{
    error::AppError,
    store::{self, github_writes::GitHubWrite, repositories::Repository},
};

/// GitHub refused or failed a request: its status (none when no answer came) and a message a
/// person can act on (the permission missing, the problem GitHub named).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostError {
    pub status: Option<u16>,
    pub message: String,
}

impl From<HostError> for AppError {
    fn from(err: HostError) -> AppError {
        AppError::BadGateway(err.message)
    }
}

pub type HostFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, HostError>> + Send + 'a>>;

/// A GitHub release as GitHub answers it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostRelease {
    pub id: i64,
    pub tag: String,
    pub name: String,
    pub body: String,
    pub html_url: String,
    pub draft: bool,
    pub prerelease: bool,
    pub created_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
}

/// A release to create from an existing tag.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewRelease {
    pub tag: String,
    pub name: String,
    pub body: String,
    pub prerelease: bool,
    pub make_latest: bool,
}

/// What a mirrored withdrawal, or its restoring, changes on a release.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReleaseEdit {
    pub prerelease: bool,
    pub body: String,
}

/// The release gate to write on a commit: a commit status, or a check run when an App writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommitStatus {
    pub state: String,
    pub description: String,
    pub context: String,
    pub target_url: Option<String>,
    /// Markdown: the open items (a check run's summary; a status has no room for it).
    pub summary: String,
}

/// One commit of a comparison.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostCommit {
    pub sha: String,
    pub message: String,
}

pub trait ReleaseHost: Send + Sync {
    /// The published release of `tag`; `None` when GitHub has none.
    fn release_by_tag<'a>(
        &'a self,
        repo: &'a Repository,
        tag: &'a str,
    ) -> HostFuture<'a, Option<HostRelease>>;
    fn create_release<'a>(
        &'a self,
        repo: &'a Repository,
        release: &'a NewRelease,
    ) -> HostFuture<'a, HostRelease>;
    fn edit_release<'a>(
        &'a self,
        repo: &'a Repository,
        id: i64,
        edit: &'a ReleaseEdit,
    ) -> HostFuture<'a, HostRelease>;
    /// The head commit of `branch`; `None` when there is no such branch (yet).
    fn branch_head<'a>(
        &'a self,
        repo: &'a Repository,
        branch: &'a str,
    ) -> HostFuture<'a, Option<String>>;
    /// Writes the gate; answers the request that wrote it (`POST /repos/o/r/check-runs`).
    fn set_status<'a>(
        &'a self,
        repo: &'a Repository,
        sha: &'a str,
        status: &'a CommitStatus,
    ) -> HostFuture<'a, String>;
    /// The repository's default branch.
    fn default_branch<'a>(&'a self, repo: &'a Repository) -> HostFuture<'a, String>;
    /// The commits of `head` after `base`, oldest first.
    fn compare<'a>(
        &'a self,
        repo: &'a Repository,
        base: &'a str,
        head: &'a str,
    ) -> HostFuture<'a, Vec<HostCommit>>;
}

/// GitHub as the service reaches it, and our public address for the links we leave there.
#[derive(Clone, Default)]
pub struct Host {
    github: Option<Arc<dyn ReleaseHost>>,
    pub public_url: Option<String>,
}

impl fmt::Debug for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Host")
            .field("github", &self.github.is_some())
            .field("public_url", &self.public_url)
            .finish()
    }
}

impl Host {
    pub fn new(github: Arc<dyn ReleaseHost>, public_url: Option<String>) -> Host {
        Host {
            github: Some(github),
            public_url,
        }
    }

    /// GitHub, or a 502 saying that none is set up (the export and some tests have none).
    pub fn github(&self) -> Result<&dyn ReleaseHost, AppError> {
        self.github.as_deref().ok_or_else(|| {
            AppError::BadGateway("this server has no connection to GitHub set up".to_owned())
        })
    }

    pub fn has_github(&self) -> bool {
        self.github.is_some()
    }
}

/// A write to GitHub as asked for, for the log.
pub struct Asked<'a> {
    /// `status`, `publish`, `withdraw` or `restore`.
    pub action: &'a str,
    /// Method and path.
    pub request: &'a str,
    pub detail: &'a str,
    pub by: &'a str,
}

/// Logs one write to GitHub about a version: what was asked, and GitHub's status and answer
/// (a URL, or why it refused).
pub async fn log_write(
    pool: &sqlx::SqlitePool,
    repository: &Repository,
    version_id: i64,
    asked: &Asked<'_>,
    outcome: Result<(u16, String), &HostError>,
) -> Result<(), AppError> {
    let (status, answer) = match outcome {
        Ok((status, answer)) => (Some(i64::from(status)), answer),
        Err(err) => (err.status.map(i64::from), err.message.clone()),
    };
    let write = GitHubWrite {
        action: asked.action.to_owned(),
        request: asked.request.to_owned(),
        detail: asked.detail.to_owned(),
        status,
        answer,
        by: asked.by.to_owned(),
        at: Utc::now(),
    };
    store::github_writes::insert(pool, repository.id, Some(version_id), &write).await?;
    Ok(())
}
