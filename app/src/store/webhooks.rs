use chrono::{DateTime, Duration, Utc};
use sqlx::SqliteConnection;

/// How long a delivered body counts as seen: GitHub redelivers for three days, and a replay of
/// an older body changes nothing that the reconciliation sync would not put right.
pub const REPLAY_WINDOW: Duration = Duration::days(7);

/// A delivery as it arrived: GitHub's id for it and the SHA-256 of its body (hex).
pub struct Delivery<'a> {
    pub id: &'a str,
    pub event: &'a str,
    pub body_sha256: &'a str,
}

/// Records a webhook delivery; false when it must not be applied: its id was seen before, or
/// the same body arrived within [`REPLAY_WINDOW`] of `now` under another id.
pub async fn record_delivery(
    db: &mut SqliteConnection,
    delivery: &Delivery<'_>,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let since = now - REPLAY_WINDOW;
    let replayed = sqlx::query_scalar!(
        r#"SELECT EXISTS (
               SELECT 1 FROM webhook_deliveries WHERE body_sha256 = ? AND received_at >= ?
           ) AS "replayed!: bool""#,
        delivery.body_sha256,
        since,
    )
    .fetch_one(&mut *db)
    .await?;
    if replayed {
        return Ok(false);
    }
    let result = sqlx::query!(
        "INSERT OR IGNORE INTO webhook_deliveries (delivery_id, event, received_at, body_sha256)
         VALUES (?, ?, ?, ?)",
        delivery.id,
        delivery.event,
        now,
        delivery.body_sha256,
    )
    .execute(&mut *db)
    .await?;
    Ok(result.rows_affected() == 1)
}
