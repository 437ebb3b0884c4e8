//! The GitHub sync (PRODUCT.md §5): releases, tags and tag dates into SQLite, all written in
//! one transaction so that a failed sync leaves the database exactly as it was.

use std::collections::{HashMap, HashSet};

use app::store::{
    self,
    repositories::Repository,
    sync::{CachedPage, RunResult},
    versions::{GitTag, GithubRelease, StoredTag},
};
use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use sqlx::SqlitePool;

use crate::github::{
    payload::{AnnotatedTag, Commit, GitRef, Release, Tag},
    FetchError, Fetched, Fetcher, GitHub,
};

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(transparent)]
    GitHub(#[from] FetchError),
    #[error("the database failed during the sync: {0}")]
    Database(#[from] sqlx::Error),
}

/// What a successful sync found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyncSummary {
    pub tags: usize,
    pub releases: usize,
    pub deleted: u64,
}

/// Where a sync stands, for progress bars and log lines.
pub trait Progress: Send + Sync {
    fn step(&self, message: &str);
}

impl<F: Fn(&str) + Send + Sync> Progress for F {
    fn step(&self, message: &str) {
        self(message)
    }
}

/// Syncs `repo` and records the run, successful or not, in `sync_runs`.
pub async fn sync_repository<G: GitHub>(
    pool: &SqlitePool,
    fetcher: &Fetcher<G>,
    repo: &Repository,
    trigger: &str,
    progress: &dyn Progress,
) -> Result<SyncSummary, SyncError> {
    let run_id = store::sync::start_run(pool, repo.id, trigger).await?;
    let (requests_before, not_modified_before) = (fetcher.requests(), fetcher.not_modified());
    let outcome = sync(pool, fetcher, repo, progress).await;
    let error = outcome.as_ref().err().map(ToString::to_string);
    let result = RunResult {
        ok: outcome.is_ok(),
        requests: i64::try_from(fetcher.requests() - requests_before).unwrap_or(i64::MAX),
        not_modified: i64::try_from(fetcher.not_modified() - not_modified_before)
            .unwrap_or(i64::MAX),
        rate_limit_remaining: fetcher
            .rate_limit_remaining()
            .and_then(|r| i64::try_from(r).ok()),
        error: error.as_deref(),
    };
    store::sync::finish_run(pool, run_id, &result).await?;
    outcome
}

async fn sync<G: GitHub>(
    pool: &SqlitePool,
    fetcher: &Fetcher<G>,
    repo: &Repository,
    progress: &dyn Progress,
) -> Result<SyncSummary, SyncError> {
    let base = format!("/repos/{}/{}", repo.owner, repo.name);
    let mut pages = Vec::new();

    progress.step("listing releases");
    let releases: Vec<Release> = fetch_list(
        pool,
        fetcher,
        &format!("{base}/releases?per_page=100"),
        &mut pages,
    )
    .await?;
    progress.step(&format!("{} releases; listing tags", releases.len()));
    let tags: Vec<Tag> = fetch_list(
        pool,
        fetcher,
        &format!("{base}/tags?per_page=100"),
        &mut pages,
    )
    .await?;
    progress.step(&format!("{} tags; resolving tag dates", tags.len()));
    let dates = tag_dates(pool, fetcher, repo, &base, &tags, &releases, &mut pages).await?;

    progress.step("saving");
    let now = Utc::now();
    let mut tx = pool.begin().await?;
    let mut tag_ids = Vec::with_capacity(tags.len());
    for tag in &tags {
        let id = store::versions::upsert(&mut *tx, repo, &tag.name).await?;
        let (tagged_at, tag_object_sha) =
            match (dates.resolved.get(&tag.name), dates.known.get(&tag.name)) {
                (Some(resolved), _) => (Some(resolved.date), resolved.tag_object_sha.as_deref()),
                (None, Some(stored)) => (stored.tagged_at, stored.tag_object_sha.as_deref()),
                (None, None) => (None, None),
            };
        let git = GitTag {
            commit_sha: &tag.commit.sha,
            tag_object_sha,
            tagged_at,
        };
        store::versions::upsert_tag(&mut *tx, id, &git).await?;
        tag_ids.push(id);
    }
    let mut release_ids = Vec::with_capacity(releases.len());
    for release in &releases {
        let id = store::versions::upsert(&mut *tx, repo, &release.tag_name).await?;
        let record = GithubRelease {
            github_id: release.id,
            name: release.name.as_deref().unwrap_or_default(),
            body: release.body.as_deref().unwrap_or_default(),
            html_url: &release.html_url,
            draft: release.draft,
            prerelease: release.prerelease,
            created_at: release.created_at,
            published_at: if release.draft {
                None
            } else {
                release.published_at
            },
        };
        store::versions::upsert_release(&mut *tx, id, &record).await?;
        release_ids.push(id);
    }
    let deleted = store::versions::mark_tags_deleted_except(&mut *tx, repo.id, &tag_ids, now)
        .await?
        + store::versions::mark_releases_deleted_except(&mut *tx, repo.id, &release_ids, now)
            .await?;
    for page in &pages {
        store::sync::store_page(&mut *tx, page).await?;
    }
    for (sha, date) in &dates.fetched {
        store::sync::store_git_date(&mut *tx, sha, *date).await?;
    }
    tx.commit().await?;
    progress.step("done");
    Ok(SyncSummary {
        tags: tags.len(),
        releases: releases.len(),
        deleted,
    })
}

