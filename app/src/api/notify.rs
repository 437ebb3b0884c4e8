//! Subscriptions' pages (anyone, and the holders of links in mails), the hooks page
//! (maintainers) and the local outbox (the local administrator).

use leptos::{prelude::*, server_fn::codec::GetUrl};

use crate::{
    error::AppError,
    model::{
        notify::{HookRef, HooksPage, LinkPage, LinkRef, NewHookForm, OutboxMail, SubscribePage},
        repositories::RepoRef,
    },
};

/// The subscribe page; `Ok(None)` for an untracked repository.
#[server(prefix = "/sfn", endpoint = "get_subscribe_page", input = GetUrl)]
pub async fn get_subscribe_page(
    #[server(flatten)] repo_ref: RepoRef,
) -> Result<Option<SubscribePage>, AppError> {
    use crate::{
        model::notify::NotifyRefusal, request::kept, service::notify::subscriptions,
        state::app_state, store,
    };

    let pool = app_state()?.pool;
    let Some(repository) =
        store::repositories::find(&pool, &repo_ref.owner, &repo_ref.repo).await?
    else {
        return Ok(None);
    };
    let place = format!("subscribe:{}/{}", repository.owner, repository.name);
    let refusal = kept::take(|refusal: &NotifyRefusal| refusal.place == place).await;
    Ok(Some(SubscribePage {
        known_lines: subscriptions::known_lines(&pool, &repository).await?,
        owner: repository.owner,
        name: repository.name,
        refusal,
    }))
}

/// A page of a mail's link: what the link is for, or why it no longer works.
#[server(prefix = "/sfn", endpoint = "get_link_page", input = GetUrl)]
pub async fn get_link_page(#[server(flatten)] link: LinkRef) -> Result<LinkPage, AppError> {
    use crate::{
        model::notify::NotifyRefusal, request::kept, service::notify::subscriptions,
        state::app_state,
    };

    let state = app_state()?;
    let (pool, notifier) = (state.pool, state.notifier);
    let place = format!("{}:{}", link.purpose, link.token);
    let refusal = kept::take(|refusal: &NotifyRefusal| refusal.place == place).await;
    let subscription = match link.purpose.as_str() {
        "confirm" => {
            subscriptions::pending(&pool, &notifier, &link.token, chrono::Utc::now()).await?
        }
        "manage" | "unsubscribe" => subscriptions::manage(&pool, &notifier, &link.token).await?,
        _ => return Err(AppError::NotFound("there is no such page".to_owned())),
    };
    Ok(LinkPage {
        subscription,
        refusal,
    })
}

/// The hooks page: the repository's hooks with their deliveries, and its subscribers per topic.
#[server(prefix = "/sfn", endpoint = "get_hooks_page", input = GetUrl)]
pub async fn get_hooks_page(#[server(flatten)] repo_ref: RepoRef) -> Result<HooksPage, AppError> {
    use crate::{
        access,
        service::notify::{hooks, subscriptions},
        state::app_state,
    };

    let pool = app_state()?.pool;
    let repository = access::maintained(&pool, &repo_ref.owner, &repo_ref.repo).await?;
    let mut listed = Vec::new();
    for hook in hooks::list(&pool, &repository).await? {
        let deliveries = hooks::deliveries(&pool, &repository, hook.id).await?;
        listed.push((hook, deliveries));
    }
    Ok(HooksPage {
        subscribers: subscriptions::counts(&pool, &repository).await?,
        owner: repository.owner,
        name: repository.name,
        hooks: listed,
    })
}

/// Adds a hook from the hooks page.
#[server(prefix = "/sfn", endpoint = "create_hook")]
pub async fn create_hook(#[server(flatten)] form: NewHookForm) -> Result<(), AppError> {
    use crate::{
        access, domain::access::Need, model::notify::HookInput, service::notify::hooks,
        state::app_state,
    };

    let state = app_state()?;
    let permitted =
        access::permitted(&state.pool, &form.owner, &form.repo, Need::Maintainer).await?;
    let input = HookInput {
        events: Some(form.events()),
        url: Some(form.url),
        secret: Some(form.secret),
        format: Some(form.format),
        active: Some(true),
    };
    hooks::create(
        &state.pool,
        &state.notifier,
        &permitted.repository,
        &input,
        &permitted.by,
    )
    .await?;
    Ok(())
}

/// Turns a hook on or off, removes it, or sends one of its deliveries again.
#[server(prefix = "/sfn", endpoint = "change_hook")]
pub async fn change_hook(#[server(flatten)] hook: HookRef) -> Result<(), AppError> {
    use crate::{
        access, domain::access::Need, model::notify::HookInput, service::notify::hooks,
        state::app_state,
    };

    let state = app_state()?;
    let (pool, notifier) = (&state.pool, &state.notifier);
    let permitted = access::permitted(pool, &hook.owner, &hook.repo, Need::Maintainer).await?;
    let repository = &permitted.repository;
    let switch = |active: bool| HookInput {
        active: Some(active),
        ..HookInput::default()
    };
    match hook.change.as_str() {
        "on" => hooks::edit(pool, notifier, repository, hook.id, &switch(true))
            .await
            .map(|_| ()),
        "off" => hooks::edit(pool, notifier, repository, hook.id, &switch(false))
            .await
            .map(|_| ()),
        "delete" => hooks::delete(pool, repository, hook.id).await,
        delivery => match delivery.parse::<i64>() {
            Ok(delivery) => hooks::redeliver(pool, notifier, repository, hook.id, delivery).await,
            Err(_) => Err(AppError::BadRequest(format!(
                "'{delivery}' is not a change of a hook"
            ))),
        },
    }
}

/// The local outbox: mail kept on the server when no SMTP server is set, newest first.
#[server(prefix = "/sfn", endpoint = "get_outbox", input = GetUrl)]
pub async fn get_outbox() -> Result<Vec<OutboxMail>, AppError> {
    use crate::{access, state::app_state, store};

    access::local_administrator("read the outbox")?;
    let pool = app_state()?.pool;
    Ok(store::notify::outbox::local_mail(&pool, 200)
        .await?
        .into_iter()
        .map(|mail| OutboxMail {
            id: mail.id,
            recipient: mail.recipient,
            subject: mail.subject,
            headers: mail.headers,
            text: mail.text_body,
            created_at: mail.created_at,
        })
        .collect())
}
