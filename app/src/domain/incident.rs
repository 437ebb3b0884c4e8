//! Incident notices (PRODUCT.md §4): the communication template's fields and their checks,
//! affected-version ranges, the rollback rule's 2-hour mark, and which maintained lines still
//! need a backport of the fix.

use std::{cmp::Ordering, fmt};

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::{support::Release, version::Line};

/// Where an incident stands.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema), schema(as = IncidentStatus))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Investigating,
    FixInProgress,
    Resolved,
}

impl Status {
    pub const ALL: [Status; 3] = [
        Status::Investigating,
        Status::FixInProgress,
        Status::Resolved,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Investigating => "investigating",
            Status::FixInProgress => "fix_in_progress",
            Status::Resolved => "resolved",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Investigating => "Investigating",
            Status::FixInProgress => "Fix in progress",
            Status::Resolved => "Resolved",
        }
    }

    pub fn parse(text: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
/// Ordered from least to most severe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Minor,
    Major,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 3] = [Severity::Minor, Severity::Major, Severity::Critical];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Minor => "minor",
            Severity::Major => "major",
            Severity::Critical => "critical",
        }
    }

    pub fn parse(text: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// One bound of a range: `>=1.4.0`, `<1.4.3`, `=1.4.1`.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Bound {
    op: &'static str,
    version: semver::Version,
}

/// The versions an incident affects: bounds joined by commas, all of which must hold, compared
/// by SemVer precedence (so `<1.4.3` includes `1.4.3-rc.1`, as users expect).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AffectedRange {
    bounds: Vec<Bound>,
}

impl AffectedRange {
    /// Reads `>=1.4.0, <1.4.3`; a bare version means exactly that one. A leading `v` is fine.
    pub fn parse(text: &str) -> Result<AffectedRange, String> {
        let mut bounds = Vec::new();
        for part in text.split(',').map(str::trim) {
            if part.is_empty() {
                return Err(format!(
                    "'{text}' has an empty part; write bounds joined by commas, e.g. >=1.4.0, <1.4.3"
                ));
            }
            let op = [">=", "<=", ">", "<", "="]
                .into_iter()
                .find(|op| part.starts_with(op))
                .unwrap_or("=");
            let number = part.strip_prefix(op).unwrap_or(part).trim();
            let number = number.strip_prefix('v').unwrap_or(number);
            let version = semver::Version::parse(number).map_err(|_| {
                format!(
                    "'{part}' is not a bound; write an operator (>=, >, <=, <, =) and a full \
                     version such as 1.4.0"
                )
            })?;
            bounds.push(Bound { op, version });
        }
        if bounds.len() > 10 {
            return Err("at most 10 bounds".to_owned());
        }
        Ok(AffectedRange { bounds })
    }

    pub fn contains(&self, version: &semver::Version) -> bool {
        self.bounds.iter().all(|bound| {
            let order = version.cmp_precedence(&bound.version);
            match bound.op {
                ">=" => order != Ordering::Less,
                ">" => order == Ordering::Greater,
                "<=" => order != Ordering::Greater,
                "<" => order == Ordering::Less,
                _ => order == Ordering::Equal,
            }
        })
    }
}

impl fmt::Display for AffectedRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self
            .bounds
            .iter()
            .map(|b| match b.op {
                "=" => b.version.to_string(),
                op => format!("{op}{}", b.version),
            })
            .collect();
        f.write_str(&parts.join(", "))
    }
}

/// At most this many characters in the title, and in each other text field.
pub const MAX_TITLE: usize = 200;
pub const MAX_TEXT: usize = 20_000;

/// The form's fields as typed (the REST API sends the same names).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentInput {
    pub title: String,
    pub issue: String,
    pub impact: String,
    pub status: String,
    pub workaround: String,
    pub timeline: String,
    pub action: String,
    pub severity: String,
    pub affected: String,
    pub fixed_in: String,
}

/// The fields once checked. Text is kept exactly as typed: Markdown, rendered through the
/// sanitiser when shown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidIncident {
    pub title: String,
    pub issue: String,
    pub impact: String,
    pub status: Status,
    pub workaround: String,
    pub timeline: String,
    pub action: String,
    pub severity: Severity,
    pub affected: AffectedRange,
    pub fixed_in: Option<semver::Version>,
}

