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

use super::version::{Channel, Line};

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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("test date")
    }

    fn release(version: &str, on: &str) -> Release {
        Release {
            version: semver::Version::parse(version).expect("version"),
            released_on: Some(day(on)),
            withdrawn: false,
        }
    }

    fn withdrawn(version: &str, on: &str) -> Release {
        Release {
            withdrawn: true,
            ..release(version, on)
        }
    }

    /// `(line, phase, eoas, eol)` of one line.
    type Row = (String, Phase, Option<String>, Option<String>);

    /// A [`Row`] per line, newest first.
    fn summary(releases: &[Release], policy: &Policy, today: &str) -> Vec<Row> {
        support_windows(releases, policy, day(today))
            .into_iter()
            .map(|w| {
                (
                    w.line.to_string(),
                    w.phase,
                    w.eoas.map(|d| d.to_string()),
                    w.eol.map(|d| d.to_string()),
                )
            })
            .collect()
    }

    fn row(line: &str, phase: Phase, eoas: Option<&str>, eol: Option<&str>) -> Row {
        (
            line.to_owned(),
            phase,
            eoas.map(str::to_owned),
            eol.map(str::to_owned),
        )
    }

    #[test]
    fn table() {
        let p = Policy::default();
        let cases: Vec<(&str, Vec<Release>, &str, Vec<Row>)> = vec![
            (
                "one major",
                vec![
                    release("1.0.0", "2025-01-10"),
                    release("1.1.0", "2025-03-01"),
                ],
                "2026-11-24",
                vec![row("1.x", Phase::Full, None, None)],
            ),
            (
                "two majors",
                vec![
                    release("1.0.0", "2025-01-10"),
                    release("2.0.0", "2026-09-01"),
                ],
                "2026-11-24",
                vec![
                    row("2.x", Phase::Full, None, None),
                    row(
                        "1.x",
                        Phase::Security,
                        Some("2026-09-01"),
                        Some("2027-03-01"),
                    ),
                ],
            ),
            (
                "three majors inside six months: the rank rule ends the oldest at once",
                vec![
                    release("1.0.0", "2026-01-10"),
                    release("2.0.0", "2026-05-01"),
                    release("3.0.0", "2026-07-01"),
                ],
                "2026-11-24",
                vec![
                    row("3.x", Phase::Full, None, None),
                    row(
                        "2.x",
                        Phase::Security,
                        Some("2026-07-01"),
                        Some("2027-01-01"),
                    ),
                    row("1.x", Phase::Eol, Some("2026-05-01"), Some("2026-07-01")),
                ],
            ),
            (
                "month-end clamping",
                vec![
                    release("1.0.0", "2025-01-10"),
                    release("2.0.0", "2026-08-31"),
                ],
                "2026-11-24",
                vec![
                    row("2.x", Phase::Full, None, None),
                    row(
                        "1.x",
                        Phase::Security,
                        Some("2026-08-31"),
                        Some("2027-02-28"),
                    ),
                ],
            ),
            (
                "month-end clamping in a leap year",
                vec![
                    release("1.0.0", "2025-01-10"),
                    release("2.0.0", "2027-08-31"),
                ],
                "2027-11-24",
                vec![
                    row("2.x", Phase::Full, None, None),
                    row(
                        "1.x",
                        Phase::Security,
                        Some("2027-08-31"),
                        Some("2028-02-29"),
                    ),
                ],
            ),
            (
                "0.x lines",
                vec![
                    release("0.1.0", "2026-01-01"),
                    release("0.2.0", "2026-06-01"),
                    release("0.2.3", "2026-07-01"),
                ],
                "2026-11-24",
                vec![
                    row("0.2.x", Phase::Full, None, None),
                    row(
                        "0.1.x",
                        Phase::Security,
                        Some("2026-06-01"),
                        Some("2026-12-01"),
                    ),
                ],
            ),
            (
                "a line with only pre-releases has not started",
                vec![
                    release("1.0.0", "2026-01-01"),
                    release("2.0.0-rc.1", "2026-10-01"),
                ],
                "2026-11-24",
                vec![row("1.x", Phase::Full, None, None)],
            ),
            (
                "today exactly on the eol date is end of life",
                vec![
                    release("1.0.0", "2025-01-10"),
                    release("2.0.0", "2026-05-24"),
                ],
                "2026-11-24",
                vec![
                    row("2.x", Phase::Full, None, None),
                    row("1.x", Phase::Eol, Some("2026-05-24"), Some("2026-11-24")),
                ],
            ),
            (
                "the day before is still security",
                vec![
                    release("1.0.0", "2025-01-10"),
                    release("2.0.0", "2026-05-24"),
                ],
                "2026-11-23",
                vec![
                    row("2.x", Phase::Full, None, None),
                    row(
                        "1.x",
                        Phase::Security,
                        Some("2026-05-24"),
                        Some("2026-11-24"),
                    ),
                ],
            ),
        ];
        for (name, releases, today, expected) in cases {
            assert_eq!(summary(&releases, &p, today), expected, "{name}");
        }
    }

    #[test]
    fn version_checks() {
        let releases = [
            release("1.0.0", "2025-01-10"),
            release("1.4.0", "2026-05-01"),
            release("2.0.0", "2026-09-01"),
            release("2.0.1", "2026-10-01"),
            withdrawn("2.0.2", "2026-10-15"),
            release("2.1.0-rc.1", "2026-11-01"),
        ];
        let policy = Policy::default();
        let today = day("2026-11-24");
        let windows = support_windows(&releases, &policy, today);
        let check = |v: &str| {
            check_version(
                &semver::Version::parse(v).expect("v"),
                &releases,
                &windows,
                &policy,
                today,
            )
        };

        let old_patch = check("2.0.0");
        assert_eq!(old_patch.phase, CheckPhase::Full);
        assert_eq!(
            old_patch.recommended.map(|v| v.to_string()).as_deref(),
            Some("2.0.1")
        );
        assert!(old_patch.upgrade_recommended);

        let security = check("1.0.0");
        assert_eq!(security.phase, CheckPhase::Security);
        assert_eq!(security.eol, Some(day("2027-03-01")));
        assert_eq!(security.days_left, Some(97));
        assert_eq!(
            security.recommended.map(|v| v.to_string()).as_deref(),
            Some("1.4.0")
        );

        assert!(!check("2.0.1").upgrade_recommended);
        assert_eq!(check("2.1.0-rc.1").phase, CheckPhase::Prerelease);
        assert_eq!(check("2.0.2").phase, CheckPhase::Withdrawn);
        let unknown = check("9.9.9");
        assert_eq!(unknown.phase, CheckPhase::Unknown);
        assert_eq!(
            unknown.recommended.map(|v| v.to_string()).as_deref(),
            Some("2.0.1")
        );
    }

    #[test]
    fn without_the_zero_rule_all_of_0_x_is_one_line() {
        let p = Policy {
            zero_major_lines: false,
            ..Policy::default()
        };
        let releases = [
            release("0.1.0", "2026-01-01"),
            release("0.2.0", "2026-06-01"),
        ];
        assert_eq!(
            summary(&releases, &p, "2026-11-24"),
            vec![row("0.x", Phase::Full, None, None)]
        );
    }

    #[test]
    fn withdrawn_versions_are_never_recommended() {
        let releases = [
            release("1.0.0", "2026-01-01"),
            release("1.0.1", "2026-02-01"),
            withdrawn("1.0.2", "2026-03-01"),
            release("1.1.0-rc.1", "2026-04-01"),
        ];
        let windows = support_windows(&releases, &Policy::default(), day("2026-11-24"));
        assert_eq!(
            windows[0]
                .latest
                .as_ref()
                .map(ToString::to_string)
                .as_deref(),
            Some("1.0.1")
        );
        assert_eq!(windows[0].started, day("2026-01-01"));
    }

    #[test]
    fn every_date_is_explained_by_its_rule() {
        let releases = [
            release("1.0.0", "2026-01-10"),
            release("2.0.0", "2026-05-01"),
            release("3.0.0", "2026-07-01"),
        ];
        let windows = support_windows(&releases, &Policy::default(), day("2026-11-24"));
        assert!(windows[0].explanation.contains("newest line"));
        assert!(windows[1]
            .explanation
            .contains("security fixes only for 6 months"));
        assert!(windows[2]
            .explanation
            .contains("only that many are supported at once"));
        for window in &windows {
            assert!(
                !window.explanation.contains("rule"),
                "{}",
                window.explanation
            );
        }
    }

    fn histories() -> impl Strategy<Value = Vec<Release>> {
        prop::collection::vec((0u64..6, 0u64..4, 0i64..2000), 1..25).prop_map(|items| {
            items
                .into_iter()
                .map(|(major, minor, offset)| Release {
                    version: semver::Version::new(major, minor, 0),
                    released_on: day("2020-01-01")
                        .checked_add_signed(chrono::Duration::days(offset)),
                    withdrawn: false,
                })
                .collect()
        })
    }

    proptest! {
        #[test]
        fn never_more_supported_lines_than_the_policy_allows(
            releases in histories(),
            supported in 1usize..4,
            offset in 0i64..2500,
        ) {
            let policy = Policy { supported_lines: supported, ..Policy::default() };
            let today = day("2020-01-01") + chrono::Duration::days(offset);
            let windows = support_windows(&releases, &policy, today);
            let started: Vec<_> = windows.iter().filter(|w| w.started <= today).collect();
            let supported_now = started.iter().filter(|w| w.phase != Phase::Eol).count();
            prop_assert!(supported_now <= supported, "{supported_now} > {supported}");
        }

        #[test]
        fn phases_only_move_forward(releases in histories(), a in 0i64..2500, b in 0i64..2500) {
            let (early, late) = (a.min(b), a.max(b));
            let policy = Policy::default();
            let at = |offset: i64| support_windows(&releases, &policy, day("2020-01-01") + chrono::Duration::days(offset));
            for (before, after) in at(early).iter().zip(at(late)) {
                prop_assert_eq!(before.line, after.line);
                prop_assert!(before.phase <= after.phase);
            }
        }
    }
}
