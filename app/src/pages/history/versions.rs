//! One page of versions: a section per line, a train per release, and the pager.

use chrono::{DateTime, Utc};
use leptos::prelude::*;

use crate::{
    components::{phase_class, ChannelChip, RelativeTime},
    domain::{
        history::{HistoryQuery, LineGlance, LineSection, Train, VersionGlance},
        support::Phase,
    },
    model::history::{HistoryEntry, HistoryPage},
};

/// The versions of one page: a section per line, a train per release, and the pager.
#[component]
pub(super) fn Versions(page: HistoryPage, base: String) -> impl IntoView {
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
