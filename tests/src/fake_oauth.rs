//! GitHub's sign-in side, faked: the OAuth authorize redirect, the token exchange with its PKCE
//! check, `/user`, and the signed-in user's `permissions` on `/repos/{owner}/{repo}`. Like
//! GitHub it answers token errors with status 200, and form-encoded unless asked for JSON.
//!
//! The person "at the browser" is set with [`FakeOAuth::sign_in_as`]; the authorize step then
//! redirects at once, as GitHub does for an app the user has already approved.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use axum::{
    extract::{Query, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
    Form, Json, Router,
};
use base64::Engine;
use serde::Deserialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

pub const CLIENT_ID: &str = "fake-client-id";
pub const CLIENT_SECRET: &str = "fake-client-secret";

/// A GitHub account of the fake.
#[derive(Clone, Debug)]
pub struct FakeUser {
    pub id: i64,
    pub login: String,
    pub name: String,
    /// `owner/name` → (admin, maintain, push).
    pub permissions: HashMap<String, (bool, bool, bool)>,
}

impl FakeUser {
    pub fn new(id: i64, login: &str) -> FakeUser {
        FakeUser {
            id,
            login: login.to_owned(),
            name: format!("{login} (fake)"),
            permissions: HashMap::new(),
        }
    }

    /// Write access (push) to a repository: a maintainer in Release Desk.
    pub fn pushes_to(mut self, repository: &str) -> FakeUser {
        self.permissions
            .insert(repository.to_owned(), (false, false, true));
        self
    }
}

struct Grant {
    login: String,
    redirect_uri: String,
    challenge: Option<String>,
    used: bool,
}

#[derive(Default)]
struct OAuthState {
    users: HashMap<String, FakeUser>,
    at_browser: Option<String>,
    deny_consent: bool,
    /// Answer the token endpoint form-encoded even when JSON is asked for.
    always_form: bool,
    /// The token endpoint answers 503.
    down: bool,
    codes: HashMap<String, Grant>,
    tokens: HashMap<String, String>,
    counter: u64,
    /// OAuth clients besides ours: a GitHub App's, once made from a manifest.
    apps: Vec<(String, String)>,
    /// A GitHub App's user tokens: how long they last (GitHub's 8 hours when `None`), and the
    /// refresh tokens not yet used, with their user.
    user_token_lifetime: Option<i64>,
    refresh_tokens: HashMap<String, String>,
}

impl OAuthState {
    fn knows_client(&self, id: &str) -> bool {
        id == CLIENT_ID || self.apps.iter().any(|(app, _)| app == id)
    }

    /// A user token for `login`: a GitHub App's (`ghu_`) expires and comes with a refresh
    /// token (`ghr_`); an OAuth App's (`gho_`) does neither.
    fn issue(&mut self, client_id: &str, login: &str) -> Vec<(&'static str, String)> {
        self.counter += 1;
        let n = self.counter;
        if client_id == CLIENT_ID {
            let token = format!("gho_fake{n}");
            self.tokens.insert(token.clone(), login.to_owned());
            return vec![
                ("access_token", token),
                ("token_type", "bearer".to_owned()),
                ("scope", "read:user".to_owned()),
            ];
        }
        let (token, refresh) = (format!("ghu_fake{n}"), format!("ghr_fake{n}"));
        self.tokens.insert(token.clone(), login.to_owned());
        self.refresh_tokens
            .insert(refresh.clone(), login.to_owned());
        vec![
            ("access_token", token),
            (
                "expires_in",
                self.user_token_lifetime.unwrap_or(28_800).to_string(),
            ),
            ("refresh_token", refresh),
            ("refresh_token_expires_in", "15897600".to_owned()),
            ("token_type", "bearer".to_owned()),
            ("scope", String::new()),
        ]
    }

    fn client_secret_matches(&self, id: &str, secret: &str) -> bool {
        (id == CLIENT_ID && secret == CLIENT_SECRET)
            || self.apps.iter().any(|(app, s)| app == id && s == secret)
    }
}

#[derive(Clone, Default)]
pub struct FakeOAuth {
    state: Arc<Mutex<OAuthState>>,
}

impl FakeOAuth {
    pub fn router(&self) -> Router {
        Router::new()
            .route("/login/oauth/authorize", get(authorize))
            .route("/login/oauth/access_token", post(access_token))
            .route("/user", get(user))
            .with_state(self.state.clone())
    }

    fn with<R>(&self, f: impl FnOnce(&mut OAuthState) -> R) -> R {
        f(&mut self.state.lock().expect("fake OAuth state"))
    }

    pub fn add_user(&self, user: FakeUser) {
        self.with(|s| s.users.insert(user.login.clone(), user));
    }

    /// The GitHub user signed in at the browser, who approves the next authorize request.
    pub fn sign_in_as(&self, login: &str) {
        self.with(|s| s.at_browser = Some(login.to_owned()));
    }

    pub fn deny_consent(&self, deny: bool) {
        self.with(|s| s.deny_consent = deny);
    }

