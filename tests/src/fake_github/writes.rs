//! What Release Desk writes to GitHub and reads before it writes: the repository (its default
//! branch), branches, comparisons, commit statuses, and releases created, read by tag and
//! edited. Every body starts from GitHub's own example (`tests/fixtures/github/`) and changes
//! only what ties it to the request.
//!
//! A write checks the injected faults before it changes anything: a request answered with an
//! injected status leaves the fake as it was, as GitHub does when it refuses one.

use std::hash::{DefaultHasher, Hash, Hasher};

use axum::{
    body::Bytes,
    extract::{Path, State},
    http::{HeaderMap, StatusCode, Uri},
    response::{IntoResponse, Response},
    routing::{get, patch, post},
    Json, Router,
};
use chrono::{SecondsFormat, Utc};
use serde_json::{json, Value};

use super::{answer_object, repo_items, respond, FakeGitHub, Fault, LoggedRequest, Shared};
use crate::fake_oauth::FakeOAuth;

const RELEASE: &str = include_str!("../../fixtures/github/release.json");
const COMMIT_STATUS: &str = include_str!("../../fixtures/github/commit-status.json");
const COMPARE: &str = include_str!("../../fixtures/github/compare.json");
const BRANCH: &str = include_str!("../../fixtures/github/branch.json");
const VALIDATION_FAILED: &str = include_str!("../../fixtures/github/validation-failed.json");

const STATES: [&str; 4] = ["error", "failure", "pending", "success"];

/// A commit of a comparison: what Release Desk reads of it.
#[derive(Clone, Debug, Default)]
pub struct FakeCommit {
    pub sha: String,
    pub message: String,
}

impl FakeCommit {
    pub fn new(sha: &str, message: &str) -> FakeCommit {
        FakeCommit {
            sha: sha.to_owned(),
            message: message.to_owned(),
        }
    }
}

impl FakeGitHub {
    /// Points `branch` (which may hold `/`) of a repository in the fake at `sha`.
    pub fn put_branch(&self, full_name: &str, branch: &str, sha: &str) {
        self.edit_repo(full_name, |r| {
            r.branches.insert(branch.to_owned(), sha.to_owned());
        });
    }

    /// The commits `GET /compare/{basehead}` lists for `basehead` (`BASE...HEAD`), oldest first.
    pub fn put_compare(&self, full_name: &str, basehead: &str, commits: Vec<FakeCommit>) {
        self.edit_repo(full_name, |r| {
            r.compares.insert(basehead.to_owned(), commits);
        });
    }

    /// The commit statuses written to a repository, oldest first.
    pub fn statuses(&self, full_name: &str) -> Vec<Value> {
        self.with(|s| {
            s.repos
                .get(full_name)
                .map(|r| r.statuses.clone())
                .unwrap_or_default()
        })
    }

    /// The release of `tag` as the fake holds it, drafts included.
    pub fn release_by_tag(&self, full_name: &str, tag: &str) -> Option<Value> {
        self.with(|s| {
            s.repos
                .get(full_name)?
                .releases
                .iter()
                .find(|r| r["tag_name"] == tag)
                .cloned()
        })
    }

    /// `(tag, make_latest)` of every release created through the API, in order; `make_latest`
    /// as the request sent it, "" when it sent none.
    pub fn releases_made(&self, full_name: &str) -> Vec<(String, String)> {
        self.with(|s| {
            s.repos
                .get(full_name)
                .map(|r| r.make_latest.clone())
                .unwrap_or_default()
        })
    }
}

