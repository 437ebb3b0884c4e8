//! Telling people over REST: anyone asks to subscribe (the answer is the same whether or not
//! the address was known); maintainers see how many subscribe and manage outgoing hooks.

use app::{
    error::AppError,
    model::notify::{DeliveryView, HookInput, HookView, SubscribeForm, TopicCount},
    service::notify::{hooks, subscriptions, Notifier},
    state::AppState,
};
use axum::{
    extract::{Path, State},
    http::StatusCode,
    routing::{get, patch, post},
    Extension, Json, Router,
};
use chrono::Utc;
use serde::Serialize;
use sqlx::SqlitePool;
use utoipa::{IntoParams, ToSchema};

use super::{
    body::Fields,
    permit::{InPerson, Permit},
    ErrorBody, RepoPath,
};
use crate::http::subscriptions::{client_address, SubscribeLimit};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/repos/{owner}/{repo}/subscriptions",
            get(subscriber_counts).post(subscribe),
        )
        .route(
            "/api/v1/repos/{owner}/{repo}/hooks",
            get(list_hooks).post(create_hook),
        )
        .route(
            "/api/v1/repos/{owner}/{repo}/hooks/{id}",
            patch(patch_hook).delete(delete_hook),
        )
        .route(
            "/api/v1/repos/{owner}/{repo}/hooks/{id}/deliveries",
            get(list_deliveries),
        )
        .route(
            "/api/v1/repos/{owner}/{repo}/hooks/{id}/deliveries/{delivery}/redeliver",
            post(redeliver),
        )
}

/// What `POST .../subscriptions` takes.
#[derive(Debug, ToSchema)]
pub(crate) struct SubscriptionRequest {
    #[schema(example = "ada@example.com")]
    email: String,
    /// Any of `releases`, `prereleases`, `incidents`, `withdrawals`, `eol`.
    #[schema(example = json!(["releases", "incidents"]))]
    topics: Vec<String>,
    /// Only these lines (`2.x`, or `0.3.x` under the 0.x rule); empty or absent for every line.
    #[schema(example = json!(["3.x"]))]
    lines: Vec<String>,
}

impl SubscriptionRequest {
    fn from_json(body: &[u8]) -> Result<SubscriptionRequest, AppError> {
        let mut fields = Fields::of(body)?;
        let request = SubscriptionRequest {
            email: fields.text("email", false).unwrap_or_default(),
            topics: fields.strings("topics").unwrap_or_default(),
            lines: fields.strings("lines").unwrap_or_default(),
        };
        fields.finish()?;
        Ok(request)
    }
}

/// The answer to every well-formed request to subscribe.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SubscriptionAccepted {
    #[schema(example = "pending")]
    status: &'static str,
    message: &'static str,
}

/// Said to everyone who asks, whether or not the address was known.
pub(crate) const CHECK_YOUR_MAIL: &str = "If the address can receive mail, a message is on its way: follow its link within 48 hours to confirm. Nothing else is sent until then.";

/// `POST .../subscriptions`: asks to subscribe an address. It gets a confirmation link (at most
/// one mail an hour); nothing else is sent before the link is followed.
#[utoipa::path(
    post,
    path = "/api/v1/repos/{owner}/{repo}/subscriptions",
    tag = "notifications",
    params(RepoPath),
    request_body = SubscriptionRequest,
    responses(
        (status = 202, description = "Asked; the same answer whether or not the address was known", body = SubscriptionAccepted),
        (status = 400, description = "The body is not a JSON object", body = ErrorBody),
        (status = 404, description = "No such repository", body = ErrorBody),
        (status = 422, description = "A field is wrong; `error.fields` names each", body = ErrorBody),
        (status = 429, description = "Too many requests from this address", body = ErrorBody),
    )
)]
pub(crate) async fn subscribe(
    State(pool): State<SqlitePool>,
    State(notifier): State<Notifier>,
    Extension(limit): Extension<SubscribeLimit>,
    Path((owner, name)): Path<(String, String)>,
    request: axum::extract::Request,
) -> Result<(StatusCode, Json<SubscriptionAccepted>), AppError> {
    let repo = super::tracked(&pool, &owner, &name).await?;
    limit.check(client_address(&request))?;
    let body = axum::body::to_bytes(request.into_body(), usize::MAX)
        .await
        .map_err(|err| AppError::BadRequest(format!("cannot read the body: {err}")))?;
    let request = SubscriptionRequest::from_json(&body)?;
    let form = SubscribeForm {
        email: request.email,
        topics: request.topics,
        lines: request.lines,
    };
    subscriptions::subscribe(&pool, &notifier, &repo, &form, Utc::now()).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(SubscriptionAccepted {
            status: "pending",
            message: CHECK_YOUR_MAIL,
        }),
    ))
}

