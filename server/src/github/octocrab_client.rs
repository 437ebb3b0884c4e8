//! The real GitHub client: octocrab as the HTTP transport, with its own retries off (the
//! [`super::Fetcher`] retries, honouring GitHub's headers).

use std::time::Duration;

use http::{header, HeaderMap, HeaderValue};
use http_body_util::{combinators::BoxBody, BodyExt};
use octocrab::{service::middleware::retry::RetryConfig, Octocrab};

use super::{judge_next, next_link, Answer, GitHub, NextPage, TransportError, Write};

pub struct OctocrabGitHub {
    client: Octocrab,
    /// Where every request goes; our token is never sent anywhere else.
    api_url: url::Url,
}

impl OctocrabGitHub {
    pub fn new(api_url: &url::Url, token: Option<&str>) -> Result<OctocrabGitHub, String> {
        Self::with_read_timeout(api_url, token, Duration::from_secs(30))
    }

    /// A request whose answer takes longer than `read_timeout` fails, and is retried.
    pub fn with_read_timeout(
        api_url: &url::Url,
        token: Option<&str>,
        read_timeout: Duration,
    ) -> Result<OctocrabGitHub, String> {
        let mut builder = Octocrab::builder()
            .base_uri(api_url.as_str())
            .map_err(|err| format!("bad GitHub API URL {api_url}: {err}"))?
            .add_retry_config(RetryConfig::None)
            .set_connect_timeout(Some(Duration::from_secs(10)))
            .set_read_timeout(Some(read_timeout));
        if let Some(token) = token {
            builder = builder.personal_token(token.to_owned());
        }
        let client = builder
            .build()
            .map_err(|err| format!("cannot set up the GitHub client: {err}"))?;
        Ok(OctocrabGitHub {
            client,
            api_url: api_url.clone(),
        })
    }
}

impl GitHub for OctocrabGitHub {
    async fn get(&self, url: &str, etag: Option<&str>) -> Result<Answer, TransportError> {
        // Paths go below the API URL; an absolute URL is a followed link, judged once already
        // by the fetcher: this is the last line before the token leaves.
        let absolute = url.starts_with("//") || url.contains("://");
        if let (true, NextPage::Refused(url)) = (absolute, judge_next(&self.api_url, url)) {
            return Err(TransportError(format!(
                "refused to send a request outside {}: {url}",
                self.api_url
            )));
        }
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT,
            HeaderValue::from_static("application/vnd.github+json"),
        );
        headers.insert(
            "x-github-api-version",
            HeaderValue::from_static("2022-11-28"),
        );
        if let Some(value) = etag.and_then(|e| HeaderValue::from_str(e).ok()) {
            headers.insert(header::IF_NONE_MATCH, value);
        }
        let response = self
            .client
            ._get_with_headers(url, Some(headers))
            .await
            .map_err(|err| TransportError(format!("GET {url}: {err}")))?;
        self.answer("GET", url, response).await
    }

    async fn send(
        &self,
        method: Write,
        path: &str,
        body: &serde_json::Value,
    ) -> Result<Answer, TransportError> {
        if path.contains("://") || path.starts_with("//") {
            return Err(TransportError(format!(
                "writes go below the API URL only: {path}"
            )));
        }
        let (name, response) = match method {
            Write::Post => ("POST", self.client._post(path, Some(body)).await),
            Write::Patch => ("PATCH", self.client._patch(path, Some(body)).await),
        };
        let response = response.map_err(|err| TransportError(format!("{name} {path}: {err}")))?;
        self.answer(name, path, response).await
    }
}

impl OctocrabGitHub {
    async fn answer(
        &self,
        method: &str,
        url: &str,
        response: http::Response<BoxBody<bytes::Bytes, octocrab::Error>>,
    ) -> Result<Answer, TransportError> {
        let (parts, body) = response.into_parts();
        let body = body
            .collect()
            .await
            .map_err(|err| {
                TransportError(format!("{method} {url}: the body was cut short ({err})"))
            })?
            .to_bytes();
        let text = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok());
        let number = |name: &str| text(name).and_then(|v| v.trim().parse().ok());
        Ok(Answer {
            status: parts.status.as_u16(),
            etag: text("etag").map(str::to_owned),
            next: text("link")
                .and_then(next_link)
                .map(|link| judge_next(&self.api_url, &link)),
            retry_after: number("retry-after"),
            rate_limit_remaining: number("x-ratelimit-remaining"),
            rate_limit_reset: number("x-ratelimit-reset"),
            body,
        })
    }
}
