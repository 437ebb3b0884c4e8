//! The support policy (PRODUCT.md §2) as rules, so that dates are computed, never typed:
//!
//! 1. A line starts on the release date of its first stable version.
//! 2. The newest line has full support.
//! 3. When the next line starts, a line gets security fixes only, for `security_months`.
//! 4. Only `supported_lines` lines are ever supported: when that many newer lines have started,
//!    a line is end of life at once. For the default two lines:
//!    `eol(X) = min(start(X+1) + 6 months, start(X+2))`.
//! 5. Pre-releases and withdrawn versions are never supported.
//! 6. Within a line only its latest stable version is recommended.
//! 7. Months are calendar months (Aug 31 + 6 months = the last day of February); dates are
//!    UTC; a line is end of life from its `eol` date on.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::{
    incident::LineRelease,
    version::{Channel, Line},
};

/// A repository's policy settings.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    pub security_months: u32,
    pub supported_lines: usize,
    /// The 0.x rule: each `0.y` is its own line.
    pub zero_major_lines: bool,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            security_months: 6,
            supported_lines: 2,
            zero_major_lines: true,
        }
    }
}

#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    Full,
    Security,
    Eol,
}

/// A released version as the policy sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Release {
    pub version: semver::Version,
    /// The release date (UTC); `None` when unknown, and then it cannot start a line.
    pub released_on: Option<NaiveDate>,
    pub withdrawn: bool,
}

/// One line's window, with the rule behind each date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineSupport {
    pub line: Line,
    pub started: NaiveDate,
    /// End of full support: the next line's start.
    pub eoas: Option<NaiveDate>,
    /// The first unsupported day.
    pub eol: Option<NaiveDate>,
    pub phase: Phase,
    /// The latest stable, not withdrawn version: the one to recommend.
    pub latest: Option<semver::Version>,
    pub latest_released: Option<NaiveDate>,
    pub explanation: String,
}

/// A line's latest stable, not withdrawn version and its release date.
type Recommended = (semver::Version, Option<NaiveDate>);

/// Every started line, newest first, with its phase on `today`. Lines with no stable release
/// (only pre-releases) have not started and are left out.
pub fn support_windows(
    releases: &[Release],
    policy: &Policy,
    today: NaiveDate,
) -> Vec<LineSupport> {
    // Each line's first stable release date, and its latest recommendable version.
    let mut lines: Vec<(Line, NaiveDate, Option<Recommended>)> = Vec::new();
    for release in releases {
        if Channel::of(&release.version) != Channel::Stable {
            continue;
        }
        let line = Line::of(&release.version, policy.zero_major_lines);
        let index = match lines.iter().position(|(l, ..)| *l == line) {
            Some(index) => index,
            None => match release.released_on {
                Some(day) => {
                    lines.push((line, day, None));
                    lines.len() - 1
                }
                None => continue,
            },
        };
        let entry = &mut lines[index];
        if let Some(day) = release.released_on {
            entry.1 = entry.1.min(day);
        }
        let newer = entry
            .2
            .as_ref()
            .is_none_or(|(v, _)| release.version.cmp_precedence(v).is_gt());
        if !release.withdrawn && newer {
            entry.2 = Some((release.version.clone(), release.released_on));
        }
    }
    lines.sort_by_key(|(line, ..)| *line);

    let starts: Vec<NaiveDate> = lines.iter().map(|(_, start, _)| *start).collect();
    let mut windows: Vec<LineSupport> = lines
        .into_iter()
        .enumerate()
        .map(|(i, (line, started, latest))| {
            // Newer lines by version, in the order they started: a newer line may have started
            // before an older one (a 0.y line released after 1.0, say).
            let mut newer = starts[i + 1..].to_vec();
            newer.sort_unstable();
            let next = newer.first().copied();
            let displaced = newer.get(policy.supported_lines.max(1) - 1).copied();
            let security_end =
                next.and_then(|d| d.checked_add_months(Months::new(policy.security_months)));
            let eol = match (security_end, displaced) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            // Full support ends when the next line starts; end of life never comes earlier.
            let eoas = next;
            let phase = match (eoas, eol) {
                (_, Some(eol)) if today >= eol => Phase::Eol,
                (Some(eoas), _) if today >= eoas => Phase::Security,
                _ => Phase::Full,
            };
            let explanation = explain(policy, next, security_end, displaced, eol);
            let (latest, latest_released) = match latest {
                Some((v, d)) => (Some(v), d),
                None => (None, None),
            };
            LineSupport {
                line,
                started,
                eoas,
                eol,
                phase,
                latest,
                latest_released,
                explanation,
            }
        })
        .collect();
    windows.reverse();
    windows
}

