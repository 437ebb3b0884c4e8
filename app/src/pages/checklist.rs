//! Checklists on pages: a version's checklist (part of the version page), every open item of a
//! repository, and the template editor. Every change is a form that posts without JavaScript.

use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::{
    api::{
        checklists::{
            get_checklist, get_open_items, get_template, ChangeChecklistItem, ChecklistPanel,
            ChecklistView, ItemView, LogEntry, OpenItems, SaveTemplate, StartChecklist,
            TemplateEditor,
        },
        versions::refusal_message,
    },
    components::{escapable_text, NotFound, PageTitle, ProgressBar, Refused, RelativeTime},
    domain::checklist::{due_words, ItemState, TemplateKind},
    error::AppError,
};

/// The checklist of one version: its data and the two actions that change it.
///
/// Made in the version page's body, never inside a `Suspend`: the server may run a suspended
/// view twice (once to find its resources), and a resource made there gets a second id that
/// the browser never makes, which breaks hydration.
#[derive(Clone, Copy)]
pub struct VersionChecklistData {
    panel: Resource<Result<Option<ChecklistPanel>, AppError>>,
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
                last_sent.set(Some((input.item, input.note)));
            }
        });
        let panel = Resource::new(
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
            |(owner, repo, version, ..)| get_checklist(owner, repo, version),
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
        sections,
        log,
        released_at,
        ..
    } = checklist;
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

/// What every item's forms share.
#[derive(Clone)]
struct ItemForm {
    owner: String,
    name: String,
    tag: String,
    maintainer: bool,
    now: DateTime<Utc>,
    change: ServerAction<ChangeChecklistItem>,
    refused: Signal<Option<Refusal>>,
}

/// A change that was refused: which item, why, and the note that was typed.
#[derive(Clone, Debug, PartialEq)]
struct Refusal {
    item_id: i64,
    message: String,
    note: String,
}

impl ItemForm {
    fn row(&self, item: ItemView) -> AnyView {
        let state_class = format!(
            "item {}{}",
            item.state.as_str(),
            if item.overdue { " overdue" } else { "" }
        );
        let anchor = format!("item-{}", item.id);
        let due = item
            .due_at
            .filter(|_| item.state == ItemState::Open)
            .map(|due| {
                let class = if item.overdue {
                    "due overdue-text"
                } else {
                    "due"
                };
                view! { <span class=class>{due_words(due, self.now)}</span> }
            });
        let evidence = item.evidence.clone().map(|evidence| {
            let (class, mark) = if evidence.found { ("evidence found", "✓") } else { ("evidence missing", "✗") };
            view! { <span class=class><span aria-hidden="true">{mark} " "</span>{evidence.detail}</span> }
        });
        let contradiction = item.contradicted.then(|| {
            view! {
                <p class="item-warning">
                    "Marked done, but GitHub shows otherwise: check the evidence, or reopen the item."
                </p>
            }
        });
        let changed = match (&item.by, item.at) {
            (Some(by), Some(at)) => Some(view! {
                <span class="changed-by">
                    {state_words(item.state)} " by " {by.clone()} " " <RelativeTime at now=self.now/>
                </span>
            }),
            _ => None,
        };
        let note =
            (!item.note.is_empty()).then(|| view! { <p class="item-note">{item.note.clone()}</p> });
        let mark = match item.state {
            ItemState::Done => "☑",
            ItemState::Skipped => "⊘",
            ItemState::Open => "☐",
        };
        let (control, more) = if self.maintainer {
            let (tick, more) = self.controls(&item);
            (tick.into_any(), Some(more))
        } else {
            let mark = view! { <span class="mark" role="img" aria-label=item.state.as_str()>{mark}</span> };
            (mark.into_any(), None)
        };
        let (id, refused, text) = (item.id, self.refused, item.text.clone());
        let error = move || {
            let refusal = refused.get().filter(|r| r.item_id == id)?;
            let message = format!("“{text}” was not changed: {}", refusal.message);
            // Focus moves to the reason, hydrated or not (`autofocus` on a fresh page).
            let node = NodeRef::<leptos::html::P>::new();
            Effect::new(move || {
                if let Some(element) = node.get() {
                    let _ = element.focus();
                }
            });
            Some(view! {
                <p class="error item-error" role="alert" id=format!("item-error-{id}")
                    tabindex="-1" autofocus=true node_ref=node>
                    {message}
                </p>
            })
        };
        view! {
            <li class=state_class id=anchor>
                {control}
                <div class="item-body">
                    <span class="item-text">{item.text.clone()}</span>
                    " " {due} " " {evidence} " " {changed}
                    {contradiction}
                    {note}
                    {error}
                </div>
                {more}
            </li>
        }
        .into_any()
    }

