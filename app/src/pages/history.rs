use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::{
    api::history::{get_history, History, HistoryEntry},
    components::{ChannelChip, DriftReport, NotFound, RelativeTime, SyncStatus},
    domain::version::{count_by_channel, Channel, UnknownChannel},
};

/// `/{owner}/{repo}`: the release history, newest first by SemVer precedence.
#[component]
pub fn HistoryPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let owner = move || params.read().get("owner").unwrap_or_default();
    let repo = move || params.read().get("repo").unwrap_or_default();
    // Only the path decides what is fetched: changing the channel filters what is loaded.
    let history = Resource::new(
        move || (owner(), repo()),
        |(owner, repo)| get_history(owner, repo),
    );
    let channel = Memo::new(move |_| {
        query
            .read()
            .get("channel")
            .filter(|c| !c.is_empty())
            .map(|c| c.parse::<Channel>())
            .transpose()
    });

    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading history…"</p> }>
            {move || Suspend::new(async move {
                match history.await {
                    Ok(Some(history)) => view! { <HistoryView history channel/> }.into_any(),
                    Ok(None) => view! {
                        <NotFound what=format!("Release Desk does not track {}/{}.", owner(), repo())/>
                    }.into_any(),
                    Err(err) => view! { <p class="error" role="alert">{err.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn HistoryView(
    history: History,
    channel: Memo<Result<Option<Channel>, UnknownChannel>>,
) -> impl IntoView {
    let History {
        owner,
        name,
        description,
        generated_at,
        versions,
        last_sync,
        drift,
        maintainer,
        drafts,
    } = history;
    let maintainer_tools = format!("/{owner}/{name}/tokens");
    let settings_href = format!("/{owner}/{name}/settings");
    let base = format!("/{owner}/{name}");
    let rows_base = StoredValue::new(base.clone());
    let total = versions.len();
    let counts = count_by_channel(versions.iter().map(|v| v.channel));
    let selected = move || channel.get().ok().flatten();
    // Filtering happens here, in the browser once hydrated: no request per click.
    let visible = Memo::new(move |_| {
        let selected = selected();
        versions
            .iter()
            .filter(|v| selected.is_none_or(|c| v.channel == c))
            .cloned()
            .collect::<Vec<_>>()
    });

    view! {
        <Title text=format!("{owner}/{name} · Release Desk")/>
        <nav class="breadcrumbs" aria-label="Breadcrumbs">
            <a href="/">"Repositories"</a>
            <span aria-hidden="true">" / "</span>
            <span>{owner.clone()}</span>
        </nav>
        <header class="page-header">
            <h1>{owner.clone()} "/" <strong>{name.clone()}</strong></h1>
            <p class="description">{description}</p>
            <SyncStatus run=last_sync now=generated_at/>
            <p class="page-links"><a href=format!("{base}/support")>"Support windows and version check"</a></p>
        </header>

        <nav class="channel-filter" aria-label="Filter by channel">
            <FilterLink href=base.clone() label="All" count=total active=Signal::derive(move || selected().is_none())/>
            {counts
                .into_iter()
                .map(|(ch, count)| {
                    let href = format!("{base}?channel={ch}");
                    let active = Signal::derive(move || selected() == Some(ch));
                    view! { <FilterLink href label=ch.label() count active/> }
                })
                .collect_view()}
        </nav>
        {move || channel.get().err().map(|err| view! {
            <p class="notice" role="status">{err.to_string()} "; showing every version."</p>
        })}

        <Show
            when=move || visible.with(|v| !v.is_empty())
            fallback=move || view! {
                <p class="empty-state">
                    {match selected() {
                        Some(ch) => format!("No {} versions yet.", ch.label().to_lowercase()),
                        None => "No versions yet: nothing has been synced from GitHub.".to_owned(),
                    }}
                </p>
            }
        >
            <div class="table-wrap">
            <table class="history">
                <caption class="visually-hidden">"Versions, newest first"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Version"</th>
                        <th scope="col">"Channel"</th>
                        <th scope="col">"Released"</th>
                        <th scope="col" class="col-title">"Release"</th>
                    </tr>
                </thead>
                <tbody>
                    <For
                        each=move || visible.get()
                        key=|entry| entry.tag.clone()
                        children=move |entry| view! { <VersionRow entry now=generated_at base=rows_base.get_value()/> }
                    />
                </tbody>
            </table>
            </div>
        </Show>

        {(!drafts.is_empty()).then(|| view! {
            <section class="drafts" aria-labelledby="drafts-title">
                <h2 id="drafts-title">"Drafts"</h2>
                <p class="hint">"Draft releases on GitHub. Only maintainers see them here."</p>
                <ul>
                    {drafts.into_iter().map(|draft| view! {
                        <li>
                            <span class="mono">{draft.tag}</span>
                            " " <span class="draft-title">{draft.title}</span> " · started "
                            <RelativeTime at=draft.created_at now=generated_at/>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        })}

        {maintainer.then(|| view! {
            <nav class="maintainer-tools" aria-label="Maintainer tools">
                <a href=maintainer_tools>"API tokens for CI jobs and bots"</a>
                <a href=settings_href>"Settings"</a>
            </nav>
        })}

        <section class="drift-section" aria-label="Drift from GitHub">
            <DriftReport drift/>
        </section>
    }
}

#[component]
fn FilterLink(
    href: String,
    label: &'static str,
    count: usize,
    active: Signal<bool>,
) -> impl IntoView {
    view! {
        <a
            href=href
            class="filter-link"
            class:active=move || active.get()
            aria-current=move || active.get().then_some("page")
        >
            {label}
            <span class="count">{count}</span>
        </a>
    }
}

#[component]
fn VersionRow(entry: HistoryEntry, now: DateTime<Utc>, base: String) -> impl IntoView {
    let href = format!("{base}/v/{}", entry.tag);
    view! {
        <tr>
            <th scope="row" class="mono version">
                <a href=href>{entry.tag}</a>
                {(!entry.has_release).then(|| view! { <span class="tag-only" title="A git tag without a GitHub release">"tag"</span> })}
                {entry.withdrawn.then(|| view! { <span class="withdrawn-flag" title="Withdrawn by a maintainer: do not use">"withdrawn"</span> })}
            </th>
            <td><ChannelChip channel=entry.channel/></td>
            <td>
                {match entry.released_at {
                    Some(at) => view! { <RelativeTime at now/> }.into_any(),
                    None => view! { <span class="muted">"unknown"</span> }.into_any(),
                }}
            </td>
            <td class="col-title">{entry.title}</td>
        </tr>
    }
}
