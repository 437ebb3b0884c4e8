use crate::pages::data::page_data;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::{
    api::versions::compare,
    components::{ChannelChip, NotFound, PageTitle, RelativeTime},
    model::versions::{CompareRef, Comparison},
};

/// `/{owner}/{repo}/compare/{from}...{to}`: every version in between, with its notes, in the
/// order an upgrade goes through them.
#[component]
pub fn ComparePage() -> impl IntoView {
    let params = use_params_map();
    let owner = move || params.read().get("owner").unwrap_or_default();
    let repo = move || params.read().get("repo").unwrap_or_default();
    let range = move || params.read().get("range").unwrap_or_default();
    let comparison = page_data(
        move || (owner(), repo(), range()),
        |(owner, repo, range)| compare(CompareRef { owner, repo, range }),
    );
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Comparing…"</p> }>
            {move || Suspend::new(async move {
                match comparison.await {
                    Ok(Some(comparison)) => view! { <CompareView comparison/> }.into_any(),
                    Ok(None) => view! {
                        <NotFound what=format!("Release Desk does not track {}/{}.", owner(), repo())/>
                    }.into_any(),
                    Err(err) => view! { <NotFound what=err.to_string()/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn CompareView(comparison: Comparison) -> impl IntoView {
    let Comparison {
        owner,
        name,
        from,
        to,
        versions,
        generated_at,
    } = comparison;
    let base = format!("/{owner}/{name}");
    let count = versions.len();
    view! {
        <PageTitle text=format!("{from}...{to} · {owner}/{name} · Release Desk")/>
        <nav class="breadcrumbs" aria-label="Breadcrumbs">
            <a href=base.clone()>{owner.clone()} "/" {name.clone()}</a>
        </nav>
        <header class="page-header">
            <h1>"From " <span class="mono">{from.clone()}</span> " to " <span class="mono">{to.clone()}</span></h1>
            <p class="description">
                {match count {
                    0 => "No versions between these two.".to_owned(),
                    1 => "One version, with its notes.".to_owned(),
                    n => format!("{n} versions, oldest first: the order an upgrade goes through them."),
                }}
            </p>
        </header>
        {versions.into_iter().map(|version| {
            let href = format!("{base}/v/{}", version.tag);
            view! {
                <article class="notes compared" aria-label=version.tag.clone()>
                    <h2>
                        <a class="mono" href=href>{version.tag.clone()}</a>
                        " " <ChannelChip channel=version.channel/>
                        {version.withdrawn.then(|| view! { <span class="withdrawn-flag">"withdrawn"</span> })}
                    </h2>
                    <p class="hint">
                        {version.title}
                        {version.released_at.map(|at| view! { " · " <RelativeTime at now=generated_at/> })}
                    </p>
                    {match (version.notes_html.is_empty(), version.changelog_html.is_some()) {
                        (false, _) => view! { <div class="notes-body" inner_html=version.notes_html></div> }.into_any(),
                        (true, false) => view! { <p class="muted">"No release notes: this version is a bare tag."</p> }.into_any(),
                        (true, true) => ().into_any(),
                    }}
                    {version.changelog_html.map(|html| view! {
                        <h3 class="changelog-heading">"From CHANGELOG.md"</h3>
                        <div class="notes-body" inner_html=html></div>
                    })}
                </article>
            }
        }).collect_view()}
    }
}
