//! Evidence GitHub holds about a version's commit, judged: for each source (check runs, commit
//! statuses, workflow runs, code scanning, Dependabot, attestations of the release's files) a
//! state, a summary for people and the findings behind it. Reading GitHub is the server's;
//! judging what it said is here, so every rule has a unit test.

use std::collections::BTreeMap;

mod judge;
pub use judge::*;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Where evidence comes from. The first six are read from GitHub and kept as snapshots; the
/// next three are the synced tag, release and CHANGELOG.md the store keeps anyway; the last is
/// the release announcement a chat hook (Slack, Discord, Teams) accepted, which the sender
/// records.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    Checks,
    Statuses,
    WorkflowRuns,
    CodeScanning,
    Dependabot,
    Attestations,
    Release,
    Tag,
    Changelog,
    /// The release announcement reached a team chat through a chat hook.
    Announcement,
}

impl SourceKind {
    pub const ALL: [SourceKind; 10] = [
        SourceKind::Checks,
        SourceKind::Statuses,
        SourceKind::WorkflowRuns,
        SourceKind::CodeScanning,
        SourceKind::Dependabot,
        SourceKind::Attestations,
        SourceKind::Release,
        SourceKind::Tag,
        SourceKind::Changelog,
        SourceKind::Announcement,
    ];

    /// The sources read from GitHub for each open checklist.
    pub const FROM_GITHUB: [SourceKind; 6] = [
        SourceKind::Checks,
        SourceKind::Statuses,
        SourceKind::WorkflowRuns,
        SourceKind::CodeScanning,
        SourceKind::Dependabot,
        SourceKind::Attestations,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Checks => "checks",
            SourceKind::Statuses => "statuses",
            SourceKind::WorkflowRuns => "workflow_runs",
            SourceKind::CodeScanning => "code_scanning",
            SourceKind::Dependabot => "dependabot",
            SourceKind::Attestations => "attestations",
            SourceKind::Release => "release",
            SourceKind::Tag => "tag",
            SourceKind::Changelog => "changelog",
            SourceKind::Announcement => "announcement",
        }
    }

    pub fn parse(text: &str) -> Option<SourceKind> {
        SourceKind::ALL.into_iter().find(|k| k.as_str() == text)
    }

    /// What people call it.
    pub fn label(self) -> &'static str {
        match self {
            SourceKind::Checks => "Check runs",
            SourceKind::Statuses => "Commit statuses",
            SourceKind::WorkflowRuns => "Workflow runs",
            SourceKind::CodeScanning => "Code scanning",
            SourceKind::Dependabot => "Dependabot alerts",
            SourceKind::Attestations => "Attestations",
            SourceKind::Release => "GitHub release",
            SourceKind::Tag => "Git tag",
            SourceKind::Changelog => "CHANGELOG.md",
            SourceKind::Announcement => "Chat announcement",
        }
    }

    /// What a token needs to read the source, for the message of a source GitHub refused.
    pub fn permission(self) -> &'static str {
        match self {
            SourceKind::Checks => {
                "Checks: read (GitHub App), or a classic token with repo for a private \
                 repository; fine-grained tokens cannot read check runs"
            }
            SourceKind::Statuses => "Commit statuses: read, or a classic token with repo",
            SourceKind::WorkflowRuns => "Actions: read, or a classic token with repo",
            SourceKind::CodeScanning => {
                "Code scanning alerts: read (security_events for a classic token), with code \
                 scanning set up for the repository"
            }
            SourceKind::Dependabot => {
                "Dependabot alerts: read (security_events for a classic token), with Dependabot \
                 alerts turned on"
            }
            SourceKind::Attestations => "Attestations: read, or a classic token with repo",
            SourceKind::Release | SourceKind::Tag | SourceKind::Changelog => {
                "Contents: read (the same as syncing)"
            }
            // Never read from GitHub: the sender records what a chat hook accepted.
            SourceKind::Announcement => "nothing from GitHub: a Slack, Discord or Teams hook",
        }
    }
}

