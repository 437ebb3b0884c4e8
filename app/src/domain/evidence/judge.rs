//! Judging what each GitHub source said: its findings, their state together, and a summary
//! for people.

use std::collections::BTreeMap;

use super::{Finding, Reading, SourceKind, SourceState};

/// Counts findings for a summary: "12 checks passed", "2 of 12 checks failed: lint, e2e".
/// `nouns` is the singular and the plural.
fn tally(findings: &[Finding], nouns: (&str, &str)) -> String {
    let total = findings.len();
    let named = |state: SourceState| -> Vec<&str> {
        findings
            .iter()
            .filter(|f| f.state == state)
            .map(|f| f.name.as_str())
            .collect()
    };
    let failed = named(SourceState::Fail);
    let pending = named(SourceState::Pending);
    let noun = if total == 1 { nouns.0 } else { nouns.1 };
    if !failed.is_empty() {
        format!(
            "{} of {total} {noun} failed: {}",
            failed.len(),
            shortlist(&failed)
        )
    } else if !pending.is_empty() {
        format!(
            "{} of {total} {noun} not finished: {}",
            pending.len(),
            shortlist(&pending)
        )
    } else {
        format!("{total} {noun} passed")
    }
}

fn shortlist(names: &[&str]) -> String {
    const SHOWN: usize = 5;
    let mut text = names
        .iter()
        .take(SHOWN)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > SHOWN {
        text.push_str(&format!(" and {} more", names.len() - SHOWN));
    }
    text
}

/// The state of a finished run or check from its conclusion.
fn concluded(status: &str, conclusion: Option<&str>) -> SourceState {
    match (status, conclusion) {
        ("completed", Some("success" | "neutral" | "skipped")) => SourceState::Pass,
        ("completed", _) => SourceState::Fail,
        _ => SourceState::Pending,
    }
}

/// A run or check: its conclusion once finished, its status while it runs.
fn run_finding(name: &str, status: &str, conclusion: Option<&str>, url: &str) -> Finding {
    Finding::new(
        name,
        concluded(status, conclusion),
        conclusion.unwrap_or(status),
        url,
    )
}

/// A CI source's reading: its state from its findings', a tally for people, or `none` when it
/// found nothing.
fn ci_reading(
    kind: SourceKind,
    findings: Vec<Finding>,
    none: &str,
    nouns: (&str, &str),
    url: &str,
) -> Reading {
    let summary = if findings.is_empty() {
        none.to_owned()
    } else {
        tally(&findings, nouns)
    };
    Reading {
        kind,
        state: SourceState::of_all(&findings),
        summary,
        url: url.to_owned(),
        findings,
    }
}

/// One check run of a commit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckRun {
    pub id: i64,
    pub name: String,
    /// `queued`, `in_progress`, `completed`, ...
    pub status: String,
    pub conclusion: Option<String>,
    pub url: String,
}

/// Check runs: every run green (success, neutral or skipped), the newest of each name.
pub fn judge_check_runs(runs: &[CheckRun], url: &str) -> Reading {
    let mut newest: BTreeMap<&str, &CheckRun> = BTreeMap::new();
    for run in runs {
        let kept = newest.entry(run.name.as_str()).or_insert(run);
        if run.id > kept.id {
            *kept = run;
        }
    }
    let findings = newest
        .values()
        .map(|run| run_finding(&run.name, &run.status, run.conclusion.as_deref(), &run.url))
        .collect();
    ci_reading(
        SourceKind::Checks,
        findings,
        "no check runs reported for this commit",
        ("check", "checks"),
        url,
    )
}

/// One commit status (a context) of a commit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CommitStatus {
    pub context: String,
    /// `success`, `failure`, `error` or `pending`.
    pub state: String,
    pub description: String,
    pub url: String,
}

/// Commit statuses: every context's newest state. No statuses at all is pending (GitHub's
/// combined state says so too), not a pass.
pub fn judge_statuses(statuses: &[CommitStatus], url: &str) -> Reading {
    let findings: Vec<Finding> = statuses
        .iter()
        .map(|status| {
            let state = match status.state.as_str() {
                "success" => SourceState::Pass,
                "failure" | "error" => SourceState::Fail,
                _ => SourceState::Pending,
            };
            let note = if status.description.is_empty() {
                status.state.clone()
            } else {
                status.description.clone()
            };
            Finding::new(&status.context, state, note, &status.url)
        })
        .collect();
    ci_reading(
        SourceKind::Statuses,
        findings,
        "no commit statuses for this commit",
        ("status", "statuses"),
        url,
    )
}

/// One run of a workflow for a commit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkflowRun {
    pub id: i64,
    pub workflow_id: i64,
    pub name: String,
    pub run_attempt: i64,
    pub status: String,
    pub conclusion: Option<String>,
    pub url: String,
}

/// Workflow runs: the newest attempt of each workflow, every one succeeded.
pub fn judge_workflow_runs(runs: &[WorkflowRun], url: &str) -> Reading {
    let mut newest: BTreeMap<i64, &WorkflowRun> = BTreeMap::new();
    for run in runs {
        let kept = newest.entry(run.workflow_id).or_insert(run);
        if (run.run_attempt, run.id) > (kept.run_attempt, kept.id) {
            *kept = run;
        }
    }
    let findings = newest
        .values()
        .map(|run| run_finding(&run.name, &run.status, run.conclusion.as_deref(), &run.url))
        .collect();
    ci_reading(
        SourceKind::WorkflowRuns,
        findings,
        "no workflow ran for this commit",
        ("workflow", "workflows"),
        url,
    )
}

