//! `POST /webhooks/github`.

use app::{service::host::Host, state::AppState, store};
use axum::{
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    routing::post,
    Extension, Json, Router,
};
use serde_json::json;
use sha2::{Digest, Sha256};
use sqlx::SqlitePool;

use super::Services;
use crate::webhooks::{self, Event};

/// GitHub's delivery ids are GUIDs (36 characters); anything much longer is not GitHub's.
const MAX_DELIVERY_ID: usize = 64;

/// Bodies are bounded before they get here, with every other route's (`http::bodies`).
pub fn router() -> Router<AppState> {
    Router::new().route("/webhooks/github", post(receive_webhook))
}

/// A delivery id as GitHub writes them: short, and letters, digits and dashes only.
fn is_delivery_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_DELIVERY_ID
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

fn answer(status: StatusCode, code: &str, message: &str) -> Response {
    let body = if status.is_success() {
        json!({ "status": code, "message": message })
    } else {
        json!({ "error": { "code": code, "message": message } })
    };
    (status, Json(body)).into_response()
}

/// `POST /webhooks/github`: GitHub's `release`, `create`, `delete`, `push` (tags) and `ping`
/// events; a GitHub App's `installation` and `installation_repositories`, signed with the App's
/// webhook secret; and `check_run`, `check_suite`, `workflow_run`, `status`, `code_scanning_alert` and
/// `dependabot_alert`, which have the evidence of the commit they name read again; signed with
/// the webhook secret.
#[utoipa::path(
    post,
    path = "/webhooks/github",
    tag = "operations",
    request_body(content = Object, description = "A GitHub webhook payload"),
    params(
        ("X-GitHub-Event" = String, Header, description = "The event's name"),
        ("X-GitHub-Delivery" = String, Header, description = "The delivery's id; each applies once"),
        ("X-Hub-Signature-256" = String, Header, description = "`sha256=` HMAC of the body with the secret"),
    ),
    responses(
        (status = 200, description = "Applied (once per delivery), or a ping answered", body = Object),
        (status = 202, description = "Received and ignored (an untracked repository or an event of no interest), or evidence to read again", body = Object),
        (status = 400, description = "A malformed payload", body = super::api::ErrorBody),
        (status = 401, description = "A missing or wrong signature", body = super::api::ErrorBody),
        (status = 413, description = "A body over the server's limit (RELEASEDESK_MAX_BODY)", body = super::api::ErrorBody),
    )
)]
pub(crate) async fn receive_webhook(
    State(pool): State<SqlitePool>,
    State(host): State<Host>,
    State(notifier): State<app::service::notify::Notifier>,
    Extension(services): Extension<Services>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    // The repository webhook's secret, and the GitHub App's for its one webhook.
    let app = services
        .github
        .as_ref()
        .and_then(|github| github.clients.app());
    if services.webhook_secret.is_none() && app.is_none() {
        return answer(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "webhooks are off: RELEASEDESK_WEBHOOK_SECRET is not set and no GitHub App is set up",
        );
    }
    let signature = header("x-hub-signature-256");
    let signed = |secret: &crate::config::Secret| {
        webhooks::signature_is_valid(secret.expose(), &body, signature)
    };
    let by_app = app.as_ref().is_some_and(|app| signed(&app.webhook_secret));
    if !by_app && !services.webhook_secret.as_ref().is_some_and(signed) {
        return answer(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "the X-Hub-Signature-256 signature does not match",
        );
    }
    let (Some(event), Some(delivery_id)) = (header("x-github-event"), header("x-github-delivery"))
    else {
        return answer(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "X-GitHub-Event and X-GitHub-Delivery are required",
        );
    };
    if !is_delivery_id(delivery_id) {
        return answer(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "X-GitHub-Delivery must be GitHub's delivery id: at most 64 letters, digits and dashes",
        );
    }
    let delivery = match webhooks::parse(event, &body) {
        Ok(delivery) => delivery,
        Err(message) => return answer(StatusCode::BAD_REQUEST, "bad_request", &message),
    };
    if matches!(delivery.event, Event::Ping) {
        return answer(StatusCode::OK, "pong", "webhook received");
    }
    if matches!(delivery.event, Event::Ignored) {
        return answer(
            StatusCode::ACCEPTED,
            "ignored",
            "Release Desk does not use this event",
        );
    }
    if let Event::Installation(change) = &delivery.event {
        // Only the App's own webhook speaks for its installations.
        if !by_app {
            return answer(
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "installation events must be signed with the GitHub App's webhook secret",
            );
        }
        let received = store::webhooks::Delivery {
            id: delivery_id,
            event,
            body_sha256: &hex::encode(Sha256::digest(&body)),
        };
        return installation_changed(&pool, &services, app.as_deref(), &received, change).await;
    }
    let Some((owner, name)) = delivery.repository else {
        return answer(
            StatusCode::BAD_REQUEST,
            "bad_request",
            "the payload names no repository",
        );
    };
    // CI and alerts change for every commit of every branch: nothing is stored, the evidence
    // of the versions at that commit is read again (debounced), and only when it can be.
    if let Event::Evidence { commit } = delivery.event {
        return match store::repositories::find(&pool, &owner, &name).await {
            Ok(Some(repo)) => {
                if let Some(sync) = &services.sync {
                    sync.request_evidence(repo.id, commit);
                }
                answer(
                    StatusCode::ACCEPTED,
                    "evidence",
                    "the evidence of this commit will be read again",
                )
            }
            Ok(None) => answer(
                StatusCode::ACCEPTED,
                "ignored",
                "this repository is not tracked",
            ),
            Err(err) => {
                tracing::error!(error = %err, "finding a webhook's repository failed");
                answer(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "the event could not be read; GitHub may redeliver it",
                )
            }
        };
    }
    // A push to a branch changes no data of ours: the gates of plans prepared on it follow.
    if let Event::BranchPushed { branch, sha } = &delivery.event {
        return match store::repositories::find(&pool, &owner, &name).await {
            Ok(Some(repo)) => {
                match app::service::plans::branch_pushed(&pool, &host, &repo, branch, sha).await {
                    Ok(0) => answer(
                        StatusCode::ACCEPTED,
                        "ignored",
                        "no plan is prepared on this branch",
                    ),
                    Ok(_) => answer(
                        StatusCode::OK,
                        "gate",
                        "the release gate of this branch is written",
                    ),
                    Err(err) => answer(
                        StatusCode::BAD_GATEWAY,
                        err.code(),
                        &format!("the release gate was not written: {err}"),
                    ),
                }
            }
            Ok(None) => answer(
                StatusCode::ACCEPTED,
                "ignored",
                "this repository is not tracked",
            ),
            Err(err) => {
                tracing::error!(error = %err, "finding a webhook's repository failed");
                answer(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "the event could not be read; GitHub may redeliver it",
                )
            }
        };
    }
    let received = store::webhooks::Delivery {
        id: delivery_id,
        event,
        body_sha256: &hex::encode(Sha256::digest(&body)),
    };
    match apply(&pool, &notifier, &received, &owner, &name, &delivery.event).await {
        Ok(Outcome::Untracked) => answer(
            StatusCode::ACCEPTED,
            "ignored",
            "this repository is not tracked",
        ),
        Ok(Outcome::Duplicate) => answer(
            StatusCode::OK,
            "duplicate",
            "this delivery, or the same body under another id, was applied before",
        ),
        Ok(Outcome::Applied(repository_id)) => {
            if let Some(sync) = &services.sync {
                sync.request(repository_id);
            }
            answer(StatusCode::OK, "applied", "applied")
        }
        Err(err) => {
            tracing::error!(error = %err, "applying a webhook failed");
            answer(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "the event could not be stored; GitHub may redeliver it",
            )
        }
    }
}

