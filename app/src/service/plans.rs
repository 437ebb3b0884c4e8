//! Planned releases (PRODUCT.md §9): planning one starts its checklist before the tag; the gate
//! writes a commit status on the release branch as items are ticked; publishing creates the
//! GitHub release once the tag exists; the next version is suggested from the commits since
//! the last stable release. Every write to GitHub is logged, and a refusal changes nothing here.

use std::{collections::HashMap, sync::LazyLock};

use chrono::Utc;
use sqlx::SqlitePool;

use super::host::{log_write, Asked, CommitStatus, Host, HostRelease, NewRelease};
use crate::{
    domain::{
        changelog::section_for,
        next_version::{suggest, Bump, Commit, Reason},
        plan::{
            before_release, check_branch, check_notes, default_branch, gate_for, gate_summary,
            makes_latest, parse_target_date, release_body, version_refusal, GATE_CONTEXT,
        },
        version::{parse_tag, Channel, Line},
    },
    error::AppError,
    model::plans::{Gate, PlanView},
    service::checklists::start_planned,
    store::{
        self,
        plans::{PlanFields, PlanRecord},
        repositories::Repository,
        versions::GithubRelease,
    },
};

/// A plan as asked for: `branch` absent means `release/{tag}`.
#[derive(Clone, Debug, Default)]
pub struct PlanInput {
    pub version: String,
    pub target_date: String,
    pub branch: Option<String>,
    pub notes: String,
}

/// A change to a plan: the fields given replace the plan's.
#[derive(Clone, Debug, Default)]
pub struct PlanChanges {
    pub target_date: Option<String>,
    pub branch: Option<String>,
    pub notes: Option<String>,
}

/// The plans of a repository that are not dropped, lowest version first.
pub async fn list(pool: &SqlitePool, repository: &Repository) -> Result<Vec<PlanRecord>, AppError> {
    Ok(store::plans::list(pool, repository.id).await?)
}

/// The plan of `text` (a version or tag); 404 when there is none.
pub async fn find(
    pool: &SqlitePool,
    repository: &Repository,
    text: &str,
) -> Result<PlanRecord, AppError> {
    let version = parse_tag(text.trim(), &repository.tag_prefix)
        .map_err(|err| AppError::NotFound(err.to_string()))?;
    store::plans::find(pool, repository.id, &version.to_string())
        .await?
        .ok_or_else(|| {
            AppError::NotFound(format!(
                "{}/{} has no plan for {version}",
                repository.owner, repository.name
            ))
        })
}

/// Plans a release: its version must be valid, unused and above its line's newest release;
/// every refusal names its field. Its checklist starts at once.
pub async fn plan(
    pool: &SqlitePool,
    host: &Host,
    repository: &Repository,
    input: &PlanInput,
    by: &str,
) -> Result<PlanRecord, AppError> {
    let mut problems = Vec::new();
    let version = match parse_tag(input.version.trim(), &repository.tag_prefix) {
        Ok(version) => Some(version),
        Err(err) => {
            problems.push(("version", err.to_string()));
            None
        }
    };
    if let Some(version) = &version {
        let line = Line::of(version, repository.zero_major_lines).to_string();
        let taken = store::plans::version_taken(pool, repository.id, &version.to_string()).await?;
        let newest = store::versions::newest_of_line(pool, repository.id, &line)
            .await?
            .and_then(|text| semver::Version::parse(&text).ok());
        if let Some(refusal) = version_refusal(version, taken, newest.as_ref()) {
            problems.push(("version", refusal));
        }
    }
    let target_date = parse_target_date(&input.target_date)
        .map_err(|problem| problems.push(("target_date", problem)))
        .ok();
    let tag = version
        .as_ref()
        .map(|v| format!("{}{v}", repository.tag_prefix));
    let given = input
        .branch
        .as_deref()
        .map(str::trim)
        .filter(|b| !b.is_empty());
    // The default branch is only named once the version is known.
    let branch = given
        .map(str::to_owned)
        .or_else(|| tag.as_deref().map(default_branch));
    if let Some(branch) = &branch {
        if let Err(problem) = branch_refusal(pool, repository, branch, None).await? {
            problems.push(("branch", problem));
        }
    }
    if let Err(problem) = check_notes(&input.notes) {
        problems.push(("notes", problem));
    }
    let (Some(version), Some(target_date), Some(tag), Some(branch), true) =
        (version, target_date, tag, branch, problems.is_empty())
    else {
        return Err(AppError::validation(problems));
    };

    let now = Utc::now();
    let mut tx = pool.begin().await?;
    let version_id = store::versions::upsert(&mut *tx, repository, &tag).await?;
    let fields = PlanFields {
        target_date,
        branch: &branch,
        notes: input.notes.trim(),
    };
    // Of two plans of one version at once, the second finds the first here.
    if !store::plans::save_new(&mut *tx, version_id, &fields, by, now).await? {
        return Err(AppError::validation([(
            "version",
            format!("{version} is already a version or a plan of this repository"),
        )]));
    }
    start_planned(&mut tx, repository, version_id, &version, by, now).await?;
    tx.commit().await?;
    refresh_gate_soon(pool, host, repository, version_id, None);
    find(pool, repository, &version.to_string()).await
}

