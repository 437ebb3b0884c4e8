//! One version: its notes (sanitised), support phase and neighbours.

use chrono::{DateTime, Utc};
use leptos::{prelude::*, server_fn::codec::GetUrl};
use serde::{Deserialize, Serialize};

use crate::{
    domain::{support::VersionCheck, version::Channel},
    error::AppError,
};

/// A standing withdrawal, as pages and the API show it.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WithdrawalInfo {
    pub reason: String,
    pub superseded_by: Option<String>,
    pub withdrawn_by: String,
    pub withdrawn_at: DateTime<Utc>,
}

/// A file attached to a release.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Asset {
    #[cfg_attr(feature = "ssr", schema(example = "orbit-linux-amd64.tar.gz"))]
    pub name: String,
    /// Bytes.
    pub size: i64,
    pub content_type: String,
    pub download_url: String,
    pub download_count: i64,
}

/// A withdrawal the maintainer asked for and was refused, with what they typed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WithdrawalRefusal {
    /// The repository and version it was about.
    pub repository_id: i64,
    pub version: String,
    pub message: String,
    pub reason: String,
    pub superseded_by: String,
}

/// What a refused change says to a person: each refused field's problem, or the error.
pub fn refusal_message(err: &AppError) -> String {
    match err {
        AppError::Validation { fields, .. } => {
            fields.values().cloned().collect::<Vec<_>>().join("; ")
        }
        other => other.to_string(),
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionPage {
    pub owner: String,
    pub name: String,
    pub tag: String,
    pub version: String,
    pub channel: Channel,
    pub line: String,
    pub released_at: Option<DateTime<Utc>>,
    pub title: String,
    /// The release notes as written (Markdown) and as shown (sanitised HTML).
    pub notes_markdown: String,
    pub notes_html: String,
    /// The version's section of the repository's CHANGELOG.md, as written and as shown.
    pub changelog: Option<(String, String)>,
    /// The GitHub release page; empty for a bare tag.
    pub html_url: String,
    /// The release's files, by name.
    pub assets: Vec<Asset>,
    pub has_release: bool,
    pub check: VersionCheck,
    pub withdrawal: Option<WithdrawalInfo>,
    pub previous: Option<String>,
    pub next: Option<String>,
    pub generated_at: DateTime<Utc>,
    /// The caller maintains the repository: the page offers to withdraw or restore.
    pub maintainer: bool,
    /// A withdrawal of this version just refused, shown once.
    pub refusal: Option<WithdrawalRefusal>,
    /// Incidents that affect this version: a banner on its page for the open ones, a notice
    /// with the fix for the resolved ones.
    pub incidents: crate::api::incidents::Affecting,
    /// The site's address for absolute links (the badge's Markdown); empty when not known.
    pub site: String,
}

/// `text` is a tag or a version; `None` when the repository has no such public version.
#[cfg(feature = "ssr")]
pub async fn version_page(
    pool: &sqlx::SqlitePool,
    repository: &crate::store::repositories::Repository,
    text: &str,
) -> Result<Option<VersionPage>, AppError> {
    use crate::{
        domain::{
            changelog::section_for,
            support::{check_version, support_windows},
            version::parse_tag,
        },
        markdown, store,
    };

    let version = parse_tag(text.trim(), &repository.tag_prefix)
        .map_err(|err| AppError::BadRequest(err.to_string()))?;
    let Some(detail) =
        store::versions::find_public(pool, repository.id, &version.to_string()).await?
    else {
        return Ok(None);
    };
    let releases = store::versions::support_releases(pool, repository.id).await?;
    let today = Utc::now().date_naive();
    let policy = repository.policy();
    let windows = support_windows(&releases, &policy, today);
    let check = check_version(&version, &releases, &windows, &policy, today);
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
            section_for(&text, &version)
                .map(|section| (section.to_owned(), markdown::render(section)))
        });
    let assets = store::versions::list_assets(pool, repository.id, &detail.tag).await?;
    let incidents = crate::api::incidents::affecting(pool, repository.id, &version).await?;
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
        maintainer: crate::access::maintains(pool, &crate::access::current_caller(), repository)
            .await?,
        refusal: None,
        site: String::new(),
        incidents,
    }))
}

/// `Ok(None)` for a version the repository does not have (or a repository it does not track).
#[server(prefix = "/sfn", endpoint = "get_version", input = GetUrl)]
pub async fn get_version(
    owner: String,
    repo: String,
    version: String,
) -> Result<Option<VersionPage>, AppError> {
    use crate::{state::app_state, store};

    let pool = app_state()?.pool;
    let Some(repository) = store::repositories::find(&pool, &owner, &repo).await? else {
        return Ok(None);
    };
    let Some(mut page) = version_page(&pool, &repository, &version).await? else {
        return Ok(None);
    };
    page.refusal = take_refusal(repository.id, &page.tag).await;
    page.site = crate::access::current_site_address();
    Ok(Some(page))
}

/// The refusal kept for this version, taken out of the session as it is shown.
#[cfg(feature = "ssr")]
async fn take_refusal(repository_id: i64, tag: &str) -> Option<WithdrawalRefusal> {
    use crate::access;

    let session = access::current_session().ok()?;
    let stored: WithdrawalRefusal = session
        .get(access::SESSION_WITHDRAWAL_REFUSAL)
        .await
        .ok()??;
    // The form posts the page's tag.
    if stored.repository_id != repository_id || stored.version != tag {
        return None;
    }
    let _ = session
        .remove_value(access::SESSION_WITHDRAWAL_REFUSAL)
        .await;
    Some(stored)
}

