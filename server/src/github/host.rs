//! [`ReleaseHost`] with our GitHub client: reads through the [`Fetcher`] (retries, rate limits),
//! writes sent once, and every refusal turned into a message naming what GitHub needs.

use std::sync::Arc;

use app::{
    service::host::{
        CommitStatus, HostCommit, HostError, HostFuture, HostRelease, NewRelease, ReleaseEdit,
        ReleaseHost,
    },
    store::{github_app::Reach, repositories::Repository},
};
use serde::Deserialize;
use serde_json::{json, Value};

use super::{
    clients::{Client, GitHubClients},
    payload, FetchError, Fetched, Write,
};

/// A comparison of more than 10,000 commits is read as far as that.
const MAX_COMPARE_PAGES: usize = 100;

/// What a write needs of the token, for the message when GitHub refuses it.
const CONTENTS_WRITE: &str =
    "Contents: write (a fine-grained token or GitHub App; `repo` or `public_repo` for a classic token)";
const STATUSES_WRITE: &str =
    "Commit statuses: write (a fine-grained token or GitHub App; `repo:status` for a classic token)";

const CHECKS_WRITE: &str = "Checks: write (the GitHub App's permissions)";

pub struct GitHubHost {
    clients: Arc<GitHubClients>,
}

impl GitHubHost {
    pub fn new(clients: Arc<GitHubClients>) -> Self {
        GitHubHost { clients }
    }

    /// The client that reaches the repository: its installation's, or the personal token's.
    fn client(&self, repo: &Repository) -> Result<Client, HostError> {
        match self.clients.for_repository(repo) {
            Ok(Some(client)) => Ok(client),
            Ok(None) => Err(HostError {
                status: None,
                message: format!(
                    "{}/{} is no longer synced: the GitHub App was removed from it",
                    repo.owner, repo.name
                ),
            }),
            Err(message) => Err(HostError {
                status: None,
                message,
            }),
        }
    }

    /// True when the gate goes up as a check run: the repository is reached through the App.
    fn writes_check_runs(&self, repo: &Repository) -> bool {
        matches!(repo.reach(), Reach::Installation(_)) && self.clients.app().is_some()
    }
}

fn repo_path(repo: &Repository) -> String {
    format!("/repos/{}/{}", repo.owner, repo.name)
}

/// Everything but unreserved characters and `/` is escaped in a path.
const PATH: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

/// A branch, tag or SHA as a path below a repository: `/` kept (branch names hold it), the
/// rest escaped, and `.` or `..` segments refused, so a name can never leave its place.
fn segment(text: &str) -> Result<String, HostError> {
    if text.is_empty()
        || text
            .split('/')
            .any(|part| part.is_empty() || part == "." || part == "..")
    {
        return Err(HostError {
            status: None,
            message: format!("'{text}' cannot name a branch, tag or commit on GitHub"),
        });
    }
    Ok(percent_encoding::utf8_percent_encode(text, PATH).to_string())
}

/// What reading needs of the token.
const CONTENTS_READ: &str =
    "Contents: read (a fine-grained token or GitHub App; `repo` for a private repository with a classic token)";

fn read_error(err: FetchError, repo: &Repository) -> HostError {
    let status = match &err {
        FetchError::Unauthorized => Some(401),
        FetchError::Forbidden(_) => Some(403),
        FetchError::NotFound(_) => Some(404),
        FetchError::Unexpected { status, .. } => Some(*status),
        _ => None,
    };
    let message = match err {
        FetchError::Forbidden(url) => format!(
            "GitHub refused (403) {url}; the token needs {CONTENTS_READ} on {}/{}",
            repo.owner, repo.name
        ),
        other => other.to_string(),
    };
    HostError { status, message }
}

/// GitHub's own words on a refusal: its message and each error's code.
fn github_says(body: &[u8]) -> String {
    #[derive(Deserialize)]
    struct Refusal {
        #[serde(default)]
        message: String,
        #[serde(default)]
        errors: Vec<Value>,
    }
    let Ok(refusal) = serde_json::from_slice::<Refusal>(body) else {
        return String::new();
    };
    let codes: Vec<String> = refusal
        .errors
        .iter()
        .filter_map(|e| {
            let code = e.get("code")?.as_str()?;
            Some(match e.get("field").and_then(Value::as_str) {
                Some(field) => format!("{field} {code}"),
                None => code.to_owned(),
            })
        })
        .collect();
    match (refusal.message.is_empty(), codes.is_empty()) {
        (true, _) => String::new(),
        (false, true) => format!(": {}", refusal.message),
        (false, false) => format!(": {} ({})", refusal.message, codes.join(", ")),
    }
}

