use releasedesk_tests::TestApp;

/// Rows in repositories, versions, tags and releases.
async fn counts(pool: &sqlx::SqlitePool) -> Vec<i64> {
    let mut counts = Vec::new();
    for table in ["repositories", "versions", "tags", "releases"] {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        counts.push(
            sqlx::query_scalar(&sql)
                .fetch_one(pool)
                .await
                .expect("count"),
        );
    }
    counts
}

#[tokio::test]
async fn loading_the_demo_twice_changes_nothing() {
    let app = TestApp::with_demo().await;
    let before = counts(&app.pool).await;
    // 43 versions: the planned 3.3.0 has its row before its tag.
    assert_eq!(before, [1, 43, 41, 36]);
    let today = chrono::Utc::now().date_naive();
    releasedesk::demo::load(&app.pool, today)
        .await
        .expect("second load");
    let after = counts(&app.pool).await;
    assert_eq!(before, after);
}
