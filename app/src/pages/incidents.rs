//! Incident pages: the list (open first, then history, with the form for a new notice) and one
//! incident with its timeline, the rollback clock and the maintainers' forms.

use crate::pages::data::page_data;
use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::{
    api::incidents::{
        get_incident, get_incidents, AddIncidentUpdate, PublishIncident, SaveIncident,
    },
    components::{escapable_text, NotFound, PageTitle, RelativeTime, SubscribePanel},
    domain::incident::{IncidentInput, Severity, Status},
    error::AppError,
    model::{
        incidents::{IncidentList, IncidentPage, IncidentRef, IncidentRefusal, IncidentView},
        refusal::refusal_message,
        repositories::RepoRef,
    },
};

/// `/{owner}/{repo}/incidents`
#[component]
pub fn IncidentsPage() -> impl IntoView {
    let params = use_params_map();
    let owner = move || params.read().get("owner").unwrap_or_default();
    let repo = move || params.read().get("repo").unwrap_or_default();
    let save = ServerAction::<SaveIncident>::new();
    let page = page_data(
        move || (owner(), repo(), save.version().get(), save.value().get()),
        |(owner, repo, _, _)| get_incidents(RepoRef { owner, repo }),
    );
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading incidents…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(Some(list)) => view! { <IncidentListView list save/> }.into_any(),
                    Ok(None) => view! { <NotFound what=format!("{}/{} is not tracked.", owner(), repo())/> }.into_any(),
                    Err(err) => view! { <NotFound what=err.to_string()/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn IncidentListView(list: IncidentList, save: ServerAction<SaveIncident>) -> impl IntoView {
    let IncidentList {
        owner,
        name,
        incidents,
        maintainer,
        refusal,
        generated_at,
    } = list;
    let base = format!("/{owner}/{name}");
    let (open, history): (Vec<IncidentView>, Vec<IncidentView>) = incidents
        .into_iter()
        .partition(|i| i.status != Status::Resolved);
    let row = {
        let base = base.clone();
        move |incident: IncidentView| {
            view! {
                <li class="incident-row">
                    <span class=format!("severity {}", incident.severity.as_str())>{incident.severity.as_str()}</span>
                    " " <a href=format!("{base}/incidents/{}", incident.id)>{incident.title}</a>
                    {(!incident.published).then_some(view! { " " <span class="draft-chip">"draft"</span> })}
                    <span class="muted">
                        " · " {incident.status.label()} " · versions " <span class="mono">{incident.affected}</span>
                        " · opened " <RelativeTime at=incident.created_at now=generated_at/>
                    </span>
                </li>
            }
        }
    };
    let history_row = row.clone();
    view! {
        <PageTitle text=format!("Incidents · {owner}/{name} · Release Desk")/>
        <nav class="breadcrumbs" aria-label="Breadcrumbs">
            <a href=base.clone()>{owner.clone()} "/" {name.clone()}</a>
        </nav>
        <h1>"Incidents"</h1>
        <section aria-labelledby="open-title">
            <h2 id="open-title">"Open"</h2>
            {if open.is_empty() {
                view! { <p class="muted">"No open incidents."</p> }.into_any()
            } else {
                view! { <ul class="incident-list">{open.into_iter().map(row).collect_view()}</ul> }.into_any()
            }}
        </section>
        <section aria-labelledby="history-title">
            <h2 id="history-title">"History"</h2>
            {if history.is_empty() {
                view! { <p class="muted">"Nothing resolved yet."</p> }.into_any()
            } else {
                view! { <ul class="incident-list">{history.into_iter().map(history_row).collect_view()}</ul> }.into_any()
            }}
        </section>
        {maintainer.then(|| view! {
            <section class="panel" aria-labelledby="new-incident-title">
                <h2 id="new-incident-title">"Open an incident"</h2>
                <p class="hint">"The release process's communication template. Markdown works in every text field. It stays a draft, seen by maintainers only, until you publish it."</p>
                <IncidentForm owner=owner.clone() name=name.clone() id=0 current=None refusal save/>
            </section>
        })}
        <SubscribePanel owner=owner.clone() name=name.clone()/>
    }
}

/// The communication template as a form, for a new incident or an edit. A refusal marks each
/// field and keeps what was typed.
#[component]
fn IncidentForm(
    owner: String,
    name: String,
    id: i64,
    current: Option<(IncidentInput, bool)>,
    refusal: Option<IncidentRefusal>,
    save: ServerAction<SaveIncident>,
) -> impl IntoView {
    let (typed, published, kept) = match refusal {
        Some(r) => (r.typed, r.published, r.problems),
        None => {
            let (typed, published) = current.unwrap_or_else(|| {
                (
                    IncidentInput {
                        status: Status::Investigating.as_str().to_owned(),
                        severity: Severity::Major.as_str().to_owned(),
                        ..IncidentInput::default()
                    },
                    false,
                )
            });
            (typed, published, BTreeMap::new())
        }
    };
    // Hydrated, the action's error names the fields; after a plain post, the session does.
    let problems = Signal::derive(move || match save.value().get() {
        Some(Err(AppError::Validation { fields, .. })) => fields,
        Some(Err(err)) => BTreeMap::from([("form".to_owned(), err.to_string())]),
        _ => kept.clone(),
    });
    let prefix = if id == 0 { "new" } else { "edit" };
    let field_id = move |field: &str| format!("{prefix}-{field}");
    let problem = move |field: &'static str| {
        let id = format!("{prefix}-{field}-problem");
        move || {
            problems
                .with(|p| p.get(field).cloned())
                .map(|text| view! { <p class="field-problem" id=id.clone()>{text}</p> })
        }
    };
    let text_field = move |field: &'static str,
                           label: &'static str,
                           value: String,
                           rows: &'static str| {
        let id = field_id(field);
        view! {
            <label for=id.clone()>{label}</label>
            <textarea id=id name=field rows=rows maxlength="20000">{escapable_text(value)}</textarea>
            {problem(field)}
        }
    };
    let status_options = Status::ALL.map(|s| {
        view! { <option value=s.as_str() selected=typed.status == s.as_str()>{s.label()}</option> }
    });
    let severity_options = Severity::ALL.map(|s| {
        view! { <option value=s.as_str() selected=typed.severity == s.as_str()>{s.as_str()}</option> }
    });
    let submit = if id == 0 {
        "Save the incident"
    } else {
        "Save changes"
    };
    view! {
        <ActionForm action=save attr:class="stacked-form incident-form">
            <input type="hidden" name="owner" value=owner/>
            <input type="hidden" name="repo" value=name/>
            <input type="hidden" name="id" value=id/>
            {move || problems.with(|p| p.get("form").cloned()).map(|text| view! { <p class="error" role="alert">{text}</p> })}
            <label for=field_id("title")>"Title"</label>
            <input id=field_id("title") name="title" required maxlength="200" value=typed.title.clone()/>
            {problem("title")}
            {text_field("issue", "Issue: what went wrong, briefly", typed.issue.clone(), "3")}
            {text_field("impact", "Impact: who is affected", typed.impact.clone(), "2")}
            <label for=field_id("status")>"Status"</label>
            <select id=field_id("status") name="status">{status_options}</select>
            {problem("status")}
            <label for=field_id("severity")>"Severity"</label>
            <select id=field_id("severity") name="severity">{severity_options}</select>
            {problem("severity")}
            <label for=field_id("affected")>"Affected versions"</label>
            <input id=field_id("affected") name="affected" placeholder=">=1.4.0, <1.4.3" value=typed.affected.clone()/>
            {problem("affected")}
            <label for=field_id("fixed_in")>"Fixed in (a released version; optional)"</label>
            <input id=field_id("fixed_in") name="fixed_in" placeholder="e.g. v1.4.3" value=typed.fixed_in.clone()/>
            {problem("fixed_in")}
            {text_field("workaround", "Workaround: temporary mitigation", typed.workaround.clone(), "2")}
            {text_field("timeline", "Timeline: expected resolution", typed.timeline.clone(), "2")}
            {text_field("action", "Action: what users should do", typed.action.clone(), "2")}
            <label class="checkbox"><input type="checkbox" name="published" checked=published/> " Published (everyone sees it)"</label>
            <button type="submit">{submit}</button>
        </ActionForm>
    }
}

