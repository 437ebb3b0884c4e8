//! The home page's list of tracked repositories.

use leptos::{prelude::*, server_fn::codec::GetUrl};

use crate::{error::AppError, model::repositories::RepositoryList};

#[server(prefix = "/sfn", endpoint = "list_repositories", input = GetUrl)]
pub async fn list_repositories() -> Result<RepositoryList, AppError> {
    use crate::{state::app_state, store};

    let state = app_state()?;
    Ok(RepositoryList {
        generated_at: chrono::Utc::now(),
        repositories: store::repositories::list_summaries(&state.pool).await?,
    })
}
