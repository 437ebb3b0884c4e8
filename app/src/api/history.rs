//! The history page's data: the repository around its versions, and one page of them.

use leptos::{prelude::*, server_fn::codec::GetUrl};

use crate::{
    error::AppError,
    model::{
        history::{History, HistoryPage, HistoryPageQuery},
        repositories::RepoRef,
    },
};

/// `None` when the repository is not tracked.
#[server(prefix = "/sfn", endpoint = "get_history", input = GetUrl)]
pub async fn get_history(
    #[server(flatten)] repo_ref: RepoRef,
) -> Result<Option<History>, AppError> {
    use crate::{access, service::history, state::app_state, store};

    let pool = app_state()?.pool;
    let Some(repository) =
        store::repositories::find(&pool, &repo_ref.owner, &repo_ref.repo).await?
    else {
        return Ok(None);
    };
    let maintainer = access::maintains(&pool, &access::current_caller(), &repository).await?;
    Ok(Some(
        history::summary(&pool, &repository, maintainer).await?,
    ))
}

/// `None` when the repository is not tracked; an unknown line simply matches nothing.
#[server(prefix = "/sfn", endpoint = "get_history_page", input = GetUrl)]
pub async fn get_history_page(
    #[server(flatten)] query: HistoryPageQuery,
) -> Result<Option<HistoryPage>, AppError> {
    use crate::{
        access,
        domain::history::{clean_search, HistoryQuery},
        service::history,
        state::app_state,
        store,
    };

    let pool = app_state()?.pool;
    let Some(repository) = store::repositories::find(&pool, &query.owner, &query.repo).await?
    else {
        return Ok(None);
    };
    let maintainer = access::maintains(&pool, &access::current_caller(), &repository).await?;
    let query = HistoryQuery {
        channel: query.channel,
        line: query.line,
        search: query.search.as_deref().and_then(clean_search),
        page: query.page.max(1),
    };
    Ok(Some(
        history::page(&pool, &repository, query, maintainer).await?,
    ))
}
