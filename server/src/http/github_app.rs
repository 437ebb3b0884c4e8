//! `GET /setup/github-app/callback`: GitHub sends the local administrator back from the
//! manifest flow with a code, which becomes the App's credentials, sealed with the secret key.
//! The outcome waits in the session for the set-up page, as a form post's would.

use std::sync::Arc;

use app::{
    domain::access::Caller,
    model::github_app::SetupOutcome,
    request::kept::{Kept, SetupState},
    state::AppState,
    store,
};
use axum::{
    extract::{Query, State},
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::get,
    Extension, Router,
};
use serde::Deserialize;
use sqlx::SqlitePool;
use tower_sessions::Session;

use super::Services;
use crate::{
    auth::{github::GitHubOAuth, Auth},
    config::OAuthApp,
    github::{
        app::{convert, GitHubApp},
        GitHubClients,
    },
};

const SETUP_PAGE: &str = "/setup/github-app";

pub fn router() -> Router<AppState> {
    Router::new().route("/setup/github-app/callback", get(callback))
}

#[derive(Deserialize)]
struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
}

async fn callback(
    State(pool): State<SqlitePool>,
    Extension(services): Extension<Services>,
    Extension(caller): Extension<Caller>,
    session: Session,
    Query(query): Query<CallbackQuery>,
) -> Response {
    if !matches!(&caller, Caller::Person(person) if person.local_admin) {
        return super::refusal::problem_page(
            StatusCode::FORBIDDEN,
            "Only the local administrator sets up a GitHub App",
            "Sign in with the link Release Desk printed when it started, then set the App up again.",
            &[("/", "Back to Release Desk")],
        );
    }
    let expected = session
        .get::<SetupState>(SetupState::KEY)
        .await
        .ok()
        .flatten();
    let outcome = match (query.code, query.state, expected) {
        (Some(code), Some(state), Some(SetupState(expected))) if state == expected => {
            set_up(&pool, &services, &code).await
        }
        _ => Err(
            "GitHub sent back a set-up this session did not start (or the session ended): start again"
                .to_owned(),
        ),
    };
    let outcome = match outcome {
        Ok(message) => {
            let _ = session.remove::<SetupState>(SetupState::KEY).await;
            SetupOutcome {
                done: true,
                message,
            }
        }
        Err(message) => SetupOutcome {
            done: false,
            message,
        },
    };
    if let Err(err) = session.insert(SetupOutcome::KEY, &outcome).await {
        tracing::warn!(error = %err, "cannot keep the set-up's outcome in the session");
    }
    Redirect::to(SETUP_PAGE).into_response()
}

/// Exchanges the code, keeps the App sealed, and acts as it from now on.
async fn set_up(pool: &SqlitePool, services: &Services, code: &str) -> Result<String, String> {
    let Some(github) = &services.github else {
        return Err("this server does not reach GitHub".to_owned());
    };
    let conversion = convert(&github.api, code).await?;
    let stored = conversion.seal(&services.auth.key, chrono::Utc::now())?;
    let app = GitHubApp::open(&stored, &services.auth.key, &github.api_url)?;
    let replaced = keep(pool, &stored).await.map_err(|err| {
        tracing::error!(error = %err, "cannot keep the GitHub App");
        "the App could not be kept in the database; start again".to_owned()
    })?;
    sign_in_through(&services.auth, &app, github)?;
    github.clients.set_app(Some(Arc::new(app)));
    tracing::info!(app_id = stored.app_id, slug = %stored.slug, "GitHub App set up");
    let stopped = match replaced {
        0 => String::new(),
        n => format!(
            " The {n} repositories of the App it replaces stopped syncing until it is installed on them."
        ),
    };
    Ok(format!(
        "The GitHub App {} is set up. Install it on the repositories Release Desk should track.{stopped}",
        stored.name
    ))
}

/// Keeps the App; when it replaces another, that one's installations are retired. Returns how
/// many repositories stopped syncing.
async fn keep(pool: &SqlitePool, app: &store::github_app::StoredApp) -> sqlx::Result<u64> {
    let mut tx = pool.begin().await?;
    let before = store::github_app::find_app(&mut *tx).await?;
    let stopped = match before {
        Some(before) if before.app_id != app.app_id => {
            store::github_app::retire_installations(&mut tx, app.created_at).await?
        }
        _ => 0,
    };
    store::github_app::save_app(&mut *tx, app).await?;
    tx.commit().await?;
    Ok(stopped)
}

/// People sign in through the App's own OAuth from now on.
pub fn sign_in_through(auth: &Auth, app: &GitHubApp, site: &GitHubSite) -> Result<(), String> {
    let oauth = GitHubOAuth::new(
        &OAuthApp {
            client_id: app.client_id.clone(),
            client_secret: app.client_secret.clone(),
        },
        &site.oauth_url,
        &site.api_url,
        site.public_url
            .join("auth/callback")
            .map_err(|err| format!("bad public URL: {err}"))?,
    )?;
    auth.set_github(oauth);
    Ok(())
}

/// How the server reaches GitHub: its clients (the App's once set up), and what setting up an
/// App needs.
#[derive(Clone)]
pub struct GitHubSite {
    pub clients: Arc<GitHubClients>,
    /// Reaches GitHub without credentials (the manifest's code is the credential).
    pub api: Arc<crate::github::OctocrabGitHub>,
    pub api_url: url::Url,
    pub oauth_url: url::Url,
    pub public_url: url::Url,
}

impl std::fmt::Debug for GitHubSite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GitHubSite")
            .field("api_url", &self.api_url.as_str())
            .field("app", &self.clients.app().map(|app| app.app_id))
            .finish_non_exhaustive()
    }
}

impl GitHubSite {
    pub fn new(
        clients: Arc<GitHubClients>,
        api_url: &url::Url,
        oauth_url: &url::Url,
        public_url: &url::Url,
    ) -> Result<GitHubSite, String> {
        Ok(GitHubSite {
            clients,
            api: Arc::new(crate::github::OctocrabGitHub::with_credentials(
                api_url,
                crate::github::Credentials::None,
            )?),
            api_url: api_url.clone(),
            oauth_url: oauth_url.clone(),
            public_url: public_url.clone(),
        })
    }
}
