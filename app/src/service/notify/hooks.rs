//! Maintainers' outgoing webhooks: made, changed and removed here; their deliveries' log.

use chrono::Utc;
use sqlx::SqlitePool;

use super::Notifier;
use crate::{
    domain::notify::{
        chat::Format,
        hook_url::{check_hook_url, is_forbidden_address},
        topics::{join_topics, parse_topics, split_topics},
    },
    error::AppError,
    model::notify::{DeliveryView, HookInput, HookView},
    store::{
        self,
        notify::hooks::{Hook, HookFields},
        repositories::Repository,
    },
};

/// A secret shorter than this is refused: it signs every delivery.
const MIN_SECRET: usize = 16;
const MAX_SECRET: usize = 256;
/// The deliveries a hook's log shows.
const LOG_LENGTH: i64 = 50;

fn hook_view(hook: Hook) -> HookView {
    HookView {
        id: hook.id,
        url: hook.url,
        events: split_topics(&hook.events)
            .into_iter()
            .map(|topic| topic.as_str().to_owned())
            .collect(),
        format: hook.format,
        active: hook.active,
        disabled_reason: hook.disabled_reason,
        failures: hook.failures,
        created_by: hook.created_by,
        created_at: hook.created_at,
    }
}

/// A hook's fields checked; `current` fills what a change leaves out.
struct Checked {
    url: String,
    events: String,
    secret: Vec<u8>,
    format: Format,
    active: bool,
}

