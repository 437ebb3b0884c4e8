use super::*;
use chrono::TimeZone;

fn facts() -> Facts {
    Facts {
        tag: "v2.4.1".to_owned(),
        ..Facts::default()
    }
}

#[test]
fn missing_data_is_evidence_not_found() {
    let facts = facts();
    for spec in ["tag", "release", "sbom", "signature", "changelog"] {
        let judged = evaluate(spec, &facts).expect("test data");
        assert_eq!(judged.evidence.kind, spec);
        assert!(!judged.evidence.found, "{spec}: {judged:?}");
        assert_eq!(judged.basis, None);
    }
    assert_eq!(
        evaluate("backport:3.x", &facts),
        None,
        "no release date yet"
    );
    assert_eq!(evaluate("moon", &facts), None);
}

#[test]
fn synced_data_is_found() {
    let at = Utc
        .with_ymd_and_hms(2026, 11, 2, 9, 0, 0)
        .single()
        .expect("test data");
    let facts = Facts {
        commit_sha: Some("4f2a9c1d2e".to_owned()),
        published_at: Some(at),
        asset_names: vec![
            "app.tar.gz".to_owned(),
            "app.spdx.json".to_owned(),
            "app.tar.gz.sig".to_owned(),
        ],
        changelog: ChangelogFact::Found,
        released_at: Some(at),
        line_releases: vec![
            (
                "3.x".parse().expect("test data"),
                semver::Version::new(3, 1, 4),
                Some(at.date_naive()),
            ),
            (
                "3.x".parse().expect("test data"),
                semver::Version::new(3, 1, 3),
                Some(at.date_naive() - chrono::Duration::days(9)),
            ),
        ],
        ..facts()
    };
    let detail = |spec: &str| {
        let judged = evaluate(spec, &facts).expect("test data");
        assert!(judged.evidence.found, "{spec}");
        judged.evidence.detail
    };
    assert_eq!(detail("tag"), "tag v2.4.1 points at 4f2a9c1");
    assert_eq!(detail("release"), "GitHub release published 2026-11-02");
    assert_eq!(detail("sbom"), "app.spdx.json is attached to the release");
    assert_eq!(
        detail("signature"),
        "app.tar.gz.sig is attached to the release"
    );
    assert_eq!(detail("changelog"), "CHANGELOG.md has a section for v2.4.1");
    assert_eq!(
        detail("backport:3.x"),
        "3.1.4 released on 3.x on 2026-11-02"
    );
    assert!(
        !evaluate("backport:1.x", &facts)
            .expect("test data")
            .evidence
            .found
    );
}

#[test]
fn an_announcement_in_a_team_chat_is_found_on_when_it_arrived() {
    let at = Utc
        .with_ymd_and_hms(2026, 12, 7, 15, 30, 0)
        .single()
        .expect("test data");
    let facts = Facts {
        announced_in_chat_at: Some(at),
        ..facts()
    };
    let judged = evaluate("announced", &facts).expect("test data");
    assert_eq!(judged.evidence.kind, "announced");
    assert!(judged.evidence.found && !judged.evidence.pending);
    assert_eq!(
        judged.evidence.detail,
        "announced in a team chat on 2026-12-07"
    );
    assert_eq!(
        judged.basis,
        Some(Basis {
            kind: SourceKind::Announcement,
            captured_at: at,
            snapshot_id: None,
        })
    );
    assert!(!waits_on_ci("announced", &facts));
}

#[test]
fn no_announcement_yet_says_where_to_add_a_chat_hook() {
    let judged = evaluate("announced", &facts()).expect("test data");
    assert_eq!(judged.evidence.kind, "announced");
    assert!(!judged.evidence.found && !judged.evidence.pending);
    assert_eq!(
        judged.evidence.detail,
        "no announcement has reached a chat hook yet (add a Slack, Discord or Teams hook under \
         Notifications)"
    );
    assert_eq!(judged.basis, None);
    assert!(
        !waits_on_ci("announced", &facts()),
        "a person's to chase, not CI's"
    );
}

#[test]
fn asset_names() {
    for name in ["sbom.json", "app.cdx.xml", "x.spdx", "bom-cyclonedx.json"] {
        assert!(is_sbom(name), "{name}");
    }
    for name in [
        "app.sig",
        "SHA256SUMS.asc",
        "cert.pem",
        "app.sigstore.json",
        "x.bundle",
        "a.minisig",
    ] {
        assert!(is_signature(name), "{name}");
    }
    assert!(!is_sbom("app.tar.gz") && !is_signature("signal.tar.gz"));
}

use crate::domain::evidence::{
    judge_attestations, judge_check_runs, judge_dependabot, judge_statuses, AttestedFile, CheckRun,
    CommitStatus, Reading, Snapshot, Statement,
};

fn at(hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, hour, 0, 0)
        .single()
        .expect("test data")
}

fn snapshot(id: i64, reading: Reading, hour: u32) -> Snapshot {
    Snapshot {
        id: Some(id),
        reading,
        captured_at: at(hour),
    }
}

fn check(id: i64, name: &str, conclusion: Option<&str>) -> CheckRun {
    CheckRun {
        id,
        name: name.to_owned(),
        status: if conclusion.is_some() {
            "completed"
        } else {
            "in_progress"
        }
        .to_owned(),
        conclusion: conclusion.map(str::to_owned),
        url: String::new(),
    }
}

fn with(snapshots: Vec<Snapshot>) -> Facts {
    Facts {
        snapshots: snapshots.into_iter().map(|s| (s.reading.kind, s)).collect(),
        ..facts()
    }
}

fn status(context: &str, state: &str, description: &str) -> CommitStatus {
    CommitStatus {
        context: context.to_owned(),
        state: state.to_owned(),
        description: description.to_owned(),
        url: String::new(),
    }
}

