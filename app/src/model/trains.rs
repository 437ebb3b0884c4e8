//! A release train as its page shows it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::{train::Promotion, version::Channel};

/// Names a train of a repository: `x.y.z`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrainRef {
    pub owner: String,
    pub repo: String,
    pub train: String,
}

/// One stage of the train.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageView {
    pub tag: String,
    pub channel: Channel,
    pub released_at: Option<DateTime<Utc>>,
    /// How long it soaked before the next stage (or until now), in words.
    pub soak: Option<String>,
    pub soaking: bool,
}

/// An incident opened while the train ran.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrainIncident {
    pub id: i64,
    pub title: String,
    pub created_at: DateTime<Utc>,
}

/// `/{owner}/{repo}/trains/{x.y.z}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrainPage {
    pub owner: String,
    pub name: String,
    /// `x.y.z`.
    pub train: String,
    pub stages: Vec<StageView>,
    pub incidents: Vec<TrainIncident>,
    /// The last release candidate and the stable release compared, when both exist.
    pub candidate: Option<String>,
    pub stable: Option<String>,
    pub promotion: Promotion,
}
