//! One checklist item with its forms (tick, untick, skip with a reason, note), and the audit log.

use chrono::{DateTime, Utc};
use leptos::prelude::*;

use crate::{
    api::checklists::ChangeChecklistItem,
    components::{escapable_text, RelativeTime},
    domain::checklist::{due_words, ItemState},
    model::checklists::{ItemView, LogEntry},
};

/// What every item's forms share.
#[derive(Clone)]
pub(super) struct ItemForm {
    pub(super) owner: String,
    pub(super) name: String,
    pub(super) tag: String,
    pub(super) maintainer: bool,
    pub(super) now: DateTime<Utc>,
    pub(super) change: ServerAction<ChangeChecklistItem>,
    pub(super) refused: Signal<Option<Refusal>>,
}

/// A change that was refused: which item, why, and the note that was typed.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Refusal {
    pub(super) item_id: i64,
    pub(super) message: String,
    pub(super) note: String,
}

impl ItemForm {
    pub(super) fn row(&self, item: ItemView) -> AnyView {
        let state_class = format!(
            "item {}{}{}",
            item.state.as_str(),
            if item.overdue { " overdue" } else { "" },
            if item.verified.is_some() {
                " verified"
            } else {
                ""
            }
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
        // A verified item's note is the evidence it was ticked on: shown once, as evidence.
        let evidence = item.evidence.clone().map(|evidence| {
            let (class, mark) = if evidence.found {
                ("evidence found", "✓")
            } else if evidence.pending {
                ("evidence pending", "…")
            } else {
                ("evidence missing", "✗")
            };
            let waiting = evidence.pending.then_some("Waiting on CI: ");
            view! { <span class=class><span aria-hidden="true">{mark} " "</span>{waiting}{evidence.detail}</span> }
        });
        let contradiction = item.contradicted.then(|| {
            view! {
                <p class="item-warning">
                    "Marked done, but GitHub shows otherwise: check the evidence, or reopen the item."
                </p>
            }
        });
        let evidence_changed = item.evidence_changed.then(|| {
            view! {
                <p class="item-warning">
                    "Evidence changed: GitHub verified this, but says otherwise now (a re-run failed?). "
                    "Look at the evidence, then keep or reopen the item."
                </p>
            }
        });
        let changed = match (&item.verified, &item.by, item.at) {
            (Some(verified), _, _) => Some(view! {
                <span class="verified-badge">
                    "Verified" <span class="visually-hidden">" by GitHub evidence"</span>
                </span>
                " "
                <span class="changed-by">
                    "by " {verified.kind.label()} ", read " <RelativeTime at=verified.captured_at now=self.now/>
                </span>
            }.into_any()),
            (None, Some(by), Some(at)) => Some(view! {
                <span class="changed-by">
                    {state_words(item.state)} " by " {by.clone()} " " <RelativeTime at now=self.now/>
                </span>
            }.into_any()),
            _ => None,
        };
        let note = (!item.note.is_empty() && item.verified.is_none())
            .then(|| view! { <p class="item-note">{item.note.clone()}</p> });
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
                    {evidence_changed}
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
        // A verified item's note is what the evidence said, not a person's words to keep.
        let own_note = if item.verified.is_some() {
            String::new()
        } else {
            item.note.clone()
        };
        let (text, note) = (item.text.clone(), typed.unwrap_or_else(|| own_note.clone()));
        let error_id = refused_here.then(|| format!("item-error-{}", item.id));
        let note_id = format!("note-{}", item.id);
        let state_id = format!("state-{}", item.id);
        let keep_note = if item.state == ItemState::Skipped {
            String::new()
        } else {
            own_note
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
pub(super) fn AuditLog(log: Vec<LogEntry>, now: DateTime<Utc>) -> impl IntoView {
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
