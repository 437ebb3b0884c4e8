use chrono::Utc;
use sqlx::SqliteExecutor;

/// Records a webhook delivery; false when it was seen before and must not be applied again.
pub async fn record_delivery(
    db: impl SqliteExecutor<'_>,
    delivery_id: &str,
    event: &str,
) -> sqlx::Result<bool> {
    let now = Utc::now();
    let result = sqlx::query!(
        "INSERT OR IGNORE INTO webhook_deliveries (delivery_id, event, received_at) VALUES (?, ?, ?)",
        delivery_id,
        event,
        now,
    )
    .execute(db)
    .await?;
    Ok(result.rows_affected() == 1)
}
