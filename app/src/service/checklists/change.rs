use chrono::Utc;
use sqlx::SqlitePool;

use super::load::load_item;
use crate::{
    domain::checklist::validate_change,
    error::AppError,
    model::checklists::ItemView,
    service::versions::checklist_version,
    store::{
        self,
        checklists::{Change, Changed},
        repositories::Repository,
    },
};

/// A change of one item, as asked for: the state and note are checked before use.
#[derive(Clone, Copy)]
pub struct ChangeRequest<'a> {
    pub item_id: i64,
    pub state: &'a str,
    pub note: &'a str,
    /// The revision the change is based on; `None` applies it to whatever is current.
    pub expected_revision: Option<i64>,
    pub by: &'a str,
}

/// Why a change was refused with 409: someone changed the item first.
pub struct Stale {
    pub current: ItemView,
}

/// Changes one item of a version's checklist, refusing a change based on an older revision.
/// The caller must already be allowed to change checklists of the repository.
pub async fn change_item(
    pool: &SqlitePool,
    repository: &Repository,
    text: &str,
    request: &ChangeRequest<'_>,
) -> Result<Result<ItemView, Stale>, AppError> {
    let ChangeRequest {
        item_id,
        state,
        note,
        expected_revision,
        by,
    } = *request;
    let (state, note) = validate_change(state, note).map_err(AppError::validation)?;
    let (_, version_id) = checklist_version(pool, repository, text).await?;
    let checklist = store::checklists::find(pool, version_id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("{text} has no checklist")))?;
    let change = Change {
        state,
        note: &note,
        by,
        expected_revision,
    };
    let now = Utc::now();
    let outcome = store::checklists::change_item(pool, checklist.id, item_id, &change, now).await?;
    // Read back through `load` so the answer carries due time, overdue and evidence.
    match outcome {
        Changed::Applied(record) | Changed::Unchanged(record) => {
            Ok(Ok(load_item(pool, repository, text, record.id, now).await?))
        }
        Changed::Stale(record) => Ok(Err(Stale {
            current: load_item(pool, repository, text, record.id, now).await?,
        })),
        Changed::NotFound => Err(AppError::NotFound(format!(
            "the checklist of {text} has no item {item_id}"
        ))),
    }
}
