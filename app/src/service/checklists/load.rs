use chrono::{DateTime, Utc};
use sqlx::SqlitePool;

use crate::{
    domain::{
        checklist::{
            due_base, group_sections, to_markdown, ItemState, ItemStatus, MarkdownItem, Progress,
            TemplateKind,
        },
        evidence::SourceKind,
    },
    error::AppError,
    model::{
        checklists::{ChecklistView, ItemView, LogEntry, SectionView},
        evidence::Verified,
    },
    service::{self, versions::checklist_version},
    store::{self, checklists::ItemRecord, repositories::Repository},
};

/// The checklist of the public version `text` (a tag or version): `Ok(None)` when the version
/// has none. A version the repository does not have is a 404.
pub async fn load(
    pool: &SqlitePool,
    repository: &Repository,
    text: &str,
    now: DateTime<Utc>,
) -> Result<Option<ChecklistView>, AppError> {
    let (version, version_id) = checklist_version(pool, repository, text).await?;
    let Some(checklist) = store::checklists::find(pool, version_id).await? else {
        return Ok(None);
    };
    let detail = store::versions::find_public_or_planned(pool, repository.id, &version.to_string())
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no version {text}")))?;
    let records = store::checklists::items(pool, checklist.id).await?;

    let facts = service::evidence::facts(pool, repository, version_id, &detail, &records).await?;

    let started_by_hand_at = checklist
        .created_by
        .is_some()
        .then_some(checklist.created_at);
    let due_from = due_base(detail.released_at, started_by_hand_at);
    let items = records.into_iter().map(|record| {
        let state = record.state();
        let status = ItemStatus::of(
            &service::evidence::item_facts(&record),
            due_from,
            &facts,
            now,
        );
        let verified = verified(&record);
        let item = ItemView {
            id: record.id,
            state,
            due_at: status.due_at,
            overdue: status.overdue,
            by: record.changed_by,
            at: record.changed_at,
            contradicted: status.contradicted,
            evidence_changed: status.evidence_changed,
            verified,
            evidence: status.evidence,
            revision: record.revision,
            text: record.text,
            note: record.note,
        };
        (record.section, item)
    });
    let sections: Vec<SectionView> = group_sections(items)
        .into_iter()
        .map(|(title, items)| SectionView {
            progress: Progress::of(items.iter().map(|i| i.state)),
            title,
            items,
        })
        .collect();
    let progress = Progress::of(
        sections
            .iter()
            .flat_map(|s| s.items.iter().map(|i| i.state)),
    );
    let markdown = to_markdown(
        &detail.tag,
        sections.iter().map(|section| {
            let items = section
                .items
                .iter()
                .map(|item| MarkdownItem {
                    text: &item.text,
                    state: item.state,
                    note: &item.note,
                    due_at: item.due_at,
                })
                .collect();
            (section.title.as_str(), items)
        }),
        now,
    );
    let log = store::checklists::changes(pool, checklist.id)
        .await?
        .into_iter()
        .map(|change| LogEntry {
            item_id: change.item_id,
            item_text: change.item_text,
            state: ItemState::parse(&change.state).unwrap_or(ItemState::Open),
            note: change.note,
            by: change.changed_by,
            at: change.changed_at,
        })
        .collect();
    Ok(Some(ChecklistView {
        tag: detail.tag,
        version: detail.version,
        template: TemplateKind::parse(&checklist.template_kind).unwrap_or(TemplateKind::Stable),
        template_revision: checklist.template_revision,
        released_at: detail.released_at,
        progress,
        verified: sections
            .iter()
            .flat_map(|s| &s.items)
            .filter(|i| i.verified.is_some())
            .count()
            .try_into()
            .unwrap_or(u32::MAX),
        sections,
        log,
        markdown,
    }))
}

/// What ticked an item by evidence, while no person has changed it since.
fn verified(record: &ItemRecord) -> Option<Verified> {
    Some(Verified {
        kind: SourceKind::parse(record.verified_kind.as_deref()?)?,
        captured_at: record.verified_at?,
    })
}

/// One item of the checklist of `text`, as `load` shows it; 404 when there is no such item.
pub(super) async fn load_item(
    pool: &SqlitePool,
    repository: &Repository,
    text: &str,
    item_id: i64,
    now: DateTime<Utc>,
) -> Result<ItemView, AppError> {
    load(pool, repository, text, now)
        .await?
        .and_then(|checklist| {
            checklist
                .sections
                .into_iter()
                .flat_map(|s| s.items)
                .find(|item| item.id == item_id)
        })
        .ok_or_else(|| AppError::NotFound(format!("the checklist of {text} has no item {item_id}")))
}
