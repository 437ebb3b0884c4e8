//! A repository's settings as the settings page shows and edits them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The settings as the page shows and edits them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsValues {
    pub security_months: u32,
    pub supported_lines: usize,
    pub zero_major_lines: bool,
    pub tag_prefix: String,
    /// The product slug; empty for the repository's name.
    pub product: String,
    /// Withdrawals mark the GitHub release pre-release, with a warning on top of its notes.
    pub mirror_withdrawals: bool,
}

/// The settings page: the values to edit, and how the last submission went (shown once).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsPage {
    pub owner: String,
    pub name: String,
    pub values: SettingsValues,
    pub outcome: Option<Outcome>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    Saved,
    /// What was wrong, by field, and what was typed, so nothing is lost.
    Refused {
        problems: BTreeMap<String, String>,
        typed: SettingsValuesTyped,
    },
}

/// The form's fields as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsValuesTyped {
    pub security_months: String,
    pub supported_lines: String,
    pub zero_major_lines: bool,
    pub tag_prefix: String,
    pub product: String,
    pub mirror_withdrawals: bool,
}

/// The settings form's fields as posted: numbers as typed, the 0.x rule as a checkbox.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsForm {
    pub owner: String,
    pub repo: String,
    pub security_months: String,
    pub supported_lines: String,
    pub zero_major_lines: Option<String>,
    pub tag_prefix: String,
    pub product: String,
    /// A checkbox: present when ticked.
    #[serde(default)]
    pub mirror_withdrawals: Option<String>,
}