/// `GET .../subscriptions`: how many confirmed subscribers each topic has (maintainers only;
/// addresses are never shown).
#[utoipa::path(
    get,
    path = "/api/v1/repos/{owner}/{repo}/subscriptions",
    tag = "notifications",
    params(RepoPath),
    responses(
        (status = 200, description = "Subscribers per topic", body = [TopicCountAnswer]),
        (status = 401, description = "Nobody is signed in", body = ErrorBody),
        (status = 403, description = "Not a maintainer", body = ErrorBody),
        (status = 404, description = "No such repository", body = ErrorBody),
    )
)]
pub(crate) async fn subscriber_counts(
    State(pool): State<SqlitePool>,
    permit: Permit<InPerson>,
) -> Result<Json<Vec<TopicCountAnswer>>, AppError> {
    let counts = subscriptions::counts(&pool, &permit.repo).await?;
    Ok(Json(
        counts.into_iter().map(TopicCountAnswer::from).collect(),
    ))
}

/// Confirmed subscribers of one topic.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct TopicCountAnswer {
    #[schema(example = "releases")]
    topic: String,
    subscribers: i64,
}

impl From<TopicCount> for TopicCountAnswer {
    fn from(count: TopicCount) -> TopicCountAnswer {
        TopicCountAnswer {
            topic: count.topic,
            subscribers: count.subscribers,
        }
    }
}

/// An outgoing webhook; its secret is never shown.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct HookAnswer {
    id: i64,
    #[schema(example = "https://hooks.slack.com/services/T000/B000/XXXX")]
    url: String,
    #[schema(example = json!(["releases", "incidents"]))]
    events: Vec<String>,
    /// `json` (the payload below), `slack`, `discord` or `teams`.
    #[schema(example = "slack")]
    format: String,
    active: bool,
    /// Why it was turned off, when repeated failures did it.
    disabled_reason: Option<String>,
    /// Failed attempts in a row.
    failures: i64,
    created_by: String,
    created_at: chrono::DateTime<Utc>,
}

impl From<HookView> for HookAnswer {
    fn from(hook: HookView) -> HookAnswer {
        HookAnswer {
            id: hook.id,
            url: hook.url,
            events: hook.events,
            format: hook.format,
            active: hook.active,
            disabled_reason: hook.disabled_reason,
            failures: hook.failures,
            created_by: hook.created_by,
            created_at: hook.created_at,
        }
    }
}

/// What `POST .../hooks` takes; `PATCH` takes any of the same fields.
///
/// Every delivery is a POST with `X-ReleaseDesk-Event` (`release.published`,
/// `prerelease.published`, `incident.published`, `incident.updated`, `incident.resolved`,
/// `version.withdrawn`, `support.ending`), `X-ReleaseDesk-Delivery` (the same on every retry)
/// and `X-ReleaseDesk-Signature-256: sha256=` the HMAC-SHA256 of the body with the secret. The
/// `json` format's body is `{"event", "delivery", "repository", "url", "notice"}`, where
/// `notice.kind` is `release`, `incident`, `withdrawal` or `end_of_support`; the chat formats
/// send the message shapes of Slack's and Discord's incoming webhooks and of a Teams workflow
/// (an Adaptive Card).
#[derive(Debug, ToSchema)]
#[allow(dead_code)] // It describes the body; `from_json` reads the body into a `HookInput`.
pub(crate) struct HookRequest {
    /// http(s); loopback, private and link-local addresses are refused.
    #[schema(example = "https://hooks.slack.com/services/T000/B000/XXXX")]
    url: Option<String>,
    #[schema(example = json!(["releases", "incidents"]))]
    events: Option<Vec<String>>,
    /// 16 to 256 characters; signs every delivery.
    secret: Option<String>,
    #[schema(example = "json")]
    format: Option<String>,
    /// Turning a disabled hook on again clears its failures.
    active: Option<bool>,
}

