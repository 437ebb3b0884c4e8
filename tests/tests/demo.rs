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
    let before = counts(&app.pool).await;
    assert_eq!(before, [1, 42, 41, 36]);
    let today = chrono::Utc::now().date_naive();
    releasedesk::demo::load(&app.pool, today)
        .await
        .expect("second load");
    let after = counts(&app.pool).await;
    assert_eq!(before, after);
}
