//! The gate every REST change opens with: the tracked repository in the path (else 404) and
//! who acts, once the caller is allowed the change (else 401 or 403). The server functions'
//! twin is `app::access::permitted`.

use std::{collections::HashMap, marker::PhantomData};

use app::{
    access::permit,
    domain::access::{Caller, Need, Scope},
    error::AppError,
    state::AppState,
    store::repositories::Repository,
};
use axum::{
    extract::{FromRequestParts, Path},
    http::request::Parts,
};

/// What a route's change needs of its caller.
pub(crate) trait Needs {
    const NEED: Need;
}

/// A maintainer in person: withdrawals and settings.
pub(crate) struct InPerson;

impl Needs for InPerson {
    const NEED: Need = Need::Maintainer;
}

/// A maintainer, or a token with the `checklists` scope.
pub(crate) struct Checklists;

impl Needs for Checklists {
    const NEED: Need = Need::MaintainerOrToken(Scope::Checklists);
}

/// A maintainer, or a token with the `incidents` scope.
pub(crate) struct Incidents;

impl Needs for Incidents {
    const NEED: Need = Need::MaintainerOrToken(Scope::Incidents);
}

/// A maintainer, or a token with the `releases` scope: plans and publishing.
pub(crate) struct Releases;

impl Needs for Releases {
    const NEED: Need = Need::MaintainerOrToken(Scope::Releases);
}

/// A change allowed in the repository of the route's `{owner}/{repo}`.
pub(crate) struct Permit<N> {
    pub repo: Repository,
    /// Who the change is recorded as: a person's login, or a token's label.
    pub by: String,
    need: PhantomData<N>,
}

impl<N: Needs> FromRequestParts<AppState> for Permit<N> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let Path(params) = Path::<HashMap<String, String>>::from_request_parts(parts, state)
            .await
            .map_err(|rejection| AppError::BadRequest(rejection.body_text()))?;
        let name = |key: &str| params.get(key).map_or("", String::as_str);
        // The server's middleware names every request's caller; without it, nobody.
        let caller = parts
            .extensions
            .get::<Caller>()
            .cloned()
            .unwrap_or_default();
        let permitted = permit(&state.pool, &caller, name("owner"), name("repo"), N::NEED).await?;
        Ok(Permit {
            repo: permitted.repository,
            by: permitted.by,
            need: PhantomData,
        })
    }
}
