//! The support page's data: every line's window and the version check.

use leptos::{prelude::*, server_fn::codec::GetUrl};

use crate::{
    error::AppError,
    model::{
        repositories::RepoRef,
        support::{CheckOutcome, SupportOverview},
        versions::VersionRef,
    },
};

/// `None` when the repository is not tracked.
#[server(prefix = "/sfn", endpoint = "get_support", input = GetUrl)]
pub async fn get_support(
    #[server(flatten)] repo_ref: RepoRef,
) -> Result<Option<SupportOverview>, AppError> {
    use crate::{service::support, state::app_state, store};

    let pool = app_state()?.pool;
    let Some(repository) =
        store::repositories::find(&pool, &repo_ref.owner, &repo_ref.repo).await?
    else {
        return Ok(None);
    };
    let today = chrono::Utc::now().date_naive();
    Ok(Some(support::overview(&pool, &repository, today).await?))
}

/// Checks a version or tag as typed; a text that is no version is a 400 with the reason.
#[server(prefix = "/sfn", endpoint = "check_support", input = GetUrl)]
pub async fn check_support(
    #[server(flatten)] version_ref: VersionRef,
) -> Result<CheckOutcome, AppError> {
    use crate::{
        service::{repositories::tracked, support},
        state::app_state,
    };

    let pool = app_state()?.pool;
    let repository = tracked(&pool, &version_ref.owner, &version_ref.repo).await?;
    let today = chrono::Utc::now().date_naive();
    support::check(&pool, &repository, &version_ref.version, today).await
}
