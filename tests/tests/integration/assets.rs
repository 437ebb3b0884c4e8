//! The browser app's files under /pkg: a release build's precompressed copies are sent as they
//! are to a browser that takes them, the file itself to one that does not.

use axum::body::Body;
use http::{header, Request, StatusCode};
use releasedesk_tests::TestApp;
use tower::ServiceExt;

async fn fetch(
    app: &TestApp,
    path: &str,
    accept: Option<&str>,
) -> (StatusCode, http::HeaderMap, Vec<u8>) {
    let mut request = Request::get(path);
    if let Some(accept) = accept {
        request = request.header(header::ACCEPT_ENCODING, accept);
    }
    let response = app
        .router
        .clone()
        .oneshot(request.body(Body::empty()).expect("request"))
        .await
        .expect("router answers");
    let status = response.status();
    let headers = response.headers().clone();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("body");
    (status, headers, body.to_vec())
}

#[tokio::test]
async fn precompressed_files_are_sent_to_browsers_that_take_them() {
    let app = TestApp::new().await;
    let pkg = app.dir.path().join("site/pkg");
    std::fs::create_dir_all(&pkg).expect("pkg folder");
    let wasm = b"\0asm the app".repeat(100);
    std::fs::write(pkg.join("releasedesk.wasm"), &wasm).expect("file");
    // Not real compressed data: what matters is which file is sent, and how it is labelled.
    std::fs::write(pkg.join("releasedesk.wasm.br"), b"brotli copy").expect("file");
    std::fs::write(pkg.join("releasedesk.wasm.gz"), b"gzip copy").expect("file");

    let (status, headers, body) =
        fetch(&app, "/pkg/releasedesk.wasm", Some("gzip, deflate, br")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, b"brotli copy");
    assert_eq!(headers[header::CONTENT_ENCODING], "br");
    assert_eq!(headers[header::CONTENT_TYPE], "application/wasm");
    let vary = headers[header::VARY]
        .to_str()
        .expect("text")
        .to_ascii_lowercase();
    assert!(vary.contains("accept-encoding"), "{vary}");

    let (_, headers, body) = fetch(&app, "/pkg/releasedesk.wasm", Some("gzip")).await;
    assert_eq!(body, b"gzip copy");
    assert_eq!(headers[header::CONTENT_ENCODING], "gzip");

    let (_, headers, body) = fetch(&app, "/pkg/releasedesk.wasm", None).await;
    assert_eq!(body, wasm);
    assert!(headers.get(header::CONTENT_ENCODING).is_none());
}
