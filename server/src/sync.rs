//! The GitHub sync (PRODUCT.md §5): releases, tags and tag dates into SQLite, all written in
//! one transaction so that a failed sync leaves the database exactly as it was.

use std::collections::{HashMap, HashSet};

use app::{
    domain::version::TagInfo,
    store::{
        self,
        changelogs::StoredChangelog,
        repositories::Repository,
        sync::{CachedPage, RunResult},
        versions::{GitTag, StoredTag},
    },
};
use chrono::{DateTime, Utc};
use futures::{stream, StreamExt};
use serde::de::DeserializeOwned;
use sqlx::SqlitePool;

use crate::github::{
    payload::{AnnotatedTag, Commit, FileContent, GitRef, Release, Tag},
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
    let releases = fetch_list::<_, Vec<Release>>(
        pool,
        fetcher,
        &format!("{base}/releases?per_page=100"),
        &mut pages,
    )
    .await?;
    progress.step(&format!("{} releases; listing tags", releases.len()));
    let tags = fetch_list::<_, Vec<Tag>>(
        pool,
        fetcher,
        &format!("{base}/tags?per_page=100"),
        &mut pages,
    )
    .await?;
    progress.step(&format!("{} tags; resolving tag dates", tags.len()));
    let dates = tag_dates(pool, fetcher, repo, &base, &tags, &releases, &mut pages).await?;
    progress.step("reading CHANGELOG.md");
    let changelog = changelog(pool, fetcher, repo, &base, &tags).await?;

    if pages.is_empty() && dates.resolved.is_empty() && changelog.is_none() {
        // Every list answered 304 and no date was missing: what we hold is what GitHub has.
        progress.step("unchanged");
        return Ok(SyncSummary {
            tags: tags.len(),
            releases: releases.len(),
            deleted: 0,
        });
    }
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
        let record = release.record();
        store::versions::upsert_release(&mut *tx, id, &record).await?;
        store::versions::replace_assets(&mut tx, id, &release.asset_records()).await?;
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
    if let Some(changelog) = &changelog {
        store::changelogs::save(&mut *tx, repo.id, changelog, now).await?;
    }
    app::service::checklists::start_new_versions(&mut tx, repo, now).await?;
    tx.commit().await?;
    progress.step("done");
    Ok(SyncSummary {
        tags: tags.len(),
        releases: releases.len(),
        deleted,
    })
}

/// Reads CHANGELOG.md with the contents API at the newest version's tag, whose changelog
/// holds every earlier section too. The file at a commit never changes, so this asks only when
/// the newest tag points at a commit not read before: a sync with no new tag asks nothing.
/// A changelog is a nicety: a failure logs a warning and keeps what is stored. `None` when
/// there is nothing new to store.
async fn changelog<G: GitHub>(
    pool: &SqlitePool,
    fetcher: &Fetcher<G>,
    repo: &Repository,
    base: &str,
    tags: &[Tag],
) -> Result<Option<StoredChangelog>, SyncError> {
    let newest = tags
        .iter()
        .filter_map(|tag| {
            let info = TagInfo::parse(&tag.name, &repo.tag_prefix, repo.zero_major_lines).ok()?;
            Some((info.precedence, tag))
        })
        .max_by(|a, b| a.0.cmp(&b.0));
    let Some((_, tag)) = newest else {
        return Ok(None);
    };
    let stored = store::changelogs::find(pool, repo.id).await?;
    if stored.is_some_and(|s| s.commit_sha == tag.commit.sha) {
        return Ok(None);
    }
    let url = format!("{base}/contents/CHANGELOG.md?ref={}", tag.commit.sha);
    let markdown = match fetcher.get::<FileContent>(&url, None).await {
        Ok(Fetched::Fresh { value, .. }) => match value.text() {
            Some(text) => Some(text),
            None => {
                tracing::warn!(repository = %repo.name, url, "CHANGELOG.md is over 1 MB or not UTF-8; skipped");
                None
            }
        },
        Err(FetchError::NotFound(_)) => None,
        Ok(Fetched::NotModified) => return Ok(None),
        Err(err) => {
            tracing::warn!(repository = %repo.name, error = %err, "could not read CHANGELOG.md; keeping the one stored");
            return Ok(None);
        }
    };
    Ok(Some(StoredChangelog {
        tag: tag.name.clone(),
        commit_sha: tag.commit.sha.clone(),
        markdown,
    }))
}

/// A page of a GitHub list: a plain array, or an object holding one (`{"check_runs": [...]}`).
pub(crate) trait Listed: DeserializeOwned {
    type Item;
    fn into_items(self) -> Vec<Self::Item>;
}

impl<T: DeserializeOwned> Listed for Vec<T> {
    type Item = T;
    fn into_items(self) -> Vec<T> {
        self
    }
}

