//! Per-version checklists on the version page, the open items of a repository, and the
//! template editor.

use leptos::{prelude::*, server_fn::codec::GetUrl};

use crate::{
    error::AppError,
    model::{
        checklists::{
            ChecklistPanel, ItemChangeForm, OpenItems, OpenItemsRef, TemplateEditor, TemplateForm,
            TemplateRef,
        },
        versions::VersionRef,
    },
};

/// The checklist part of a version page.
#[server(prefix = "/sfn", endpoint = "get_checklist", input = GetUrl)]
pub async fn get_checklist(
    #[server(flatten)] version_ref: VersionRef,
) -> Result<Option<ChecklistPanel>, AppError> {
    use crate::{
        access,
        model::checklists::ItemRefusal,
        request::kept,
        service::{checklists, versions::checklist_version},
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
    let now = chrono::Utc::now();
    let checklist = checklists::load(&pool, &repository, &version, now).await?;
    let (parsed, _) = checklist_version(&pool, &repository, &version).await?;
    let template = match &checklist {
        Some(checklist) => checklist.template,
        None => checklists::template_for(&pool, &repository, &parsed, now).await?,
    };
    let maintainer = access::maintains(&pool, &access::current_caller(), &repository).await?;
    let refusal = if maintainer {
        kept::take(|_: &ItemRefusal| true).await
    } else {
        None
    };
    Ok(Some(ChecklistPanel {
        owner: repository.owner,
        name: repository.name,
        tag: checklist
            .as_ref()
            .map_or_else(|| version.clone(), |c| c.tag.clone()),
        checklist,
        template,
        maintainer,
        refusal,
        generated_at: now,
    }))
}

/// The page's tick, untick and skip forms. A refusal comes back as the action's error when
/// hydrated, and waits in the session for the page a plain form post returns to.
#[server(prefix = "/sfn", endpoint = "change_checklist_item")]
pub async fn change_checklist_item(
    #[server(flatten)] form: ItemChangeForm,
) -> Result<(), AppError> {
    use crate::{
        access,
        domain::access::{Need, Scope},
        model::{
            checklists::{stale_message, ItemRefusal},
            refusal::refusal_message,
        },
        request::{form_post, kept},
        service::{
            checklists::{change_item, ChangeRequest},
            plans,
        },
        state::app_state,
    };

    let app = app_state()?;
    let pool = app.pool;
    let ItemChangeForm {
        owner,
        repo,
        version,
        item,
        state,
        note,
        revision,
    } = form;
    let result = async {
        let permitted = access::permitted(
            &pool,
            &owner,
            &repo,
            Need::MaintainerOrToken(Scope::Checklists),
        )
        .await?;
        let request = ChangeRequest {
            item_id: item,
            state: &state,
            note: &note,
            expected_revision: Some(revision),
            by: &permitted.by,
        };
        match change_item(&pool, &permitted.repository, &version, &request).await? {
            Ok(_) => {
                plans::checklist_changed(&pool, &app.host, &permitted.repository, &version).await;
                Ok(())
            }
            Err(stale) => Err(AppError::Conflict(stale_message(&stale.current))),
        }
    }
    .await;
    let kept = match &result {
        Err(err) if err.status().is_client_error() => {
            let refusal = ItemRefusal {
                item_id: item,
                message: refusal_message(err),
                note,
            };
            kept::keep(refusal).await.is_ok()
        }
        _ => false,
    };
    // Without JavaScript, back at the item, or at the words saying why it did not change.
    form_post::return_to(&if kept {
        format!("item-error-{item}")
    } else {
        format!("item-{item}")
    });
    result
}

/// A maintainer starts the checklist of a version that had none (one released before the
/// repository was tracked).
#[server(prefix = "/sfn", endpoint = "start_checklist")]
pub async fn start_checklist(#[server(flatten)] version_ref: VersionRef) -> Result<(), AppError> {
    use crate::{access, domain::access::Need, service::checklists, state::app_state};

    let pool = app_state()?.pool;
    let permitted = access::permitted(
        &pool,
        &version_ref.owner,
        &version_ref.repo,
        Need::Maintainer,
    )
    .await?;
    checklists::start_by_hand(
        &pool,
        &permitted.repository,
        &version_ref.version,
        &permitted.by,
    )
    .await
}

/// Every open item across the repository's versions; `Ok(None)` for an untracked repository.
#[server(prefix = "/sfn", endpoint = "get_open_items", input = GetUrl)]
pub async fn get_open_items(
    #[server(flatten)] page: OpenItemsRef,
) -> Result<Option<OpenItems>, AppError> {
    use crate::{access, service::checklists, state::app_state, store};

    let pool = app_state()?.pool;
    let Some(repository) = store::repositories::find(&pool, &page.owner, &page.repo).await? else {
        return Ok(None);
    };
    let now = chrono::Utc::now();
    let mut items = checklists::open_items(&pool, &repository, now).await?;
    let open = items.len();
    let waiting_on_ci = page.waiting_on_ci();
    if waiting_on_ci {
        items.retain(|item| item.waiting_on_ci);
    }
    Ok(Some(OpenItems {
        open,
        waiting_on_ci,
        maintainer: access::maintains(&pool, &access::current_caller(), &repository).await?,
        owner: repository.owner,
        name: repository.name,
        items,
        generated_at: now,
    }))
}

/// A template in its editor, with an edit just refused shown once.
#[server(prefix = "/sfn", endpoint = "get_template", input = GetUrl)]
pub async fn get_template(
    #[server(flatten)] template_ref: TemplateRef,
) -> Result<TemplateEditor, AppError> {
    use crate::{
        access,
        request::kept::{self, TemplateRefusal},
        service::checklists,
        state::app_state,
    };

    let pool = app_state()?.pool;
    let repository = access::maintained(&pool, &template_ref.owner, &template_ref.repo).await?;
    let kind = checklists::parse_kind(&template_ref.kind)?;
    let mut editor = checklists::editor(&pool, &repository, kind).await?;
    editor.refusal = kept::take(|refused: &TemplateRefusal| refused.0 == kind.as_str())
        .await
        .map(|TemplateRefusal(_, message, typed)| (message, typed));
    Ok(editor)
}

/// Saves a template edit as a new revision. Checklists made from older revisions keep their
/// items. `revision` is the revision the edit started from: an edit of an older one is refused.
#[server(prefix = "/sfn", endpoint = "save_template")]
pub async fn save_template(#[server(flatten)] form: TemplateForm) -> Result<i64, AppError> {
    use crate::{
        access,
        domain::access::Need,
        model::refusal::refusal_message,
        request::kept::{self, TemplateRefusal},
        service::checklists,
        state::app_state,
    };

    let pool = app_state()?.pool;
    let permitted = access::permitted(&pool, &form.owner, &form.repo, Need::Maintainer).await?;
    let kind = checklists::parse_kind(&form.kind)?;
    let result = checklists::save_template(
        &pool,
        &permitted.repository,
        kind,
        form.revision,
        &form.text,
        &permitted.by,
    )
    .await;
    if let Err(err) = &result {
        if err.status().is_client_error() {
            let refusal =
                TemplateRefusal(kind.as_str().to_owned(), refusal_message(err), form.text);
            let _ = kept::keep(refusal).await;
        }
    }
    result
}
