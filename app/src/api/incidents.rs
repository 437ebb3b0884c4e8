//! Incident notices: the list, one incident's page, the incident form, publishing a draft and
//! the update form. The REST routes change incidents through the same service.

use leptos::{prelude::*, server_fn::codec::GetUrl};

use crate::{
    error::AppError,
    model::{
        incidents::{IncidentForm, IncidentList, IncidentPage, IncidentRef, UpdateForm},
        repositories::RepoRef,
    },
};

#[server(prefix = "/sfn", endpoint = "get_incidents", input = GetUrl)]
pub async fn get_incidents(
    #[server(flatten)] repo_ref: RepoRef,
) -> Result<Option<IncidentList>, AppError> {
    use crate::{access, service::incidents, state::app_state, store};

    let pool = app_state()?.pool;
    let Some(repository) =
        store::repositories::find(&pool, &repo_ref.owner, &repo_ref.repo).await?
    else {
        return Ok(None);
    };
    let maintainer = access::maintains(&pool, &access::current_caller(), &repository).await?;
    let incidents = incidents::list(&pool, &repository, maintainer).await?;
    let refusal = if maintainer {
        take_refusal(0).await
    } else {
        None
    };
    Ok(Some(IncidentList {
        owner: repository.owner,
        name: repository.name,
        incidents,
        maintainer,
        refusal,
        generated_at: chrono::Utc::now(),
    }))
}

/// `Ok(None)` for an untracked repository or an incident the caller may not see.
#[server(prefix = "/sfn", endpoint = "get_incident", input = GetUrl)]
pub async fn get_incident(
    #[server(flatten)] incident_ref: IncidentRef,
) -> Result<Option<IncidentPage>, AppError> {
    use crate::{access, service::incidents, state::app_state, store};

    let pool = app_state()?.pool;
    let Some(repository) =
        store::repositories::find(&pool, &incident_ref.owner, &incident_ref.repo).await?
    else {
        return Ok(None);
    };
    let maintainer = access::maintains(&pool, &access::current_caller(), &repository).await?;
    let now = chrono::Utc::now();
    let Some(mut page) =
        incidents::page(&pool, &repository, incident_ref.id, maintainer, now).await?
    else {
        return Ok(None);
    };
    page.maintainer = maintainer;
    if maintainer {
        page.refusal = take_refusal(incident_ref.id).await;
    }
    Ok(Some(page))
}

/// The incident form, new (`id` 0) or an edit. On success the browser goes to the incident's
/// page; a refusal comes back to the form with each field named and what was typed kept.
#[server(prefix = "/sfn", endpoint = "save_incident")]
pub async fn save_incident(#[server(flatten)] form: IncidentForm) -> Result<i64, AppError> {
    use crate::{
        access,
        domain::access::{Need, Scope},
        model::incidents::IncidentRefusal,
        service::incidents,
        state::app_state,
    };

    let state = app_state()?;
    let (pool, notifier) = (state.pool, state.notifier);
    let IncidentForm {
        owner,
        repo,
        id,
        input,
        published,
    } = form;
    let permitted = access::permitted(
        &pool,
        &owner,
        &repo,
        Need::MaintainerOrToken(Scope::Incidents),
    )
    .await?;
    let (repository, by) = (&permitted.repository, &permitted.by);
    let published = published.is_some();
    let result = if id == 0 {
        incidents::create(&pool, &notifier, repository, &input, published, by).await
    } else {
        incidents::edit(&pool, &notifier, repository, id, &input, published, by)
            .await
            .map(|()| id)
    };
    match &result {
        Ok(saved) => leptos_axum::redirect(&format!("/{owner}/{repo}/incidents/{saved}")),
        Err(err) => {
            keep_refusal(err, |problems| IncidentRefusal {
                incident_id: id,
                problems,
                typed: input,
                published,
                update: false,
                message: String::new(),
            })
            .await
        }
    }
    result
}

/// The draft's "Publish" button: the notice as it stands goes public. A refusal (a field no
/// longer valid) opens the edit form with the field named.
#[server(prefix = "/sfn", endpoint = "publish_incident")]
pub async fn publish_incident(
    #[server(flatten)] incident_ref: IncidentRef,
) -> Result<(), AppError> {
    use crate::{
        access,
        domain::access::{Need, Scope},
        model::incidents::IncidentRefusal,
        service::incidents,
        state::app_state,
    };

    let state = app_state()?;
    let (pool, notifier) = (state.pool, state.notifier);
    let IncidentRef { owner, repo, id } = incident_ref;
    let permitted = access::permitted(
        &pool,
        &owner,
        &repo,
        Need::MaintainerOrToken(Scope::Incidents),
    )
    .await?;
    let repository = &permitted.repository;
    let result = incidents::publish(&pool, &notifier, repository, id, &permitted.by).await;
    match &result {
        Ok(()) => leptos_axum::redirect(&format!("/{owner}/{repo}/incidents/{id}")),
        Err(err) => {
            let typed = incidents::find(&pool, repository, id)
                .await
                .map(|record| incidents::incident_view(record).input)
                .unwrap_or_default();
            keep_refusal(err, |problems| IncidentRefusal {
                incident_id: id,
                problems,
                typed,
                published: true,
                update: false,
                message: String::new(),
            })
            .await
        }
    }
    result
}

/// The incident page's update form: a status and a message for the timeline.
#[server(prefix = "/sfn", endpoint = "add_incident_update")]
pub async fn add_incident_update(#[server(flatten)] form: UpdateForm) -> Result<(), AppError> {
    use crate::{
        access,
        domain::{
            access::{Need, Scope},
            incident::IncidentInput,
        },
        model::incidents::IncidentRefusal,
        service::incidents,
        state::app_state,
    };

    let state = app_state()?;
    let (pool, notifier) = (state.pool, state.notifier);
    let UpdateForm {
        owner,
        repo,
        id,
        status,
        message,
    } = form;
    let permitted = access::permitted(
        &pool,
        &owner,
        &repo,
        Need::MaintainerOrToken(Scope::Incidents),
    )
    .await?;
    let result = incidents::add_update(
        &pool,
        &notifier,
        &permitted.repository,
        id,
        &status,
        &message,
        &permitted.by,
    )
    .await;
    if let Err(err) = &result {
        keep_refusal(err, |problems| IncidentRefusal {
            incident_id: id,
            problems,
            typed: IncidentInput {
                status,
                ..IncidentInput::default()
            },
            published: true,
            update: true,
            message,
        })
        .await;
    }
    result.map(|_| ())
}

/// The refusal kept for the incident `incident_id` (0: the new-incident form), taken out of
/// the session as it is shown.
#[cfg(feature = "ssr")]
async fn take_refusal(incident_id: i64) -> Option<crate::model::incidents::IncidentRefusal> {
    use crate::{model::incidents::IncidentRefusal, request::kept};

    kept::take(|refused: &IncidentRefusal| refused.incident_id == incident_id).await
}

/// Keeps a refusal for the page a plain form post returns to: each field's problem, or the
/// whole form's for a refusal of another kind. Failures of ours (5xx) are not kept.
#[cfg(feature = "ssr")]
async fn keep_refusal(
    err: &AppError,
    refusal: impl FnOnce(
        std::collections::BTreeMap<String, String>,
    ) -> crate::model::incidents::IncidentRefusal,
) {
    use crate::{model::refusal::refusal_problems, request::kept};

    if let Some(problems) = refusal_problems(err) {
        let _ = kept::keep(refusal(problems)).await;
    }
}
