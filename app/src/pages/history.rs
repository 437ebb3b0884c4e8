use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_router::{
    hooks::{use_navigate, use_params_map, use_query_map},
    NavigateOptions,
};

use crate::{
    api::history::{get_history, get_history_page},
    components::{
        phase_class, ChannelChip, DriftReport, MaintainerTools, NotFound, PageTitle, RelativeTime,
        SyncStatus,
    },
    domain::{
        history::{
            clean_search, parse_page, HistoryQuery, LineGlance, LineSection, Train, VersionGlance,
        },
        support::Phase,
        version::{Channel, Line},
    },
    error::AppError,
    model::{
        history::{History, HistoryEntry, HistoryPage, HistoryPageQuery},
        repositories::RepoRef,
    },
};

/// `/{owner}/{repo}`: the release history, newest first by SemVer precedence, in support
/// lines and release trains, searchable and paged.
#[component]
pub fn HistoryPage() -> impl IntoView {
    let params = use_params_map();
    let owner = move || params.read().get("owner").unwrap_or_default();
    let repo = move || params.read().get("repo").unwrap_or_default();
    // The repository and its counts depend on the path only; the list below on the query.
    let history = Resource::new(
        move || (owner(), repo()),
        |(owner, repo)| get_history(RepoRef { owner, repo }),
    );
    // Made here, not in the view below: the server may run a suspended view twice, and a
    // resource made there gets an id the browser never makes.
    let requested = requested();
    let query = Memo::new(move |_| requested.read().query.clone());
    let page = Resource::new(
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
    page: Resource<Result<Option<HistoryPage>, AppError>>,
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
    }
}

/// A GET form, so searching works without JavaScript; once hydrated, every keystroke
/// updates the address (replacing, not adding, history entries) and with it the list.
#[component]
fn SearchBox(base: String, requested: Memo<Requested>) -> impl IntoView {
    let navigate = use_navigate();
    let base = StoredValue::new(base);
    let go = move |typed: String| {
        let query = HistoryQuery {
            search: (!typed.is_empty()).then_some(typed),
            page: 1,
            ..requested.get_untracked().query
        };
        navigate(
            &query.href(&base.get_value()),
            NavigateOptions {
                replace: true,
                scroll: false,
                ..Default::default()
            },
        );
    };
    let on_input = {
        let go = go.clone();
        move |ev| go(event_target_value(&ev))
    };
    let input_ref = NodeRef::<leptos::html::Input>::new();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some(input) = input_ref.get() {
            go(input.value());
        }
    };
    let hidden = move |name: &'static str, value: Option<String>| {
        value.map(|value| view! { <input type="hidden" name=name value=value/> })
    };

    view! {
        <form class="history-search" role="search" method="get" action=base.get_value() on:submit=on_submit>
            <label for="history-search">"Search versions"</label>
            <input
                id="history-search"
                type="search"
                name="q"
                node_ref=input_ref
                autocomplete="off"
                placeholder="Tag or release title, e.g. rc or 2.1"
                // The attribute for the server's HTML, the property for later navigation.
                value=move || requested.read().typed.clone()
                prop:value=move || requested.read().typed.clone()
                on:input=on_input
            />
            {move || hidden("channel", requested.read().query.channel.map(|c| c.as_str().to_owned()))}
            {move || hidden("line", requested.read().query.line.clone())}
            <button type="submit">"Search"</button>
        </form>
    }
}

