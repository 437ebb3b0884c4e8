//! The parts of GitHub's payloads that evidence reads: check runs, commit statuses, workflow
//! runs, code scanning and Dependabot alerts, and attestations with their in-toto statements.
//! Each converts to the domain's input for judging.

use std::collections::HashMap;

use app::domain::evidence::{Alert, CheckRun, CommitStatus, Statement, WorkflowRun};
use serde::Deserialize;

use crate::sync::Listed;

/// A page of `GET /repos/{o}/{r}/commits/{sha}/check-runs`.
#[derive(Debug, Deserialize)]
pub struct CheckRunPage {
    #[serde(default)]
    pub check_runs: Vec<CheckRunPayload>,
}

#[derive(Debug, Deserialize)]
pub struct CheckRunPayload {
    pub id: i64,
    pub name: String,
    pub status: String,
    pub conclusion: Option<String>,
    pub html_url: Option<String>,
}

impl Listed for CheckRunPage {
    type Item = CheckRun;
    fn into_items(self) -> Vec<CheckRun> {
        self.check_runs
            .into_iter()
            .map(|run| CheckRun {
                id: run.id,
                name: run.name,
                status: run.status,
                conclusion: run.conclusion,
                url: run.html_url.unwrap_or_default(),
            })
            .collect()
    }
}

/// A page of `GET /repos/{o}/{r}/commits/{sha}/status`: the combined status.
#[derive(Debug, Deserialize)]
pub struct CombinedStatusPage {
    #[serde(default)]
    pub statuses: Vec<StatusPayload>,
}

#[derive(Debug, Deserialize)]
pub struct StatusPayload {
    pub state: String,
    pub context: String,
    pub description: Option<String>,
    pub target_url: Option<String>,
}

impl Listed for CombinedStatusPage {
    type Item = CommitStatus;
    fn into_items(self) -> Vec<CommitStatus> {
        self.statuses
            .into_iter()
            .map(|status| CommitStatus {
                context: status.context,
                state: status.state,
                description: status.description.unwrap_or_default(),
                url: status.target_url.unwrap_or_default(),
            })
            .collect()
    }
}

/// A page of `GET /repos/{o}/{r}/actions/runs?head_sha=...`.
#[derive(Debug, Deserialize)]
pub struct WorkflowRunPage {
    #[serde(default)]
    pub workflow_runs: Vec<WorkflowRunPayload>,
}

#[derive(Debug, Deserialize)]
pub struct WorkflowRunPayload {
    pub id: i64,
    pub workflow_id: i64,
    pub name: Option<String>,
    #[serde(default = "first_attempt")]
    pub run_attempt: i64,
    pub status: Option<String>,
    pub conclusion: Option<String>,
    #[serde(default)]
    pub html_url: String,
    #[serde(default)]
    pub path: String,
}

fn first_attempt() -> i64 {
    1
}

impl Listed for WorkflowRunPage {
    type Item = WorkflowRun;
    fn into_items(self) -> Vec<WorkflowRun> {
        self.workflow_runs
            .into_iter()
            .map(|run| WorkflowRun {
                id: run.id,
                workflow_id: run.workflow_id,
                name: run.name.filter(|n| !n.is_empty()).unwrap_or(run.path),
                run_attempt: run.run_attempt,
                status: run.status.unwrap_or_default(),
                conclusion: run.conclusion,
                url: run.html_url,
            })
            .collect()
    }
}

/// An item of `GET /repos/{o}/{r}/code-scanning/alerts`.
#[derive(Debug, Deserialize)]
pub struct CodeScanningAlert {
    pub number: i64,
    #[serde(default)]
    pub html_url: String,
    pub rule: CodeScanningRule,
}

#[derive(Debug, Deserialize)]
pub struct CodeScanningRule {
    pub id: Option<String>,
    #[serde(default)]
    pub name: String,
    /// `low`, `medium`, `high`, `critical`; absent for rules that are not about security.
    pub security_severity_level: Option<String>,
}

impl From<CodeScanningAlert> for Alert {
    fn from(alert: CodeScanningAlert) -> Alert {
        Alert {
            number: alert.number,
            title: alert.rule.id.unwrap_or(alert.rule.name),
            severity: alert.rule.security_severity_level.unwrap_or_default(),
            url: alert.html_url,
        }
    }
}

