//! The support page's data: every line's window and the version check.

use chrono::NaiveDate;
use leptos::{prelude::*, server_fn::codec::GetUrl};
use serde::{Deserialize, Serialize};

use crate::{
    domain::{
        support::{LineSupport, Policy, VersionCheck},
        timeline::Timeline,
    },
    error::AppError,
};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SupportOverview {
    pub owner: String,
    pub name: String,
    pub today: NaiveDate,
    pub policy: Policy,
    /// Newest line first.
    pub lines: Vec<LineSupport>,
    pub timeline: Timeline,
}

/// `None` when the repository is not tracked.
#[server(prefix = "/sfn", endpoint = "get_support", input = GetUrl)]
pub async fn get_support(owner: String, repo: String) -> Result<Option<SupportOverview>, AppError> {
    use crate::{
        domain::{support::support_windows, timeline::timeline},
        state::app_state,
        store,
    };

    let pool = app_state()?.pool;
    let Some(repository) = store::repositories::find(&pool, &owner, &repo).await? else {
        return Ok(None);
    };
    let releases = store::versions::support_releases(&pool, repository.id).await?;
    let today = chrono::Utc::now().date_naive();
    let policy = repository.policy();
    let lines = support_windows(&releases, &policy, today);
    Ok(Some(SupportOverview {
        timeline: timeline(&lines, today),
        owner: repository.owner,
        name: repository.name,
        today,
        policy,
        lines,
    }))
}

/// A version check with the open incidents that affect the version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckOutcome {
    pub check: VersionCheck,
    pub incidents: crate::api::incidents::Affecting,
}

/// Checks a version or tag as typed; a text that is no version is a 400 with the reason.
#[server(prefix = "/sfn", endpoint = "check_support", input = GetUrl)]
pub async fn check_support(
    owner: String,
    repo: String,
    version: String,
) -> Result<CheckOutcome, AppError> {
    use crate::{
        domain::{
            support::{check_version, support_windows},
            version::parse_tag,
        },
        state::app_state,
        store,
    };

    let pool = app_state()?.pool;
    let repository = store::repositories::find(&pool, &owner, &repo)
        .await?
        .ok_or_else(|| {
            AppError::NotFound(format!("the repository {owner}/{repo} is not tracked"))
        })?;
    let version = parse_tag(version.trim(), &repository.tag_prefix)
        .map_err(|err| AppError::BadRequest(err.to_string()))?;
    let releases = store::versions::support_releases(&pool, repository.id).await?;
    let today = chrono::Utc::now().date_naive();
    let policy = repository.policy();
    let windows = support_windows(&releases, &policy, today);
    let incidents = crate::api::incidents::affecting(&pool, repository.id, &version).await?;
    Ok(CheckOutcome {
        check: check_version(&version, &releases, &windows, &policy, today),
        incidents,
    })
}
