//! A repository's settings: the support policy, the tag prefix and the product slug. The REST
//! route and the settings page both change them through here.

use serde_json::{json, Map, Value};
use sqlx::SqlitePool;

use crate::{
    domain::support::Policy,
    error::AppError,
    model::settings::{SettingsForm, SettingsValues},
    store::{self, repositories::Repository},
};

/// Settings after a PATCH, before they are stored.
#[derive(Debug, PartialEq, Eq)]
pub struct Changed {
    pub policy: Policy,
    pub tag_prefix: String,
    /// `None` goes back to the repository's name.
    pub product: Option<String>,
    pub mirror_withdrawals: bool,
}

/// Stores `changed`: a product slug another repository uses is refused, and every tag is read
/// again when the prefix or the 0.x rule changed, all in one transaction.
pub async fn save(
    pool: &SqlitePool,
    repository: &Repository,
    changed: &Changed,
) -> Result<(), AppError> {
    if let Some(product) = &changed.product {
        if let Some(other) = store::repositories::find_by_product(pool, product).await? {
            if other.id != repository.id {
                return Err(AppError::validation([(
                    "product",
                    format!("'{product}' is taken by {}/{}", other.owner, other.name),
                )]));
            }
        }
    }
    let mut tx = pool.begin().await?;
    store::repositories::update_settings(
        &mut tx,
        repository,
        &store::repositories::Settings {
            policy: changed.policy,
            tag_prefix: &changed.tag_prefix,
            product: changed.product.as_deref(),
            mirror_withdrawals: changed.mirror_withdrawals,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The settings of a repository as the page edits them.
pub fn values(repository: &Repository) -> SettingsValues {
    let policy = repository.policy();
    SettingsValues {
        security_months: policy.security_months,
        supported_lines: policy.supported_lines,
        zero_major_lines: policy.zero_major_lines,
        tag_prefix: repository.tag_prefix.clone(),
        product: if repository.product == repository.name {
            String::new()
        } else {
            repository.product.clone()
        },
        mirror_withdrawals: repository.mirror_withdrawals,
    }
}

/// The settings with `changes` applied, or every field that is wrong and why.
pub fn apply_changes(
    repository: &Repository,
    changes: &Map<String, Value>,
) -> Result<Changed, Vec<(String, String)>> {
    let mut policy = repository.policy();
    let mut tag_prefix = repository.tag_prefix.clone();
    let mut product = (repository.product != repository.name).then(|| repository.product.clone());
    let mut mirror_withdrawals = repository.mirror_withdrawals;
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
            "tag_prefix" => match value.as_str() {
                Some(prefix) if is_tag_prefix(prefix) => tag_prefix = prefix.to_owned(),
                _ => problem("text of at most 50 characters, without spaces, e.g. \"v\" or \"app-v\""),
            },
            "product" => match value {
                Value::Null => product = None,
                Value::String(slug) if is_product_slug(slug) => product = Some(slug.clone()),
                _ => problem("lower-case letters, digits, '.', '-' or '_', at most 64; or null for the repository's name"),
            },
            "mirror_withdrawals" => match value.as_bool() {
                Some(mirror) => mirror_withdrawals = mirror,
                None => problem("true or false"),
            },
            "repository" => problem("cannot be changed"),
            _ => problem("not a setting; the settings are security_months, supported_lines, zero_major_lines, tag_prefix, product and mirror_withdrawals"),
        }
    }
    if problems.is_empty() {
        Ok(Changed {
            policy,
            tag_prefix,
            product,
            mirror_withdrawals,
        })
    } else {
        Err(problems)
    }
}

/// The settings form's fields as the REST route's JSON changes: numbers that do not parse stay
/// text, so they are refused with the same words.
pub fn form_changes(form: &SettingsForm) -> Map<String, Value> {
    let number = |text: &str| {
        text.trim()
            .parse::<i64>()
            .map_or_else(|_| json!(text), |n| json!(n))
    };
    let product = match form.product.trim() {
        "" => Value::Null,
        slug => json!(slug),
    };
    [
        ("security_months", number(&form.security_months)),
        ("supported_lines", number(&form.supported_lines)),
        ("zero_major_lines", json!(form.zero_major_lines.is_some())),
        ("tag_prefix", json!(form.tag_prefix.trim())),
        ("product", product),
        (
            "mirror_withdrawals",
            json!(form.mirror_withdrawals.is_some()),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

fn is_tag_prefix(prefix: &str) -> bool {
    prefix.chars().count() <= 50 && !prefix.chars().any(|c| c.is_whitespace() || c.is_control())
}

fn is_product_slug(slug: &str) -> bool {
    let mut chars = slug.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && slug.len() <= 64
        && chars
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn changes(value: Value) -> Map<String, Value> {
        value.as_object().cloned().expect("an object")
    }

    fn repository() -> Repository {
        Repository {
            id: 1,
            owner: "acme".into(),
            name: "orbit".into(),
            description: String::new(),
            tag_prefix: "v".into(),
            zero_major_lines: true,
            security_months: 6,
            supported_lines: 2,
            product: "orbit".into(),
            mirror_withdrawals: false,
            installation_id: None,
            sync_stopped: false,
        }
    }

    #[test]
    fn applies_valid_changes_and_names_wrong_fields() {
        let repo = repository();
        let policy = repo.policy();
        let changed = apply_changes(
            &repo,
            &changes(json!({"security_months": 12, "zero_major_lines": false, "tag_prefix": "orbit-v", "product": "orbit-scheduler"})),
        )
        .expect("valid");
        assert_eq!(changed.policy.security_months, 12);
        assert!(!changed.policy.zero_major_lines);
        assert_eq!(changed.policy.supported_lines, policy.supported_lines);
        assert_eq!(changed.tag_prefix, "orbit-v");
        assert_eq!(changed.product.as_deref(), Some("orbit-scheduler"));
        let reset = apply_changes(&repo, &changes(json!({"product": null}))).expect("valid");
        assert_eq!(reset.product, None);
        assert_eq!(reset.tag_prefix, "v");

        for (field, value) in [
            ("product", json!("Orbit Scheduler")),
            ("product", json!("")),
            ("tag_prefix", json!("has space")),
            ("tag_prefix", json!(7)),
        ] {
            let problems =
                apply_changes(&repo, &changes(json!({ field: value }))).expect_err("invalid");
            assert_eq!(problems[0].0, field);
        }

        let problems = apply_changes(
            &repo,
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
        assert!(apply_changes(&repo, &changes(json!({"security_months": 6.5}))).is_err());
    }
}
