//! Evidence for a version: what is known about it (synced data and the snapshots read from
//! GitHub), ticking the items it proves, and the sources as the version page and
//! `GET .../evidence` show them.

use chrono::{DateTime, Utc};
use sqlx::SqlitePool;

use crate::{
    domain::{
        checklist::{
            due_base,
            evidence::{ChangelogFact, Facts},
            rule::Rule,
            ItemFacts, ItemStatus,
        },
        dates::iso_date,
        evidence::{Finding, SourceKind, SourceState},
        support::stable_line_releases,
    },
    error::AppError,
    model::evidence::{EvidenceView, SourceView},
    service::versions::public_version,
    store::{self, checklists::ItemRecord, repositories::Repository, versions::VersionDetail},
};

/// What is known about a public version for judging `items`' rules: the synced tag, release,
/// files and CHANGELOG.md, and the newest snapshot of each GitHub source. Reads only what some
/// rule needs.
pub async fn facts(
    pool: &SqlitePool,
    repository: &Repository,
    version_id: i64,
    detail: &VersionDetail,
    items: &[ItemRecord],
) -> sqlx::Result<Facts> {
    if items.iter().all(|r| r.evidence.is_none()) {
        return Ok(Facts::default());
    }
    let synced = store::checklists::version_facts(pool, version_id).await?;
    let version = semver::Version::parse(&detail.version).ok();
    let stored = store::changelogs::find(pool, repository.id).await?;
    let changelog = ChangelogFact::of(
        stored.as_ref().map(|s| s.markdown.as_deref()),
        version.as_ref(),
    );
    // Every release of the repository, read only for a hotfix's backport items.
    let backports = items.iter().any(|r| {
        r.evidence
            .as_deref()
            .is_some_and(|e| e.starts_with("backport:"))
    });
    let line_releases = if backports {
        stable_line_releases(
            &store::versions::support_releases(pool, repository.id).await?,
            repository.zero_major_lines,
        )
    } else {
        Vec::new()
    };
    // When the announcement reached a chat hook, read only for an item that asks.
    let announced = items
        .iter()
        .filter_map(|r| r.evidence.as_deref())
        .any(|rule| Rule::parse(rule) == Ok(Rule::Announced));
    let announced_in_chat_at = if announced {
        store::checklists::announced_in_chat_at(pool, version_id).await?
    } else {
        None
    };
    Ok(Facts {
        tag: detail.tag.clone(),
        commit_sha: synced.commit_sha,
        tagged_at: synced.tagged_at,
        published_at: synced.published_at,
        asset_names: store::versions::list_assets(pool, repository.id, &detail.tag)
            .await?
            .into_iter()
            .map(|asset| asset.name)
            .collect(),
        changelog,
        changelog_read_at: store::changelogs::read_at(pool, repository.id).await?,
        line_releases,
        released_at: detail.released_at,
        announced_in_chat_at,
        snapshots: store::evidence::latest(pool, version_id)
            .await?
            .into_iter()
            .map(|snapshot| (snapshot.reading.kind, snapshot))
            .collect(),
    })
}

