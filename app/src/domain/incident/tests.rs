use super::*;

fn v(text: &str) -> semver::Version {
    semver::Version::parse(text).expect("test version")
}

#[test]
fn ranges_hold_by_precedence() {
    let range = AffectedRange::parse(">=1.4.0, <1.4.3").expect("range");
    for inside in ["1.4.0", "1.4.2", "1.4.3-rc.1"] {
        assert!(range.contains(&v(inside)), "{inside}");
    }
    for outside in ["1.3.9", "1.4.3", "2.0.0", "1.4.0-rc.1"] {
        assert!(!range.contains(&v(outside)), "{outside}");
    }
    assert_eq!(range.to_string(), ">=1.4.0, <1.4.3");
    let exact = AffectedRange::parse("v2.3.1").expect("range");
    assert!(exact.contains(&v("2.3.1")) && !exact.contains(&v("2.3.2")));
    assert_eq!(exact.to_string(), "2.3.1");
    assert_eq!(
        AffectedRange::parse("> 1.0.0 , <= v1.2.0")
            .expect("range")
            .to_string(),
        ">1.0.0, <=1.2.0"
    );
}

#[test]
fn bad_ranges_say_how_to_write_one() {
    for text in ["1.4", ">=1.4.0,", "~1.4.0", ">=banana", ">=1.4.0 <1.4.3"] {
        let err = AffectedRange::parse(text).expect_err(text);
        assert!(
            err.contains("1.4") || err.contains("bound"),
            "{text}: {err}"
        );
    }
}

fn input() -> IncidentInput {
    IncidentInput {
        title: "Jobs lost on restart".to_owned(),
        issue: "The scheduler drops queued jobs.".to_owned(),
        status: "investigating".to_owned(),
        severity: "major".to_owned(),
        affected: ">=1.4.0, <1.4.3".to_owned(),
        ..IncidentInput::default()
    }
}

#[test]
fn a_valid_incident_keeps_its_text_as_typed() {
    let hostile = "<script>alert(1)</script> {{7*7}} {% raw %}\u{7}";
    let valid = validate(&IncidentInput {
        impact: hostile.to_owned(),
        fixed_in: "v1.4.3".to_owned(),
        ..input()
    })
    .expect("valid");
    assert_eq!(valid.impact, hostile);
    assert_eq!(valid.fixed_in, Some(v("1.4.3")));
    assert_eq!(
        (valid.status, valid.severity),
        (Status::Investigating, Severity::Major)
    );
}

#[test]
fn every_mistake_is_named() {
    let fields = |input: IncidentInput| -> Vec<&'static str> {
        validate(&input)
            .expect_err("refused")
            .into_iter()
            .map(|(f, _)| f)
            .collect()
    };
    assert_eq!(
        fields(IncidentInput {
            title: " ".to_owned(),
            ..input()
        }),
        ["title"]
    );
    assert_eq!(
        fields(IncidentInput {
            title: "a\nb".to_owned(),
            ..input()
        }),
        ["title"]
    );
    assert_eq!(
        fields(IncidentInput {
            issue: "".to_owned(),
            ..input()
        }),
        ["issue"]
    );
    assert_eq!(
        fields(IncidentInput {
            status: "fixed".to_owned(),
            ..input()
        }),
        ["status"]
    );
    assert_eq!(
        fields(IncidentInput {
            severity: "bad".to_owned(),
            ..input()
        }),
        ["severity"]
    );
    assert_eq!(
        fields(IncidentInput {
            affected: "1.4".to_owned(),
            ..input()
        }),
        ["affected"]
    );
    assert_eq!(
        fields(IncidentInput {
            affected: "".to_owned(),
            ..input()
        }),
        ["affected"]
    );
    assert_eq!(
        fields(IncidentInput {
            fixed_in: "soon".to_owned(),
            ..input()
        }),
        ["fixed_in"]
    );
    assert_eq!(
        fields(IncidentInput {
            fixed_in: "1.4.1".to_owned(),
            ..input()
        }),
        ["fixed_in"]
    );
    assert_eq!(
        fields(IncidentInput {
            action: "x".repeat(MAX_TEXT + 1),
            ..input()
        }),
        ["action"]
    );
    assert_eq!(
        validate(&IncidentInput::default())
            .expect_err("empty")
            .len(),
        5
    );
}

