use leptos::prelude::*;

use crate::model::incidents::IncidentSummary;

/// Incidents that affect a version, one line each: open ones with their status, resolved ones
/// with the version that fixes them. Links lead under `base` (the repository's address, or ""
/// for a page inside it).
#[component]
pub fn IncidentList(
    base: String,
    incidents: Vec<IncidentSummary>,
    #[prop(into)] label: String,
) -> impl IntoView {
    let items = incidents
        .into_iter()
        .map(|incident| {
            let link = format!("{base}incidents/{}", incident.id);
            let severity = incident.severity.as_str();
            let resolved = incident.status == crate::domain::incident::Status::Resolved;
            let state = if resolved {
                incident.fixed_in.clone().map(|fixed| {
                    let href = format!("{base}v/{fixed}");
                    view! { " · fixed in " <a href=href>{fixed}</a> ": upgrade" }.into_any()
                })
            } else {
                Some(view! { " · " {incident.status.label()} }.into_any())
            };
            let fixed_later = (resolved && incident.fixed_in.is_none()).then_some(" · resolved");
            view! {
                <li>
                    <span class=format!("severity {severity}")>{severity}</span>
                    " " {resolved.then_some("Affected by ")}
                    <a href=link>{incident.title}</a>
                    {state}
                    {fixed_later}
                </li>
            }
        })
        .collect_view();
    view! { <ul class="affecting-incidents" aria-label=label>{items}</ul> }
}
