//! Signing in and out: `GET /auth/login`, `GET /auth/callback`, `GET /auth/local`,
//! `POST /auth/logout`, and `GET /api/v1/me`.
//!
//! The flow follows crates.io's: the OAuth `state` and PKCE verifier wait in the server-side
//! session, the callback is a plain route, and the user's GitHub token is sealed in the database
//! and never sent to the browser.

use std::{net::SocketAddr, sync::Arc, time::Instant};

use app::{
    access::{SESSION_PENDING_SIGN_IN, SESSION_USER_ID},
    domain::access::{safe_next, Caller},
    error::AppError,
    state::AppState,
    store::{self, access::GithubUser},
};
use axum::{
    extract::{ConnectInfo, Query, Request, State},
    middleware::{self, Next},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
    Extension, Json, Router,
};
use chrono::Utc;
use http::{header, HeaderValue, StatusCode};
use serde::{Deserialize, Serialize};
use sqlx::SqlitePool;
use tower_sessions::Session;

use crate::auth::{github::SignInError, secret_key::token_hash, Auth};

pub fn router(auth: Arc<Auth>) -> Router<AppState> {
    let sign_in = Router::new()
        .route("/auth/login", get(login))
        .route("/auth/callback", get(callback))
        .route("/auth/local", get(local_sign_in))
        .route_layer(middleware::from_fn(move |request: Request, next: Next| {
            limit_sign_in(auth.clone(), request, next)
        }));
    Router::new()
        .merge(sign_in)
        .route("/auth/logout", post(logout))
        .route("/api/v1/me", get(me))
}

/// What waits in the session between `/auth/login` and `/auth/callback`.
#[derive(Serialize, Deserialize)]
struct PendingSignIn {
    state: String,
    verifier: String,
    next: String,
}

#[derive(Deserialize)]
struct LoginQuery {
    next: Option<String>,
}

/// Sends the browser to GitHub with a fresh state and PKCE challenge.
async fn login(
    Extension(auth): Extension<Arc<Auth>>,
    session: Session,
    Query(query): Query<LoginQuery>,
) -> Response {
    let Some(github) = auth.github() else {
        // Not an error of the person's: the way in here is the administrator's, and reading
        // needs no sign-in at all.
        return problem_page(
            &auth,
            StatusCode::OK,
            "Sign-in with GitHub is not set up",
            "This server has no GitHub OAuth app yet (`RELEASEDESK_GITHUB_CLIENT_ID` and \
             `RELEASEDESK_GITHUB_CLIENT_SECRET`). Until it has, its administrator signs in with \
             the one-time link that `releasedesk serve` prints at start-up, or a new one from \
             `releasedesk admin link`. Every public page reads the same without signing in.",
            &safe_next(query.next.as_deref()),
        );
    };
    let authorization = github.authorize();
    let pending = PendingSignIn {
        state: authorization.state,
        verifier: authorization.verifier,
        next: safe_next(query.next.as_deref()),
    };
    if let Err(err) = session.insert(SESSION_PENDING_SIGN_IN, pending).await {
        tracing::error!(error = %err, "cannot store the pending sign-in");
        return session_trouble();
    }
    Redirect::to(authorization.url.as_str()).into_response()
}

#[derive(Deserialize)]
struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

/// GitHub sends the browser back here: the state is checked and spent, the code exchanged,
/// the user recorded, and the session id changed before the user id goes into it.
async fn callback(
    State(pool): State<SqlitePool>,
    Extension(auth): Extension<Arc<Auth>>,
    session: Session,
    Query(query): Query<CallbackQuery>,
) -> Response {
    let Some(github) = auth.github() else {
        return problem_page(
            &auth,
            StatusCode::NOT_FOUND,
            "Sign-in with GitHub is not set up",
            "This server has no GitHub OAuth app.",
            "/",
        );
    };
    // Spent whatever happens next: a state works once.
    let pending = session
        .remove::<PendingSignIn>(SESSION_PENDING_SIGN_IN)
        .await
        .ok()
        .flatten();
    let next = pending.as_ref().map_or("/", |p| p.next.as_str()).to_owned();
    let again = "Try again with “Sign in again”.";
    if let Some(error) = &query.error {
        let (title, detail) = if error == "access_denied" {
            ("Sign-in cancelled", "You did not allow Release Desk to read your GitHub account, so you are not signed in.".to_owned())
        } else {
            (
                "GitHub refused the sign-in",
                query
                    .error_description
                    .clone()
                    .unwrap_or_else(|| error.clone()),
            )
        };
        return problem_page(
            &auth,
            StatusCode::BAD_REQUEST,
            title,
            &format!("{detail} {again}"),
            &next,
        );
    }
    let Some(pending) = pending else {
        return problem_page(
            &auth,
            StatusCode::BAD_REQUEST,
            "This sign-in has expired",
            &format!("It was already used, or it was started in another browser. {again}"),
            &next,
        );
    };
    if query.state.as_deref() != Some(pending.state.as_str()) {
        return problem_page(
            &auth,
            StatusCode::BAD_REQUEST,
            "This sign-in does not match",
            &format!("The answer from GitHub belongs to a different sign-in attempt. {again}"),
            &next,
        );
    }
    let Some(code) = query.code.as_deref().filter(|c| !c.is_empty()) else {
        return problem_page(
            &auth,
            StatusCode::BAD_REQUEST,
            "GitHub sent no code",
            &format!("The answer from GitHub is incomplete. {again}"),
            &next,
        );
    };
    let signed_in = async {
        let token = github.exchange(code, &pending.verifier).await?;
        let account = github.account(&token.access).await?;
        Ok::<_, SignInError>((token, account))
    }
    .await;
    let (token, account) = match signed_in {
        Ok(answer) => answer,
        Err(SignInError::Rejected(message)) => {
            return problem_page(
                &auth,
                StatusCode::BAD_REQUEST,
                "Sign-in failed",
                &format!("{message}. {again}"),
                &next,
            )
        }
        Err(SignInError::Unavailable(message)) => {
            tracing::warn!(error = %message, "GitHub failed during sign-in");
            return problem_page(
                &auth,
                StatusCode::BAD_GATEWAY,
                "GitHub is not answering",
                "Signing in needs GitHub, and it did not answer properly. Try again in a minute.",
                &next,
            );
        }
    };
    let user = GithubUser {
        github_id: account.id,
        login: &account.login,
        name: account.name.as_deref(),
        avatar_url: account.avatar_url.as_deref(),
    };
    let sealed = token.sealed(&auth.key);
    let user_id = match store::access::upsert_github_user(&pool, &user, &sealed).await {
        Ok(id) => id,
        Err(err) => return AppError::from(err).into_response(),
    };
    if let Err(err) = start_session(&session, user_id).await {
        tracing::error!(error = %err, "cannot start the session");
        return session_trouble();
    }
    tracing::info!(login = %account.login, "signed in");
    Redirect::to(&pending.next).into_response()
}

