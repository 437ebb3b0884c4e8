use http::StatusCode;
use releasedesk_tests::{router_for, TestApp};

#[tokio::test]
async fn healthz_answers_while_the_process_is_up() {
    let app = TestApp::new().await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.json()["status"], "ok");
}

#[tokio::test]
async fn readyz_is_ready_once_migrations_are_applied() {
    let app = TestApp::new().await;
    let response = app.get("/readyz").await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.json()["status"], "ready");
}

#[tokio::test]
async fn readyz_refuses_a_database_without_migrations() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let options = sqlx::sqlite::SqliteConnectOptions::new().filename(dir.path().join("bare.db"));
    let pool = app::store::connect(options).await.expect("database opens");
    let router = router_for(
        pool.clone(),
        &dir,
        std::sync::Arc::new(releasedesk_tests::test_auth(None)),
    );
    let request = http::Request::get("/readyz")
        .body(axum::body::Body::empty())
        .expect("request");
    let response = releasedesk_tests::send(&router, request).await;
    assert_eq!(response.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(response.json()["error"]["code"], "unavailable");

    // Migrations table present but behind the binary: not ready either.
    sqlx::query("CREATE TABLE _sqlx_migrations (version BIGINT, success BOOLEAN)")
        .execute(&pool)
        .await
        .expect("table");
    let request = http::Request::get("/readyz")
        .body(axum::body::Body::empty())
        .expect("request");
    let response = releasedesk_tests::send(&router, request).await;
    assert_eq!(response.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(response.json()["error"]["code"], "not_ready");
}

#[tokio::test]
async fn unknown_api_routes_answer_with_a_json_error() {
    let app = TestApp::new().await;
    let response = app.get("/api/v1/nothing-here").await;
    assert_eq!(response.status, StatusCode::NOT_FOUND);
    let body = response.json();
    assert_eq!(body["error"]["code"], "not_found");
    assert!(body["error"]["message"]
        .as_str()
        .is_some_and(|m| !m.is_empty()));
}

#[tokio::test]
async fn server_functions_answer_bad_arguments_with_400() {
    use leptos::server_fn::ServerFn;

    let app = TestApp::with_demo().await;
    // A read, so a GET with the arguments in the query string.
    let request = |query: &'static str| {
        http::Request::get(format!("{}?{query}", app::api::history::GetHistory::PATH))
            .body(axum::body::Body::empty())
            .expect("request")
    };
    let response = releasedesk_tests::send(&app.router, request("owner=acme")).await;
    assert_eq!(
        response.status,
        StatusCode::BAD_REQUEST,
        "{}",
        response.body
    );
    assert!(
        response.json()["BadRequest"].is_string(),
        "{}",
        response.body
    );

    let response = releasedesk_tests::send(&app.router, request("owner=acme&repo=orbit")).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(response.json()["total"], 38);
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_syncs_by_repository() {
    let app = TestApp::with_demo().await;
    app.get("/acme/orbit").await;
    app.get("/acme/orbit?channel=rc").await;
    app.get("/api/v1/repos/acme/nothing/versions").await;
    let result = app::store::sync::RunResult {
        ok: false,
        requests: 7,
        not_modified: 5,
        rate_limit_remaining: Some(4321),
        error: Some("GitHub answered 502"),
    };
    app.record_sync_run("acme", "orbit", &result).await;

    let response = app.get("/metrics").await;
    assert_eq!(response.status, StatusCode::OK);
    let text = response.body;
    for line in [
        r#"releasedesk_http_requests_total{method="GET",route="/{owner}/{repo}",status="200"} 2"#,
        r#"releasedesk_http_requests_total{method="GET",route="/api/v1/repos/{owner}/{repo}/versions",status="404"} 1"#,
        r#"releasedesk_sync_runs_total{repository="acme/orbit"} 1"#,
        r#"releasedesk_sync_failures_total{repository="acme/orbit"} 1"#,
        r#"releasedesk_sync_github_requests_total{repository="acme/orbit"} 7"#,
        r#"releasedesk_sync_github_not_modified_total{repository="acme/orbit"} 5"#,
        r#"releasedesk_github_rate_limit_remaining{repository="acme/orbit"} 4321"#,
    ] {
        assert!(text.lines().any(|l| l == line), "missing {line}\n{text}");
    }
    let latency_count = text.lines().find(|l| {
        l.starts_with("releasedesk_http_request_duration_seconds_count{")
            && l.contains(r#"route="/{owner}/{repo}""#)
    });
    assert!(latency_count.is_some_and(|l| l.ends_with(" 2")), "{text}");
    assert!(text.trim_end().ends_with("# EOF"));
}
