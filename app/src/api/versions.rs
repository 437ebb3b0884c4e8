//! One version's page, its withdraw and restore forms, and comparisons.

use leptos::{prelude::*, server_fn::codec::GetUrl};

use crate::{
    error::AppError,
    model::versions::{CompareRef, Comparison, VersionPage, VersionRef, WithdrawForm},
};

/// `Ok(None)` for a version the repository does not have (or a repository it does not track).
#[server(prefix = "/sfn", endpoint = "get_version", input = GetUrl)]
pub async fn get_version(
    #[server(flatten)] version_ref: VersionRef,
) -> Result<Option<VersionPage>, AppError> {
    use crate::{
        access,
        model::versions::WithdrawalRefusal,
        request::kept,
        service::{self, versions},
        state::app_state,
        store,
    };

    let pool = app_state()?.pool;
    let VersionRef {
        owner,
        repo,
        version,
    } = version_ref;
    let Some(repository) = store::repositories::find(&pool, &owner, &repo).await? else {
        return Ok(None);
    };
    let Some(mut page) = versions::version_page(&pool, &repository, &version).await? else {
        return Ok(None);
    };
    page.maintainer = access::maintains(&pool, &access::current_caller(), &repository).await?;
    // The form posts the page's tag.
    if page.maintainer {
        let id = store::versions::public_id(&pool, repository.id, &page.version).await?;
        page.publish_refusal = kept::take(|refused: &crate::model::plans::PublishRefusal| {
            Some(refused.version_id) == id
        })
        .await
        .map(|refused| refused.message);
    }
    page.refusal = kept::take(|refused: &WithdrawalRefusal| {
        refused.repository_id == repository.id && refused.version == page.tag
    })
    .await;
    page.site = access::current_site_address();
    page.evidence = match service::evidence::view(&pool, &repository, &page.tag).await {
        Ok(evidence) => Some(evidence),
        Err(AppError::NotFound(_)) => None,
        Err(err) => return Err(err),
    };
    Ok(Some(page))
}

/// The version page's withdraw form (maintainers). Refusals come back as the action's error
/// when hydrated, and wait in the session for the page a plain form post returns to.
#[server(prefix = "/sfn", endpoint = "withdraw")]
pub async fn withdraw(#[server(flatten)] form: WithdrawForm) -> Result<(), AppError> {
    use crate::{
        access, domain::access::Need, model::refusal::refusal_message,
        model::versions::WithdrawalRefusal, request::kept, service::versions, state::app_state,
    };

    let state = app_state()?;
    let pool = state.pool;
    let permitted = access::permitted(&pool, &form.owner, &form.repo, Need::Maintainer).await?;
    let result = versions::withdraw_version(
        &pool,
        &state.host,
        &state.notifier,
        &permitted.repository,
        &form.version,
        &form.reason,
        Some(&form.superseded_by),
        &permitted.by,
    )
    .await;
    // A form posted without JavaScript comes back to the page: the refusal waits for it there.
    if let Err(err) = &result {
        // GitHub refusing a mirrored withdrawal is told the same way.
        if err.status().is_client_error() || matches!(err, AppError::BadGateway(_)) {
            let refusal = WithdrawalRefusal {
                repository_id: permitted.repository.id,
                message: refusal_message(err),
                version: form.version,
                reason: form.reason,
                superseded_by: form.superseded_by,
            };
            let _ = kept::keep(refusal).await;
        }
    }
    result.map(|_| ())
}

#[server(prefix = "/sfn", endpoint = "restore")]
pub async fn restore(#[server(flatten)] version_ref: VersionRef) -> Result<(), AppError> {
    use crate::{access, service::versions, state::app_state};

    let state = app_state()?;
    let permitted = access::permitted(
        &state.pool,
        &version_ref.owner,
        &version_ref.repo,
        crate::domain::access::Need::Maintainer,
    )
    .await?;
    versions::restore_version(
        &state.pool,
        &state.host,
        &permitted.repository,
        &version_ref.version,
        &permitted.by,
    )
    .await?;
    Ok(())
}

/// `range` is `FROM...TO` (tags or versions, either order). `Ok(None)` for an untracked
/// repository; a malformed range is a 400 that says how to write one.
#[server(prefix = "/sfn", endpoint = "compare", input = GetUrl)]
pub async fn compare(
    #[server(flatten)] compare_ref: CompareRef,
) -> Result<Option<Comparison>, AppError> {
    use crate::{service::versions, state::app_state, store};

    let pool = app_state()?.pool;
    let Some(repository) =
        store::repositories::find(&pool, &compare_ref.owner, &compare_ref.repo).await?
    else {
        return Ok(None);
    };
    Ok(Some(
        versions::compare(&pool, &repository, &compare_ref.range).await?,
    ))
}