/// Ticks every item of the version's checklist that evidence proves and nobody has set, each
/// recorded in the audit log with the reading it relied on. Returns how many it ticked.
pub async fn tick(
    pool: &SqlitePool,
    repository: &Repository,
    version_id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<usize> {
    let Some(checklist) = store::checklists::find(pool, version_id).await? else {
        return Ok(0);
    };
    let Some(detail) = store::versions::find_by_id(pool, version_id).await? else {
        return Ok(0);
    };
    let records = store::checklists::items(pool, checklist.id).await?;
    let facts = facts(pool, repository, version_id, &detail, &records).await?;
    let started_by_hand_at = checklist
        .created_by
        .is_some()
        .then_some(checklist.created_at);
    let due_from = due_base(detail.released_at, started_by_hand_at);
    let mut tx = pool.begin().await?;
    let mut ticked = 0;
    for record in &records {
        let status = ItemStatus::of(&item_facts(record), due_from, &facts, now);
        let (Some(basis), Some(evidence)) = (status.tick, &status.evidence) else {
            continue;
        };
        if store::checklists::tick_by_evidence(
            &mut tx,
            record.id,
            record.revision,
            &basis,
            &evidence.detail,
            now,
        )
        .await?
        {
            ticked += 1;
        }
    }
    tx.commit().await?;
    Ok(ticked)
}

/// [`tick`] for the public version `version` of the repository with id `repository_id`, as
/// after a release announcement reached a chat hook; 0 when either is gone.
pub async fn tick_version(
    pool: &SqlitePool,
    repository_id: i64,
    version: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<usize> {
    let Some(repository) = store::repositories::find_by_id(pool, repository_id).await? else {
        return Ok(0);
    };
    let Some(version_id) = store::versions::public_id(pool, repository_id, version).await? else {
        return Ok(0);
    };
    tick(pool, &repository, version_id, now).await
}

/// An item as its status is worked out from.
pub fn item_facts(record: &ItemRecord) -> ItemFacts<'_> {
    ItemFacts {
        state: record.state(),
        set_by: record.set_by(),
        due_minutes: record.due_minutes,
        rule: record.evidence.as_deref(),
    }
}

/// Every source of the public version `text` as the version page and the REST API show it:
/// the newest reading of each GitHub source, and the synced tag, release and CHANGELOG.md.
/// Older readings that disagree come after, newest first.
pub async fn view(
    pool: &SqlitePool,
    repository: &Repository,
    text: &str,
) -> Result<EvidenceView, AppError> {
    let (version, version_id) = public_version(pool, repository, text).await?;
    let detail = store::versions::find_public(pool, repository.id, &version.to_string())
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no version {text}")))?;
    let synced = store::checklists::version_facts(pool, version_id).await?;
    let snapshots = store::evidence::all(pool, version_id).await?;
    let mut sources: Vec<SourceView> = Vec::new();
    let mut earlier: Vec<SourceView> = Vec::new();
    for snapshot in snapshots {
        let view = SourceView::of(&snapshot.reading, snapshot.captured_at);
        if sources.iter().any(|s| s.kind == view.kind) {
            earlier.push(view);
        } else {
            sources.push(view);
        }
    }
    let site = format!(
        "https://github.com/{}/{}",
        repository.owner, repository.name
    );
    let github_at = |path: String| format!("{site}/{path}");
    sources.push(
        match (&synced.commit_sha, synced.tagged_at.or(detail.released_at)) {
            (Some(sha), Some(at)) => SourceView::synced(
                SourceKind::Tag,
                SourceState::Pass,
                format!("tag {} points at {}", detail.tag, &sha[..sha.len().min(7)]),
                github_at(format!("releases/tag/{}", detail.tag)),
                at,
            ),
            _ => SourceView::synced(
                SourceKind::Tag,
                SourceState::Pending,
                format!("no git tag {} on GitHub", detail.tag),
                github_at("tags".to_owned()),
                Utc::now(),
            ),
        },
    );
    sources.push(match synced.published_at {
        Some(at) => SourceView::synced(
            SourceKind::Release,
            SourceState::Pass,
            format!("GitHub release published {}", iso_date(at)),
            github_at(format!("releases/tag/{}", detail.tag)),
            at,
        ),
        None => SourceView::synced(
            SourceKind::Release,
            SourceState::Pending,
            "no published GitHub release".to_owned(),
            github_at("releases".to_owned()),
            Utc::now(),
        ),
    });
    let changelog = store::changelogs::find(pool, repository.id).await?;
    let read_at = store::changelogs::read_at(pool, repository.id)
        .await?
        .unwrap_or_else(Utc::now);
    let fact = ChangelogFact::of(
        changelog.as_ref().map(|s| s.markdown.as_deref()),
        Some(&version),
    );
    sources.push(match changelog {
        Some(stored) => {
            let found = fact == ChangelogFact::Found;
            SourceView::synced(
                SourceKind::Changelog,
                if found {
                    SourceState::Pass
                } else {
                    SourceState::Fail
                },
                if found {
                    format!("CHANGELOG.md has a section for {}", detail.tag)
                } else {
                    format!("CHANGELOG.md has no section for {}", detail.tag)
                },
                github_at(format!("blob/{}/CHANGELOG.md", stored.tag)),
                read_at,
            )
        }
        None => SourceView::synced(
            SourceKind::Changelog,
            SourceState::Pending,
            "no CHANGELOG.md has been read yet".to_owned(),
            site.clone(),
            read_at,
        ),
    });
    sources.sort_by_key(|s| SourceKind::ALL.iter().position(|k| *k == s.kind));
    Ok(EvidenceView {
        version: detail.version,
        tag: detail.tag,
        commit_sha: synced.commit_sha,
        sources,
        earlier,
    })
}

impl SourceView {
    fn synced(
        kind: SourceKind,
        state: SourceState,
        summary: String,
        url: String,
        captured_at: DateTime<Utc>,
    ) -> SourceView {
        SourceView {
            kind,
            state,
            summary,
            url,
            captured_at,
            detail: Vec::<Finding>::new(),
        }
    }
}