/// Every item of a paginated list, following `Link: rel="next"`. Pages GitHub answers with
/// 304 come from the cache; fresh pages are added to `pages` for the caller to store.
pub(crate) async fn fetch_list<G: GitHub, P: Listed>(
    pool: &SqlitePool,
    fetcher: &Fetcher<G>,
    first: &str,
    pages: &mut Vec<CachedPage>,
) -> Result<Vec<P::Item>, SyncError> {
    let mut items = Vec::new();
    let mut url = first.to_owned();
    loop {
        let cached = store::sync::cached_page(pool, &url).await?;
        // A cached body that no longer parses is simply fetched again.
        let cached = cached.and_then(|page| {
            serde_json::from_str::<P>(&page.body)
                .ok()
                .map(|parsed| (page, parsed))
        });
        let etag = cached.as_ref().map(|(page, _)| page.etag.as_str());
        let next = match fetcher.get::<P>(&url, etag).await? {
            Fetched::Fresh {
                value,
                body,
                etag,
                next,
            } => {
                items.extend(value.into_items());
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
                    items.extend(parsed.into_items());
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
    /// Git object dates learnt in this sync, by SHA, for the cache.
    fetched: HashMap<String, DateTime<Utc>>,
}

/// A git object's SHA and date; no date for an annotated tag without a tagger.
type ObjectDate = (String, Option<DateTime<Utc>>);

/// How many git objects are fetched at once.
const GIT_OBJECT_CONCURRENCY: usize = 8;

/// Dates for tags without a published release, whose date is the tag's own: the tagger's for
/// annotated tags, else the commit's. Stored dates are reused while the tag points at the same
/// commit, and a SHA's date is fetched at most once ever.
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

    let refs = fetch_list::<_, Vec<GitRef>>(
        pool,
        fetcher,
        &format!("{base}/git/matching-refs/tags?per_page=100"),
        pages,
    )
    .await?;
    let annotated: HashMap<&str, &str> = refs
        .iter()
        .filter(|r| r.object.kind == "tag")
        .filter_map(|r| Some((r.name.strip_prefix("refs/tags/")?, r.object.sha.as_str())))
        .collect();

    // Annotated tags first: their tagger dates.
    let tag_shas: Vec<&str> = missing
        .iter()
        .filter_map(|tag| annotated.get(tag.name.as_str()).copied())
        .collect();
    let tagger_dates = object_dates(pool, fetcher, base, "tags", &tag_shas).await?;
    // Then commits, for lightweight tags and annotated ones without a tagger.
    let commit_shas: Vec<&str> = missing
        .iter()
        .filter(|tag| {
            let tag_sha = annotated.get(tag.name.as_str());
            tag_sha.is_none_or(|sha| tagger_dates.get(*sha).is_none_or(Option::is_none))
        })
        .map(|tag| tag.commit.sha.as_str())
        .collect();
    let commit_dates = object_dates(pool, fetcher, base, "commits", &commit_shas).await?;

    for tag in missing {
        let tag_sha = annotated
            .get(tag.name.as_str())
            .map(|sha| (*sha).to_owned());
        let tagger = tag_sha
            .as_deref()
            .and_then(|sha| tagger_dates.get(sha).copied().flatten());
        let date = tagger.or_else(|| commit_dates.get(&tag.commit.sha).copied().flatten());
        if let Some(date) = date {
            dates.resolved.insert(
                tag.name.clone(),
                ResolvedDate {
                    date,
                    tag_object_sha: tag_sha,
                },
            );
        }
    }
    for (sha, date) in tagger_dates.into_iter().chain(commit_dates) {
        if let Some(date) = date {
            dates.fetched.insert(sha, date);
        }
    }
    Ok(dates)
}

/// The dates of git objects (`kind` is `tags` or `commits`), from the cache where known and
/// from GitHub, several at a time, otherwise. `None` for an annotated tag without a tagger.
async fn object_dates<G: GitHub>(
    pool: &SqlitePool,
    fetcher: &Fetcher<G>,
    base: &str,
    kind: &str,
    shas: &[&str],
) -> Result<HashMap<String, Option<DateTime<Utc>>>, SyncError> {
    let mut dates = HashMap::new();
    let mut wanted = Vec::new();
    for &sha in shas {
        if dates.contains_key(sha) {
            continue;
        }
        match store::sync::git_date(pool, sha).await? {
            Some(date) => {
                dates.insert(sha.to_owned(), Some(date));
            }
            None => {
                dates.insert(sha.to_owned(), None);
                wanted.push(sha);
            }
        }
    }
    // Owned items: borrowed ones trip the compiler's `Send` check of the spawned scheduler.
    let annotated = kind == "tags";
    let requests: Vec<(String, String)> = wanted
        .into_iter()
        .map(|sha| (sha.to_owned(), format!("{base}/git/{kind}/{sha}")))
        .collect();
    let fetched: Vec<Result<ObjectDate, SyncError>> = stream::iter(requests)
        .map(|(sha, url)| async move {
            let date = if annotated {
                fetch_one::<G, AnnotatedTag>(fetcher, &url)
                    .await?
                    .tagger
                    .map(|t| t.date)
            } else {
                Some(fetch_one::<G, Commit>(fetcher, &url).await?.committer.date)
            };
            Ok((sha, date))
        })
        .buffer_unordered(GIT_OBJECT_CONCURRENCY)
        .collect()
        .await;
    for result in fetched {
        let (sha, date) = result?;
        dates.insert(sha, date);
    }
    Ok(dates)
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
