//! Per-version checklists: starting them when versions appear, reading them with due times
//! and evidence, changing items (pages and the REST API alike), and editing templates.

use chrono::{DateTime, Utc};
use leptos::{prelude::*, server_fn::codec::GetUrl};
use serde::{Deserialize, Serialize};

use crate::{
    domain::checklist::{Evidence, ItemState, Progress, TemplateKind},
    error::AppError,
};

/// One item as pages and the API show it.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemView {
    #[cfg_attr(feature = "ssr", schema(example = 42))]
    pub id: i64,
    #[cfg_attr(feature = "ssr", schema(example = "All tests passing"))]
    pub text: String,
    pub state: ItemState,
    /// When the item falls due: its offset after the release date.
    pub due_at: Option<DateTime<Utc>>,
    /// Open and past its due time.
    pub overdue: bool,
    /// Who changed it last.
    pub by: Option<String>,
    /// When it was changed last.
    pub at: Option<DateTime<Utc>>,
    /// A note or evidence link; a skipped item's reason.
    pub note: String,
    /// What synced data shows about it; never changes its state.
    pub evidence: Option<Evidence>,
    /// Done, while its evidence says otherwise: a warning, never a change.
    pub contradicted: bool,
    /// Send it back as `expected_revision` with a change.
    #[cfg_attr(feature = "ssr", schema(example = 1))]
    pub revision: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionView {
    pub title: String,
    pub progress: Progress,
    pub items: Vec<ItemView>,
}

/// One change in the audit log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    pub item_id: i64,
    pub item_text: String,
    pub state: ItemState,
    pub note: String,
    pub by: String,
    pub at: DateTime<Utc>,
}

/// A version's checklist in full.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChecklistView {
    pub tag: String,
    pub version: String,
    pub template: TemplateKind,
    pub template_revision: i64,
    pub released_at: Option<DateTime<Utc>>,
    pub progress: Progress,
    pub sections: Vec<SectionView>,
    pub log: Vec<LogEntry>,
    pub markdown: String,
}

/// A change refused on a page without JavaScript, shown once where the form was.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemRefusal {
    pub item_id: i64,
    pub message: String,
    pub note: String,
}

/// The checklist part of a version page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChecklistPanel {
    pub owner: String,
    pub name: String,
    pub tag: String,
    pub checklist: Option<ChecklistView>,
    /// The template a new checklist would use.
    pub template: TemplateKind,
    pub maintainer: bool,
    pub refusal: Option<ItemRefusal>,
    pub generated_at: DateTime<Utc>,
}

#[cfg(feature = "ssr")]
use crate::api::versions::public_version;

/// The checklist of the public version `text` (a tag or version): `Ok(None)` when the version
/// has none. A version the repository does not have is a 404.
#[cfg(feature = "ssr")]
pub async fn load(
    pool: &sqlx::SqlitePool,
    repository: &crate::store::repositories::Repository,
    text: &str,
    now: DateTime<Utc>,
) -> Result<Option<ChecklistView>, AppError> {
    use crate::{
        domain::checklist::{
            contradicts, due_at, due_base,
            evidence::{evaluate, ChangelogFact, Facts},
            is_overdue, to_markdown, MarkdownItem,
        },
        domain::{changelog::section_for, version::Line},
        store,
    };

    let (version, version_id) = public_version(pool, repository, text).await?;
    let Some(checklist) = store::checklists::find(pool, version_id).await? else {
        return Ok(None);
    };
    let detail = store::versions::find_public(pool, repository.id, &version.to_string())
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no version {text}")))?;
    let records = store::checklists::items(pool, checklist.id).await?;

    // Evidence needs the synced facts only when some item asks for them.
    let facts = if records.iter().any(|r| r.evidence.is_some()) {
        let (commit_sha, published_at) = store::checklists::version_facts(pool, version_id).await?;
        let changelog = match store::changelogs::find(pool, repository.id).await? {
            Some(stored) => match stored.markdown {
                Some(text) if section_for(&text, &version).is_some() => ChangelogFact::Found,
                _ => ChangelogFact::Missing,
            },
            None => ChangelogFact::NotSynced,
        };
        let zero = repository.zero_major_lines;
        // Every release of the repository, read only for a hotfix's backport items.
        let backports = records.iter().any(|r| {
            r.evidence
                .as_deref()
                .is_some_and(|e| e.starts_with("backport:"))
        });
        let line_releases = if backports {
            store::versions::support_releases(pool, repository.id)
                .await?
                .into_iter()
                .filter(|r| !r.withdrawn && r.version.pre.is_empty())
                .map(|r| (Line::of(&r.version, zero), r.version, r.released_on))
                .collect()
        } else {
            Vec::new()
        };
        Facts {
            tag: detail.tag.clone(),
            commit_sha,
            published_at,
            asset_names: store::versions::list_assets(pool, repository.id, &detail.tag)
                .await?
                .into_iter()
                .map(|asset| asset.name)
                .collect(),
            changelog,
            line_releases,
            released_at: detail.released_at,
        }
    } else {
        Facts::default()
    };

    let started_by_hand_at = checklist
        .created_by
        .is_some()
        .then_some(checklist.created_at);
    let due_from = due_base(detail.released_at, started_by_hand_at);
    let mut sections: Vec<SectionView> = Vec::new();
    for record in records {
        let state = record.state();
        let due = due_at(due_from, record.due_minutes);
        let evidence = record
            .evidence
            .as_deref()
            .and_then(|spec| evaluate(spec, &facts));
        let item = ItemView {
            id: record.id,
            state,
            due_at: due,
            overdue: is_overdue(state, due, now),
            by: record.changed_by,
            at: record.changed_at,
            contradicted: contradicts(state, evidence.as_ref()),
            evidence,
            revision: record.revision,
            text: record.text,
            note: record.note,
        };
        match sections.last_mut() {
            Some(section) if section.title == record.section => section.items.push(item),
            _ => sections.push(SectionView {
                title: record.section,
                progress: Progress::default(),
                items: vec![item],
            }),
        }
    }
    for section in &mut sections {
        section.progress = Progress::of(section.items.iter().map(|i| i.state));
    }
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
        sections,
        log,
        markdown,
    }))
}

