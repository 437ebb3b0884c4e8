//! `/{owner}/{repo}/checklists`: every open item of a repository.

use crate::pages::data::page_data;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::{
    api::checklists::get_open_items,
    components::{NotFound, PageTitle},
    domain::checklist::{due_words, TemplateKind},
    model::checklists::{OpenItems, OpenItemsRef},
};

/// `/{owner}/{repo}/checklists`: every open item across versions, overdue first;
/// `?only=ci`: those waiting only on CI.
#[component]
pub fn ChecklistsPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let owner = move || params.read().get("owner").unwrap_or_default();
    let repo = move || params.read().get("repo").unwrap_or_default();
    let only = move || query.read().get("only");
    let page = page_data(
        move || (owner(), repo(), only()),
        |(owner, repo, only)| get_open_items(OpenItemsRef { owner, repo, only }),
    );
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading open items…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(Some(items)) => view! { <OpenItemsView items/> }.into_any(),
                    Ok(None) => view! {
                        <NotFound what=format!("{}/{} is not tracked.", owner(), repo())/>
                    }.into_any(),
                    Err(err) => view! { <NotFound what=err.to_string()/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn OpenItemsView(items: OpenItems) -> impl IntoView {
    let OpenItems {
        owner,
        name,
        items,
        open,
        waiting_on_ci,
        maintainer,
        generated_at,
    } = items;
    let base = format!("/{owner}/{name}");
    let overdue = items.iter().filter(|i| i.overdue).count();
    let summary = match (waiting_on_ci, items.len(), overdue) {
        (false, 0, _) => "Nothing open: every item of every checklist is done or skipped.".to_owned(),
        (false, open, 0) => format!("{open} open items, none overdue."),
        (false, open, overdue) => format!("{open} open items, {overdue} overdue."),
        (true, 0, _) => format!("None of the {open} open items is waiting only on CI."),
        (true, waiting, _) => format!(
            "{waiting} of {open} open items wait only on CI: evidence from GitHub ticks them once it is green."
        ),
    };
    let all_href = format!("{base}/checklists");
    let ci_href = format!("{base}/checklists?only=ci");
    let current = |on: bool| on.then_some("page");
    view! {
        <PageTitle text=format!("Open checklist items · {owner}/{name} · Release Desk")/>
        <nav class="breadcrumbs" aria-label="Breadcrumbs">
            <a href=base.clone()>{owner.clone()} "/" {name.clone()}</a>
        </nav>
        <h1>"Open checklist items"</h1>
        <nav class="filter-links" aria-label="Which open items">
            <a href=all_href aria-current=current(!waiting_on_ci)>"All open items"</a>
            <a href=ci_href aria-current=current(waiting_on_ci)>"Waiting only on CI"</a>
        </nav>
        <p class="description">{summary}</p>
        {(!items.is_empty()).then(|| view! {
            <table class="open-items stack">
                <thead>
                    <tr><th scope="col">"Version"</th><th scope="col">"Item"</th><th scope="col">"Section"</th><th scope="col">"Due"</th></tr>
                </thead>
                <tbody>
                    {items.into_iter().map(|item| {
                        let href = format!("{base}/v/{}#item-{}", item.tag, item.item_id);
                        let due = item.due_at.map(|due| due_words(due, generated_at));
                        view! {
                            <tr class=if item.overdue { "overdue" } else { "" }>
                                <td class="mono" data-label="Version">{item.tag}</td>
                                <td data-label="Item">
                                    <a href=href>{item.text}</a>
                                    {item.waiting_on_ci.then(|| view! { " " <span class="waiting-ci">"waiting on CI"</span> })}
                                </td>
                                <td data-label="Section">{item.section}</td>
                                <td class=if item.overdue { "overdue-text" } else { "" } data-label="Due">{due.unwrap_or_else(|| "—".to_owned())}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        })}
        {maintainer.then(|| view! {
            <section class="panel" aria-labelledby="templates-title">
                <h2 id="templates-title">"Templates"</h2>
                <p class="hint">"A new version's checklist is made from the template of its release type. Editing a template never changes checklists already made."</p>
                <ul class="template-links">
                    {TemplateKind::ALL.into_iter().map(|kind| view! {
                        <li><a href=format!("{base}/checklists/templates/{}", kind.as_str())>{kind.label()}</a></li>
                    }).collect_view()}
                </ul>
            </section>
        })}
    }
}