/// An item of `GET /repos/{o}/{r}/dependabot/alerts`.
#[derive(Debug, Deserialize)]
pub struct DependabotAlert {
    pub number: i64,
    #[serde(default)]
    pub html_url: String,
    pub security_vulnerability: Vulnerability,
    pub security_advisory: Advisory,
    pub dependency: Dependency,
}

#[derive(Debug, Deserialize)]
pub struct Vulnerability {
    pub severity: String,
}

#[derive(Debug, Deserialize)]
pub struct Advisory {
    pub ghsa_id: String,
}

#[derive(Debug, Deserialize)]
pub struct Dependency {
    pub package: Package,
}

#[derive(Debug, Deserialize)]
pub struct Package {
    pub name: String,
}

impl From<DependabotAlert> for Alert {
    fn from(alert: DependabotAlert) -> Alert {
        Alert {
            number: alert.number,
            title: format!(
                "{} in {}",
                alert.security_advisory.ghsa_id, alert.dependency.package.name
            ),
            severity: alert.security_vulnerability.severity,
            url: alert.html_url,
        }
    }
}

/// A page of `GET /repos/{o}/{r}/attestations/{digest}`.
#[derive(Debug, Deserialize)]
pub struct AttestationPage {
    #[serde(default)]
    pub attestations: Vec<Attestation>,
}

/// One attestation: a Sigstore bundle whose DSSE envelope carries an in-toto statement.
#[derive(Debug, Deserialize)]
pub struct Attestation {
    pub bundle: Option<Bundle>,
}

#[derive(Debug, Deserialize)]
pub struct Bundle {
    #[serde(rename = "dsseEnvelope")]
    pub dsse_envelope: Option<Envelope>,
}

#[derive(Debug, Deserialize)]
pub struct Envelope {
    /// The statement, base64.
    pub payload: String,
}

/// An in-toto statement (`https://in-toto.io/Statement/v1`), as far as evidence reads it.
#[derive(Debug, Deserialize)]
struct InTotoStatement {
    #[serde(default)]
    subject: Vec<Subject>,
    #[serde(rename = "predicateType")]
    predicate_type: String,
}

#[derive(Debug, Deserialize)]
struct Subject {
    #[serde(default)]
    digest: HashMap<String, String>,
}

impl Attestation {
    /// The statement in the bundle's envelope; `None` for a bundle without one, or whose
    /// payload is no statement. Its Sigstore signature is not checked here.
    pub fn statement(&self) -> Option<Statement> {
        use base64::Engine;
        let payload = &self.bundle.as_ref()?.dsse_envelope.as_ref()?.payload;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(payload)
            .ok()?;
        let statement: InTotoStatement = serde_json::from_slice(&bytes).ok()?;
        Some(Statement {
            subject_digests: statement
                .subject
                .into_iter()
                .filter_map(|subject| subject.digest.get("sha256").cloned())
                .collect(),
            predicate_type: statement.predicate_type,
        })
    }
}

impl Listed for AttestationPage {
    type Item = Attestation;
    fn into_items(self) -> Vec<Attestation> {
        self.attestations
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// GitHub's own example bundle (npm `@octokit/openapi`, the `attestation` example): SLSA
    /// provenance for `gh_2.50.0_windows_arm64.zip`.
    const EXAMPLE: &str = include_str!("../../../tests/fixtures/github/attestations.json");

    #[test]
    fn the_example_bundle_states_provenance_for_its_file() {
        let page: AttestationPage = serde_json::from_str(EXAMPLE).expect("the example parses");
        let statement = page.attestations[0].statement().expect("a statement");
        assert_eq!(
            statement.subject_digests,
            ["8aad120b416386b4269ef62c8fdebcad31a70847297817a149daf927edc85548"]
        );
        assert_eq!(statement.predicate_type, "https://slsa.dev/provenance/v1");
    }

    #[test]
    fn a_bundle_without_a_statement_states_nothing() {
        let page: AttestationPage = serde_json::from_str(
            r#"{"attestations":[{"bundle":null},{"bundle":{"dsseEnvelope":{"payload":"bm90IGpzb24="}}}]}"#,
        )
        .expect("parses");
        assert!(page.attestations.iter().all(|a| a.statement().is_none()));
    }
}