    /// One click ticks or unticks; the details hold skipping with a reason and notes.
    fn controls(&self, item: &ItemView) -> (AnyView, AnyView) {
        let (next, label, mark) = match item.state {
            ItemState::Open => ("done", "Mark done", "☐"),
            ItemState::Done => ("open", "Reopen", "☑"),
            ItemState::Skipped => ("open", "Reopen", "⊘"),
        };
        let hidden = |action_state: &'static str| {
            view! {
                <input type="hidden" name="owner" value=self.owner.clone()/>
                <input type="hidden" name="repo" value=self.name.clone()/>
                <input type="hidden" name="version" value=self.tag.clone()/>
                <input type="hidden" name="item" value=item.id/>
                <input type="hidden" name="revision" value=item.revision/>
                {(!action_state.is_empty()).then(|| view! { <input type="hidden" name="state" value=action_state/> })}
            }
        };
        let (tick_fields, note_fields) = (hidden(next), hidden(""));
        // A refused change opens its form again, with what was typed.
        let typed = self
            .refused
            .get_untracked()
            .filter(|r| r.item_id == item.id)
            .map(|r| r.note);
        let refused_here = typed.is_some();
        let (text, note) = (
            item.text.clone(),
            typed.unwrap_or_else(|| item.note.clone()),
        );
        let error_id = refused_here.then(|| format!("item-error-{}", item.id));
        let note_id = format!("note-{}", item.id);
        let state_id = format!("state-{}", item.id);
        let keep_note = if item.state == ItemState::Skipped {
            String::new()
        } else {
            item.note.clone()
        };
        let tick = view! {
            <ActionForm action=self.change attr:class="tick">
                {tick_fields}
                <input type="hidden" name="note" value=keep_note/>
                <button type="submit" class="tick-button" aria-label=format!("{label}: {text}") title=label>
                    {mark}
                </button>
            </ActionForm>
        };
        let more = view! {
            <details class="item-more" open=refused_here>
                <summary>"Skip or note"<span class="visually-hidden">": " {item.text.clone()}</span></summary>
                <ActionForm action=self.change attr:class="stacked-form">
                    {note_fields}
                    <label for=state_id.clone()>"Change to"</label>
                    <select id=state_id name="state">
                        <option value="skipped">"Skipped (say why below)"</option>
                        <option value="done">"Done"</option>
                        <option value="open">"Open"</option>
                    </select>
                    <label for=note_id.clone()>"Note or evidence link (the reason, when skipping)"</label>
                    <textarea id=note_id name="note" maxlength="2000" rows="2"
                        aria-describedby=error_id aria-invalid=refused_here.then_some("true")>{escapable_text(note)}</textarea>
                    <button type="submit">"Save"</button>
                </ActionForm>
            </details>
        };
        (tick.into_any(), more.into_any())
    }
}

fn state_words(state: ItemState) -> &'static str {
    match state {
        ItemState::Open => "Reopened",
        ItemState::Done => "Done",
        ItemState::Skipped => "Skipped",
    }
}

