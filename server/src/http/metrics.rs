//! `GET /metrics` in the Prometheus (OpenMetrics) text format: HTTP requests by route and
//! status with latency histograms, counted in process; sync figures per repository, read from
//! `sync_runs` so that they survive restarts.

use std::time::Instant;

use app::{error::AppError, state::AppState, store};
use axum::{
    extract::{MatchedPath, Request, State},
    http::header,
    middleware::Next,
    response::{IntoResponse, Response},
    Extension,
};
use prometheus_client::{
    encoding::{text::encode, EncodeLabelSet},
    metrics::{
        counter::Counter,
        family::Family,
        gauge::Gauge,
        histogram::{exponential_buckets, Histogram},
    },
    registry::Registry,
};
use sqlx::SqlitePool;

use super::Services;

pub fn router() -> axum::Router<AppState> {
    axum::Router::new().route("/metrics", axum::routing::get(render_metrics))
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct SharedAnswerLabels {
    /// `kept` (served from memory) or `made` (rendered, then kept).
    answer: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RepositoryLabels {
    repository: String,
}

type LatencyFamily = Family<RouteLabels, Histogram, fn() -> Histogram>;

/// HTTP figures, shared by every clone.
#[derive(Clone, Debug)]
pub struct HttpMetrics {
    requests: Family<RequestLabels, Counter>,
    latency: LatencyFamily,
    shared_answers: Family<SharedAnswerLabels, Counter>,
}

fn latency_histogram() -> Histogram {
    // 1 ms to about 16 s.
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

impl Default for HttpMetrics {
    fn default() -> Self {
        HttpMetrics {
            requests: Family::default(),
            latency: Family::new_with_constructor(latency_histogram as fn() -> Histogram),
            shared_answers: Family::default(),
        }
    }
}

impl HttpMetrics {
    /// Counts an anonymous read answered from the shared cache (`kept`) or made for it.
    pub fn count_shared_answer(&self, kept: bool) {
        let answer = if kept { "kept" } else { "made" };
        self.shared_answers
            .get_or_create(&SharedAnswerLabels { answer })
            .inc();
    }

    /// Middleware: counts each request under its route template (`/{owner}/{repo}`, never the
    /// concrete path, so label values stay few).
    pub async fn track(self, request: Request, next: Next) -> Response {
        let route = request
            .extensions()
            .get::<MatchedPath>()
            .map_or_else(|| "unmatched".to_owned(), |path| path.as_str().to_owned());
        let method = request.method().to_string();
        let started = Instant::now();
        let response = next.run(request).await;
        let labels = RouteLabels {
            method: method.clone(),
            route: route.clone(),
        };
        self.latency
            .get_or_create(&labels)
            .observe(started.elapsed().as_secs_f64());
        let status = response.status().as_u16();
        self.requests
            .get_or_create(&RequestLabels {
                method,
                route,
                status,
            })
            .inc();
        response
    }
}

/// `GET /metrics`: Prometheus text.
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "operations",
    responses((status = 200, description = "HTTP and sync figures in Prometheus' text format",
               content_type = "application/openmetrics-text", body = String))
)]
pub(crate) async fn render_metrics(
    State(pool): State<SqlitePool>,
    Extension(services): Extension<Services>,
) -> Result<Response, AppError> {
    let mut registry = Registry::with_prefix("releasedesk");
    registry.register(
        "http_requests",
        "HTTP requests by route and status, except those answered from the shared cache",
        services.metrics.requests.clone(),
    );
    registry.register(
        "http_shared_cache_answers",
        "Anonymous reads answered from memory (kept) or rendered to be kept (made)",
        services.metrics.shared_answers.clone(),
    );
    registry.register(
        "http_request_duration_seconds",
        "HTTP request latency by route",
        services.metrics.latency.clone(),
    );

    let runs = Family::<RepositoryLabels, Counter>::default();
    let failures = Family::<RepositoryLabels, Counter>::default();
    let requests = Family::<RepositoryLabels, Counter>::default();
    let not_modified = Family::<RepositoryLabels, Counter>::default();
    let rate_limit = Family::<RepositoryLabels, Gauge>::default();
    for totals in store::sync::totals(&pool).await? {
        let labels = RepositoryLabels {
            repository: totals.repository,
        };
        let count = |n: i64| u64::try_from(n).unwrap_or(0);
        runs.get_or_create(&labels).inc_by(count(totals.runs));
        failures.get_or_create(&labels).inc_by(count(totals.failed));
        requests
            .get_or_create(&labels)
            .inc_by(count(totals.requests));
        not_modified
            .get_or_create(&labels)
            .inc_by(count(totals.not_modified));
        if let Some(left) = totals.rate_limit_remaining {
            rate_limit.get_or_create(&labels).set(left);
        }
    }
    registry.register("sync_runs", "Syncs with GitHub", runs);
    registry.register("sync_failures", "Syncs with GitHub that failed", failures);
    registry.register(
        "sync_github_requests",
        "Requests made to GitHub by syncs",
        requests,
    );
    registry.register(
        "sync_github_not_modified",
        "GitHub answers that were 304 Not Modified",
        not_modified,
    );
    registry.register(
        "github_rate_limit_remaining",
        "GitHub rate limit left after the last sync",
        rate_limit,
    );

    let mut text = String::new();
    if let Err(err) = encode(&mut text, &registry) {
        tracing::error!(error = %err, "encoding metrics failed");
        return Err(AppError::Internal);
    }
    let content_type = "application/openmetrics-text; version=1.0.0; charset=utf-8";
    Ok(([(header::CONTENT_TYPE, content_type)], text).into_response())
}
