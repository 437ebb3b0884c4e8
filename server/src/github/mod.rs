//! GitHub behind our own trait. [`GitHub`] makes single requests; [`Fetcher`] adds what every
//! caller needs on top: conditional requests, retries with backoff, rate-limit waits, and
//! messages a person can act on. Tests swap in a fake at either level.

mod fetcher;
mod octocrab_client;
pub mod payload;

use std::future::Future;

use bytes::Bytes;

pub use fetcher::{FetchError, Fetched, Fetcher, FetcherSettings};
pub use octocrab_client::OctocrabGitHub;

/// One HTTP answer from GitHub, reduced to what the sync reads.
#[derive(Clone, Debug, Default)]
pub struct Answer {
    pub status: u16,
    pub etag: Option<String>,
    /// The `rel="next"` target of the `Link` header.
    pub next: Option<String>,
    pub retry_after: Option<u64>,
    pub rate_limit_remaining: Option<u64>,
    /// Unix time at which the rate limit resets.
    pub rate_limit_reset: Option<u64>,
    pub body: Bytes,
}

/// A request that got no complete answer: worth retrying.
#[derive(Clone, Debug, thiserror::Error)]
#[error("{0}")]
pub struct TransportError(pub String);

pub trait GitHub: Send + Sync {
    /// GETs `url` (absolute, or a path below the API base), with `If-None-Match` when `etag`
    /// is given.
    fn get(
        &self,
        url: &str,
        etag: Option<&str>,
    ) -> impl Future<Output = Result<Answer, TransportError>> + Send;
}

/// The `rel="next"` URL of a GitHub `Link` header.
pub fn next_link(link: &str) -> Option<String> {
    link.split(',').find_map(|part| {
        let (target, params) = part.split_once(';')?;
        let is_next = params.split(';').any(|p| {
            let p = p.trim();
            p == "rel=\"next\"" || p == "rel=next"
        });
        is_next.then(|| {
            target
                .trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_owned()
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_next_page_in_a_link_header() {
        let link =
            "<https://api.github.com/repositories/1/tags?per_page=100&page=2>; rel=\"next\", \
                    <https://api.github.com/repositories/1/tags?per_page=100&page=9>; rel=\"last\"";
        assert_eq!(
            next_link(link).as_deref(),
            Some("https://api.github.com/repositories/1/tags?per_page=100&page=2")
        );
        let last_page = "<https://api.github.com/x?page=1>; rel=\"prev\", <https://api.github.com/x?page=1>; rel=\"first\"";
        assert_eq!(next_link(last_page), None);
        assert_eq!(next_link(""), None);
        assert_eq!(next_link("garbage"), None);
    }
}
