//! Checklists, their items, the append-only log of changes, and edited templates.

use crate::store::db::{per_database, shared, Exec};
use chrono::{DateTime, Utc};

/// How many of a version's items are in a state.
struct StateCount {
    tag: String,
    state: String,
    count: i64,
}

/// A template's edit: its revision and text.
struct TemplateRow {
    revision: i64,
    body: String,
}

use crate::domain::checklist::{evidence::Basis, ItemState, NewItem, SetBy, TemplateKind};

/// Who a tick by evidence is recorded as: no GitHub login has a space, so no person is.
pub const EVIDENCE_ACTOR: &str = "GitHub evidence";

/// A version's checklist.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChecklistRecord {
    pub id: i64,
    pub template_kind: String,
    pub template_revision: i64,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<String>,
}

/// One item as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemRecord {
    pub id: i64,
    pub section: String,
    pub text: String,
    pub due_minutes: Option<i64>,
    pub evidence: Option<String>,
    pub state: String,
    pub note: String,
    pub changed_by: Option<String>,
    pub changed_at: Option<DateTime<Utc>>,
    pub revision: i64,
    /// Set when evidence ticked it: the source that proved it, and when that was read.
    pub verified_kind: Option<String>,
    pub verified_at: Option<DateTime<Utc>>,
}

impl ItemRecord {
    pub fn state(&self) -> ItemState {
        ItemState::parse(&self.state).unwrap_or(ItemState::Open)
    }

    pub fn set_by(&self) -> SetBy {
        match (&self.verified_kind, &self.changed_by) {
            (Some(_), _) => SetBy::Evidence,
            (None, Some(_)) => SetBy::Person,
            (None, None) => SetBy::Nobody,
        }
    }
}

/// A version that has none yet: a candidate for a checklist.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VersionWithout {
    pub version_id: i64,
    pub version: String,
    pub title: String,
    pub released_at: Option<DateTime<Utc>>,
}

/// The repository's versions (drafts too: their checklist waits for them) with no checklist.
pub async fn versions_without(
    db: impl Into<Exec<'_>>,
    repository_id: i64,
) -> sqlx::Result<Vec<VersionWithout>> {
    shared!(
        db,
        fetch_all,
        query_as!(
            VersionWithout,
            r#"SELECT v.id AS "version_id!", v.version AS "version!",
                  COALESCE(r.name, '') AS "title!: String",
                  COALESCE(r.published_at, t.tagged_at, r.created_at)
                      AS "released_at?: DateTime<Utc>"
           FROM versions v
           LEFT JOIN tags t ON t.version_id = v.id AND t.deleted_at IS NULL
           LEFT JOIN releases r ON r.version_id = v.id AND r.deleted_at IS NULL
           WHERE v.repository_id = $1 AND v.version IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM checklists c WHERE c.version_id = v.id)
           ORDER BY v.precedence"#,
            repository_id,
        )
    )
}

/// When the repository began to be tracked.
pub async fn tracked_since(
    db: impl Into<Exec<'_>>,
    repository_id: i64,
) -> sqlx::Result<DateTime<Utc>> {
    shared!(
        db,
        fetch_one,
        query_scalar!(
            r#"SELECT created_at AS "created_at!: DateTime<Utc>" FROM repositories WHERE id = $1"#,
            repository_id,
        )
    )
}

/// Creates a version's checklist with its items; `None` when it already has one.
pub async fn create(
    db: impl Into<Exec<'_>>,
    version_id: i64,
    kind: TemplateKind,
    revision: i64,
    items: &[NewItem],
    created_by: Option<&str>,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<i64>> {
    let mut db = db.into();
    let kind = kind.as_str();
    let Some(id) = shared!(
        db.reborrow(),
        fetch_optional,
        query_scalar!(
            r#"INSERT INTO checklists (version_id, template_kind, template_revision, created_at,
                                   created_by)
           VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (version_id) DO NOTHING
           RETURNING id AS "id!""#,
            version_id,
            kind,
            revision,
            now as _,
            created_by,
        )
    )?
    else {
        return Ok(None);
    };
    // One statement for all the items: the database expands the JSON array, each element's
    // index becoming the item's position.
    let items = serde_json::to_string(items).map_err(|err| sqlx::Error::Encode(Box::new(err)))?;
    per_database!(db, |connection|
        sqlite: sqlx::query!(
            "INSERT INTO checklist_items
                 (checklist_id, position, section, text, due_minutes, evidence)
             SELECT $1, j.key, json_extract(j.value, '$.section'), json_extract(j.value, '$.text'),
                    json_extract(j.value, '$.due_minutes'), json_extract(j.value, '$.evidence')
             FROM json_each($2) j",
            id,
            items,
        )
        .execute(connection)
        .await
        .map(|_| ()),
        postgres: sqlx::query!(
            "INSERT INTO checklist_items
                 (checklist_id, position, section, text, due_minutes, evidence)
             SELECT $1, j.n - 1, j.value ->> 'section', j.value ->> 'text',
                    CAST(j.value ->> 'due_minutes' AS BIGINT), j.value ->> 'evidence'
             FROM jsonb_array_elements(CAST(CAST($2 AS TEXT) AS JSONB))
                  WITH ORDINALITY AS j (value, n)",
            id,
            items,
        )
        .execute(connection)
        .await
        .map(|_| ()),
    )?;
    Ok(Some(id))
}