/// Starts checklists in one repository, knowing its lines as they are `now`: the newest line
/// (a patch on an older one is a hotfix) and the lines still maintained (where a hotfix is
/// backported).
#[cfg(feature = "ssr")]
struct Starter<'a> {
    repository: &'a crate::store::repositories::Repository,
    newest: Option<crate::domain::version::Line>,
    maintained: Vec<crate::domain::version::Line>,
    now: DateTime<Utc>,
    /// Each release type's current template, read once.
    templates: std::collections::HashMap<
        TemplateKind,
        (i64, crate::domain::checklist::template::Template),
    >,
}

#[cfg(feature = "ssr")]
async fn starter<'a>(
    db: &mut sqlx::SqliteConnection,
    repository: &'a crate::store::repositories::Repository,
    now: DateTime<Utc>,
) -> sqlx::Result<Starter<'a>> {
    use crate::domain::support::{support_windows, Phase};

    let releases = crate::store::versions::support_releases(&mut *db, repository.id).await?;
    let windows = support_windows(&releases, &repository.policy(), now.date_naive());
    Ok(Starter {
        repository,
        now,
        templates: std::collections::HashMap::new(),
        newest: windows.first().map(|w| w.line),
        maintained: windows
            .iter()
            .filter(|w| w.phase != Phase::Eol)
            .map(|w| w.line)
            .collect(),
    })
}

/// The current template of `kind` for a repository: its newest edit, else the built-in one.
#[cfg(feature = "ssr")]
pub async fn current_template(
    db: impl sqlx::SqliteExecutor<'_>,
    repository_id: i64,
    kind: TemplateKind,
) -> sqlx::Result<(i64, crate::domain::checklist::template::Template)> {
    use crate::domain::checklist::{default_template, template::Template, DEFAULT_REVISION};

    match crate::store::checklists::edited_template(db, repository_id, kind).await? {
        Some((revision, text)) => match Template::parse(&text) {
            Ok(template) => Ok((revision, template)),
            Err(err) => {
                // Stored edits were parsed before saving; this would be a bug, not bad input.
                tracing::error!(error = %err, kind = kind.as_str(), "a stored template no longer parses");
                Ok((DEFAULT_REVISION, default_template(kind)))
            }
        },
        None => Ok((DEFAULT_REVISION, default_template(kind))),
    }
}

