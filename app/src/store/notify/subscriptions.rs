//! Email subscriptions: one row per repository and address.

use chrono::{DateTime, Utc};
use sqlx::SqliteExecutor;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subscription {
    pub id: i64,
    pub repository_id: i64,
    pub email: String,
    /// Space-separated, as `domain::notify::topics` joins them.
    pub topics: String,
    pub lines: String,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub unsubscribed_at: Option<DateTime<Utc>>,
}

impl Subscription {
    /// Confirmed and not unsubscribed: mail may be sent.
    pub fn is_active(&self) -> bool {
        self.confirmed_at.is_some() && self.unsubscribed_at.is_none()
    }
}

pub async fn find(db: impl SqliteExecutor<'_>, id: i64) -> sqlx::Result<Option<Subscription>> {
    sqlx::query_as!(
        Subscription,
        r#"SELECT id AS "id!", repository_id, email, topics, lines,
                  confirmed_at AS "confirmed_at: DateTime<Utc>",
                  unsubscribed_at AS "unsubscribed_at: DateTime<Utc>"
           FROM subscriptions WHERE id = ?"#,
        id,
    )
    .fetch_optional(db)
    .await
}

pub async fn find_by_email(
    db: impl SqliteExecutor<'_>,
    repository_id: i64,
    email: &str,
) -> sqlx::Result<Option<Subscription>> {
    sqlx::query_as!(
        Subscription,
        r#"SELECT id AS "id!", repository_id, email, topics, lines,
                  confirmed_at AS "confirmed_at: DateTime<Utc>",
                  unsubscribed_at AS "unsubscribed_at: DateTime<Utc>"
           FROM subscriptions WHERE repository_id = ? AND email = ? COLLATE NOCASE"#,
        repository_id,
        email,
    )
    .fetch_optional(db)
    .await
}

/// Records a request to subscribe: a new row, or an unconfirmed or unsubscribed one asked for
/// again with what was asked now. It stays unconfirmed until its link is followed.
pub async fn ask(
    db: impl SqliteExecutor<'_>,
    repository_id: i64,
    email: &str,
    topics: &str,
    lines: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"INSERT INTO subscriptions (repository_id, email, topics, lines, created_at)
           VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (repository_id, email COLLATE NOCASE) DO UPDATE
             SET topics = excluded.topics, lines = excluded.lines,
                 confirmed_at = NULL, unsubscribed_at = NULL
           RETURNING id AS "id!""#,
        repository_id,
        email,
        topics,
        lines,
        now,
    )
    .fetch_one(db)
    .await
}

/// When the address was last sent a confirmation, for any repository.
pub async fn last_confirmation(
    db: impl SqliteExecutor<'_>,
    email: &str,
) -> sqlx::Result<Option<DateTime<Utc>>> {
    let last = sqlx::query_scalar!(
        r#"SELECT MAX(confirmation_sent_at) AS "at: DateTime<Utc>"
           FROM subscriptions WHERE email = ? COLLATE NOCASE"#,
        email,
    )
    .fetch_one(db)
    .await?;
    Ok(last)
}

pub async fn confirmation_sent(
    db: impl SqliteExecutor<'_>,
    id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE subscriptions SET confirmation_sent_at = ? WHERE id = ?",
        now,
        id
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Confirms a subscription that is still asked for; false when it was unsubscribed meanwhile.
pub async fn confirm(
    db: impl SqliteExecutor<'_>,
    id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "UPDATE subscriptions SET confirmed_at = COALESCE(confirmed_at, ?)
         WHERE id = ? AND unsubscribed_at IS NULL",
        now,
        id,
    )
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn set_preferences(
    db: impl SqliteExecutor<'_>,
    id: i64,
    topics: &str,
    lines: &str,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE subscriptions SET topics = ?, lines = ? WHERE id = ?",
        topics,
        lines,
        id
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Unsubscribes at once; mail not yet sent to the address is dropped too.
pub async fn unsubscribe(
    db: &mut sqlx::SqliteConnection,
    id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "UPDATE subscriptions SET unsubscribed_at = COALESCE(unsubscribed_at, ?) WHERE id = ?",
        now,
        id,
    )
    .execute(&mut *db)
    .await?;
    sqlx::query!(
        "UPDATE deliveries SET state = 'dropped' WHERE subscription_id = ? AND state = 'pending'",
        id,
    )
    .execute(&mut *db)
    .await?;
    Ok(())
}

/// The repository's confirmed subscriptions.
pub async fn active(
    db: impl SqliteExecutor<'_>,
    repository_id: i64,
) -> sqlx::Result<Vec<Subscription>> {
    sqlx::query_as!(
        Subscription,
        r#"SELECT id AS "id!", repository_id, email, topics, lines,
                  confirmed_at AS "confirmed_at: DateTime<Utc>",
                  unsubscribed_at AS "unsubscribed_at: DateTime<Utc>"
           FROM subscriptions
           WHERE repository_id = ? AND confirmed_at IS NOT NULL AND unsubscribed_at IS NULL
           ORDER BY id"#,
        repository_id,
    )
    .fetch_all(db)
    .await
}