/// Changes a plan's target date, branch or notes.
pub async fn edit(
    pool: &SqlitePool,
    host: &Host,
    repository: &Repository,
    text: &str,
    changes: &PlanChanges,
) -> Result<PlanRecord, AppError> {
    let current = find(pool, repository, text).await?;
    let mut problems = Vec::new();
    let target_date = match &changes.target_date {
        Some(text) => parse_target_date(text)
            .map_err(|problem| problems.push(("target_date", problem)))
            .ok(),
        None => Some(current.target_date),
    };
    let branch = changes
        .branch
        .as_deref()
        .map(str::trim)
        .map_or(current.branch.as_str(), |b| b);
    if let Err(problem) = branch_refusal(pool, repository, branch, Some(current.version_id)).await?
    {
        problems.push(("branch", problem));
    }
    let notes = changes
        .notes
        .as_deref()
        .map_or(current.notes.as_str(), str::trim);
    if let Err(problem) = check_notes(notes) {
        problems.push(("notes", problem));
    }
    let (Some(target_date), true) = (target_date, problems.is_empty()) else {
        return Err(AppError::validation(problems));
    };
    let fields = PlanFields {
        target_date,
        branch,
        notes,
    };
    store::plans::update(pool, current.version_id, &fields, Utc::now()).await?;
    refresh_gate_soon(pool, host, repository, current.version_id, None);
    find(pool, repository, text).await
}

/// Why `branch` cannot carry a plan's gate: not a branch name git accepts, or the branch of
/// another live plan (each would overwrite the other's status).
async fn branch_refusal(
    pool: &SqlitePool,
    repository: &Repository,
    branch: &str,
    plan: Option<i64>,
) -> Result<Result<(), String>, AppError> {
    if let Err(problem) = check_branch(branch) {
        return Ok(Err(problem));
    }
    let other = store::plans::list(pool, repository.id)
        .await?
        .into_iter()
        .find(|p| p.branch == branch && !p.published && Some(p.version_id) != plan);
    Ok(match other {
        Some(other) => Err(format!(
            "{branch} is where {} is prepared; give this plan a branch of its own",
            other.tag
        )),
        None => Ok(()),
    })
}

/// Drops a plan; its checklist and log stay, and planning the version again revives it.
pub async fn cancel(
    pool: &SqlitePool,
    repository: &Repository,
    text: &str,
) -> Result<(), AppError> {
    let current = find(pool, repository, text).await?;
    if current.tagged {
        return Err(AppError::Conflict(format!(
            "{} is tagged already: it is a version now, not a plan",
            current.tag
        )));
    }
    store::plans::cancel(pool, current.version_id, Utc::now()).await?;
    Ok(())
}

/// A plan as pages and the REST API show it.
pub async fn view(pool: &SqlitePool, plan: PlanRecord) -> Result<PlanView, AppError> {
    let (open, total) = pre_release_items(pool, plan.version_id).await?;
    Ok(PlanView {
        gate: plan
            .gate_sha
            .zip(plan.gate_state)
            .zip(plan.gate_description)
            .map(|((sha, state), description)| Gate {
                sha,
                state,
                description,
            }),
        version: plan.version,
        tag: plan.tag,
        target_date: plan.target_date,
        branch: plan.branch,
        notes: plan.notes,
        tagged: plan.tagged,
        published: plan.published,
        pre_release_open: open,
        pre_release_total: total,
        planned_by: plan.planned_by,
        planned_at: plan.planned_at,
        updated_at: plan.updated_at,
    })
}

/// Open and all pre-release items of a version's checklist: (open, total).
pub async fn pre_release_items(
    pool: &SqlitePool,
    version_id: i64,
) -> Result<(usize, usize), AppError> {
    let (open, total) = open_pre_release_items(pool, version_id).await?;
    Ok((open.len(), total))
}