#[cfg(feature = "ssr")]
impl Starter<'_> {
    /// Starts a checklist for one version; false when it already had one.
    async fn start(
        &mut self,
        db: &mut sqlx::SqliteConnection,
        version_id: i64,
        version: &semver::Version,
        title: &str,
        by: Option<&str>,
    ) -> sqlx::Result<bool> {
        use crate::domain::{checklist::instantiate, version::Line};

        let zero = self.repository.zero_major_lines;
        let kind = TemplateKind::of(version, title, self.newest, zero);
        if !self.templates.contains_key(&kind) {
            let current = current_template(&mut *db, self.repository.id, kind).await?;
            self.templates.insert(kind, current);
        }
        let Some((revision, template)) = self.templates.get(&kind) else {
            return Ok(false);
        };
        let revision = *revision;
        let items = instantiate(template, Line::of(version, zero), &self.maintained);
        let created =
            crate::store::checklists::create(db, version_id, kind, revision, &items, by, self.now)
                .await?;
        Ok(created.is_some())
    }
}

/// Gives every version that has just appeared its checklist, in the caller's transaction (a
/// sync, a webhook delivery, the demo). Versions released long before the repository was
/// tracked are history and are left for a maintainer to start. Returns how many were started.
#[cfg(feature = "ssr")]
pub async fn start_new_versions(
    db: &mut sqlx::SqliteConnection,
    repository: &crate::store::repositories::Repository,
    now: DateTime<Utc>,
) -> sqlx::Result<usize> {
    use crate::{domain::checklist::starts_automatically, store};

    let tracked_since = store::checklists::tracked_since(&mut *db, repository.id).await?;
    let candidates: Vec<_> = store::checklists::versions_without(&mut *db, repository.id)
        .await?
        .into_iter()
        .filter(|c| starts_automatically(c.released_at, tracked_since))
        .collect();
    if candidates.is_empty() {
        return Ok(0);
    }
    let mut starter = starter(db, repository, now).await?;
    let mut started = 0;
    for candidate in candidates {
        let Ok(version) = semver::Version::parse(&candidate.version) else {
            continue;
        };
        let id = candidate.version_id;
        if starter
            .start(db, id, &version, &candidate.title, None)
            .await?
        {
            started += 1;
        }
    }
    Ok(started)
}

/// A change of one item, as asked for: the state and note are checked before use.
#[cfg(feature = "ssr")]
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
#[cfg(feature = "ssr")]
pub struct Stale {
    pub current: ItemView,
}

/// Changes one item of a version's checklist, refusing a change based on an older revision.
/// The caller must already be allowed to change checklists of the repository.
#[cfg(feature = "ssr")]
pub async fn change_item(
    pool: &sqlx::SqlitePool,
    repository: &crate::store::repositories::Repository,
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
    use crate::{
        domain::checklist::validate_change,
        store::checklists::{Change, Changed},
    };

    let (state, note) = validate_change(state, note).map_err(AppError::validation)?;
    let (_, version_id) = public_version(pool, repository, text).await?;
    let checklist = crate::store::checklists::find(pool, version_id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("{text} has no checklist")))?;
    let change = Change {
        state,
        note: &note,
        by,
        expected_revision,
    };
    let now = Utc::now();
    let outcome =
        crate::store::checklists::change_item(pool, checklist.id, item_id, &change, now).await?;
    let not_found = || AppError::NotFound(format!("the checklist of {text} has no item {item_id}"));
    // Read back through `load` so the answer carries due time, overdue and evidence.
    let view = |record: crate::store::checklists::ItemRecord| async move {
        load(pool, repository, text, now)
            .await?
            .and_then(|checklist| {
                checklist
                    .sections
                    .into_iter()
                    .flat_map(|s| s.items)
                    .find(|item| item.id == record.id)
            })
            .ok_or_else(not_found)
    };
    match outcome {
        Changed::Applied(record) | Changed::Unchanged(record) => Ok(Ok(view(record).await?)),
        Changed::Stale(record) => Ok(Err(Stale {
            current: view(record).await?,
        })),
        Changed::NotFound => Err(not_found()),
    }
}

