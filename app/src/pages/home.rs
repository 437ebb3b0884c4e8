use crate::pages::data::page_data;
use chrono::{DateTime, Utc};
use leptos::prelude::*;

use crate::{
    api::repositories::list_repositories,
    components::{PageTitle, RelativeTime},
    model::repositories::RepositorySummary,
};

/// `/`: every tracked repository.
#[component]
pub fn HomePage() -> impl IntoView {
    let repositories = page_data(|| (), |_| list_repositories());
    view! {
        <PageTitle text="Repositories · Release Desk"/>
        <h1>"Repositories"</h1>
        <Suspense fallback=|| view! { <p class="loading">"Loading repositories…"</p> }>
            {move || Suspend::new(async move {
                match repositories.await {
                    Ok(list) if list.repositories.is_empty() => view! {
                        <section class="empty-state">
                            <p>"No repositories are tracked yet."</p>
                            <p>
                                "Add one with " <code>"releasedesk repo add OWNER/REPO"</code>
                                ", or start with " <code>"releasedesk serve --demo"</code> "."
                            </p>
                        </section>
                    }.into_any(),
                    Ok(list) => view! {
                        <ul class="repo-list">
                            {list
                                .repositories
                                .into_iter()
                                .map(|repo| view! { <RepositoryCard repo now=list.generated_at/> })
                                .collect_view()}
                        </ul>
                    }.into_any(),
                    Err(err) => view! { <p class="error" role="alert">{err.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn RepositoryCard(repo: RepositorySummary, now: DateTime<Utc>) -> impl IntoView {
    let href = format!("/{}/{}", repo.owner, repo.name);
    view! {
        <li class="repo-card">
            <h2><a href=href>{repo.owner.clone()} "/" <strong>{repo.name.clone()}</strong></a></h2>
            <p class="description">{repo.description}</p>
            <dl class="facts">
                <div>
                    <dt>"Latest stable"</dt>
                    <dd class="mono">{repo.latest_stable.unwrap_or_else(|| "none yet".to_owned())}</dd>
                </div>
                <div>
                    <dt>"Versions"</dt>
                    <dd>{repo.version_count}</dd>
                </div>
                <div>
                    <dt>"Last release"</dt>
                    <dd>
                        {match repo.last_release {
                            Some(at) => view! { <RelativeTime at now/> }.into_any(),
                            None => "never".into_any(),
                        }}
                    </dd>
                </div>
            </dl>
        </li>
    }
}
