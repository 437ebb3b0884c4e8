use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::{SqliteConnection, SqlitePool};

use crate::{
    domain::{
        checklist::{
            default_template, instantiate, starts_automatically, template::Template, TemplateKind,
            DEFAULT_REVISION,
        },
        support::maintained_lines,
        version::Line,
    },
    error::AppError,
    service::{support, versions::public_version},
    store::{self, repositories::Repository},
};

/// Starts checklists in one repository, knowing its lines as they are `now`: the newest line
/// (a patch on an older one is a hotfix) and the lines still maintained (where a hotfix is
/// backported).
struct Starter<'a> {
    repository: &'a Repository,
    newest: Option<Line>,
    maintained: Vec<Line>,
    now: DateTime<Utc>,
    /// Each release type's current template, read once.
    templates: HashMap<TemplateKind, (i64, Template)>,
}

async fn starter<'a>(
    db: &mut SqliteConnection,
    repository: &'a Repository,
    now: DateTime<Utc>,
) -> sqlx::Result<Starter<'a>> {
    let lines = support::lines(&mut *db, repository, now.date_naive()).await?;
    Ok(Starter {
        repository,
        now,
        templates: HashMap::new(),
        newest: lines.windows.first().map(|w| w.line),
        maintained: maintained_lines(&lines.windows),
    })
}

/// The current template of `kind` for a repository: its newest edit, else the built-in one.
pub async fn current_template(
    db: impl Into<store::db::Exec<'_>>,
    repository_id: i64,
    kind: TemplateKind,
) -> sqlx::Result<(i64, Template)> {
    match store::checklists::edited_template(db, repository_id, kind).await? {
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

impl Starter<'_> {
    /// Starts a checklist for one version; false when it already had one.
    async fn start(
        &mut self,
        db: &mut SqliteConnection,
        version_id: i64,
        version: &semver::Version,
        title: &str,
        by: Option<&str>,
    ) -> sqlx::Result<bool> {
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
            store::checklists::create(db, version_id, kind, revision, &items, by, self.now).await?;
        Ok(created.is_some())
    }
}

/// Gives every version that has just appeared its checklist, in the caller's transaction (a
/// sync, a webhook delivery, the demo). Versions released long before the repository was
/// tracked are history and are left for a maintainer to start. Returns how many were started.
pub async fn start_new_versions(
    db: &mut SqliteConnection,
    repository: &Repository,
    now: DateTime<Utc>,
) -> sqlx::Result<usize> {
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

/// A maintainer starts the checklist of the public version `text`, one that had none (released
/// before the repository was tracked).
pub async fn start_by_hand(
    pool: &SqlitePool,
    repository: &Repository,
    text: &str,
    by: &str,
) -> Result<(), AppError> {
    let (parsed, version_id) = public_version(pool, repository, text).await?;
    let title = store::versions::find_public(pool, repository.id, &parsed.to_string())
        .await?
        .map(|detail| detail.title)
        .unwrap_or_default();
    let now = Utc::now();
    let mut tx = pool.begin().await?;
    starter(&mut tx, repository, now)
        .await?
        .start(&mut tx, version_id, &parsed, &title, Some(by))
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Starts the checklist of a planned version at once, in the caller's transaction; a plan
/// planned again keeps the checklist it had.
pub async fn start_planned(
    db: &mut SqliteConnection,
    repository: &Repository,
    version_id: i64,
    version: &semver::Version,
    by: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    starter(&mut *db, repository, now)
        .await?
        .start(db, version_id, version, "", Some(by))
        .await?;
    Ok(())
}

/// The template a checklist of `version` would be made from now.
pub async fn template_for(
    pool: &SqlitePool,
    repository: &Repository,
    version: &semver::Version,
    now: DateTime<Utc>,
) -> sqlx::Result<TemplateKind> {
    let mut db = pool.acquire().await?;
    let lines = starter(&mut db, repository, now).await?;
    Ok(TemplateKind::of(
        version,
        "",
        lines.newest,
        repository.zero_major_lines,
    ))
}