#[component]
fn FilterLink(
    href: Signal<String>,
    label: String,
    count: i64,
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

/// The versions of one page: a section per line, a train per release, and the pager.
#[component]
fn Versions(page: HistoryPage, base: String) -> impl IntoView {
    let HistoryPage {
        query,
        sections,
        pages,
        matching,
        generated_at,
        lines,
        latest_stable,
        glance,
    } = page;
    let marks = StoredValue::new(Marks {
        latest_stable,
        glance,
    });
    let filtered = query.channel.is_some() || query.search.is_some();
    let summary = match (&query.search, matching) {
        (Some(search), 1) => format!("1 version matches “{search}”."),
        (Some(search), n) => format!("{n} versions match “{search}”."),
        (None, _) => String::new(),
    };

    if sections.is_empty() {
        let message = if query.page > pages {
            format!("There is no page {}: the history has {pages}.", query.page)
        } else if let Some(search) = &query.search {
            format!("No version matches “{search}”.")
        } else if let Some(channel) = query.channel {
            format!("No {} versions yet.", channel.label().to_lowercase())
        } else if query.line.is_some() {
            "No versions in that line.".to_owned()
        } else {
            "No versions yet: nothing has been synced from GitHub.".to_owned()
        };
        let back = (query != HistoryQuery::default()).then(|| {
            view! {
                <a href=base.clone()>"Show every version"</a>
            }
        });
        return view! { <p class="empty-state" role="status">{message} " " {back}</p> }.into_any();
    }

    view! {
        {(!summary.is_empty()).then(|| view! { <p class="search-summary" role="status">{summary}</p> })}
        <div class="history">
            {sections
                .into_iter()
                .map(|section| {
                    let support = lines.iter().find(|l| l.line == section.line).cloned();
                    view! { <LineVersions section support now=generated_at base=base.clone() filtered marks/> }.into_any()
                })
                .collect_view()}
        </div>
        <Pager query pages base/>
    }
    .into_any()
}

#[component]
fn LineVersions(
    section: LineSection<HistoryEntry>,
    support: Option<LineGlance>,
    now: DateTime<Utc>,
    base: String,
    filtered: bool,
    marks: StoredValue<Marks>,
) -> impl IntoView {
    let LineSection { line, trains } = section;
    let support = support.map(|support| {
        let words = match (support.phase, support.until) {
            (Phase::Full, Some(until)) => format!("Full support until {until}"),
            (Phase::Full, None) => "Full support: the newest line".to_owned(),
            (Phase::Security, Some(until)) => format!("Security fixes until {until}"),
            (Phase::Security, None) => "Security fixes only".to_owned(),
            (Phase::Eol, Some(since)) => format!("End of life since {since}"),
            (Phase::Eol, None) => "End of life".to_owned(),
        };
        view! { <span class=format!("phase {}", phase_class(support.phase))>{words}</span> }
    });
    let heading_id = format!("line-{}", line.replace('.', "-"));
    let labelled_by = heading_id.clone();
    view! {
        <section class="line-section" aria-labelledby=labelled_by>
            <h2 id=heading_id>{line} " " {support}</h2>
            <ol class="trains">
                {trains
                    .into_iter()
                    .map(|train| view! { <TrainItem train now base=base.clone() filtered marks/> }.into_any())
                    .collect_view()}
            </ol>
        </section>
    }
}

/// A release with its pre-releases folded under it; a train still without its release (or
/// whose release the filter hides) shows its pre-releases unfolded.
#[component]
fn TrainItem(
    train: Train<HistoryEntry>,
    now: DateTime<Utc>,
    base: String,
    filtered: bool,
    marks: StoredValue<Marks>,
) -> impl IntoView {
    let Train {
        target,
        release,
        prereleases,
    } = train;
    let count = prereleases.len();
    let rows = {
        let base = base.clone();
        move |entries: Vec<HistoryEntry>| {
            entries
                .into_iter()
                .map(|entry| view! { <li><VersionRow entry now base=base.clone() marks/></li> })
                .collect_view()
        }
    };
    let unfolded = release.is_none();
    let head = match release {
        Some(entry) => view! { <VersionRow entry now base=base.clone() marks/> }.into_any(),
        None => view! {
            <div class="version-row train-head">
                <span class="mono train-target">{target}</span>
                {(!filtered).then(|| view! { <span class="muted">"not released yet"</span> })}
            </div>
        }
        .into_any(),
    };
    view! {
        <li class="train">
            {head}
            {(count > 0).then(|| view! {
                <details class="prereleases" open=unfolded>
                    <summary>{if count == 1 { "1 pre-release".to_owned() } else { format!("{count} pre-releases") }}</summary>
                    <ol>{rows(prereleases)}</ol>
                </details>
            })}
        </li>
    }
}

#[component]
fn VersionRow(
    entry: HistoryEntry,
    now: DateTime<Utc>,
    base: String,
    marks: StoredValue<Marks>,
) -> impl IntoView {
    let href = format!("{base}/v/{}", entry.tag);
    let (latest, glance) = marks.with_value(|marks| {
        (
            marks.latest_stable.as_deref() == Some(entry.version.as_str()),
            marks.glance.get(&entry.tag).cloned().unwrap_or_default(),
        )
    });
    let incident = glance.open_incident.map(|severity| {
        let severity = severity.as_str();
        view! { <span class=format!("severity {severity}")>{format!("{severity} incident")}</span> }
    });
    let fixed = glance.fixed_in.filter(|_| incident.is_none()).map(|fixed| {
        view! { <span class="fixed-flag" title="Hit by an incident that is now fixed: upgrade">"incident fixed in " {fixed}</span> }
    });
    let progress = glance.progress.map(|p| {
        view! { <span class="glance-progress">{format!("checklist {}/{}", p.done + p.skipped, p.total)}</span> }
    });
    view! {
        <div class="version-row">
            <span class="version-name">
                <a href=href class="version-link">{entry.tag}</a>
                {(!entry.has_release).then(|| view! { <span class="tag-only" title="A git tag without a GitHub release">"tag"</span> })}
                {entry.withdrawn.then(|| view! { <span class="withdrawn-flag" title="Withdrawn by a maintainer: do not use">"withdrawn"</span> })}
                {latest.then(|| view! { <span class="latest-flag">"latest stable"</span> })}
                {incident}
                {fixed}
                {progress}
            </span>
            <ChannelChip channel=entry.channel/>
            {match entry.released_at {
                Some(at) => view! { <RelativeTime at now/> }.into_any(),
                None => view! { <span class="muted">"date unknown"</span> }.into_any(),
            }}
            <span class="version-title">{entry.title}</span>
        </div>
    }
}

/// What the rows mark: the newest stable version, and each version's incidents and progress.
struct Marks {
    latest_stable: Option<String>,
    glance: std::collections::BTreeMap<String, VersionGlance>,
}

/// Newer and older pages, with where this one stands.
#[component]
fn Pager(query: HistoryQuery, pages: u32, base: String) -> impl IntoView {
    let current = query.page.min(pages);
    (pages > 1).then(|| {
        let newer = (current > 1).then(|| query.on_page(current - 1).href(&base));
        let older = (current < pages).then(|| query.on_page(current + 1).href(&base));
        view! {
            <nav class="pager" aria-label="Pages">
                {match newer {
                    Some(href) => view! { <a href=href rel="prev">"← Newer"</a> }.into_any(),
                    None => view! { <span class="muted">"← Newer"</span> }.into_any(),
                }}
                <span>{format!("Page {current} of {pages}")}</span>
                {match older {
                    Some(href) => view! { <a href=href rel="next">"Older →"</a> }.into_any(),
                    None => view! { <span class="muted">"Older →"</span> }.into_any(),
                }}
            </nav>
        }
    })
}
