//! Evidence as the version page and `GET .../versions/{version}/evidence` show it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::evidence::{Finding, Reading, SourceKind, SourceState};

/// One source's reading.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceView {
    pub kind: SourceKind,
    pub state: SourceState,
    #[cfg_attr(feature = "ssr", schema(example = "12 checks passed"))]
    pub summary: String,
    /// Where a person sees it on GitHub.
    pub url: String,
    /// When it was read (for the tag, release and CHANGELOG.md: when that data came to be).
    pub captured_at: DateTime<Utc>,
    /// The findings behind the summary: each check, status, run, alert or file.
    pub detail: Vec<Finding>,
}

impl SourceView {
    pub fn of(reading: &Reading, captured_at: DateTime<Utc>) -> SourceView {
        SourceView {
            kind: reading.kind,
            state: reading.state,
            summary: reading.summary.clone(),
            url: reading.url.clone(),
            captured_at,
            detail: reading.findings.clone(),
        }
    }
}

/// Every source of a version's commit.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceView {
    #[cfg_attr(feature = "ssr", schema(example = "3.1.0"))]
    pub version: String,
    #[cfg_attr(feature = "ssr", schema(example = "v3.1.0"))]
    pub tag: String,
    /// The tag's commit, whose evidence this is.
    pub commit_sha: Option<String>,
    /// The newest reading of each source.
    pub sources: Vec<SourceView>,
    /// Older readings that said otherwise, newest first: what GitHub said before, kept.
    pub earlier: Vec<SourceView>,
}

/// An item ticked by evidence: the source that proved it and when that was read.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verified {
    pub kind: SourceKind,
    pub captured_at: DateTime<Utc>,
}
