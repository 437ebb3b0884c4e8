//! What a plain form post (a browser without JavaScript) leaves in the session for the page it
//! returns to: a refusal with what was typed, a token just made, a saved form. The page takes
//! it out as it shows it, so it shows once.

use serde::{de::DeserializeOwned, Deserialize, Serialize};

use crate::{
    access::current_session,
    error::AppError,
    model::{
        checklists::ItemRefusal,
        incidents::IncidentRefusal,
        notify::NotifyRefusal,
        plans::{PlanRefusal, PublishRefusal},
        settings::Outcome,
        versions::WithdrawalRefusal,
    },
};

/// A value kept in the session under its own key.
pub trait Kept: Serialize + DeserializeOwned + Send + Sync + 'static {
    const KEY: &'static str;
    /// What it is, for the log.
    const WHAT: &'static str;
}

/// Keeps `value` for the next page. A session store that fails is logged and answered with
/// `Internal`; callers for whom the page can do without it ignore that.
pub async fn keep<K: Kept>(value: K) -> Result<(), AppError> {
    current_session()?
        .insert(K::KEY, value)
        .await
        .map_err(|err| {
            tracing::warn!(error = %err, "cannot keep the {} in the session", K::WHAT);
            AppError::Internal
        })
}

/// Takes the kept value out of the session when `belongs` says it is for this page; a value
/// for another page stays for that one.
pub async fn take<K: Kept>(belongs: impl FnOnce(&K) -> bool) -> Option<K> {
    let session = current_session().ok()?;
    let kept = session.get::<K>(K::KEY).await.ok()??;
    if !belongs(&kept) {
        return None;
    }
    let _ = session.remove_value(K::KEY).await;
    Some(kept)
}

impl Kept for ItemRefusal {
    const KEY: &'static str = "checklist_refusal";
    const WHAT: &'static str = "checklist refusal";
}

impl Kept for NotifyRefusal {
    const KEY: &'static str = "notify_refusal";
    const WHAT: &'static str = "subscription refusal";
}

impl Kept for IncidentRefusal {
    const KEY: &'static str = "incident_refusal";
    const WHAT: &'static str = "incident refusal";
}

impl Kept for WithdrawalRefusal {
    const KEY: &'static str = "withdrawal_refusal";
    const WHAT: &'static str = "withdrawal refusal";
}

/// A refused template edit: the template's kind, what was wrong and the text as typed.
#[derive(Serialize, Deserialize)]
pub struct TemplateRefusal(pub String, pub String, pub String);

impl Kept for TemplateRefusal {
    const KEY: &'static str = "template_refusal";
    const WHAT: &'static str = "template refusal";
}

/// How the settings form went, for the settings page of one repository.
#[derive(Serialize, Deserialize)]
pub struct SettingsOutcome {
    pub repository_id: i64,
    pub outcome: Outcome,
}

impl Kept for SettingsOutcome {
    const KEY: &'static str = "settings_outcome";
    const WHAT: &'static str = "settings outcome";
}

/// A token made on the tokens page of one repository, shown there once.
#[derive(Serialize, Deserialize)]
pub struct NewToken {
    pub repository_id: i64,
    pub token: String,
}

impl Kept for NewToken {
    const KEY: &'static str = "new_token";
    const WHAT: &'static str = "new token";
}

impl Kept for PlanRefusal {
    const KEY: &'static str = "plan_refusal";
    const WHAT: &'static str = "plan refusal";
}

impl Kept for PublishRefusal {
    const KEY: &'static str = "publish_refusal";
    const WHAT: &'static str = "publish refusal";
}

impl Kept for crate::model::github_app::SetupOutcome {
    const KEY: &'static str = "github_app_setup";
    const WHAT: &'static str = "GitHub App set-up";
}

/// The manifest flow's `state`: made once per session, checked when GitHub sends the person
/// back, so a code only counts when this session started the flow.
#[derive(Serialize, Deserialize)]
pub struct SetupState(pub String);

impl Kept for SetupState {
    const KEY: &'static str = "github_app_state";
    const WHAT: &'static str = "GitHub App set-up state";
}

impl SetupState {
    /// This session's state, made on first use (and kept, unlike other kept values, until the
    /// flow comes back).
    pub async fn of_session() -> Result<String, AppError> {
        let session = current_session()?;
        if let Ok(Some(SetupState(state))) = session.get::<SetupState>(Self::KEY).await {
            return Ok(state);
        }
        let state = crate::service::tokens::new_token("rds_");
        keep(SetupState(state.clone())).await?;
        Ok(state)
    }
}
