//! Access checks for server functions and REST handlers alike: the server's middleware puts
//! the [`Caller`] into the request; these read it and apply `domain::access`.

use sqlx::SqlitePool;

use crate::{
    domain::access::{decide, Caller, Need, Refusal, Role},
    error::AppError,
    store::{self, repositories::Repository},
};

/// The session key of the signed-in user's id.
pub const SESSION_USER_ID: &str = "user_id";
/// The session key of a sign-in under way: its state, PKCE verifier and destination.
pub const SESSION_PENDING_SIGN_IN: &str = "pending_sign_in";

/// The caller of the current server function or page render.
pub fn current_caller() -> Caller {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<Caller>().cloned())
        .unwrap_or_default()
}

/// The site's address (`https://host`, no trailing slash) as the server knows it: its public
/// URL, or the one the browser addressed. The server's middleware puts it into the request.
#[derive(Clone, Debug)]
pub struct SiteAddress(pub String);

/// The current request's [`SiteAddress`]; empty when not known, so links start at the root.
pub fn current_site_address() -> String {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| {
            parts
                .extensions
                .get::<SiteAddress>()
                .map(|site| site.0.clone())
        })
        .unwrap_or_default()
}

/// The session of the current request (for what a page shows once, like a new token).
pub fn current_session() -> Result<tower_sessions::Session, AppError> {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<tower_sessions::Session>().cloned())
        .ok_or(AppError::Unavailable)
}

/// Passes only for the local administrator of a server without GitHub sign-in (the local
/// outbox, setting up a GitHub App): 401 for nobody, 403 for anyone else. `what` completes
/// "sign in as the local administrator to ...".
pub fn local_administrator(what: &str) -> Result<(), AppError> {
    match current_caller() {
        Caller::Person(person) if person.local_admin => Ok(()),
        Caller::Anonymous => Err(AppError::Unauthorized(format!(
            "sign in as the local administrator to {what}"
        ))),
        _ => Err(AppError::Forbidden(format!(
            "only the local administrator may {what}"
        ))),
    }
}

/// The tracked repository `owner/name`, once the current caller is known to maintain it.
pub async fn maintained(
    pool: &SqlitePool,
    owner: &str,
    name: &str,
) -> Result<Repository, AppError> {
    Ok(permitted(pool, owner, name, Need::Maintainer)
        .await?
        .repository)
}

/// The caller's role in a repository; `None` for anyone who is not a signed-in person.
pub async fn role_in(
    pool: &SqlitePool,
    caller: &Caller,
    repository: &Repository,
) -> Result<Option<Role>, AppError> {
    Ok(match caller.person() {
        Some(person) => Some(store::access::role(pool, person, repository.id).await?),
        None => None,
    })
}

/// True when the caller maintains the repository: they see drafts and the maintainer tools.
pub async fn maintains(
    pool: &SqlitePool,
    caller: &Caller,
    repository: &Repository,
) -> Result<bool, AppError> {
    Ok(caller.person().is_some()
        && require(pool, caller, repository, Need::Maintainer)
            .await
            .is_ok())
}

/// Refuses with 401 or 403 unless the caller may make a change needing `need`.
pub async fn require(
    pool: &SqlitePool,
    caller: &Caller,
    repository: &Repository,
    need: Need,
) -> Result<(), AppError> {
    let role = role_in(pool, caller, repository).await?;
    decide(caller, role, repository.id, need).map_err(|refusal| match refusal {
        Refusal::SignInRequired => {
            AppError::Unauthorized("sign in with GitHub to make changes".to_owned())
        }
        Refusal::Forbidden(reason) => AppError::Forbidden(reason),
    })
}

/// Who a change is recorded as: a person's login, or a token's label.
pub async fn actor(
    pool: &SqlitePool,
    caller: &crate::domain::access::Caller,
) -> Result<String, AppError> {
    use crate::domain::access::Caller;

    Ok(match caller {
        Caller::Person(person) => person.login.clone(),
        Caller::Token(token) => {
            let label = crate::store::access::token_label(pool, token.token_id).await?;
            format!(
                "token {}",
                label.unwrap_or_else(|| format!("#{}", token.token_id))
            )
        }
        Caller::Anonymous => return Err(AppError::Unauthorized("sign in first".to_owned())),
    })
}

/// A change's repository and who it is recorded as, once the caller may make it.
pub struct Permitted {
    pub repository: Repository,
    pub by: String,
}

/// The tracked repository `owner/name` (else 404) and who the change is recorded as, once
/// `caller` is known to be allowed a change needing `need` (else 401 or 403).
pub async fn permit(
    pool: &SqlitePool,
    caller: &Caller,
    owner: &str,
    name: &str,
    need: Need,
) -> Result<Permitted, AppError> {
    let repository = crate::service::repositories::tracked(pool, owner, name).await?;
    require(pool, caller, &repository, need).await?;
    let by = actor(pool, caller).await?;
    Ok(Permitted { repository, by })
}

/// [`permit`] for the caller of the current server function.
pub async fn permitted(
    pool: &SqlitePool,
    owner: &str,
    name: &str,
    need: Need,
) -> Result<Permitted, AppError> {
    permit(pool, &current_caller(), owner, name, need).await
}