#[test]
fn green_checks_prove_the_rule_on_the_newest_reading() {
    let facts = with(vec![
        snapshot(
            7,
            judge_check_runs(&[check(1, "test", Some("success"))], "u"),
            10,
        ),
        snapshot(8, judge_statuses(&[], "u"), 11),
    ]);
    let judged = evaluate("checks", &facts).expect("read");
    assert!(judged.evidence.found, "{judged:?}");
    let basis = judged.basis.expect("a basis");
    assert_eq!(
        (basis.kind, basis.snapshot_id),
        (SourceKind::Checks, Some(7)),
        "the statuses found nothing, so the checks prove it"
    );
    assert_eq!(basis.captured_at, at(10));
}

#[test]
fn a_failed_check_disproves_and_a_running_one_leaves_it_pending() {
    let failed = with(vec![snapshot(
        1,
        judge_check_runs(
            &[
                check(1, "test", Some("success")),
                check(2, "lint", Some("failure")),
            ],
            "u",
        ),
        9,
    )]);
    let judged = evaluate("checks", &failed).expect("read");
    assert!(!judged.evidence.found && !judged.evidence.pending);
    assert_eq!(judged.basis, None);
    let running = with(vec![snapshot(
        1,
        judge_check_runs(&[check(1, "test", None)], "u"),
        9,
    )]);
    let judged = evaluate("checks", &running).expect("read");
    assert!(!judged.evidence.found && judged.evidence.pending);
    assert_eq!(evaluate("checks", &facts()), None, "nothing read yet");
    assert_eq!(evaluate("workflows", &running), None);
}

#[test]
fn security_is_judged_on_the_sources_github_shows() {
    let refused = Reading::unavailable(SourceKind::CodeScanning, "GitHub answered 403", "u");
    let clean = with(vec![
        snapshot(1, refused.clone(), 9),
        snapshot(2, judge_dependabot(&[], "u"), 9),
    ]);
    let judged = evaluate("security", &clean).expect("read");
    assert!(judged.evidence.found, "{judged:?}");
    assert!(judged
        .evidence
        .detail
        .contains("Code scanning: GitHub answered 403"));
    let nothing = with(vec![snapshot(1, refused, 9)]);
    let judged = evaluate("security", &nothing).expect("read");
    assert!(!judged.evidence.found && judged.evidence.pending);
}

#[test]
fn attestations_cover_the_files_a_pattern_names() {
    let digest = "ab".repeat(32);
    let file = |name: &str, predicate: Option<&str>| AttestedFile {
        name: name.to_owned(),
        digest: Some(format!("sha256:{digest}")),
        statements: predicate
            .map(|p| Statement {
                subject_digests: vec![digest.clone()],
                predicate_type: p.to_owned(),
            })
            .into_iter()
            .collect(),
        url: String::new(),
    };
    let facts = with(vec![snapshot(
        3,
        judge_attestations(
            &[
                file("orbit-linux.tar.gz", Some("https://slsa.dev/provenance/v1")),
                file("orbit.spdx.json", None),
            ],
            "u",
        ),
        12,
    )]);
    let tarballs = evaluate("attestation provenance for *.tar.gz", &facts).expect("read");
    assert!(tarballs.evidence.found, "{tarballs:?}");
    assert_eq!(tarballs.basis.map(|b| b.snapshot_id), Some(Some(3)));
    let every = evaluate("attestation provenance", &facts).expect("read");
    assert!(!every.evidence.found);
    assert_eq!(
        every.evidence.detail,
        "no provenance attestation for orbit.spdx.json"
    );
    let none = evaluate("attestation sbom for *.zip", &facts).expect("read");
    assert_eq!(none.evidence.detail, "no file matching *.zip to attest");
}

#[test]
fn a_named_check_can_ask_for_a_number_in_its_description() {
    let facts = with(vec![snapshot(
        4,
        judge_statuses(
            &[
                status(
                    "codecov/project",
                    "success",
                    "84.20% (+0.3%) compared to 1a2b3c",
                ),
                status("lint", "failure", "3 problems"),
            ],
            "u",
        ),
        8,
    )]);
    let coverage = evaluate("check codecov/project >= 80", &facts).expect("read");
    assert!(coverage.evidence.found, "{coverage:?}");
    let higher = evaluate("check codecov/project >= 90", &facts).expect("read");
    assert!(!higher.evidence.found && !higher.evidence.pending);
    assert!(higher.evidence.detail.contains("below 90"), "{higher:?}");
    let lint = evaluate("check lint", &facts).expect("read");
    assert!(!lint.evidence.found);
    let unknown = evaluate("check \"e2e tests\"", &facts).expect("read");
    assert!(unknown.evidence.pending);
}

#[test]
fn a_changelog_has_a_section_for_the_version_or_not_or_was_never_read() {
    let version = semver::Version::parse("2.3.2").expect("version");
    let text = "# Changelog\n\n## [2.3.2]\n\n### Fixed\n- A thing.\n";
    assert_eq!(
        ChangelogFact::of(None, Some(&version)),
        ChangelogFact::NotSynced
    );
    assert_eq!(
        ChangelogFact::of(Some(None), Some(&version)),
        ChangelogFact::Missing
    );
    assert_eq!(
        ChangelogFact::of(Some(Some(text)), Some(&version)),
        ChangelogFact::Found
    );
    let other = semver::Version::parse("3.0.0").expect("version");
    assert_eq!(
        ChangelogFact::of(Some(Some(text)), Some(&other)),
        ChangelogFact::Missing
    );
    assert_eq!(
        ChangelogFact::of(Some(Some(text)), None),
        ChangelogFact::Missing
    );
}