/// The text of each pre-release item still open, and how many pre-release items there are.
async fn open_pre_release_items(
    pool: &SqlitePool,
    version_id: i64,
) -> Result<(Vec<String>, usize), AppError> {
    let Some(checklist) = store::checklists::find(pool, version_id).await? else {
        return Ok((Vec::new(), 0));
    };
    let items = store::checklists::items(pool, checklist.id).await?;
    let sections: Vec<&str> = items.iter().map(|i| i.section.as_str()).collect();
    let before = before_release(&sections);
    let pre: Vec<_> = items.iter().zip(before).filter(|(_, pre)| *pre).collect();
    let open = pre
        .iter()
        .filter(|(item, _)| item.state() == crate::domain::checklist::ItemState::Open)
        .map(|(item, _)| item.text.clone())
        .collect();
    Ok((open, pre.len()))
}

/// Writes the gate's commit status on the head of the plan's branch (`head`, when a push told
/// it), if it differs from the last one written: each change is written once, however many
/// ask at once. A branch not pushed yet has nothing to gate.
pub async fn refresh_gate(
    pool: &SqlitePool,
    host: &Host,
    repository: &Repository,
    version_id: i64,
    head: Option<&str>,
) -> Result<(), AppError> {
    let Some(plan) = store::plans::list(pool, repository.id)
        .await?
        .into_iter()
        .find(|p| p.version_id == version_id && !p.published)
    else {
        return Ok(());
    };
    let github = host.github()?;
    // Counting, claiming and writing happen one refresh at a time per plan, so the status
    // written last is the one counted last.
    let lock = gate_lock(version_id);
    let _one_at_a_time = lock.lock().await;
    let sha = match head {
        Some(sha) => sha.to_owned(),
        None => match github.branch_head(repository, &plan.branch).await? {
            Some(sha) => sha,
            None => return Ok(()),
        },
    };
    let (open, total) = open_pre_release_items(pool, version_id).await?;
    let gate = gate_for(open.len(), total);
    if !store::plans::claim_gate(pool, version_id, &sha, gate.state, &gate.description).await? {
        return Ok(());
    }
    let status = CommitStatus {
        state: gate.state.to_owned(),
        description: gate.description.clone(),
        context: GATE_CONTEXT.to_owned(),
        target_url: host.public_url.as_ref().map(|base| {
            format!(
                "{}/{}/{}/plans/{}",
                base.trim_end_matches('/'),
                repository.owner,
                repository.name,
                plan.version
            )
        }),
        summary: gate_summary(&open),
    };
    let result = github.set_status(repository, &sha, &status).await;
    if result.is_err() {
        store::plans::unclaim_gate(pool, version_id, &sha).await?;
    }
    let request = match &result {
        Ok(request) => request.clone(),
        Err(_) => format!(
            "POST /repos/{}/{}/statuses/{sha}",
            repository.owner, repository.name
        ),
    };
    let asked = Asked {
        action: "status",
        request: &request,
        detail: &format!("{}: {}", gate.state, gate.description),
        by: "Release Desk",
    };
    let outcome = result.as_ref().map(|_| (201, "written".to_owned()));
    log_write(pool, repository, version_id, &asked, outcome).await?;
    result?;
    Ok(())
}

/// The lock of one plan's gate.
fn gate_lock(version_id: i64) -> std::sync::Arc<tokio::sync::Mutex<()>> {
    static GATES: LazyLock<std::sync::Mutex<HashMap<i64, std::sync::Arc<tokio::sync::Mutex<()>>>>> =
        LazyLock::new(Default::default);
    let mut gates = GATES
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    gates.entry(version_id).or_default().clone()
}

/// Refreshes the gate in the background: a person's tick does not wait for GitHub.
pub fn refresh_gate_soon(
    pool: &SqlitePool,
    host: &Host,
    repository: &Repository,
    version_id: i64,
    head: Option<String>,
) {
    if !host.has_github() {
        return;
    }
    let (pool, host, repository) = (pool.clone(), host.clone(), repository.clone());
    tokio::spawn(async move {
        if let Err(err) = refresh_gate(&pool, &host, &repository, version_id, head.as_deref()).await
        {
            tracing::warn!(repository = %format!("{}/{}", repository.owner, repository.name), error = %err, "the release gate was not written");
        }
    });
}

/// Refreshes the gate of every plan of the repository not yet published (after evidence
/// ticked items); only a changed gate is written.
pub async fn refresh_gates(
    pool: &SqlitePool,
    host: &Host,
    repository: &Repository,
) -> Result<(), AppError> {
    for plan in store::plans::list(pool, repository.id).await? {
        if !plan.published {
            refresh_gate(pool, host, repository, plan.version_id, None).await?;
        }
    }
    Ok(())
}

