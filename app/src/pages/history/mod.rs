//! `/{owner}/{repo}`: the release history, with its search and filters and a page of versions.

mod filters;
mod versions;

use crate::pages::data::{page_data, PageData};
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::{
    api::history::{get_history, get_history_page},
    components::{
        DriftReport, MaintainerTools, NotFound, PageTitle, RelativeTime, SubscribePanel, SyncStatus,
    },
    domain::{
        history::{clean_search, parse_page, HistoryQuery},
        version::{Channel, Line},
    },
    error::AppError,
    model::{
        history::{History, HistoryPage, HistoryPageQuery},
        repositories::RepoRef,
    },
};

use self::{
    filters::{FilterLink, SearchBox},
    versions::Versions,
};

/// `/{owner}/{repo}`: the release history, newest first by SemVer precedence, in support
/// lines and release trains, searchable and paged.
#[component]
pub fn HistoryPage() -> impl IntoView {
    let params = use_params_map();
    let owner = move || params.read().get("owner").unwrap_or_default();
    let repo = move || params.read().get("repo").unwrap_or_default();
    // The repository and its counts depend on the path only; the list below on the query.
    let history = page_data(
        move || (owner(), repo()),
        |(owner, repo)| get_history(RepoRef { owner, repo }),
    );
    // Made here, not in the view below: the server may run a suspended view twice, and a
    // resource made there gets an id the browser never makes.
    let requested = requested();
    let query = Memo::new(move |_| requested.read().query.clone());
    let page = page_data(
        move || (owner(), repo(), query.get()),
        |(owner, repo, q)| {
            get_history_page(HistoryPageQuery {
                owner,
                repo,
                channel: q.channel,
                line: q.line,
                search: q.search,
                page: q.page,
            })
        },
    );

    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading history…"</p> }>
            {move || Suspend::new(async move {
                match history.await {
                    Ok(Some(history)) => view! { <HistoryView history page requested/> }.into_any(),
                    Ok(None) => view! {
                        <NotFound what=format!("Release Desk does not track {}/{}.", owner(), repo())/>
                    }.into_any(),
                    Err(err) => view! { <p class="error" role="alert">{err.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The query string as the user wrote it, and what was wrong with it.
#[derive(Clone, Debug, PartialEq)]
struct Requested {
    query: HistoryQuery,
    /// The search as typed, for the search box: trimming it there would fight the typing.
    typed: String,
    problems: Vec<String>,
}

fn requested() -> Memo<Requested> {
    let query = use_query_map();
    Memo::new(move |_| {
        let query = query.read();
        let given = |key: &str| query.get(key).filter(|value| !value.is_empty());
        let mut problems = Vec::new();
        let channel = given("channel").and_then(|text| {
            text.parse::<Channel>()
                .map_err(|err| problems.push(err.to_string()))
                .ok()
        });
        let line = given("line").and_then(|text| {
            text.parse::<Line>()
                .map(|line| line.to_string())
                .map_err(|err| problems.push(err.to_string()))
                .ok()
        });
        let typed = query.get("q").unwrap_or_default();
        Requested {
            query: HistoryQuery {
                channel,
                line,
                search: clean_search(&typed),
                page: parse_page(query.get("page").as_deref()),
            },
            typed,
            problems,
        }
    })
}

#[component]
fn HistoryView(
    history: History,
    page: PageData<Result<Option<HistoryPage>, AppError>>,
    requested: Memo<Requested>,
) -> impl IntoView {
    let History {
        owner,
        name,
        description,
        generated_at,
        total,
        lines,
        channels,
        last_sync,
        drift,
        maintainer,
        drafts,
        planned,
    } = history;
    let base = format!("/{owner}/{name}");
    let query = Memo::new(move |_| requested.read().query.clone());
    // A filter link: the current view changed by `edit`, from page 1 again; the search and
    // the other filter stay.
    let stored_base = StoredValue::new(base.clone());
    let filtered = move |edit: Box<dyn Fn(&mut HistoryQuery) + Send + Sync>| {
        Signal::derive(move || {
            let mut query = HistoryQuery {
                page: 1,
                ..query.get()
            };
            edit(&mut query);
            query.href(&stored_base.get_value())
        })
    };

    // Erased to keep the page's view type within the compiler's recursion limit.
    let controls = view! {
        <div class="history-controls">
            <SearchBox base=base.clone() requested/>
            <nav class="channel-filter" aria-label="Filter by channel">
                <FilterLink
                    href=filtered(Box::new(|q| q.channel = None))
                    label="All".to_owned()
                    count=total
                    active=Signal::derive(move || query.read().channel.is_none())
                />
                {channels
                    .into_iter()
                    .map(|(ch, count)| view! {
                        <FilterLink
                            href=filtered(Box::new(move |q| q.channel = Some(ch)))
                            label=ch.label().to_owned()
                            count
                            active=Signal::derive(move || query.read().channel == Some(ch))
                        />
                    })
                    .collect_view()}
            </nav>
            {(lines.len() > 1).then(|| view! {
                <nav class="line-filter" aria-label="Filter by line">
                    <FilterLink
                        href=filtered(Box::new(|q| q.line = None))
                        label="All lines".to_owned()
                        count=total
                        active=Signal::derive(move || query.read().line.is_none())
                    />
                    {lines
                        .into_iter()
                        .map(|(line, count)| {
                            let current = line.clone();
                            let target = line.clone();
                            view! {
                                <FilterLink
                                    href=filtered(Box::new(move |q| q.line = Some(target.clone())))
                                    label=line
                                    count
                                    active=Signal::derive(move || query.read().line.as_deref() == Some(current.as_str()))
                                />
                            }
                        })
                        .collect_view()}
                </nav>
            })}
        </div>
    }
    .into_any();

    view! {
        <PageTitle text=format!("{owner}/{name} · Release Desk")/>
        <leptos_meta::Link
            rel="alternate"
            type_="application/atom+xml"
            title=format!("{owner}/{name} releases and incidents")
            href=format!("{base}/feed.atom")
        />
        <nav class="breadcrumbs" aria-label="Breadcrumbs">
            <a href="/">"Repositories"</a>
            <span aria-hidden="true">" / "</span>
            <span>{owner.clone()}</span>
        </nav>
        <header class="page-header">
            <h1>{owner.clone()} "/" <strong>{name.clone()}</strong></h1>
            <p class="description">{description}</p>
            <SyncStatus run=last_sync now=generated_at/>
            <p class="page-links">
                <a href=format!("{base}/support")>"Support windows and version check"</a>
                <a href=format!("{base}/checklists")>"Open checklist items"</a>
                <a href=format!("{base}/incidents")>"Incidents"</a>
                <a href=format!("{base}/plans")>"Planned releases"</a>
                <a href=format!("{base}/feed.atom") type="application/atom+xml">"Atom feed"</a>
                <a href=format!("{base}/calendar.ics") type="text/calendar">"Support calendar (iCal)"</a>
            </p>
            {maintainer.then(|| view! { <MaintainerTools base=base.clone()/> })}
        </header>

        {controls}
        {move || requested.read().problems.iter().map(|problem| view! {
            <p class="notice" role="status">{problem.clone()} "; that filter is ignored."</p>
        }).collect_view()}

        <Transition fallback=|| view! { <p class="loading">"Loading versions…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(Some(page)) => view! { <Versions page base=stored_base.get_value()/> }.into_any(),
                    Ok(None) => ().into_any(),
                    Err(err) => view! { <p class="error" role="alert">{err.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>

        <section class="planned" aria-labelledby="planned-title">
            <h2 id="planned-title">"Planned"</h2>
            {if planned.is_empty() {
                view! { <p class="hint">"No release is planned. "<a href=format!("{base}/plans")>"Plans"</a></p> }.into_any()
            } else {
                view! {
                    <ul>
                        {planned.into_iter().map(|(tag, version, date)| view! {
                            <li>
                                <a class="mono" href=format!("{base}/plans/{version}")>{tag}</a>
                                " · planned for " <time datetime=date.to_string()>{date.format("%-d %B %Y").to_string()}</time>
                            </li>
                        }).collect_view()}
                    </ul>
                    <p><a href=format!("{base}/plans")>"All plans"</a></p>
                }.into_any()
            }}
        </section>

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

        <section class="drift-section" aria-label="Drift from GitHub">
            <DriftReport drift/>
        </section>

        <SubscribePanel owner=owner.clone() name=name.clone()/>
    }
}
