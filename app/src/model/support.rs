//! The support page's data: every line's window and the version check.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::{
    support::{LineSupport, Policy, VersionCheck},
    timeline::Timeline,
};

/// Every line's support window, as the support page shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SupportOverview {
    pub owner: String,
    pub name: String,
    pub today: NaiveDate,
    pub policy: Policy,
    /// Newest line first.
    pub lines: Vec<LineSupport>,
    pub timeline: Timeline,
}

/// A version check with the open incidents that affect the version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckOutcome {
    pub check: VersionCheck,
    pub incidents: crate::model::incidents::Affecting,
}
