//! What the fake GitHub knows about a commit's CI and a repository's security: check runs,
//! commit statuses, workflow runs, code scanning and Dependabot alerts, and attestations. Every
//! object starts from GitHub's own example (`tests/fixtures/github/`); the builders change only
//! what ties it to a test's repository.

use std::collections::{HashMap, HashSet};

use base64::Engine;
use serde_json::{json, Value};

const CHECK_RUNS: &str = include_str!("../../fixtures/github/check-runs.json");
const STATUS: &str = include_str!("../../fixtures/github/status.json");
const WORKFLOW_RUNS: &str = include_str!("../../fixtures/github/workflow-runs.json");
const CODE_SCANNING: &str = include_str!("../../fixtures/github/code-scanning-alerts.json");
const DEPENDABOT: &str = include_str!("../../fixtures/github/dependabot-alerts.json");
const ATTESTATIONS: &str = include_str!("../../fixtures/github/attestations.json");

pub const SLSA_PROVENANCE: &str = "https://slsa.dev/provenance/v1";
pub const SPDX_SBOM: &str = "https://spdx.dev/Document/v2.3";

/// A repository's evidence, as GitHub would answer for it.
#[derive(Clone, Debug, Default)]
pub struct FakeEvidence {
    /// Check runs; each names its commit in `head_sha`.
    pub check_runs: Vec<Value>,
    /// Commit statuses, by commit sha.
    pub statuses: HashMap<String, Vec<Value>>,
    /// Workflow runs; each names its commit in `head_sha`.
    pub workflow_runs: Vec<Value>,
    /// Code scanning alerts; each names its ref in `most_recent_instance.ref`.
    pub code_scanning: Vec<Value>,
    pub dependabot: Vec<Value>,
    /// Attestations, by the subject digest they are listed under (`sha256:...`).
    pub attestations: HashMap<String, Vec<Value>>,
    /// Features GitHub refuses with a 403 on every request: a path segment such as
    /// `code-scanning`, `dependabot`, `attestations`, `check-runs`.
    pub refused: HashSet<String>,
}

fn example(text: &str) -> Value {
    serde_json::from_str(text).expect("GitHub's example parses")
}

/// A check run of `head_sha`; `conclusion` is `None` while it runs.
pub fn check_run(id: i64, name: &str, head_sha: &str, conclusion: Option<&str>) -> Value {
    let mut run = example(CHECK_RUNS)["check_runs"][0].clone();
    run["id"] = json!(id);
    run["name"] = json!(name);
    run["head_sha"] = json!(head_sha);
    run["status"] = json!(if conclusion.is_some() {
        "completed"
    } else {
        "in_progress"
    });
    run["conclusion"] = json!(conclusion);
    run["html_url"] = json!(format!("https://github.com/acme/widget/runs/{id}"));
    run
}

/// A commit status: `state` is `success`, `failure`, `error` or `pending`.
pub fn commit_status(context: &str, state: &str, description: &str) -> Value {
    let mut status = example(STATUS)["statuses"][0].clone();
    status["context"] = json!(context);
    status["state"] = json!(state);
    status["description"] = json!(description);
    status
}

/// A workflow run of `head_sha`; `conclusion` is `None` while it runs.
pub fn workflow_run(
    id: i64,
    workflow_id: i64,
    name: &str,
    head_sha: &str,
    attempt: i64,
    conclusion: Option<&str>,
) -> Value {
    let mut run = example(WORKFLOW_RUNS)["workflow_runs"][0].clone();
    run["id"] = json!(id);
    run["workflow_id"] = json!(workflow_id);
    run["name"] = json!(name);
    run["head_sha"] = json!(head_sha);
    run["run_attempt"] = json!(attempt);
    run["status"] = json!(if conclusion.is_some() {
        "completed"
    } else {
        "in_progress"
    });
    run["conclusion"] = json!(conclusion);
    run
}

/// An open code scanning alert at `reference` (`refs/tags/v1.0.0`) whose rule has the given
/// security severity.
pub fn code_scanning_alert(number: i64, reference: &str, severity: &str) -> Value {
    let mut alert = example(CODE_SCANNING)[0].clone();
    alert["number"] = json!(number);
    alert["state"] = json!("open");
    alert["rule"]["security_severity_level"] = json!(severity);
    alert["most_recent_instance"]["ref"] = json!(reference);
    alert
}

/// An open Dependabot alert of `severity` about `package`.
pub fn dependabot_alert(number: i64, severity: &str, package: &str) -> Value {
    let mut alert = example(DEPENDABOT)[1].clone();
    alert["number"] = json!(number);
    alert["state"] = json!("open");
    alert["security_vulnerability"]["severity"] = json!(severity);
    alert["security_advisory"]["severity"] = json!(severity);
    alert["dependency"]["package"]["name"] = json!(package);
    alert
}

/// GitHub's example attestation with its in-toto statement about `subject_hex` (a SHA-256 in
/// hex) as `predicate_type`.
pub fn attestation(subject_hex: &str, predicate_type: &str) -> Value {
    let mut attestation = example(ATTESTATIONS)["attestations"][0].clone();
    let engine = base64::engine::general_purpose::STANDARD;
    let envelope = &mut attestation["bundle"]["dsseEnvelope"];
    let payload = engine
        .decode(envelope["payload"].as_str().expect("a payload"))
        .expect("base64");
    let mut statement: Value = serde_json::from_slice(&payload).expect("a statement");
    statement["subject"][0]["digest"]["sha256"] = json!(subject_hex);
    statement["predicateType"] = json!(predicate_type);
    envelope["payload"] = json!(engine.encode(statement.to_string()));
    attestation
}

/// The combined status of a commit, with `statuses` as its page.
pub(super) fn combined_status(sha: &str, statuses: Vec<Value>, total: usize) -> Value {
    let mut combined = example(STATUS);
    let states: Vec<&str> = statuses
        .iter()
        .filter_map(|s| s["state"].as_str())
        .collect();
    let state = if states.iter().any(|s| matches!(*s, "failure" | "error")) {
        "failure"
    } else if states.is_empty() || states.contains(&"pending") {
        "pending"
    } else {
        "success"
    };
    combined["state"] = json!(state);
    combined["sha"] = json!(sha);
    combined["total_count"] = json!(total);
    combined["statuses"] = Value::Array(statuses);
    combined
}

/// GitHub's answer to a feature it refuses: the token lacks the permission, or it is off.
pub(super) fn refusal(feature: &str) -> Value {
    let message = match feature {
        "code-scanning" => {
            "Advanced Security must be enabled for this repository to use code scanning."
        }
        "dependabot" => "Dependabot alerts are disabled for this repository.",
        _ => "Resource not accessible by personal access token",
    };
    json!({ "message": message, "documentation_url": "https://docs.github.com/rest", "status": "403" })
}