/// Checks every field and names each mistake. Whether `fixed_in` was released is for the
/// caller, who can see the repository.
pub fn validate(input: &IncidentInput) -> Result<ValidIncident, Vec<(&'static str, String)>> {
    let mut problems = Vec::new();
    let title = input.title.trim();
    if title.is_empty() {
        problems.push(("title", "give the incident a title".to_owned()));
    } else if title.chars().count() > MAX_TITLE {
        problems.push((
            "title",
            format!("keep the title under {MAX_TITLE} characters"),
        ));
    } else if title.contains(['\n', '\r']) {
        problems.push(("title", "keep the title on one line".to_owned()));
    }
    if input.issue.trim().is_empty() {
        problems.push(("issue", "say briefly what went wrong".to_owned()));
    }
    for (field, text) in [
        ("issue", &input.issue),
        ("impact", &input.impact),
        ("workaround", &input.workaround),
        ("timeline", &input.timeline),
        ("action", &input.action),
    ] {
        if text.chars().count() > MAX_TEXT {
            problems.push((field, format!("keep this under {MAX_TEXT} characters")));
        }
    }
    let status = Status::parse(input.status.trim());
    if status.is_none() {
        problems.push((
            "status",
            format!(
                "'{}' is not a status; use investigating, fix_in_progress or resolved",
                input.status
            ),
        ));
    }
    let severity = Severity::parse(input.severity.trim());
    if severity.is_none() {
        problems.push((
            "severity",
            format!(
                "'{}' is not a severity; use minor, major or critical",
                input.severity
            ),
        ));
    }
    let affected = match input.affected.trim() {
        "" => {
            problems.push((
                "affected",
                "name the affected versions, e.g. >=1.4.0, <1.4.3".to_owned(),
            ));
            None
        }
        text => AffectedRange::parse(text)
            .map_err(|err| problems.push(("affected", err)))
            .ok(),
    };
    let fixed_in = match input.fixed_in.trim() {
        "" => None,
        text => {
            let number = text.strip_prefix('v').unwrap_or(text);
            match semver::Version::parse(number) {
                Ok(version) => Some(version),
                Err(_) => {
                    problems.push((
                        "fixed_in",
                        format!("'{text}' is not a version such as 1.4.3"),
                    ));
                    None
                }
            }
        }
    };
    if let (Some(range), Some(fixed)) = (&affected, &fixed_in) {
        if range.contains(fixed) {
            problems.push((
                "fixed_in",
                format!("{fixed} is itself in the affected range {range}"),
            ));
        }
    }
    match (status, severity, affected) {
        (Some(status), Some(severity), Some(affected)) if problems.is_empty() => {
            Ok(ValidIncident {
                title: title.to_owned(),
                issue: input.issue.clone(),
                impact: input.impact.clone(),
                status,
                workaround: input.workaround.clone(),
                timeline: input.timeline.clone(),
                action: input.action.clone(),
                severity,
                affected,
                fixed_in,
            })
        }
        _ => Err(problems),
    }
}

/// The rollback rule: a fix within 2 hours of opening ships as a patch; after that, the bad
/// release is withdrawn.
pub const QUICK_FIX: Duration = Duration::hours(2);

/// Where an incident stands against the 2-hour mark.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RollbackClock {
    pub elapsed_minutes: i64,
    /// Still within the quick-fix window.
    pub quick_fix_possible: bool,
    /// "1 h 25 min since the incident opened: 35 min left to ship a patch".
    pub words: String,
}

/// The clock from `opened_at` to `now` (or to `resolved_at`, once resolved).
pub fn rollback_clock(
    opened_at: DateTime<Utc>,
    resolved_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> RollbackClock {
    let end = resolved_at.unwrap_or(now);
    let elapsed = (end - opened_at).max(Duration::zero());
    let quick_fix_possible = elapsed < QUICK_FIX;
    let span = |d: Duration| {
        let minutes = d.num_minutes();
        match (minutes / 60, minutes % 60) {
            (0, m) => format!("{m} min"),
            (h, 0) if h < 48 => format!("{h} h"),
            (h, m) if h < 48 => format!("{h} h {m} min"),
            (h, _) => format!("{} days", h / 24),
        }
    };
    let words = match (resolved_at, quick_fix_possible) {
        (Some(_), true) => format!(
            "Resolved {} after opening, within the 2-hour mark",
            span(elapsed)
        ),
        (Some(_), false) => format!(
            "Resolved {} after opening, past the 2-hour mark",
            span(elapsed)
        ),
        (None, true) => format!(
            "{} since the incident opened: {} left to ship a patch",
            span(elapsed),
            span(QUICK_FIX - elapsed)
        ),
        (None, false) => format!(
            "{} since the incident opened: past the 2-hour mark, so withdraw the bad release \
             and point users to a good one",
            span(elapsed)
        ),
    };
    RollbackClock {
        elapsed_minutes: elapsed.num_minutes(),
        quick_fix_possible,
        words,
    }
}

/// A maintained line and the release that patched it, if one did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Backport {
    pub line: Line,
    pub patched_by: Option<String>,
}

/// A release as hotfix tracking sees it: its line, version and day.
pub type LineRelease = (Line, semver::Version, Option<chrono::NaiveDate>);

/// The maintained lines that had an affected release, other than the fixing version's own,
/// each with its first release since the incident opened: the patched release, once there is
/// one.
pub fn backports(
    affected: &AffectedRange,
    fixed_line: Line,
    maintained: &[Line],
    releases: &[LineRelease],
    opened_on: chrono::NaiveDate,
) -> Vec<Backport> {
    maintained
        .iter()
        .filter(|line| **line != fixed_line)
        .filter(|line| {
            releases
                .iter()
                .any(|(l, v, _)| l == *line && affected.contains(v))
        })
        .map(|line| {
            let patched_by = releases
                .iter()
                .filter(|(l, _, on)| l == line && on.is_some_and(|on| on >= opened_on))
                .min_by(|a, b| a.1.cmp_precedence(&b.1))
                .map(|(_, v, _)| v.to_string());
            Backport {
                line: *line,
                patched_by,
            }
        })
        .collect()
}

/// The newest release in `range` that is not withdrawn: the one the rollback path withdraws.
pub fn newest_affected(range: &AffectedRange, releases: &[Release]) -> Option<String> {
    releases
        .iter()
        .filter(|r| range.contains(&r.version) && !r.withdrawn)
        .max_by(|a, b| a.version.cmp_precedence(&b.version))
        .map(|r| r.version.to_string())
}

/// True when the fixing version is out while the incident is still open: time to resolve it.
pub fn fix_released(status: Status, fixed: Option<&semver::Version>, releases: &[Release]) -> bool {
    status != Status::Resolved
        && fixed.is_some_and(|f| releases.iter().any(|r| r.version.cmp_precedence(f).is_eq()))
}

#[cfg(test)]
mod tests;
