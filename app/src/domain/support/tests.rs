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
                released_on: day("2020-01-01").checked_add_signed(chrono::Duration::days(offset)),
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

#[test]
fn maintained_lines_leave_out_the_ended_ones() {
    let releases = [
        release("1.0.0", "2024-01-10"),
        release("2.0.0", "2025-01-10"),
        release("3.0.0", "2025-09-01"),
    ];
    let windows = support_windows(&releases, &Policy::default(), day("2025-10-01"));
    let lines: Vec<String> = maintained_lines(&windows)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(lines, ["3.x", "2.x"]);
}

#[test]
fn hotfix_tracking_reads_stable_releases_that_stand() {
    let releases = [
        release("0.9.0", "2024-01-10"),
        release("1.0.0-rc.1", "2024-12-01"),
        release("1.0.0", "2025-01-10"),
        withdrawn("1.0.1", "2025-01-20"),
    ];
    let read: Vec<(String, String)> = stable_line_releases(&releases, true)
        .into_iter()
        .map(|(line, version, _)| (line.to_string(), version.to_string()))
        .collect();
    assert_eq!(
        read,
        [
            ("0.9.x".to_owned(), "0.9.0".to_owned()),
            ("1.x".to_owned(), "1.0.0".to_owned())
        ]
    );
}
