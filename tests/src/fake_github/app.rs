//! GitHub App mode in the fake: the manifest flow (the web page that takes a manifest, then the
//! code's conversion), JWT-authenticated installation tokens that expire, installation tokens
//! checked on every repository request, check runs, and the installation webhooks GitHub sends.
//! Bodies start from GitHub's own examples (`tests/fixtures/github/`).

use std::collections::HashMap;

use axum::{
    extract::{Path, Query, Request, State},
    http::{HeaderMap, StatusCode, Uri},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
    routing::post,
    Form, Json, Router,
};
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde::Deserialize;
use serde_json::{json, Value};

use super::{FakeGitHub, LoggedRequest, Shared};
use crate::fake_oauth::FakeOAuth;

const CONVERSION: &str = include_str!("../../fixtures/github/app-manifest-conversion.json");
const PUBLIC_KEY: &str = include_str!("../../fixtures/github/app-public-key.pem");
const INSTALLATION_TOKEN: &str = include_str!("../../fixtures/github/installation-token.json");
const CHECK_RUN: &str = include_str!("../../fixtures/github/check-run.json");
const INSTALLATION_CREATED: &str =
    include_str!("../../fixtures/github/webhook-installation-created.json");
const INSTALLATION_DELETED: &str =
    include_str!("../../fixtures/github/webhook-installation-deleted.json");
const REPOSITORIES_ADDED: &str =
    include_str!("../../fixtures/github/webhook-installation-repositories-added.json");
const REPOSITORIES_REMOVED: &str =
    include_str!("../../fixtures/github/webhook-installation-repositories-removed.json");

/// The App made from a manifest, as GitHub keeps it.
#[derive(Clone, Debug)]
pub struct FakeApp {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub client_id: String,
    pub client_secret: String,
    pub webhook_secret: String,
    /// The manifest as posted.
    pub manifest: Value,
}

#[derive(Clone, Debug)]
struct Installation {
    repositories: Vec<String>,
}

#[derive(Clone, Debug)]
struct IssuedToken {
    installation: i64,
    expires_at: DateTime<Utc>,
    revoked: bool,
}

#[derive(Debug)]
pub(super) struct AppState_ {
    app: Option<FakeApp>,
    /// Codes of the manifest flow not yet converted, with their manifest and owner.
    codes: HashMap<String, (Value, Option<String>)>,
    installations: HashMap<i64, Installation>,
    tokens: HashMap<String, IssuedToken>,
    token_lifetime: Duration,
    minted: u64,
    /// Check runs created, by repository: the request's body.
    check_runs: HashMap<String, Vec<Value>>,
    /// JWTs refused, with why.
    refused_jwts: Vec<String>,
    apps_made: i64,
    codes_made: u64,
}

impl Default for AppState_ {
    fn default() -> Self {
        AppState_ {
            app: None,
            codes: HashMap::new(),
            installations: HashMap::new(),
            tokens: HashMap::new(),
            token_lifetime: Duration::hours(1),
            minted: 0,
            check_runs: HashMap::new(),
            refused_jwts: Vec::new(),
            apps_made: 0,
            codes_made: 0,
        }
    }
}

pub(super) fn router(oauth: &FakeOAuth) -> Router<Shared> {
    let oauth = oauth.clone();
    Router::new()
        .route("/settings/apps/new", post(new_app))
        .route(
            "/organizations/{org}/settings/apps/new",
            post(new_organization_app),
        )
        .route(
            "/app-manifests/{code}/conversions",
            post(move |state: State<Shared>, path: Path<String>| {
                convert(oauth.clone(), state, path)
            }),
        )
        .route("/app/installations/{id}/access_tokens", post(access_token))
        .route("/repos/{owner}/{repo}/check-runs", post(create_check_run))
}

impl FakeGitHub {
    /// The App made from a manifest, once the flow has run.
    pub fn app(&self) -> Option<FakeApp> {
        self.with(|s| s.app.app.clone())
    }

    /// Installs the App with `repositories` (`owner/name`), as GitHub does when a person
    /// installs it; the webhook is for the test to deliver ([`Self::installation_webhook`]).
    pub fn install_app(&self, installation: i64, repositories: &[&str]) {
        self.with(|s| {
            s.app.installations.insert(
                installation,
                Installation {
                    repositories: repositories.iter().map(|r| (*r).to_owned()).collect(),
                },
            )
        });
    }