/// After a change to the checklist of `text`: its plan's gate follows, in the background. The
/// change is made already, so a failure here is logged, not answered.
pub async fn checklist_changed(
    pool: &SqlitePool,
    host: &Host,
    repository: &Repository,
    text: &str,
) {
    let Ok(version) = parse_tag(text.trim(), &repository.tag_prefix) else {
        return;
    };
    match store::plans::find(pool, repository.id, &version.to_string()).await {
        Ok(Some(plan)) => refresh_gate_soon(pool, host, repository, plan.version_id, None),
        Ok(None) => {}
        Err(err) => tracing::warn!(error = %err, "the plan of a changed checklist was not found"),
    }
}

/// Refreshes the gates of the plans prepared on `branch` after a push moved it to `head`.
pub async fn branch_pushed(
    pool: &SqlitePool,
    host: &Host,
    repository: &Repository,
    branch: &str,
    head: &str,
) -> Result<usize, AppError> {
    let plans: Vec<_> = store::plans::list(pool, repository.id)
        .await?
        .into_iter()
        .filter(|p| p.branch == branch && !p.published)
        .collect();
    for plan in &plans {
        refresh_gate(pool, host, repository, plan.version_id, Some(head)).await?;
    }
    Ok(plans.len())
}

/// What publishing did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Published {
    pub release: HostRelease,
    /// False when GitHub had the release already (a retried or doubled publish).
    pub created: bool,
}

/// One publish at a time in this process, so two at once find each other's release; between
/// servers, GitHub's 422 for a tag that has a release does the same (see `publish`).
static PUBLISHING: LazyLock<tokio::sync::Mutex<()>> = LazyLock::new(Default::default);

/// Publishes the GitHub release of `text` once its tag exists: notes from CHANGELOG.md or the
/// plan's draft, pre-release by channel, latest only when it becomes the highest stable. Refused
/// (409) while pre-release items are open, unless a reason is given (logged). A release GitHub
/// has already is found by its tag, never made twice.
pub async fn publish(
    pool: &SqlitePool,
    host: &Host,
    repository: &Repository,
    text: &str,
    by: &str,
    reason: Option<&str>,
) -> Result<Published, AppError> {
    let version = parse_tag(text.trim(), &repository.tag_prefix)
        .map_err(|err| AppError::NotFound(err.to_string()))?;
    let Some(detail) =
        store::versions::find_public(pool, repository.id, &version.to_string()).await?
    else {
        return match store::plans::find(pool, repository.id, &version.to_string()).await? {
            Some(plan) => Err(AppError::Conflict(format!(
                "the tag {} is not on GitHub yet: push it, then publish",
                plan.tag
            ))),
            None => Err(AppError::NotFound(format!(
                "{}/{} has no version {version}",
                repository.owner, repository.name
            ))),
        };
    };
    let version_id = store::versions::public_id(pool, repository.id, &version.to_string())
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no version {version}")))?;
    if store::versions::withdrawal(pool, version_id)
        .await?
        .is_some()
    {
        return Err(AppError::Conflict(format!(
            "{} is withdrawn: restore it before publishing its release",
            detail.tag
        )));
    }
    let reason = reason.map(str::trim).filter(|r| !r.is_empty());
    let (open, total) = pre_release_items(pool, version_id).await?;
    if open > 0 && reason.is_none() {
        return Err(AppError::Conflict(format!(
            "{open} of {total} pre-release items are open: tick them, or publish anyway with a reason"
        )));
    }
    let github = host.github()?;
    let _one_at_a_time = PUBLISHING.lock().await;
    if let Some(release) = github.release_by_tag(repository, &detail.tag).await? {
        keep_release(pool, version_id, &release).await?;
        return Ok(Published {
            release,
            created: false,
        });
    }
    let plan = store::plans::find(pool, repository.id, &version.to_string()).await?;
    let changelog = store::changelogs::find(pool, repository.id).await?;
    let section = changelog
        .as_ref()
        .and_then(|c| c.markdown.as_deref())
        .and_then(|markdown| section_for(markdown, &version));
    let highest_stable =
        store::versions::highest_stable_except(pool, repository.id, &version.to_string())
            .await?
            .and_then(|text| semver::Version::parse(&text).ok());
    let new = NewRelease {
        tag: detail.tag.clone(),
        name: detail.tag.clone(),
        body: release_body(section, plan.as_ref().map_or("", |p| p.notes.as_str())),
        prerelease: Channel::of(&version) != Channel::Stable,
        make_latest: makes_latest(&version, highest_stable.as_ref()),
    };
    let result = github.create_release(repository, &new).await;
    let detail_line = match reason {
        Some(reason) => {
            format!("{open} of {total} pre-release items open; published anyway: {reason}")
        }
        None => format!("all {total} pre-release items done"),
    };
    let asked = Asked {
        action: "publish",
        request: &format!(
            "POST /repos/{}/{}/releases",
            repository.owner, repository.name
        ),
        detail: &detail_line,
        by,
    };
    let outcome = result.as_ref().map(|r| (201, r.html_url.clone()));
    log_write(pool, repository, version_id, &asked, outcome).await?;
    let release = match result {
        Ok(release) => release,
        // Made meanwhile by someone else (another server, a person on GitHub): find it.
        Err(refused) if refused.status == Some(422) => {
            match github.release_by_tag(repository, &detail.tag).await? {
                Some(release) => {
                    keep_release(pool, version_id, &release).await?;
                    return Ok(Published {
                        release,
                        created: false,
                    });
                }
                None => return Err(refused.into()),
            }
        }
        Err(err) => return Err(err.into()),
    };
    keep_release(pool, version_id, &release).await?;
    Ok(Published {
        release,
        created: true,
    })
}

