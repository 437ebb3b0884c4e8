//! The HTTP surface: one router per resource, merged here with the Leptos pages.

pub mod access;
mod address;
mod api;
mod auth;
mod badges;
pub mod bodies;
mod caching;
mod calendar;
mod feed;
pub mod github_app;
mod health;
mod metrics;
pub mod openapi;
mod refusal;
mod server_fn_status;
pub mod subscriptions;
mod webhooks;

use std::{net::SocketAddr, sync::Arc};

use app::{
    app::{shell, App},
    error::AppError,
    state::AppState,
};
use axum::{routing::any, Router};
use leptos::prelude::{provide_context, LeptosOptions};
use leptos_axum::{
    file_and_error_handler_with_context, generate_route_list, AxumRouteListing, LeptosRoutes,
};
use tower_http::{
    compression::CompressionLayer, services::ServeDir, set_header::SetResponseHeaderLayer,
    trace::TraceLayer,
};

pub use self::caching::is_shareable;
use self::metrics::HttpMetrics;
use crate::{auth::Auth, config::Secret, scheduler::SyncTrigger};

/// Where the pages find the built stylesheet, scripts and WebAssembly.
pub fn leptos_options(site_root: &str, address: SocketAddr) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("releasedesk")
        .site_root(site_root)
        .site_pkg_dir("pkg")
        .site_addr(address)
        .build()
}

/// What the router needs beyond [`AppState`].
#[derive(Clone, Debug)]
pub struct Services {
    /// Sign-in, sessions' secrets, the local administrator's link.
    pub auth: Arc<Auth>,
    /// The repository webhooks' secret (the GitHub App has its own).
    pub webhook_secret: Option<Secret>,
    /// GitHub: the clients, and what setting up an App needs (none in tests and exports
    /// that never reach it).
    pub github: Option<github_app::GitHubSite>,
    /// Background syncs; absent in tests and for the demo.
    pub sync: Option<SyncTrigger>,
    pub metrics: HttpMetrics,
    /// How large and how slow request bodies may be.
    pub bodies: bodies::BodyLimits,
    /// Requests to subscribe by mail from one address.
    pub subscribe_limit: subscriptions::SubscribeLimit,
}