/// A source's verdict, and each finding's.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceState {
    Pass,
    Fail,
    /// Still running, or nothing reported yet.
    Pending,
    /// GitHub would not say: a feature that is off, or a token without the permission.
    Unavailable,
}

impl SourceState {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceState::Pass => "pass",
            SourceState::Fail => "fail",
            SourceState::Pending => "pending",
            SourceState::Unavailable => "unavailable",
        }
    }

    pub fn parse(text: &str) -> Option<SourceState> {
        [
            SourceState::Pass,
            SourceState::Fail,
            SourceState::Pending,
            SourceState::Unavailable,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }

    /// The state of findings together: any failure fails, anything still running is pending.
    fn of_all(findings: &[Finding]) -> SourceState {
        let states: Vec<SourceState> = findings.iter().map(|f| f.state).collect();
        if states.contains(&SourceState::Fail) {
            SourceState::Fail
        } else if states.contains(&SourceState::Pending) || states.is_empty() {
            SourceState::Pending
        } else {
            SourceState::Pass
        }
    }
}

/// One thing a source found: a check run, a status, a workflow run, an alert, a file.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    #[cfg_attr(feature = "ssr", schema(example = "test (ubuntu-latest)"))]
    pub name: String,
    pub state: SourceState,
    /// What it says: a conclusion, a status's description, an alert's rule.
    pub note: String,
    /// Its page on GitHub; empty when there is none.
    pub url: String,
    /// For a file: the kinds of its attestations (`provenance`, `sbom`, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kinds: Vec<String>,
}

impl Finding {
    fn new(
        name: impl Into<String>,
        state: SourceState,
        note: impl Into<String>,
        url: &str,
    ) -> Self {
        Finding {
            name: name.into(),
            state,
            note: note.into(),
            url: url.to_owned(),
            kinds: Vec::new(),
        }
    }
}

/// A source as read at one moment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reading {
    pub kind: SourceKind,
    pub state: SourceState,
    pub summary: String,
    /// Where a person sees it on GitHub.
    pub url: String,
    pub findings: Vec<Finding>,
}

impl Reading {
    /// GitHub refused (403) or does not have (404) the source: a feature that is off or a
    /// token without the permission. Never a failure of the checklist.
    pub fn unavailable(kind: SourceKind, why: &str, url: &str) -> Reading {
        Reading {
            kind,
            state: SourceState::Unavailable,
            summary: format!("{why}; reading it needs {}", kind.permission()),
            url: url.to_owned(),
            findings: Vec::new(),
        }
    }

    /// The same verdict as `other`: a refresh that finds this keeps the older snapshot.
    pub fn agrees_with(&self, other: &Reading) -> bool {
        self.kind == other.kind
            && self.state == other.state
            && self.summary == other.summary
            && self.findings == other.findings
    }

    /// Only less of what `older` said: CI runs GitHub has since deleted (it keeps check runs,
    /// statuses and workflow runs for a limited time) are not news, so the older snapshot
    /// stands. Alerts that are gone were closed, which is news.
    pub fn forgets(&self, older: &Reading) -> bool {
        let ci = matches!(
            self.kind,
            SourceKind::Checks | SourceKind::Statuses | SourceKind::WorkflowRuns
        );
        ci && self.kind == older.kind
            && self.findings.len() < older.findings.len()
            && self.findings.iter().all(|f| older.findings.contains(f))
    }

    /// Whether a refresh that read this keeps it: it says something `newest` did not.
    pub fn is_news_after(&self, newest: Option<&Reading>) -> bool {
        newest.is_none_or(|newest| !self.agrees_with(newest) && !self.forgets(newest))
    }
}

/// A reading as kept: when it was captured, and its row when stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    pub id: Option<i64>,
    pub reading: Reading,
    pub captured_at: DateTime<Utc>,
}

/// The newest snapshot of each source for one version.
pub type Snapshots = BTreeMap<SourceKind, Snapshot>;

#[cfg(test)]
mod tests;
