//! Requests to maintainers' hooks: the payload in the hook's format, signed with its secret,
//! sent to an address checked again at each delivery (a name that now resolves to a private
//! address is refused, and the request goes to the address that was checked).

use std::{net::SocketAddr, time::Duration};

use app::domain::notify::{
    chat::{payload, signature, Format},
    hook_url::{check_hook_url, is_forbidden_address},
    notice::Event,
};

/// How long a hook may take to answer.
pub const HOOK_TIMEOUT: Duration = Duration::from_secs(10);

/// How hooks are reached.
#[derive(Clone, Debug)]
pub struct HookClient {
    /// `RELEASEDESK_HOOKS_ALLOW_PRIVATE`: loopback and private addresses allowed (tests, or a
    /// chat server on the same network).
    pub allow_private: bool,
    pub timeout: Duration,
}

impl Default for HookClient {
    fn default() -> HookClient {
        HookClient {
            allow_private: false,
            timeout: HOOK_TIMEOUT,
        }
    }
}

/// What one request came to: the hook's status (none when it did not answer) and, when it
/// failed, why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    pub status: Option<u16>,
    pub error: Option<String>,
    /// Trying again cannot help: the address is not one a hook may have.
    pub permanent: bool,
}

impl Answer {
    fn failed(error: impl Into<String>) -> Answer {
        Answer {
            status: None,
            error: Some(error.into()),
            permanent: false,
        }
    }

    fn refused(error: impl Into<String>) -> Answer {
        Answer {
            permanent: true,
            ..Answer::failed(error)
        }
    }
}

/// Why a hook's address cannot be reached.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unreachable {
    /// Not now (DNS failed): worth trying again.
    Unresolved(String),
    /// Never: the address is one hooks may not have.
    Refused(String),
}

impl std::fmt::Display for Unreachable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unreachable::Unresolved(problem) | Unreachable::Refused(problem) => {
                f.write_str(problem)
            }
        }
    }
}

/// One delivery to a hook.
pub struct HookRequest<'a> {
    pub url: &'a str,
    pub format: Format,
    pub secret: &'a [u8],
    pub event: &'a Event,
    /// `X-ReleaseDesk-Delivery`: the same on every attempt.
    pub delivery: &'a str,
}

impl HookClient {
    /// The addresses `url`'s host resolves to, all allowed.
    pub async fn resolve(&self, url: &url::Url) -> Result<Vec<SocketAddr>, Unreachable> {
        let host = url
            .host_str()
            .ok_or_else(|| Unreachable::Refused("the address names no host".to_owned()))?;
        let port = url.port_or_known_default().unwrap_or(443);
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let addresses: Vec<SocketAddr> = tokio::net::lookup_host((host, port))
            .await
            .map_err(|err| Unreachable::Unresolved(format!("cannot resolve {host}: {err}")))?
            .collect();
        if addresses.is_empty() {
            return Err(Unreachable::Unresolved(format!(
                "{host} resolves to no address"
            )));
        }
        if !self.allow_private {
            if let Some(refused) = addresses.iter().find(|a| is_forbidden_address(a.ip())) {
                return Err(Unreachable::Refused(format!(
                    "{host} resolves to {}, a loopback, private or link-local address; hooks may not reach the server's own network",
                    refused.ip()
                )));
            }
        }
        Ok(addresses)
    }

    /// Sends one delivery; never follows redirects.
    pub async fn send(&self, request: &HookRequest<'_>) -> Answer {
        let url = match check_hook_url(request.url) {
            Ok(url) => url,
            Err(problem) => return Answer::refused(problem),
        };
        let addresses = match self.resolve(&url).await {
            Ok(addresses) => addresses,
            Err(Unreachable::Refused(problem)) => return Answer::refused(problem),
            Err(Unreachable::Unresolved(problem)) => return Answer::failed(problem),
        };
        let host = url.host_str().unwrap_or_default().to_owned();
        let client = match reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(self.timeout)
            .resolve_to_addrs(&host, &addresses)
            .user_agent("ReleaseDesk-Hookshot")
            .build()
        {
            Ok(client) => client,
            Err(err) => return Answer::failed(format!("cannot set up the request: {err}")),
        };
        let event_name = app::domain::notify::chat::event_name(&request.event.notice);
        let body = payload(request.format, request.event, request.delivery).to_string();
        let sent = client
            .post(url)
            .header("Content-Type", "application/json")
            .header("X-ReleaseDesk-Event", event_name)
            .header("X-ReleaseDesk-Delivery", request.delivery)
            .header(
                "X-ReleaseDesk-Signature-256",
                signature(request.secret, body.as_bytes()),
            )
            .body(body)
            .send()
            .await;
        match sent {
            Ok(response) if response.status().is_success() => Answer {
                status: Some(response.status().as_u16()),
                error: None,
                permanent: false,
            },
            Ok(response) => Answer {
                status: Some(response.status().as_u16()),
                error: Some(format!("the hook answered {}", response.status())),
                permanent: false,
            },
            Err(err) if err.is_timeout() => {
                Answer::failed(format!("no answer within {} s", self.timeout.as_secs()))
            }
            Err(err) => Answer::failed(format!("cannot reach the hook: {err}")),
        }
    }
}