impl GitHubHost {
    /// Sends a write and parses a 2xx answer; anything else is a message naming the problem.
    async fn write<T: serde::de::DeserializeOwned>(
        &self,
        method: Write,
        repo: &Repository,
        path: &str,
        body: &Value,
        permission: &str,
    ) -> Result<T, HostError> {
        let answer = self
            .client(repo)?
            .send(method, path, body)
            .await
            .map_err(|err| HostError {
                status: None,
                message: format!("GitHub could not be reached: {err}"),
            })?;
        let name = format!("{}/{}", repo.owner, repo.name);
        let says = github_says(&answer.body);
        let status = Some(answer.status);
        let message = match answer.status {
            200..=299 => {
                return serde_json::from_slice(&answer.body).map_err(|err| HostError {
                    status,
                    message: format!("GitHub's answer could not be read: {err}"),
                })
            }
            401 => {
                "GitHub refused the credentials (401): check RELEASEDESK_GITHUB_TOKEN, or that the GitHub App is still installed".to_owned()
            }
            403 => format!("GitHub refused (403){says}; the token needs {permission} on {name}"),
            404 => format!(
                "GitHub answered 404{says}: {name} or what it names is not there, or the token \
                 cannot see it; it needs {permission}"
            ),
            422 => format!("GitHub refused the request (422){says}"),
            other => format!("GitHub answered {other}{says}"),
        };
        Err(HostError { status, message })
    }

    /// GETs a path, `None` on 404.
    async fn read<T: serde::de::DeserializeOwned>(
        &self,
        repo: &Repository,
        path: &str,
    ) -> Result<Option<T>, HostError> {
        match self.client(repo)?.get::<T>(path, None).await {
            Ok(Fetched::Fresh { value, .. }) => Ok(Some(value)),
            Ok(Fetched::NotModified) => Err(HostError {
                status: Some(304),
                message: format!("GitHub answered 304 to an unconditional GET {path}"),
            }),
            Err(FetchError::NotFound(_)) => Ok(None),
            Err(err) => Err(read_error(err, repo)),
        }
    }
}

fn host_release(release: payload::Release) -> HostRelease {
    HostRelease {
        id: release.id,
        tag: release.tag_name,
        name: release.name.unwrap_or_default(),
        body: release.body.unwrap_or_default(),
        html_url: release.html_url,
        draft: release.draft,
        prerelease: release.prerelease,
        created_at: release.created_at,
        published_at: release.published_at,
    }
}

#[derive(Deserialize)]
struct Branch {
    commit: payload::ObjectRef,
}

#[derive(Deserialize)]
struct RepositoryInfo {
    default_branch: String,
}

#[derive(Deserialize)]
struct Comparison {
    commits: Vec<ComparedCommit>,
}

#[derive(Deserialize)]
struct ComparedCommit {
    sha: String,
    commit: CommitMessage,
}

#[derive(Deserialize)]
struct CommitMessage {
    message: String,
}

#[derive(Deserialize)]
struct WrittenStatus {}