    /// Takes repositories from an installation.
    pub fn remove_from_installation(&self, installation: i64, repositories: &[&str]) {
        self.with(|s| {
            if let Some(i) = s.app.installations.get_mut(&installation) {
                i.repositories
                    .retain(|r| !repositories.contains(&r.as_str()));
            }
        });
    }

    /// How long the installation tokens minted from now on last.
    pub fn set_token_lifetime(&self, lifetime: Duration) {
        self.with(|s| s.app.token_lifetime = lifetime);
    }

    /// Revokes every installation token issued so far: the next request with one gets 401.
    pub fn revoke_installation_tokens(&self) {
        self.with(|s| s.app.tokens.values_mut().for_each(|t| t.revoked = true));
    }

    /// Installation tokens minted so far.
    pub fn minted_tokens(&self) -> u64 {
        self.with(|s| s.app.minted)
    }

    /// Why JWTs were refused, oldest first.
    pub fn refused_jwts(&self) -> Vec<String> {
        self.with(|s| s.app.refused_jwts.clone())
    }

    /// The check runs created on a repository: their request bodies, oldest first.
    pub fn check_runs(&self, full_name: &str) -> Vec<Value> {
        self.with(|s| s.app.check_runs.get(full_name).cloned().unwrap_or_default())
    }

    /// An installation webhook as GitHub sends it for the App: `(event, body)`. `action` is
    /// `created` or `deleted` (event `installation`), `added` or `removed`
    /// (`installation_repositories`); `repositories` are `owner/name`.
    pub fn installation_webhook(
        &self,
        action: &str,
        installation: i64,
        account: &str,
        repositories: &[&str],
    ) -> (&'static str, String) {
        let app_id = self.app().map_or(0, |app| app.id);
        let (event, example, list) = match action {
            "created" => ("installation", INSTALLATION_CREATED, "repositories"),
            "deleted" => ("installation", INSTALLATION_DELETED, "repositories"),
            "added" => (
                "installation_repositories",
                REPOSITORIES_ADDED,
                "repositories_added",
            ),
            "removed" => (
                "installation_repositories",
                REPOSITORIES_REMOVED,
                "repositories_removed",
            ),
            other => panic!("no installation webhook for {other}"),
        };
        let mut body: Value = serde_json::from_str(example).expect("GitHub's example parses");
        body["installation"]["id"] = json!(installation);
        body["installation"]["app_id"] = json!(app_id);
        body["installation"]["account"]["login"] = json!(account);
        let template = body[list]
            .as_array()
            .and_then(|l| l.first())
            .cloned()
            .or_else(|| {
                // The removed example lists none added, and the other way round: take the
                // shape from the other list.
                ["repositories_added", "repositories_removed", "repositories"]
                    .iter()
                    .find_map(|other| body[*other].as_array().and_then(|l| l.first()).cloned())
            })
            .expect("the example lists a repository");
        body[list] = repositories
            .iter()
            .enumerate()
            .map(|(i, full_name)| {
                let mut repo = template.clone();
                let name = full_name.split_once('/').map_or(*full_name, |(_, n)| n);
                repo["id"] = json!(1000 + i);
                repo["name"] = json!(name);
                repo["full_name"] = json!(full_name);
                repo
            })
            .collect();
        (event, body.to_string())
    }
}

#[derive(Deserialize)]
struct StateQuery {
    state: Option<String>,
}

#[derive(Deserialize)]
struct ManifestForm {
    manifest: String,
}

/// GitHub's page that takes a manifest: the person confirms (here at once) and GitHub sends
/// them to the manifest's `redirect_url` with a code.
async fn new_app(
    state: State<Shared>,
    query: Query<StateQuery>,
    form: Form<ManifestForm>,
) -> Response {
    manifest_posted(state, None, query, form)
}

async fn new_organization_app(
    state: State<Shared>,
    Path(org): Path<String>,
    query: Query<StateQuery>,
    form: Form<ManifestForm>,
) -> Response {
    manifest_posted(state, Some(org), query, form)
}

