//! `/{owner}/{repo}/plans` and `/{owner}/{repo}/plans/{version}`: releases planned before their
//! tag, each with its pre-release checklist, the gate on its branch, and publishing.

use crate::pages::data::page_data;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::{
    api::plans::{get_plan, get_plans, CancelPlan, PublishRelease, SavePlan},
    components::{NotFound, PageTitle, Refused},
    model::{
        plans::{PlanForm, PlanPage, PlanView, PlansPage, PlansQuery, SuggestionView},
        versions::VersionRef,
    },
    pages::checklist::{VersionChecklist, VersionChecklistData},
};

/// Where a plan stands, in words.
fn stage(plan: &PlanView) -> &'static str {
    match (plan.tagged, plan.published) {
        (_, true) => "published",
        (true, false) => "tagged, not published",
        (false, false) => "planned",
    }
}

fn open_items(plan: &PlanView) -> String {
    match (plan.pre_release_open, plan.pre_release_total) {
        (_, 0) => "no pre-release items".to_owned(),
        (0, total) => format!("all {total} pre-release items done"),
        (open, total) => format!("{open} of {total} pre-release items open"),
    }
}

#[component]
pub fn PlansPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let owner = move || params.read().get("owner").unwrap_or_default();
    let repo = move || params.read().get("repo").unwrap_or_default();
    let suggest = move || query.read().get("suggest").unwrap_or_default();
    let save = ServerAction::<SavePlan>::new();
    let page = page_data(
        move || {
            (
                owner(),
                repo(),
                suggest(),
                save.version().get(),
                save.value().get(),
            )
        },
        |(owner, repo, suggest, ..)| {
            get_plans(PlansQuery {
                owner,
                repo,
                suggest,
            })
        },
    );
    view! {
        <PageTitle text="Planned releases · Release Desk"/>
        <Transition fallback=|| view! { <p class="loading">"Loading the plans…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(Some(page)) => view! { <Plans page save/> }.into_any(),
                    Ok(None) => view! { <NotFound what="This repository is not tracked."/> }.into_any(),
                    Err(err) => view! { <Refused title="Planned releases" err/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Plans(page: PlansPage, save: ServerAction<SavePlan>) -> impl IntoView {
    let PlansPage {
        owner,
        name,
        plans,
        maintainer,
        suggestion,
        refusal,
    } = page;
    let history = format!("/{owner}/{name}");
    let none = plans.is_empty();
    let rows = plans
        .into_iter()
        .map(|plan| {
            let href = format!("/{owner}/{name}/plans/{}", plan.version);
            view! {
                <tr>
                    <th scope="row"><a href=href>{plan.tag.clone()}</a></th>
                    <td data-label="Target date"><time datetime=plan.target_date.to_string()>{plan.target_date.to_string()}</time></td>
                    <td data-label="Branch"><code>{plan.branch.clone()}</code></td>
                    <td data-label="Stage">{stage(&plan)}</td>
                    <td data-label="Checklist">{open_items(&plan)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <nav class="breadcrumbs" aria-label="Breadcrumbs">
            <a href=history>{owner.clone()} "/" {name.clone()}</a>
        </nav>
        <h1>"Planned releases"</h1>
        <p class="lede">"A plan's pre-release checklist runs before its tag; the branch it is prepared on carries the gate "
            <code>"releasedesk/checklist"</code>" as a commit status."</p>
        {if none {
            view! { <p class="empty-state" role="status">"No release is planned."</p> }.into_any()
        } else {
            view! {
                <table class="plans stack">
                    <caption class="visually-hidden">"Plans, lowest version first"</caption>
                    <thead><tr><th scope="col">"Version"</th><th scope="col">"Target date"</th><th scope="col">"Branch"</th><th scope="col">"Stage"</th><th scope="col">"Checklist"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            }.into_any()
        }}
        {maintainer.then(|| view! { <PlanFormPanel owner=owner.clone() name=name.clone() suggestion refusal save/> })}
    }
}

#[component]
fn PlanFormPanel(
    owner: String,
    name: String,
    suggestion: Option<Result<SuggestionView, String>>,
    refusal: Option<crate::model::plans::PlanRefusal>,
    save: ServerAction<SavePlan>,
) -> impl IntoView {
    let (typed, problems) = match refusal {
        Some(refusal) => (refusal.typed, refusal.problems),
        None => (PlanForm::default(), Default::default()),
    };
    let suggested = suggestion
        .as_ref()
        .and_then(|s| s.as_ref().ok())
        .map(|s| s.suggested.clone());
    let version = if typed.version.is_empty() {
        suggested.unwrap_or_default()
    } else {
        typed.version.clone()
    };
    let messages = problems.clone();
    let problem = move |field: &str| {
        messages.get(field).cloned().map(|text| {
            let id = format!("plan-{field}-problem");
            view! { <p class="field-problem" id=id>{text}</p> }
        })
    };
    let invalid = move |field: &str| problems.contains_key(field).to_string();
    let described = |field: &str| format!("plan-{field}-problem");
    let explained = suggestion.map(|outcome| match outcome {
        Ok(s) => {
            let reasons = s
                .reasons
                .into_iter()
                .map(|(sha, subject, kind)| view! { <li><code>{sha}</code>" "{subject}" ("{kind}")"</li> })
                .collect_view();
            let base = s.base.unwrap_or_else(|| "the first release".to_owned());
            let skipped = (!s.skipped.is_empty()).then(|| {
                let taken = s.skipped.join(", ");
                view! { <p>{format!("{taken} is taken already (a tag, a draft release or a plan), so the next patch is suggested.")}</p> }
            });
            view! {
                <div class="notice" role="status" id="suggestion">
                    <p>"Suggested: "<strong>{s.suggested}</strong>" ("{s.bump}" bump from "{base}", "{s.commits}" commits read)."</p>
                    {skipped}
                    <ul>{reasons}</ul>
                </div>
            }
            .into_any()
        }
        Err(message) => view! { <p class="error" role="alert" id="suggestion">{message}</p> }.into_any(),
    });
    let here = format!("/{owner}/{name}/plans");
    view! {
        <section class="panel" aria-labelledby="plan-heading">
            <h2 id="plan-heading">"Plan a release"</h2>
            <form method="get" action=here class="inline-form">
                <label for="suggest">"Suggest the next version for"</label>
                <select id="suggest" name="suggest">
                    <option value="stable">"stable"</option>
                    <option value="rc">"release candidate"</option>
                    <option value="beta">"beta"</option>
                    <option value="alpha">"alpha"</option>
                </select>
                <button type="submit">"Suggest"</button>
            </form>
            {explained}
            <ActionForm action=save attr:class="stacked-form">
                <input type="hidden" name="owner" value=owner.clone()/>
                <input type="hidden" name="repo" value=name.clone()/>
                <label for="plan-version">"Version"</label>
                <input id="plan-version" name="version" value=version required
                    aria-invalid=invalid("version") aria-describedby=described("version")/>
                {problem("version")}
                <label for="plan-target-date">"Target date"</label>
                <input id="plan-target-date" name="target_date" type="date" value=typed.target_date required
                    aria-invalid=invalid("target_date") aria-describedby=described("target_date")/>
                {problem("target_date")}
                <label for="plan-branch">"Branch (default release/ and the tag)"</label>
                <input id="plan-branch" name="branch" value=typed.branch placeholder="release/v1.2.0"
                    aria-invalid=invalid("branch") aria-describedby=described("branch")/>
                {problem("branch")}
                <label for="plan-notes">"Draft notes (Markdown; used when CHANGELOG.md has no section)"</label>
                <textarea id="plan-notes" name="notes" rows="5"
                    aria-invalid=invalid("notes") aria-describedby=described("notes")>{typed.notes}</textarea>
                {problem("notes")}
                {problem("form")}
                <button type="submit">"Plan this release"</button>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn PlanPage() -> impl IntoView {
    let params = use_params_map();
    let owner = move || params.read().get("owner").unwrap_or_default();
    let repo = move || params.read().get("repo").unwrap_or_default();
    let version = move || params.read().get("version").unwrap_or_default();
    let publish = ServerAction::<PublishRelease>::new();
    let cancel = ServerAction::<CancelPlan>::new();
    let checklist = VersionChecklistData::new(owner, repo, version);
    let page = page_data(
        move || {
            (
                owner(),
                repo(),
                version(),
                publish.version().get(),
                publish.value().get(),
            )
        },
        |(owner, repo, version, ..)| {
            get_plan(VersionRef {
                owner,
                repo,
                version,
            })
        },
    );
    view! {
        <PageTitle text="Plan · Release Desk"/>
        <Transition fallback=|| view! { <p class="loading">"Loading the plan…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(Some(page)) => view! { <Plan page publish cancel/> }.into_any(),
                    Ok(None) => view! { <NotFound what="There is no such plan."/> }.into_any(),
                    Err(err) => view! { <Refused title="Plan" err/> }.into_any(),
                }
            })}
        </Transition>
        <VersionChecklist data=checklist/>
    }
}

#[component]
fn Plan(
    page: PlanPage,
    publish: ServerAction<PublishRelease>,
    cancel: ServerAction<CancelPlan>,
) -> impl IntoView {
    let PlanPage {
        owner,
        name,
        plan,
        maintainer,
        writes,
        refusal,
    } = page;
    let plans = format!("/{owner}/{name}/plans");
    let version_page = format!("/{owner}/{name}/v/{}", plan.version);
    let gate = plan.gate.clone().map(|gate| {
        view! { <p>"Gate on the branch: "<strong>{gate.state}</strong>" · "{gate.description}</p> }
    });
    let publishable = maintainer && plan.tagged && !plan.published;
    let open = plan.pre_release_open;
    let (o, n, v) = (owner.clone(), name.clone(), plan.version.clone());
    let publish_form = publishable.then(move || {
        let reason_needed = open > 0;
        view! {
            <ActionForm action=publish attr:class="stacked-form panel" attr:id="publish">
                <input type="hidden" name="owner" value=o/>
                <input type="hidden" name="repo" value=n/>
                <input type="hidden" name="version" value=v/>
                {reason_needed.then(|| view! {
                    <label for="publish-reason">{format!("{open} pre-release items are open: the reason to publish anyway (logged)")}</label>
                    <textarea id="publish-reason" name="reason" rows="2"></textarea>
                })}
                <button type="submit">"Publish the GitHub release"</button>
            </ActionForm>
        }
    });
    let (o, n, v) = (owner.clone(), name.clone(), plan.version.clone());
    let cancel_form = (maintainer && !plan.tagged).then(move || {
        view! {
            <ActionForm action=cancel attr:class="inline-form">
                <input type="hidden" name="owner" value=o/>
                <input type="hidden" name="repo" value=n/>
                <input type="hidden" name="version" value=v/>
                <button type="submit" class="secondary">"Drop this plan"</button>
            </ActionForm>
        }
    });
    let log = (!writes.is_empty()).then(|| {
        let rows = writes
            .into_iter()
            .map(|w| {
                let status = w.status.map_or_else(|| "no answer".to_owned(), |s| s.to_string());
                view! {
                    <tr>
                        <td data-label="When"><time datetime=w.at.to_rfc3339()>{w.at.format("%Y-%m-%d %H:%M").to_string()}</time></td>
                        <td data-label="What">{w.action}</td>
                        <td data-label="Detail">{w.detail}</td>
                        <td data-label="GitHub's status">{status}</td>
                        <td data-label="Answer">{w.answer}</td>
                        <td data-label="By">{w.by}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <h2>"Writes to GitHub"</h2>
            <table class="writes stack">
                <thead><tr><th scope="col">"When"</th><th scope="col">"What"</th><th scope="col">"Detail"</th><th scope="col">"GitHub's status"</th><th scope="col">"Answer"</th><th scope="col">"By"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
    });
    view! {
        <nav class="breadcrumbs" aria-label="Breadcrumbs">
            <a href=format!("/{owner}/{name}")>{owner.clone()} "/" {name.clone()}</a>
            " / "<a href=plans>"Plans"</a>
        </nav>
        <h1>{plan.tag.clone()}" "<span class="badge planned">{stage(&plan)}</span></h1>
        <dl class="facts">
            <dt>"Target date"</dt><dd><time datetime=plan.target_date.to_string()>{plan.target_date.to_string()}</time></dd>
            <dt>"Branch"</dt><dd><code>{plan.branch.clone()}</code></dd>
            <dt>"Checklist"</dt><dd>{open_items(&plan)}</dd>
            <dt>"Planned by"</dt><dd>{plan.planned_by.clone()}</dd>
        </dl>
        {gate}
        {plan.tagged.then(|| view! { <p><a href=version_page>"The version's page"</a></p> })}
        {refusal.map(|message| view! { <p class="error" role="alert">{message}</p> })}
        {publish_form}
        {cancel_form}
        {(!plan.notes.is_empty()).then(|| view! { <h2>"Draft notes"</h2><pre class="notes">{plan.notes.clone()}</pre> })}
        {log}
    }
}