/// Every change, newest first: the log is append-only, so this is the checklist's history.
#[component]
fn AuditLog(log: Vec<LogEntry>, now: DateTime<Utc>) -> impl IntoView {
    view! {
        <section class="audit-log" aria-labelledby="audit-log-title">
            <h3 id="audit-log-title">{format!("Audit log ({})", log.len())}</h3>
            {if log.is_empty() {
                view! { <p class="muted">"No changes yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="log-entries">
                        {log.into_iter().map(|entry| view! {
                            <li>
                                <RelativeTime at=entry.at now/> " · " <strong>{entry.by}</strong>
                                " marked “" {entry.item_text} "” " <span class=format!("state-word {}", entry.state.as_str())>{entry.state.as_str()}</span>
                                {(!entry.note.is_empty()).then(|| view! { <span class="log-note">" — " {entry.note}</span> })}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

/// `/{owner}/{repo}/checklists`: every open item across versions, overdue first.
#[component]
pub fn ChecklistsPage() -> impl IntoView {
    let params = use_params_map();
    let owner = move || params.read().get("owner").unwrap_or_default();
    let repo = move || params.read().get("repo").unwrap_or_default();
    let page = Resource::new(
        move || (owner(), repo()),
        |(owner, repo)| get_open_items(owner, repo),
    );
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading open items…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(Some(items)) => view! { <OpenItemsView items/> }.into_any(),
                    Ok(None) => view! {
                        <NotFound what=format!("{}/{} is not tracked.", owner(), repo())/>
                    }.into_any(),
                    Err(err) => view! { <NotFound what=err.to_string()/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn OpenItemsView(items: OpenItems) -> impl IntoView {
    let OpenItems {
        owner,
        name,
        items,
        maintainer,
        generated_at,
    } = items;
    let base = format!("/{owner}/{name}");
    let overdue = items.iter().filter(|i| i.overdue).count();
    let summary = match (items.len(), overdue) {
        (0, _) => "Nothing open: every item of every checklist is done or skipped.".to_owned(),
        (open, 0) => format!("{open} open items, none overdue."),
        (open, overdue) => format!("{open} open items, {overdue} overdue."),
    };
    view! {
        <PageTitle text=format!("Open checklist items · {owner}/{name} · Release Desk")/>
        <nav class="breadcrumbs" aria-label="Breadcrumbs">
            <a href=base.clone()>{owner.clone()} "/" {name.clone()}</a>
        </nav>
        <h1>"Open checklist items"</h1>
        <p class="description">{summary}</p>
        {(!items.is_empty()).then(|| view! {
            <table class="open-items stack">
                <thead>
                    <tr><th scope="col">"Version"</th><th scope="col">"Item"</th><th scope="col">"Section"</th><th scope="col">"Due"</th></tr>
                </thead>
                <tbody>
                    {items.into_iter().map(|item| {
                        let href = format!("{base}/v/{}#item-{}", item.tag, item.item_id);
                        let due = item.due_at.map(|due| due_words(due, generated_at));
                        view! {
                            <tr class=if item.overdue { "overdue" } else { "" }>
                                <td class="mono" data-label="Version">{item.tag}</td>
                                <td data-label="Item"><a href=href>{item.text}</a></td>
                                <td data-label="Section">{item.section}</td>
                                <td class=if item.overdue { "overdue-text" } else { "" } data-label="Due">{due.unwrap_or_else(|| "—".to_owned())}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        })}
        {maintainer.then(|| view! {
            <section class="panel" aria-labelledby="templates-title">
                <h2 id="templates-title">"Templates"</h2>
                <p class="hint">"A new version's checklist is made from the template of its release type. Editing a template never changes checklists already made."</p>
                <ul class="template-links">
                    {TemplateKind::ALL.into_iter().map(|kind| view! {
                        <li><a href=format!("{base}/checklists/templates/{}", kind.as_str())>{kind.label()}</a></li>
                    }).collect_view()}
                </ul>
            </section>
        })}
    }
}

/// `/{owner}/{repo}/checklists/templates/{kind}`: maintainers edit a template's text.
#[component]
pub fn TemplatePage() -> impl IntoView {
    let params = use_params_map();
    let owner = move || params.read().get("owner").unwrap_or_default();
    let repo = move || params.read().get("repo").unwrap_or_default();
    let kind = move || params.read().get("kind").unwrap_or_default();
    let save = ServerAction::<SaveTemplate>::new();
    let page = Resource::new(
        move || {
            (
                owner(),
                repo(),
                kind(),
                save.version().get(),
                save.value().get(),
            )
        },
        |(owner, repo, kind, _, _)| get_template(owner, repo, kind),
    );
    view! {
        <PageTitle text="Checklist template · Release Desk"/>
        <Transition fallback=|| view! { <p class="loading">"Loading the template…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(editor) => view! { <TemplateForm editor save/> }.into_any(),
                    Err(err) => view! { <Refused title="Checklist template" err/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn TemplateForm(editor: TemplateEditor, save: ServerAction<SaveTemplate>) -> impl IntoView {
    let TemplateEditor {
        owner,
        name,
        kind,
        revision,
        text,
        refusal,
    } = editor;
    let (shown_text, kept) = match refusal {
        Some((message, typed)) => (typed, Some(message)),
        None => (text, None),
    };
    let message = move || {
        match save.value().get() {
        Some(Ok(revision)) => Some(view! {
            <p class="notice saved" role="status">{format!("Saved as revision {revision}. New checklists of this type use it; existing ones keep theirs.")}</p>
        }.into_any()),
        Some(Err(err)) => Some(view! { <p class="error" role="alert">{refusal_message(&err)}</p> }.into_any()),
        None => kept.clone().map(|m| view! { <p class="error" role="alert">{m}</p> }.into_any()),
    }
    };
    let base = format!("/{owner}/{name}");
    view! {
        <nav class="breadcrumbs" aria-label="Breadcrumbs">
            <a href=base.clone()>{owner.clone()} "/" {name.clone()}</a>
            " / " <a href=format!("{base}/checklists")>"Checklists"</a>
        </nav>
        <h1>{kind.label()} " template"</h1>
        <p class="description">{format!("Revision {revision}.")} " Each save makes a new revision; checklists already made keep the items they were made with."</p>
        {message}
        <ActionForm action=save attr:class="stacked-form panel">
            <input type="hidden" name="owner" value=owner.clone()/>
            <input type="hidden" name="repo" value=name.clone()/>
            <input type="hidden" name="kind" value=kind.as_str()/>
            <input type="hidden" name="revision" value=revision/>
            <label for="template-text">"Sections and items"</label>
            <p class="hint" id="template-help">
                "One " <code>"## Section"</code> " heading per section and one " <code>"- item"</code>
                " per line. Add, remove or reorder lines freely. A final parenthesis sets attributes: "
                <code>"(due 1h)"</code> ", " <code>"(due 1d)"</code> " or " <code>"(due 1w)"</code>
                " after the release date; " <code>"(evidence: tag)"</code> " (also release, sbom, signature, changelog); "
                <code>"(per maintained line)"</code> " makes one item per other supported line."
            </p>
            <textarea id="template-text" name="text" rows="30" class="mono" aria-describedby="template-help" prop:value=shown_text.clone()>{escapable_text(shown_text.clone())}</textarea>
            <button type="submit">"Save as revision " {revision + 1}</button>
        </ActionForm>
    }
}
