//! What the fake GitHub knows about a commit's CI and a repository's security: check runs,
//! commit statuses, workflow runs, code scanning and Dependabot alerts, and attestations. Every
//! object starts from GitHub's own example (`tests/fixtures/github/`); the builders change only
//! what ties it to a test's repository.

use std::collections::{HashMap, HashSet};

use axum::{
    extract::{Path, Query, State},
    http::{HeaderMap, StatusCode, Uri},
    response::Response,
    routing::get,
    Router,
};
use base64::Engine;
use serde_json::{json, Value};

use super::{answer_object, answer_page, page_of, repo_items, respond, PageQuery, Shared};

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
fn combined_status(sha: &str, statuses: Vec<Value>, total: usize) -> Value {
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
fn refusal(feature: &str) -> Value {
    let message = match feature {
        "code-scanning" => {
            "Advanced Security must be enabled for this repository to use code scanning."
        }
        "dependabot" => "Dependabot alerts are disabled for this repository.",
        _ => "Resource not accessible by personal access token",
    };
    json!({ "message": message, "documentation_url": "https://docs.github.com/rest", "status": "403" })
}

/// The routes of GitHub's evidence endpoints.
pub(super) fn router() -> Router<Shared> {
    Router::new()
        .route(
            "/repos/{owner}/{repo}/commits/{sha}/check-runs",
            get(check_runs),
        )
        .route("/repos/{owner}/{repo}/commits/{sha}/status", get(status))
        .route("/repos/{owner}/{repo}/actions/runs", get(workflow_runs))
        .route("/repos/{owner}/{repo}/{feature}/alerts", get(alerts))
        .route(
            "/repos/{owner}/{repo}/attestations/{digest}",
            get(attestations),
        )
}

#[derive(serde::Deserialize)]
struct Filters {
    head_sha: Option<String>,
    #[serde(rename = "ref")]
    reference: Option<String>,
    state: Option<String>,
    severity: Option<String>,
}

/// The repository's evidence of one kind, or GitHub's refusal when the feature is refused.
fn evidence_of<R>(
    state: &Shared,
    owner: &str,
    repo: &str,
    feature: &str,
    read: impl FnOnce(&FakeEvidence) -> R,
) -> Result<Option<R>, Value> {
    let found = repo_items(state, owner, repo, |r| {
        if r.evidence.refused.contains(feature) {
            Err(refusal(feature))
        } else {
            Ok(read(&r.evidence))
        }
    });
    found.transpose()
}

/// The runs whose `head_sha` is `sha`; every run without one.
fn of_commit(runs: &[Value], sha: Option<&str>) -> Vec<Value> {
    runs.iter()
        .filter(|run| sha.is_none_or(|sha| run["head_sha"] == sha))
        .cloned()
        .collect()
}

/// A page of evidence as `wrap` puts it in a body, or GitHub's refusal.
async fn answer_evidence(
    state: &Shared,
    uri: &Uri,
    headers: &HeaderMap,
    found: Result<Option<(Vec<Value>, usize)>, Value>,
    query: &PageQuery,
    wrap: impl FnOnce(Vec<Value>, usize) -> Value,
) -> Response {
    match found {
        Ok(page) => answer_page(state, uri, headers, page, query, wrap).await,
        Err(body) => respond(state, uri, headers, StatusCode::FORBIDDEN, body, Vec::new()).await,
    }
}

async fn check_runs(
    State(state): State<Shared>,
    Path((owner, repo, sha)): Path<(String, String, String)>,
    Query(query): Query<PageQuery>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let runs = evidence_of(&state, &owner, &repo, "check-runs", |e| {
        page_of(&of_commit(&e.check_runs, Some(&sha)), &query, Value::clone)
    });
    answer_evidence(
        &state,
        &uri,
        &headers,
        runs,
        &query,
        |runs, total| json!({ "total_count": total, "check_runs": runs }),
    )
    .await
}

async fn status(
    State(state): State<Shared>,
    Path((owner, repo, sha)): Path<(String, String, String)>,
    Query(query): Query<PageQuery>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let statuses = evidence_of(&state, &owner, &repo, "status", |e| {
        let statuses = e.statuses.get(&sha).map_or(&[][..], Vec::as_slice);
        page_of(statuses, &query, Value::clone)
    });
    answer_evidence(
        &state,
        &uri,
        &headers,
        statuses,
        &query,
        |statuses, total| combined_status(&sha, statuses, total),
    )
    .await
}

async fn workflow_runs(
    State(state): State<Shared>,
    Path((owner, repo)): Path<(String, String)>,
    Query(query): Query<PageQuery>,
    Query(filters): Query<Filters>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let runs = evidence_of(&state, &owner, &repo, "actions", |e| {
        let runs = of_commit(&e.workflow_runs, filters.head_sha.as_deref());
        page_of(&runs, &query, Value::clone)
    });
    answer_evidence(
        &state,
        &uri,
        &headers,
        runs,
        &query,
        |runs, total| json!({ "total_count": total, "workflow_runs": runs }),
    )
    .await
}

/// Open alerts in the given state, at the given ref or of the given severities: code
/// scanning's (`/code-scanning/alerts`) or Dependabot's (`/dependabot/alerts`).
async fn alerts(
    State(state): State<Shared>,
    Path((owner, repo, feature)): Path<(String, String, String)>,
    Query(query): Query<PageQuery>,
    Query(filters): Query<Filters>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    // Where each kind of alert keeps its severity.
    let severity = match feature.as_str() {
        "code-scanning" => ["rule", "security_severity_level"],
        "dependabot" => ["security_vulnerability", "severity"],
        _ => return answer_object(&state, &uri, &headers, None).await,
    };
    let alerts = evidence_of(&state, &owner, &repo, &feature, |e| {
        let list = if feature == "dependabot" {
            &e.dependabot
        } else {
            &e.code_scanning
        };
        let alerts: Vec<Value> = list
            .iter()
            .filter(|a| {
                filters
                    .state
                    .as_deref()
                    .is_none_or(|state| a["state"] == state)
            })
            .filter(|a| {
                filters
                    .reference
                    .as_deref()
                    .is_none_or(|reference| a["most_recent_instance"]["ref"] == reference)
            })
            .filter(|a| {
                filters.severity.as_deref().is_none_or(|wanted| {
                    wanted.split(',').any(|s| a[severity[0]][severity[1]] == s)
                })
            })
            .cloned()
            .collect();
        page_of(&alerts, &query, Value::clone)
    });
    answer_evidence(&state, &uri, &headers, alerts, &query, |alerts, _| {
        Value::Array(alerts)
    })
    .await
}

/// The attestations of a digest; GitHub answers 404 when it has none.
async fn attestations(
    State(state): State<Shared>,
    Path((owner, repo, digest)): Path<(String, String, String)>,
    Query(query): Query<PageQuery>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let found = evidence_of(&state, &owner, &repo, "attestations", |e| {
        e.attestations
            .get(&digest)
            .filter(|list| !list.is_empty())
            .map(|list| page_of(list, &query, Value::clone))
    });
    answer_evidence(
        &state,
        &uri,
        &headers,
        found.map(Option::flatten),
        &query,
        |list, _| json!({ "attestations": list }),
    )
    .await
}
