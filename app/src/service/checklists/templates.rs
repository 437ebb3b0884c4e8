use chrono::Utc;
use sqlx::SqlitePool;

use super::current_template;
use crate::{
    domain::checklist::{template::Template, TemplateKind},
    error::AppError,
    model::checklists::TemplateEditor,
    store::{self, repositories::Repository},
};

/// The release type named `kind`, or a 404 that lists them.
pub fn parse_kind(kind: &str) -> Result<TemplateKind, AppError> {
    TemplateKind::parse(kind).ok_or_else(|| {
        AppError::NotFound(format!(
            "'{kind}' is not a template; they are stable, patch, hotfix, rc, beta and alpha"
        ))
    })
}

/// The current template of `kind` as its editor shows it, without a refusal.
pub async fn editor(
    pool: &SqlitePool,
    repository: &Repository,
    kind: TemplateKind,
) -> Result<TemplateEditor, AppError> {
    let (revision, template) = current_template(pool, repository.id, kind).await?;
    Ok(TemplateEditor {
        owner: repository.owner.clone(),
        name: repository.name.clone(),
        kind,
        revision,
        text: template.to_text(),
        refusal: None,
    })
}

/// Saves an edit of the template of `kind` as a new revision and returns it. Checklists made
/// from older revisions keep their items. `revision` is the revision the edit started from: an
/// edit of an older one is refused.
pub async fn save_template(
    pool: &SqlitePool,
    repository: &Repository,
    kind: TemplateKind,
    revision: i64,
    text: &str,
    by: &str,
) -> Result<i64, AppError> {
    let template =
        Template::parse(text).map_err(|err| AppError::validation([("text", err.to_string())]))?;
    let (current, _) = current_template(pool, repository.id, kind).await?;
    let stale = || {
        AppError::Conflict(format!(
            "someone saved revision {} of this template while you were editing; \
             your text is below: compare it with the current template and save again",
            current.max(revision + 1)
        ))
    };
    if current != revision {
        return Err(stale());
    }
    let saved = store::checklists::save_template(
        pool,
        repository.id,
        kind,
        revision + 1,
        &template.to_text(),
        by,
        Utc::now(),
    )
    .await?;
    if saved {
        Ok(revision + 1)
    } else {
        Err(stale())
    }
}