/// The routes of the repository, its branches and comparisons, statuses and release writes.
/// `GET /repos/{owner}/{repo}` is served here, with the caller's permissions from `oauth`.
pub(super) fn router(oauth: &FakeOAuth) -> Router<Shared> {
    let oauth = oauth.clone();
    Router::new()
        .route(
            "/repos/{owner}/{repo}",
            get(
                move |state: State<Shared>, path: Path<(String, String)>, uri, headers| {
                    get_repository(oauth.clone(), state, path, uri, headers)
                },
            ),
        )
        .route("/repos/{owner}/{repo}/branches/{*branch}", get(get_branch))
        .route("/repos/{owner}/{repo}/compare/{*basehead}", get(compare))
        .route("/repos/{owner}/{repo}/statuses/{sha}", post(create_status))
        .route(
            "/repos/{owner}/{repo}/releases/tags/{*tag}",
            get(get_release_by_tag),
        )
        .route("/repos/{owner}/{repo}/releases", post(create_release))
        .route("/repos/{owner}/{repo}/releases/{id}", patch(update_release))
}

fn example(text: &str) -> Value {
    serde_json::from_str(text).expect("GitHub's example parses")
}

fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// GitHub's error body: its message, the documentation of the operation, and the status.
fn github_error(status: StatusCode, message: &str, documentation_url: &str) -> Value {
    json!({
        "message": message,
        "documentation_url": documentation_url,
        "status": status.as_u16().to_string(),
    })
}

/// A 422 for a request field GitHub would not accept.
fn validation_failed(resource: &str, field: &str, code: &str, documentation_url: &str) -> Value {
    json!({
        "message": "Validation Failed",
        "errors": [{ "resource": resource, "code": code, "field": field }],
        "documentation_url": documentation_url,
        "status": "422",
    })
}

/// The answer to a request that meets an injected [`Fault::Status`], in GitHub's words; the
/// fault is used up and the request logged. Other faults are left to [`respond`].
fn injected_status(state: &Shared, uri: &Uri, headers: &HeaderMap) -> Option<Response> {
    let path = uri
        .path_and_query()
        .map(ToString::to_string)
        .unwrap_or_default();
    let mut s = state.lock().expect("fake GitHub state");
    let position = s
        .faults
        .iter()
        .position(|(needle, _)| path.contains(needle.as_str()))?;
    let Fault::Status(code) = s.faults[position].1 else {
        return None;
    };
    s.faults.remove(position);
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_GATEWAY);
    let message = match status {
        StatusCode::UNAUTHORIZED => "Bad credentials",
        StatusCode::FORBIDDEN => "Resource not accessible by personal access token",
        StatusCode::NOT_FOUND => "Not Found",
        StatusCode::UNPROCESSABLE_ENTITY => "Validation Failed",
        other => other.canonical_reason().unwrap_or("Server Error"),
    };
    let body = github_error(status, message, "https://docs.github.com/rest");
    let credential = super::credential(&s, headers);
    let spent = s
        .log
        .iter()
        .filter(|r| r.status != 304 && r.credential == credential)
        .count();
    s.log.push(LoggedRequest {
        path,
        status: status.as_u16(),
        conditional: headers.contains_key("if-none-match"),
        credential,
    });
    let mut response = (status, Json(body)).into_response();
    let remaining = 5000usize.saturating_sub(spent + 1);
    response.headers_mut().insert(
        "x-ratelimit-remaining",
        remaining.to_string().parse().expect("number"),
    );
    Some(response)
}

/// The request's JSON object, or GitHub's 400 for a body that is not one.
fn json_object(body: &Bytes) -> Result<Value, Value> {
    match serde_json::from_slice::<Value>(body) {
        Ok(value) if value.is_object() => Ok(value),
        _ => Err(json!({
            "message": "Problems parsing JSON",
            "documentation_url": "https://docs.github.com/rest",
            "status": "400",
        })),
    }
}

