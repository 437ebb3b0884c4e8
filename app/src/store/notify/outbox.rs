//! The outbox: events, each written once in the transaction of the change that caused it, and
//! the deliveries owed to subscribers and hooks, worked through by the server's sender.

use crate::store::db::{shared, Exec};
use chrono::{DateTime, Utc};

/// A new event; None when its key was written before (the event was already told).
pub async fn insert_event(
    db: impl Into<Exec<'_>>,
    repository_id: i64,
    key: &str,
    topic: &str,
    lines: &str,
    payload: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<Option<i64>> {
    shared!(
        db,
        fetch_optional,
        query_scalar!(
            r#"INSERT INTO events (repository_id, key, topic, lines, payload, created_at)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (repository_id, key) DO NOTHING
           RETURNING id AS "id!""#,
            repository_id,
            key,
            topic,
            lines,
            payload,
            now as _,
        )
    )
}

/// Whether an event with this key was written.
pub async fn event_exists(
    db: impl Into<Exec<'_>>,
    repository_id: i64,
    key: &str,
) -> sqlx::Result<bool> {
    shared!(
        db,
        fetch_one,
        query_scalar!(
            r#"SELECT EXISTS (SELECT 1 FROM events WHERE repository_id = $1 AND key = $2)
                   AS "found!: bool""#,
            repository_id,
            key,
        )
    )
}

/// Who a delivery goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Recipient {
    Subscriber(i64),
    Hook(i64),
}

/// Owes `event` (None: the subscription's confirmation) to one recipient, due at once.
pub async fn insert_delivery(
    db: impl Into<Exec<'_>>,
    uid: &str,
    event_id: Option<i64>,
    to: Recipient,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    let (subscription_id, hook_id) = match to {
        Recipient::Subscriber(id) => (Some(id), None),
        Recipient::Hook(id) => (None, Some(id)),
    };
    shared!(
        db,
        execute,
        query!(
            "INSERT INTO deliveries (uid, event_id, subscription_id, hook_id, next_attempt_at,
                                 created_at)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT DO NOTHING",
            uid,
            event_id,
            subscription_id,
            hook_id,
            now as _,
            now as _,
        )
    )?;
    Ok(())
}

/// A delivery that is due, with everything needed to send it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Due {
    pub id: i64,
    pub uid: String,
    pub attempts: i64,
    pub created_at: DateTime<Utc>,
    pub repository_id: i64,
    pub owner: String,
    pub name: String,
    /// The event's payload; None for a confirmation mail.
    pub payload: Option<String>,
    pub subscription_id: Option<i64>,
    pub hook_id: Option<i64>,
}

/// Pending deliveries due by `now`, oldest first.
pub async fn due(
    db: impl Into<Exec<'_>>,
    now: DateTime<Utc>,
    limit: i64,
) -> sqlx::Result<Vec<Due>> {
    shared!(
        db,
        fetch_all,
        query_as!(
            Due,
            r#"SELECT d.id AS "id!", d.uid, d.attempts, d.created_at AS "created_at: DateTime<Utc>",
                  r.id AS "repository_id!", r.owner, r.name, e.payload AS "payload?",
                  d.subscription_id, d.hook_id
           FROM deliveries d
           LEFT JOIN events e ON e.id = d.event_id
           LEFT JOIN subscriptions s ON s.id = d.subscription_id
           LEFT JOIN hooks h ON h.id = d.hook_id
           JOIN repositories r ON r.id = COALESCE(s.repository_id, h.repository_id)
           WHERE d.state = 'pending' AND d.next_attempt_at <= $1
           ORDER BY d.next_attempt_at, d.id
           LIMIT $2"#,
            now as _,
            limit,
        )
    )
}

/// When the next pending delivery falls due, if any.
pub async fn next_due(db: impl Into<Exec<'_>>) -> sqlx::Result<Option<DateTime<Utc>>> {
    shared!(
        db,
        fetch_one,
        query_scalar!(
            r#"SELECT MIN(next_attempt_at) AS "at: DateTime<Utc>" FROM deliveries
           WHERE state = 'pending'"#
        )
    )
}

/// What an attempt came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome<'a> {
    Sent {
        status: Option<i64>,
    },
    /// Tried again at `next`.
    Retry {
        next: DateTime<Utc>,
        status: Option<i64>,
        error: &'a str,
    },
    /// Given up on: `failed`; or the recipient went away: `dropped`.
    Stop {
        state: &'static str,
        status: Option<i64>,
        error: &'a str,
    },
}

pub async fn record_attempt(
    db: impl Into<Exec<'_>>,
    id: i64,
    outcome: &Outcome<'_>,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    let (state, next, status, error, sent_at) = match outcome {
        Outcome::Sent { status } => ("sent", now, *status, None, Some(now)),
        Outcome::Retry {
            next,
            status,
            error,
        } => ("pending", *next, *status, Some(*error), None),
        Outcome::Stop {
            state,
            status,
            error,
        } => (*state, now, *status, Some(*error), None),
    };
    shared!(
        db,
        execute,
        query!(
            "UPDATE deliveries SET state = $1, next_attempt_at = $2, attempts = attempts + 1,
                last_attempt_at = $3, last_status = $4, last_error = $5, sent_at = $6
         WHERE id = $7",
            state,
            next as _,
            now as _,
            status,
            error,
            sent_at as _,
            id,
        )
    )?;
    Ok(())
}

