//! Liveness and readiness for load balancers and orchestrators.

use app::{
    error::{ErrorBody, ErrorDetail},
    state::AppState,
    store,
};
use axum::{extract::State, http::StatusCode, routing::get, Json, Router};
use serde::Serialize;
use sqlx::SqlitePool;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
}

/// `{"status": "ok"}` or `{"status": "ready"}`.
#[derive(Serialize, utoipa::ToSchema)]
pub(crate) struct Status {
    #[schema(example = "ok")]
    status: &'static str,
}

/// The process is up.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "operations",
    responses((status = 200, description = "The process is up", body = Status))
)]
pub(crate) async fn healthz() -> Json<Status> {
    Json(Status { status: "ok" })
}

/// The database answers and every migration is applied.
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "operations",
    responses(
        (status = 200, description = "Ready to serve", body = Status),
        (status = 503, description = "The database is unreachable or not migrated", body = ErrorBody),
    )
)]
pub(crate) async fn readyz(
    State(pool): State<SqlitePool>,
) -> Result<Json<Status>, (StatusCode, Json<ErrorBody>)> {
    let (code, message) = match store::migrations_applied(&pool).await {
        Ok(true) => return Ok(Json(Status { status: "ready" })),
        Ok(false) => (
            "not_ready",
            "database migrations are not applied".to_owned(),
        ),
        Err(err) => {
            tracing::warn!(error = %err, "readiness check failed");
            ("unavailable", "the database is unreachable".to_owned())
        }
    };
    let error = ErrorDetail {
        code,
        message,
        fields: None,
    };
    Err((StatusCode::SERVICE_UNAVAILABLE, Json(ErrorBody { error })))
}
