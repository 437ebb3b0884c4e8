use leptos::prelude::*;

use crate::domain::drift::{DriftSummary, TagDrift, TagFinding};

/// Where GitHub disagrees with the versions, folded away until asked for.
#[component]
pub fn DriftReport(drift: DriftSummary) -> impl IntoView {
    let DriftSummary {
        count,
        latest_mismatch,
        findings,
    } = drift;
    if count == 0 {
        return view! { <p class="drift-none">"GitHub agrees with every version."</p> }.into_any();
    }
    view! {
        <details class="drift">
            <summary>{format!(
                "GitHub and this history differ in {count} {}",
                if count == 1 { "place" } else { "places" }
            )}</summary>
            <dl>
                {latest_mismatch.map(|(latest, highest)| view! {
                    <div>
                        <dt>"GitHub's “latest” is not the highest stable version"</dt>
                        <dd>
                            "GitHub shows " <span class="mono">{latest}</span>
                            " as latest (the newest by date); the highest stable release is "
                            <span class="mono">{highest}</span> "."
                        </dd>
                    </div>
                })}
                {findings.into_iter().map(|finding| view! { <Finding finding/> }).collect_view()}
            </dl>
        </details>
    }
    .into_any()
}

#[component]
fn Finding(finding: TagFinding) -> impl IntoView {
    let TagFinding { kind, total, tags } = finding;
    let (title, hint) = match kind {
        TagDrift::PrereleaseFlag => (
            "Pre-release flag disagrees with the version",
            "Marked pre-release on GitHub while the version is stable, or the reverse.",
        ),
        TagDrift::WithoutRelease => (
            "Tags without a release",
            "Tagged in git, with no GitHub release.",
        ),
        TagDrift::NotVersions => (
            "Tags that are not versions",
            "Not SemVer under the repository's tag prefix; they never enter a line.",
        ),
    };
    let more = total - tags.len();
    view! {
        <div>
            <dt>{format!("{title} ({total})")}</dt>
            <dd>
                <p class="muted">{hint}</p>
                <ul class="tag-list">
                    {tags.into_iter().map(|tag| view! { <li class="mono">{tag}</li> }).collect_view()}
                    {(more > 0).then(|| view! { <li class="muted">{format!("and {more} more")}</li> })}
                </ul>
            </dd>
        </div>
    }
}
