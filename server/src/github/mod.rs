//! GitHub behind our own trait. [`GitHub`] makes single requests; [`Fetcher`] adds what every
//! caller needs on top: conditional requests, retries with backoff, rate-limit waits, and
//! messages a person can act on. Tests swap in a fake at either level.

pub mod app;
pub mod clients;
pub mod evidence;
mod fetcher;
pub mod host;
mod octocrab_client;
pub mod payload;

use std::future::Future;

use bytes::Bytes;

pub use clients::GitHubClients;
pub use fetcher::{FetchError, Fetched, Fetcher, FetcherSettings};
pub use octocrab_client::{Credentials, OctocrabGitHub};

/// One HTTP answer from GitHub, reduced to what the sync reads.
#[derive(Clone, Debug, Default)]
pub struct Answer {
    pub status: u16,
    pub etag: Option<String>,
    /// The `rel="next"` target of the `Link` header.
    pub next: Option<NextPage>,
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

    /// Sends a write (`POST` or `PATCH`) with a JSON body to a path below the API base. Never
    /// retried here: the caller knows whether doing it twice is safe.
    fn send(
        &self,
        method: Write,
        path: &str,
        body: &serde_json::Value,
    ) -> impl Future<Output = Result<Answer, TransportError>> + Send;
}

/// The methods of GitHub's writes we make.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Write {
    Post,
    Patch,
}

/// Where a `Link` header's `rel="next"` points, judged against the configured API URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NextPage {
    /// Under the API URL: safe to request with our token.
    Follow(String),
    /// Anywhere else: never requested.
    Refused(String),
}

/// Judges a next-page link: it must have the API URL's scheme, host and port, no user
/// information, and a path under the API URL's path (GitHub Enterprise serves `/api/v3`).
/// A relative link is read against the API URL.
pub fn judge_next(api_url: &url::Url, link: &str) -> NextPage {
    let Ok(target) = api_url.join(link) else {
        return NextPage::Refused(link.to_owned());
    };
    let prefix = api_url.path().trim_end_matches('/');
    let path_ok = target
        .path()
        .strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'));
    let same_place = target.scheme() == api_url.scheme()
        && target.host_str() == api_url.host_str()
        && target.port_or_known_default() == api_url.port_or_known_default()
        && target.username().is_empty()
        && target.password().is_none();
    if same_place && path_ok {
        NextPage::Follow(target.to_string())
    } else {
        NextPage::Refused(link.to_owned())
    }
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

    #[test]
    fn next_pages_must_stay_under_the_api_url() {
        let api = url::Url::parse("http://127.0.0.1:4000").expect("url");
        let follow = |link: &str| NextPage::Follow(link.to_owned());
        let refused = |link: &str| NextPage::Refused(link.to_owned());
        assert_eq!(
            judge_next(&api, "http://127.0.0.1:4000/repos/a/b/tags?page=2"),
            follow("http://127.0.0.1:4000/repos/a/b/tags?page=2")
        );
        for foreign in [
            "https://api.github.com/resource?page=2",
            "https://127.0.0.1:4000/repos/a/b/tags?page=2",
            "http://127.0.0.1:4001/repos/a/b/tags?page=2",
            "http://localhost:4000/repos/a/b/tags?page=2",
            "http://user:pw@127.0.0.1:4000/repos?page=2",
            "//evil.example/repos?page=2",
        ] {
            assert_eq!(judge_next(&api, foreign), refused(foreign), "{foreign}");
        }
        let enterprise = url::Url::parse("https://ghe.example.org/api/v3").expect("url");
        assert_eq!(
            judge_next(
                &enterprise,
                "https://ghe.example.org/api/v3/repos/a/b/tags?page=2"
            ),
            follow("https://ghe.example.org/api/v3/repos/a/b/tags?page=2")
        );
        for outside in [
            "https://ghe.example.org/api/v30/repos?page=2",
            "https://ghe.example.org/login?page=2",
            "https://ghe.example.org:8443/api/v3/repos?page=2",
        ] {
            assert_eq!(
                judge_next(&enterprise, outside),
                refused(outside),
                "{outside}"
            );
        }
    }
}