/// A repository, with the caller's `permissions` when its token is a signed-in user's. Every
/// repository exists, in the fake or not (the sign-in tests ask about ones it does not hold).
async fn get_repository(
    oauth: FakeOAuth,
    State(state): State<Shared>,
    Path((owner, repo)): Path<(String, String)>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    if let Some(refused) = injected_status(&state, &uri, &headers) {
        return refused;
    }
    if oauth.refuses(&headers) {
        let body = json!({ "message": "Bad credentials", "documentation_url": "https://docs.github.com/rest" });
        return respond(
            &state,
            &uri,
            &headers,
            StatusCode::UNAUTHORIZED,
            body,
            Vec::new(),
        )
        .await;
    }
    let full_name = format!("{owner}/{repo}");
    let default_branch = repo_items(&state, &owner, &repo, |r| r.default_branch.clone())
        .filter(|branch| !branch.is_empty())
        .unwrap_or_else(|| "main".to_owned());
    let id = {
        let mut hasher = DefaultHasher::new();
        full_name.hash(&mut hasher);
        hasher.finish() % 1_000_000_000 + 1
    };
    let mut body = json!({
        "id": id,
        "name": repo,
        "full_name": full_name,
        "owner": { "login": owner },
        "html_url": format!("https://github.com/{full_name}"),
        "default_branch": default_branch,
    });
    if let Some(permissions) = oauth.permissions_on(&headers, &full_name) {
        body["permissions"] = permissions;
    }
    respond(&state, &uri, &headers, StatusCode::OK, body, Vec::new()).await
}

async fn get_branch(
    State(state): State<Shared>,
    Path((owner, repo, branch)): Path<(String, String, String)>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    if let Some(refused) = injected_status(&state, &uri, &headers) {
        return refused;
    }
    let Some(head) = repo_items(&state, &owner, &repo, |r| r.branches.get(&branch).cloned()) else {
        return answer_object(&state, &uri, &headers, None).await;
    };
    let Some(sha) = head else {
        let body = github_error(
            StatusCode::NOT_FOUND,
            "Branch not found",
            "https://docs.github.com/rest/branches/branches#get-a-branch",
        );
        return respond(
            &state,
            &uri,
            &headers,
            StatusCode::NOT_FOUND,
            body,
            Vec::new(),
        )
        .await;
    };
    let mut body = example(BRANCH);
    body["name"] = json!(branch);
    body["commit"]["sha"] = json!(sha);
    body["_links"] = json!({
        "self": format!("https://api.github.com/repos/{owner}/{repo}/branches/{branch}"),
        "html": format!("https://github.com/{owner}/{repo}/tree/{branch}"),
    });
    respond(&state, &uri, &headers, StatusCode::OK, body, Vec::new()).await
}

/// The commits of `BASE...HEAD`, all on one page.
async fn compare(
    State(state): State<Shared>,
    Path((owner, repo, basehead)): Path<(String, String, String)>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    if let Some(refused) = injected_status(&state, &uri, &headers) {
        return refused;
    }
    let found = repo_items(&state, &owner, &repo, |r| {
        // `*...HEAD` stands for any base: the same commits, whatever was released since.
        let any_base = basehead
            .split_once("...")
            .map(|(_, head)| format!("*...{head}"));
        r.compares
            .get(&basehead)
            .or_else(|| any_base.and_then(|key| r.compares.get(&key)))
            .cloned()
    })
    .flatten();
    let comparison = found.map(|commits| {
        let mut comparison = example(COMPARE);
        let template = comparison["commits"][0].clone();
        let listed: Vec<Value> = commits
            .iter()
            .map(|c| {
                let mut commit = template.clone();
                commit["sha"] = json!(c.sha);
                commit["commit"]["message"] = json!(c.message);
                commit
            })
            .collect();
        comparison["status"] = json!("ahead");
        comparison["ahead_by"] = json!(listed.len());
        comparison["behind_by"] = json!(0);
        comparison["total_commits"] = json!(listed.len());
        comparison["commits"] = Value::Array(listed);
        comparison
    });
    answer_object(&state, &uri, &headers, comparison).await
}