    pub fn always_form_encoded(&self, form: bool) {
        self.with(|s| s.always_form = form);
    }

    pub fn set_down(&self, down: bool) {
        self.with(|s| s.down = down);
    }

    /// Changes what a user may do in a repository, as an owner would on GitHub.
    pub fn set_permissions(&self, login: &str, repository: &str, permissions: (bool, bool, bool)) {
        self.with(|s| {
            if let Some(user) = s.users.get_mut(login) {
                user.permissions.insert(repository.to_owned(), permissions);
            }
        });
    }

    /// How long a GitHub App's user tokens issued from now on last.
    pub fn set_user_token_lifetime(&self, seconds: i64) {
        self.with(|s| s.user_token_lifetime = Some(seconds));
    }

    /// Every GitHub App user token expires now (their refresh tokens still work).
    pub fn expire_user_tokens(&self) {
        self.with(|s| s.tokens.retain(|token, _| !token.starts_with("ghu_")));
    }

    /// Refresh tokens issued and not yet used.
    pub fn unused_refresh_tokens(&self) -> usize {
        self.with(|s| s.refresh_tokens.len())
    }

    /// True for a GitHub App user token GitHub no longer takes: its API answers 401.
    pub(crate) fn refuses(&self, headers: &HeaderMap) -> bool {
        headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .filter(|token| token.starts_with("ghu_"))
            .is_some_and(|token| {
                !self
                    .state
                    .lock()
                    .expect("fake OAuth state")
                    .tokens
                    .contains_key(token)
            })
    }

    /// Takes a GitHub App's OAuth client as well as ours.
    pub fn add_app_client(&self, client_id: &str, client_secret: &str) {
        self.with(|s| {
            s.apps
                .push((client_id.to_owned(), client_secret.to_owned()))
        });
    }

    /// A token for `login` as if it had signed in: for tests of the API calls alone.
    pub fn token_for(&self, login: &str) -> String {
        self.with(|s| {
            s.counter += 1;
            let token = format!("gho_fake{}", s.counter);
            s.tokens.insert(token.clone(), login.to_owned());
            token
        })
    }
}

#[derive(Deserialize)]
struct AuthorizeQuery {
    client_id: String,
    redirect_uri: String,
    state: Option<String>,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
}

async fn authorize(
    State(state): State<Arc<Mutex<OAuthState>>>,
    Query(query): Query<AuthorizeQuery>,
) -> Response {
    if !state
        .lock()
        .expect("fake OAuth state")
        .knows_client(&query.client_id)
    {
        return (StatusCode::NOT_FOUND, "unknown OAuth app").into_response();
    }
    if query.code_challenge.is_some() && query.code_challenge_method.as_deref() != Some("S256") {
        return (StatusCode::BAD_REQUEST, "only S256 challenges").into_response();
    }
    let state_param = query.state.unwrap_or_default();
    let mut s = state.lock().expect("fake OAuth state");
    let separator = if query.redirect_uri.contains('?') {
        '&'
    } else {
        '?'
    };
    if s.deny_consent {
        return Redirect::to(&format!(
            "{}{separator}error=access_denied&error_description=The+user+has+denied+your+application+access.&state={}",
            query.redirect_uri, state_param
        ))
        .into_response();
    }
    let Some(login) = s.at_browser.clone() else {
        return (
            StatusCode::UNAUTHORIZED,
            "nobody is signed in to the fake GitHub",
        )
            .into_response();
    };
    s.counter += 1;
    let code = format!("code{}", s.counter);
    s.codes.insert(
        code.clone(),
        Grant {
            login,
            redirect_uri: query.redirect_uri.clone(),
            challenge: query.code_challenge,
            used: false,
        },
    );
    Redirect::to(&format!(
        "{}{separator}code={code}&state={state_param}",
        query.redirect_uri
    ))
    .into_response()
}

#[derive(Deserialize)]
struct TokenForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    grant_type: Option<String>,
    #[serde(default)]
    refresh_token: Option<String>,
    redirect_uri: Option<String>,
    code_verifier: Option<String>,
    client_id: Option<String>,
    client_secret: Option<String>,
}

