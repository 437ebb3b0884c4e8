//! Liveness and readiness for load balancers and orchestrators.

use app::{state::AppState, store};
use axum::{extract::State, http::StatusCode, routing::get, Json, Router};
use serde_json::{json, Value};
use sqlx::SqlitePool;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
}

/// `{"status": "ok"}` or `{"status": "ready"}`.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // Describes the JSON the handlers write.
pub(crate) struct Status {
    #[schema(example = "ok")]
    status: String,
}

/// The process is up.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "operations",
    responses((status = 200, description = "The process is up", body = Status))
)]
pub(crate) async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

/// The database answers and every migration is applied.
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "operations",
    responses(
        (status = 200, description = "Ready to serve", body = Status),
        (status = 503, description = "The database is unreachable or not migrated", body = super::api::ErrorBody),
    )
)]
pub(crate) async fn readyz(State(pool): State<SqlitePool>) -> (StatusCode, Json<Value>) {
    let (code, message) = match store::migrations_applied(&pool).await {
        Ok(true) => return (StatusCode::OK, Json(json!({ "status": "ready" }))),
        Ok(false) => (
            "not_ready",
            "database migrations are not applied".to_owned(),
        ),
        Err(err) => {
            tracing::warn!(error = %err, "readiness check failed");
            ("unavailable", "the database is unreachable".to_owned())
        }
    };
    (
        StatusCode::SERVICE_UNAVAILABLE,
        Json(json!({ "error": { "code": code, "message": message } })),
    )
}
