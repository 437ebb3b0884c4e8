//! The GitHub App set-up page: what is set up, and the manifest form that sets one up.

use sqlx::SqlitePool;

use crate::{
    domain::github_app::{
        below, check_form, manifest, manifest_action, permission_label, PERMISSIONS,
    },
    error::AppError,
    model::github_app::{
        AppSummary, InstallationSummary, ManifestForm, SetupOutcome, SetupPage, SetupQuery,
    },
    state::Sites,
    store,
};

/// The set-up page for the form in `query`; `flow_state` goes with the manifest to GitHub.
pub async fn setup_page(
    pool: &SqlitePool,
    sites: &Sites,
    query: &SetupQuery,
    flow_state: &str,
    outcome: Option<SetupOutcome>,
) -> Result<SetupPage, AppError> {
    let app = store::github_app::find_app(pool)
        .await?
        .map(|app| AppSummary {
            app_id: app.app_id,
            slug: app.slug,
            name: app.name,
            owner_login: app.owner_login,
            html_url: app.html_url,
            client_id: app.client_id,
            created_at: app.created_at,
        });
    let installations = store::github_app::list_installations(pool)
        .await?
        .into_iter()
        .map(|i| InstallationSummary {
            id: i.id,
            account_login: i.account_login,
            repositories: i.repositories,
            removed: i.deleted_at.is_some(),
        })
        .collect();
    let name = query.name.clone().unwrap_or_default();
    let organization = query.organization.clone().unwrap_or_default();
    let origin = url::Url::parse(&sites.github_web)
        .map(|url| url.origin().ascii_serialization())
        .map_err(|err| format!("RELEASEDESK_GITHUB_OAUTH_URL is not an address: {err}"));
    let form = check_form(&name, &organization).and_then(|owner| {
        Ok(ManifestForm {
            origin: origin.clone()?,
            action: manifest_action(&sites.github_web, owner.organization.as_deref(), flow_state),
            manifest: manifest(&sites.public_url, &owner.name).to_string(),
            owner: owner.organization.map_or_else(
                || "your own account".to_owned(),
                |org| format!("the organisation {org}"),
            ),
        })
    });
    Ok(SetupPage {
        app,
        installations,
        name: if name.trim().is_empty() {
            crate::domain::github_app::DEFAULT_NAME.to_owned()
        } else {
            name
        },
        organization,
        form,
        permissions: PERMISSIONS
            .iter()
            .map(|(name, access)| (permission_label(name).to_owned(), (*access).to_owned()))
            .collect(),
        webhook_url: below(&sites.public_url, "webhooks/github"),
        outcome,
    })
}