/// The checklist part of a version page.
#[server(prefix = "/sfn", endpoint = "get_checklist", input = GetUrl)]
pub async fn get_checklist(
    owner: String,
    repo: String,
    version: String,
) -> Result<Option<ChecklistPanel>, AppError> {
    use crate::{access, state::app_state, store};

    let pool = app_state()?.pool;
    let Some(repository) = store::repositories::find(&pool, &owner, &repo).await? else {
        return Ok(None);
    };
    let now = Utc::now();
    let checklist = load(&pool, &repository, &version, now).await?;
    let (parsed, _) = public_version(&pool, &repository, &version).await?;
    let template = match &checklist {
        Some(checklist) => checklist.template,
        None => {
            let mut db = pool.acquire().await?;
            let lines = starter(&mut db, &repository, now).await?;
            TemplateKind::of(&parsed, "", lines.newest, repository.zero_major_lines)
        }
    };
    let maintainer = access::maintains(&pool, &access::current_caller(), &repository).await?;
    let refusal = if maintainer {
        take_refusal().await
    } else {
        None
    };
    Ok(Some(ChecklistPanel {
        owner: repository.owner,
        name: repository.name,
        tag: checklist
            .as_ref()
            .map_or_else(|| version.clone(), |c| c.tag.clone()),
        checklist,
        template,
        maintainer,
        refusal,
        generated_at: now,
    }))
}

#[cfg(feature = "ssr")]
async fn take_refusal() -> Option<ItemRefusal> {
    let session = crate::access::current_session().ok()?;
    let refusal = session
        .get::<ItemRefusal>(crate::access::SESSION_CHECKLIST_REFUSAL)
        .await
        .ok()??;
    let _ = session
        .remove_value(crate::access::SESSION_CHECKLIST_REFUSAL)
        .await;
    Some(refusal)
}

/// The page's tick, untick and skip forms. A refusal comes back as the action's error when
/// hydrated, and waits in the session for the page a plain form post returns to.
#[server(prefix = "/sfn", endpoint = "change_checklist_item")]
pub async fn change_checklist_item(
    owner: String,
    repo: String,
    version: String,
    item: i64,
    state: String,
    note: String,
    revision: i64,
) -> Result<(), AppError> {
    use crate::{
        access,
        api::versions::refusal_message,
        domain::access::{Need, Scope},
        state::app_state,
    };

    let pool = app_state()?.pool;
    let result = async {
        let (repository, by) = access::permitted(
            &pool,
            &owner,
            &repo,
            Need::MaintainerOrToken(Scope::Checklists),
        )
        .await?;
        let request = ChangeRequest {
            item_id: item,
            state: &state,
            note: &note,
            expected_revision: Some(revision),
            by: &by,
        };
        match change_item(&pool, &repository, &version, &request).await? {
            Ok(_) => Ok(()),
            Err(stale) => Err(AppError::Conflict(stale_message(&stale.current))),
        }
    }
    .await;
    let kept = match &result {
        Err(err) if err.status().is_client_error() => {
            let refusal = ItemRefusal {
                item_id: item,
                message: refusal_message(err),
                note,
            };
            let kept = access::current_session()?
                .insert(access::SESSION_CHECKLIST_REFUSAL, refusal)
                .await;
            if let Err(err) = &kept {
                tracing::warn!(error = %err, "cannot keep the checklist refusal in the session");
            }
            kept.is_ok()
        }
        _ => false,
    };
    // Without JavaScript, back at the item, or at the words saying why it did not change.
    crate::api::form_post::return_to(&if kept {
        format!("item-error-{item}")
    } else {
        format!("item-{item}")
    });
    result
}

/// What a person reads when someone else changed the item first.
pub fn stale_message(current: &ItemView) -> String {
    let by = current.by.as_deref().unwrap_or("someone");
    format!(
        "{by} changed this item first: it is now {}; nothing was changed, so look again and retry",
        current.state.as_str()
    )
}

/// A maintainer starts the checklist of a version that had none (one released before the
/// repository was tracked).
#[server(prefix = "/sfn", endpoint = "start_checklist")]
pub async fn start_checklist(owner: String, repo: String, version: String) -> Result<(), AppError> {
    use crate::{access, state::app_state, store};

    let pool = app_state()?.pool;
    let repository = access::maintained(&pool, &owner, &repo).await?;
    let by = access::actor(&pool, &access::current_caller()).await?;
    let (parsed, version_id) = public_version(&pool, &repository, &version).await?;
    let title = store::versions::find_public(&pool, repository.id, &parsed.to_string())
        .await?
        .map(|detail| detail.title)
        .unwrap_or_default();
    let now = Utc::now();
    let mut tx = pool.begin().await?;
    starter(&mut tx, &repository, now)
        .await?
        .start(&mut tx, version_id, &parsed, &title, Some(&by))
        .await?;
    tx.commit().await?;
    Ok(())
}

