//! Checklists on pages: a version's checklist (part of the version page), every open item of a
//! repository, and the template editor. Every change is a form that posts without JavaScript.

mod item;
mod open_items;
mod template;

use crate::pages::data::{page_data, PageData};
use leptos::prelude::*;

use crate::{
    api::checklists::{get_checklist, ChangeChecklistItem, StartChecklist},
    components::ProgressBar,
    error::AppError,
    model::{
        checklists::{ChecklistPanel, ChecklistView},
        refusal::refusal_message,
        versions::VersionRef,
    },
};

use self::item::{AuditLog, ItemForm, Refusal};
pub use self::{open_items::ChecklistsPage, template::TemplatePage};

/// The checklist of one version: its data and the two actions that change it.
///
/// Made in the version page's body, never inside a `Suspend`: the server may run a suspended
/// view twice (once to find its resources), and a resource made there gets a second id that
/// the browser never makes, which breaks hydration.
#[derive(Clone, Copy)]
pub struct VersionChecklistData {
    panel: PageData<Result<Option<ChecklistPanel>, AppError>>,
    change: ServerAction<ChangeChecklistItem>,
    start: ServerAction<StartChecklist>,
    /// The item and note of the last change sent from this page, kept past the action (whose
    /// input clears when it answers) so a refusal shows at that item, with what was typed.
    last_sent: RwSignal<Option<(i64, String)>>,
}

impl VersionChecklistData {
    pub fn new(
        owner: impl Fn() -> String + Send + Sync + 'static,
        repo: impl Fn() -> String + Send + Sync + 'static,
        version: impl Fn() -> String + Send + Sync + 'static,
    ) -> Self {
        let change = ServerAction::<ChangeChecklistItem>::new();
        let start = ServerAction::<StartChecklist>::new();
        let last_sent = RwSignal::new(None);
        Effect::new(move || {
            if let Some(input) = change.input().get() {
                last_sent.set(Some((input.item, input.note.clone())));
            }
        });
        let panel = page_data(
            move || {
                (
                    owner(),
                    repo(),
                    version(),
                    change.version().get(),
                    // A refused change may not bump the version; its value changes.
                    change.value().get(),
                    start.version().get(),
                )
            },
            |(owner, repo, version, ..)| {
                get_checklist(VersionRef {
                    owner,
                    repo,
                    version,
                })
            },
        );
        Self {
            panel,
            change,
            start,
            last_sent,
        }
    }
}

/// The checklist of one version, for the version page: ticking is one click.
#[component]
pub fn VersionChecklist(data: VersionChecklistData) -> impl IntoView {
    let VersionChecklistData {
        panel,
        change,
        start,
        last_sent,
    } = data;
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading the checklist…"</p> }>
            {move || Suspend::new(async move {
                match panel.await {
                    Ok(Some(panel)) => view! { <Panel panel change start last_sent/> }.into_any(),
                    Ok(None) => ().into_any(),
                    Err(err) => view! { <p class="error" role="alert">{err.to_string()}</p> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Panel(
    panel: ChecklistPanel,
    change: ServerAction<ChangeChecklistItem>,
    start: ServerAction<StartChecklist>,
    last_sent: RwSignal<Option<(i64, String)>>,
) -> impl IntoView {
    let ChecklistPanel {
        owner,
        name,
        tag,
        checklist,
        template,
        maintainer,
        refusal,
        generated_at,
    } = panel;
    let Some(checklist) = checklist else {
        return view! {
            <section class="checklist panel" aria-labelledby="checklist-title">
                <h2 id="checklist-title">"Checklist"</h2>
                <p class="muted">
                    "No checklist: this version came out before Release Desk tracked the repository."
                </p>
                {maintainer.then(|| view! {
                    <ActionForm action=start>
                        <input type="hidden" name="owner" value=owner.clone()/>
                        <input type="hidden" name="repo" value=name.clone()/>
                        <input type="hidden" name="version" value=tag.clone()/>
                        <button type="submit">"Start a checklist (" {template.label()} ")"</button>
                    </ActionForm>
                })}
            </section>
        }
        .into_any();
    };
    let ChecklistView {
        template_revision,
        progress,
        verified,
        sections,
        log,
        released_at,
        ..
    } = checklist;
    let by_people = progress.done.saturating_sub(verified as usize);
    // The refused change and what was typed, shown at its item: after a plain form post from
    // the session (once), hydrated from the action.
    let kept = refusal.map(|refusal| Refusal {
        item_id: refusal.item_id,
        message: refusal.message,
        note: refusal.note,
    });
    let refused = Signal::derive(move || match change.value().get() {
        Some(Err(err)) => last_sent.get().map(|(item_id, note)| Refusal {
            item_id,
            message: refusal_message(&err),
            note,
        }),
        Some(Ok(())) => None,
        None => kept.clone(),
    });
    let markdown = format!("/api/v1/repos/{owner}/{name}/versions/{tag}/checklist?format=markdown");
    let form = ItemForm {
        owner,
        name,
        tag,
        maintainer,
        now: generated_at,
        change,
        refused,
    };
    view! {
        <section class="checklist" aria-labelledby="checklist-title">
            <h2 id="checklist-title">"Checklist"</h2>
            <p class="hint">
                {template.label()} " template, revision " {template_revision}
                {released_at.is_none().then_some(" · due times start when the version is released")}
                " · " <a href=markdown>"Markdown for a pull request"</a>
            </p>
            <ProgressBar progress label="Whole checklist".to_owned()/>
            <p class="verified-split">
                <span class="verified-count">{verified} " verified by GitHub evidence"</span>
                " · " {by_people} " ticked by people"
            </p>
            {sections.into_iter().map(|section| {
                let id = format!("section-{}", slug(&section.title));
                let labelled_by = id.clone();
                view! {
                    <section class="checklist-section" aria-labelledby=labelled_by>
                        <h3 id=id>{section.title.clone()}</h3>
                        <ProgressBar progress=section.progress label=section.title/>
                        <ul class="checklist-items">
                            {section.items.into_iter().map(|item| form.row(item)).collect_view()}
                        </ul>
                    </section>
                }
            }).collect_view()}
            <AuditLog log now=generated_at/>
        </section>
    }
    .into_any()
}

/// `Post-Release: Immediate (within 1 hour)` → `post-release-immediate-within-1-hour`.
fn slug(title: &str) -> String {
    title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join("-")
}
