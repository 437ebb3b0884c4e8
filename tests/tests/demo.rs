use releasedesk_tests::TestApp;

async fn count(pool: &sqlx::SqlitePool, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(pool)
        .await
        .expect("count")
}

#[tokio::test]
async fn loading_the_demo_twice_changes_nothing() {
    let app = TestApp::with_demo().await;
    let before = [
        count(&app.pool, "repositories").await,
        count(&app.pool, "versions").await,
        count(&app.pool, "tags").await,
        count(&app.pool, "releases").await,
    ];
    assert_eq!(before, [1, 42, 41, 36]);
    let today = chrono::Utc::now().date_naive();
    releasedesk::demo::load(&app.pool, today)
        .await
        .expect("second load");
    let after = [
        count(&app.pool, "repositories").await,
        count(&app.pool, "versions").await,
        count(&app.pool, "tags").await,
        count(&app.pool, "releases").await,
    ];
    assert_eq!(before, after);
}
