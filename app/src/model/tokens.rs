//! API tokens as the tokens page lists them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// An API token as the tokens page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRow {
    pub id: i64,
    pub label: String,
    pub scopes: String,
    pub hint: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// The tokens page: the repository's tokens, and the one just made, shown this once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tokens {
    pub owner: String,
    pub name: String,
    pub generated_at: DateTime<Utc>,
    pub tokens: Vec<TokenRow>,
    pub just_created: Option<String>,
}

/// The new-token form: a label and its scopes as checkboxes (`on` when ticked).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewTokenForm {
    pub owner: String,
    pub repo: String,
    pub label: String,
    pub checklists: Option<String>,
    pub incidents: Option<String>,
    #[serde(default)]
    pub releases: Option<String>,
}

/// Names a token of a repository.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRef {
    pub owner: String,
    pub repo: String,
    #[serde(deserialize_with = "crate::model::form::number")]
    pub id: i64,
}