/// An open security alert: code scanning's at the tag, or Dependabot's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alert {
    pub number: i64,
    /// The rule or the advisory and package.
    pub title: String,
    /// `critical`, `high`, `medium`, `low`; empty when the alert is not about security.
    pub severity: String,
    pub url: String,
}

fn is_serious(severity: &str) -> bool {
    matches!(severity, "critical" | "high")
}

fn alert_findings(alerts: &[Alert]) -> Vec<Finding> {
    alerts
        .iter()
        .map(|alert| {
            let state = if is_serious(&alert.severity) {
                SourceState::Fail
            } else {
                SourceState::Pass
            };
            let severity = if alert.severity.is_empty() {
                "no security severity"
            } else {
                &alert.severity
            };
            Finding::new(
                format!("#{} {}", alert.number, alert.title),
                state,
                severity,
                &alert.url,
            )
        })
        .collect()
}

fn alert_summary(findings: &[Finding], place: &str) -> (SourceState, String) {
    let serious = findings
        .iter()
        .filter(|f| f.state == SourceState::Fail)
        .count();
    let lower = findings.len() - serious;
    let others = if lower > 0 {
        format!(" ({lower} of lower severity)")
    } else {
        String::new()
    };
    if serious == 0 {
        (
            SourceState::Pass,
            format!("no open critical or high alert {place}{others}"),
        )
    } else {
        let alerts = if serious == 1 { "alert" } else { "alerts" };
        (
            SourceState::Fail,
            format!("{serious} open critical or high {alerts} {place}{others}"),
        )
    }
}

/// Code scanning: the open alerts at the tag; critical or high (by the rule's security
/// severity) fail it.
pub fn judge_code_scanning(alerts: &[Alert], tag: &str, url: &str) -> Reading {
    let findings = alert_findings(alerts);
    let (state, summary) = alert_summary(&findings, &format!("at {tag}"));
    Reading {
        kind: SourceKind::CodeScanning,
        state,
        summary,
        url: url.to_owned(),
        findings,
    }
}

/// Dependabot: the open critical and high alerts. They belong to the default branch, not to a
/// commit, so the same reading stands for every version read at that moment.
pub fn judge_dependabot(alerts: &[Alert], url: &str) -> Reading {
    let findings = alert_findings(alerts);
    let (state, summary) = alert_summary(&findings, "on the default branch");
    Reading {
        kind: SourceKind::Dependabot,
        state,
        summary,
        url: url.to_owned(),
        findings,
    }
}

/// What one attestation states, read from its in-toto statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    /// The subjects' SHA-256 digests, in hex.
    pub subject_digests: Vec<String>,
    pub predicate_type: String,
}

/// A release file with the statements GitHub holds for its digest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttestedFile {
    pub name: String,
    /// `sha256:...` as GitHub gives it; `None` for a file GitHub gave no digest for.
    pub digest: Option<String>,
    pub statements: Vec<Statement>,
    pub url: String,
}

/// What an attestation is, by its predicate type: SLSA provenance, an SPDX or CycloneDX SBOM,
/// or the type itself.
pub fn attestation_kind(predicate_type: &str) -> String {
    if predicate_type.starts_with("https://slsa.dev/provenance/") {
        "provenance".to_owned()
    } else if predicate_type.starts_with("https://spdx.dev/Document")
        || predicate_type.starts_with("https://cyclonedx.org/bom")
    {
        "sbom".to_owned()
    } else {
        predicate_type.to_owned()
    }
}

/// Attestations of the release's files: each file needs a statement whose subject digest is
/// the file's own. A statement about another digest is refused. The Sigstore signature of a
/// bundle is not verified here.
pub fn judge_attestations(files: &[AttestedFile], url: &str) -> Reading {
    let findings: Vec<Finding> = files
        .iter()
        .map(|file| {
            let Some(digest) = file.digest.as_deref() else {
                return Finding::new(
                    &file.name,
                    SourceState::Pending,
                    "GitHub gave no digest for this file",
                    &file.url,
                );
            };
            let hex = digest.strip_prefix("sha256:").unwrap_or(digest);
            let (own, other): (Vec<&Statement>, Vec<&Statement>) =
                file.statements.iter().partition(|statement| {
                    statement
                        .subject_digests
                        .iter()
                        .any(|d| d.eq_ignore_ascii_case(hex))
                });
            let mut kinds: Vec<String> = own
                .iter()
                .map(|s| attestation_kind(&s.predicate_type))
                .collect();
            kinds.sort();
            kinds.dedup();
            let refused = if other.is_empty() {
                String::new()
            } else {
                format!(
                    "; {} naming another digest refused",
                    if other.len() == 1 {
                        "1 attestation".to_owned()
                    } else {
                        format!("{} attestations", other.len())
                    }
                )
            };
            let (state, note) = if kinds.is_empty() {
                (SourceState::Fail, format!("no attestation{refused}"))
            } else {
                (SourceState::Pass, format!("{}{refused}", kinds.join(", ")))
            };
            Finding {
                kinds,
                ..Finding::new(&file.name, state, note, &file.url)
            }
        })
        .collect();
    let summary = if findings.is_empty() {
        "the release has no files to attest".to_owned()
    } else {
        format!(
            "{}; statements read, Sigstore signatures not verified here (gh attestation verify \
             does that)",
            tally(&findings, ("file", "files"))
        )
    };
    Reading {
        kind: SourceKind::Attestations,
        state: SourceState::of_all(&findings),
        summary,
        url: url.to_owned(),
        findings,
    }
}