/// Stores a release GitHub answered with, as a sync would, so pages show it at once.
async fn keep_release(
    pool: &SqlitePool,
    version_id: i64,
    release: &HostRelease,
) -> Result<(), AppError> {
    store::versions::upsert_release(
        pool,
        version_id,
        &GithubRelease {
            github_id: release.id,
            name: &release.name,
            body: &release.body,
            html_url: &release.html_url,
            draft: release.draft,
            prerelease: release.prerelease,
            created_at: release.created_at,
            published_at: release.published_at,
        },
    )
    .await?;
    Ok(())
}

/// The next version, suggested from the commits on `branch` since the newest stable release.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NextVersion {
    /// The newest stable release compared against; none before the first.
    pub base: Option<String>,
    pub suggested: String,
    pub bump: Bump,
    pub commits: usize,
    pub reasons: Vec<Reason>,
    /// Versions the bump led to that the repository has already (a draft, a plan, a tag).
    pub skipped: Vec<String>,
}

pub async fn next_version(
    pool: &SqlitePool,
    host: &Host,
    repository: &Repository,
    channel: &str,
    branch: Option<&str>,
) -> Result<NextVersion, AppError> {
    let channel: Channel = match channel.trim() {
        "" => Channel::Stable,
        text => text.parse().map_err(|_| {
            AppError::validation([(
                "channel",
                format!("one of stable, rc, beta, alpha; got '{text}'"),
            )])
        })?,
    };
    if channel == Channel::Prerelease {
        return Err(AppError::validation([(
            "channel",
            "one of stable, rc, beta, alpha".to_owned(),
        )]));
    }
    let github = host.github()?;
    let branch = match branch.map(str::trim).filter(|b| !b.is_empty()) {
        Some(branch) => {
            check_branch(branch).map_err(|problem| AppError::validation([("branch", problem)]))?;
            branch.to_owned()
        }
        None => github.default_branch(repository).await?,
    };
    let base_tag = store::versions::highest_stable_tag(pool, repository.id).await?;
    let base = base_tag
        .as_ref()
        .and_then(|tag| parse_tag(tag, &repository.tag_prefix).ok());
    let commits = match &base_tag {
        Some(tag) => github.compare(repository, tag, &branch).await?,
        None => Vec::new(),
    };
    let existing: Vec<semver::Version> = store::versions::known_versions(pool, repository.id)
        .await?
        .iter()
        .filter_map(|text| semver::Version::parse(text).ok())
        .collect();
    let listed: Vec<Commit> = commits
        .iter()
        .map(|c| Commit {
            sha: &c.sha,
            message: &c.message,
        })
        .collect();
    let suggestion = suggest(
        base.as_ref(),
        &listed,
        channel,
        &existing,
        repository.zero_major_lines,
    )
    .map_err(|problem| AppError::validation([("channel", problem)]))?;
    Ok(NextVersion {
        base: base_tag,
        suggested: suggestion.suggested.to_string(),
        bump: suggestion.bump,
        commits: commits.len(),
        reasons: suggestion.reasons,
        skipped: suggestion.skipped.iter().map(ToString::to_string).collect(),
    })
}
