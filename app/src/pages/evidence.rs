//! The evidence panel of a version page: what each GitHub source said about the version's
//! commit, when it was read, and what it said before when that differed.

use chrono::{DateTime, Utc};
use leptos::prelude::*;

use crate::{
    components::RelativeTime,
    domain::evidence::{Finding, SourceState},
    model::evidence::{EvidenceView, SourceView},
};

fn state_words(state: SourceState) -> (&'static str, &'static str) {
    match state {
        SourceState::Pass => ("✓", "pass"),
        SourceState::Fail => ("✗", "fail"),
        SourceState::Pending => ("…", "pending"),
        SourceState::Unavailable => ("–", "unavailable"),
    }
}

fn state_chip(state: SourceState) -> impl IntoView {
    let (mark, word) = state_words(state);
    view! {
        <span class=format!("source-state {word}")><span aria-hidden="true">{mark} " "</span>{word}</span>
    }
}

fn findings(detail: Vec<Finding>) -> Option<impl IntoView> {
    if detail.is_empty() {
        return None;
    }
    let count = detail.len();
    Some(view! {
        <details class="findings">
            <summary>{format!("{count} {}", if count == 1 { "finding" } else { "findings" })}</summary>
            <ul>
                {detail.into_iter().map(|finding| {
                    let (mark, word) = state_words(finding.state);
                    let name = if finding.url.is_empty() {
                        view! { <span class="mono">{finding.name}</span> }.into_any()
                    } else {
                        view! { <a class="mono" href=finding.url>{finding.name}</a> }.into_any()
                    };
                    view! {
                        <li class=format!("finding {word}")>
                            <span aria-hidden="true">{mark} " "</span>
                            <span class="visually-hidden">{word} ": "</span>
                            {name} " · " {finding.note}
                            {(!finding.kinds.is_empty()).then(|| format!(" ({})", finding.kinds.join(", ")))}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </details>
    })
}

fn source_row(source: SourceView, now: DateTime<Utc>) -> impl IntoView {
    view! {
        <tr class=format!("source {}", state_words(source.state).1)>
            <th scope="row" data-label="Source"><a href=source.url>{source.kind.label()}</a></th>
            <td data-label="State">{state_chip(source.state)}</td>
            <td data-label="What it said">{source.summary} {findings(source.detail)}</td>
            <td data-label="Read"><RelativeTime at=source.captured_at now/></td>
        </tr>
    }
}

#[component]
pub fn EvidencePanel(evidence: EvidenceView, now: DateTime<Utc>) -> impl IntoView {
    let EvidenceView {
        commit_sha,
        sources,
        earlier,
        ..
    } = evidence;
    let commit = commit_sha.map(|sha| sha.chars().take(7).collect::<String>());
    let earlier_count = earlier.len();
    view! {
        <section class="evidence-panel" aria-labelledby="evidence-title">
            <h2 id="evidence-title">"Evidence from GitHub"</h2>
            <p class="hint">
                {match commit {
                    Some(sha) => view! { "What GitHub said about commit " <span class="mono">{sha}</span> ", as Release Desk read and kept it." }.into_any(),
                    None => view! { "No git tag yet: GitHub's CI is read once the tag names a commit." }.into_any(),
                }}
                " Attestations are read from their statements; their Sigstore signatures are not verified here."
            </p>
            <table class="evidence-sources stack">
                <thead>
                    <tr>
                        <th scope="col">"Source"</th>
                        <th scope="col">"State"</th>
                        <th scope="col">"What it said"</th>
                        <th scope="col">"Read"</th>
                    </tr>
                </thead>
                <tbody>
                    {sources.into_iter().map(|source| source_row(source, now)).collect_view()}
                </tbody>
            </table>
            {(earlier_count > 0).then(|| view! {
                <details class="fold earlier-readings">
                    <summary>{format!("Earlier readings that said otherwise ({earlier_count})")}</summary>
                    <ul>
                        {earlier.into_iter().map(|source| {
                            view! {
                                <li>
                                    <RelativeTime at=source.captured_at now/> " · " {source.kind.label()} " "
                                    {state_chip(source.state)} " · " {source.summary}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </details>
            })}
        </section>
    }
}
