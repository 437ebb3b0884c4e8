//! What the server shares with request handlers and, through Leptos context, with server
//! functions.

use axum::extract::FromRef;
use leptos::prelude::{use_context, LeptosOptions};
use sqlx::SqlitePool;

use crate::{
    error::AppError,
    service::{host::Host, notify::Notifier},
};

#[derive(Clone, Debug, FromRef)]
pub struct AppState {
    pub pool: SqlitePool,
    pub leptos_options: LeptosOptions,
    /// GitHub, for the writes plans, publishing and mirrored withdrawals make.
    pub host: Host,
    /// Mail and hooks: signed links, sealed hook secrets, the sender's bell.
    pub notifier: Notifier,
    /// Where people reach us and where GitHub's pages are, for a GitHub App's manifest.
    pub sites: Sites,
}

#[derive(Clone, Debug, Default)]
pub struct Sites {
    /// Our public address (RELEASEDESK_PUBLIC_URL, else the address we listen on).
    pub public_url: String,
    /// GitHub's web address (RELEASEDESK_GITHUB_OAUTH_URL).
    pub github_web: String,
}

/// The state inside a server function; an error rather than a panic if it is missing.
pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or(AppError::Unavailable)
}
