//! A release train's page.

use leptos::{prelude::*, server_fn::codec::GetUrl};

use crate::{
    error::AppError,
    model::trains::{TrainPage, TrainRef},
};

/// `Ok(None)` for an untracked repository or a train without public versions.
#[server(prefix = "/sfn", endpoint = "get_train", input = GetUrl)]
pub async fn get_train(
    #[server(flatten)] train_ref: TrainRef,
) -> Result<Option<TrainPage>, AppError> {
    use crate::{service::trains, state::app_state, store};

    let pool = app_state()?.pool;
    let Some(repository) =
        store::repositories::find(&pool, &train_ref.owner, &train_ref.repo).await?
    else {
        return Ok(None);
    };
    match trains::train_page(&pool, &repository, &train_ref.train, chrono::Utc::now()).await {
        Ok(page) => Ok(Some(page)),
        Err(AppError::NotFound(_)) => Ok(None),
        Err(err) => Err(err),
    }
}