/// Every item of a paginated list, following `Link: rel="next"`. Pages GitHub answers with
/// 304 come from the cache; fresh pages are added to `pages` for the transaction to store.
async fn fetch_list<G: GitHub, T: DeserializeOwned>(
    pool: &SqlitePool,
    fetcher: &Fetcher<G>,
    first: &str,
    pages: &mut Vec<CachedPage>,
) -> Result<Vec<T>, SyncError> {
    let mut items = Vec::new();
    let mut url = first.to_owned();
    loop {
        let cached = store::sync::cached_page(pool, &url).await?;
        // A cached body that no longer parses is simply fetched again.
        let cached = cached.and_then(|page| {
            serde_json::from_str::<Vec<T>>(&page.body)
                .ok()
                .map(|parsed| (page, parsed))
        });
        let etag = cached.as_ref().map(|(page, _)| page.etag.as_str());
        let next = match fetcher.get::<Vec<T>>(&url, etag).await? {
            Fetched::Fresh {
                value,
                body,
                etag,
                next,
            } => {
                items.extend(value);
                if let Some(etag) = etag {
                    let body = String::from_utf8_lossy(&body).into_owned();
                    pages.push(CachedPage {
                        url: url.clone(),
                        etag,
                        next_url: next.clone(),
                        body,
                    });
                }
                next
            }
            Fetched::NotModified => match cached {
                Some((page, parsed)) => {
                    items.extend(parsed);
                    page.next_url
                }
                None => return Err(FetchError::Unexpected { status: 304, url }.into()),
            },
        };
        match next {
            Some(next) => url = next,
            None => return Ok(items),
        }
    }
}

struct ResolvedDate {
    date: DateTime<Utc>,
    tag_object_sha: Option<String>,
}

struct TagDates {
    /// Tags as stored, when they still point at the same commit.
    known: HashMap<String, StoredTag>,
    /// Dates looked up in this sync, by tag name.
    resolved: HashMap<String, ResolvedDate>,
    /// Git object dates looked up in this sync, by SHA, for the cache.
    fetched: HashMap<String, DateTime<Utc>>,
}