impl HookRequest {
    fn from_json(body: &[u8]) -> Result<HookInput, AppError> {
        let mut fields = Fields::of(body)?;
        let input = HookInput {
            url: fields.text("url", false),
            events: fields.strings("events"),
            secret: fields.text("secret", false),
            format: fields.text("format", false),
            active: fields.flag("active"),
        };
        fields.finish()?;
        Ok(input)
    }
}

/// A hook in a route's path.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)] // Handlers take the path as a tuple; this only describes it.
pub(crate) struct HookPath {
    /// The GitHub owner (a user or an organisation); case does not matter.
    #[param(example = "acme")]
    owner: String,
    /// The repository's name; case does not matter.
    #[param(example = "orbit")]
    repo: String,
    /// The hook's id.
    #[param(example = 1)]
    id: i64,
}

/// A delivery of a hook in a route's path.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)] // Handlers take the path as a tuple; this only describes it.
pub(crate) struct DeliveryPath {
    #[param(example = "acme")]
    owner: String,
    #[param(example = "orbit")]
    repo: String,
    /// The hook's id.
    #[param(example = 1)]
    id: i64,
    /// The delivery's id, from the hook's log.
    #[param(example = 1)]
    delivery: i64,
}

fn hook_id(text: &str) -> Result<i64, AppError> {
    text.parse()
        .map_err(|_| AppError::NotFound(format!("no hook '{text}' in this repository")))
}

/// `GET .../hooks`: the repository's outgoing webhooks.
#[utoipa::path(
    get,
    path = "/api/v1/repos/{owner}/{repo}/hooks",
    tag = "notifications",
    params(RepoPath),
    responses(
        (status = 200, description = "The hooks", body = [HookAnswer]),
        (status = 401, description = "Nobody is signed in", body = ErrorBody),
        (status = 403, description = "Not a maintainer", body = ErrorBody),
        (status = 404, description = "No such repository", body = ErrorBody),
    )
)]
pub(crate) async fn list_hooks(
    State(pool): State<SqlitePool>,
    permit: Permit<InPerson>,
) -> Result<Json<Vec<HookAnswer>>, AppError> {
    let hooks = hooks::list(&pool, &permit.repo).await?;
    Ok(Json(hooks.into_iter().map(HookAnswer::from).collect()))
}

/// `POST .../hooks`: adds an outgoing webhook.
#[utoipa::path(
    post,
    path = "/api/v1/repos/{owner}/{repo}/hooks",
    tag = "notifications",
    params(RepoPath),
    request_body = HookRequest,
    responses(
        (status = 201, description = "The hook", body = HookAnswer),
        (status = 400, description = "The body is not a JSON object", body = ErrorBody),
        (status = 401, description = "Nobody is signed in", body = ErrorBody),
        (status = 403, description = "Not a maintainer", body = ErrorBody),
        (status = 404, description = "No such repository", body = ErrorBody),
        (status = 422, description = "A field is wrong; `error.fields` names each", body = ErrorBody),
    )
)]
pub(crate) async fn create_hook(
    State(pool): State<SqlitePool>,
    State(notifier): State<Notifier>,
    permit: Permit<InPerson>,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<HookAnswer>), AppError> {
    let input = HookRequest::from_json(&body)?;
    let hook = hooks::create(&pool, &notifier, &permit.repo, &input, &permit.by).await?;
    Ok((StatusCode::CREATED, Json(hook.into())))
}

/// `PATCH .../hooks/{id}`: changes a hook.
#[utoipa::path(
    patch,
    path = "/api/v1/repos/{owner}/{repo}/hooks/{id}",
    tag = "notifications",
    params(HookPath),
    request_body = HookRequest,
    responses(
        (status = 200, description = "The hook", body = HookAnswer),
        (status = 401, description = "Nobody is signed in", body = ErrorBody),
        (status = 403, description = "Not a maintainer", body = ErrorBody),
        (status = 404, description = "No such repository or hook", body = ErrorBody),
        (status = 422, description = "A field is wrong; `error.fields` names each", body = ErrorBody),
    )
)]
pub(crate) async fn patch_hook(
    State(pool): State<SqlitePool>,
    State(notifier): State<Notifier>,
    permit: Permit<InPerson>,
    Path((_, _, id)): Path<(String, String, String)>,
    body: axum::body::Bytes,
) -> Result<Json<HookAnswer>, AppError> {
    let id = hook_id(&id)?;
    let input = HookRequest::from_json(&body)?;
    let hook = hooks::edit(&pool, &notifier, &permit.repo, id, &input).await?;
    Ok(Json(hook.into()))
}

