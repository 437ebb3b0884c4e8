//! Asking the live site for one address, following `Link: rel="next"` through every page of
//! an API answer.

use axum::{body::Body, Router};
use http::{header, Request, StatusCode};
use serde_json::Value;
use tower::ServiceExt;

use super::{site_url, Fetched};

/// Asks the live site, as an anonymous visitor; a list answer with a `Link: rel="next"` header
/// is followed to its end and kept as one list.
pub(super) async fn fetch(router: Router, address: String) -> Fetched {
    let first = fetch_one(router.clone(), &address).await;
    let mut next = next_page(&first.headers);
    let mut answer = first.fetched;
    if next.is_none() || answer.status != StatusCode::OK {
        return answer;
    }
    let mut items: Vec<Value> = serde_json::from_slice(&answer.body).unwrap_or_default();
    while let Some(page) = next {
        let more = fetch_one(router.clone(), &page).await;
        if more.fetched.status != StatusCode::OK {
            answer.status = more.fetched.status;
            return answer;
        }
        let page_items: Vec<Value> = serde_json::from_slice(&more.fetched.body).unwrap_or_default();
        items.extend(page_items);
        next = next_page(&more.headers);
    }
    answer.body = serde_json::to_vec(&items).unwrap_or_default();
    answer
}

struct FetchedWithHeaders {
    fetched: Fetched,
    headers: http::HeaderMap,
}

async fn fetch_one(router: Router, address: &str) -> FetchedWithHeaders {
    let request = Request::get(address).body(Body::empty());
    let response = match request {
        Ok(request) => router.oneshot(request).await,
        Err(_) => {
            return FetchedWithHeaders {
                fetched: Fetched {
                    address: address.to_owned(),
                    status: StatusCode::BAD_REQUEST,
                    content_type: String::new(),
                    body: Vec::new(),
                },
                headers: http::HeaderMap::new(),
            }
        }
    };
    let response = match response {
        Ok(response) => response,
        Err(never) => match never {},
    };
    let (parts, body) = response.into_parts();
    let body = http_body_util::BodyExt::collect(body)
        .await
        .map(|collected| collected.to_bytes().to_vec())
        .unwrap_or_default();
    FetchedWithHeaders {
        fetched: Fetched {
            address: address.to_owned(),
            status: parts.status,
            content_type: parts
                .headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_owned(),
            body,
        },
        headers: parts.headers,
    }
}

/// The `rel="next"` address of a `Link` header, from the site's root.
pub(super) fn next_page(headers: &http::HeaderMap) -> Option<String> {
    let link = headers.get(header::LINK)?.to_str().ok()?;
    link.split(',').find_map(|part| {
        let (target, params) = part.split_once(';')?;
        params.contains("rel=\"next\"").then(|| {
            let target = target.trim().trim_start_matches('<').trim_end_matches('>');
            let url = site_url(target);
            match url.query() {
                Some(query) => format!("{}?{query}", url.path()),
                None => url.path().to_owned(),
            }
        })
    })
}