/// `/{owner}/{repo}/incidents/{id}`
#[component]
pub fn IncidentDetailPage() -> impl IntoView {
    let params = use_params_map();
    let owner = move || params.read().get("owner").unwrap_or_default();
    let repo = move || params.read().get("repo").unwrap_or_default();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i64>().ok())
    };
    let save = ServerAction::<SaveIncident>::new();
    let update = ServerAction::<AddIncidentUpdate>::new();
    let publish = ServerAction::<PublishIncident>::new();
    let page = page_data(
        move || {
            (
                owner(),
                repo(),
                id(),
                save.version().get(),
                save.value().get(),
                update.version().get(),
                update.value().get(),
                publish.version().get(),
                publish.value().get(),
            )
        },
        |(owner, repo, id, ..)| async move {
            match id {
                Some(id) => get_incident(IncidentRef { owner, repo, id }).await,
                None => Ok(None),
            }
        },
    );
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading the incident…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(Some(page)) => view! { <IncidentView page save update publish/> }.into_any(),
                    Ok(None) => view! { <NotFound what="There is no such incident.".to_owned()/> }.into_any(),
                    Err(err) => view! { <NotFound what=err.to_string()/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn IncidentView(
    page: IncidentPage,
    save: ServerAction<SaveIncident>,
    update: ServerAction<AddIncidentUpdate>,
    publish: ServerAction<PublishIncident>,
) -> impl IntoView {
    let IncidentPage {
        owner,
        name,
        incident,
        updates,
        clock,
        backports,
        fix_released,
        newest_affected,
        maintainer,
        refusal,
        generated_at,
    } = page;
    let base = format!("/{owner}/{name}");
    let id = incident.id;
    // A refusal of the update form carries its message; one of the edit form, its fields.
    let (update_refusal, edit_refusal) = match refusal {
        Some(r) if r.update => (Some(r), None),
        other => (None, other),
    };
    let typed_message = update_refusal
        .as_ref()
        .map(|r| r.message.clone())
        .unwrap_or_default();
    let update_error = move || match update.value().get() {
        Some(Err(err)) => Some(refusal_message(&err)),
        Some(Ok(())) => None,
        None => update_refusal
            .as_ref()
            .map(|r| r.problems.values().cloned().collect::<Vec<_>>().join("; ")),
    };
    let resolved = incident.status == Status::Resolved;
    let draft = !incident.published;
    let (publish_owner, publish_name) = (owner.clone(), name.clone());
    let fixed_in = incident.fixed_in.clone();
    let current = (incident.input.clone(), incident.published);
    view! {
        <PageTitle text=format!("{} · Incidents · Release Desk", incident.title)/>
        <nav class="breadcrumbs" aria-label="Breadcrumbs">
            <a href=base.clone()>{owner.clone()} "/" {name.clone()}</a>
            " / " <a href=format!("{base}/incidents")>"Incidents"</a>
        </nav>
        <header class="page-header">
            <h1>{incident.title.clone()}</h1>
            <p class="facts-line">
                <span class=format!("severity {}", incident.severity.as_str())>{incident.severity.as_str()}</span>
                " " <strong>{incident.status.label()}</strong>
                {(!incident.published).then_some(view! { " " <span class="draft-chip">"draft: maintainers only"</span> })}
                " · affects " <span class="mono">{incident.affected.clone()}</span>
                {fixed_in.clone().map(|v| view! { " · fixed in " <a href=format!("{base}/v/{v}")>{v.clone()}</a> })}
                " · opened " <RelativeTime at=incident.created_at now=generated_at/> " by " {incident.created_by.clone()}
            </p>
            {(maintainer && draft).then(|| view! {
                <section class="publish-panel" aria-labelledby="publish-title">
                    <h2 id="publish-title">"This notice is a draft"</h2>
                    <p class="hint">"Only maintainers see it. Publishing shows it on the incidents page, in the feed and on the pages and checks of the versions it affects."</p>
                    <ActionForm action=publish>
                        <input type="hidden" name="owner" value=publish_owner.clone()/>
                        <input type="hidden" name="repo" value=publish_name.clone()/>
                        <input type="hidden" name="id" value=id/>
                        <button type="submit">"Publish the notice"</button>
                    </ActionForm>
                    {move || match publish.value().get() {
                        Some(Err(err)) => Some(view! { <p class="error" role="alert">{refusal_message(&err)} " Correct it under “Edit the notice”."</p> }),
                        _ => None,
                    }}
                </section>
            })}
        </header>
        <article class="incident-body">
            {incident.sections.into_iter().map(|(label, html)| view! {
                <section class="incident-field">
                    <h2>{label}</h2>
                    <div class="notes-body" inner_html=html></div>
                </section>
            }).collect_view()}
        </article>
        // The release process's rollback rule is the maintainers' to follow; readers see the
        // status and the timeline.
        {maintainer.then(|| view! {
            <section class=if clock.quick_fix_possible { "panel rollback" } else { "panel rollback late" } aria-labelledby="rollback-title">
                <h2 id="rollback-title">"Patch or withdraw"</h2>
                <p><strong>{clock.words.clone()}</strong></p>
                {(!resolved).then(|| view! {
                    <ul>
                        <li>"Within 2 hours: ship a patch release, then set “Fixed in”."</li>
                        <li>
                            "Later: withdraw the bad release and point users to a good one."
                            {newest_affected.clone().map(|v| view! {
                                " " <a href=format!("{base}/v/{v}#withdraw-form")>"Withdraw " {v.clone()}</a>
                            })}
                        </li>
                    </ul>
                })}
            </section>
        })}
        {(!backports.is_empty()).then(|| view! {
            <section class="panel" aria-labelledby="backports-title">
                <h2 id="backports-title">"Backports to maintained lines"</h2>
                <ul>
                    {backports.into_iter().map(|b| view! {
                        <li>
                            <span class="mono">{b.line.to_string()}</span> ": "
                            {match b.patched_by {
                                Some(v) => view! { "patched in " <a href=format!("{base}/v/{v}")>{v.clone()}</a> }.into_any(),
                                None => view! { <strong>"still needs a patched release"</strong> }.into_any(),
                            }}
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        })}
        <section class="incident-timeline" aria-labelledby="timeline-title">
            <h2 id="timeline-title">"Updates"</h2>
            <ol class="timeline-entries">
                {updates.into_iter().map(|u| view! {
                    <li>
                        <RelativeTime at=u.created_at now=generated_at/> " · " <strong>{u.status.label()}</strong>
                        " · " {u.author}
                        <div class="notes-body" inner_html=u.message_html></div>
                    </li>
                }).collect_view()}
            </ol>
        </section>
        {maintainer.then(|| {
            let fields = (owner.clone(), name.clone());
            let (form_owner, form_name) = fields.clone();
            view! {
                {(fix_released && !resolved).then(|| view! {
                    <p class="notice" role="status">{format!("{} is out.", fixed_in.clone().unwrap_or_default())} " Resolve the incident with an update below."</p>
                })}
                <section class="panel" aria-labelledby="update-title">
                    <h2 id="update-title">"Post an update"</h2>
                    <ActionForm action=update attr:class="stacked-form">
                        <input type="hidden" name="owner" value=fields.0.clone()/>
                        <input type="hidden" name="repo" value=fields.1.clone()/>
                        <input type="hidden" name="id" value=id/>
                        <label for="update-status">"Status"</label>
                        <select id="update-status" name="status">
                            {Status::ALL.map(|s| {
                                let selected = if fix_released { s == Status::Resolved } else { s == incident.status };
                                view! { <option value=s.as_str() selected=selected>{s.label()}</option> }
                            })}
                        </select>
                        <label for="update-message">"Message"</label>
                        <textarea id="update-message" name="message" rows="3" maxlength="20000">
                            {escapable_text(if fix_released { format!("Fixed in {}.", fixed_in.clone().unwrap_or_default()) } else { typed_message.clone() })}
                        </textarea>
                        <button type="submit">"Post the update"</button>
                    </ActionForm>
                    {move || update_error().map(|m| view! { <p class="error" role="alert">{m}</p> })}
                </section>
                <details class="panel" open=edit_refusal.is_some()>
                    <summary>"Edit the notice"</summary>
                    <IncidentForm owner=form_owner name=form_name id current=Some(current.clone()) refusal=edit_refusal.clone() save/>
                </details>
            }
        })}
    }
}
