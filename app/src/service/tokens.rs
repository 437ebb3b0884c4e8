//! The API tokens maintainers make for CI jobs and bots.

use sqlx::SqlitePool;

use crate::{
    access::{create_token, CreatedToken},
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
