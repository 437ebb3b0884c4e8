//! A fake GitHub REST API on loopback: releases, tags and git objects of the repositories a
//! test gives it, with pages, `Link`, ETags and 304s, rate-limit headers, a request log, and
//! faults injected on demand. The real octocrab client talks to it.

use std::{
    collections::{HashMap, VecDeque},
    hash::{DefaultHasher, Hash, Hasher},
    sync::{Arc, Mutex},
    time::Duration,
};

use axum::{
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode, Uri},
    response::{IntoResponse, Response},
    routing::get,
    Json, Router,
};
use serde_json::{json, Value};

pub mod app;
pub mod evidence;
pub mod writes;

/// A tag: lightweight, or annotated with its own object and tagger date.
#[derive(Clone, Debug)]
pub struct FakeTag {
    pub name: String,
    pub commit_sha: String,
    pub commit_date: String,
    pub annotated: Option<Annotation>,
}

#[derive(Clone, Debug)]
pub struct Annotation {
    pub tag_object_sha: String,
    pub tagger_date: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct FakeRepo {
    pub releases: Vec<Value>,
    pub tags: Vec<FakeTag>,
    /// Files for the contents API, by path; the same at every ref.
    pub files: HashMap<String, String>,
    pub evidence: evidence::FakeEvidence,
    /// What `GET /repos/{owner}/{repo}` names as the default branch; "main" when empty.
    pub default_branch: String,
    /// Branches and their head commit's sha.
    pub branches: HashMap<String, String>,
    /// The commits of a comparison, by its full `BASE...HEAD` text; `*...HEAD` answers for
    /// any base without an entry of its own.
    pub compares: HashMap<String, Vec<writes::FakeCommit>>,
    /// Commit statuses written: `{"sha", "state", "description", "context", "target_url"}`.
    pub statuses: Vec<Value>,
    /// `(tag, make_latest)` of every release created, `make_latest` as sent ("" when absent).
    pub make_latest: Vec<(String, String)>,
}

/// What the next request whose path contains the given text gets instead of its answer.
#[derive(Clone, Debug)]
pub enum Fault {
    Status(u16),
    /// A 200 whose JSON body stops half-way.
    Truncated,
    /// A 403 rate limit with `retry-after` seconds.
    RateLimited {
        retry_after: u64,
    },
    /// A normal answer whose `Link` header sends the next page to another origin.
    NextPageAt(String),
}

#[derive(Clone, Debug)]
pub struct LoggedRequest {
    pub path: String,
    pub status: u16,
    pub conditional: bool,
    /// Who asked: `installation N`, `token`, `jwt`, or `none`. Rate limits count per credential.
    pub credential: String,
}

#[derive(Default)]
struct State_ {
    repos: HashMap<String, FakeRepo>,
    faults: VecDeque<(String, Fault)>,
    delays: VecDeque<(String, Duration)>,
    log: Vec<LoggedRequest>,
    latency: Duration,
    app: app::AppState_,
}

type Shared = Arc<Mutex<State_>>;

pub struct FakeGitHub {
    pub url: String,
    /// The sign-in side: OAuth endpoints, users and their permissions.
    pub oauth: crate::fake_oauth::FakeOAuth,
    state: Shared,
}

impl FakeGitHub {
    pub async fn start() -> FakeGitHub {
        FakeGitHub::start_on("127.0.0.1:0").await
    }

    /// Starts on a given address (the end-to-end tests use a fixed port).
    pub async fn start_on(address: &str) -> FakeGitHub {
        let state = Shared::default();
        let oauth = crate::fake_oauth::FakeOAuth::default();
        let router = Router::new()
            .route("/repos/{owner}/{repo}/releases", get(releases))
            .route("/repos/{owner}/{repo}/tags", get(tags))
            .route("/repos/{owner}/{repo}/git/matching-refs/tags", get(refs))
            .route("/repos/{owner}/{repo}/git/tags/{sha}", get(tag_object))
            .route("/repos/{owner}/{repo}/git/commits/{sha}", get(commit))
            .route("/repos/{owner}/{repo}/contents/{*path}", get(contents))
            .merge(evidence::router())
            .merge(writes::router(&oauth))
            .merge(app::router(&oauth))
            .fallback(not_found)
            .layer(axum::middleware::from_fn_with_state(
                state.clone(),
                app::check_installation_token,
            ))
            .with_state(state.clone())
            .merge(oauth.router());
        let listener = tokio::net::TcpListener::bind(address)
            .await
            .expect("a free port");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        tokio::spawn(async move {
            axum::serve(listener, router)
                .await
                .expect("fake GitHub serves")
        });
        FakeGitHub { url, oauth, state }
    }