async fn create_status(
    State(state): State<Shared>,
    Path((owner, repo, sha)): Path<(String, String, String)>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    const DOCS: &str = "https://docs.github.com/rest/commits/statuses#create-a-commit-status";
    if let Some(refused) = injected_status(&state, &uri, &headers) {
        return refused;
    }
    let request = match json_object(&body) {
        Ok(request) => request,
        Err(body) => {
            return respond(
                &state,
                &uri,
                &headers,
                StatusCode::BAD_REQUEST,
                body,
                Vec::new(),
            )
            .await
        }
    };
    let valid = request["state"]
        .as_str()
        .is_some_and(|s| STATES.contains(&s));
    if !valid {
        let code = if request.get("state").is_some() {
            "invalid"
        } else {
            "missing_field"
        };
        let body = validation_failed("Status", "state", code, DOCS);
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return respond(&state, &uri, &headers, status, body, Vec::new()).await;
    }
    let field = |name: &str| request.get(name).cloned().unwrap_or(Value::Null);
    let recorded = json!({
        "sha": sha,
        "state": field("state"),
        "description": field("description"),
        "context": field("context"),
        "target_url": field("target_url"),
    });
    let written = {
        let mut s = state.lock().expect("fake GitHub state");
        s.repos.get_mut(&format!("{owner}/{repo}")).map(|fake| {
            fake.statuses.push(recorded);
            fake.statuses.len()
        })
    };
    let Some(id) = written else {
        return answer_object(&state, &uri, &headers, None).await;
    };
    let mut answer = example(COMMIT_STATUS);
    answer["id"] = json!(id);
    answer["url"] = json!(format!(
        "https://api.github.com/repos/{owner}/{repo}/statuses/{sha}"
    ));
    answer["state"] = field("state");
    answer["description"] = field("description");
    answer["target_url"] = field("target_url");
    // GitHub's default context.
    answer["context"] = match request["context"].as_str() {
        Some(context) => json!(context),
        None => json!("default"),
    };
    answer["created_at"] = json!(now());
    answer["updated_at"] = answer["created_at"].clone();
    respond(
        &state,
        &uri,
        &headers,
        StatusCode::CREATED,
        answer,
        Vec::new(),
    )
    .await
}

/// A published release (or prerelease) of a tag; drafts have no tag to be found by.
async fn get_release_by_tag(
    State(state): State<Shared>,
    Path((owner, repo, tag)): Path<(String, String, String)>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    if let Some(refused) = injected_status(&state, &uri, &headers) {
        return refused;
    }
    let found = repo_items(&state, &owner, &repo, |r| {
        r.releases
            .iter()
            .find(|release| release["tag_name"] == tag.as_str() && release["draft"] != true)
            .cloned()
    })
    .flatten();
    match found {
        Some(release) => respond(&state, &uri, &headers, StatusCode::OK, release, Vec::new()).await,
        None => {
            let body = github_error(
                StatusCode::NOT_FOUND,
                "Not Found",
                "https://docs.github.com/rest/releases/releases#get-a-release-by-tag-name",
            );
            respond(
                &state,
                &uri,
                &headers,
                StatusCode::NOT_FOUND,
                body,
                Vec::new(),
            )
            .await
        }
    }
}

/// GitHub's release for a create request, before it has an id.
fn new_release(owner: &str, repo: &str, id: i64, request: &Value, default_branch: &str) -> Value {
    let tag = request["tag_name"].as_str().unwrap_or_default();
    let draft = request["draft"].as_bool().unwrap_or(false);
    let api = format!("https://api.github.com/repos/{owner}/{repo}");
    let created = now();
    let mut release = example(RELEASE);
    release["id"] = json!(id);
    release["url"] = json!(format!("{api}/releases/{id}"));
    release["assets_url"] = json!(format!("{api}/releases/{id}/assets"));
    release["upload_url"] = json!(format!(
        "https://uploads.github.com/repos/{owner}/{repo}/releases/{id}/assets{{?name,label}}"
    ));
    release["html_url"] = json!(format!(
        "https://github.com/{owner}/{repo}/releases/tag/{tag}"
    ));
    release["tarball_url"] = json!(format!("{api}/tarball/{tag}"));
    release["zipball_url"] = json!(format!("{api}/zipball/{tag}"));
    release["discussion_url"] = Value::Null;
    release["tag_name"] = json!(tag);
    release["target_commitish"] = match request["target_commitish"].as_str() {
        Some(target) => json!(target),
        None => json!(default_branch),
    };
    release["name"] = request.get("name").cloned().unwrap_or(Value::Null);
    release["body"] = request.get("body").cloned().unwrap_or(Value::Null);
    release["draft"] = json!(draft);
    release["prerelease"] = json!(request["prerelease"].as_bool().unwrap_or(false));
    release["created_at"] = json!(created);
    release["published_at"] = if draft { Value::Null } else { json!(created) };
    release["assets"] = json!([]);
    release
}