/// One delivery to a hook, as its log shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HookDelivery {
    pub id: i64,
    pub uid: String,
    pub event: Option<String>,
    pub state: String,
    pub attempts: i64,
    pub created_at: DateTime<Utc>,
    pub next_attempt_at: DateTime<Utc>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub last_status: Option<i64>,
    pub last_error: Option<String>,
    pub sent_at: Option<DateTime<Utc>>,
}

/// A hook's deliveries, newest first.
pub async fn hook_deliveries(
    db: impl Into<Exec<'_>>,
    hook_id: i64,
    limit: i64,
) -> sqlx::Result<Vec<HookDelivery>> {
    shared!(
        db,
        fetch_all,
        query_as!(
            HookDelivery,
            r#"SELECT d.id AS "id!", d.uid, e.key AS "event?", d.state, d.attempts,
                  d.created_at AS "created_at: DateTime<Utc>",
                  d.next_attempt_at AS "next_attempt_at: DateTime<Utc>",
                  d.last_attempt_at AS "last_attempt_at: DateTime<Utc>",
                  d.last_status, d.last_error, d.sent_at AS "sent_at: DateTime<Utc>"
           FROM deliveries d LEFT JOIN events e ON e.id = d.event_id
           WHERE d.hook_id = $1 ORDER BY d.id DESC LIMIT $2"#,
            hook_id,
            limit,
        )
    )
}

/// Sends a hook's delivery again, with the same delivery id, from now; false when there is no
/// such delivery of that hook.
pub async fn redeliver(
    db: impl Into<Exec<'_>>,
    hook_id: i64,
    delivery_id: i64,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let done = shared!(
        db,
        execute,
        query!(
            "UPDATE deliveries SET state = 'pending', next_attempt_at = $1, created_at = $2,
                attempts = 0
         WHERE id = $3 AND hook_id = $4",
            now as _,
            now as _,
            delivery_id,
            hook_id,
        )
    )?;
    Ok(done == 1)
}

/// A mail kept on the server when no SMTP server is set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalMail {
    pub id: i64,
    pub delivery_uid: String,
    pub recipient: String,
    pub subject: String,
    pub headers: String,
    pub text_body: String,
    pub html_body: String,
    pub created_at: DateTime<Utc>,
}

/// Keeps a mail; a delivery kept before (a retry after a crash) is kept once.
pub async fn keep_local_mail(db: impl Into<Exec<'_>>, mail: &LocalMail) -> sqlx::Result<()> {
    shared!(
        db,
        execute,
        query!(
        "INSERT INTO local_mail (delivery_uid, recipient, subject, headers, text_body, html_body,
                                 created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (delivery_uid) DO NOTHING",
        mail.delivery_uid,
        mail.recipient,
        mail.subject,
        mail.headers,
        mail.text_body,
        mail.html_body,
        mail.created_at as _,
    )
    )?;
    Ok(())
}

/// The local outbox, newest first.
pub async fn local_mail(db: impl Into<Exec<'_>>, limit: i64) -> sqlx::Result<Vec<LocalMail>> {
    shared!(
        db,
        fetch_all,
        query_as!(
            LocalMail,
            r#"SELECT id AS "id!", delivery_uid, recipient, subject, headers, text_body, html_body,
                  created_at AS "created_at: DateTime<Utc>"
           FROM local_mail ORDER BY id DESC LIMIT $1"#,
            limit,
        )
    )
}

/// A version's release announcement reached a chat hook.
pub async fn announced_in_chat(
    db: impl Into<Exec<'_>>,
    repository_id: i64,
    version: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    shared!(
        db,
        execute,
        query!(
            "UPDATE versions SET announced_in_chat_at = COALESCE(announced_in_chat_at, $1)
         WHERE repository_id = $2 AND version = $3",
            now as _,
            repository_id,
            version,
        )
    )?;
    Ok(())
}

/// A released version nobody has been told of yet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unannounced {
    pub version: String,
    pub title: String,
    pub notes: String,
    pub released_at: DateTime<Utc>,
}

/// Public versions released since `since` and not announced: those with a published release,
/// and tags without one that are older than `tag_only_before` (a tag is usually followed by its
/// release and notes within minutes; one that is not is announced on its own).
pub async fn unannounced_releases(
    db: impl Into<Exec<'_>>,
    repository_id: i64,
    since: DateTime<Utc>,
    tag_only_before: DateTime<Utc>,
) -> sqlx::Result<Vec<Unannounced>> {
    shared!(
        db,
        fetch_all,
        query_as!(
            Unannounced,
            r#"SELECT v.version AS "version!", COALESCE(r.name, '') AS "title!: String",
                  COALESCE(r.body, '') AS "notes!: String",
                  COALESCE(r.published_at, t.tagged_at, r.created_at)
                      AS "released_at!: DateTime<Utc>"
           FROM versions v
           LEFT JOIN tags t ON t.version_id = v.id AND t.deleted_at IS NULL
           LEFT JOIN releases r ON r.version_id = v.id AND r.deleted_at IS NULL AND NOT r.draft
           WHERE v.repository_id = $1 AND v.public AND v.version IS NOT NULL
             AND COALESCE(r.published_at, t.tagged_at, r.created_at) >= $2
             AND (r.published_at IS NOT NULL OR t.tagged_at <= $3)
             AND NOT EXISTS (SELECT 1 FROM events e
                             WHERE e.repository_id = v.repository_id
                               AND e.key = 'release:' || v.version)
           ORDER BY v.precedence"#,
            repository_id,
            since as _,
            tag_only_before as _,
        )
    )
}