    fn with<R>(&self, f: impl FnOnce(&mut State_) -> R) -> R {
        f(&mut self.state.lock().expect("fake GitHub state"))
    }

    pub fn put_repo(&self, full_name: &str, repo: FakeRepo) {
        self.with(|s| s.repos.insert(full_name.to_owned(), repo));
    }

    pub fn edit_repo(&self, full_name: &str, edit: impl FnOnce(&mut FakeRepo)) {
        self.with(|s| {
            edit(
                s.repos
                    .get_mut(full_name)
                    .expect("repository is in the fake"),
            )
        });
    }

    pub fn inject(&self, path_contains: &str, fault: Fault) {
        self.with(|s| s.faults.push_back((path_contains.to_owned(), fault)));
    }

    /// The next request whose path contains the text is answered only after `delay`.
    pub fn delay(&self, path_contains: &str, delay: Duration) {
        self.with(|s| s.delays.push_back((path_contains.to_owned(), delay)));
    }

    pub fn set_latency(&self, latency: Duration) {
        self.with(|s| s.latency = latency);
    }

    /// Every request so far, and forgets them.
    pub fn take_log(&self) -> Vec<LoggedRequest> {
        self.with(|s| std::mem::take(&mut s.log))
    }
}

/// The real client, pointed at the fake, with short retries.
pub fn fetcher(
    fake: &FakeGitHub,
) -> releasedesk::github::Fetcher<releasedesk::github::OctocrabGitHub> {
    let url = url::Url::parse(&fake.url).expect("fake URL");
    let github =
        releasedesk::github::OctocrabGitHub::new(&url, Some("test-token")).expect("client");
    let settings = releasedesk::github::FetcherSettings {
        attempts: 3,
        backoff: Duration::from_millis(10),
        max_wait: Duration::from_secs(5),
    };
    releasedesk::github::Fetcher::new(github, settings)
}

/// The server's GitHub clients pointed at the fake: the personal token's, and an App's once
/// one is set up.
pub fn clients(fake: &FakeGitHub) -> Arc<releasedesk::github::GitHubClients> {
    let url = url::Url::parse(&fake.url).expect("fake URL");
    let settings = releasedesk::github::FetcherSettings {
        attempts: 3,
        backoff: Duration::from_millis(10),
        max_wait: Duration::from_secs(5),
    };
    Arc::new(releasedesk::github::GitHubClients::new(
        &url,
        Arc::new(fetcher(fake)),
        settings,
    ))
}

/// GitHub for the service's writes, through the real client pointed at the fake.
pub fn host(fake: &FakeGitHub) -> ::app::service::host::Host {
    host_through(clients(fake))
}

pub fn host_through(
    clients: Arc<releasedesk::github::GitHubClients>,
) -> ::app::service::host::Host {
    releasedesk::github::host::host_for(
        clients,
        Some(&url::Url::parse(crate::ORIGIN).expect("origin")),
    )
}

/// How the server under test reaches the fake: `clients`, and the fake as GitHub's web side.
pub fn site(
    fake: &FakeGitHub,
    clients: Arc<releasedesk::github::GitHubClients>,
) -> releasedesk::http::github_app::GitHubSite {
    let url = url::Url::parse(&fake.url).expect("fake URL");
    releasedesk::http::github_app::GitHubSite::new(
        clients,
        &url,
        &url,
        &url::Url::parse(crate::ORIGIN).expect("origin"),
    )
    .expect("GitHub site")
}

/// grafana/alloy's real tags from `shared/data`, annotated where they were.
pub fn alloy_repo() -> FakeRepo {
    let tags = crate::alloy_tags()
        .into_iter()
        .map(|tag| FakeTag {
            annotated: tag.tag_object_sha.clone().map(|sha| Annotation {
                tag_object_sha: sha,
                tagger_date: tag.tagger_date.clone(),
            }),
            name: tag.name,
            commit_sha: tag.commit_sha,
            commit_date: tag.commit_date,
        })
        .collect();
    FakeRepo {
        releases: Vec::new(),
        tags,
        ..FakeRepo::default()
    }
}

/// A release payload in GitHub's shape.
pub fn release(
    id: i64,
    tag: &str,
    draft: bool,
    prerelease: bool,
    published_at: Option<&str>,
) -> Value {
    json!({
        "id": id,
        "tag_name": tag,
        "name": format!("Release {tag}"),
        "body": format!("Notes for **{tag}**."),
        "html_url": format!("https://github.com/acme/widget/releases/tag/{tag}"),
        "draft": draft,
        "prerelease": prerelease,
        "created_at": published_at.unwrap_or("2026-01-01T00:00:00Z"),
        "published_at": published_at,
    })
}

#[derive(serde::Deserialize)]
struct PageQuery {
    per_page: Option<usize>,
    page: Option<usize>,
}

async fn releases(
    State(state): State<Shared>,
    Path((owner, repo)): Path<(String, String)>,
    Query(query): Query<PageQuery>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let page = repo_items(&state, &owner, &repo, |r| {
        page_of(&r.releases, &query, Value::clone)
    });
    answer_list(&state, &uri, &headers, page, &query).await
}

async fn tags(
    State(state): State<Shared>,
    Path((owner, repo)): Path<(String, String)>,
    Query(query): Query<PageQuery>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let page = repo_items(&state, &owner, &repo, |r| {
        page_of(
            &r.tags,
            &query,
            |t| json!({ "name": t.name, "commit": { "sha": t.commit_sha, "url": "" } }),
        )
    });
    answer_list(&state, &uri, &headers, page, &query).await
}

async fn refs(
    State(state): State<Shared>,
    Path((owner, repo)): Path<(String, String)>,
    Query(query): Query<PageQuery>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let page = repo_items(&state, &owner, &repo, |r| {
        page_of(&r.tags, &query, |t| {
            let (sha, kind) = match &t.annotated {
                Some(a) => (a.tag_object_sha.as_str(), "tag"),
                None => (t.commit_sha.as_str(), "commit"),
            };
            json!({ "ref": format!("refs/tags/{}", t.name), "object": { "sha": sha, "type": kind } })
        })
    });
    answer_list(&state, &uri, &headers, page, &query).await
}

async fn tag_object(
    State(state): State<Shared>,
    Path((owner, repo, sha)): Path<(String, String, String)>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let found = repo_items(&state, &owner, &repo, |r| {
        r.tags
            .iter()
            .filter_map(|t| t.annotated.as_ref().map(|a| (t, a)))
            .filter(|(_, a)| a.tag_object_sha == sha)
            .map(|(t, a)| {
                let tagger = a.tagger_date.as_ref().map(|d| json!({ "name": "Tagger", "date": d }));
                json!({ "sha": sha, "tag": t.name, "tagger": tagger, "object": { "sha": t.commit_sha, "type": "commit" } })
            })
            .collect()
    });
    answer_object(
        &state,
        &uri,
        &headers,
        found.and_then(|v: Vec<Value>| v.into_iter().next()),
    )
    .await
}

async fn commit(
    State(state): State<Shared>,
    Path((owner, repo, sha)): Path<(String, String, String)>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let found = repo_items(&state, &owner, &repo, |r| {
        r.tags
            .iter()
            .filter(|t| t.commit_sha == sha)
            .map(|t| json!({ "sha": sha, "committer": { "name": "Committer", "date": t.commit_date } }))
            .collect()
    });
    answer_object(
        &state,
        &uri,
        &headers,
        found.and_then(|v: Vec<Value>| v.into_iter().next()),
    )
    .await
}

/// A file as the contents API gives it: base64 in lines of 60, as GitHub wraps it.
async fn contents(
    State(state): State<Shared>,
    Path((owner, repo, path)): Path<(String, String, String)>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    use base64::Engine;
    let found = repo_items(&state, &owner, &repo, |r| r.files.get(&path).cloned()).flatten();
    let file = found.map(|text| {
        let encoded = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
        let lines: Vec<&str> = encoded
            .as_bytes()
            .chunks(60)
            .map(|chunk| std::str::from_utf8(chunk).unwrap_or_default())
            .collect();
        json!({ "type": "file", "path": path, "encoding": "base64", "content": lines.join("\n") })
    });
    answer_object(&state, &uri, &headers, file).await
}

async fn not_found(State(state): State<Shared>, uri: Uri, headers: HeaderMap) -> Response {
    answer_object(&state, &uri, &headers, None).await
}

fn repo_items<R>(
    state: &Shared,
    owner: &str,
    repo: &str,
    items: impl FnOnce(&FakeRepo) -> R,
) -> Option<R> {
    let state = state.lock().expect("fake GitHub state");
    state.repos.get(&format!("{owner}/{repo}")).map(items)
}

impl PageQuery {
    /// `(per_page, page)` as GitHub reads them: 30 by default, at most 100, pages from 1.
    fn bounds(&self) -> (usize, usize) {
        (
            self.per_page.unwrap_or(30).clamp(1, 100),
            self.page.unwrap_or(1).max(1),
        )
    }
}

/// The requested page of `items` as JSON, and how many items there are in all. Only the page
/// is turned into JSON, so that large repositories stay cheap to serve.
fn page_of<T>(
    items: &[T],
    query: &PageQuery,
    to_json: impl Fn(&T) -> Value,
) -> (Vec<Value>, usize) {
    let (per_page, page) = query.bounds();
    let page_items = items
        .iter()
        .skip((page - 1) * per_page)
        .take(per_page)
        .map(to_json)
        .collect();
    (page_items, items.len())
}

async fn answer_list(
    state: &Shared,
    uri: &Uri,
    headers: &HeaderMap,
    items: Option<(Vec<Value>, usize)>,
    query: &PageQuery,
) -> Response {
    answer_page(state, uri, headers, items, query, |page, _| {
        Value::Array(page)
    })
    .await
}

/// A page of a list as `wrap` puts it in a body (GitHub wraps some lists in an object with
/// their total), with `Link` to the next and last pages that keep the request's filters.
async fn answer_page(
    state: &Shared,
    uri: &Uri,
    headers: &HeaderMap,
    items: Option<(Vec<Value>, usize)>,
    query: &PageQuery,
    wrap: impl FnOnce(Vec<Value>, usize) -> Value,
) -> Response {
    let Some((page_items, total)) = items else {
        return answer_object(state, uri, headers, None).await;
    };
    let (per_page, page) = query.bounds();
    let last = total.div_ceil(per_page).max(1);
    let filters: String = uri
        .query()
        .unwrap_or_default()
        .split('&')
        .filter(|pair| {
            !pair.is_empty() && !pair.starts_with("page=") && !pair.starts_with("per_page=")
        })
        .map(|pair| format!("&{pair}"))
        .collect();
    let base = format!("{}?per_page={per_page}{filters}", uri.path());
    let mut links = Vec::new();
    if page < last {
        links.push(format!("<{{host}}{base}&page={}>; rel=\"next\"", page + 1));
        links.push(format!("<{{host}}{base}&page={last}>; rel=\"last\""));
    }
    let body = wrap(page_items, total);
    respond(state, uri, headers, StatusCode::OK, body, links).await
}

async fn answer_object(
    state: &Shared,
    uri: &Uri,
    headers: &HeaderMap,
    found: Option<Value>,
) -> Response {
    match found {
        Some(value) => respond(state, uri, headers, StatusCode::OK, value, Vec::new()).await,
        None => {
            let body = json!({ "message": "Not Found", "documentation_url": "https://docs.github.com/rest" });
            respond(state, uri, headers, StatusCode::NOT_FOUND, body, Vec::new()).await
        }
    }
}

/// Who a request comes from, as GitHub counts rate limits: per installation, else per token.
fn credential(s: &State_, headers: &HeaderMap) -> String {
    match app::installation_of(s, headers) {
        Ok(Some(installation)) => format!("installation {installation}"),
        Err(()) => "expired installation token".to_owned(),
        Ok(None) if headers.contains_key("authorization") => "token".to_owned(),
        Ok(None) => "none".to_owned(),
    }
}

async fn respond(
    state: &Shared,
    uri: &Uri,
    headers: &HeaderMap,
    status: StatusCode,
    body: Value,
    links: Vec<String>,
) -> Response {
    let path = uri
        .path_and_query()
        .map(ToString::to_string)
        .unwrap_or_default();
    let if_none_match = headers
        .get("if-none-match")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let host = headers
        .get("host")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("127.0.0.1")
        .to_owned();
    let (fault, latency, remaining, credential) = {
        let mut s = state.lock().expect("fake GitHub state");
        let position = s
            .faults
            .iter()
            .position(|(needle, _)| path.contains(needle.as_str()));
        let fault = position
            .and_then(|i| s.faults.remove(i))
            .map(|(_, fault)| fault);
        let position = s
            .delays
            .iter()
            .position(|(needle, _)| path.contains(needle.as_str()));
        let delay = position
            .and_then(|i| s.delays.remove(i))
            .map_or(Duration::ZERO, |(_, d)| d);
        let credential = credential(&s, headers);
        let spent = s
            .log
            .iter()
            .filter(|r| r.status != 304 && r.credential == credential)
            .count();
        (
            fault,
            s.latency + delay,
            5000usize.saturating_sub(spent + 1),
            credential,
        )
    };
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }

    let text = body.to_string();
    let etag = format!("W/\"{:016x}\"", {
        let mut hasher = DefaultHasher::new();
        text.hash(&mut hasher);
        hasher.finish()
    });
    let link_origin = match &fault {
        Some(Fault::NextPageAt(origin)) => origin.clone(),
        _ => format!("http://{host}"),
    };
    let response = match fault {
        Some(Fault::Status(code)) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_GATEWAY);
            (status, "fault injected by the fake").into_response()
        }
        Some(Fault::Truncated) => {
            let cut = &text[..text.len() / 2];
            (
                StatusCode::OK,
                [("content-type", "application/json")],
                cut.to_owned(),
            )
                .into_response()
        }
        Some(Fault::RateLimited { retry_after }) => (
            StatusCode::FORBIDDEN,
            [
                ("retry-after", retry_after.to_string()),
                ("x-ratelimit-remaining", "0".to_owned()),
            ],
            Json(json!({ "message": "API rate limit exceeded" })),
        )
            .into_response(),
        None | Some(Fault::NextPageAt(_))
            if status == StatusCode::OK && if_none_match.as_deref() == Some(etag.as_str()) =>
        {
            (StatusCode::NOT_MODIFIED, [("etag", etag.clone())]).into_response()
        }
        None | Some(Fault::NextPageAt(_)) => {
            let mut response = (status, Json(body)).into_response();
            let headers = response.headers_mut();
            if status == StatusCode::OK {
                headers.insert("etag", etag.parse().expect("etag header"));
            }
            if !links.is_empty() {
                let link = links.join(", ").replace("{host}", &link_origin);
                headers.insert("link", link.parse().expect("link header"));
            }
            response
        }
    };
    let mut response = response;
    response.headers_mut().insert(
        "x-ratelimit-remaining",
        remaining.to_string().parse().expect("number"),
    );
    let logged = LoggedRequest {
        path: path.clone(),
        status: response.status().as_u16(),
        conditional: if_none_match.is_some(),
        credential,
    };
    state.lock().expect("fake GitHub state").log.push(logged);
    response
}