/// The checklist of a version.
pub async fn find(
    db: impl Into<Exec<'_>>,
    version_id: i64,
) -> sqlx::Result<Option<ChecklistRecord>> {
    shared!(
        db,
        fetch_optional,
        query_as!(
            ChecklistRecord,
            r#"SELECT id AS "id!", template_kind, template_revision,
                  created_at AS "created_at: DateTime<Utc>", created_by
           FROM checklists WHERE version_id = $1"#,
            version_id,
        )
    )
}

/// A checklist's items in template order.
pub async fn items(db: impl Into<Exec<'_>>, checklist_id: i64) -> sqlx::Result<Vec<ItemRecord>> {
    shared!(
        db,
        fetch_all,
        query_as!(
            ItemRecord,
            r#"SELECT id AS "id!", section, text, due_minutes, evidence, state, note, changed_by,
                  changed_at AS "changed_at?: DateTime<Utc>", revision, verified_kind,
                  verified_at AS "verified_at?: DateTime<Utc>"
           FROM checklist_items WHERE checklist_id = $1 ORDER BY position"#,
            checklist_id,
        )
    )
}

pub async fn item(
    db: impl Into<Exec<'_>>,
    checklist_id: i64,
    item_id: i64,
) -> sqlx::Result<Option<ItemRecord>> {
    shared!(
        db,
        fetch_optional,
        query_as!(
            ItemRecord,
            r#"SELECT id AS "id!", section, text, due_minutes, evidence, state, note, changed_by,
                  changed_at AS "changed_at?: DateTime<Utc>", revision, verified_kind,
                  verified_at AS "verified_at?: DateTime<Utc>"
           FROM checklist_items WHERE checklist_id = $1 AND id = $2"#,
            checklist_id,
            item_id,
        )
    )
}

/// A change to make to an item.
pub struct Change<'a> {
    pub state: ItemState,
    pub note: &'a str,
    pub by: &'a str,
    /// The revision the change was based on; `None` applies it to whatever is current.
    pub expected_revision: Option<i64>,
}

/// What became of a change.
#[derive(Debug, PartialEq, Eq)]
pub enum Changed {
    /// Applied and logged: the item as it now is.
    Applied(ItemRecord),
    /// The same state and note as already stored: nothing to log.
    Unchanged(ItemRecord),
    /// Based on an older revision: refused, with the item as it now is.
    Stale(ItemRecord),
    NotFound,
}

/// Applies a change if the item is still at the expected revision, and logs it, in one
/// transaction: the conditional update is what keeps two writers from losing each other's work.
pub async fn change_item(
    db: impl Into<Exec<'_>>,
    checklist_id: i64,
    item_id: i64,
    change: &Change<'_>,
    now: DateTime<Utc>,
) -> sqlx::Result<Changed> {
    let mut tx = db.into().begin().await?;
    let state = change.state.as_str();
    // The update comes first, so the transaction takes the write lock at once and never has
    // to upgrade a read.
    let applied = shared!(
        &mut tx,
        fetch_optional,
        query_scalar!(
            r#"UPDATE checklist_items
           SET state = $1, note = $2, changed_by = $3, changed_at = $4, revision = revision + 1,
               verified_kind = NULL, verified_at = NULL
           WHERE checklist_id = $5 AND id = $6
             AND (CAST($7 AS BIGINT) IS NULL OR revision = $7)
             AND NOT (state = $1 AND note = $2)
           RETURNING revision AS "revision!""#,
            state,
            change.note,
            change.by,
            now as _,
            checklist_id,
            item_id,
            change.expected_revision,
        )
    )?;
    let Some(revision) = applied else {
        let current = item(&mut tx, checklist_id, item_id).await?;
        tx.rollback().await?;
        return Ok(match current {
            None => Changed::NotFound,
            Some(current)
                if change
                    .expected_revision
                    .is_some_and(|expected| expected != current.revision) =>
            {
                Changed::Stale(current)
            }
            Some(current) => Changed::Unchanged(current),
        });
    };
    shared!(
        &mut tx,
        execute,
        query!(
            "INSERT INTO checklist_changes (item_id, state, note, revision, changed_by, changed_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
            item_id,
            state,
            change.note,
            revision,
            change.by,
            now as _,
        )
    )?;
    let current = item(&mut tx, checklist_id, item_id).await?;
    tx.commit().await?;
    Ok(current.map_or(Changed::NotFound, Changed::Applied))
}

