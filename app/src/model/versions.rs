//! One version as its page and the REST API show it, and comparisons between versions.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::{support::VersionCheck, version::Channel};

/// A standing withdrawal, as pages and the API show it.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WithdrawalInfo {
    pub reason: String,
    pub superseded_by: Option<String>,
    pub withdrawn_by: String,
    pub withdrawn_at: DateTime<Utc>,
}

/// A file attached to a release.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Asset {
    #[cfg_attr(feature = "ssr", schema(example = "orbit-linux-amd64.tar.gz"))]
    pub name: String,
    /// Bytes.
    pub size: i64,
    pub content_type: String,
    pub download_url: String,
    pub download_count: i64,
    /// `sha256:...`, as GitHub gives it: what the file's attestations name.
    #[cfg_attr(
        feature = "ssr",
        schema(
            example = "sha256:2151b604e3429bff440b9fbc03eb3617bc2603cda96c95b9bb05277f9ddba255"
        )
    )]
    pub digest: Option<String>,
}

/// A withdrawal the maintainer asked for and was refused, with what they typed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WithdrawalRefusal {
    /// The repository and version it was about.
    pub repository_id: i64,
    pub version: String,
    pub message: String,
    pub reason: String,
    pub superseded_by: String,
}

/// A version's page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionPage {
    pub owner: String,
    pub name: String,
    pub tag: String,
    pub version: String,
    pub channel: Channel,
    pub line: String,
    pub released_at: Option<DateTime<Utc>>,
    pub title: String,
    /// The release notes as written (Markdown), for the REST API: the page shows only the
    /// HTML, so the Markdown never crosses to the browser in the hydration data.
    #[serde(skip)]
    pub notes_markdown: String,
    /// The release notes as shown (sanitised HTML).
    pub notes_html: String,
    /// The version's section of the repository's CHANGELOG.md.
    pub changelog: Option<ChangelogSection>,
    /// The GitHub release page; empty for a bare tag.
    pub html_url: String,
    /// The release's files, by name.
    pub assets: Vec<Asset>,
    pub has_release: bool,
    pub check: VersionCheck,
    pub withdrawal: Option<WithdrawalInfo>,
    pub previous: Option<String>,
    pub next: Option<String>,
    pub generated_at: DateTime<Utc>,
    /// The caller maintains the repository: the page offers to withdraw or restore.
    pub maintainer: bool,
    /// A withdrawal of this version just refused, shown once.
    pub refusal: Option<WithdrawalRefusal>,
    /// Why the last publish from this page was refused (maintainers), shown once.
    pub publish_refusal: Option<String>,
    /// Incidents that affect this version: a banner on its page for the open ones, a notice
    /// with the fix for the resolved ones.
    pub incidents: crate::model::incidents::Affecting,
    /// The site's address for absolute links (the badge's Markdown); empty when not known.
    pub site: String,
    /// What GitHub said about the version's commit, as kept.
    pub evidence: Option<crate::model::evidence::EvidenceView>,
}

/// One version in a comparison: what changed in it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComparedVersion {
    pub tag: String,
    pub channel: Channel,
    pub released_at: Option<DateTime<Utc>>,
    pub title: String,
    pub notes_html: String,
    /// The version's section of the repository's CHANGELOG.md, as shown.
    pub changelog_html: Option<String>,
    pub withdrawn: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comparison {
    pub owner: String,
    pub name: String,
    pub from: String,
    pub to: String,
    /// Every version after `from` up to and including `to`, oldest first: the upgrade's reading
    /// order.
    pub versions: Vec<ComparedVersion>,
    pub generated_at: DateTime<Utc>,
}

/// Names a version of a repository, as a tag or a version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionRef {
    pub owner: String,
    pub repo: String,
    pub version: String,
}

/// Two versions to compare, as `FROM...TO`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompareRef {
    pub owner: String,
    pub repo: String,
    pub range: String,
}

/// The version page's withdraw form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WithdrawForm {
    pub owner: String,
    pub repo: String,
    pub version: String,
    pub reason: String,
    pub superseded_by: String,
}

/// A version's section of CHANGELOG.md: as shown (sanitised HTML), and as written (Markdown)
/// for the REST API only, never sent to the browser.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangelogSection {
    #[serde(skip)]
    pub markdown: String,
    pub html: String,
}
