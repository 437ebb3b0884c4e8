//! The API tokens maintainers make for CI jobs and bots.

use chrono::{DateTime, Utc};
use leptos::{prelude::*, server_fn::codec::GetUrl};
use serde::{Deserialize, Serialize};

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::store::access::TokenSummary;

/// An API token as the tokens page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRow {
    pub id: i64,
    pub label: String,
    pub scopes: String,
    pub hint: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// The tokens page: the repository's tokens, and the one just made, shown this once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tokens {
    pub owner: String,
    pub name: String,
    pub generated_at: DateTime<Utc>,
    pub tokens: Vec<TokenRow>,
    pub just_created: Option<String>,
}

#[cfg(feature = "ssr")]
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

/// A token made on the page, waiting in the session until the page shows it.
#[cfg(feature = "ssr")]
#[derive(Serialize, Deserialize)]
struct NewToken {
    repository_id: i64,
    token: String,
}

#[server(prefix = "/sfn", endpoint = "list_tokens", input = GetUrl)]
pub async fn list_tokens(owner: String, repo: String) -> Result<Tokens, AppError> {
    use crate::{access::SESSION_NEW_TOKEN, state::app_state, store};

    let pool = app_state()?.pool;
    let repository = crate::access::maintained(&pool, &owner, &repo).await?;
    let session = crate::access::current_session()?;
    // Shown once: taken out of the session as it is shown.
    let just_created = match session.get::<NewToken>(SESSION_NEW_TOKEN).await {
        Ok(Some(new)) if new.repository_id == repository.id => {
            let _ = session.remove_value(SESSION_NEW_TOKEN).await;
            Some(new.token)
        }
        _ => None,
    };
    let tokens = store::access::list_tokens(&pool, repository.id).await?;
    Ok(Tokens {
        owner: repository.owner,
        name: repository.name,
        generated_at: Utc::now(),
        tokens: tokens.into_iter().map(TokenRow::from).collect(),
        just_created,
    })
}

/// Makes a token; the tokens page shows it once. Checkboxes arrive as `on` when ticked.
#[server(prefix = "/sfn", endpoint = "create_token")]
pub async fn create_token(
    owner: String,
    repo: String,
    label: String,
    checklists: Option<String>,
    incidents: Option<String>,
) -> Result<(), AppError> {
    use crate::{
        access::{self, SESSION_NEW_TOKEN},
        domain::access::Scope,
        state::app_state,
    };

    let pool = app_state()?.pool;
    let repository = crate::access::maintained(&pool, &owner, &repo).await?;
    let label = label.trim();
    let mut problems = Vec::new();
    if label.is_empty() || label.chars().count() > 100 {
        problems.push(("label", "a name of 1 to 100 characters".to_owned()));
    }
    let scopes: Vec<Scope> = [
        (checklists, Scope::Checklists),
        (incidents, Scope::Incidents),
    ]
    .into_iter()
    .filter_map(|(ticked, scope)| ticked.filter(|v| !v.is_empty()).map(|_| scope))
    .collect();
    if scopes.is_empty() {
        problems.push(("scopes", "tick at least one scope".to_owned()));
    }
    if !problems.is_empty() {
        return Err(AppError::validation(problems));
    }
    let person = access::current_caller()
        .person()
        .map(|p| p.login.clone())
        .unwrap_or_default();
    let created = access::create_token(&pool, &repository, label, &scopes, &person).await?;
    let new = NewToken {
        repository_id: repository.id,
        token: created.token,
    };
    access::current_session()?
        .insert(SESSION_NEW_TOKEN, new)
        .await
        .map_err(|err| {
            tracing::error!(error = %err, "cannot keep the new token in the session");
            AppError::Internal
        })?;
    Ok(())
}

#[server(prefix = "/sfn", endpoint = "revoke_token")]
pub async fn revoke_token(owner: String, repo: String, id: i64) -> Result<(), AppError> {
    use crate::{state::app_state, store};

    let pool = app_state()?.pool;
    let repository = crate::access::maintained(&pool, &owner, &repo).await?;
    if !store::access::revoke_token(&pool, repository.id, id).await? {
        return Err(AppError::NotFound(
            "there is no such live token in this repository".to_owned(),
        ));
    }
    Ok(())
}