#[test]
fn the_two_hour_mark() {
    let opened = DateTime::parse_from_rfc3339("2026-11-24T10:00:00Z")
        .expect("date")
        .to_utc();
    let clock = rollback_clock(opened, None, opened + Duration::minutes(85));
    assert!(clock.quick_fix_possible);
    assert_eq!(
        clock.words,
        "1 h 25 min since the incident opened: 35 min left to ship a patch"
    );
    let late = rollback_clock(opened, None, opened + Duration::hours(3));
    assert!(!late.quick_fix_possible);
    assert!(late.words.contains("past the 2-hour mark, so withdraw"));
    let done = rollback_clock(
        opened,
        Some(opened + Duration::minutes(50)),
        opened + Duration::days(3),
    );
    assert_eq!(
        done.words,
        "Resolved 50 min after opening, within the 2-hour mark"
    );
}

#[test]
fn backports_list_affected_lines_with_their_patch_since_the_incident() {
    let range = AffectedRange::parse(">=2.3.0, <3.1.2").expect("range");
    let line = |t: &str| -> Line { t.parse().expect("line") };
    let day = |d: u32| chrono::NaiveDate::from_ymd_opt(2026, 11, d);
    let releases = [
        (line("3.x"), v("3.1.0"), day(1)),
        (line("2.x"), v("2.3.1"), day(2)),
        (line("1.x"), v("1.9.0"), day(3)),
    ];
    let maintained = [line("3.x"), line("2.x"), line("1.x")];
    let open = backports(
        &range,
        line("3.x"),
        &maintained,
        &releases,
        day(10).expect("day"),
    );
    assert_eq!(
        open,
        [Backport {
            line: line("2.x"),
            patched_by: None
        }],
        "1.x was never affected"
    );
    let mut patched = releases.to_vec();
    let range = AffectedRange::parse(">=2.3.0, <2.3.2").expect("range");
    patched.push((line("2.x"), v("2.3.2"), day(11)));
    let done = backports(
        &range,
        line("3.x"),
        &maintained,
        &patched,
        day(10).expect("day"),
    );
    assert_eq!(
        done,
        [Backport {
            line: line("2.x"),
            patched_by: Some("2.3.2".to_owned())
        }]
    );
}

fn released(version: &str, withdrawn: bool) -> Release {
    Release {
        version: v(version),
        released_on: None,
        withdrawn,
    }
}

#[test]
fn the_newest_affected_release_is_the_newest_that_stands() {
    let range = AffectedRange::parse(">=1.4.0, <1.5.0").expect("range");
    let releases = [
        released("1.4.0", false),
        released("1.4.10-rc.1", false),
        released("1.4.2", false),
        released("1.4.11", true),
        released("1.5.0", false),
    ];
    assert_eq!(
        newest_affected(&range, &releases).as_deref(),
        Some("1.4.10-rc.1")
    );
    assert_eq!(newest_affected(&range, &releases[4..]), None);
}

#[test]
fn a_fix_is_released_once_its_version_is_out_and_only_while_open() {
    let releases = [released("1.4.3", false)];
    let fix = v("1.4.3");
    assert!(fix_released(Status::FixInProgress, Some(&fix), &releases));
    assert!(!fix_released(Status::Resolved, Some(&fix), &releases));
    assert!(!fix_released(
        Status::Investigating,
        Some(&v("1.4.4")),
        &releases
    ));
    assert!(!fix_released(Status::Investigating, None, &releases));
}
