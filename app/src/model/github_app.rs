//! The GitHub App set-up page: the App this server acts as, its installations, and the
//! manifest form that registers one.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The set-up page's query: who is to own the App and what it is called.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetupQuery {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub organization: Option<String>,
}

/// The App as the page shows it: never a secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppSummary {
    pub app_id: i64,
    pub slug: String,
    pub name: String,
    pub owner_login: String,
    pub html_url: String,
    pub client_id: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstallationSummary {
    pub id: i64,
    pub account_login: String,
    /// How many repositories it syncs.
    pub repositories: i64,
    pub removed: bool,
}

/// The manifest form, ready to post to GitHub; absent when the form's fields are wrong.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestForm {
    /// GitHub's page that takes the manifest.
    pub action: String,
    /// Its origin, which the page's security policy lets the form post to.
    pub origin: String,
    /// The manifest, as JSON text.
    pub manifest: String,
    pub owner: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetupPage {
    pub app: Option<AppSummary>,
    pub installations: Vec<InstallationSummary>,
    /// The form as typed (the default name when nothing was).
    pub name: String,
    pub organization: String,
    pub form: Result<ManifestForm, String>,
    pub permissions: Vec<(String, String)>,
    pub webhook_url: String,
    /// How the last set-up went, shown once.
    pub outcome: Option<SetupOutcome>,
}

/// What the callback from GitHub left for the page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetupOutcome {
    pub done: bool,
    pub message: String,
}