/// Creates a release, or refuses with GitHub's 422 when its tag already has one. The check and
/// the insert happen under one lock, so of two requests for a tag only one succeeds.
async fn create_release(
    State(state): State<Shared>,
    Path((owner, repo)): Path<(String, String)>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    const DOCS: &str = "https://docs.github.com/rest/releases/releases#create-a-release";
    if let Some(refused) = injected_status(&state, &uri, &headers) {
        return refused;
    }
    let request = match json_object(&body) {
        Ok(request) => request,
        Err(body) => {
            return respond(
                &state,
                &uri,
                &headers,
                StatusCode::BAD_REQUEST,
                body,
                Vec::new(),
            )
            .await
        }
    };
    let Some(tag) = request["tag_name"].as_str().map(str::to_owned) else {
        let body = validation_failed("Release", "tag_name", "missing_field", DOCS);
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return respond(&state, &uri, &headers, status, body, Vec::new()).await;
    };
    let make_latest = match request.get("make_latest") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(text)) => text.clone(),
        Some(other) => other.to_string(),
    };
    let made = {
        let mut s = state.lock().expect("fake GitHub state");
        match s.repos.get_mut(&format!("{owner}/{repo}")) {
            None => None,
            Some(fake) if fake.releases.iter().any(|r| r["tag_name"] == tag.as_str()) => {
                Some(Err(example(VALIDATION_FAILED)))
            }
            Some(fake) => {
                let id = fake
                    .releases
                    .iter()
                    .filter_map(|r| r["id"].as_i64())
                    .max()
                    .unwrap_or(0)
                    + 1;
                let default_branch = match fake.default_branch.as_str() {
                    "" => "main",
                    branch => branch,
                };
                let release = new_release(&owner, &repo, id, &request, default_branch);
                fake.releases.push(release.clone());
                fake.make_latest.push((tag, make_latest));
                Some(Ok(release))
            }
        }
    };
    match made {
        None => answer_object(&state, &uri, &headers, None).await,
        Some(Ok(release)) => {
            respond(
                &state,
                &uri,
                &headers,
                StatusCode::CREATED,
                release,
                Vec::new(),
            )
            .await
        }
        Some(Err(refusal)) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            respond(&state, &uri, &headers, status, refusal, Vec::new()).await
        }
    }
}

/// Changes what the request names of a release: `body`, `prerelease`, `name`, `draft`.
async fn update_release(
    State(state): State<Shared>,
    Path((owner, repo, id)): Path<(String, String, String)>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Some(refused) = injected_status(&state, &uri, &headers) {
        return refused;
    }
    let request = match json_object(&body) {
        Ok(request) => request,
        Err(body) => {
            return respond(
                &state,
                &uri,
                &headers,
                StatusCode::BAD_REQUEST,
                body,
                Vec::new(),
            )
            .await
        }
    };
    let Ok(id) = id.parse::<i64>() else {
        return answer_object(&state, &uri, &headers, None).await;
    };
    let edited = {
        let mut s = state.lock().expect("fake GitHub state");
        s.repos
            .get_mut(&format!("{owner}/{repo}"))
            .and_then(|fake| fake.releases.iter_mut().find(|r| r["id"] == id))
            .map(|release| {
                for field in ["body", "prerelease", "name", "draft"] {
                    if let Some(value) = request.get(field) {
                        release[field] = value.clone();
                    }
                }
                if release["draft"] == false && release["published_at"].is_null() {
                    release["published_at"] = json!(now());
                }
                release.clone()
            })
    };
    answer_object(&state, &uri, &headers, edited).await
}