pub fn router(state: AppState, services: Services) -> Router {
    let context = {
        let state = state.clone();
        move || {
            provide_context(state.clone());
            provide_context(openapi::API_DESCRIPTION.clone());
        }
    };
    let pages = {
        let options = state.leptos_options.clone();
        move || shell(options.clone())
    };
    let pkg_dir = format!(
        "{}/{}",
        state.leptos_options.site_root, state.leptos_options.site_pkg_dir
    );

    let router = Router::new()
        .merge(health::router())
        .merge(api::router())
        .merge(auth::router(services.auth.clone()))
        .merge(badges::router())
        .merge(calendar::router())
        .merge(feed::router())
        .merge(webhooks::router())
        .merge(github_app::router())
        .merge(subscriptions::router())
        .merge(metrics::router())
        .merge(openapi::router())
        // One segment under /api is endoflife.date v0 (`/api/{product}.json`, in api::products).
        .route("/api/{section}/{*rest}", any(unknown_api_route))
        // Built assets first, so `/pkg/x.css` is never taken for an `/{owner}/{repo}` page.
        .nest_service(
            "/pkg",
            tower::ServiceBuilder::new()
                .layer(SetResponseHeaderLayer::overriding(
                    http::header::CACHE_CONTROL,
                    http::HeaderValue::from_static("public, max-age=300"),
                ))
                // Which copy is sent depends on Accept-Encoding: caches must keep each.
                .layer(SetResponseHeaderLayer::if_not_present(
                    http::header::VARY,
                    http::HeaderValue::from_static("accept-encoding"),
                ))
                // A release build writes each file gzipped and in brotli beside it: sent as
                // they are, never compressed again per answer.
                .service(
                    ServeDir::new(pkg_dir)
                        .precompressed_br()
                        .precompressed_gzip(),
                ),
        )
        .leptos_routes_with_context(&state, page_routes(), context.clone(), pages)
        .fallback(file_and_error_handler_with_context::<AppState, _>(
            context, shell,
        ))
        // Innermost, so that sessions, metrics and caching all see a server function's real
        // status (a session is not saved with a 5xx answer).
        .layer(axum::middleware::from_fn(server_fn_status::real_status))
        // After the access checks, so a refused change is refused before its body is read.
        .layer(axum::middleware::from_fn({
            let gate = Arc::new(bodies::BodyGate::new(services.bodies.clone()));
            move |request, next| bodies::bound_body(gate.clone(), request, next)
        }))
        // The bodies are bounded above; extractors need not bound them again.
        .layer(axum::extract::DefaultBodyLimit::disable())
        .layer(axum::middleware::from_fn(caching::conditional))
        .layer(axum::middleware::from_fn({
            let auth = services.auth.clone();
            move |request, next| access::guard(auth.clone(), request, next)
        }))
        .layer(axum::middleware::from_fn({
            let pool = state.pool.clone();
            let auth = services.auth.clone();
            move |session, request, next| {
                access::identify(pool.clone(), auth.clone(), session, request, next)
            }
        }))
        .layer(sessions(&state.pool, &services.auth))
        .layer(axum::middleware::from_fn({
            let http_metrics = services.metrics.clone();
            move |request, next| http_metrics.clone().track(request, next)
        }))
        .layer(axum::Extension(services.auth.clone()))
        .layer(axum::Extension(services.subscribe_limit.clone()))
        .layer(axum::Extension(services.clone()))
        .with_state(state.clone());
    // Anonymous answers kept in memory are served before routing, sessions and the caller,
    // none of which they need.
    let cache = Arc::new(caching::SharedCache::default());
    let data_version = Arc::new(caching::DataVersionReader::default());
    let router = Router::new()
        .fallback_service(router)
        .layer(axum::middleware::from_fn(move |request, next| {
            let shared = caching::Shared {
                cache: cache.clone(),
                data_version: data_version.clone(),
                pool: state.pool.clone(),
                metrics: services.metrics.clone(),
            };
            caching::shared_cache(shared, request, next)
        }))
        .layer(axum::middleware::from_fn(address::drop_trailing_slash))
        .layer(axum::middleware::from_fn({
            let auth = services.auth.clone();
            move |request, next| address::accept_host(auth.clone(), request, next)
        }))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http());
    with_security_headers(router)
}

/// The page routes, generated once per process. Generating them raises a process-wide Leptos
/// flag that keeps every resource from loading meanwhile, so a generation overlapping a render
/// (a second router built while the first serves, as the tests do) left that render hanging.
fn page_routes() -> Vec<AxumRouteListing> {
    static ROUTES: std::sync::LazyLock<Vec<AxumRouteListing>> =
        std::sync::LazyLock::new(|| generate_route_list(App));
    ROUTES.clone()
}

/// The session cookie's name; the shared cache looks for it too.
const SESSION_COOKIE: &str = "releasedesk_session";

/// Sessions in our database, so they survive restarts: a cookie only the server reads (HttpOnly),
/// not sent with cross-site subrequests (Lax), Secure behind https, ending after two weeks idle.
fn sessions(
    pool: &sqlx::SqlitePool,
    auth: &Auth,
) -> tower_sessions::SessionManagerLayer<tower_sessions_sqlx_store::SqliteStore> {
    use tower_sessions::{cookie::SameSite, Expiry};
    tower_sessions::SessionManagerLayer::new(tower_sessions_sqlx_store::SqliteStore::new(
        pool.clone(),
    ))
    .with_name(SESSION_COOKIE)
    .with_http_only(true)
    .with_same_site(SameSite::Lax)
    .with_secure(auth.secure_cookies())
    .with_expiry(Expiry::OnInactivity(
        tower_sessions::cookie::time::Duration::days(14),
    ))
}

/// Headers for every response. Pages send their own, nonce-bearing CSP (see `app::app::shell`);
/// everything else gets one that allows nothing.
fn with_security_headers(router: Router) -> Router {
    use http::{header, HeaderValue};
    router
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
        ))
}

async fn unknown_api_route() -> AppError {
    AppError::NotFound("there is no API route at this address".to_owned())
}
