//! `/{owner}/{repo}/hooks`: maintainers' outgoing webhooks, each with its delivery log, and how
//! many people subscribe by mail to each topic.

use crate::pages::data::page_data;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::{
    api::notify::{get_hooks_page, ChangeHook, CreateHook},
    components::{PageTitle, Refused, RelativeTime},
    domain::notify::Topic,
    model::{
        notify::{DeliveryView, HookView, HooksPage as Page},
        refusal::refusal_message,
        repositories::RepoRef,
    },
};

#[component]
pub fn HooksPage() -> impl IntoView {
    let params = use_params_map();
    let owner = move || params.read().get("owner").unwrap_or_default();
    let repo = move || params.read().get("repo").unwrap_or_default();
    let create = ServerAction::<CreateHook>::new();
    let change = ServerAction::<ChangeHook>::new();
    let page = page_data(
        move || {
            (
                owner(),
                repo(),
                create.version().get(),
                change.version().get(),
            )
        },
        |(owner, repo, _, _)| get_hooks_page(RepoRef { owner, repo }),
    );
    view! {
        <PageTitle text="Notifications · Release Desk"/>
        <Suspense fallback=|| view! { <p class="loading">"Loading hooks…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => view! { <Hooks page create change/> }.into_any(),
                    Err(err) => view! { <Refused title="Notifications" err/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Hooks(
    page: Page,
    create: ServerAction<CreateHook>,
    change: ServerAction<ChangeHook>,
) -> impl IntoView {
    let Page {
        owner,
        name,
        hooks,
        subscribers,
    } = page;
    let history = format!("/{owner}/{name}");
    let now = chrono::Utc::now();
    let counts = subscribers
        .into_iter()
        .map(|count| {
            view! { <tr><th scope="row">{count.label}</th><td data-label="Subscribers">{count.subscribers}</td></tr> }
        })
        .collect_view();
    let create_error = move || {
        create
            .value()
            .get()
            .and_then(Result::err)
            .map(|err| view! { <p class="error" role="alert">{refusal_message(&err)}</p> })
    };
    let change_error = move || {
        change
            .value()
            .get()
            .and_then(Result::err)
            .map(|err| view! { <p class="error" role="alert">{refusal_message(&err)}</p> })
    };
    let no_hooks = hooks.is_empty();
    let listed = hooks
        .into_iter()
        .map(|(hook, deliveries)| {
            view! { <HookPanel hook deliveries owner=owner.clone() name=name.clone() change now/> }
        })
        .collect_view();
    let topics = Topic::ALL
        .iter()
        .map(|topic| {
            view! {
                <label>
                    <input type="checkbox" name=topic.as_str() checked=matches!(topic, Topic::Releases | Topic::Incidents)/>
                    " " {topic.label()}
                </label>
            }
        })
        .collect_view();
    view! {
        <nav class="breadcrumbs" aria-label="Breadcrumbs">
            <a href=history>{owner.clone()} "/" {name.clone()}</a>
        </nav>
        <h1>"Notifications"</h1>
        <section aria-labelledby="subscribers-title">
            <h2 id="subscribers-title">"Mail subscribers"</h2>
            <p>"Confirmed subscribers per topic. Their addresses are never shown."</p>
            <table class="stack"><tbody>{counts}</tbody></table>
        </section>
        <section aria-labelledby="create-title" class="panel">
            <h2 id="create-title">"Add a webhook"</h2>
            <ActionForm action=create attr:class="stacked-form">
                <input type="hidden" name="owner" value=owner.clone()/>
                <input type="hidden" name="repo" value=name.clone()/>
                <label for="hook-url">"Address"</label>
                <input id="hook-url" name="url" type="url" required maxlength="2000" placeholder="https://hooks.slack.com/services/…"/>
                <label for="hook-format">"Format"</label>
                <select id="hook-format" name="format">
                    <option value="json">"JSON (our payload)"</option>
                    <option value="slack">"Slack"</option>
                    <option value="discord">"Discord"</option>
                    <option value="teams">"Microsoft Teams"</option>
                </select>
                <label for="hook-secret">"Secret"</label>
                <input id="hook-secret" name="secret" type="password" required minlength="16" maxlength="256" autocomplete="off"/>
                <p class="hint">"Each delivery carries " <code>"X-ReleaseDesk-Signature-256: sha256=…"</code> ", the HMAC-SHA256 of its body with this secret."</p>
                <fieldset>
                    <legend>"Events"</legend>
                    {topics}
                </fieldset>
                <button type="submit">"Add webhook"</button>
            </ActionForm>
            {create_error}
        </section>
        <section aria-labelledby="hooks-title">
            <h2 id="hooks-title">"Webhooks"</h2>
            {change_error}
            {if no_hooks { Some(view! { <p>"No webhooks yet."</p> }) } else { None }}
            {listed}
        </section>
    }
}

#[component]
fn HookPanel(
    hook: HookView,
    deliveries: Vec<DeliveryView>,
    owner: String,
    name: String,
    change: ServerAction<ChangeHook>,
    now: chrono::DateTime<chrono::Utc>,
) -> impl IntoView {
    let heading = format!("hook-{}", hook.id);
    let labelled_by = heading.clone();
    let state = match (&hook.disabled_reason, hook.active) {
        (_, true) => "on".to_owned(),
        (Some(reason), false) => format!("off: {reason}"),
        (None, false) => "off".to_owned(),
    };
    let button = move |change_to: String, label: &'static str, class: &'static str| {
        view! {
            <HookButton owner=owner.clone() name=name.clone() id=hook.id change_to label class change/>
        }
    };
    let switch = if hook.active {
        button("off".to_owned(), "Turn off", "secondary")
    } else {
        button("on".to_owned(), "Turn on", "secondary")
    };
    let remove = button("delete".to_owned(), "Remove", "danger");
    let rows = deliveries
        .into_iter()
        .map(|delivery| {
            let outcome = match (delivery.last_status, &delivery.last_error) {
                (_, Some(error)) => error.clone(),
                (Some(status), None) => format!("HTTP {status}"),
                (None, None) => "—".to_owned(),
            };
            let again = button(delivery.id.to_string(), "Send again", "secondary");
            view! {
                <tr>
                    <th scope="row" class="mono">{delivery.event.unwrap_or_default()}</th>
                    <td data-label="State">{delivery.state}</td>
                    <td data-label="Attempts">{delivery.attempts}</td>
                    <td data-label="Last answer">{outcome}</td>
                    <td data-label="Made"><RelativeTime at=delivery.created_at now/></td>
                    <td data-label="Delivery"><code>{delivery.delivery}</code></td>
                    <td>{again}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <article class="panel" aria-labelledby=labelled_by>
            <h3 id=heading class="mono">{hook.url.clone()}</h3>
            <p>
                {hook.format.clone()} " · " {hook.events.join(", ")} " · "
                <strong>{state}</strong>
                " · added " <RelativeTime at=hook.created_at now/> " by " {hook.created_by.clone()}
            </p>
            <div class="actions">{switch}{remove}</div>
            <table class="stack">
                <caption>"Deliveries, newest first"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Event"</th>
                        <th scope="col">"State"</th>
                        <th scope="col">"Attempts"</th>
                        <th scope="col">"Last answer"</th>
                        <th scope="col">"Made"</th>
                        <th scope="col">"Delivery id"</th>
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </article>
    }
}

/// One button of a hook: turn it on or off, remove it, or send a delivery again.
#[component]
fn HookButton(
    owner: String,
    name: String,
    id: i64,
    change_to: String,
    label: &'static str,
    class: &'static str,
    change: ServerAction<ChangeHook>,
) -> impl IntoView {
    view! {
        <ActionForm action=change attr:class="inline-form">
            <input type="hidden" name="owner" value=owner/>
            <input type="hidden" name="repo" value=name/>
            <input type="hidden" name="id" value=id/>
            <input type="hidden" name="change" value=change_to/>
            <button type="submit" class=class>{label}</button>
        </ActionForm>
    }
}
