//! The API tokens maintainers make for CI jobs and bots: made at random, stored as a hash.

use sqlx::SqlitePool;

use crate::{
    domain::access::Scope,
    error::AppError,
    model::tokens::TokenRow,
    store::{self, access::TokenSummary, repositories::Repository},
};

impl From<TokenSummary> for TokenRow {
    fn from(token: TokenSummary) -> Self {
        TokenRow {
            id: token.id,
            label: token.label,
            scopes: token
                .scopes
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            hint: token.hint,
            created_by: token.created_by,
            created_at: token.created_at,
            last_used_at: token.last_used_at,
            revoked_at: token.revoked_at,
        }
    }
}

/// A new random token for people or machines to present: 160 bits, hex, with a prefix that
/// says what it is (and lets secret scanners find leaked ones).
pub fn new_token(prefix: &str) -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 20];
    rand::rng().fill_bytes(&mut bytes);
    format!("{prefix}{}", hex::encode(bytes))
}

/// The SHA-256 of a token in hex: what we store instead of the token.
pub fn token_hash(token: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(token.as_bytes()))
}

/// A token just made: shown once, then only its summary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreatedToken {
    pub id: i64,
    pub token: String,
}

/// Makes an API token for a repository; only its hash is stored.
pub async fn create_token(
    pool: &SqlitePool,
    repository: &Repository,
    label: &str,
    scopes: &[Scope],
    created_by: &str,
) -> Result<CreatedToken, AppError> {
    let token = new_token("rdk_");
    let hint = token[token.len() - 4..].to_owned();
    let id = store::access::insert_token(
        pool,
        &store::access::NewToken {
            repository_id: repository.id,
            label,
            scopes,
            token_hash: &token_hash(&token),
            hint: &hint,
            created_by,
        },
    )
    .await?;
    Ok(CreatedToken { id, token })
}

/// The repository's tokens, live and revoked.
pub async fn list(pool: &SqlitePool, repository: &Repository) -> sqlx::Result<Vec<TokenRow>> {
    Ok(store::access::list_tokens(pool, repository.id)
        .await?
        .into_iter()
        .map(TokenRow::from)
        .collect())
}

/// Makes a token labelled `label` with the scopes asked for; both are checked first.
pub async fn create(
    pool: &SqlitePool,
    repository: &Repository,
    label: &str,
    scopes: &[Scope],
    by: &str,
) -> Result<CreatedToken, AppError> {
    let label = label.trim();
    let mut problems = Vec::new();
    if label.is_empty() || label.chars().count() > 100 {
        problems.push(("label", "a name of 1 to 100 characters".to_owned()));
    }
    if scopes.is_empty() {
        problems.push(("scopes", "tick at least one scope".to_owned()));
    }
    if !problems.is_empty() {
        return Err(AppError::validation(problems));
    }
    create_token(pool, repository, label, scopes, by).await
}

/// Revokes a live token of the repository; 404 for any other.
pub async fn revoke(pool: &SqlitePool, repository: &Repository, id: i64) -> Result<(), AppError> {
    if !store::access::revoke_token(pool, repository.id, id).await? {
        return Err(AppError::NotFound(
            "there is no such live token in this repository".to_owned(),
        ));
    }
    Ok(())
}
