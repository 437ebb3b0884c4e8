use chrono::{DateTime, Duration, Utc};

use super::db::{shared, Exec};

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
    db: impl Into<Exec<'_>>,
    delivery: &Delivery<'_>,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let mut db = db.into();
    let since = now - REPLAY_WINDOW;
    let replayed = shared!(
        db.reborrow(),
        fetch_one,
        query_scalar!(
            r#"SELECT EXISTS (
                   SELECT 1 FROM webhook_deliveries WHERE body_sha256 = $1 AND received_at >= $2
               ) AS "replayed!: bool""#,
            delivery.body_sha256,
            since as _,
        )
    )?;
    if replayed {
        return Ok(false);
    }
    // Another replica may record the same delivery at once: the key decides, and only the
    // one whose row went in applies it.
    let inserted = shared!(
        db,
        execute,
        query!(
            "INSERT INTO webhook_deliveries (delivery_id, event, received_at, body_sha256)
             VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            delivery.id,
            delivery.event,
            now as _,
            delivery.body_sha256,
        )
    )?;
    Ok(inserted == 1)
}