/// Withdraws the public version `text` (a tag or version): `reason` is required, and
/// `superseded_by`, when given, must be a released version newer than this one. The caller must
/// already be known to maintain the repository. Returns the version and its id.
#[cfg(feature = "ssr")]
pub async fn withdraw_version(
    pool: &sqlx::SqlitePool,
    repository: &crate::store::repositories::Repository,
    text: &str,
    reason: &str,
    superseded_by: Option<&str>,
    by: &str,
) -> Result<(semver::Version, i64), AppError> {
    use crate::{domain::version::parse_tag, store};

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
    store::versions::withdraw(pool, id, reason, superseded_by.as_deref(), by).await?;
    Ok((version, id))
}

/// Restores a withdrawn version; 404 when it is not withdrawn.
#[cfg(feature = "ssr")]
pub async fn restore_version(
    pool: &sqlx::SqlitePool,
    repository: &crate::store::repositories::Repository,
    text: &str,
) -> Result<semver::Version, AppError> {
    let (version, id) = public_version(pool, repository, text).await?;
    if !crate::store::versions::restore(pool, id).await? {
        return Err(AppError::NotFound(format!("{version} is not withdrawn")));
    }
    Ok(version)
}

/// The public version `text` of the repository and its id, or a 400 or 404.
#[cfg(feature = "ssr")]
pub(crate) async fn public_version(
    pool: &sqlx::SqlitePool,
    repository: &crate::store::repositories::Repository,
    text: &str,
) -> Result<(semver::Version, i64), AppError> {
    let version = crate::domain::version::parse_tag(text.trim(), &repository.tag_prefix)
        .map_err(|err| AppError::BadRequest(err.to_string()))?;
    let id = crate::store::versions::public_id(pool, repository.id, &version.to_string())
        .await?
        .ok_or_else(|| {
            AppError::NotFound(format!(
                "{}/{} has no version {text}",
                repository.owner, repository.name
            ))
        })?;
    Ok((version, id))
}

/// The version page's withdraw form (maintainers). Refusals come back as the action's error
/// when hydrated, and wait in the session for the page a plain form post returns to.
#[server(prefix = "/sfn", endpoint = "withdraw")]
pub async fn withdraw(
    owner: String,
    repo: String,
    version: String,
    reason: String,
    superseded_by: String,
) -> Result<(), AppError> {
    use crate::{access, state::app_state};

    let pool = app_state()?.pool;
    let repository = access::maintained(&pool, &owner, &repo).await?;
    let by = access::current_caller()
        .person()
        .map(|p| p.login.clone())
        .unwrap_or_default();
    let result = withdraw_version(
        &pool,
        &repository,
        &version,
        &reason,
        Some(&superseded_by),
        &by,
    )
    .await;
    // A form posted without JavaScript comes back to the page: the refusal waits for it there.
    if let Err(err) = &result {
        if err.status().is_client_error() {
            let refusal = WithdrawalRefusal {
                repository_id: repository.id,
                message: refusal_message(err),
                version,
                reason,
                superseded_by,
            };
            if let Err(err) = access::current_session()?
                .insert(access::SESSION_WITHDRAWAL_REFUSAL, refusal)
                .await
            {
                tracing::warn!(error = %err, "cannot keep the withdrawal refusal in the session");
            }
        }
    }
    result.map(|_| ())
}

#[server(prefix = "/sfn", endpoint = "restore")]
pub async fn restore(owner: String, repo: String, version: String) -> Result<(), AppError> {
    use crate::{access, state::app_state};

    let pool = app_state()?.pool;
    let repository = access::maintained(&pool, &owner, &repo).await?;
    restore_version(&pool, &repository, &version).await?;
    Ok(())
}

/// One version in a comparison: what changed in it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComparedVersion {
    pub tag: String,
    pub channel: Channel,
    pub released_at: Option<DateTime<Utc>>,
    pub title: String,
    pub notes_html: String,
    /// The version's section of the repository's CHANGELOG.md, as shown.
    pub changelog_html: Option<String>,
    pub withdrawn: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comparison {
    pub owner: String,
    pub name: String,
    pub from: String,
    pub to: String,
    /// Every version after `from` up to and including `to`, oldest first: the upgrade's reading
    /// order.
    pub versions: Vec<ComparedVersion>,
    pub generated_at: DateTime<Utc>,
}

/// At most this many versions are compared at once.
pub const MAX_COMPARED: i64 = 200;

/// `range` is `FROM...TO` (tags or versions, either order). `Ok(None)` for an untracked
/// repository; a malformed range is a 400 that says how to write one.
#[server(prefix = "/sfn", endpoint = "compare", input = GetUrl)]
pub async fn compare(
    owner: String,
    repo: String,
    range: String,
) -> Result<Option<Comparison>, AppError> {
    use crate::{
        domain::{
            changelog::section_for,
            version::{parse_tag, precedence_key},
        },
        markdown,
        state::app_state,
        store,
    };

    let pool = app_state()?.pool;
    let Some(repository) = store::repositories::find(&pool, &owner, &repo).await? else {
        return Ok(None);
    };
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
        &pool,
        repository.id,
        &precedence_key(&low),
        &precedence_key(&high),
        MAX_COMPARED,
    )
    .await?;
    let changelog = store::changelogs::find(&pool, repository.id)
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
    Ok(Some(Comparison {
        owner: repository.owner,
        name: repository.name,
        from: low.to_string(),
        to: high.to_string(),
        versions,
        generated_at: Utc::now(),
    }))
}
