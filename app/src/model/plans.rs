//! Planned releases as the plans page and a plan's page show them, and the forms that change
//! them.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// A plan as pages show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanView {
    pub version: String,
    pub tag: String,
    pub target_date: NaiveDate,
    pub branch: String,
    pub notes: String,
    /// The tag exists on GitHub.
    pub tagged: bool,
    /// The GitHub release is published.
    pub published: bool,
    pub pre_release_open: usize,
    pub pre_release_total: usize,
    /// The commit status last written on the branch.
    pub gate: Option<Gate>,
    pub planned_by: String,
    pub planned_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The commit status the gate last wrote on a plan's branch.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gate {
    /// The branch's head the status is on.
    pub sha: String,
    /// `pending` or `success`.
    pub state: String,
    #[cfg_attr(feature = "ssr", schema(example = "3 of 12 pre-release items open"))]
    pub description: String,
}

/// The next version the commits suggest, as the plan form offers it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuggestionView {
    pub channel: String,
    pub base: Option<String>,
    pub suggested: String,
    pub bump: String,
    pub commits: usize,
    /// (short sha, subject, kind) of the commits that moved it.
    pub reasons: Vec<(String, String, String)>,
    /// Versions passed over because the repository has them already.
    pub skipped: Vec<String>,
}

/// `/{owner}/{repo}/plans`: the plans, and for maintainers the form to plan one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlansPage {
    pub owner: String,
    pub name: String,
    pub plans: Vec<PlanView>,
    pub maintainer: bool,
    /// The suggestion asked for with `?suggest=CHANNEL`, or why there is none.
    pub suggestion: Option<Result<SuggestionView, String>>,
    /// A refused plan with what was typed, shown once.
    pub refusal: Option<PlanRefusal>,
}

/// The plan form's fields as posted.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanForm {
    pub owner: String,
    pub repo: String,
    pub version: String,
    pub target_date: String,
    #[serde(default)]
    pub branch: String,
    #[serde(default)]
    pub notes: String,
}

/// Why a plan was refused, by field, and what was typed, so nothing is lost.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanRefusal {
    pub repository_id: i64,
    pub message: String,
    pub problems: BTreeMap<String, String>,
    pub typed: PlanForm,
}

/// Asks the plans page for a suggested version on a channel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlansQuery {
    pub owner: String,
    pub repo: String,
    /// Empty for no suggestion.
    pub suggest: String,
}

/// One write to GitHub as a plan's page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WriteView {
    pub action: String,
    pub detail: String,
    pub status: Option<i64>,
    pub answer: String,
    pub by: String,
    pub at: DateTime<Utc>,
}

/// `/{owner}/{repo}/plans/{version}`: one plan, its gate, its writes to GitHub.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanPage {
    pub owner: String,
    pub name: String,
    pub plan: PlanView,
    pub maintainer: bool,
    pub writes: Vec<WriteView>,
    /// Why the last publish from this page was refused, shown once.
    pub refusal: Option<String>,
}

/// The publish form: a reason is needed only while pre-release items are open.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishForm {
    pub owner: String,
    pub repo: String,
    pub version: String,
    #[serde(default)]
    pub reason: String,
}

/// A refused publish, kept for the plan's page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishRefusal {
    pub version_id: i64,
    pub message: String,
}
