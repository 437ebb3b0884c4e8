//! `releasedesk export` (PRODUCT.md §8): the demo's public side as static files, served by a
//! plain static file server on loopback and crawled by the link checker.

use std::{net::SocketAddr, path::Path};

use app::domain::access::Scope;
use axum::{body::Body, Router};
use http::{header, Request, StatusCode};
use releasedesk::export::{export, paths::Links, site_router, Summary};
use releasedesk_tests::{
    link_check::{check_site, export_addresses, Report},
    TestApp,
};
use serde_json::{json, Value};
use tower_http::services::ServeDir;
use url::Url;

const DRAFT_TITLE: &str = "Secret draft about the scheduler";

/// The demo with a draft incident (for maintainers only), and a built site root with the
/// stylesheet and icon the pages link to.
async fn demo_with_draft() -> TestApp {
    let app = TestApp::with_demo().await;
    let repository = app::store::repositories::find(&app.pool, "acme", "orbit")
        .await
        .expect("query")
        .expect("demo");
    let token = app::service::tokens::create_token(
        &app.pool,
        &repository,
        "bot",
        &[Scope::Incidents],
        "mona",
    )
    .await
    .expect("token")
    .token;
    let request = Request::post("/api/v1/repos/acme/orbit/incidents")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(
            json!({
                "title": DRAFT_TITLE, "issue": "Not public yet.", "status": "investigating",
                "severity": "minor", "affected": ">=3.1.0, <3.1.2"
            })
            .to_string(),
        ))
        .expect("request");
    let created = app.send(request, None).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let site = app.dir.path().join("site");
    std::fs::create_dir_all(site.join("pkg")).expect("site root");
    std::fs::write(site.join("pkg/releasedesk.css"), "body { margin: 0 }").expect("css");
    std::fs::write(
        site.join("favicon.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    )
    .expect("icon");
    app
}

async fn export_demo(app: &TestApp, out: &Path, base: Option<Url>) -> Summary {
    let site = app.dir.path().join("site");
    let links = base.clone().map_or(Links::Relative, Links::under);
    let router = site_router(app.pool.clone(), &site.to_string_lossy(), base);
    export(router, out, links).await.expect("export succeeds")
}

/// A plain static file server for `dir`, at `prefix` (`/` or `/folder/`) on `listener`.
fn serve(dir: &Path, prefix: &str, listener: tokio::net::TcpListener) -> SocketAddr {
    let address = listener.local_addr().expect("address");
    let files = ServeDir::new(dir);
    let router = if prefix == "/" {
        Router::new().fallback_service(files)
    } else {
        Router::new().nest_service(prefix.trim_end_matches('/'), files)
    };
    tokio::spawn(async move { axum::serve(listener, router).await });
    address
}

async fn listener() -> tokio::net::TcpListener {
    tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port")
}

/// Crawls the export served at `start`, also asking for every file it holds (by address
/// relative to `start`); neither the stand-in site nor the test app's address may appear.
async fn crawl(start: &Url, files: &[String]) -> Report {
    let files: Vec<Url> = files.iter().map(|f| start.join(f).expect("url")).collect();
    check_site(start, &files, &["site.invalid", "releasedesk.test"]).await
}

fn all_text(dir: &Path) -> Vec<(String, String)> {
    export_addresses(dir)
        .into_iter()
        .map(|address| {
            let file = if address.ends_with('/') || address.is_empty() {
                format!("{address}index.html")
            } else {
                address.clone()
            };
            let decoded = percent_encoding::percent_decode_str(&file)
                .decode_utf8_lossy()
                .into_owned();
            let text = std::fs::read_to_string(dir.join(decoded)).unwrap_or_default();
            (address, text)
        })
        .collect()
}

#[tokio::test]
async fn the_export_is_a_site_without_broken_links_at_any_address() {
    let app = demo_with_draft().await;
    let out = tempfile::tempdir().expect("folder");
    let summary = export_demo(&app, out.path(), None).await;
    assert!(summary.missing.is_empty(), "{:?}", summary.missing);
    assert!(summary.pages > 20, "{summary:?}");

    // Served from the root and from a folder, every file answers and every link works.
    let files = export_addresses(out.path());
    for prefix in ["/", "/mirror/"] {
        let address = serve(out.path(), prefix, listener().await);
        let start = Url::parse(&format!("http://{address}{prefix}")).expect("url");
        let report = crawl(&start, &files).await;
        assert!(
            report.is_clean(),
            "{prefix}: {:#?} {:#?}",
            report.broken,
            report.leaks
        );
        assert_eq!(report.fetched, files.len(), "every file is reached once");
    }

    // Every page works without JavaScript: no scripts, no forms that need the live server.
    let texts = all_text(out.path());
    for (address, text) in &texts {
        if address.ends_with('/') || address.is_empty() {
            assert!(!text.contains("<script"), "{address} has a script");
            assert!(!text.contains("<form"), "{address} has a form");
            assert!(
                text.contains("pkg/releasedesk.css"),
                "{address} has no stylesheet"
            );
            assert!(
                text.contains(r#"<p class="copied">A copy made "#),
                "{address} does not say when it was copied"
            );
        }
        assert!(
            !text.contains(DRAFT_TITLE),
            "{address} shows the draft incident"
        );
    }
    // The draft release has no page; the filtered views are pages of their own.
    assert!(!out.path().join("acme/orbit/v/v3.2.0").exists());
    let rc = std::fs::read_to_string(out.path().join("acme/orbit/_/channel/rc/index.html"))
        .expect("the rc filter is exported");
    assert!(
        rc.contains("v3.2.0-rc.1") && !rc.contains(">v2.3.1<"),
        "{rc}"
    );
}

#[tokio::test]
async fn api_answers_are_the_live_ones() {
    let app = demo_with_draft().await;
    let out = tempfile::tempdir().expect("folder");
    export_demo(&app, out.path(), None).await;
    for (address, file) in [
        ("/api/v1/repos", "api/v1/repos/index.json"),
        (
            "/api/v1/repos/acme/orbit/support",
            "api/v1/repos/acme/orbit/support/index.json",
        ),
        (
            "/api/v1/repos/acme/orbit/versions/v2.3.1",
            "api/v1/repos/acme/orbit/versions/v2.3.1/index.json",
        ),
        (
            "/api/v1/repos/acme/orbit/badge/3.x",
            "api/v1/repos/acme/orbit/badge/3.x/index.json",
        ),
        ("/api/orbit.json", "api/orbit.json"),
        (
            "/api/v1/products/orbit/releases/latest",
            "api/v1/products/orbit/releases/latest/index.json",
        ),
    ] {
        let live = app.get(address).await;
        assert_eq!(live.status, StatusCode::OK, "{address}");
        let exported = std::fs::read_to_string(out.path().join(file))
            .unwrap_or_else(|err| panic!("{file}: {err}"));
        let exported: Value = serde_json::from_str(&exported).expect("JSON");
        assert_eq!(
            without_origin(exported),
            without_origin(live.json()),
            "{address}"
        );
    }
    // A list the API pages through is exported whole.
    let live_count = app.get("/api/v1/repos").await.json()[0]["version_count"]
        .as_u64()
        .expect("a count");
    let versions = std::fs::read_to_string(
        out.path()
            .join("api/v1/repos/acme/orbit/versions/index.json"),
    )
    .expect("versions");
    let versions: Vec<Value> = serde_json::from_str(&versions).expect("JSON list");
    assert_eq!(versions.len() as u64, live_count);
    for file in [
        "acme/orbit/feed.atom",
        "acme/orbit/calendar.ics",
        "badge/acme/orbit/3.x.svg",
    ] {
        assert!(out.path().join(file).is_file(), "{file}");
    }
}

/// Live answers of the test app carry its own address, and the time they were made; the export's
/// carry no address.
fn without_origin(value: Value) -> Value {
    let text = value.to_string().replace(releasedesk_tests::ORIGIN, "");
    let mut value: Value = serde_json::from_str(&text).expect("JSON");
    if let Some(object) = value.as_object_mut() {
        object.remove("generated_at");
    }
    value
}

#[tokio::test]
async fn with_a_base_address_links_point_under_it() {
    let app = demo_with_draft().await;
    let out = tempfile::tempdir().expect("folder");
    let listener = listener().await;
    let address = listener.local_addr().expect("address");
    let base = Url::parse(&format!("http://{address}/releases/")).expect("url");
    export_demo(&app, out.path(), Some(base.clone())).await;
    serve(out.path(), "/releases/", listener);
    let report = crawl(&base, &export_addresses(out.path())).await;
    assert!(
        report.is_clean(),
        "{:#?} {:#?}",
        report.broken,
        report.leaks
    );
    let history =
        std::fs::read_to_string(out.path().join("acme/orbit/index.html")).expect("history page");
    assert!(
        history.contains(&format!("href=\"{base}acme/orbit/v/v2.3.1/\"")),
        "version links are absolute under the base address"
    );
    // The feed's links and ids are under it too.
    let feed = std::fs::read_to_string(out.path().join("acme/orbit/feed.atom")).expect("feed");
    assert!(
        feed.contains(&format!("<id>{base}acme/orbit/feed.atom</id>")),
        "{feed}"
    );
}
