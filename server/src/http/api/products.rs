//! endoflife.date's API on our data, so that its clients work by changing their base URL:
//! v1 (`/api/v1/products/...`, schema 1.x) and v0 (`/api/{product}.json`, `/api/all.json`).
//! A product is a tracked repository, named by its product slug (default: the repository's name).

use std::sync::Arc;

use app::{
    domain::{
        endoflife::{self, names_cycle, Cycle, ReleaseCycle},
        support::LineSupport,
    },
    error::AppError,
    service::support,
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
use sqlx::SqlitePool;
use utoipa::{IntoParams, ToSchema};

use super::ErrorBody;
use crate::{auth::Auth, http::access::site_address};

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
        .route("/api/all.json", get(get_v0_all))
        .route("/api/{file}", get(get_v0_product))
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
    let links = store::versions::release_links(pool, repository.id).await?;
    let cycles = support::lines(pool, &repository, Utc::now().date_naive())
        .await?
        .windows
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

/// The product in a route's path, as the OpenAPI description names it.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
#[allow(dead_code)] // Handlers take the path as a string; this only describes it.
pub(crate) struct ProductPath {
    /// The product slug: a repository setting, by default the repository's name.
    #[param(example = "orbit")]
    product: String,
}

/// endoflife.date's v1 envelope around every answer.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Envelope<T> {
    #[schema(example = "1.2.0")]
    schema_version: &'static str,
    generated_at: String,
    /// When the product's data last changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    last_modified: Option<String>,
    /// How many results, on lists.
    #[serde(skip_serializing_if = "Option::is_none")]
    total: Option<usize>,
    result: T,
}

fn envelope<T>(result: T, last_modified: Option<DateTime<Utc>>) -> Json<Envelope<T>> {
    let timestamp = |at: DateTime<Utc>| at.to_rfc3339_opts(SecondsFormat::Secs, true);
    Json(Envelope {
        schema_version: SCHEMA_VERSION,
        generated_at: timestamp(Utc::now()),
        last_modified: last_modified.map(timestamp),
        total: None,
        result,
    })
}

/// A product in the list.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Summary {
    name: String,
    label: String,
    aliases: Vec<String>,
    category: &'static str,
    tags: Vec<&'static str>,
    uri: String,
}

/// `GET /api/v1/products`: every product, in summary.
#[utoipa::path(
    get,
    path = "/api/v1/products",
    tag = "endoflife.date",
    responses((status = 200, description = "Every product", body = Envelope<Vec<Summary>>))
)]
pub(crate) async fn list_products(
    State(pool): State<SqlitePool>,
    Extension(auth): Extension<Arc<Auth>>,
    headers: HeaderMap,
) -> Result<Json<Envelope<Vec<Summary>>>, AppError> {
    let site = site_address(&auth, &headers);
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
    let mut body = envelope(result, None);
    body.total = Some(body.result.len());
    Ok(body)
}

/// A product with its release cycles, as endoflife.date describes one.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ProductDetails {
    #[schema(example = "orbit")]
    name: String,
    label: String,
    aliases: Vec<String>,
    category: &'static str,
    tags: Vec<&'static str>,
    version_command: Option<String>,
    identifiers: Vec<Identifier>,
    labels: Labels,
    links: Links,
    releases: Vec<ReleaseCycle>,
}

#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Identifier {
    /// A package URL.
    #[schema(example = "pkg:github/acme/orbit")]
    id: String,
    #[serde(rename = "type")]
    kind: &'static str,
}

/// What each phase is called for this product.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Labels {
    eoas: &'static str,
    discontinued: Option<String>,
    eol: &'static str,
    eoes: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Links {
    icon: Option<String>,
    html: String,
    release_policy: String,
}

