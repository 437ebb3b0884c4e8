//! Incidents as pages and the REST API show them.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::incident::{Backport, IncidentInput, RollbackClock, Severity, Status};

/// An incident as pages show it: each text field as typed (Markdown) and as sanitised HTML.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentView {
    pub id: i64,
    pub title: String,
    pub status: Status,
    pub severity: Severity,
    pub affected: String,
    pub fixed_in: Option<String>,
    pub published: bool,
    pub published_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The template's text fields, as typed: issue, impact, workaround, timeline, action.
    pub input: IncidentInput,
    /// The same fields rendered: (label, HTML), empty ones left out.
    pub sections: Vec<(String, String)>,
}

/// One entry of the public timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateView {
    pub id: i64,
    pub status: Status,
    pub message: String,
    pub message_html: String,
    pub author: String,
    pub created_at: DateTime<Utc>,
}

/// An open incident that affects a version, as banners, version checks and badges name it.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentSummary {
    pub id: i64,
    pub title: String,
    pub severity: Severity,
    pub status: Status,
    #[cfg_attr(feature = "ssr", schema(example = ">=2.3.0, <2.3.2"))]
    pub affected: String,
    pub fixed_in: Option<String>,
}

/// The published incidents that hit a version.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Affecting {
    /// Still open: the version has a known problem now.
    pub open: Vec<IncidentSummary>,
    /// Resolved: the version was hit; the fix is in a later version.
    pub resolved: Vec<IncidentSummary>,
}

/// A refused form, kept for the page a plain form post returns to: each field's problem and
/// what was typed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentRefusal {
    /// The incident the form was about; 0 for a new one.
    pub incident_id: i64,
    pub problems: BTreeMap<String, String>,
    pub typed: IncidentInput,
    pub published: bool,
    /// Whether it was the update form (else the incident form).
    pub update: bool,
    /// The update form's message, as typed.
    pub message: String,
}

impl IncidentView {
    /// The incident as banners, checks and badges name it.
    pub fn summary(&self) -> IncidentSummary {
        IncidentSummary {
            id: self.id,
            title: self.title.clone(),
            severity: self.severity,
            status: self.status,
            affected: self.affected.clone(),
            fixed_in: self.fixed_in.clone(),
        }
    }
}

/// Who sees what on the incidents pages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentList {
    pub owner: String,
    pub name: String,
    /// Open ones first, then the history; drafts only for maintainers.
    pub incidents: Vec<IncidentView>,
    pub maintainer: bool,
    /// The new-incident form's refusal, shown once.
    pub refusal: Option<IncidentRefusal>,
    pub generated_at: DateTime<Utc>,
}

/// One incident's page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentPage {
    pub owner: String,
    pub name: String,
    pub incident: IncidentView,
    pub updates: Vec<UpdateView>,
    pub clock: RollbackClock,
    /// Maintained lines that had an affected release, and whether each is patched.
    pub backports: Vec<Backport>,
    /// The fixing version is out while the incident is still open: offer to resolve.
    pub fix_released: bool,
    /// The newest affected release, which the rollback path withdraws.
    pub newest_affected: Option<String>,
    pub maintainer: bool,
    pub refusal: Option<IncidentRefusal>,
    pub generated_at: DateTime<Utc>,
}

/// Names an incident of a repository.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentRef {
    pub owner: String,
    pub repo: String,
    #[serde(deserialize_with = "crate::model::form::number")]
    pub id: i64,
}

/// The incident form: a new incident (`id` 0) or an edit, with the template's fields.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentForm {
    pub owner: String,
    pub repo: String,
    #[serde(deserialize_with = "crate::model::form::number")]
    pub id: i64,
    #[serde(flatten)]
    pub input: IncidentInput,
    /// A ticked checkbox: present when the notice is to be public.
    pub published: Option<String>,
}

/// The incident page's update form: a status and a message for the timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateForm {
    pub owner: String,
    pub repo: String,
    #[serde(deserialize_with = "crate::model::form::number")]
    pub id: i64,
    pub status: String,
    pub message: String,
}
