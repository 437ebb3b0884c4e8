//! Planned releases: the plans page, a plan's page, planning, dropping and publishing.

use leptos::{prelude::*, server_fn::codec::GetUrl};

use crate::{
    error::AppError,
    model::{
        plans::{PlanForm, PlanPage, PlansPage, PlansQuery, PublishForm},
        versions::VersionRef,
    },
};

/// Plans and publishing: a maintainer, or a token with the `releases` scope.
#[cfg(feature = "ssr")]
async fn releases_permit(
    pool: &sqlx::SqlitePool,
    owner: &str,
    repo: &str,
) -> Result<crate::access::Permitted, AppError> {
    use crate::domain::access::{Need, Scope};

    crate::access::permitted(pool, owner, repo, Need::MaintainerOrToken(Scope::Releases)).await
}

/// The plans page; with `suggest`, the next version the commits suggest on that channel
/// (maintainers: it asks GitHub).
#[server(prefix = "/sfn", endpoint = "get_plans", input = GetUrl)]
pub async fn get_plans(
    #[server(flatten)] query: PlansQuery,
) -> Result<Option<PlansPage>, AppError> {
    use crate::{
        access,
        model::plans::{PlanRefusal, SuggestionView},
        request::kept,
        service::plans,
        state::app_state,
        store,
    };

    let state = app_state()?;
    let pool = &state.pool;
    let Some(repository) = store::repositories::find(pool, &query.owner, &query.repo).await? else {
        return Ok(None);
    };
    let maintainer = access::maintains(pool, &access::current_caller(), &repository).await?;
    let mut views = Vec::new();
    for plan in plans::list(pool, &repository).await? {
        views.push(plans::view(pool, plan).await?);
    }
    let suggestion = match query.suggest.trim() {
        "" => None,
        _ if !maintainer => None,
        channel => Some(
            plans::next_version(pool, &state.host, &repository, channel, None)
                .await
                .map(|next| SuggestionView {
                    channel: channel.to_owned(),
                    base: next.base,
                    suggested: next.suggested,
                    bump: next.bump.as_str().to_owned(),
                    commits: next.commits,
                    skipped: next.skipped,
                    reasons: next
                        .reasons
                        .into_iter()
                        .map(|r| {
                            let short = r.sha.chars().take(7).collect();
                            (short, r.subject, r.kind.as_str().to_owned())
                        })
                        .collect(),
                })
                .map_err(|err| crate::model::refusal::refusal_message(&err)),
        ),
    };
    let refusal = if maintainer {
        kept::take(|kept: &PlanRefusal| kept.repository_id == repository.id).await
    } else {
        None
    };
    Ok(Some(PlansPage {
        owner: repository.owner,
        name: repository.name,
        plans: views,
        maintainer,
        suggestion,
        refusal,
    }))
}

/// The plan form: a new plan goes to its page; a refusal waits in the session with what was
/// typed.
#[server(prefix = "/sfn", endpoint = "save_plan")]
pub async fn save_plan(#[server(flatten)] form: PlanForm) -> Result<(), AppError> {
    use crate::{
        model::{
            plans::PlanRefusal,
            refusal::{refusal_message, refusal_problems},
        },
        request::kept,
        service::plans::{self, PlanInput},
        state::app_state,
    };

    let state = app_state()?;
    let permitted = releases_permit(&state.pool, &form.owner, &form.repo).await?;
    let input = PlanInput {
        version: form.version.clone(),
        target_date: form.target_date.clone(),
        branch: Some(form.branch.clone()),
        notes: form.notes.clone(),
    };
    let result = plans::plan(
        &state.pool,
        &state.host,
        &permitted.repository,
        &input,
        &permitted.by,
    )
    .await;
    match &result {
        Ok(plan) => {
            leptos_axum::redirect(&format!(
                "/{}/{}/plans/{}",
                form.owner, form.repo, plan.version
            ));
        }
        Err(err) => {
            if let Some(problems) = refusal_problems(err) {
                let refusal = PlanRefusal {
                    repository_id: permitted.repository.id,
                    message: refusal_message(err),
                    problems,
                    typed: form,
                };
                let _ = kept::keep(refusal).await;
            }
        }
    }
    result.map(|_| ())
}

/// One plan's page.
#[server(prefix = "/sfn", endpoint = "get_plan", input = GetUrl)]
pub async fn get_plan(
    #[server(flatten)] version_ref: VersionRef,
) -> Result<Option<PlanPage>, AppError> {
    use crate::{
        access,
        model::plans::{PublishRefusal, WriteView},
        request::kept,
        service::plans,
        state::app_state,
        store,
    };

    let pool = app_state()?.pool;
    let Some(repository) =
        store::repositories::find(&pool, &version_ref.owner, &version_ref.repo).await?
    else {
        return Ok(None);
    };
    let plan = match plans::find(&pool, &repository, &version_ref.version).await {
        Ok(plan) => plan,
        Err(AppError::NotFound(_)) => return Ok(None),
        Err(err) => return Err(err),
    };
    let maintainer = access::maintains(&pool, &access::current_caller(), &repository).await?;
    let version_id = plan.version_id;
    let writes = if maintainer {
        store::github_writes::for_version(&pool, version_id)
            .await?
            .into_iter()
            .map(|w| WriteView {
                action: w.action,
                detail: w.detail,
                status: w.status,
                answer: w.answer,
                by: w.by,
                at: w.at,
            })
            .collect()
    } else {
        Vec::new()
    };
    let refusal = if maintainer {
        kept::take(|kept: &PublishRefusal| kept.version_id == version_id)
            .await
            .map(|kept| kept.message)
    } else {
        None
    };
    Ok(Some(PlanPage {
        owner: repository.owner,
        name: repository.name,
        plan: plans::view(&pool, plan).await?,
        maintainer,
        writes,
        refusal,
    }))
}

/// Publishes the GitHub release from a plan's or a version's page; a refusal waits there.
#[server(prefix = "/sfn", endpoint = "publish_release")]
pub async fn publish_release(#[server(flatten)] form: PublishForm) -> Result<(), AppError> {
    use crate::{
        model::{plans::PublishRefusal, refusal::refusal_message},
        request::{form_post, kept},
        service::{plans, versions::checklist_version},
        state::app_state,
    };

    let state = app_state()?;
    let permitted = releases_permit(&state.pool, &form.owner, &form.repo).await?;
    let (_, version_id) =
        checklist_version(&state.pool, &permitted.repository, &form.version).await?;
    let reason = Some(form.reason.as_str()).filter(|r| !r.trim().is_empty());
    let result = plans::publish(
        &state.pool,
        &state.host,
        &permitted.repository,
        &form.version,
        &permitted.by,
        reason,
    )
    .await;
    if let Err(err) = &result {
        let refusal = PublishRefusal {
            version_id,
            message: refusal_message(err),
        };
        let _ = kept::keep(refusal).await;
    }
    form_post::return_to("publish");
    result.map(|_| ())
}

/// Drops a plan not yet tagged; back to the plans page.
#[server(prefix = "/sfn", endpoint = "cancel_plan")]
pub async fn cancel_plan(#[server(flatten)] version_ref: VersionRef) -> Result<(), AppError> {
    use crate::{service::plans, state::app_state};

    let pool = app_state()?.pool;
    let permitted = releases_permit(&pool, &version_ref.owner, &version_ref.repo).await?;
    plans::cancel(&pool, &permitted.repository, &version_ref.version).await?;
    leptos_axum::redirect(&format!(
        "/{}/{}/plans",
        version_ref.owner, version_ref.repo
    ));
    Ok(())
}
