//! The GitHub App set-up page's data, for the local administrator.

use leptos::{prelude::*, server_fn::codec::GetUrl};

use crate::{
    error::AppError,
    model::github_app::{SetupPage, SetupQuery},
};

/// The App set up (if any), its installations, and the manifest form for `query`.
#[server(prefix = "/sfn", endpoint = "get_github_app_setup", input = GetUrl)]
pub async fn get_github_app_setup(
    #[server(flatten)] query: SetupQuery,
) -> Result<SetupPage, AppError> {
    use crate::{access, request::kept, service::github_app, state::app_state};

    access::local_administrator("set up a GitHub App")?;
    let state = app_state()?;
    let outcome = kept::take::<crate::model::github_app::SetupOutcome>(|_| true).await;
    let flow_state = kept::SetupState::of_session().await?;
    github_app::setup_page(&state.pool, &state.sites, &query, &flow_state, outcome).await
}