impl ReleaseHost for GitHubHost {
    fn release_by_tag<'a>(
        &'a self,
        repo: &'a Repository,
        tag: &'a str,
    ) -> HostFuture<'a, Option<HostRelease>> {
        Box::pin(async move {
            let path = format!("{}/releases/tags/{}", repo_path(repo), segment(tag)?);
            Ok(self
                .read::<payload::Release>(repo, &path)
                .await?
                .map(host_release))
        })
    }

    fn create_release<'a>(
        &'a self,
        repo: &'a Repository,
        release: &'a NewRelease,
    ) -> HostFuture<'a, HostRelease> {
        Box::pin(async move {
            let body = json!({
                "tag_name": release.tag,
                "name": release.name,
                "body": release.body,
                "draft": false,
                "prerelease": release.prerelease,
                "make_latest": if release.make_latest { "true" } else { "false" },
            });
            let path = format!("{}/releases", repo_path(repo));
            let made: payload::Release = self
                .write(Write::Post, repo, &path, &body, CONTENTS_WRITE)
                .await?;
            Ok(host_release(made))
        })
    }

    fn edit_release<'a>(
        &'a self,
        repo: &'a Repository,
        id: i64,
        edit: &'a ReleaseEdit,
    ) -> HostFuture<'a, HostRelease> {
        Box::pin(async move {
            let body = json!({ "prerelease": edit.prerelease, "body": edit.body });
            let path = format!("{}/releases/{id}", repo_path(repo));
            let edited: payload::Release = self
                .write(Write::Patch, repo, &path, &body, CONTENTS_WRITE)
                .await?;
            Ok(host_release(edited))
        })
    }

    fn branch_head<'a>(
        &'a self,
        repo: &'a Repository,
        branch: &'a str,
    ) -> HostFuture<'a, Option<String>> {
        Box::pin(async move {
            let path = format!("{}/branches/{}", repo_path(repo), segment(branch)?);
            Ok(self
                .read::<Branch>(repo, &path)
                .await?
                .map(|b| b.commit.sha))
        })
    }

    fn set_status<'a>(
        &'a self,
        repo: &'a Repository,
        sha: &'a str,
        status: &'a CommitStatus,
    ) -> HostFuture<'a, String> {
        Box::pin(async move {
            if self.writes_check_runs(repo) {
                let path = format!("{}/check-runs", repo_path(repo));
                let body = check_run(sha, status);
                self.write::<WrittenStatus>(Write::Post, repo, &path, &body, CHECKS_WRITE)
                    .await?;
                return Ok(format!("POST {path}"));
            }
            let body = json!({
                "state": status.state,
                "description": status.description,
                "context": status.context,
                "target_url": status.target_url,
            });
            let path = format!("{}/statuses/{}", repo_path(repo), segment(sha)?);
            self.write::<WrittenStatus>(Write::Post, repo, &path, &body, STATUSES_WRITE)
                .await?;
            Ok(format!("POST {path}"))
        })
    }

    fn default_branch<'a>(&'a self, repo: &'a Repository) -> HostFuture<'a, String> {
        Box::pin(async move {
            match self.read::<RepositoryInfo>(repo, &repo_path(repo)).await? {
                Some(info) => Ok(info.default_branch),
                None => Err(HostError {
                    status: Some(404),
                    message: format!("GitHub has no repository {}/{}", repo.owner, repo.name),
                }),
            }
        })
    }

    fn compare<'a>(
        &'a self,
        repo: &'a Repository,
        base: &'a str,
        head: &'a str,
    ) -> HostFuture<'a, Vec<HostCommit>> {
        Box::pin(async move {
            let mut next = Some(format!(
                "{}/compare/{}...{}?per_page=100",
                repo_path(repo),
                segment(base)?,
                segment(head)?
            ));
            let mut commits = Vec::new();
            let client = self.client(repo)?;
            // GitHub pages a long comparison's commits (100 at most per page): read them all,
            // up to a bound no release reaches.
            for _ in 0..MAX_COMPARE_PAGES {
                let Some(url) = next.take() else { break };
                match client.get::<Comparison>(&url, None).await {
                    Ok(Fetched::Fresh {
                        value, next: more, ..
                    }) => {
                        commits.extend(value.commits.into_iter().map(|c| HostCommit {
                            sha: c.sha,
                            message: c.commit.message,
                        }));
                        next = more;
                    }
                    Ok(Fetched::NotModified) => break,
                    Err(FetchError::NotFound(_)) => return Err(not_comparable(repo, base, head)),
                    Err(err) => return Err(read_error(err, repo)),
                }
            }
            Ok(commits)
        })
    }
}

/// GitHub has no such comparison: the base or the branch is not there.
fn not_comparable(repo: &Repository, base: &str, head: &str) -> HostError {
    HostError {
        status: Some(404),
        message: format!(
            "GitHub cannot compare {base}...{head} in {}/{}: is the branch pushed?",
            repo.owner, repo.name
        ),
    }
}

/// The gate as a check run: completed when every pre-release item is done, in progress while
/// some are open, with the open items in its summary.
fn check_run(sha: &str, status: &CommitStatus) -> Value {
    let done = status.state == "success";
    let mut run = json!({
        "name": status.context,
        "head_sha": sha,
        "status": if done { "completed" } else { "in_progress" },
        "output": { "title": status.description, "summary": status.summary },
    });
    if done {
        run["conclusion"] = json!("success");
    }
    if let Some(url) = &status.target_url {
        run["details_url"] = json!(url);
    }
    run
}

/// The service's [`Host`](app::service::host::Host) through our GitHub clients, with our
/// public address for the links statuses carry.
pub fn host_for(
    clients: Arc<GitHubClients>,
    public_url: Option<&url::Url>,
) -> app::service::host::Host {
    app::service::host::Host::new(
        Arc::new(GitHubHost::new(clients)),
        public_url.map(url::Url::to_string),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_stay_in_their_place_in_a_path() {
        let path = |text: &str| segment(text).map_err(|err| err.message);
        assert_eq!(path("release/v2.5.0").as_deref(), Ok("release/v2.5.0"));
        assert_eq!(path("a b?c#d%e+f").as_deref(), Ok("a%20b%3Fc%23d%25e%2Bf"));
        for bad in ["", "..", "a/../b", "./x", "a//b", "x/"] {
            assert!(path(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn refusals_carry_githubs_words() {
        let body = br#"{"message":"Validation Failed","errors":[{"resource":"Release","code":"already_exists","field":"tag_name"}]}"#;
        assert_eq!(
            github_says(body),
            ": Validation Failed (tag_name already_exists)"
        );
        assert_eq!(github_says(b"not json"), "");
    }
}