fn explain(
    policy: &Policy,
    next: Option<NaiveDate>,
    security_end: Option<NaiveDate>,
    displaced: Option<NaiveDate>,
    eol: Option<NaiveDate>,
) -> String {
    let Some(next) = next else {
        return "The newest line, so it has full support.".to_owned();
    };
    let months = policy.security_months;
    match (eol, displaced) {
        (Some(eol), Some(displaced)) if eol == displaced && Some(eol) != security_end => format!(
            "Full support until the next line started on {next}; end of life on {eol}, when \
             {} newer lines had started, since only that many are supported at once (its \
             {months} months of security fixes had not run out yet).",
            policy.supported_lines
        ),
        (Some(eol), _) => format!(
            "Full support until the next line started on {next}; then security fixes only for \
             {months} months, until {eol}."
        ),
        (None, _) => format!("Full support until the next line started on {next}."),
    }
}

/// What a version check answers (PRODUCT.md §2).
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckPhase {
    Full,
    Security,
    Eol,
    Prerelease,
    Withdrawn,
    /// A valid version this repository never released.
    Unknown,
}

#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionCheck {
    #[cfg_attr(feature = "ssr", schema(value_type = String, example = "2.3.1"))]
    pub version: semver::Version,
    pub line: String,
    pub phase: CheckPhase,
    pub eoas: Option<NaiveDate>,
    pub eol: Option<NaiveDate>,
    /// Days until end of life; 0 once it is reached.
    pub days_left: Option<i64>,
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>))]
    pub latest_in_line: Option<semver::Version>,
    /// The version to run: the line's latest while the line is supported, else the newest
    /// line's latest.
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>))]
    pub recommended: Option<semver::Version>,
    pub upgrade_recommended: bool,
}

/// Checks `version` against the repository's `releases` and their `windows` (as
/// [`support_windows`] computed them for `today`).
pub fn check_version(
    version: &semver::Version,
    releases: &[Release],
    windows: &[LineSupport],
    policy: &Policy,
    today: NaiveDate,
) -> VersionCheck {
    let line = Line::of(version, policy.zero_major_lines);
    let window = windows.iter().find(|w| w.line == line);
    let newest_supported = windows
        .iter()
        .find(|w| w.phase != Phase::Eol)
        .and_then(|w| w.latest.clone());
    let known = releases
        .iter()
        .find(|r| r.version.cmp_precedence(version).is_eq());
    let phase = match (known, window) {
        (None, _) => CheckPhase::Unknown,
        (Some(r), _) if r.withdrawn => CheckPhase::Withdrawn,
        (Some(_), _) if Channel::of(version) != Channel::Stable => CheckPhase::Prerelease,
        (Some(_), Some(w)) => match w.phase {
            Phase::Full => CheckPhase::Full,
            Phase::Security => CheckPhase::Security,
            Phase::Eol => CheckPhase::Eol,
        },
        (Some(_), None) => CheckPhase::Unknown,
    };
    let latest_in_line = window.and_then(|w| w.latest.clone());
    let recommended = match phase {
        CheckPhase::Full | CheckPhase::Security => latest_in_line.clone(),
        _ => newest_supported,
    };
    let upgrade_recommended = recommended
        .as_ref()
        .is_some_and(|r| r.cmp_precedence(version).is_gt());
    let eol = window.and_then(|w| w.eol);
    VersionCheck {
        version: version.clone(),
        line: line.to_string(),
        phase,
        eoas: window.and_then(|w| w.eoas),
        eol,
        days_left: eol.map(|eol| (eol - today).num_days().max(0)),
        latest_in_line,
        recommended,
        upgrade_recommended,
    }
}

/// The lines the policy still maintains (full support or security fixes), newest first.
pub fn maintained_lines(windows: &[LineSupport]) -> Vec<Line> {
    windows
        .iter()
        .filter(|w| w.phase != Phase::Eol)
        .map(|w| w.line)
        .collect()
}

/// The stable releases that are not withdrawn, each with its line: what hotfix tracking reads.
pub fn stable_line_releases(releases: &[Release], zero_major_lines: bool) -> Vec<LineRelease> {
    releases
        .iter()
        .filter(|r| !r.withdrawn && Channel::of(&r.version) == Channel::Stable)
        .map(|r| {
            (
                Line::of(&r.version, zero_major_lines),
                r.version.clone(),
                r.released_on,
            )
        })
        .collect()
}

#[cfg(test)]
mod tests;
