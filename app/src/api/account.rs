//! The API tokens maintainers make for CI jobs and bots.

use leptos::{prelude::*, server_fn::codec::GetUrl};

use crate::{
    error::AppError,
    model::{
        repositories::RepoRef,
        tokens::{NewTokenForm, TokenRef, Tokens},
    },
};

/// The tokens page: the repository's tokens, and the one just made, shown this once.
#[server(prefix = "/sfn", endpoint = "list_tokens", input = GetUrl)]
pub async fn list_tokens(#[server(flatten)] repo_ref: RepoRef) -> Result<Tokens, AppError> {
    use crate::{
        access,
        request::kept::{self, NewToken},
        service::tokens,
        state::app_state,
    };

    let pool = app_state()?.pool;
    let repository = access::maintained(&pool, &repo_ref.owner, &repo_ref.repo).await?;
    let just_created = kept::take(|new: &NewToken| new.repository_id == repository.id)
        .await
        .map(|new| new.token);
    Ok(Tokens {
        tokens: tokens::list(&pool, &repository).await?,
        owner: repository.owner,
        name: repository.name,
        generated_at: chrono::Utc::now(),
        just_created,
    })
}

/// Makes a token; the tokens page shows it once. Checkboxes arrive as `on` when ticked.
#[server(prefix = "/sfn", endpoint = "create_token")]
pub async fn create_token(#[server(flatten)] form: NewTokenForm) -> Result<(), AppError> {
    use crate::{
        access,
        domain::access::{Need, Scope},
        request::kept::{self, NewToken},
        service::tokens,
        state::app_state,
    };

    let pool = app_state()?.pool;
    let permitted = access::permitted(&pool, &form.owner, &form.repo, Need::Maintainer).await?;
    let ticked = |field: &Option<String>| field.as_deref().is_some_and(|v| !v.is_empty());
    let scopes: Vec<Scope> = [
        (ticked(&form.checklists), Scope::Checklists),
        (ticked(&form.incidents), Scope::Incidents),
        (ticked(&form.releases), Scope::Releases),
    ]
    .into_iter()
    .filter_map(|(ticked, scope)| ticked.then_some(scope))
    .collect();
    let created = tokens::create(
        &pool,
        &permitted.repository,
        &form.label,
        &scopes,
        &permitted.by,
    )
    .await?;
    kept::keep(NewToken {
        repository_id: permitted.repository.id,
        token: created.token,
    })
    .await
}

#[server(prefix = "/sfn", endpoint = "revoke_token")]
pub async fn revoke_token(#[server(flatten)] token_ref: TokenRef) -> Result<(), AppError> {
    use crate::{access, service::tokens, state::app_state};

    let pool = app_state()?.pool;
    let repository = access::maintained(&pool, &token_ref.owner, &token_ref.repo).await?;
    tokens::revoke(&pool, &repository, token_ref.id).await
}