/// `GET /api/v1/products/{product}`: the product with all its release cycles.
#[utoipa::path(
    get,
    path = "/api/v1/products/{product}",
    tag = "endoflife.date",
    params(ProductPath),
    responses(
        (status = 200, description = "The product", body = Envelope<ProductDetails>),
        (status = 404, description = "No such product", body = ErrorBody),
    )
)]
pub(crate) async fn get_product(
    State(pool): State<SqlitePool>,
    Extension(auth): Extension<Arc<Auth>>,
    headers: HeaderMap,
    Path(slug): Path<String>,
) -> Result<Json<Envelope<ProductDetails>>, AppError> {
    let product = product(&pool, &slug).await?;
    let site = site_address(&auth, &headers);
    let repo = &product.repository;
    let page = format!("{site}/{}/{}/support", repo.owner, repo.name);
    let releases: Vec<ReleaseCycle> = product
        .cycles
        .iter()
        .map(|(window, link)| endoflife::release_cycle(window, link.clone()))
        .collect();
    let result = ProductDetails {
        name: repo.product.clone(),
        label: format!("{}/{}", repo.owner, repo.name),
        aliases: Vec::new(),
        category: "app",
        tags: vec!["app"],
        version_command: None,
        identifiers: vec![Identifier {
            id: format!("pkg:github/{}/{}", repo.owner, repo.name),
            kind: "purl",
        }],
        labels: Labels {
            eoas: "Full support",
            discontinued: None,
            eol: "Security fixes",
            eoes: None,
        },
        links: Links {
            icon: None,
            html: page.clone(),
            release_policy: page,
        },
        releases,
    };
    Ok(envelope(
        result,
        Some(product.last_modified.unwrap_or_else(Utc::now)),
    ))
}

/// `GET /api/v1/products/{product}/releases/{release}`: one release cycle, e.g. `3` or `0.4`.
#[utoipa::path(
    get,
    path = "/api/v1/products/{product}/releases/{release}",
    tag = "endoflife.date",
    params(
        ProductPath,
        ("release" = String, Path, description = "A release cycle: a major, or `0.y` under the 0.x rule", example = "2"),
    ),
    responses(
        (status = 200, description = "The release cycle", body = Envelope<ReleaseCycle>),
        (status = 404, description = "No such product or cycle", body = ErrorBody),
    )
)]
pub(crate) async fn get_release(
    State(pool): State<SqlitePool>,
    Path((slug, release)): Path<(String, String)>,
) -> Result<Json<Envelope<ReleaseCycle>>, AppError> {
    let product = product(&pool, &slug).await?;
    let (window, link) = product
        .cycles
        .iter()
        .find(|(window, _)| names_cycle(&release, &window.line))
        .ok_or_else(|| {
            AppError::NotFound(format!("product '{slug}' has no release cycle '{release}'"))
        })?;
    Ok(envelope(
        endoflife::release_cycle(window, link.clone()),
        None,
    ))
}

/// `GET /api/v1/products/{product}/releases/latest`: the newest release cycle.
#[utoipa::path(
    get,
    path = "/api/v1/products/{product}/releases/latest",
    tag = "endoflife.date",
    params(ProductPath),
    responses(
        (status = 200, description = "The newest release cycle", body = Envelope<ReleaseCycle>),
        (status = 404, description = "No such product, or no stable release yet", body = ErrorBody),
    )
)]
pub(crate) async fn get_latest_release(
    State(pool): State<SqlitePool>,
    Path(slug): Path<String>,
) -> Result<Json<Envelope<ReleaseCycle>>, AppError> {
    let product = product(&pool, &slug).await?;
    let (window, link) = product
        .cycles
        .first()
        .ok_or_else(|| AppError::NotFound(format!("product '{slug}' has no stable release yet")))?;
    Ok(envelope(
        endoflife::release_cycle(window, link.clone()),
        None,
    ))
}

/// v0: `GET /api/all.json`: the product names.
#[utoipa::path(
    get,
    path = "/api/all.json",
    tag = "endoflife.date",
    responses((status = 200, description = "Every product's name", body = [String]))
)]
pub(crate) async fn get_v0_all(
    State(pool): State<SqlitePool>,
) -> Result<Json<Vec<String>>, AppError> {
    Ok(Json(store::repositories::list_products(&pool).await?))
}

/// v0: `GET /api/{product}.json`: the product's cycles.
#[utoipa::path(
    get,
    path = "/api/{product}.json",
    tag = "endoflife.date",
    params(ProductPath),
    responses(
        (status = 200, description = "The release cycles, newest first", body = [Cycle]),
        (status = 404, description = "No such product", body = ErrorBody),
    )
)]
pub(crate) async fn get_v0_product(
    State(pool): State<SqlitePool>,
    Path(file): Path<String>,
) -> Result<Json<Vec<Cycle>>, AppError> {
    let Some(slug) = file.strip_suffix(".json") else {
        return Err(AppError::NotFound(
            "there is no API route at this address".to_owned(),
        ));
    };
    let product = product(&pool, slug).await?;
    Ok(Json(
        product
            .cycles
            .iter()
            .map(|(window, link)| endoflife::cycle(window, link.clone()))
            .collect(),
    ))
}
