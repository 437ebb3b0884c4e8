//! Requests to maintainers' hooks: the payload in the hook's format, signed with its secret,
//! sent to an address checked again at each delivery (a name that now resolves to a private
//! address is refused, and the request goes to the address that was checked).

use std::time::Duration;

use app::{
    domain::notify::{
        chat::{payload, signature, Format},
        hook_url::check_hook_url,
        notice::Event,
    },
    service::notify::hooks::{resolve, Unreachable},
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
    /// Sends one delivery; never follows redirects.
    pub async fn send(&self, request: &HookRequest<'_>) -> Answer {
        let url = match check_hook_url(request.url) {
            Ok(url) => url,
            Err(problem) => return Answer::refused(problem),
        };
        let addresses = match resolve(&url, self.allow_private).await {
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
