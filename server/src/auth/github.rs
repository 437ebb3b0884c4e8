//! Signing in with GitHub: the OAuth web flow (state and PKCE) with the `oauth2` crate, then
//! the user's own API calls — who they are and what they may do in each repository.

use oauth2::{
    basic::BasicClient, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken,
    EndpointNotSet, EndpointSet, HttpRequest, HttpResponse, PkceCodeChallenge, PkceCodeVerifier,
    RedirectUrl, RefreshToken, RequestTokenError, TokenResponse, TokenUrl,
};
use serde::Deserialize;
use url::Url;

use app::domain::access::Role;

use crate::config::{OAuthApp, Secret};

type Client = BasicClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointSet>;

/// How a sign-in went wrong, as the person signing in should hear it.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignInError {
    /// Something about this attempt is wrong (a stale or reused code, denied consent): 400.
    #[error("{0}")]
    Rejected(String),
    /// GitHub could not be reached or answered nonsense: 502.
    #[error("{0}")]
    Unavailable(String),
}

/// The start of a sign-in: where to send the browser, and what to keep until it comes back.
pub struct Authorization {
    pub url: Url,
    pub state: String,
    pub verifier: String,
}

/// A person's token as GitHub gave it: a GitHub App's expires and comes with a refresh token,
/// an OAuth App's does neither.
pub struct UserToken {
    pub access: Secret,
    pub refresh: Option<Secret>,
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl UserToken {
    /// The token and its refresh token sealed with `key`, as they are kept.
    pub fn sealed(&self, key: &super::secret_key::SecretKey) -> app::store::access::SealedTokens {
        app::store::access::SealedTokens {
            access: key.seal(self.access.expose().as_bytes()),
            refresh: self
                .refresh
                .as_ref()
                .map(|r| key.seal(r.expose().as_bytes())),
            expires_at: self.expires_at,
        }
    }

    fn from_response(token: &impl TokenResponse, now: chrono::DateTime<chrono::Utc>) -> UserToken {
        UserToken {
            access: Secret::new(token.access_token().secret().clone()),
            refresh: token
                .refresh_token()
                .map(|r| Secret::new(r.secret().clone())),
            expires_at: token
                .expires_in()
                .and_then(|lasts| chrono::Duration::from_std(lasts).ok())
                .map(|lasts| now + lasts),
        }
    }
}

/// How a token request failed, in the person's words.
fn token_error<E: std::error::Error + 'static>(
    err: RequestTokenError<E, oauth2::basic::BasicErrorResponse>,
) -> SignInError {
    match err {
        RequestTokenError::ServerResponse(answer) => SignInError::Rejected(format!(
            "GitHub refused the sign-in: {}",
            answer
                .error_description()
                .cloned()
                .unwrap_or_else(|| answer.error().to_string())
        )),
        RequestTokenError::Request(err) => {
            SignInError::Unavailable(format!("GitHub could not be reached: {err}"))
        }
        other => SignInError::Unavailable(format!(
            "GitHub's token endpoint gave an answer we do not understand: {other}"
        )),
    }
}

/// The GitHub account behind a token.
#[derive(Debug, Deserialize)]
pub struct GithubAccount {
    pub id: i64,
    pub login: String,
    pub name: Option<String>,
    pub avatar_url: Option<String>,
}

#[derive(Debug, Deserialize)]
struct RepositoryAnswer {
    #[serde(default)]
    permissions: Option<Permissions>,
}

#[derive(Debug, Default, Deserialize)]
struct Permissions {
    #[serde(default)]
    admin: bool,
    #[serde(default)]
    maintain: bool,
    #[serde(default)]
    push: bool,
}

pub struct GitHubOAuth {
    client: Client,
    http: reqwest::Client,
    api_url: Url,
}