/// Dates for tags without a published release, whose date is the tag's own. Stored dates are
/// reused while the tag points at the same commit; a SHA's date is fetched at most once ever.
async fn tag_dates<G: GitHub>(
    pool: &SqlitePool,
    fetcher: &Fetcher<G>,
    repo: &Repository,
    base: &str,
    tags: &[Tag],
    releases: &[Release],
    pages: &mut Vec<CachedPage>,
) -> Result<TagDates, SyncError> {
    let published: HashSet<&str> = releases
        .iter()
        .filter(|r| !r.draft && r.published_at.is_some())
        .map(|r| r.tag_name.as_str())
        .collect();
    let mut stored: HashMap<String, StoredTag> = store::versions::list_stored_tags(pool, repo.id)
        .await?
        .into_iter()
        .map(|tag| (tag.tag.clone(), tag))
        .collect();
    let mut known = HashMap::new();
    let mut missing = Vec::new();
    for tag in tags {
        let same = stored
            .remove(&tag.name)
            .filter(|s| s.commit_sha == tag.commit.sha);
        let dated = same.as_ref().is_some_and(|s| s.tagged_at.is_some());
        if let Some(same) = same {
            known.insert(tag.name.clone(), same);
        }
        if !dated && !published.contains(tag.name.as_str()) {
            missing.push(tag);
        }
    }
    let mut dates = TagDates {
        known,
        resolved: HashMap::new(),
        fetched: HashMap::new(),
    };
    if missing.is_empty() {
        return Ok(dates);
    }

    let refs: Vec<GitRef> = fetch_list(
        pool,
        fetcher,
        &format!("{base}/git/matching-refs/tags?per_page=100"),
        pages,
    )
    .await?;
    let refs: HashMap<&str, &GitRef> = refs
        .iter()
        .filter_map(|r| r.name.strip_prefix("refs/tags/").map(|name| (name, r)))
        .collect();
    for tag in missing {
        let annotated = refs
            .get(tag.name.as_str())
            .filter(|r| r.object.kind == "tag");
        let resolved = match annotated {
            Some(git_ref) => {
                let sha = &git_ref.object.sha;
                let date = match cached_date(pool, &dates, sha).await? {
                    Some(date) => Some(date),
                    None => {
                        let url = format!("{base}/git/tags/{sha}");
                        let tagger = fetch_one::<G, AnnotatedTag>(fetcher, &url).await?.tagger;
                        tagger.map(|t| t.date)
                    }
                };
                match date {
                    Some(date) => {
                        dates.fetched.insert(sha.clone(), date);
                        ResolvedDate {
                            date,
                            tag_object_sha: Some(sha.clone()),
                        }
                    }
                    // An annotated tag without a tagger: fall back to its commit.
                    None => ResolvedDate {
                        date: commit_date(pool, fetcher, &mut dates, base, &tag.commit.sha).await?,
                        tag_object_sha: Some(sha.clone()),
                    },
                }
            }
            None => ResolvedDate {
                date: commit_date(pool, fetcher, &mut dates, base, &tag.commit.sha).await?,
                tag_object_sha: None,
            },
        };
        dates.resolved.insert(tag.name.clone(), resolved);
    }
    Ok(dates)
}

async fn commit_date<G: GitHub>(
    pool: &SqlitePool,
    fetcher: &Fetcher<G>,
    dates: &mut TagDates,
    base: &str,
    sha: &str,
) -> Result<DateTime<Utc>, SyncError> {
    if let Some(date) = cached_date(pool, dates, sha).await? {
        return Ok(date);
    }
    let commit = fetch_one::<G, Commit>(fetcher, &format!("{base}/git/commits/{sha}")).await?;
    dates.fetched.insert(sha.to_owned(), commit.committer.date);
    Ok(commit.committer.date)
}

/// A SHA's date from this sync's lookups or from the database.
async fn cached_date(
    pool: &SqlitePool,
    dates: &TagDates,
    sha: &str,
) -> Result<Option<DateTime<Utc>>, SyncError> {
    if let Some(date) = dates.fetched.get(sha) {
        return Ok(Some(*date));
    }
    Ok(store::sync::git_date(pool, sha).await?)
}

async fn fetch_one<G: GitHub, T: DeserializeOwned>(
    fetcher: &Fetcher<G>,
    url: &str,
) -> Result<T, SyncError> {
    match fetcher.get::<T>(url, None).await? {
        Fetched::Fresh { value, .. } => Ok(value),
        Fetched::NotModified => Err(FetchError::Unexpected {
            status: 304,
            url: url.to_owned(),
        }
        .into()),
    }
}