async fn access_token(
    State(state): State<Arc<Mutex<OAuthState>>>,
    headers: HeaderMap,
    Form(form): Form<TokenForm>,
) -> Response {
    let mut s = state.lock().expect("fake OAuth state");
    if s.down {
        return (StatusCode::SERVICE_UNAVAILABLE, "<h1>Unicorn!</h1>").into_response();
    }
    let wants_json = !s.always_form
        && headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("application/json"));
    let (id, secret) = client_credentials(&headers, &form);
    let answer: Vec<(&str, String)> = if !s.client_secret_matches(&id, &secret) {
        error(
            "incorrect_client_credentials",
            "The client_id and/or client_secret passed are incorrect.",
        )
    } else if form.grant_type.as_deref() == Some("refresh_token") {
        // GitHub Apps only; each refresh token works once and brings a new pair.
        let login = form
            .refresh_token
            .as_deref()
            .filter(|_| id != CLIENT_ID)
            .and_then(|refresh| s.refresh_tokens.remove(refresh));
        match login {
            Some(login) => s.issue(&id, &login),
            None => error(
                "bad_refresh_token",
                "The refresh token passed is incorrect or expired.",
            ),
        }
    } else {
        match s.codes.get_mut(&form.code) {
            None => error(
                "bad_verification_code",
                "The code passed is incorrect or expired.",
            ),
            Some(grant) if grant.used => error(
                "bad_verification_code",
                "The code passed is incorrect or expired.",
            ),
            Some(grant)
                if form
                    .redirect_uri
                    .as_deref()
                    .is_some_and(|r| r != grant.redirect_uri) =>
            {
                error(
                    "redirect_uri_mismatch",
                    "The redirect_uri MUST match the registered callback URL for this application.",
                )
            }
            Some(grant)
                if !pkce_matches(grant.challenge.as_deref(), form.code_verifier.as_deref()) =>
            {
                grant.used = true;
                error("invalid_grant", "The code_verifier does not match the code_challenge supplied in the authorization request for PKCE.")
            }
            Some(grant) => {
                grant.used = true;
                let login = grant.login.clone();
                s.issue(&id, &login)
            }
        }
    };
    // GitHub: status 200 whatever happened.
    if wants_json {
        // Lifetimes are numbers in GitHub's JSON, like every OAuth server's.
        let map: serde_json::Map<String, serde_json::Value> = answer
            .into_iter()
            .map(|(k, v)| match v.parse::<i64>() {
                Ok(n) if k.ends_with("expires_in") => (k.to_owned(), n.into()),
                _ => (k.to_owned(), v.into()),
            })
            .collect();
        Json(map).into_response()
    } else {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(answer)
            .finish();
        (
            [(
                header::CONTENT_TYPE,
                "application/x-www-form-urlencoded; charset=utf-8",
            )],
            body,
        )
            .into_response()
    }
}

fn error(code: &str, description: &str) -> Vec<(&'static str, String)> {
    vec![
        ("error", code.to_owned()),
        ("error_description", description.to_owned()),
        ("error_uri", "https://docs.github.com/apps/oauth".to_owned()),
    ]
}

/// Basic auth (what the `oauth2` crate sends) or form fields.
fn client_credentials(headers: &HeaderMap, form: &TokenForm) -> (String, String) {
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|pair| {
            let (id, secret) = pair.split_once(':')?;
            let decode = |s: &str| {
                url::form_urlencoded::parse(format!("x={s}").as_bytes())
                    .next()
                    .map(|(_, v)| v.into_owned())
                    .unwrap_or_default()
            };
            Some((decode(id), decode(secret)))
        });
    basic.unwrap_or_else(|| {
        (
            form.client_id.clone().unwrap_or_default(),
            form.client_secret.clone().unwrap_or_default(),
        )
    })
}

fn pkce_matches(challenge: Option<&str>, verifier: Option<&str>) -> bool {
    match (challenge, verifier) {
        (None, None) => true,
        (Some(challenge), Some(verifier)) => {
            let digest = Sha256::digest(verifier.as_bytes());
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest) == challenge
        }
        _ => false,
    }
}

fn bearer_user(state: &Mutex<OAuthState>, headers: &HeaderMap) -> Option<FakeUser> {
    let token = headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")?
        .to_owned();
    let s = state.lock().expect("fake OAuth state");
    let login = s.tokens.get(&token)?;
    s.users.get(login).cloned()
}

async fn user(State(state): State<Arc<Mutex<OAuthState>>>, headers: HeaderMap) -> Response {
    match bearer_user(&state, &headers) {
        Some(user) => Json(json!({
            "id": user.id,
            "login": user.login,
            "name": user.name,
            "avatar_url": format!("https://avatars.example/{}", user.id),
        }))
        .into_response(),
        None => (
            StatusCode::UNAUTHORIZED,
            Json(json!({"message": "Bad credentials"})),
        )
            .into_response(),
    }
}

impl FakeOAuth {
    /// The caller's `permissions` on `full_name`, in the shape `GET /repos/{owner}/{repo}` gives
    /// them; `None` without a token of a known user. The fake GitHub serves that route
    /// (`fake_github::writes`) and adds these to the repository it answers.
    pub(crate) fn permissions_on(&self, headers: &HeaderMap, full_name: &str) -> Option<Value> {
        let user = bearer_user(&self.state, headers)?;
        let (admin, maintain, push) = user.permissions.get(full_name).copied().unwrap_or_default();
        Some(json!({
            "admin": admin, "maintain": maintain, "push": push,
            "triage": maintain || push, "pull": true
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pkce_s256() {
        // RFC 7636, appendix B.
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
        assert!(pkce_matches(Some(challenge), Some(verifier)));
        assert!(!pkce_matches(Some(challenge), Some("another-verifier")));
        assert!(!pkce_matches(Some(challenge), None));
    }
}
