use chrono::{DateTime, Utc};
use leptos::prelude::*;

use crate::{components::RelativeTime, model::sync::SyncRun};

/// One line on how fresh the data is: the last sync with GitHub and how it went.
#[component]
pub fn SyncStatus(run: Option<SyncRun>, now: DateTime<Utc>) -> impl IntoView {
    let Some(run) = run else {
        return view! { <p class="sync-status">"Not synced from GitHub yet."</p> }.into_any();
    };
    let at = run.finished_at.unwrap_or(run.started_at);
    match run.outcome.as_str() {
        "ok" => view! {
            <p class="sync-status">
                "Synced with GitHub " <RelativeTime at now/>
                {format!(" · {} requests, {} unchanged", run.requests, run.not_modified)}
            </p>
        }
        .into_any(),
        "failed" => view! {
            <p class="sync-status failed" role="status">
                "Last sync with GitHub failed " <RelativeTime at now/> ": "
                {run.error.unwrap_or_default()}
            </p>
        }
        .into_any(),
        _ => view! {
            <p class="sync-status">"Syncing with GitHub since " <RelativeTime at now/> "…"</p>
        }
        .into_any(),
    }
}
