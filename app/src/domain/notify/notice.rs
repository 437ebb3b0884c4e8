//! What people are told of: one notice per event, kept as the event's payload when it happens,
//! so every recipient (and every retry) gets the same words.

use serde::{Deserialize, Serialize};

/// A topic people subscribe to, and a hook's events.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Topic {
    /// Stable releases.
    Releases,
    Prereleases,
    /// Incidents published, each update, resolved.
    Incidents,
    Withdrawals,
    /// 30, 7 and 1 days before a line's end of full support and end of life.
    Eol,
}

/// Where an incident stands when people are told.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IncidentStage {
    Published,
    Updated,
    Resolved,
}

/// Which end of a line's support comes near.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SupportEnd {
    /// The end of full support: security fixes only after it.
    FullSupport,
    /// The end of life: no fixes at all after it.
    Life,
}

/// One event as its recipients see it. Text fields are Markdown as maintainers typed them;
/// `*_html` fields were rendered and sanitised as on the page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Notice {
    Release {
        version: String,
        prerelease: bool,
        /// The release's title; may be empty.
        name: String,
        notes: String,
        notes_html: String,
        /// YYYY-MM-DD.
        released_on: String,
    },
    Incident {
        id: i64,
        stage: IncidentStage,
        title: String,
        /// `minor`, `major` or `critical`.
        severity: String,
        /// The template's words: `Investigating`, `Fix in progress` or `Resolved`.
        status: String,
        issue: String,
        impact: String,
        workaround: String,
        timeline: String,
        action: String,
        /// The affected versions as typed (`>=2.1.0, <2.1.3`).
        affected: String,
        fixed_in: Option<String>,
        /// The update that caused this notice, when it is one.
        update: Option<String>,
    },
    Withdrawal {
        version: String,
        reason: String,
        superseded_by: Option<String>,
    },
    EndOfSupport {
        /// `2.x`.
        line: String,
        end: SupportEnd,
        /// YYYY-MM-DD: the first day without it.
        date: String,
        days_left: i64,
    },
}

/// A notice with what every rendering needs around it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// `owner/name`.
    pub repository: String,
    /// The page the notice is about, as an absolute address.
    pub url: String,
    pub notice: Notice,
}
