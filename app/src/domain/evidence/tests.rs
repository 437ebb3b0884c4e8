use super::*;

fn run(id: i64, name: &str, status: &str, conclusion: Option<&str>) -> CheckRun {
    CheckRun {
        id,
        name: name.to_owned(),
        status: status.to_owned(),
        conclusion: conclusion.map(str::to_owned),
        url: format!("https://github.com/acme/orbit/runs/{id}"),
    }
}

#[test]
fn green_check_runs_pass_and_the_newest_of_each_name_counts() {
    let runs = [
        run(1, "test", "completed", Some("failure")),
        run(2, "lint", "completed", Some("success")),
        run(3, "test", "completed", Some("success")),
        run(4, "docs", "completed", Some("skipped")),
    ];
    let reading = judge_check_runs(&runs, "u");
    assert_eq!(reading.state, SourceState::Pass, "{reading:?}");
    assert_eq!(reading.summary, "3 checks passed");
    assert_eq!(reading.findings.len(), 3, "the re-run replaces the failure");
}

#[test]
fn a_failed_or_unfinished_check_is_named() {
    let failed = judge_check_runs(
        &[
            run(1, "test", "completed", Some("failure")),
            run(2, "lint", "in_progress", None),
        ],
        "u",
    );
    assert_eq!(failed.state, SourceState::Fail);
    assert_eq!(failed.summary, "1 of 2 checks failed: test");
    let running = judge_check_runs(&[run(2, "lint", "queued", None)], "u");
    assert_eq!(running.state, SourceState::Pending);
    assert_eq!(running.summary, "1 of 1 check not finished: lint");
    let none = judge_check_runs(&[], "u");
    assert_eq!(none.state, SourceState::Pending);
    assert_eq!(none.summary, "no check runs reported for this commit");
}

#[test]
fn statuses_follow_each_context_and_none_is_not_a_pass() {
    let status = |context: &str, state: &str, description: &str| CommitStatus {
        context: context.to_owned(),
        state: state.to_owned(),
        description: description.to_owned(),
        url: String::new(),
    };
    let green = judge_statuses(
        &[
            status("ci/jenkins", "success", "Build has completed successfully"),
            status("coverage", "success", "84.2% of lines covered"),
        ],
        "u",
    );
    assert_eq!(green.state, SourceState::Pass);
    assert_eq!(green.findings[1].note, "84.2% of lines covered");
    let red = judge_statuses(&[status("ci", "error", "")], "u");
    assert_eq!(red.state, SourceState::Fail);
    assert_eq!(red.findings[0].note, "error");
    assert_eq!(judge_statuses(&[], "u").state, SourceState::Pending);
}

#[test]
fn the_newest_attempt_of_each_workflow_decides() {
    let workflow =
        |id: i64, workflow_id: i64, attempt: i64, conclusion: Option<&str>| WorkflowRun {
            id,
            workflow_id,
            name: format!("workflow {workflow_id}"),
            run_attempt: attempt,
            status: if conclusion.is_some() {
                "completed"
            } else {
                "queued"
            }
            .to_owned(),
            conclusion: conclusion.map(str::to_owned),
            url: String::new(),
        };
    let rerun = judge_workflow_runs(
        &[
            workflow(10, 1, 1, Some("failure")),
            workflow(10, 1, 2, Some("success")),
            workflow(11, 2, 1, Some("success")),
        ],
        "u",
    );
    assert_eq!(rerun.state, SourceState::Pass, "{rerun:?}");
    assert_eq!(rerun.summary, "2 workflows passed");
    let queued = judge_workflow_runs(&[workflow(12, 3, 1, None)], "u");
    assert_eq!(queued.state, SourceState::Pending);
    let failed = judge_workflow_runs(&[workflow(13, 4, 1, Some("cancelled"))], "u");
    assert_eq!(failed.state, SourceState::Fail);
}

fn alert(number: i64, severity: &str) -> Alert {
    Alert {
        number,
        title: "js/zipslip".to_owned(),
        severity: severity.to_owned(),
        url: String::new(),
    }
}

#[test]
fn only_critical_and_high_alerts_fail() {
    let low = judge_code_scanning(&[alert(4, "medium"), alert(5, "")], "v2.3.1", "u");
    assert_eq!(low.state, SourceState::Pass);
    assert_eq!(
        low.summary,
        "no open critical or high alert at v2.3.1 (2 of lower severity)"
    );
    let high = judge_code_scanning(&[alert(4, "high"), alert(6, "low")], "v2.3.1", "u");
    assert_eq!(high.state, SourceState::Fail);
    assert_eq!(
        high.summary,
        "1 open critical or high alert at v2.3.1 (1 of lower severity)"
    );
    let dependabot = judge_dependabot(&[alert(1, "critical"), alert(2, "high")], "u");
    assert_eq!(dependabot.state, SourceState::Fail);
    assert_eq!(
        dependabot.summary,
        "2 open critical or high alerts on the default branch"
    );
    assert_eq!(judge_dependabot(&[], "u").state, SourceState::Pass);
}

