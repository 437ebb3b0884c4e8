//! GitHub App mode: the manifest flow's code exchanged for the App's credentials, and
//! installation tokens minted with the App's key (a JWT signed RS256), kept until a minute
//! before they expire.

use std::{collections::HashMap, sync::Arc};

use app::store::github_app::StoredApp;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use url::Url;

use super::{Answer, OctocrabGitHub, TransportError, Write};
use crate::{auth::secret_key::SecretKey, config::Secret};

/// A token is renewed when it has less than this left.
const RENEW_BEFORE: Duration = Duration::minutes(1);
/// GitHub accepts App JWTs of at most 10 minutes; ours last 9, issued a minute back against
/// clock drift, as GitHub advises.
const JWT_LIFETIME: Duration = Duration::minutes(9);
const JWT_BACKDATE: Duration = Duration::seconds(60);

/// A code GitHub hands back: letters and digits (refused otherwise, as it goes in a path).
pub fn is_code(code: &str) -> bool {
    !code.is_empty() && code.len() <= 100 && code.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// GitHub's answer to `POST /app-manifests/{code}/conversions`: the new App with its secrets.
#[derive(Deserialize)]
pub struct Conversion {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub owner: Owner,
    pub html_url: String,
    pub client_id: String,
    client_secret: String,
    webhook_secret: Option<String>,
    pem: String,
}

#[derive(Deserialize)]
pub struct Owner {
    pub login: String,
}

impl Conversion {
    /// The App as kept: its secrets sealed with `key`. The key must be an RSA key we can sign
    /// with, or nothing is kept.
    pub fn seal(&self, key: &SecretKey, now: DateTime<Utc>) -> Result<StoredApp, String> {
        jsonwebtoken::EncodingKey::from_rsa_pem(self.pem.as_bytes())
            .map_err(|err| format!("GitHub's private key for the App cannot be read: {err}"))?;
        let webhook_secret = self
            .webhook_secret
            .as_deref()
            .filter(|s| !s.is_empty())
            .ok_or("GitHub gave the App no webhook secret")?;
        Ok(StoredApp {
            app_id: self.id,
            slug: self.slug.clone(),
            name: self.name.clone(),
            owner_login: self.owner.login.clone(),
            html_url: self.html_url.clone(),
            client_id: self.client_id.clone(),
            client_secret_sealed: key.seal(self.client_secret.as_bytes()),
            private_key_sealed: key.seal(self.pem.as_bytes()),
            webhook_secret_sealed: key.seal(webhook_secret.as_bytes()),
            created_at: now,
        })
    }
}

/// Exchanges the manifest flow's code for the App's credentials (the code works once, for an
/// hour; the request needs no authentication).
pub async fn convert(api: &OctocrabGitHub, code: &str) -> Result<Conversion, String> {
    if !is_code(code) {
        return Err("GitHub's code is not one: start the set-up again".to_owned());
    }
    let path = format!("/app-manifests/{code}/conversions");
    let answer = api
        .send_as(Write::Post, &path, None, &json!({}))
        .await
        .map_err(|err| format!("GitHub could not be reached: {err}"))?;
    match answer.status {
        201 | 200 => serde_json::from_slice(&answer.body)
            .map_err(|err| format!("GitHub's answer could not be read: {err}")),
        404 | 422 => Err(format!(
            "GitHub did not take the code ({}): it works once and for an hour; start the set-up again",
            answer.status
        )),
        other => Err(format!("GitHub answered {other} to the code")),
    }
}

/// The claims of an App JWT.
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct Claims {
    pub iat: i64,
    pub exp: i64,
    pub iss: String,
}

pub fn claims(app_id: i64, now: DateTime<Utc>) -> Claims {
    Claims {
        iat: (now - JWT_BACKDATE).timestamp(),
        exp: (now + JWT_LIFETIME).timestamp(),
        iss: app_id.to_string(),
    }
}

/// True while a token may still be used: more than a minute left.
pub fn still_fresh(expires_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    expires_at - now > RENEW_BEFORE
}

/// The configured App, opened with the secret key: what it shows, the secrets it verifies and
/// signs with, and its installations' tokens.
pub struct GitHubApp {
    pub app_id: i64,
    pub slug: String,
    pub client_id: String,
    pub client_secret: Secret,
    pub webhook_secret: Secret,
    key: jsonwebtoken::EncodingKey,
    /// Reaches GitHub without credentials of its own: the JWT goes with each request.
    api: OctocrabGitHub,
    tokens: tokio::sync::Mutex<HashMap<i64, Token>>,
}

#[derive(Clone)]
struct Token {
    value: String,
    expires_at: DateTime<Utc>,
}

/// Why an installation token could not be had.
pub enum MintError {
    /// GitHub answered, and not with a token (the answer is passed on).
    Refused(Box<Answer>),
    Transport(TransportError),
}

impl GitHubApp {
    /// Opens the kept App; an error when the secret key is not the one it was sealed with.
    pub fn open(stored: &StoredApp, key: &SecretKey, api_url: &Url) -> Result<GitHubApp, String> {
        let open = |sealed: &[u8], what: &str| {
            key.open(sealed)
                .and_then(|plain| String::from_utf8(plain).ok())
                .ok_or_else(|| {
                    format!("the GitHub App's {what} cannot be opened: RELEASEDESK_SECRET_KEY is not the key it was sealed with")
                })
        };
        let pem = open(&stored.private_key_sealed, "private key")?;
        let key = jsonwebtoken::EncodingKey::from_rsa_pem(pem.as_bytes())
            .map_err(|err| format!("the GitHub App's private key cannot be read: {err}"))?;
        Ok(GitHubApp {
            app_id: stored.app_id,
            slug: stored.slug.clone(),
            client_id: stored.client_id.clone(),
            client_secret: Secret::new(open(&stored.client_secret_sealed, "client secret")?),
            webhook_secret: Secret::new(open(&stored.webhook_secret_sealed, "webhook secret")?),
            key,
            api: OctocrabGitHub::with_credentials(api_url, super::Credentials::None)?,
            tokens: tokio::sync::Mutex::default(),
        })
    }

    fn jwt(&self, now: DateTime<Utc>) -> Result<String, MintError> {
        let header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
        jsonwebtoken::encode(&header, &claims(self.app_id, now), &self.key).map_err(|err| {
            MintError::Transport(TransportError(format!("cannot sign the App's JWT: {err}")))
        })
    }

    /// A token for the installation: the kept one while fresh, else a new one.
    pub async fn token(&self, installation: i64) -> Result<String, MintError> {
        let mut tokens = self.tokens.lock().await;
        let now = Utc::now();
        if let Some(token) = tokens.get(&installation) {
            if still_fresh(token.expires_at, now) {
                return Ok(token.value.clone());
            }
        }
        let token = self.mint(installation, now).await?;
        tokens.insert(installation, token.clone());
        Ok(token.value)
    }

    /// A new token after GitHub refused `refused` (revoked, or expired early): unless another
    /// request renewed it meanwhile.
    pub async fn renew(&self, installation: i64, refused: &str) -> Result<String, MintError> {
        {
            let mut tokens = self.tokens.lock().await;
            if tokens
                .get(&installation)
                .is_some_and(|t| t.value == refused)
            {
                tokens.remove(&installation);
            }
        }
        self.token(installation).await
    }

    async fn mint(&self, installation: i64, now: DateTime<Utc>) -> Result<Token, MintError> {
        #[derive(Deserialize)]
        struct Minted {
            token: String,
            expires_at: DateTime<Utc>,
        }
        let path = format!("/app/installations/{installation}/access_tokens");
        let jwt = self.jwt(now)?;
        let answer = self
            .api
            .send_as(Write::Post, &path, Some(&jwt), &json!({}))
            .await
            .map_err(MintError::Transport)?;
        if answer.status != 201 {
            tracing::warn!(
                installation,
                status = answer.status,
                "GitHub gave no installation token"
            );
            return Err(MintError::Refused(Box::new(answer)));
        }
        let minted: Minted = serde_json::from_slice(&answer.body).map_err(|err| {
            MintError::Transport(TransportError(format!(
                "GitHub's installation token could not be read: {err}"
            )))
        })?;
        Ok(Token {
            value: minted.token,
            expires_at: minted.expires_at,
        })
    }
}

impl std::fmt::Debug for GitHubApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GitHubApp")
            .field("app_id", &self.app_id)
            .field("slug", &self.slug)
            .finish_non_exhaustive()
    }
}

/// The App shared by every client of its installations.
pub type SharedApp = Arc<GitHubApp>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_letters_and_digits() {
        assert!(is_code("a180b1a3d263308"));
        for bad in ["", "../app", "a b", "x/y", &"a".repeat(101)] {
            assert!(!is_code(bad), "{bad:?}");
        }
    }

    #[test]
    fn jwts_are_backdated_a_minute_and_last_nine() {
        let now = DateTime::parse_from_rfc3339("2026-12-07T12:00:00Z")
            .expect("date")
            .with_timezone(&Utc);
        let claims = claims(42, now);
        assert_eq!(claims.iss, "42");
        assert_eq!(now.timestamp() - claims.iat, 60);
        assert_eq!(claims.exp - now.timestamp(), 540);
        assert!(claims.exp - claims.iat <= 600, "GitHub's 10-minute limit");
    }

    #[test]
    fn tokens_are_renewed_a_minute_before_they_expire() {
        let now = Utc::now();
        assert!(still_fresh(now + Duration::minutes(59), now));
        assert!(still_fresh(now + Duration::seconds(61), now));
        assert!(!still_fresh(now + Duration::seconds(60), now));
        assert!(!still_fresh(now - Duration::seconds(1), now));
    }
}
