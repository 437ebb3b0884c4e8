//! Subscriptions and outgoing hooks as pages and the REST API show them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The subscribe form: an address, topics and lines ticked (checkbox values).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscribeForm {
    pub email: String,
    #[serde(default)]
    pub topics: Vec<String>,
    #[serde(default)]
    pub lines: Vec<String>,
}

/// A subscription as the holder of its link sees it (the manage page).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriptionView {
    pub owner: String,
    pub repo: String,
    pub email: String,
    pub topics: Vec<String>,
    pub lines: Vec<String>,
    pub confirmed: bool,
    pub unsubscribed: bool,
    /// The lines the repository has, to choose from.
    pub known_lines: Vec<String>,
}

/// How many confirmed subscribers each topic has: what maintainers see of subscribers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicCount {
    pub topic: String,
    pub label: String,
    pub subscribers: i64,
}

/// An outgoing webhook as maintainers see it; the secret is never shown again.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HookView {
    pub id: i64,
    pub url: String,
    pub events: Vec<String>,
    pub format: String,
    pub active: bool,
    /// Why it was turned off, when failures did it.
    pub disabled_reason: Option<String>,
    pub failures: i64,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

/// One delivery in a hook's log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryView {
    pub id: i64,
    /// Sent as `X-ReleaseDesk-Delivery`; the same on every attempt.
    pub delivery: String,
    /// The event's key (`release:3.1.0`).
    pub event: Option<String>,
    /// `pending`, `sent`, `failed` or `dropped`.
    pub state: String,
    pub attempts: i64,
    pub created_at: DateTime<Utc>,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub last_status: Option<i64>,
    pub last_error: Option<String>,
}

/// The hooks page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HooksPage {
    pub owner: String,
    pub name: String,
    pub hooks: Vec<(HookView, Vec<DeliveryView>)>,
    pub subscribers: Vec<TopicCount>,
}

/// A hook as it is made or changed. Missing fields of a change keep their value.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HookInput {
    pub url: Option<String>,
    pub events: Option<Vec<String>>,
    pub secret: Option<String>,
    pub format: Option<String>,
    pub active: Option<bool>,
}

/// A mail in the local outbox (no SMTP server set).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxMail {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    pub headers: String,
    pub text: String,
    pub created_at: DateTime<Utc>,
}

/// A subscribe or manage form refused: kept in the session for the page a plain form post
/// returns to, with what was typed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotifyRefusal {
    /// The page it is for: `subscribe:{owner}/{repo}` or `manage:{token}`.
    pub place: String,
    pub message: String,
    pub fields: std::collections::BTreeMap<String, String>,
    pub form: SubscribeForm,
}

/// The subscribe page of a repository.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscribePage {
    pub owner: String,
    pub name: String,
    /// The repository's lines, newest first, to choose from.
    pub known_lines: Vec<String>,
    /// A refused post, with what was typed.
    pub refusal: Option<NotifyRefusal>,
}

/// A page reached from a link in a mail: confirm, manage or unsubscribe.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkPage {
    pub subscription: SubscriptionView,
    pub refusal: Option<NotifyRefusal>,
}

/// Which page of a mail's link.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkRef {
    /// `confirm`, `manage` or `unsubscribe`.
    pub purpose: String,
    pub token: String,
}

/// Names a hook of a repository (the hooks page's buttons); `active` is the switch's new value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HookRef {
    pub owner: String,
    pub repo: String,
    #[serde(deserialize_with = "crate::model::form::number")]
    pub id: i64,
    /// `on`, `off`, `delete`; or a delivery's id to send again.
    pub change: String,
}

/// The new-hook form: one checkbox per event topic, `on` when ticked.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewHookForm {
    pub owner: String,
    pub repo: String,
    pub url: String,
    pub secret: String,
    pub format: String,
    pub releases: Option<String>,
    pub prereleases: Option<String>,
    pub incidents: Option<String>,
    pub withdrawals: Option<String>,
    pub eol: Option<String>,
}

impl NewHookForm {
    /// The topics ticked, by their names.
    pub fn events(&self) -> Vec<String> {
        let ticked = |field: &Option<String>| field.as_deref().is_some_and(|v| !v.is_empty());
        [
            (&self.releases, "releases"),
            (&self.prereleases, "prereleases"),
            (&self.incidents, "incidents"),
            (&self.withdrawals, "withdrawals"),
            (&self.eol, "eol"),
        ]
        .into_iter()
        .filter(|(field, _)| ticked(field))
        .map(|(_, name)| name.to_owned())
        .collect()
    }
}
