use std::collections::{hash_map::Entry, HashMap};

use chrono::{DateTime, Utc};
use sqlx::SqlitePool;

use crate::{
    domain::checklist::{
        due_at, due_base,
        evidence::{waits_on_ci, Facts},
        is_overdue, urgency, ItemState,
    },
    model::checklists::OpenItemView,
    store::{self, repositories::Repository},
};

/// Every open item across the repository's versions: overdue first (longest overdue on top),
/// then by due time, then the rest. Each says whether it only waits on CI.
pub async fn open_items(
    pool: &SqlitePool,
    repository: &Repository,
    now: DateTime<Utc>,
) -> sqlx::Result<Vec<OpenItemView>> {
    let open = store::checklists::open_items(pool, repository.id).await?;
    // What GitHub's sources said, read once per version that has an item they decide.
    let mut facts: HashMap<i64, Facts> = HashMap::new();
    for item in open.iter().filter(|i| i.evidence.is_some()) {
        if let Entry::Vacant(slot) = facts.entry(item.version_id) {
            let snapshots = store::evidence::latest(pool, item.version_id)
                .await?
                .into_iter()
                .map(|snapshot| (snapshot.reading.kind, snapshot))
                .collect();
            slot.insert(Facts {
                snapshots,
                ..Facts::default()
            });
        }
    }
    let mut items: Vec<OpenItemView> = open
        .into_iter()
        .map(|item| {
            let due = due_at(
                due_base(item.released_at, item.started_by_hand_at),
                item.due_minutes,
            );
            let waiting_on_ci = match (&item.evidence, facts.get(&item.version_id)) {
                (Some(rule), Some(facts)) => waits_on_ci(rule, facts),
                _ => false,
            };
            OpenItemView {
                tag: item.tag,
                item_id: item.item_id,
                section: item.section,
                text: item.text,
                due_at: due,
                overdue: is_overdue(ItemState::Open, due, now),
                waiting_on_ci,
            }
        })
        .collect();
    // Stable: within the same urgency, versions stay newest first and items in template order.
    items.sort_by_key(|item| urgency(item.due_at));
    Ok(items)
}
