//! `GET|PATCH /api/v1/repos/{owner}/{repo}/settings`: the repository's policy settings. Reading
//! is public (the policy shapes every public answer); changing needs a maintainer in person.

use app::{
    access::require,
    domain::{access::Caller, access::Need, support::Policy},
    error::AppError,
    state::AppState,
    store::{self, repositories::Repository},
};
use axum::{
    body::Bytes,
    extract::{Path, State},
    routing::get,
    Extension, Json, Router,
};
use serde::Serialize;
use serde_json::{Map, Value};
use sqlx::SqlitePool;

pub fn router() -> Router<AppState> {
    Router::new().route(
        "/api/v1/repos/{owner}/{repo}/settings",
        get(get_settings).patch(patch_settings),
    )
}

#[derive(Debug, Serialize)]
struct Settings {
    repository: String,
    tag_prefix: String,
    security_months: u32,
    supported_lines: usize,
    zero_major_lines: bool,
}

impl Settings {
    fn of(repository: &Repository) -> Settings {
        let policy = repository.policy();
        Settings {
            repository: format!("{}/{}", repository.owner, repository.name),
            tag_prefix: repository.tag_prefix.clone(),
            security_months: policy.security_months,
            supported_lines: policy.supported_lines,
            zero_major_lines: policy.zero_major_lines,
        }
    }
}

async fn get_settings(
    State(pool): State<SqlitePool>,
    Path((owner, name)): Path<(String, String)>,
) -> Result<Json<Settings>, AppError> {
    let repository = super::tracked(&pool, &owner, &name).await?;
    Ok(Json(Settings::of(&repository)))
}

/// Changes any of `security_months`, `supported_lines`, `zero_major_lines`; the rest stay.
async fn patch_settings(
    State(pool): State<SqlitePool>,
    Extension(caller): Extension<Caller>,
    Path((owner, name)): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<Settings>, AppError> {
    let repository = super::tracked(&pool, &owner, &name).await?;
    require(&pool, &caller, &repository, Need::Maintainer).await?;
    let changes: Map<String, Value> = serde_json::from_slice(&body).map_err(|err| {
        AppError::BadRequest(format!("the body must be a JSON object of settings: {err}"))
    })?;
    let policy = apply_changes(repository.policy(), &changes).map_err(AppError::validation)?;
    store::repositories::update_policy(&pool, repository.id, &policy).await?;
    let updated = super::tracked(&pool, &owner, &name).await?;
    Ok(Json(Settings::of(&updated)))
}

/// The policy with `changes` applied, or every field that is wrong and why.
fn apply_changes(
    mut policy: Policy,
    changes: &Map<String, Value>,
) -> Result<Policy, Vec<(String, String)>> {
    let mut problems = Vec::new();
    for (field, value) in changes {
        let mut problem = |text: &str| problems.push((field.clone(), text.to_owned()));
        match field.as_str() {
            "security_months" => match value.as_u64().and_then(|m| u32::try_from(m).ok()) {
                Some(months) if months <= 120 => policy.security_months = months,
                _ => problem("a whole number of months from 0 to 120"),
            },
            "supported_lines" => match value.as_u64().and_then(|n| usize::try_from(n).ok()) {
                Some(lines) if (1..=20).contains(&lines) => policy.supported_lines = lines,
                _ => problem("a whole number from 1 to 20"),
            },
            "zero_major_lines" => match value.as_bool() {
                Some(rule) => policy.zero_major_lines = rule,
                None => problem("true or false"),
            },
            "tag_prefix" | "repository" => problem("cannot be changed here"),
            _ => problem("not a setting; the settings are security_months, supported_lines and zero_major_lines"),
        }
    }
    if problems.is_empty() {
        Ok(policy)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn changes(value: Value) -> Map<String, Value> {
        value.as_object().cloned().expect("an object")
    }

    #[test]
    fn applies_valid_changes_and_names_wrong_fields() {
        let policy = Policy::default();
        let changed = apply_changes(
            policy,
            &changes(json!({"security_months": 12, "zero_major_lines": false})),
        )
        .expect("valid");
        assert_eq!(changed.security_months, 12);
        assert!(!changed.zero_major_lines);
        assert_eq!(changed.supported_lines, policy.supported_lines);

        let problems = apply_changes(
            policy,
            &changes(json!({"security_months": -1, "supported_lines": 0, "zero_major_lines": "yes", "colour": 1})),
        )
        .expect_err("invalid");
        let fields: Vec<&str> = problems.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(
            fields,
            [
                "colour",
                "security_months",
                "supported_lines",
                "zero_major_lines"
            ]
        );
        assert!(apply_changes(policy, &changes(json!({"security_months": 6.5}))).is_err());
    }
}