/// Applies an App's installation change once: its repositories tracked through it, or
/// stopped; the added ones synced soon.
async fn installation_changed(
    pool: &SqlitePool,
    services: &Services,
    app: Option<&crate::github::app::GitHubApp>,
    received: &store::webhooks::Delivery<'_>,
    change: &webhooks::InstallationChange,
) -> Response {
    if app.is_none_or(|app| app.app_id != change.app_id) {
        return answer(
            StatusCode::ACCEPTED,
            "ignored",
            "this installation is not of the GitHub App set up here",
        );
    }
    match crate::installations::apply(pool, received, change).await {
        Ok(None) => answer(
            StatusCode::OK,
            "duplicate",
            "this delivery, or the same body under another id, was applied before",
        ),
        Ok(Some(outcome)) => {
            if let Some(sync) = &services.sync {
                for id in &outcome.tracked {
                    sync.request(*id);
                }
            }
            answer(
                StatusCode::OK,
                "applied",
                &format!(
                    "{} repositories synced through installation {}, {} stopped",
                    outcome.tracked.len(),
                    change.installation,
                    outcome.stopped
                ),
            )
        }
        Err(err) => {
            tracing::error!(error = %err, "applying an installation change failed");
            answer(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "the event could not be stored; GitHub may redeliver it",
            )
        }
    }
}

enum Outcome {
    Untracked,
    Duplicate,
    Applied(i64),
}

/// Records the delivery and applies the event in one transaction.
async fn apply(
    pool: &SqlitePool,
    notifier: &app::service::notify::Notifier,
    received: &store::webhooks::Delivery<'_>,
    owner: &str,
    name: &str,
    event: &Event,
) -> sqlx::Result<Outcome> {
    let Some(repo) = store::repositories::find(pool, owner, name).await? else {
        return Ok(Outcome::Untracked);
    };
    let mut tx = pool.begin().await?;
    if !store::webhooks::record_delivery(&mut tx, received, chrono::Utc::now()).await? {
        return Ok(Outcome::Duplicate);
    }
    webhooks::apply(&mut tx, &repo, event).await?;
    app::service::notify::events::announce_releases(&mut tx, notifier, &repo, chrono::Utc::now())
        .await?;
    store::sync::forget_pages(&mut *tx, &repo.owner, &repo.name).await?;
    tx.commit().await?;
    Ok(Outcome::Applied(repo.id))
}