impl GitHubOAuth {
    /// `oauth_url` is GitHub's web address (`https://github.com`), `api_url` its API.
    pub fn new(
        app: &OAuthApp,
        oauth_url: &Url,
        api_url: &Url,
        redirect: Url,
    ) -> Result<GitHubOAuth, String> {
        let endpoint = |path: &str| -> Result<String, String> {
            oauth_url
                .join(path)
                .map(String::from)
                .map_err(|err| format!("bad OAuth URL: {err}"))
        };
        let client = BasicClient::new(ClientId::new(app.client_id.clone()))
            .set_client_secret(ClientSecret::new(app.client_secret.expose().to_owned()))
            .set_auth_uri(
                AuthUrl::new(endpoint("login/oauth/authorize")?).map_err(|e| e.to_string())?,
            )
            .set_token_uri(
                TokenUrl::new(endpoint("login/oauth/access_token")?).map_err(|e| e.to_string())?,
            )
            .set_redirect_uri(RedirectUrl::from_url(redirect));
        // Never follow redirects: a token endpoint that redirects is not one we trust.
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(15))
            .user_agent("releasedesk")
            .build()
            .map_err(|err| err.to_string())?;
        Ok(GitHubOAuth {
            client,
            http,
            api_url: api_url.clone(),
        })
    }

    /// The authorize URL with a fresh `state` and an S256 PKCE challenge. Only `read:user` is
    /// asked for: repository permissions are readable with it for public repositories, and
    /// `repo` would grant far more than we use.
    pub fn authorize(&self) -> Authorization {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state) = self
            .client
            .authorize_url(CsrfToken::new_random)
            .add_scope(oauth2::Scope::new("read:user".to_owned()))
            .set_pkce_challenge(challenge)
            .url();
        Authorization {
            url,
            state: state.secret().clone(),
            verifier: verifier.secret().clone(),
        }
    }

    /// Exchanges the code for the user's token.
    pub async fn exchange(&self, code: &str, verifier: &str) -> Result<UserToken, SignInError> {
        let http = self.http.clone();
        let send = move |request: HttpRequest| {
            let http = http.clone();
            async move { send_to_token_endpoint(&http, request).await }
        };
        let token = self
            .client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .set_pkce_verifier(PkceCodeVerifier::new(verifier.to_owned()))
            .request_async(&send)
            .await
            .map_err(token_error)?;
        Ok(UserToken::from_response(&token, chrono::Utc::now()))
    }

    /// A new token for an expiring one (a GitHub App's), from its refresh token.
    pub async fn refresh(&self, refresh: &Secret) -> Result<UserToken, SignInError> {
        let http = self.http.clone();
        let send = move |request: HttpRequest| {
            let http = http.clone();
            async move { send_to_token_endpoint(&http, request).await }
        };
        let token = self
            .client
            .exchange_refresh_token(&RefreshToken::new(refresh.expose().to_owned()))
            .request_async(&send)
            .await
            .map_err(token_error)?;
        Ok(UserToken::from_response(&token, chrono::Utc::now()))
    }

    /// `GET {api}/user` with the user's token.
    pub async fn account(&self, token: &Secret) -> Result<GithubAccount, SignInError> {
        let answer = self.api_get(token, "user").await?;
        match answer.status().as_u16() {
            200 => answer.json().await.map_err(|err| {
                SignInError::Unavailable(format!("GitHub's /user answer is not understood: {err}"))
            }),
            401 => Err(SignInError::Rejected(
                "GitHub did not accept the new token; try signing in again".to_owned(),
            )),
            status => Err(SignInError::Unavailable(format!(
                "GitHub answered /user with status {status}"
            ))),
        }
    }

    /// The user's role in `owner/name` from the repository's `permissions`: a repository the
    /// user cannot see makes them a viewer.
    pub async fn role(&self, token: &Secret, owner: &str, name: &str) -> Result<Role, SignInError> {
        let answer = self
            .api_get(token, &format!("repos/{owner}/{name}"))
            .await?;
        match answer.status().as_u16() {
            200 => {
                let repository: RepositoryAnswer = answer.json().await.map_err(|err| {
                    SignInError::Unavailable(format!("GitHub's repository answer: {err}"))
                })?;
                let p = repository.permissions.unwrap_or_default();
                Ok(Role::from_permissions(p.admin, p.maintain, p.push))
            }
            403 | 404 => Ok(Role::Viewer),
            status => Err(SignInError::Unavailable(format!(
                "GitHub answered repos/{owner}/{name} with status {status}"
            ))),
        }
    }

    async fn api_get(&self, token: &Secret, path: &str) -> Result<reqwest::Response, SignInError> {
        let url = self
            .api_url
            .join(path)
            .map_err(|err| SignInError::Unavailable(err.to_string()))?;
        self.http
            .get(url)
            .bearer_auth(token.expose())
            .header("Accept", "application/vnd.github+json")
            .header("X-GitHub-Api-Version", "2022-11-28")
            .send()
            .await
            .map_err(|err| SignInError::Unavailable(format!("GitHub could not be reached: {err}")))
    }
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct TransportError(String);

