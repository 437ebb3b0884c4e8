use chrono::{DateTime, Utc};
use sqlx::SqlitePool;

use crate::{
    domain::checklist::{due_at, due_base, is_overdue, urgency, ItemState},
    model::checklists::OpenItemView,
    store::{self, repositories::Repository},
};

/// Every open item across the repository's versions: overdue first (longest overdue on top),
/// then by due time, then the rest.
pub async fn open_items(
    pool: &SqlitePool,
    repository: &Repository,
    now: DateTime<Utc>,
) -> sqlx::Result<Vec<OpenItemView>> {
    let mut items: Vec<OpenItemView> = store::checklists::open_items(pool, repository.id)
        .await?
        .into_iter()
        .map(|item| {
            let due = due_at(
                due_base(item.released_at, item.started_by_hand_at),
                item.due_minutes,
            );
            OpenItemView {
                tag: item.tag,
                item_id: item.item_id,
                section: item.section,
                text: item.text,
                due_at: due,
                overdue: is_overdue(ItemState::Open, due, now),
            }
        })
        .collect();
    // Stable: within the same urgency, versions stay newest first and items in template order.
    items.sort_by_key(|item| urgency(item.due_at));
    Ok(items)
}
