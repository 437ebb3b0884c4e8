//! endoflife.date's API on our data, so that its clients work by changing their base URL:
//! v1 (`/api/v1/products/...`, schema 1.x) and v0 (`/api/{product}.json`, `/api/all.json`).
//! A product is a tracked repository, named by its product slug (default: the repository's name).

use std::sync::Arc;

use app::{
    domain::{
        endoflife::{self, names_cycle, ReleaseCycle},
        support::{support_windows, LineSupport},
    },
    error::AppError,
    state::AppState,
    store::{self, repositories::Repository},
};
use axum::{
    extract::{Path, State},
    http::HeaderMap,
    routing::get,
    Extension, Json, Router,
};
use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use serde_json::{json, Value};
use sqlx::SqlitePool;

use crate::{auth::Auth, http::access::our_origin};

/// The version of endoflife.date's v1 schema these answers follow.
const SCHEMA_VERSION: &str = "1.2.0";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/products", get(list_products))
        .route("/api/v1/products/{product}", get(get_product))
        .route(
            "/api/v1/products/{product}/releases/latest",
            get(get_latest_release),
        )
        .route(
            "/api/v1/products/{product}/releases/{release}",
            get(get_release),
        )
        .route("/api/{file}", get(get_v0_file))
}

/// A product's support windows today, newest line first, with each latest version's link.
struct Product {
    repository: Repository,
    cycles: Vec<(LineSupport, Option<String>)>,
    last_modified: Option<DateTime<Utc>>,
}

async fn product(pool: &SqlitePool, slug: &str) -> Result<Product, AppError> {
    let repository = store::repositories::find_by_product(pool, slug)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("there is no product '{slug}'")))?;
    let releases = store::versions::support_releases(pool, repository.id).await?;
    let links = store::versions::release_links(pool, repository.id).await?;
    let windows = support_windows(&releases, &repository.policy(), Utc::now().date_naive());
    let cycles = windows
        .into_iter()
        .map(|window| {
            let link = window
                .latest
                .as_ref()
                .and_then(|v| links.get(&v.to_string()).cloned());
            (window, link)
        })
        .collect();
    let last_modified = store::versions::last_change(pool, repository.id).await?;
    Ok(Product {
        repository,
        cycles,
        last_modified,
    })
}

fn envelope(result: Value, last_modified: Option<DateTime<Utc>>) -> Json<Value> {
    let now = Utc::now();
    let mut body = json!({
        "schema_version": SCHEMA_VERSION,
        "generated_at": now.to_rfc3339_opts(SecondsFormat::Secs, true),
        "result": result,
    });
    if let Some(at) = last_modified {
        body["last_modified"] = json!(at.to_rfc3339_opts(SecondsFormat::Secs, true));
    }
    Json(body)
}

fn site(auth: &Auth, headers: &HeaderMap) -> String {
    our_origin(auth, headers).unwrap_or_else(|| "http://localhost".to_owned())
}

#[derive(Serialize)]
struct Summary {
    name: String,
    label: String,
    aliases: Vec<String>,
    category: &'static str,
    tags: Vec<&'static str>,
    uri: String,
}

/// `GET /api/v1/products`: every product, in summary.
async fn list_products(
    State(pool): State<SqlitePool>,
    Extension(auth): Extension<Arc<Auth>>,
    headers: HeaderMap,
) -> Result<Json<Value>, AppError> {
    let site = site(&auth, &headers);
    let products = store::repositories::list_products(&pool).await?;
    let result: Vec<Summary> = products
        .into_iter()
        .map(|name| Summary {
            uri: format!("{site}/api/v1/products/{name}"),
            label: name.clone(),
            name,
            aliases: Vec::new(),
            category: "app",
            tags: vec!["app"],
        })
        .collect();
    let mut body = envelope(json!(result), None);
    body["total"] = json!(result.len());
    Ok(body)
}

/// `GET /api/v1/products/{product}`: the product with all its release cycles.
async fn get_product(
    State(pool): State<SqlitePool>,
    Extension(auth): Extension<Arc<Auth>>,
    headers: HeaderMap,
    Path(slug): Path<String>,
) -> Result<Json<Value>, AppError> {
    let product = product(&pool, &slug).await?;
    let site = site(&auth, &headers);
    let repo = &product.repository;
    let page = format!("{site}/{}/{}/support", repo.owner, repo.name);
    let releases: Vec<ReleaseCycle> = product
        .cycles
        .iter()
        .map(|(window, link)| endoflife::release_cycle(window, link.clone()))
        .collect();
    let result = json!({
        "name": repo.product,
        "label": format!("{}/{}", repo.owner, repo.name),
        "aliases": [],
        "category": "app",
        "tags": ["app"],
        "versionCommand": null,
        "identifiers": [{ "id": format!("pkg:github/{}/{}", repo.owner, repo.name), "type": "purl" }],
        "labels": {
            "eoas": "Full support",
            "discontinued": null,
            "eol": "Security fixes",
            "eoes": null
        },
        "links": { "icon": null, "html": page, "releasePolicy": page },
        "releases": releases,
    });
    Ok(envelope(
        result,
        Some(product.last_modified.unwrap_or_else(Utc::now)),
    ))
}

/// `GET /api/v1/products/{product}/releases/{release}`: one release cycle, e.g. `3` or `0.4`.
async fn get_release(
    State(pool): State<SqlitePool>,
    Path((slug, release)): Path<(String, String)>,
) -> Result<Json<Value>, AppError> {
    let product = product(&pool, &slug).await?;
    let (window, link) = product
        .cycles
        .iter()
        .find(|(window, _)| names_cycle(&release, &window.line))
        .ok_or_else(|| {
            AppError::NotFound(format!("product '{slug}' has no release cycle '{release}'"))
        })?;
    Ok(envelope(
        json!(endoflife::release_cycle(window, link.clone())),
        None,
    ))
}

/// `GET /api/v1/products/{product}/releases/latest`: the newest release cycle.
async fn get_latest_release(
    State(pool): State<SqlitePool>,
    Path(slug): Path<String>,
) -> Result<Json<Value>, AppError> {
    let product = product(&pool, &slug).await?;
    let (window, link) = product
        .cycles
        .first()
        .ok_or_else(|| AppError::NotFound(format!("product '{slug}' has no stable release yet")))?;
    Ok(envelope(
        json!(endoflife::release_cycle(window, link.clone())),
        None,
    ))
}

/// v0: `GET /api/{product}.json` (the cycles) and `GET /api/all.json` (the product names).
async fn get_v0_file(
    State(pool): State<SqlitePool>,
    Path(file): Path<String>,
) -> Result<Json<Value>, AppError> {
    let Some(slug) = file.strip_suffix(".json") else {
        return Err(AppError::NotFound(
            "there is no API route at this address".to_owned(),
        ));
    };
    if slug == "all" {
        return Ok(Json(json!(
            store::repositories::list_products(&pool).await?
        )));
    }
    let product = product(&pool, slug).await?;
    let cycles: Vec<_> = product
        .cycles
        .iter()
        .map(|(window, link)| endoflife::cycle(window, link.clone()))
        .collect();
    Ok(Json(json!(cycles)))
}
