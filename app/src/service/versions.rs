//! One version: its page, withdrawing and restoring it, and comparisons between versions.

use chrono::Utc;
use sqlx::SqlitePool;

use crate::{
    domain::{
        changelog::section_for,
        plan::{withdrawal_warning, withdrawn_body},
        support::check_version,
        version::{parse_tag, precedence_key, Channel},
    },
    error::AppError,
    markdown,
    model::versions::{ChangelogSection, ComparedVersion, Comparison, VersionPage, WithdrawalInfo},
    service::{
        host::{log_write, Asked, Host, ReleaseEdit},
        incidents::affecting,
        notify::{self, Notifier},
        support,
    },
    store::{self, repositories::Repository, versions::MirroredRelease},
};

/// At most this many versions are compared at once.
pub const MAX_COMPARED: i64 = 200;

/// The public version `text` (a tag or a version) of the repository and its id, or a 400 or
/// 404.
pub async fn public_version(
    pool: &SqlitePool,
    repository: &Repository,
    text: &str,
) -> Result<(semver::Version, i64), AppError> {
    version_id(pool, repository, text, false).await
}

/// The public or planned version `text` and its id: what a checklist hangs on.
pub async fn checklist_version(
    pool: &SqlitePool,
    repository: &Repository,
    text: &str,
) -> Result<(semver::Version, i64), AppError> {
    version_id(pool, repository, text, true).await
}

async fn version_id(
    pool: &SqlitePool,
    repository: &Repository,
    text: &str,
    planned: bool,
) -> Result<(semver::Version, i64), AppError> {
    let version = parse_tag(text.trim(), &repository.tag_prefix)
        .map_err(|err| AppError::BadRequest(err.to_string()))?;
    let id = store::versions::listed_id(pool, repository.id, &version.to_string(), planned)
        .await?
        .ok_or_else(|| {
            let what = if planned {
                "version or plan"
            } else {
                "version"
            };
            AppError::NotFound(format!(
                "{}/{} has no {what} {text}",
                repository.owner, repository.name
            ))
        })?;
    Ok((version, id))
}

/// The page of `text`, a tag or a version, as anyone sees it (the caller sets what depends on
/// who asks); `None` when the repository has no such public version.
pub async fn version_page(
    pool: &SqlitePool,
    repository: &Repository,
    text: &str,
) -> Result<Option<VersionPage>, AppError> {
    let version = parse_tag(text.trim(), &repository.tag_prefix)
        .map_err(|err| AppError::BadRequest(err.to_string()))?;
    let Some(detail) =
        store::versions::find_public(pool, repository.id, &version.to_string()).await?
    else {
        return Ok(None);
    };
    let today = Utc::now().date_naive();
    let lines = support::lines(pool, repository, today).await?;
    let check = check_version(
        &version,
        &lines.releases,
        &lines.windows,
        &repository.policy(),
        today,
    );
    let stable_only = version.pre.is_empty();
    let (previous, next) =
        store::versions::neighbours(pool, repository.id, &detail.precedence, stable_only).await?;
    let withdrawal = match store::versions::public_id(pool, repository.id, &detail.version).await? {
        Some(id) => store::versions::withdrawal(pool, id)
            .await?
            .map(|w| WithdrawalInfo {
                reason: w.reason,
                superseded_by: w.superseded_by,
                withdrawn_by: w.withdrawn_by,
                withdrawn_at: w.withdrawn_at,
            }),
        None => None,
    };
    let changelog = store::changelogs::find(pool, repository.id)
        .await?
        .and_then(|stored| stored.markdown)
        .and_then(|text| {
            section_for(&text, &version).map(|section| ChangelogSection {
                markdown: section.to_owned(),
                html: markdown::render(section),
            })
        });
    let assets = store::versions::list_assets(pool, repository.id, &detail.tag).await?;
    let incidents = affecting(pool, repository.id, &version).await?;
    Ok(Some(VersionPage {
        assets,
        owner: repository.owner.clone(),
        name: repository.name.clone(),
        channel: Channel::of(&version),
        changelog,
        notes_html: markdown::render(&detail.body),
        notes_markdown: detail.body,
        tag: detail.tag,
        version: detail.version,
        line: detail.line,
        released_at: detail.released_at,
        title: detail.title,
        html_url: detail.html_url,
        has_release: detail.has_release,
        check,
        withdrawal,
        previous,
        next,
        generated_at: Utc::now(),
        maintainer: false,
        refusal: None,
        publish_refusal: None,
        site: String::new(),
        incidents,
        evidence: None,
    }))
}