#[derive(Deserialize)]
struct LocalQuery {
    token: Option<String>,
}

/// The local administrator's one-time link: printed by `serve` when OAuth is not configured, or
/// made by `releasedesk admin link` at any time.
async fn local_sign_in(
    State(pool): State<SqlitePool>,
    Extension(auth): Extension<Arc<Auth>>,
    session: Session,
    Query(query): Query<LocalQuery>,
) -> Response {
    let token = query.token.unwrap_or_default();
    let printed = auth.github().is_none() && auth.redeem_local_link(&token, Instant::now());
    let valid = printed
        || match store::access::redeem_admin_link(&pool, &token_hash(&token), Utc::now()).await {
            Ok(fresh) => fresh,
            Err(err) => return AppError::from(err).into_response(),
        };
    if !valid {
        return problem_page(
            &auth,
            StatusCode::BAD_REQUEST,
            "This sign-in link does not work",
            "A local sign-in link works once, for 15 minutes. Run `releasedesk admin link` \
             on the server for a new one.",
            "/",
        );
    }
    let user_id = match store::access::local_admin(&pool).await {
        Ok(id) => id,
        Err(err) => return AppError::from(err).into_response(),
    };
    if let Err(err) = start_session(&session, user_id).await {
        tracing::error!(error = %err, "cannot start the session");
        return session_trouble();
    }
    tracing::info!("the local administrator signed in");
    Redirect::to("/").into_response()
}

/// A new session id for the signed-in user, so an id planted before sign-in is worthless.
async fn start_session(
    session: &Session,
    user_id: i64,
) -> Result<(), tower_sessions::session::Error> {
    session.cycle_id().await?;
    session.insert(SESSION_USER_ID, user_id).await
}

/// Ends the session and goes home.
async fn logout(session: Session) -> Response {
    if let Err(err) = session.flush().await {
        tracing::error!(error = %err, "cannot end the session");
        return session_trouble();
    }
    Redirect::to("/").into_response()
}

/// The signed-in person.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Me<'a> {
    #[schema(example = "mona")]
    login: &'a str,
    name: Option<&'a str>,
    avatar_url: Option<&'a str>,
}

/// `GET /api/v1/me`: the signed-in person, or 401.
#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "access",
    responses(
        (status = 200, description = "Who is signed in", body = Me),
        (status = 401, description = "Nobody is signed in", body = super::api::ErrorBody),
    )
)]
pub(crate) async fn me(Extension(caller): Extension<Caller>) -> Response {
    match caller.person() {
        Some(person) => Json(Me {
            login: &person.login,
            name: person.name.as_deref(),
            avatar_url: person.avatar_url.as_deref(),
        })
        .into_response(),
        None => AppError::Unauthorized("nobody is signed in".to_owned()).into_response(),
    }
}

async fn limit_sign_in(auth: Arc<Auth>, request: Request, next: Next) -> Response {
    let client = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip());
    if !auth.sign_in_limit.allow(client, Instant::now()) {
        let mut response = problem_page(
            &auth,
            StatusCode::TOO_MANY_REQUESTS,
            "Too many sign-in attempts",
            "Too many sign-in attempts came from your address. Wait a minute and try again.",
            "/",
        );
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
        return response;
    }
    next.run(request).await
}

fn session_trouble() -> Response {
    super::refusal::problem_page(
        StatusCode::SERVICE_UNAVAILABLE,
        "Sessions are unavailable",
        "The server cannot store sessions right now. Try again in a minute.",
        &[("/", "Back to Release Desk")],
    )
}

/// A page that explains what went wrong in a sign-in, with the ways on: signing in again
/// when GitHub sign-in is set up (without it, that link would only come back here), and back
/// to `next`, where the person was.
fn problem_page(
    auth: &Auth,
    status: StatusCode,
    title: &str,
    message: &str,
    next: &str,
) -> Response {
    let again = sign_in_again(next);
    let back = if next == "/" {
        "Back to Release Desk"
    } else {
        "Back to where you were"
    };
    let mut actions = Vec::new();
    if auth.github().is_some() {
        actions.push((again.as_str(), "Sign in again"));
    }
    actions.push((next, back));
    super::refusal::problem_page(status, title, message, &actions)
}

/// The sign-in address that comes back to `next`.
fn sign_in_again(next: &str) -> String {
    let next: String = url::form_urlencoded::byte_serialize(next.as_bytes()).collect();
    format!("/auth/login?next={next}")
}