/// Ticks an item done by evidence, if it is still open, untouched by any person and at
/// `revision`, and logs it with the reading it relied on; false when anything changed first.
pub async fn tick_by_evidence(
    db: impl Into<Exec<'_>>,
    item_id: i64,
    revision: i64,
    basis: &Basis,
    detail: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let mut db = db.into();
    let kind = basis.kind.as_str();
    let ticked = shared!(
        db.reborrow(),
        fetch_optional,
        query_scalar!(
            r#"UPDATE checklist_items
           SET state = 'done', note = $1, changed_by = $2, changed_at = $3,
               revision = revision + 1, verified_kind = $4, verified_at = $5
           WHERE id = $6 AND revision = $7 AND state = 'open' AND changed_by IS NULL
           RETURNING revision AS "revision!""#,
            detail,
            EVIDENCE_ACTOR,
            now as _,
            kind,
            basis.captured_at as _,
            item_id,
            revision,
        )
    )?;
    let Some(revision) = ticked else {
        return Ok(false);
    };
    shared!(
        db.reborrow(),
        execute,
        query!(
            "INSERT INTO checklist_changes (item_id, state, note, revision, changed_by, changed_at,
                                        snapshot_id)
         VALUES ($1, 'done', $2, $3, $4, $5, $6)",
            item_id,
            detail,
            revision,
            EVIDENCE_ACTOR,
            now as _,
            basis.snapshot_id,
        )
    )?;
    Ok(true)
}

/// One entry of the audit log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChangeRecord {
    pub item_id: i64,
    pub item_text: String,
    pub state: String,
    pub note: String,
    pub revision: i64,
    pub changed_by: String,
    pub changed_at: DateTime<Utc>,
}

/// A checklist's audit log, newest first.
pub async fn changes(
    db: impl Into<Exec<'_>>,
    checklist_id: i64,
) -> sqlx::Result<Vec<ChangeRecord>> {
    shared!(
        db,
        fetch_all,
        query_as!(
            ChangeRecord,
            r#"SELECT ch.item_id, i.text AS item_text, ch.state, ch.note, ch.revision, ch.changed_by,
                  ch.changed_at AS "changed_at: DateTime<Utc>"
           FROM checklist_changes ch
           JOIN checklist_items i ON i.id = ch.item_id
           WHERE i.checklist_id = $1
           ORDER BY ch.id DESC"#,
            checklist_id,
        )
    )
}

/// An open item of some public version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenItem {
    pub version_id: i64,
    pub tag: String,
    pub version: String,
    pub item_id: i64,
    pub section: String,
    pub text: String,
    pub due_minutes: Option<i64>,
    pub released_at: Option<DateTime<Utc>>,
    /// When a person started the checklist by hand; none when it started with the release.
    pub started_by_hand_at: Option<DateTime<Utc>>,
    pub revision: i64,
    /// The item's evidence rule, as stored.
    pub evidence: Option<String>,
}

/// Each checklist's item states by version tag: `(tag, state, count)`, for the history's
/// progress at a glance.
pub async fn state_counts(
    db: impl Into<Exec<'_>>,
    repository_id: i64,
) -> sqlx::Result<Vec<(String, String, i64)>> {
    let rows = shared!(
        db,
        fetch_all,
        query_as!(
            StateCount,
            r#"SELECT v.tag AS "tag!", i.state AS "state!", COUNT(*) AS "count!: i64"
           FROM checklist_items i
           JOIN checklists c ON c.id = i.checklist_id
           JOIN versions v ON v.id = c.version_id
           WHERE v.repository_id = $1 AND v.public
           GROUP BY v.tag, i.state"#,
            repository_id,
        )
    )?;
    Ok(rows
        .into_iter()
        .map(|r| (r.tag, r.state, r.count))
        .collect())
}