/// Withdraws the public version `text` (a tag or version): `reason` is required, and
/// `superseded_by`, when given, must be a released version newer than this one. The caller must
/// already be known to maintain the repository. With mirroring on, the GitHub release is marked
/// pre-release with a warning first; if GitHub refuses, nothing is withdrawn. Returns the version
/// and its id.
#[allow(clippy::too_many_arguments)]
pub async fn withdraw_version(
    pool: &SqlitePool,
    host: &Host,
    notifier: &Notifier,
    repository: &Repository,
    text: &str,
    reason: &str,
    superseded_by: Option<&str>,
    by: &str,
) -> Result<(semver::Version, i64), AppError> {
    let (version, id) = public_version(pool, repository, text).await?;
    let mut problems = Vec::new();
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > 2000 {
        problems.push((
            "reason",
            "say why, in 1 to 2000 characters (e.g. broken, insecure)".to_owned(),
        ));
    }
    let superseded_by = match superseded_by.map(str::trim).filter(|t| !t.is_empty()) {
        None => None,
        Some(text) => match parse_tag(text, &repository.tag_prefix) {
            Ok(newer)
                if newer.cmp_precedence(&version).is_gt()
                    && store::versions::public_id(pool, repository.id, &newer.to_string())
                        .await?
                        .is_some() =>
            {
                Some(newer.to_string())
            }
            _ => {
                problems.push((
                    "superseded_by",
                    format!("'{text}' is not a released version newer than {version}"),
                ));
                None
            }
        },
    };
    if !problems.is_empty() {
        return Err(AppError::validation(problems));
    }
    // A withdrawal that stands and is mirrored already keeps the release as it was first.
    let standing = store::versions::mirrored_release(pool, id).await?;
    let mirrored = match standing {
        Some(original) => {
            let withdrawal = Withdrawal {
                reason,
                superseded_by: superseded_by.as_deref(),
                by,
            };
            mirror_withdrawal(pool, host, repository, id, &withdrawal, Some(original)).await?
        }
        None if repository.mirror_withdrawals => {
            let withdrawal = Withdrawal {
                reason,
                superseded_by: superseded_by.as_deref(),
                by,
            };
            mirror_withdrawal(pool, host, repository, id, &withdrawal, None).await?
        }
        None => None,
    };
    let mut tx = pool.begin().await?;
    // Changing the reason of a standing withdrawal tells nobody again.
    let standing = store::versions::withdrawal(&mut *tx, id).await?;
    store::versions::withdraw(
        &mut *tx,
        id,
        reason,
        superseded_by.as_deref(),
        by,
        mirrored.as_ref(),
    )
    .await?;
    if standing.is_none() {
        let now = Utc::now();
        let key = format!("{version}:{}", now.timestamp_millis());
        notify::events::withdrawal(
            &mut tx,
            notifier,
            repository,
            &key,
            &version.to_string(),
            reason,
            superseded_by.as_deref(),
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok((version, id))
}

/// A withdrawal as asked for.
struct Withdrawal<'a> {
    reason: &'a str,
    superseded_by: Option<&'a str>,
    by: &'a str,
}

/// Marks the version's GitHub release pre-release with the warning on top of its notes as they
/// were (`original`, when a mirrored withdrawal stands already; else as GitHub has them), and
/// returns the release as it was; `None` when GitHub has no release for it.
async fn mirror_withdrawal(
    pool: &SqlitePool,
    host: &Host,
    repository: &Repository,
    version_id: i64,
    withdrawal: &Withdrawal<'_>,
    original: Option<MirroredRelease>,
) -> Result<Option<MirroredRelease>, AppError> {
    let github = host.github()?;
    let original = match original {
        Some(original) => original,
        None => {
            let Some(tag) = store::versions::tag_of(pool, version_id).await? else {
                return Ok(None);
            };
            let Some(release) = github.release_by_tag(repository, &tag).await? else {
                return Ok(None);
            };
            MirroredRelease {
                release_id: release.id,
                prerelease: release.prerelease,
                body: release.body,
            }
        }
    };
    let warning = withdrawal_warning(withdrawal.reason, withdrawal.superseded_by);
    let edit = ReleaseEdit {
        prerelease: true,
        body: withdrawn_body(&original.body, &warning),
    };
    let result = github
        .edit_release(repository, original.release_id, &edit)
        .await;
    let asked = Asked {
        action: "withdraw",
        request: &format!(
            "PATCH /repos/{}/{}/releases/{}",
            repository.owner, repository.name, original.release_id
        ),
        detail: "marked pre-release, with a warning on top of the notes",
        by: withdrawal.by,
    };
    let outcome = result.as_ref().map(|r| (200, r.html_url.clone()));
    log_write(pool, repository, version_id, &asked, outcome).await?;
    result?;
    Ok(Some(original))
}

/// Restores a withdrawn version; 404 when it is not withdrawn.
pub async fn restore_version(
    pool: &SqlitePool,
    host: &Host,
    repository: &Repository,
    text: &str,
    by: &str,
) -> Result<semver::Version, AppError> {
    let (version, id) = public_version(pool, repository, text).await?;
    // A mirrored withdrawal puts back the release's flag and notes exactly as they were.
    if let Some(original) = store::versions::mirrored_release(pool, id).await? {
        let edit = ReleaseEdit {
            prerelease: original.prerelease,
            body: original.body,
        };
        let result = host
            .github()?
            .edit_release(repository, original.release_id, &edit)
            .await;
        let asked = Asked {
            action: "restore",
            request: &format!(
                "PATCH /repos/{}/{}/releases/{}",
                repository.owner, repository.name, original.release_id
            ),
            detail: "the flag and notes as they were before the withdrawal",
            by,
        };
        let outcome = result.as_ref().map(|r| (200, r.html_url.clone()));
        log_write(pool, repository, id, &asked, outcome).await?;
        match result {
            // The release is gone from GitHub: nothing to put back there.
            Err(gone) if gone.status == Some(404) => {}
            other => {
                other?;
            }
        }
    }
    if !store::versions::restore(pool, id).await? {
        return Err(AppError::NotFound(format!("{version} is not withdrawn")));
    }
    Ok(version)
}

/// The versions between the two of `range`, `FROM...TO` (tags or versions, either order),
/// oldest first; a malformed range is a 400 that says how to write one.
pub async fn compare(
    pool: &SqlitePool,
    repository: &Repository,
    range: &str,
) -> Result<Comparison, AppError> {
    let usage = || {
        AppError::BadRequest(format!(
            "compare two versions as FROM...TO, e.g. v1.0.0...v1.2.0; got '{range}'"
        ))
    };
    let (from, to) = range.split_once("...").ok_or_else(usage)?;
    let parse = |text: &str| {
        parse_tag(text.trim(), &repository.tag_prefix)
            .map_err(|err| AppError::BadRequest(err.to_string()))
    };
    let (mut low, mut high) = (parse(from)?, parse(to)?);
    if low.cmp_precedence(&high).is_gt() {
        std::mem::swap(&mut low, &mut high);
    }
    let versions = store::versions::list_between(
        pool,
        repository.id,
        &precedence_key(&low),
        &precedence_key(&high),
        MAX_COMPARED,
    )
    .await?;
    let changelog = store::changelogs::find(pool, repository.id)
        .await?
        .and_then(|stored| stored.markdown);
    let versions = versions
        .into_iter()
        .map(|(entry, notes)| {
            let changelog_html = changelog.as_deref().and_then(|text| {
                let version = semver::Version::parse(&entry.version).ok()?;
                section_for(text, &version).map(markdown::render)
            });
            ComparedVersion {
                tag: entry.tag,
                channel: entry.channel,
                released_at: entry.released_at,
                title: entry.title,
                notes_html: markdown::render(&notes),
                changelog_html,
                withdrawn: entry.withdrawn,
            }
        })
        .collect();
    Ok(Comparison {
        owner: repository.owner.clone(),
        name: repository.name.clone(),
        from: low.to_string(),
        to: high.to_string(),
        versions,
        generated_at: Utc::now(),
    })
}
