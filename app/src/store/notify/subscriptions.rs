//! Email subscriptions: one row per repository and address.

use crate::store::db::{shared, Exec};
use chrono::{DateTime, Utc};

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

pub async fn find(db: impl Into<Exec<'_>>, id: i64) -> sqlx::Result<Option<Subscription>> {
    shared!(
        db,
        fetch_optional,
        query_as!(
            Subscription,
            r#"SELECT id AS "id!", repository_id, email, topics, lines,
                  confirmed_at AS "confirmed_at: DateTime<Utc>",
                  unsubscribed_at AS "unsubscribed_at: DateTime<Utc>"
           FROM subscriptions WHERE id = $1"#,
            id,
        )
    )
}

pub async fn find_by_email(
    db: impl Into<Exec<'_>>,
    repository_id: i64,
    email: &str,
) -> sqlx::Result<Option<Subscription>> {
    shared!(
        db,
        fetch_optional,
        query_as!(
            Subscription,
            r#"SELECT id AS "id!", repository_id, email, topics, lines,
                  confirmed_at AS "confirmed_at: DateTime<Utc>",
                  unsubscribed_at AS "unsubscribed_at: DateTime<Utc>"
           FROM subscriptions WHERE repository_id = $1 AND email = $2 COLLATE NOCASE"#,
            repository_id,
            email,
        )
    )
}

/// Records a request to subscribe: a new row, or an unconfirmed or unsubscribed one asked for
/// again with what was asked now. It stays unconfirmed until its link is followed.
pub async fn ask(
    db: impl Into<Exec<'_>>,
    repository_id: i64,
    email: &str,
    topics: &str,
    lines: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<i64> {
    shared!(
        db,
        fetch_one,
        query_scalar!(
            r#"INSERT INTO subscriptions (repository_id, email, topics, lines, created_at)
           VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (repository_id, email COLLATE NOCASE) DO UPDATE
             SET topics = excluded.topics, lines = excluded.lines,
                 confirmed_at = NULL, unsubscribed_at = NULL
           RETURNING id AS "id!""#,
            repository_id,
            email,
            topics,
            lines,
            now as _,
        )
    )
}

/// When the address was last sent a confirmation, for any repository.
pub async fn last_confirmation(
    db: impl Into<Exec<'_>>,
    email: &str,
) -> sqlx::Result<Option<DateTime<Utc>>> {
    let last = shared!(
        db,
        fetch_one,
        query_scalar!(
            r#"SELECT MAX(confirmation_sent_at) AS "at: DateTime<Utc>"
           FROM subscriptions WHERE email = $1 COLLATE NOCASE"#,
            email,
        )
    )?;
    Ok(last)
}

pub async fn confirmation_sent(
    db: impl Into<Exec<'_>>,
    id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    shared!(
        db,
        execute,
        query!(
            "UPDATE subscriptions SET confirmation_sent_at = $1 WHERE id = $2",
            now as _,
            id
        )
    )?;
    Ok(())
}

/// Confirms a subscription that is still asked for; false when it was unsubscribed meanwhile.
pub async fn confirm(db: impl Into<Exec<'_>>, id: i64, now: DateTime<Utc>) -> sqlx::Result<bool> {
    let done = shared!(
        db,
        execute,
        query!(
            "UPDATE subscriptions SET confirmed_at = COALESCE(confirmed_at, $1)
         WHERE id = $2 AND unsubscribed_at IS NULL",
            now as _,
            id,
        )
    )?;
    Ok(done == 1)
}

pub async fn set_preferences(
    db: impl Into<Exec<'_>>,
    id: i64,
    topics: &str,
    lines: &str,
) -> sqlx::Result<()> {
    shared!(
        db,
        execute,
        query!(
            "UPDATE subscriptions SET topics = $1, lines = $2 WHERE id = $3",
            topics,
            lines,
            id
        )
    )?;
    Ok(())
}

/// Unsubscribes at once; mail not yet sent to the address is dropped too.
pub async fn unsubscribe(db: impl Into<Exec<'_>>, id: i64, now: DateTime<Utc>) -> sqlx::Result<()> {
    let mut db = db.into();
    shared!(
        db.reborrow(),
        execute,
        query!(
        "UPDATE subscriptions SET unsubscribed_at = COALESCE(unsubscribed_at, $1) WHERE id = $2",
        now as _,
        id,
    )
    )?;
    shared!(
        db.reborrow(),
        execute,
        query!(
        "UPDATE deliveries SET state = 'dropped' WHERE subscription_id = $1 AND state = 'pending'",
        id,
    )
    )?;
    Ok(())
}

/// The repository's confirmed subscriptions.
pub async fn active(
    db: impl Into<Exec<'_>>,
    repository_id: i64,
) -> sqlx::Result<Vec<Subscription>> {
    shared!(
        db,
        fetch_all,
        query_as!(
            Subscription,
            r#"SELECT id AS "id!", repository_id, email, topics, lines,
                  confirmed_at AS "confirmed_at: DateTime<Utc>",
                  unsubscribed_at AS "unsubscribed_at: DateTime<Utc>"
           FROM subscriptions
           WHERE repository_id = $1 AND confirmed_at IS NOT NULL AND unsubscribed_at IS NULL
           ORDER BY id"#,
            repository_id,
        )
    )
}