/// Every open item across the repository's public versions, newest version first.
pub async fn open_items(
    db: impl Into<Exec<'_>>,
    repository_id: i64,
) -> sqlx::Result<Vec<OpenItem>> {
    shared!(
        db,
        fetch_all,
        query_as!(
            OpenItem,
            r#"SELECT v.id AS "version_id!", v.tag, v.version AS "version!", i.id AS "item_id!",
                  i.section, i.text, i.due_minutes, i.evidence,
                  COALESCE(r.published_at, t.tagged_at) AS "released_at?: DateTime<Utc>",
                  CASE WHEN c.created_by IS NOT NULL THEN c.created_at END
                      AS "started_by_hand_at?: DateTime<Utc>",
                  i.revision
           FROM checklist_items i
           JOIN checklists c ON c.id = i.checklist_id
           JOIN versions v ON v.id = c.version_id
           LEFT JOIN tags t ON t.version_id = v.id AND t.deleted_at IS NULL
           LEFT JOIN releases r ON r.version_id = v.id AND r.deleted_at IS NULL AND NOT r.draft
           WHERE v.repository_id = $1 AND v.public AND i.state = 'open'
           ORDER BY v.precedence DESC, i.position"#,
            repository_id,
        )
    )
}

/// The newest edited revision of a template, with its text.
pub async fn edited_template(
    db: impl Into<Exec<'_>>,
    repository_id: i64,
    kind: TemplateKind,
) -> sqlx::Result<Option<(i64, String)>> {
    let kind = kind.as_str();
    let row = shared!(
        db,
        fetch_optional,
        query_as!(
            TemplateRow,
            r#"SELECT revision AS "revision!", body AS "body!" FROM checklist_templates
           WHERE repository_id = $1 AND kind = $2 ORDER BY revision DESC LIMIT 1"#,
            repository_id,
            kind,
        )
    )?;
    Ok(row.map(|row| (row.revision, row.body)))
}

/// Stores an edit as `revision`; false when another edit took that revision first.
pub async fn save_template(
    db: impl Into<Exec<'_>>,
    repository_id: i64,
    kind: TemplateKind,
    revision: i64,
    body: &str,
    by: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let kind = kind.as_str();
    let result = shared!(
        db,
        execute,
        query!(
            "INSERT INTO checklist_templates (repository_id, kind, revision, body, edited_by,
                                          edited_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT DO NOTHING",
            repository_id,
            kind,
            revision,
            body,
            by,
            now as _,
        )
    )?;
    Ok(result == 1)
}

/// What synced data holds about a version, for evidence.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VersionFacts {
    /// The live tag's commit.
    pub commit_sha: Option<String>,
    pub tagged_at: Option<DateTime<Utc>>,
    /// The published (not draft) release's publication.
    pub published_at: Option<DateTime<Utc>>,
}

pub async fn version_facts(db: impl Into<Exec<'_>>, version_id: i64) -> sqlx::Result<VersionFacts> {
    shared!(
        db,
        fetch_one,
        query_as!(
            VersionFacts,
            r#"SELECT t.commit_sha AS "commit_sha?",
                  t.tagged_at AS "tagged_at?: DateTime<Utc>",
                  r.published_at AS "published_at?: DateTime<Utc>"
           FROM versions v
           LEFT JOIN tags t ON t.version_id = v.id AND t.deleted_at IS NULL
           LEFT JOIN releases r ON r.version_id = v.id AND r.deleted_at IS NULL AND NOT r.draft
           WHERE v.id = $1"#,
            version_id,
        )
    )
}

/// When the version's release announcement first reached a chat hook (Slack, Discord or
/// Teams), for the `announced` rule.
pub async fn announced_in_chat_at(
    db: impl Into<Exec<'_>>,
    version_id: i64,
) -> sqlx::Result<Option<DateTime<Utc>>> {
    let at = shared!(
        db,
        fetch_optional,
        query_scalar!(
            r#"SELECT announced_in_chat_at AS "announced_in_chat_at?: DateTime<Utc>"
           FROM versions WHERE id = $1"#,
            version_id,
        )
    )?;
    Ok(at.flatten())
}