/// An open item on the checklists page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenItemView {
    pub tag: String,
    pub item_id: i64,
    pub section: String,
    pub text: String,
    pub due_at: Option<DateTime<Utc>>,
    pub overdue: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenItems {
    pub owner: String,
    pub name: String,
    /// Overdue first (longest overdue on top), then by due time, then the rest.
    pub items: Vec<OpenItemView>,
    pub maintainer: bool,
    pub generated_at: DateTime<Utc>,
}

/// Every open item across the repository's versions; `Ok(None)` for an untracked repository.
#[server(prefix = "/sfn", endpoint = "get_open_items", input = GetUrl)]
pub async fn get_open_items(owner: String, repo: String) -> Result<Option<OpenItems>, AppError> {
    use crate::{
        access,
        domain::checklist::{due_at, due_base, is_overdue, urgency},
        state::app_state,
        store,
    };

    let pool = app_state()?.pool;
    let Some(repository) = store::repositories::find(&pool, &owner, &repo).await? else {
        return Ok(None);
    };
    let now = Utc::now();
    let mut items: Vec<OpenItemView> = store::checklists::open_items(&pool, repository.id)
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
    Ok(Some(OpenItems {
        maintainer: access::maintains(&pool, &access::current_caller(), &repository).await?,
        owner: repository.owner,
        name: repository.name,
        items,
        generated_at: now,
    }))
}

/// A template as its editor shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateEditor {
    pub owner: String,
    pub name: String,
    pub kind: TemplateKind,
    pub revision: i64,
    pub text: String,
    /// What a refused edit said and what was typed, shown once.
    pub refusal: Option<(String, String)>,
}

#[server(prefix = "/sfn", endpoint = "get_template", input = GetUrl)]
pub async fn get_template(
    owner: String,
    repo: String,
    kind: String,
) -> Result<TemplateEditor, AppError> {
    use crate::{access, state::app_state};

    let pool = app_state()?.pool;
    let repository = access::maintained(&pool, &owner, &repo).await?;
    let kind = parse_kind(&kind)?;
    let (revision, template) = current_template(&pool, repository.id, kind).await?;
    let session = access::current_session()?;
    let refusal = match session
        .get::<(String, String, String)>(access::SESSION_TEMPLATE_REFUSAL)
        .await
    {
        Ok(Some((refused_kind, message, typed))) if refused_kind == kind.as_str() => {
            let _ = session.remove_value(access::SESSION_TEMPLATE_REFUSAL).await;
            Some((message, typed))
        }
        _ => None,
    };
    Ok(TemplateEditor {
        owner: repository.owner,
        name: repository.name,
        kind,
        revision,
        text: template.to_text(),
        refusal,
    })
}

#[cfg(feature = "ssr")]
fn parse_kind(kind: &str) -> Result<TemplateKind, AppError> {
    TemplateKind::parse(kind).ok_or_else(|| {
        AppError::NotFound(format!(
            "'{kind}' is not a template; they are stable, patch, hotfix, rc, beta and alpha"
        ))
    })
}

/// Saves a template edit as a new revision. Checklists made from older revisions keep their
/// items. `revision` is the revision the edit started from: an edit of an older one is refused.
#[server(prefix = "/sfn", endpoint = "save_template")]
pub async fn save_template(
    owner: String,
    repo: String,
    kind: String,
    revision: i64,
    text: String,
) -> Result<i64, AppError> {
    use crate::{access, domain::checklist::template::Template, state::app_state, store};

    let pool = app_state()?.pool;
    let repository = access::maintained(&pool, &owner, &repo).await?;
    let kind = parse_kind(&kind)?;
    let by = access::actor(&pool, &access::current_caller()).await?;
    let result = async {
        let template = Template::parse(&text)
            .map_err(|err| AppError::validation([("text", err.to_string())]))?;
        let (current, _) = current_template(&pool, repository.id, kind).await?;
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
            &pool,
            repository.id,
            kind,
            revision + 1,
            &template.to_text(),
            &by,
            Utc::now(),
        )
        .await?;
        if saved {
            Ok(revision + 1)
        } else {
            Err(stale())
        }
    }
    .await;
    if let Err(err) = &result {
        if err.status().is_client_error() {
            let refusal = (
                kind.as_str().to_owned(),
                crate::api::versions::refusal_message(err),
                text,
            );
            if let Err(err) = access::current_session()?
                .insert(access::SESSION_TEMPLATE_REFUSAL, refusal)
                .await
            {
                tracing::warn!(error = %err, "cannot keep the template refusal in the session");
            }
        }
    }
    result
}
