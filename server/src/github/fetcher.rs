use std::{
    sync::atomic::{AtomicI64, AtomicU64, Ordering},
    time::Duration,
};

use bytes::Bytes;
use serde::de::DeserializeOwned;

use super::{Answer, GitHub, NextPage};

#[derive(Clone, Debug)]
pub struct FetcherSettings {
    /// Tries per request for transient failures (5xx, timeouts, cut-short bodies).
    pub attempts: u32,
    /// First pause between tries; doubled each time.
    pub backoff: Duration,
    /// The longest a rate limit is waited out; beyond it the sync fails and says until when.
    pub max_wait: Duration,
}

impl Default for FetcherSettings {
    fn default() -> Self {
        FetcherSettings {
            attempts: 4,
            backoff: Duration::from_millis(500),
            max_wait: Duration::from_secs(60),
        }
    }
}

/// A parsed answer, or GitHub's word that what we hold is still current.
pub enum Fetched<T> {
    Fresh {
        value: T,
        body: Bytes,
        etag: Option<String>,
        next: Option<String>,
    },
    NotModified,
}

#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error(
        "GitHub refused the credentials (401): check RELEASEDESK_GITHUB_TOKEN, or that the GitHub App is still installed"
    )]
    Unauthorized,
    #[error("GitHub denied access (403) to {0}: the token lacks permission for this repository")]
    Forbidden(String),
    #[error(
        "not found on GitHub (404): {0}; check the repository name, and for a private repository \
         that RELEASEDESK_GITHUB_TOKEN can read it"
    )]
    NotFound(String),
    #[error("GitHub's rate limit is used up for {0} more seconds; try again later, or set RELEASEDESK_GITHUB_TOKEN")]
    RateLimited(u64),
    #[error("GitHub kept failing for {url} after {attempts} tries: {last}")]
    GaveUp {
        url: String,
        attempts: u32,
        last: String,
    },
    #[error("GitHub answered {status} for {url}")]
    Unexpected { status: u16, url: String },
    #[error(
        "GitHub's Link header gave the next page as {0}, outside RELEASEDESK_GITHUB_API_URL; \
         the sync stopped there and sent no request to it"
    )]
    ForeignLink(String),
}

/// Makes requests through a [`GitHub`] the way GitHub asks clients to behave, and counts them.
pub struct Fetcher<G> {
    github: G,
    settings: FetcherSettings,
    requests: AtomicU64,
    not_modified: AtomicU64,
    rate_limit_remaining: AtomicI64,
}

impl<G: GitHub> Fetcher<G> {
    pub fn new(github: G, settings: FetcherSettings) -> Self {
        Fetcher {
            github,
            settings,
            requests: AtomicU64::new(0),
            not_modified: AtomicU64::new(0),
            rate_limit_remaining: AtomicI64::new(-1),
        }
    }

    /// Requests made so far, counting every retry.
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// Answers that were `304 Not Modified`.
    pub fn not_modified(&self) -> u64 {
        self.not_modified.load(Ordering::Relaxed)
    }

    /// The rate limit left after the last answer, when GitHub said.
    pub fn rate_limit_remaining(&self) -> Option<u64> {
        u64::try_from(self.rate_limit_remaining.load(Ordering::Relaxed)).ok()
    }