fn manifest_posted(
    State(state): State<Shared>,
    organization: Option<String>,
    Query(query): Query<StateQuery>,
    Form(form): Form<ManifestForm>,
) -> Response {
    let Ok(manifest) = serde_json::from_str::<Value>(&form.manifest) else {
        return (
            StatusCode::UNPROCESSABLE_ENTITY,
            "Invalid GitHub App configuration",
        )
            .into_response();
    };
    let Some(redirect) = manifest["redirect_url"].as_str().map(str::to_owned) else {
        return (StatusCode::UNPROCESSABLE_ENTITY, "redirect_url is missing").into_response();
    };
    let code = {
        let mut s = state.lock().expect("fake GitHub state");
        s.app.codes_made += 1;
        let code = format!("fakecode{}", s.app.codes_made);
        s.app.codes.insert(code.clone(), (manifest, organization));
        code
    };
    let state_param: String = query
        .state
        .map(|s| form_urlencoded::byte_serialize(s.as_bytes()).collect())
        .unwrap_or_default();
    Redirect::to(&format!("{redirect}?code={code}&state={state_param}")).into_response()
}

/// `POST /app-manifests/{code}/conversions`: the App's credentials, once per code.
async fn convert(
    oauth: FakeOAuth,
    State(state): State<Shared>,
    Path(code): Path<String>,
) -> Response {
    let mut s = state.lock().expect("fake GitHub state");
    let Some((manifest, organization)) = s.app.codes.remove(&code) else {
        return (
            StatusCode::NOT_FOUND,
            Json(json!({ "message": "Not Found" })),
        )
            .into_response();
    };
    let mut body: Value = serde_json::from_str(CONVERSION).expect("GitHub's example parses");
    let name = manifest["name"]
        .as_str()
        .unwrap_or("Octocat App")
        .to_owned();
    let slug: String = name
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    body["name"] = json!(name);
    body["slug"] = json!(slug);
    body["html_url"] = json!(format!("https://github.com/apps/{slug}"));
    if let Some(org) = &organization {
        body["owner"]["login"] = json!(org);
        body["owner"]["type"] = json!("Organization");
    }
    // Each manifest makes a new App: GitHub's example's id, then the next ones.
    let id = body["id"].as_i64().unwrap_or(1) + s.app.apps_made;
    s.app.apps_made += 1;
    body["id"] = json!(id);
    let app = FakeApp {
        id,
        slug,
        name,
        client_id: body["client_id"].as_str().unwrap_or_default().to_owned(),
        client_secret: body["client_secret"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        webhook_secret: body["webhook_secret"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        manifest,
    };
    oauth.add_app_client(&app.client_id, &app.client_secret);
    s.app.app = Some(app);
    (StatusCode::CREATED, Json(body)).into_response()
}

/// Checks an App JWT as GitHub does: RS256 with the App's public key, issued by the App,
/// not from the future, not expired, at most 10 minutes long.
fn check_jwt(headers: &HeaderMap, app_id: i64) -> Result<(), String> {
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or("no bearer token")?;
    let key = jsonwebtoken::DecodingKey::from_rsa_pem(PUBLIC_KEY.as_bytes())
        .map_err(|err| format!("the fake's public key: {err}"))?;
    let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
    validation.leeway = 0;
    validation.set_required_spec_claims(&["exp", "iat", "iss"]);
    validation.set_issuer(&[app_id.to_string()]);
    let claims = jsonwebtoken::decode::<Value>(token, &key, &validation)
        .map_err(|err| format!("'Authorization' does not verify: {err}"))?
        .claims;
    let (iat, exp) = (
        claims["iat"].as_i64().ok_or("iat is not a number")?,
        claims["exp"].as_i64().ok_or("exp is not a number")?,
    );
    let now = Utc::now().timestamp();
    if iat > now + 60 {
        return Err(
            "'Issued at' claim (iat) must be an Integer representing a time in the past".into(),
        );
    }
    if exp - iat > 600 {
        return Err("'Expiration time' claim ('exp') is too far in the future".into());
    }
    Ok(())
}

/// `POST /app/installations/{id}/access_tokens`, authenticated with the App's JWT.
async fn access_token(
    State(state): State<Shared>,
    Path(id): Path<i64>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let mut s = state.lock().expect("fake GitHub state");
    let app_id = s.app.app.as_ref().map_or(0, |app| app.id);
    let path = uri.path().to_owned();
    if let Err(why) = check_jwt(&headers, app_id) {
        s.app.refused_jwts.push(why.clone());
        s.log.push(logged(&path, 401, "jwt"));
        return (StatusCode::UNAUTHORIZED, Json(json!({ "message": why }))).into_response();
    }
    if !s.app.installations.contains_key(&id) {
        s.log.push(logged(&path, 404, "jwt"));
        return (
            StatusCode::NOT_FOUND,
            Json(json!({ "message": "Not Found" })),
        )
            .into_response();
    }
    s.app.minted += 1;
    let token = format!("ghs_fake{}x{id}", s.app.minted);
    let expires_at = Utc::now() + s.app.token_lifetime;
    s.app.tokens.insert(
        token.clone(),
        IssuedToken {
            installation: id,
            expires_at,
            revoked: false,
        },
    );
    s.log.push(logged(&path, 201, "jwt"));
    let mut body: Value = serde_json::from_str(INSTALLATION_TOKEN).expect("example parses");
    body["token"] = json!(token);
    body["expires_at"] = json!(expires_at.to_rfc3339_opts(SecondsFormat::Secs, true));
    (StatusCode::CREATED, Json(body)).into_response()
}

fn logged(path: &str, status: u16, credential: &str) -> LoggedRequest {
    LoggedRequest {
        path: path.to_owned(),
        status,
        conditional: false,
        credential: credential.to_owned(),
    }
}

/// The installation an `Authorization` header's token belongs to: `Ok(None)` for other
/// credentials; `Err` for an installation token GitHub no longer takes.
pub(super) fn installation_of(s: &super::State_, headers: &HeaderMap) -> Result<Option<i64>, ()> {
    let Some(token) = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .filter(|t| t.starts_with("ghs_"))
    else {
        return Ok(None);
    };
    match s.app.tokens.get(token) {
        Some(issued) if !issued.revoked && issued.expires_at > Utc::now() => {
            Ok(Some(issued.installation))
        }
        _ => Err(()),
    }
}

/// Before every repository request: an installation token must be live and its installation
/// must hold the repository (GitHub answers 401, and 404 for a repository it cannot see).
pub(super) async fn check_installation_token(
    State(state): State<Shared>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    let refused = {
        let mut s = state.lock().expect("fake GitHub state");
        match installation_of(&s, request.headers()) {
            Ok(None) => None,
            Err(()) => {
                s.log.push(logged(&path, 401, "expired installation token"));
                Some((StatusCode::UNAUTHORIZED, "Bad credentials"))
            }
            Ok(Some(id)) => {
                let repository = path
                    .strip_prefix("/repos/")
                    .map(|rest| rest.splitn(3, '/').take(2).collect::<Vec<_>>().join("/"));
                let allowed = repository.as_ref().is_none_or(|repo| {
                    s.app.installations.get(&id).is_some_and(|i| {
                        i.repositories.iter().any(|r| r.eq_ignore_ascii_case(repo))
                    })
                });
                if allowed {
                    None
                } else {
                    s.log
                        .push(logged(&path, 404, &format!("installation {id}")));
                    Some((StatusCode::NOT_FOUND, "Not Found"))
                }
            }
        }
    };
    match refused {
        Some((status, message)) => (
            status,
            Json(
                json!({ "message": message, "documentation_url": "https://docs.github.com/rest" }),
            ),
        )
            .into_response(),
        None => next.run(request).await,
    }
}

/// `POST /repos/{o}/{r}/check-runs`: only an App's installation may write one.
async fn create_check_run(
    State(state): State<Shared>,
    Path((owner, repo)): Path<(String, String)>,
    uri: Uri,
    headers: HeaderMap,
    Json(request): Json<Value>,
) -> Response {
    let mut s = state.lock().expect("fake GitHub state");
    let path = uri.path().to_owned();
    let Ok(Some(installation)) = installation_of(&s, &headers) else {
        s.log.push(logged(&path, 403, "not an installation"));
        let body = json!({ "message": "You must authenticate via a GitHub App.", "documentation_url": "https://docs.github.com/rest/checks/runs#create-a-check-run" });
        return (StatusCode::FORBIDDEN, Json(body)).into_response();
    };
    let full_name = format!("{owner}/{repo}");
    let runs = s.app.check_runs.entry(full_name.clone()).or_default();
    runs.push(request.clone());
    let id = runs.len();
    s.log
        .push(logged(&path, 201, &format!("installation {installation}")));
    let mut body: Value = serde_json::from_str(CHECK_RUN).expect("example parses");
    for field in [
        "name",
        "head_sha",
        "status",
        "conclusion",
        "details_url",
        "output",
    ] {
        if let Some(value) = request.get(field) {
            body[field] = value.clone();
        }
    }
    if request.get("conclusion").is_none() {
        body["conclusion"] = Value::Null;
        body["completed_at"] = Value::Null;
    }
    body["id"] = json!(id);
    (StatusCode::CREATED, Json(body)).into_response()
}
