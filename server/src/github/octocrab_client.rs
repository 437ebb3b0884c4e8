//! The real GitHub client: octocrab as the HTTP transport, with its own retries off (the
//! [`super::Fetcher`] retries, honouring GitHub's headers) and our credentials on each request:
//! a token, or an App installation's token renewed when GitHub refuses it.

use std::time::Duration;

use http::{header, HeaderMap, HeaderValue};
use http_body_util::{combinators::BoxBody, BodyExt};
use octocrab::{service::middleware::retry::RetryConfig, Octocrab};

use super::{
    app::{MintError, SharedApp},
    judge_next, next_link, Answer, GitHub, NextPage, TransportError, Write,
};
use crate::config::Secret;

pub struct OctocrabGitHub {
    client: Octocrab,
    /// Where every request goes; our token is never sent anywhere else.
    api_url: url::Url,
    credentials: Credentials,
}

/// What a request carries as `Authorization`.
#[derive(Clone, Debug)]
pub enum Credentials {
    None,
    /// A personal (or any long-lived) token.
    Token(Secret),
    /// A token of the App's installation, minted when needed and renewed on a 401.
    Installation {
        app: SharedApp,
        id: i64,
    },
}

impl OctocrabGitHub {
    pub fn new(api_url: &url::Url, token: Option<&str>) -> Result<OctocrabGitHub, String> {
        let credentials = token.map_or(Credentials::None, |t| Credentials::Token(Secret::new(t)));
        Self::with_credentials(api_url, credentials)
    }

    pub fn with_credentials(
        api_url: &url::Url,
        credentials: Credentials,
    ) -> Result<OctocrabGitHub, String> {
        Self::build(api_url, credentials, Duration::from_secs(30))
    }

    /// A request whose answer takes longer than `read_timeout` fails, and is retried.
    pub fn with_read_timeout(
        api_url: &url::Url,
        token: Option<&str>,
        read_timeout: Duration,
    ) -> Result<OctocrabGitHub, String> {
        let credentials = token.map_or(Credentials::None, |t| Credentials::Token(Secret::new(t)));
        Self::build(api_url, credentials, read_timeout)
    }

    fn build(
        api_url: &url::Url,
        credentials: Credentials,
        read_timeout: Duration,
    ) -> Result<OctocrabGitHub, String> {
        // No credentials of octocrab's own: each request carries ours (see `bearer`).
        let client = Octocrab::builder()
            .base_uri(api_url.as_str())
            .map_err(|err| format!("bad GitHub API URL {api_url}: {err}"))?
            .add_retry_config(RetryConfig::None)
            .set_connect_timeout(Some(Duration::from_secs(10)))
            .set_read_timeout(Some(read_timeout))
            .build()
            .map_err(|err| format!("cannot set up the GitHub client: {err}"))?;
        Ok(OctocrabGitHub {
            client,
            api_url: api_url.clone(),
            credentials,
        })
    }

    /// The token to send, minting an installation's when needed. `Err` carries GitHub's answer
    /// when it gave no token, for the caller to read as any other refusal.
    async fn bearer(&self) -> Result<Option<String>, Result<Answer, TransportError>> {
        match &self.credentials {
            Credentials::None => Ok(None),
            Credentials::Token(token) => Ok(Some(token.expose().to_owned())),
            Credentials::Installation { app, id } => {
                app.token(*id).await.map(Some).map_err(mint_failed)
            }
        }
    }

    /// After a 401: a renewed installation token, `None` for other credentials (nothing to renew).
    async fn renewed(
        &self,
        refused: Option<&str>,
    ) -> Option<Result<String, Result<Answer, TransportError>>> {
        match (&self.credentials, refused) {
            (Credentials::Installation { app, id }, Some(refused)) => {
                tracing::info!(
                    installation = id,
                    "GitHub refused the installation token: renewing it"
                );
                Some(app.renew(*id, refused).await.map_err(mint_failed))
            }
            _ => None,
        }
    }

    /// Sends once, with `bearer` as the token when given (without one, anonymously).
    pub async fn send_as(
        &self,
        method: Write,
        path: &str,
        bearer: Option<&str>,
        body: &serde_json::Value,
    ) -> Result<Answer, TransportError> {
        if path.contains("://") || path.starts_with("//") {
            return Err(TransportError(format!(
                "writes go below the API URL only: {path}"
            )));
        }
        let (name, method) = match method {
            Write::Post => ("POST", http::Method::POST),
            Write::Patch => ("PATCH", http::Method::PATCH),
        };
        let request = http::Request::builder()
            .method(method)
            .uri(path)
            .header(header::ACCEPT, "application/vnd.github+json")
            .header("x-github-api-version", "2022-11-28");
        let request = match bearer {
            Some(token) => request.header(header::AUTHORIZATION, format!("Bearer {token}")),
            None => request,
        };
        let request = self
            .client
            .build_request(request, Some(body))
            .map_err(|err| TransportError(format!("{name} {path}: {err}")))?;
        let response = self
            .client
            .execute(request)
            .await
            .map_err(|err| TransportError(format!("{name} {path}: {err}")))?;
        self.answer(name, path, response).await
    }

    async fn get_once(
        &self,
        url: &str,
        etag: Option<&str>,
        bearer: Option<&str>,
    ) -> Result<Answer, TransportError> {
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
        if let Some(value) = bearer.and_then(|t| HeaderValue::from_str(&format!("Bearer {t}")).ok())
        {
            headers.insert(header::AUTHORIZATION, value);
        }
        let response = self
            .client
            ._get_with_headers(url, Some(headers))
            .await
            .map_err(|err| TransportError(format!("GET {url}: {err}")))?;
        self.answer("GET", url, response).await
    }
}

fn mint_failed(err: MintError) -> Result<Answer, TransportError> {
    match err {
        MintError::Refused(answer) => Ok(*answer),
        MintError::Transport(err) => Err(err),
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
        let bearer = match self.bearer().await {
            Ok(bearer) => bearer,
            Err(answer) => return answer,
        };
        let answer = self.get_once(url, etag, bearer.as_deref()).await?;
        if answer.status != 401 {
            return Ok(answer);
        }
        match self.renewed(bearer.as_deref()).await {
            Some(Ok(token)) => self.get_once(url, etag, Some(&token)).await,
            Some(Err(answer)) => answer,
            None => Ok(answer),
        }
    }

    async fn send(
        &self,
        method: Write,
        path: &str,
        body: &serde_json::Value,
    ) -> Result<Answer, TransportError> {
        let bearer = match self.bearer().await {
            Ok(bearer) => bearer,
            Err(answer) => return answer,
        };
        // A 401 means nothing was written: sending again with a renewed token is safe.
        let answer = self.send_as(method, path, bearer.as_deref(), body).await?;
        if answer.status != 401 {
            return Ok(answer);
        }
        match self.renewed(bearer.as_deref()).await {
            Some(Ok(token)) => self.send_as(method, path, Some(&token), body).await,
            Some(Err(answer)) => answer,
            None => Ok(answer),
        }
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
