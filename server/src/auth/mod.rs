//! Who is calling (PRODUCT.md §6): GitHub sign-in, the local administrator's one-time link,
//! roles read from GitHub, and API tokens. The HTTP side is in `http::auth` and `http::access`.

pub mod github;
pub mod rate_limit;
pub mod secret_key;

use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use app::{
    domain::access::Person,
    store::{self, access::UserRecord},
};
use chrono::Utc;
use sqlx::SqlitePool;
use url::Url;

use self::{github::GitHubOAuth, rate_limit::RateLimiter, secret_key::SecretKey};
use crate::config::Secret;

/// How long roles read from GitHub are used before they are read again.
pub const ROLE_REFRESH: chrono::Duration = chrono::Duration::minutes(5);
/// How long the local administrator's sign-in link works.
pub const LOCAL_LINK_LIFETIME: Duration = Duration::from_secs(15 * 60);

/// Everything the sign-in and access layers share.
#[derive(Debug)]
pub struct Auth {
    pub key: SecretKey,
    /// `None` when no OAuth app is configured: only the local administrator can sign in. A
    /// GitHub App set up while serving brings its own.
    github: std::sync::RwLock<Option<Arc<GitHubOAuth>>>,
    /// The address people reach us at; when unset, the request's own `Host` is used.
    pub public_url: Option<Url>,
    pub sign_in_limit: RateLimiter,
    local_link: Mutex<Option<(String, Instant)>>,
}

impl std::fmt::Debug for GitHubOAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("GitHubOAuth")
    }
}

impl Auth {
    pub fn new(key: SecretKey, github: Option<GitHubOAuth>, public_url: Option<Url>) -> Auth {
        Auth {
            key,
            github: std::sync::RwLock::new(github.map(Arc::new)),
            public_url,
            sign_in_limit: RateLimiter::new(30, Duration::from_secs(60)),
            local_link: Mutex::new(None),
        }
    }