    /// GETs and parses `url`. With `etag`, a 304 comes back as [`Fetched::NotModified`].
    /// A body that does not parse counts as cut short, and is fetched again.
    pub async fn get<T: DeserializeOwned>(
        &self,
        url: &str,
        etag: Option<&str>,
    ) -> Result<Fetched<T>, FetchError> {
        let mut failures = 0;
        let mut waited = Duration::ZERO;
        loop {
            let last = match self.github.get(url, etag).await {
                Ok(answer) => {
                    self.count(&answer);
                    match self.judge(url, answer)? {
                        Verdict::Done(fetched) => return Ok(fetched),
                        Verdict::Wait(wait) if waited + wait <= self.settings.max_wait => {
                            tracing::warn!(
                                url,
                                seconds = wait.as_secs(),
                                "rate limited by GitHub; waiting"
                            );
                            waited += wait;
                            tokio::time::sleep(wait).await;
                            continue;
                        }
                        Verdict::Wait(wait) => return Err(FetchError::RateLimited(wait.as_secs())),
                        Verdict::Retry(reason) => reason,
                    }
                }
                Err(err) => {
                    self.requests.fetch_add(1, Ordering::Relaxed);
                    err.0
                }
            };
            failures += 1;
            if failures >= self.settings.attempts {
                return Err(FetchError::GaveUp {
                    url: url.to_owned(),
                    attempts: failures,
                    last,
                });
            }
            let pause = self.settings.backoff * 2u32.saturating_pow(failures - 1);
            tracing::warn!(url, error = %last, retry_in_ms = pause.as_millis() as u64, "GitHub request failed; retrying");
            tokio::time::sleep(pause).await;
        }
    }

    /// Sends one write, counted like every request; its answer is the caller's to judge.
    pub async fn send(
        &self,
        method: super::Write,
        path: &str,
        body: &serde_json::Value,
    ) -> Result<Answer, super::TransportError> {
        let answer = self.github.send(method, path, body).await;
        match &answer {
            Ok(answer) => self.count(answer),
            Err(_) => {
                self.requests.fetch_add(1, Ordering::Relaxed);
            }
        }
        answer
    }

    fn count(&self, answer: &Answer) {
        self.requests.fetch_add(1, Ordering::Relaxed);
        if answer.status == 304 {
            self.not_modified.fetch_add(1, Ordering::Relaxed);
        }
        if let Some(remaining) = answer.rate_limit_remaining {
            self.rate_limit_remaining.store(
                i64::try_from(remaining).unwrap_or(i64::MAX),
                Ordering::Relaxed,
            );
        }
    }

    fn judge<T: DeserializeOwned>(
        &self,
        url: &str,
        answer: Answer,
    ) -> Result<Verdict<T>, FetchError> {
        match answer.status {
            200 => match serde_json::from_slice(&answer.body) {
                Ok(value) => Ok(Verdict::Done(Fetched::Fresh {
                    value,
                    body: answer.body,
                    etag: answer.etag,
                    next: match answer.next {
                        Some(NextPage::Refused(link)) => return Err(FetchError::ForeignLink(link)),
                        Some(NextPage::Follow(link)) => Some(link),
                        None => None,
                    },
                })),
                Err(err) => Ok(Verdict::Retry(format!(
                    "the body was cut short or malformed ({err})"
                ))),
            },
            304 => Ok(Verdict::Done(Fetched::NotModified)),
            401 => Err(FetchError::Unauthorized),
            403 | 429 => match rate_limit_wait(&answer) {
                Some(wait) => Ok(Verdict::Wait(wait)),
                None if answer.status == 429 => Ok(Verdict::Wait(self.settings.backoff)),
                None => Err(FetchError::Forbidden(url.to_owned())),
            },
            404 => Err(FetchError::NotFound(url.to_owned())),
            status @ 500..=599 => Ok(Verdict::Retry(format!("GitHub answered {status}"))),
            status => Err(FetchError::Unexpected {
                status,
                url: url.to_owned(),
            }),
        }
    }
}

enum Verdict<T> {
    Done(Fetched<T>),
    Wait(Duration),
    Retry(String),
}

/// How long GitHub asks us to wait: `retry-after`, else until `x-ratelimit-reset` when the
/// limit is used up. `None` when the answer is no rate limit at all.
fn rate_limit_wait(answer: &Answer) -> Option<Duration> {
    if let Some(seconds) = answer.retry_after {
        return Some(Duration::from_secs(seconds));
    }
    if answer.rate_limit_remaining == Some(0) {
        let now = chrono::Utc::now().timestamp();
        let reset = answer
            .rate_limit_reset
            .and_then(|r| i64::try_from(r).ok())
            .unwrap_or(now);
        return Some(Duration::from_secs(
            u64::try_from(reset - now).unwrap_or(0) + 1,
        ));
    }
    None
}