/// Sends the token request and turns GitHub's answer into what OAuth 2 (and the `oauth2` crate)
/// expects: GitHub reports errors with status 200, and answers form-encoded unless told
/// otherwise.
async fn send_to_token_endpoint(
    http: &reqwest::Client,
    request: HttpRequest,
) -> Result<HttpResponse, TransportError> {
    let (parts, body) = request.into_parts();
    let answer = http
        .request(parts.method, parts.uri.to_string())
        .headers(parts.headers)
        .body(body)
        .send()
        .await
        .map_err(|err| TransportError(err.to_string()))?;
    let status = answer.status();
    let content_type = answer
        .headers()
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let body = answer
        .bytes()
        .await
        .map_err(|err| TransportError(err.to_string()))?;
    let (status, body) =
        normalize_token_answer(status.as_u16(), &content_type, &body).map_err(TransportError)?;
    http::Response::builder()
        .status(status)
        .header(http::header::CONTENT_TYPE, "application/json")
        .body(body)
        .map_err(|err| TransportError(err.to_string()))
}

/// GitHub's token answer as standard OAuth 2: always JSON, and an `error` field means a 400.
/// Server errors pass through unchanged (the crate reports them as such).
pub fn normalize_token_answer(
    status: u16,
    content_type: &str,
    body: &[u8],
) -> Result<(u16, Vec<u8>), String> {
    if status >= 500 {
        return Err(format!("GitHub's token endpoint answered {status}"));
    }
    let fields: serde_json::Map<String, serde_json::Value> = if content_type
        .starts_with("application/x-www-form-urlencoded")
    {
        url::form_urlencoded::parse(body)
            .map(|(k, v)| (k.into_owned(), serde_json::Value::String(v.into_owned())))
            .collect()
    } else {
        serde_json::from_slice(body).map_err(|err| {
            format!("GitHub's token endpoint answered {status} with a body that is not JSON: {err}")
        })?
    };
    let status = if fields.contains_key("error") && status == 200 {
        400
    } else {
        status
    };
    let body = serde_json::to_vec(&fields).map_err(|err| err.to_string())?;
    Ok((status, body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_token_answers_become_standard() {
        let (status, body) = normalize_token_answer(
            200,
            "application/json; charset=utf-8",
            br#"{"access_token":"gho_1","token_type":"bearer","scope":"read:user"}"#,
        )
        .expect("normal");
        assert_eq!(status, 200);
        assert!(String::from_utf8(body).expect("utf8").contains("gho_1"));

        let (status, body) = normalize_token_answer(
            200,
            "application/x-www-form-urlencoded",
            b"access_token=gho_2&scope=read%3Auser&token_type=bearer",
        )
        .expect("form");
        assert_eq!(status, 200);
        let json: serde_json::Value = serde_json::from_slice(&body).expect("json");
        assert_eq!(json["access_token"], "gho_2");
        assert_eq!(json["scope"], "read:user");

        let (status, _) = normalize_token_answer(
            200,
            "application/json",
            br#"{"error":"bad_verification_code","error_description":"The code passed is incorrect or expired."}"#,
        )
        .expect("error");
        assert_eq!(status, 400, "GitHub's error-with-200 is an error");
        let (status, _) = normalize_token_answer(
            200,
            "application/x-www-form-urlencoded",
            b"error=incorrect_client_credentials",
        )
        .expect("form error");
        assert_eq!(status, 400);

        assert!(normalize_token_answer(502, "text/html", b"<h1>down</h1>").is_err());
        assert!(normalize_token_answer(200, "text/html", b"<h1>hello</h1>").is_err());
    }
}