    /// Sign-in with GitHub, when set up.
    pub fn github(&self) -> Option<Arc<GitHubOAuth>> {
        self.github
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Signs people in through `github` from now on (a GitHub App's own OAuth).
    pub fn set_github(&self, github: GitHubOAuth) {
        *self.github.write().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(github));
    }

    /// Session cookies are `Secure` when people reach us over https.
    pub fn secure_cookies(&self) -> bool {
        self.public_url
            .as_ref()
            .is_some_and(|url| url.scheme() == "https")
    }

    /// Makes a new one-time token for the local administrator (replacing any earlier one) and
    /// returns it; only its hash is kept.
    pub fn issue_local_link(&self, now: Instant) -> String {
        let token = secret_key::new_token("rdl_");
        let mut link = self.local_link.lock().unwrap_or_else(|e| e.into_inner());
        *link = Some((secret_key::token_hash(&token), now + LOCAL_LINK_LIFETIME));
        token
    }

    /// True once for the current link's token within its lifetime; the link is spent either way
    /// when the token matches.
    pub fn redeem_local_link(&self, token: &str, now: Instant) -> bool {
        let mut link = self.local_link.lock().unwrap_or_else(|e| e.into_inner());
        match link.as_ref() {
            Some((hash, expires)) if *hash == secret_key::token_hash(token) => {
                let fresh = now < *expires;
                *link = None;
                fresh
            }
            _ => false,
        }
    }
}

/// Makes a one-time sign-in link's token for the local administrator that works whether or not
/// people sign in with GitHub (`releasedesk admin link`), replacing the last one made so. Only
/// its hash is kept, in the database, where the serving process finds it.
pub async fn issue_admin_link(pool: &SqlitePool) -> sqlx::Result<String> {
    let token = secret_key::new_token("rdl_");
    let expires_at = Utc::now() + LOCAL_LINK_LIFETIME;
    store::access::replace_admin_link(pool, &secret_key::token_hash(&token), expires_at).await?;
    Ok(token)
}

/// The signed-in person for a session's user id, with roles refreshed from GitHub when they
/// are older than [`ROLE_REFRESH`]. `None` when the user no longer exists.
pub async fn person_for_session(
    pool: &SqlitePool,
    auth: &Auth,
    user_id: i64,
) -> sqlx::Result<Option<Person>> {
    let Some(user) = store::access::find_user(pool, user_id).await? else {
        return Ok(None);
    };
    let stale = user
        .roles_checked_at
        .is_none_or(|checked| Utc::now() - checked > ROLE_REFRESH);
    if stale && !user.person.local_admin {
        refresh_roles(pool, auth, &user).await?;
    }
    Ok(Some(user.person))
}

/// Reads the user's role in every tracked repository from GitHub with their own token. When
/// GitHub fails, the old roles stay until they expire (`store::access::ROLE_MAX_AGE`).
async fn refresh_roles(pool: &SqlitePool, auth: &Auth, user: &UserRecord) -> sqlx::Result<()> {
    let user_id = user.person.user_id;
    let token = user
        .github_token
        .as_deref()
        .and_then(|sealed| auth.key.open(sealed))
        .and_then(|plain| String::from_utf8(plain).ok())
        .map(Secret::new);
    let (Some(github), Some(token)) = (auth.github(), token) else {
        // No way to ask GitHub (OAuth switched off, or a new secret key): no roles.
        let mut conn = pool.acquire().await?;
        return store::access::set_roles(&mut conn, user_id, &[]).await;
    };
    let refresh = user
        .github_refresh_token
        .as_deref()
        .and_then(|sealed| auth.key.open(sealed))
        .and_then(|plain| String::from_utf8(plain).ok())
        .map(Secret::new);
    let token = match refresh {
        Some(refresh) if due_for_refresh(user.github_token_expires_at, Utc::now()) => {
            match github.refresh(&refresh).await {
                Ok(renewed) => {
                    keep_tokens(pool, auth, user_id, &renewed).await?;
                    renewed.access
                }
                Err(github::SignInError::Rejected(message)) => {
                    // The refresh token is spent or revoked: only a new sign-in helps.
                    tracing::info!(user = %user.person.login, %message, "GitHub refused to renew the token");
                    let mut conn = pool.acquire().await?;
                    return store::access::set_roles(&mut conn, user_id, &[]).await;
                }
                Err(github::SignInError::Unavailable(message)) => {
                    tracing::warn!(user = %user.person.login, %message, "cannot renew the token");
                    return store::access::postpone_role_check(pool, user_id).await;
                }
            }
        }
        _ => token,
    };
    let repositories = store::repositories::list_names(pool).await?;
    let answers = futures::future::join_all(
        repositories
            .iter()
            .map(|(_, owner, name)| github.role(&token, owner, name)),
    )
    .await;
    let mut roles = Vec::with_capacity(repositories.len());
    for ((id, owner, name), answer) in repositories.iter().zip(answers) {
        match answer {
            Ok(role) => roles.push((*id, role)),
            Err(err) => {
                tracing::warn!(user = %user.person.login, repository = %format!("{owner}/{name}"), error = %err, "cannot read role from GitHub");
                return store::access::postpone_role_check(pool, user_id).await;
            }
        }
    }
    let mut tx = pool.begin().await?;
    store::access::set_roles(&mut tx, user_id, &roles).await?;
    tx.commit().await
}

/// True when a token that expires (a GitHub App's) has less than a minute left.
fn due_for_refresh(expires_at: Option<chrono::DateTime<Utc>>, now: chrono::DateTime<Utc>) -> bool {
    expires_at.is_some_and(|at| at - now < chrono::Duration::minutes(1))
}

/// Keeps a renewed token and its new refresh token, sealed.
async fn keep_tokens(
    pool: &SqlitePool,
    auth: &Auth,
    user_id: i64,
    token: &github::UserToken,
) -> sqlx::Result<()> {
    store::access::set_github_tokens(pool, user_id, &token.sealed(&auth.key)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiring_tokens_are_renewed_a_minute_ahead() {
        let now = Utc::now();
        assert!(
            !due_for_refresh(None, now),
            "an OAuth App's token never expires"
        );
        assert!(!due_for_refresh(
            Some(now + chrono::Duration::hours(8)),
            now
        ));
        assert!(due_for_refresh(
            Some(now + chrono::Duration::seconds(59)),
            now
        ));
        assert!(due_for_refresh(Some(now - chrono::Duration::hours(1)), now));
    }

    #[test]
    fn the_local_link_works_once_and_expires() {
        let auth = Auth::new(SecretKey::random(), None, None);
        let now = Instant::now();
        let token = auth.issue_local_link(now);
        assert!(!auth.redeem_local_link("rdl_wrong", now));
        assert!(auth.redeem_local_link(&token, now + Duration::from_secs(60)));
        assert!(!auth.redeem_local_link(&token, now), "single use");

        let late = auth.issue_local_link(now);
        assert!(!auth.redeem_local_link(&late, now + LOCAL_LINK_LIFETIME));

        let replaced = auth.issue_local_link(now);
        let _newer = auth.issue_local_link(now);
        assert!(
            !auth.redeem_local_link(&replaced, now),
            "a new link replaces the old"
        );
    }

    #[test]
    fn cookies_are_secure_over_https() {
        let url = |u: &str| Some(Url::parse(u).expect("url"));
        assert!(Auth::new(
            SecretKey::random(),
            None,
            url("https://releases.example.org")
        )
        .secure_cookies());
        assert!(
            !Auth::new(SecretKey::random(), None, url("http://127.0.0.1:3000")).secure_cookies()
        );
        assert!(!Auth::new(SecretKey::random(), None, None).secure_cookies());
    }
}
