//! The settings page: the support policy, the tag prefix and the product slug.

use leptos::{prelude::*, server_fn::codec::GetUrl};

use crate::{
    error::AppError,
    model::{
        repositories::RepoRef,
        settings::{SettingsForm, SettingsPage},
    },
};

#[server(prefix = "/sfn", endpoint = "get_settings", input = GetUrl)]
pub async fn get_settings(#[server(flatten)] repo_ref: RepoRef) -> Result<SettingsPage, AppError> {
    use crate::{
        access,
        request::kept::{self, SettingsOutcome},
        service::settings,
        state::app_state,
    };

    let pool = app_state()?.pool;
    let repository = access::maintained(&pool, &repo_ref.owner, &repo_ref.repo).await?;
    let outcome = kept::take(|kept: &SettingsOutcome| kept.repository_id == repository.id)
        .await
        .map(|kept| kept.outcome);
    Ok(SettingsPage {
        values: settings::values(&repository),
        owner: repository.owner,
        name: repository.name,
        outcome,
    })
}

/// The settings form. Numbers arrive as typed and are checked like the REST route's JSON; the
/// outcome waits in the session for the page to show, with or without JavaScript.
#[server(prefix = "/sfn", endpoint = "save_settings")]
pub async fn save_settings(#[server(flatten)] form: SettingsForm) -> Result<(), AppError> {
    use crate::{
        access,
        model::settings::{Outcome, SettingsValuesTyped},
        request::kept::{self, SettingsOutcome},
        service::settings,
        state::app_state,
    };

    let pool = app_state()?.pool;
    let repository = access::maintained(&pool, &form.owner, &form.repo).await?;
    let result = match settings::apply_changes(&repository, &settings::form_changes(&form)) {
        Ok(changed) => settings::save(&pool, &repository, &changed).await,
        Err(problems) => Err(AppError::validation(problems)),
    };
    let outcome = match &result {
        Ok(()) => Outcome::Saved,
        Err(AppError::Validation { fields, .. }) => Outcome::Refused {
            problems: fields.clone(),
            typed: SettingsValuesTyped {
                zero_major_lines: form.zero_major_lines.is_some(),
                security_months: form.security_months,
                supported_lines: form.supported_lines,
                tag_prefix: form.tag_prefix,
                product: form.product,
                mirror_withdrawals: form.mirror_withdrawals.is_some(),
            },
        },
        Err(_) => return result,
    };
    kept::keep(SettingsOutcome {
        repository_id: repository.id,
        outcome,
    })
    .await?;
    result
}