/// `DELETE .../hooks/{id}`: removes a hook and its deliveries.
#[utoipa::path(
    delete,
    path = "/api/v1/repos/{owner}/{repo}/hooks/{id}",
    tag = "notifications",
    params(HookPath),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "Nobody is signed in", body = ErrorBody),
        (status = 403, description = "Not a maintainer", body = ErrorBody),
        (status = 404, description = "No such repository or hook", body = ErrorBody),
    )
)]
pub(crate) async fn delete_hook(
    State(pool): State<SqlitePool>,
    permit: Permit<InPerson>,
    Path((_, _, id)): Path<(String, String, String)>,
) -> Result<StatusCode, AppError> {
    hooks::delete(&pool, &permit.repo, hook_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// One delivery of a hook.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct DeliveryAnswer {
    id: i64,
    /// `X-ReleaseDesk-Delivery`, the same on every attempt.
    delivery: String,
    #[schema(example = "release:3.1.0")]
    event: Option<String>,
    /// `pending`, `sent`, `failed` (gave up after a day) or `dropped`.
    #[schema(example = "sent")]
    state: String,
    attempts: i64,
    created_at: chrono::DateTime<Utc>,
    next_attempt_at: Option<chrono::DateTime<Utc>>,
    last_attempt_at: Option<chrono::DateTime<Utc>>,
    /// The hook's HTTP status at the last attempt.
    last_status: Option<i64>,
    last_error: Option<String>,
}

impl From<DeliveryView> for DeliveryAnswer {
    fn from(d: DeliveryView) -> DeliveryAnswer {
        DeliveryAnswer {
            id: d.id,
            delivery: d.delivery,
            event: d.event,
            state: d.state,
            attempts: d.attempts,
            created_at: d.created_at,
            next_attempt_at: d.next_attempt_at,
            last_attempt_at: d.last_attempt_at,
            last_status: d.last_status,
            last_error: d.last_error,
        }
    }
}

/// `GET .../hooks/{id}/deliveries`: the hook's last 50 deliveries, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/repos/{owner}/{repo}/hooks/{id}/deliveries",
    tag = "notifications",
    params(HookPath),
    responses(
        (status = 200, description = "The deliveries", body = [DeliveryAnswer]),
        (status = 401, description = "Nobody is signed in", body = ErrorBody),
        (status = 403, description = "Not a maintainer", body = ErrorBody),
        (status = 404, description = "No such repository or hook", body = ErrorBody),
    )
)]
pub(crate) async fn list_deliveries(
    State(pool): State<SqlitePool>,
    permit: Permit<InPerson>,
    Path((_, _, id)): Path<(String, String, String)>,
) -> Result<Json<Vec<DeliveryAnswer>>, AppError> {
    let deliveries = hooks::deliveries(&pool, &permit.repo, hook_id(&id)?).await?;
    Ok(Json(
        deliveries.into_iter().map(DeliveryAnswer::from).collect(),
    ))
}

/// `POST .../hooks/{id}/deliveries/{delivery}/redeliver`: sends a delivery again now, with
/// the same delivery id.
#[utoipa::path(
    post,
    path = "/api/v1/repos/{owner}/{repo}/hooks/{id}/deliveries/{delivery}/redeliver",
    tag = "notifications",
    params(DeliveryPath),
    responses(
        (status = 202, description = "It will be sent again shortly"),
        (status = 401, description = "Nobody is signed in", body = ErrorBody),
        (status = 403, description = "Not a maintainer", body = ErrorBody),
        (status = 404, description = "No such repository, hook or delivery", body = ErrorBody),
    )
)]
pub(crate) async fn redeliver(
    State(pool): State<SqlitePool>,
    State(notifier): State<Notifier>,
    permit: Permit<InPerson>,
    Path((_, _, id, delivery)): Path<(String, String, String, String)>,
) -> Result<StatusCode, AppError> {
    let delivery: i64 = delivery
        .parse()
        .map_err(|_| AppError::NotFound(format!("no delivery '{delivery}'")))?;
    hooks::redeliver(&pool, &notifier, &permit.repo, hook_id(&id)?, delivery).await?;
    Ok(StatusCode::ACCEPTED)
}