fn check(
    notifier: &Notifier,
    input: &HookInput,
    current: Option<&Hook>,
) -> Result<Checked, AppError> {
    let sealer = notifier
        .sealer()
        .ok_or_else(|| AppError::Conflict("this server cannot keep hook secrets".to_owned()))?;
    let url = match (&input.url, current) {
        (Some(url), _) => check_hook_url(url).map(|url| url.to_string()),
        (None, Some(hook)) => Ok(hook.url.clone()),
        (None, None) => Err("give the address to send to".to_owned()),
    };
    let events = match (&input.events, current) {
        (Some(events), _) => parse_topics(events).map(|topics| join_topics(&topics)),
        (None, Some(hook)) => Ok(hook.events.clone()),
        (None, None) => Err("choose at least one event".to_owned()),
    };
    let format = match (&input.format, current) {
        (Some(format), _) => Format::parse(format.trim())
            .ok_or_else(|| "use json, slack, discord or teams".to_owned()),
        (None, Some(hook)) => Ok(Format::parse(&hook.format).unwrap_or(Format::Json)),
        (None, None) => Ok(Format::Json),
    };
    let secret = match (&input.secret, current) {
        (Some(secret), _) => check_secret(secret).map(|()| sealer.seal(secret.as_bytes())),
        (None, Some(hook)) => Ok(hook.sealed_secret.clone()),
        (None, None) => Err("give a secret: deliveries are signed with it".to_owned()),
    };
    match (url, events, format, secret) {
        (Ok(url), Ok(events), Ok(format), Ok(secret)) => Ok(Checked {
            url,
            events,
            secret,
            format,
            active: input
                .active
                .or(current.map(|hook| hook.active))
                .unwrap_or(true),
        }),
        (url, events, format, secret) => Err(AppError::validation(
            [
                ("url", url.err()),
                ("events", events.err()),
                ("format", format.err()),
                ("secret", secret.err()),
            ]
            .into_iter()
            .filter_map(|(field, problem)| problem.map(|problem| (field, problem))),
        )),
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

/// The addresses `url`'s host resolves to, every one allowed: unless `allow_private`, none may
/// be loopback, private or link-local. Checked when a hook is added and again at each delivery
/// (names can change what they name), which then goes to the addresses checked.
pub async fn resolve(
    url: &url::Url,
    allow_private: bool,
) -> Result<Vec<std::net::SocketAddr>, Unreachable> {
    let host = url
        .host_str()
        .ok_or_else(|| Unreachable::Refused("the address names no host".to_owned()))?;
    let port = url.port_or_known_default().unwrap_or(443);
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let addresses: Vec<std::net::SocketAddr> = tokio::net::lookup_host((host, port))
        .await
        .map_err(|err| Unreachable::Unresolved(format!("cannot resolve {host}: {err}")))?
        .collect();
    if addresses.is_empty() {
        return Err(Unreachable::Unresolved(format!(
            "{host} resolves to no address"
        )));
    }
    if !allow_private {
        if let Some(refused) = addresses.iter().find(|a| is_forbidden_address(a.ip())) {
            return Err(Unreachable::Refused(format!(
                "{host} resolves to {}, a loopback, private or link-local address; hooks may not reach the server's own network",
                refused.ip()
            )));
        }
    }
    Ok(addresses)
}

/// A new or changed hook's address must resolve, and only to addresses it may have.
async fn check_reachable(notifier: &Notifier, url: &str) -> Result<(), AppError> {
    let refused = |problem: String| AppError::validation([("url", problem)]);
    let url = url::Url::parse(url).map_err(|err| refused(err.to_string()))?;
    resolve(&url, notifier.allows_private_hooks())
        .await
        .map(|_| ())
        .map_err(|problem| refused(problem.to_string()))
}

fn check_secret(secret: &str) -> Result<(), String> {
    let length = secret.chars().count();
    if !(MIN_SECRET..=MAX_SECRET).contains(&length) {
        Err(format!("use {MIN_SECRET} to {MAX_SECRET} characters"))
    } else if secret.chars().any(char::is_control) {
        Err("leave out control characters".to_owned())
    } else {
        Ok(())
    }
}

pub async fn create(
    pool: &SqlitePool,
    notifier: &Notifier,
    repository: &Repository,
    input: &HookInput,
    by: &str,
) -> Result<HookView, AppError> {
    let checked = check(notifier, input, None)?;
    check_reachable(notifier, &checked.url).await?;
    let fields = HookFields {
        url: &checked.url,
        events: &checked.events,
        sealed_secret: &checked.secret,
        format: checked.format.as_str(),
        active: checked.active,
    };
    let id = store::notify::hooks::insert(pool, repository.id, &fields, by, Utc::now()).await?;
    find(pool, repository, id).await
}

pub async fn find(
    pool: &SqlitePool,
    repository: &Repository,
    id: i64,
) -> Result<HookView, AppError> {
    Ok(hook_view(find_record(pool, repository, id).await?))
}

async fn find_record(
    pool: &SqlitePool,
    repository: &Repository,
    id: i64,
) -> Result<Hook, AppError> {
    store::notify::hooks::find(pool, repository.id, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("no hook {id} in this repository")))
}

pub async fn list(pool: &SqlitePool, repository: &Repository) -> Result<Vec<HookView>, AppError> {
    Ok(store::notify::hooks::list(pool, repository.id)
        .await?
        .into_iter()
        .map(hook_view)
        .collect())
}

/// Changes a hook; turning a disabled one on again clears its failures.
pub async fn edit(
    pool: &SqlitePool,
    notifier: &Notifier,
    repository: &Repository,
    id: i64,
    input: &HookInput,
) -> Result<HookView, AppError> {
    let current = find_record(pool, repository, id).await?;
    let checked = check(notifier, input, Some(&current))?;
    if input.url.is_some() {
        check_reachable(notifier, &checked.url).await?;
    }
    let fields = HookFields {
        url: &checked.url,
        events: &checked.events,
        sealed_secret: &checked.secret,
        format: checked.format.as_str(),
        active: checked.active,
    };
    store::notify::hooks::update(pool, id, &fields, Utc::now()).await?;
    find(pool, repository, id).await
}

/// Removes a hook with its deliveries.
pub async fn delete(pool: &SqlitePool, repository: &Repository, id: i64) -> Result<(), AppError> {
    find_record(pool, repository, id).await?;
    store::notify::hooks::delete(pool, id).await?;
    Ok(())
}

pub async fn deliveries(
    pool: &SqlitePool,
    repository: &Repository,
    id: i64,
) -> Result<Vec<DeliveryView>, AppError> {
    find_record(pool, repository, id).await?;
    Ok(store::notify::outbox::hook_deliveries(pool, id, LOG_LENGTH)
        .await?
        .into_iter()
        .map(|d| DeliveryView {
            next_attempt_at: (d.state == "pending").then_some(d.next_attempt_at),
            id: d.id,
            delivery: d.uid,
            event: d.event,
            state: d.state,
            attempts: d.attempts,
            created_at: d.created_at,
            last_attempt_at: d.last_attempt_at,
            last_status: d.last_status,
            last_error: d.last_error,
        })
        .collect())
}

/// Sends a delivery again now, with the same delivery id.
pub async fn redeliver(
    pool: &SqlitePool,
    notifier: &Notifier,
    repository: &Repository,
    hook_id: i64,
    delivery_id: i64,
) -> Result<(), AppError> {
    find_record(pool, repository, hook_id).await?;
    if !store::notify::outbox::redeliver(pool, hook_id, delivery_id, Utc::now()).await? {
        return Err(AppError::NotFound(format!(
            "no delivery {delivery_id} of hook {hook_id}"
        )));
    }
    notifier.wake();
    Ok(())
}
