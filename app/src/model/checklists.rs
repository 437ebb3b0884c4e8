//! Checklists as pages and the REST API show them: items with due times and evidence, the
//! audit log, the open items of a repository and the template editor.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{
    domain::checklist::{Evidence, ItemState, Progress, TemplateKind},
    model::evidence::Verified,
};

/// One item as pages and the API show it.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemView {
    #[cfg_attr(feature = "ssr", schema(example = 42))]
    pub id: i64,
    #[cfg_attr(feature = "ssr", schema(example = "All tests passing"))]
    pub text: String,
    pub state: ItemState,
    /// When the item falls due: its offset after the release date.
    pub due_at: Option<DateTime<Utc>>,
    /// Open and past its due time.
    pub overdue: bool,
    /// Who changed it last.
    pub by: Option<String>,
    /// When it was changed last.
    pub at: Option<DateTime<Utc>>,
    /// A note or evidence link; a skipped item's reason.
    pub note: String,
    /// What the evidence shows about it, by its template's rule.
    pub evidence: Option<Evidence>,
    /// Done by a person, while its evidence says otherwise: a warning, never a change.
    pub contradicted: bool,
    /// Ticked by evidence: the source that proved it, and when that was read.
    pub verified: Option<Verified>,
    /// Ticked by evidence that no longer holds (a re-run failed): for a person to look at.
    pub evidence_changed: bool,
    /// Send it back as `expected_revision` with a change.
    #[cfg_attr(feature = "ssr", schema(example = 1))]
    pub revision: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionView {
    pub title: String,
    pub progress: Progress,
    pub items: Vec<ItemView>,
}

/// One change in the audit log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    pub item_id: i64,
    pub item_text: String,
    pub state: ItemState,
    pub note: String,
    pub by: String,
    pub at: DateTime<Utc>,
}

/// A version's checklist in full.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChecklistView {
    pub tag: String,
    pub version: String,
    pub template: TemplateKind,
    pub template_revision: i64,
    pub released_at: Option<DateTime<Utc>>,
    pub progress: Progress,
    /// Of the done items, how many evidence ticked (the rest a person did).
    pub verified: u32,
    pub sections: Vec<SectionView>,
    pub log: Vec<LogEntry>,
    pub markdown: String,
}

/// A change refused on a page without JavaScript, shown once where the form was.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemRefusal {
    pub item_id: i64,
    pub message: String,
    pub note: String,
}

/// The checklist part of a version page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChecklistPanel {
    pub owner: String,
    pub name: String,
    pub tag: String,
    pub checklist: Option<ChecklistView>,
    /// The template a new checklist would use.
    pub template: TemplateKind,
    pub maintainer: bool,
    pub refusal: Option<ItemRefusal>,
    pub generated_at: DateTime<Utc>,
}

/// The open items page: a repository, and `only=ci` for the items waiting only on CI.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenItemsRef {
    pub owner: String,
    pub repo: String,
    #[serde(default)]
    pub only: Option<String>,
}

impl OpenItemsRef {
    pub fn waiting_on_ci(&self) -> bool {
        self.only.as_deref() == Some("ci")
    }
}

/// An open item on the checklists page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenItemView {
    pub tag: String,
    pub item_id: i64,
    pub section: String,
    pub text: String,
    pub due_at: Option<DateTime<Utc>>,
    pub overdue: bool,
    /// Evidence will decide it once CI has finished: nothing for a person to do yet.
    pub waiting_on_ci: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenItems {
    pub owner: String,
    pub name: String,
    /// Overdue first (longest overdue on top), then by due time, then the rest; only those
    /// waiting on CI when `waiting_on_ci`.
    pub items: Vec<OpenItemView>,
    /// Every open item: how many there are, filtered or not.
    pub open: usize,
    pub waiting_on_ci: bool,
    pub maintainer: bool,
    pub generated_at: DateTime<Utc>,
}

/// A template as its editor shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateEditor {
    pub owner: String,
    pub name: String,
    pub kind: TemplateKind,
    pub revision: i64,
    pub text: String,
    /// What a refused edit said and what was typed, shown once.
    pub refusal: Option<(String, String)>,
}

/// What a person reads when someone else changed the item first.
pub fn stale_message(current: &ItemView) -> String {
    let by = current.by.as_deref().unwrap_or("someone");
    format!(
        "{by} changed this item first: it is now {}; nothing was changed, so look again and retry",
        current.state.as_str()
    )
}

/// A checklist item's tick, untick or skip form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemChangeForm {
    pub owner: String,
    pub repo: String,
    pub version: String,
    #[serde(deserialize_with = "crate::model::form::number")]
    pub item: i64,
    pub state: String,
    pub note: String,
    /// The revision the change is based on.
    #[serde(deserialize_with = "crate::model::form::number")]
    pub revision: i64,
}

/// Names a release type's template of a repository.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateRef {
    pub owner: String,
    pub repo: String,
    pub kind: String,
}

/// The template editor's form: the edited text and the revision it started from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateForm {
    pub owner: String,
    pub repo: String,
    pub kind: String,
    #[serde(deserialize_with = "crate::model::form::number")]
    pub revision: i64,
    pub text: String,
}
