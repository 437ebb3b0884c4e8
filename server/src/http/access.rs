//! Who is calling, and whether a change may even reach its handler.
//!
//! [`identify`] puts a [`Caller`] into every request: an API token from `Authorization: Bearer`,
//! else the person of the session cookie, else anonymous. [`guard`] then stands before every
//! route that changes something: it refuses routes missing from [`MUTATING_ROUTES`] (so a new
//! route is closed until someone decides who may use it) and cookie-authenticated requests from
//! other origins. The role or scope a change needs is checked by its handler with
//! `app::access::require`, where the repository is known.

use std::sync::Arc;

use app::{
    access::SESSION_USER_ID,
    domain::access::{is_same_origin, Caller},
    error::AppError,
    store,
};
use axum::{
    extract::{MatchedPath, Request},
    middleware::Next,
    response::{IntoResponse, Response},
};
use http::{header, HeaderMap, Method};
use sqlx::SqlitePool;
use tower_sessions::Session;

use super::refusal;
use crate::auth::{person_for_session, secret_key::token_hash, Auth};

/// How a route that changes something is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gate {
    /// The handler requires a maintainer, or a token with a scope (`app::access::require`).
    Checked,
    /// Anyone may call it (signing out); cookie requests must still come from our origin.
    Open,
    /// Authenticated by GitHub's signature, checked by the handler; no cookies involved.
    Signature,
}

/// Every route that changes something: method, path as routed, and its gate. The access-matrix
/// test walks this list and fails for an entry it has no expectations for.
pub const MUTATING_ROUTES: &[(&str, &str, Gate)] = &[
    ("POST", "/auth/logout", Gate::Open),
    ("POST", "/webhooks/github", Gate::Signature),
    (
        "PATCH",
        "/api/v1/repos/{owner}/{repo}/settings",
        Gate::Checked,
    ),
    (
        "PATCH",
        "/api/v1/repos/{owner}/{repo}/versions/{version}/checklist/items/{id}",
        Gate::Checked,
    ),
    (
        "POST",
        "/api/v1/repos/{owner}/{repo}/incidents",
        Gate::Checked,
    ),
    (
        "PATCH",
        "/api/v1/repos/{owner}/{repo}/incidents/{id}",
        Gate::Checked,
    ),
    (
        "POST",
        "/api/v1/repos/{owner}/{repo}/incidents/{id}/updates",
        Gate::Checked,
    ),
    ("POST", "/sfn/save_incident", Gate::Checked),
    ("POST", "/sfn/add_incident_update", Gate::Checked),
    ("POST", "/sfn/publish_incident", Gate::Checked),
    ("POST", "/sfn/change_checklist_item", Gate::Checked),
    ("POST", "/sfn/start_checklist", Gate::Checked),
    ("POST", "/sfn/save_template", Gate::Checked),
    ("POST", "/sfn/create_token", Gate::Checked),
    ("POST", "/sfn/revoke_token", Gate::Checked),
    ("POST", "/sfn/create_hook", Gate::Checked),
    ("POST", "/sfn/change_hook", Gate::Checked),
    ("POST", "/sfn/save_settings", Gate::Checked),
    ("POST", "/sfn/withdraw", Gate::Checked),
    ("POST", "/sfn/restore", Gate::Checked),
    (
        "POST",
        "/api/v1/repos/{owner}/{repo}/versions/{version}/withdraw",
        Gate::Checked,
    ),
    (
        "DELETE",
        "/api/v1/repos/{owner}/{repo}/versions/{version}/withdraw",
        Gate::Checked,
    ),
    ("POST", "/api/v1/repos/{owner}/{repo}/plans", Gate::Checked),
    (
        "PATCH",
        "/api/v1/repos/{owner}/{repo}/plans/{version}",
        Gate::Checked,
    ),
    (
        "DELETE",
        "/api/v1/repos/{owner}/{repo}/plans/{version}",
        Gate::Checked,
    ),
    (
        "POST",
        "/api/v1/repos/{owner}/{repo}/versions/{version}/publish",
        Gate::Checked,
    ),
    ("POST", "/sfn/save_plan", Gate::Checked),
    ("POST", "/sfn/cancel_plan", Gate::Checked),
    ("POST", "/sfn/publish_release", Gate::Checked),
    // Subscribing is for anyone; the links in mail carry their own signature.
    ("POST", "/{owner}/{repo}/subscribe", Gate::Open),
    ("POST", "/subscriptions/confirm/{token}", Gate::Open),
    ("POST", "/subscriptions/manage/{token}", Gate::Open),
    ("POST", "/subscriptions/unsubscribe/{token}", Gate::Open),
    (
        "POST",
        "/api/v1/repos/{owner}/{repo}/subscriptions",
        Gate::Open,
    ),
    ("POST", "/api/v1/repos/{owner}/{repo}/hooks", Gate::Checked),
    (
        "PATCH",
        "/api/v1/repos/{owner}/{repo}/hooks/{id}",
        Gate::Checked,
    ),
    (
        "DELETE",
        "/api/v1/repos/{owner}/{repo}/hooks/{id}",
        Gate::Checked,
    ),
    (
        "POST",
        "/api/v1/repos/{owner}/{repo}/hooks/{id}/deliveries/{delivery}/redeliver",
        Gate::Checked,
    ),
];

