//! What the server shares with request handlers and, through Leptos context, with server
//! functions.

use axum::extract::FromRef;
use leptos::prelude::{use_context, LeptosOptions};
use sqlx::SqlitePool;

use crate::{error::AppError, service::host::Host};

#[derive(Clone, Debug, FromRef)]
pub struct AppState {
    pub pool: SqlitePool,
    pub leptos_options: LeptosOptions,
    /// GitHub, for the writes plans, publishing and mirrored withdrawals make.
    pub host: Host,
}

/// The state inside a server function; an error rather than a panic if it is missing.
pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or(AppError::Unavailable)
}