const DIGEST: &str = "8aad120b416386b4269ef62c8fdebcad31a70847297817a149daf927edc85548";

fn statement(digest: &str, predicate_type: &str) -> Statement {
    Statement {
        subject_digests: vec![digest.to_owned()],
        predicate_type: predicate_type.to_owned(),
    }
}

fn file(statements: Vec<Statement>) -> AttestedFile {
    AttestedFile {
        name: "orbit-linux-amd64.tar.gz".to_owned(),
        digest: Some(format!("sha256:{DIGEST}")),
        statements,
        url: String::new(),
    }
}

#[test]
fn a_file_is_attested_by_a_statement_about_its_own_digest() {
    let attested = judge_attestations(
        &[file(vec![
            statement(DIGEST, "https://slsa.dev/provenance/v1"),
            statement(&DIGEST.to_uppercase(), "https://spdx.dev/Document/v2.3"),
        ])],
        "u",
    );
    assert_eq!(attested.state, SourceState::Pass, "{attested:?}");
    assert_eq!(attested.findings[0].kinds, ["provenance", "sbom"]);
    assert!(attested.summary.contains("signatures not verified"));
}

#[test]
fn a_statement_about_another_digest_is_refused() {
    let other = "0".repeat(64);
    let refused = judge_attestations(
        &[file(vec![statement(
            &other,
            "https://slsa.dev/provenance/v1",
        )])],
        "u",
    );
    assert_eq!(refused.state, SourceState::Fail);
    assert_eq!(
        refused.findings[0].note,
        "no attestation; 1 attestation naming another digest refused"
    );
    assert!(refused.findings[0].kinds.is_empty());
    let without_digest = judge_attestations(
        &[AttestedFile {
            digest: None,
            ..file(Vec::new())
        }],
        "u",
    );
    assert_eq!(without_digest.state, SourceState::Pending);
    assert_eq!(judge_attestations(&[], "u").state, SourceState::Pending);
}

#[test]
fn predicate_types_name_their_kind() {
    assert_eq!(
        attestation_kind("https://slsa.dev/provenance/v0.2"),
        "provenance"
    );
    assert_eq!(attestation_kind("https://cyclonedx.org/bom/v1.5"), "sbom");
    assert_eq!(attestation_kind("https://spdx.dev/Document"), "sbom");
    assert_eq!(
        attestation_kind("https://in-toto.io/attestation/release/v0.1"),
        "https://in-toto.io/attestation/release/v0.1"
    );
}

#[test]
fn a_refused_source_names_what_reading_it_needs() {
    let reading = Reading::unavailable(
        SourceKind::Dependabot,
        "GitHub answered 403",
        "https://github.com/acme/orbit/security/dependabot",
    );
    assert_eq!(reading.state, SourceState::Unavailable);
    assert!(
        reading
            .summary
            .starts_with("GitHub answered 403; reading it needs Dependabot alerts: read"),
        "{}",
        reading.summary
    );
    for kind in SourceKind::ALL {
        assert_eq!(SourceKind::parse(kind.as_str()), Some(kind));
    }
}

#[test]
fn an_agreeing_reading_is_the_same_verdict() {
    let one = judge_check_runs(&[run(1, "test", "completed", Some("success"))], "u");
    let again = judge_check_runs(&[run(1, "test", "completed", Some("success"))], "other url");
    assert!(one.agrees_with(&again));
    let rerun = judge_check_runs(&[run(2, "test", "completed", Some("failure"))], "u");
    assert!(!one.agrees_with(&rerun));
}

#[test]
fn ci_runs_github_has_deleted_are_no_news_but_closed_alerts_are() {
    let both = judge_check_runs(
        &[
            run(1, "test", "completed", Some("success")),
            run(2, "lint", "completed", Some("success")),
        ],
        "",
    );
    let one_dropped = judge_check_runs(&[run(1, "test", "completed", Some("success"))], "");
    let none_left = judge_check_runs(&[], "");
    assert!(!one_dropped.is_news_after(Some(&both)));
    assert!(!none_left.is_news_after(Some(&both)));
    assert!(
        both.is_news_after(Some(&one_dropped)),
        "a new check is news"
    );
    assert!(both.is_news_after(None));
    let failed_again = judge_check_runs(&[run(3, "test", "completed", Some("failure"))], "");
    assert!(
        failed_again.is_news_after(Some(&both)),
        "a failed re-run is news"
    );

    let open = judge_dependabot(&[alert(1, "critical"), alert(2, "low")], "");
    let closed = judge_dependabot(&[alert(2, "low")], "");
    assert!(closed.is_news_after(Some(&open)), "a closed alert is news");
}