pub fn gate_for(method: &Method, path: &str) -> Option<Gate> {
    MUTATING_ROUTES
        .iter()
        .find(|(m, p, _)| *m == method.as_str() && *p == path)
        .map(|(_, _, gate)| *gate)
}

/// Finds the caller and stores it in the request's extensions.
pub async fn identify(
    pool: SqlitePool,
    auth: Arc<Auth>,
    session: Session,
    mut request: Request,
    next: Next,
) -> Response {
    if request.uri().path().starts_with("/pkg/") {
        return next.run(request).await;
    }
    let caller = match caller(&pool, &auth, &session, request.headers()).await {
        Ok(caller) => caller,
        Err(err) => return err.into_response(),
    };
    let site = site_address(&auth, request.headers());
    request.extensions_mut().insert(caller);
    request
        .extensions_mut()
        .insert(app::access::SiteAddress(site));
    next.run(request).await
}

async fn caller(
    pool: &SqlitePool,
    auth: &Auth,
    session: &Session,
    headers: &HeaderMap,
) -> Result<Caller, AppError> {
    if let Some(value) = headers.get(header::AUTHORIZATION) {
        let token = value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                AppError::Unauthorized("the Authorization header must be 'Bearer TOKEN'".to_owned())
            })?;
        return match store::access::use_token(pool, &token_hash(token)).await? {
            Some(holder) => Ok(Caller::Token(holder)),
            None => Err(AppError::Unauthorized(
                "this API token is unknown or was revoked".to_owned(),
            )),
        };
    }
    // A broken session store must not lock everyone out of reading: treat it as signed out.
    let user_id = match session.get::<i64>(SESSION_USER_ID).await {
        Ok(user_id) => user_id,
        Err(err) => {
            tracing::warn!(error = %err, "cannot read the session");
            None
        }
    };
    Ok(match user_id {
        Some(user_id) => person_for_session(pool, auth, user_id)
            .await?
            .map_or(Caller::Anonymous, Caller::Person),
        None => Caller::Anonymous,
    })
}

/// Where absolute links in answers (feeds, calendars, endoflife.date) point: the public URL with
/// its path (an export's base address may be a folder), else the host the request was sent to.
/// Empty when neither is known (an export without a base address): links are then
/// root-relative.
pub fn site_address(auth: &Auth, headers: &HeaderMap) -> String {
    match &auth.public_url {
        Some(url) => url.as_str().trim_end_matches('/').to_owned(),
        None => our_origin(auth, headers).unwrap_or_default(),
    }
}

/// Our own origin: the public URL's, or the one the browser addressed.
pub fn our_origin(auth: &Auth, headers: &HeaderMap) -> Option<String> {
    match &auth.public_url {
        Some(url) => Some(url.origin().ascii_serialization()),
        None => headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .map(|host| format!("http://{host}")),
    }
}

/// Lets safe methods through; for the rest, applies [`MUTATING_ROUTES`] and the origin check.
pub async fn guard(auth: Arc<Auth>, request: Request, next: Next) -> Response {
    let method = request.method().clone();
    if matches!(method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(request).await;
    }
    // Unrouted requests go on to the fallback, which changes nothing.
    let Some(path) = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
    else {
        return next.run(request).await;
    };
    let Some(gate) = gate_for(&method, &path) else {
        // Mostly a client posting to a read-only address; a new route left out of
        // MUTATING_ROUTES is caught by the access-matrix test, not in production.
        tracing::warn!(%method, %path, "refused: this method changes nothing at this address");
        return refusal::refuse(
            &request,
            AppError::Forbidden(format!("{method} is not accepted at this address")),
        );
    };
    let with_cookie = matches!(
        request.extensions().get::<Caller>(),
        Some(Caller::Person(_))
    );
    if with_cookie && gate != Gate::Signature {
        let headers = request.headers();
        let header_str = |name| {
            headers
                .get(name)
                .and_then(|v: &http::HeaderValue| v.to_str().ok())
        };
        let same_origin = our_origin(&auth, headers).is_some_and(|ours| {
            is_same_origin(
                header_str(header::ORIGIN),
                header_str(header::REFERER),
                &ours,
            )
        });
        if !same_origin {
            return refusal::refuse(
                &request,
                AppError::Forbidden(
                    "this change comes from another site; make it on Release Desk itself"
                        .to_owned(),
                ),
            );
        }
    }
    next.run(request).await
}
