use leptos::prelude::*;

use crate::domain::drift::Drift;

/// Where GitHub disagrees with the versions, folded away until asked for.
#[component]
pub fn DriftReport(drift: Drift) -> impl IntoView {
    let count = drift.count();
    if count == 0 {
        return view! { <p class="drift-none">"GitHub agrees with every version."</p> }.into_any();
    }
    let Drift {
        tags_without_release,
        prerelease_flag_mismatch,
        latest_mismatch,
        unparsed_tags,
    } = drift;
    let list = |title: &'static str, hint: &'static str, tags: Vec<String>| {
        (!tags.is_empty()).then(|| {
            view! {
                <div>
                    <dt>{format!("{title} ({})", tags.len())}</dt>
                    <dd>
                        <p class="muted">{hint}</p>
                        <ul class="tag-list">
                            {tags.into_iter().map(|tag| view! { <li class="mono">{tag}</li> }).collect_view()}
                        </ul>
                    </dd>
                </div>
            }
        })
    };
    view! {
        <details class="drift">
            <summary>{format!("{count} differences between GitHub and the versions")}</summary>
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
                {list("Pre-release flag disagrees with the version", "Marked pre-release on GitHub while the version is stable, or the reverse.", prerelease_flag_mismatch)}
                {list("Tags without a release", "Tagged in git, with no GitHub release.", tags_without_release)}
                {list("Tags that are not versions", "Not SemVer under the repository's tag prefix; they never enter a line.", unparsed_tags)}
            </dl>
        </details>
    }
    .into_any()
}
