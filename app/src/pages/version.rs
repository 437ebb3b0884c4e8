use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::{
    api::versions::{get_version, VersionPage},
    components::{phase_class, ChannelChip, NotFound, RelativeTime},
    domain::support::{CheckPhase, Phase},
};

/// `/{owner}/{repo}/v/{version}`: one version's notes, channel, support phase and neighbours.
#[component]
pub fn VersionPage() -> impl IntoView {
    let params = use_params_map();
    let owner = move || params.read().get("owner").unwrap_or_default();
    let repo = move || params.read().get("repo").unwrap_or_default();
    let version = move || params.read().get("version").unwrap_or_default();
    let page = Resource::new(
        move || (owner(), repo(), version()),
        |(owner, repo, version)| get_version(owner, repo, version),
    );
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading the version…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(Some(page)) => view! { <VersionView page/> }.into_any(),
                    Ok(None) => view! {
                        <NotFound what=format!("{}/{} has no version {}.", owner(), repo(), version())/>
                    }.into_any(),
                    Err(err) => view! { <NotFound what=err.to_string()/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn VersionView(page: VersionPage) -> impl IntoView {
    let VersionPage {
        owner,
        name,
        tag,
        channel,
        line,
        released_at,
        title,
        notes_html,
        html_url,
        has_release,
        check,
        withdrawal,
        previous,
        next,
        generated_at,
        ..
    } = page;
    let base = format!("/{owner}/{name}");
    let (phase_text, phase) = match check.phase {
        CheckPhase::Full => ("In full support".to_owned(), Some(Phase::Full)),
        CheckPhase::Security => (
            check.eol.map_or("Security fixes only".to_owned(), |eol| {
                format!("Security fixes only, until {eol}")
            }),
            Some(Phase::Security),
        ),
        CheckPhase::Eol => ("End of life: no more fixes".to_owned(), Some(Phase::Eol)),
        CheckPhase::Prerelease => ("A pre-release".to_owned(), None),
        CheckPhase::Withdrawn => ("Withdrawn".to_owned(), Some(Phase::Eol)),
        CheckPhase::Unknown => ("Not in a supported line".to_owned(), None),
    };
    let upgrade = check.recommended.filter(|_| check.upgrade_recommended);
    let neighbour = move |tag: Option<String>, rel: &'static str, label: &'static str| {
        tag.map(|tag| {
            let href = format!("/{owner}/{name}/v/{tag}");
            view! { <a href=href rel=rel>{label} " " <span class="mono">{tag}</span></a> }
        })
    };
    view! {
        <Title text=format!("{tag} · Release Desk")/>
        <nav class="breadcrumbs" aria-label="Breadcrumbs">
            <a href=base.clone()>{page_owner_name(&base)}</a>
        </nav>
        <header class="page-header">
            <h1 class="mono">{tag.clone()}</h1>
            <p class="description">{title}</p>
            <p class="facts-line">
                <ChannelChip channel/>
                " for " {channel.environment()} " · line " <span class="mono">{line}</span>
                {released_at.map(|at| view! { " · released " <RelativeTime at now=generated_at/> })}
            </p>
            <p class=format!("support-phase {}", phase.map_or("none", phase_class))>
                {phase_text}
                {upgrade.map(|v| view! { " · upgrade to " <a href=format!("{base}/v/{v}")>{v.to_string()}</a> })}
                " · " <a href=format!("{base}/support")>"support windows"</a>
            </p>
        </header>
        {withdrawal.map(|w| view! {
            <section class="withdrawn" role="alert" aria-labelledby="withdrawn-title">
                <h2 id="withdrawn-title">"Withdrawn: do not use this version"</h2>
                <p>{w.reason}</p>
                {w.superseded_by.map(|v| view! {
                    <p>"Use " <a href=format!("/{}/v/{v}", page_owner_name(&base))>{v.clone()}</a> " instead."</p>
                })}
                <p class="hint">"Withdrawn by " {w.withdrawn_by} " " <RelativeTime at=w.withdrawn_at now=generated_at/> "."</p>
            </section>
        })}
        <article class="notes" aria-label="Release notes">
            {if has_release && !notes_html.is_empty() {
                view! { <div class="notes-body" inner_html=notes_html></div> }.into_any()
            } else {
                view! { <p class="muted">"No release notes: this version is a bare tag."</p> }.into_any()
            }}
        </article>
        <nav class="neighbours" aria-label="Other versions">
            {neighbour(previous, "prev", "Older:")}
            {neighbour(next, "next", "Newer:")}
        </nav>
        {(!html_url.is_empty()).then(|| view! { <p class="hint"><a href=html_url>"This release on GitHub"</a></p> })}
    }
}

fn page_owner_name(base: &str) -> String {
    base.trim_start_matches('/').to_owned()
}
