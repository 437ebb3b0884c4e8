//! The sender: works through the deliveries that are due, one attempt each, and records what
//! came of it; a failed attempt is tried again later (domain::notify::schedule) until a day
//! has passed. Once an hour it also announces releases nobody was told of and warns of ends of
//! support.

use std::time::Duration;

use app::{
    domain::notify::{
        chat::Format,
        mail::{self, Mail, MailLinks},
        notice::{Event, Notice},
        schedule::{next_attempt, FAILURES_TO_DISABLE_HOOK},
        topics::{split_lines, split_topics},
    },
    service::notify::{events, subscriptions, Notifier},
    store::{
        self,
        notify::outbox::{self, Due, Outcome},
    },
};
use chrono::{DateTime, Utc};
use sqlx::SqlitePool;

use super::{
    hooks::{HookClient, HookRequest},
    mail::{Mailer, Outgoing},
};

/// How often the sender looks for due deliveries when nobody rings.
const POLL: Duration = Duration::from_secs(2);
/// How often releases and ends of support are looked for.
const CRY_EVERY: Duration = Duration::from_secs(3600);
/// Deliveries taken at once.
const BATCH: i64 = 50;

/// Everything sending needs.
#[derive(Clone, Debug)]
pub struct Sender {
    pub pool: SqlitePool,
    pub notifier: Notifier,
    pub mailer: Mailer,
    pub hooks: HookClient,
}

/// Runs the sender until the process ends.
pub fn spawn(sender: Sender) {
    tokio::spawn(async move {
        let mut cried: Option<tokio::time::Instant> = None;
        loop {
            if cried.is_none_or(|at| at.elapsed() >= CRY_EVERY) {
                if let Err(err) = cry(&sender.pool, &sender.notifier, Utc::now()).await {
                    tracing::warn!(error = %err, "cannot look for releases and ends of support to announce");
                }
                cried = Some(tokio::time::Instant::now());
            }
            if let Err(err) = sender.send_due(Utc::now()).await {
                tracing::warn!(error = %err, "cannot read the outbox");
            }
            tokio::select! {
                () = sender.notifier.woken() => {}
                () = tokio::time::sleep(POLL) => {}
            }
        }
    });
}

/// Announces every repository's releases nobody was told of, and warns of ends of support due
/// on `now`'s day. Idempotent: each event has its key.
pub async fn cry(pool: &SqlitePool, notifier: &Notifier, now: DateTime<Utc>) -> sqlx::Result<()> {
    for id in store::repositories::list_ids(pool).await? {
        if let Some(repository) = store::repositories::find_by_id(pool, id).await? {
            let mut tx = pool.begin().await?;
            events::announce_releases(&mut tx, notifier, &repository, now).await?;
            tx.commit().await?;
        }
    }
    events::end_of_support(pool, notifier, now.date_naive(), now).await?;
    Ok(())
}

/// What an attempt came to, before it is recorded.
struct Attempt {
    status: Option<i64>,
    /// None: sent.
    error: Option<String>,
    /// Nothing more to try: `dropped` (the recipient is gone or turned off) or `failed`
    /// (trying again cannot help).
    stop: Option<&'static str>,
}

impl Attempt {
    fn sent(status: Option<i64>) -> Attempt {
        Attempt {
            status,
            error: None,
            stop: None,
        }
    }

    fn failed(status: Option<i64>, error: String) -> Attempt {
        Attempt {
            status,
            error: Some(error),
            stop: None,
        }
    }

    fn dropped(error: &str) -> Attempt {
        Attempt {
            status: None,
            error: Some(error.to_owned()),
            stop: Some("dropped"),
        }
    }
}

impl Sender {
    /// One attempt at every delivery due by `now`; returns how many were attempted.
    pub async fn send_due(&self, now: DateTime<Utc>) -> sqlx::Result<usize> {
        let mut attempted = 0;
        loop {
            let due = outbox::due(&self.pool, now, BATCH).await?;
            if due.is_empty() {
                return Ok(attempted);
            }
            for delivery in due {
                let attempt = self.attempt(&delivery, now).await?;
                self.record(&delivery, attempt, now).await?;
                attempted += 1;
            }
        }
    }

    async fn record(
        &self,
        delivery: &Due,
        attempt: Attempt,
        now: DateTime<Utc>,
    ) -> sqlx::Result<()> {
        let outcome = match &attempt.error {
            None => Outcome::Sent {
                status: attempt.status,
            },
            Some(error) if attempt.stop.is_some() => Outcome::Stop {
                state: attempt.stop.unwrap_or("failed"),
                status: attempt.status,
                error,
            },
            Some(error) => {
                let made = u32::try_from(delivery.attempts + 1).unwrap_or(u32::MAX);
                match next_attempt(made, delivery.created_at, now) {
                    Some(next) => Outcome::Retry {
                        next,
                        status: attempt.status,
                        error,
                    },
                    None => Outcome::Stop {
                        state: "failed",
                        status: attempt.status,
                        error,
                    },
                }
            }
        };
        if let Outcome::Stop {
            state: "failed", ..
        }
        | Outcome::Retry { .. } = outcome
        {
            tracing::warn!(delivery = %delivery.uid, error = attempt.error.as_deref().unwrap_or(""), "a delivery failed");
        }
        outbox::record_attempt(&self.pool, delivery.id, &outcome, now).await
    }

    async fn attempt(&self, delivery: &Due, now: DateTime<Utc>) -> sqlx::Result<Attempt> {
        let event = match &delivery.payload {
            None => None,
            Some(payload) => match serde_json::from_str::<Event>(payload) {
                Ok(event) => Some(event),
                Err(err) => {
                    tracing::error!(error = %err, "an event's payload no longer reads");
                    return Ok(Attempt::dropped("the event could not be read"));
                }
            },
        };
        match (delivery.subscription_id, delivery.hook_id) {
            (Some(id), _) => self.mail(delivery, id, event.as_ref(), now).await,
            (None, Some(id)) => match event {
                Some(event) => self.hook(delivery, id, &event, now).await,
                None => Ok(Attempt::dropped("nothing to send")),
            },
            (None, None) => Ok(Attempt::dropped("no recipient")),
        }
    }

    async fn mail(
        &self,
        delivery: &Due,
        subscription_id: i64,
        event: Option<&Event>,
        now: DateTime<Utc>,
    ) -> sqlx::Result<Attempt> {
        let Some(subscription) =
            store::notify::subscriptions::find(&self.pool, subscription_id).await?
        else {
            return Ok(Attempt::dropped("the subscription is gone"));
        };
        if subscription.unsubscribed_at.is_some() {
            return Ok(Attempt::dropped("unsubscribed"));
        }
        let repository = format!("{}/{}", delivery.owner, delivery.name);
        let notifier = &self.notifier;
        let manage = subscriptions::manage_url(notifier, subscription.id);
        let unsubscribe = subscriptions::unsubscribe_url(notifier, subscription.id);
        let (mail, unsubscribe_header): (Mail, Option<&str>) = match event {
            // Nothing but the confirmation goes to an address before it is confirmed.
            Some(_) if !subscription.is_active() => {
                return Ok(Attempt::dropped("not confirmed"));
            }
            Some(event) => {
                let links = MailLinks {
                    manage,
                    unsubscribe: unsubscribe.clone(),
                };
                (mail::render(event, &links), Some(&unsubscribe))
            }
            None if subscription.is_active() => (
                mail::already_subscribed(&repository, &manage),
                Some(&unsubscribe),
            ),
            None => {
                let confirm = subscriptions::confirm_url(notifier, subscription.id, now);
                let topics = split_topics(&subscription.topics);
                let lines = split_lines(&subscription.lines);
                (
                    mail::confirmation(&repository, &confirm, &topics, &lines),
                    None,
                )
            }
        };
        let outgoing = Outgoing {
            uid: &delivery.uid,
            to: &subscription.email,
            mail: &mail,
            unsubscribe: unsubscribe_header,
        };
        Ok(match self.mailer.send(&self.pool, &outgoing).await {
            Ok(()) => Attempt::sent(None),
            Err(error) => Attempt::failed(None, error),
        })
    }

    async fn hook(
        &self,
        delivery: &Due,
        hook_id: i64,
        event: &Event,
        now: DateTime<Utc>,
    ) -> sqlx::Result<Attempt> {
        let Some(hook) =
            store::notify::hooks::find(&self.pool, delivery.repository_id, hook_id).await?
        else {
            return Ok(Attempt::dropped("the hook is gone"));
        };
        if !hook.active {
            return Ok(Attempt::dropped("the hook is turned off"));
        }
        let Some(secret) = self
            .notifier
            .sealer()
            .and_then(|sealer| sealer.open(&hook.sealed_secret))
        else {
            return Ok(Attempt::dropped(
                "the hook's secret cannot be read with this server's key; set it again",
            ));
        };
        let format = Format::parse(&hook.format).unwrap_or(Format::Json);
        let request = HookRequest {
            url: &hook.url,
            format,
            secret: &secret,
            event,
            delivery: &delivery.uid,
        };
        let answer = self.hooks.send(&request).await;
        let status = answer.status.map(i64::from);
        match answer.error {
            None => {
                store::notify::hooks::succeeded(&self.pool, hook.id).await?;
                if let Notice::Release { version, .. } = &event.notice {
                    if format.is_chat() {
                        outbox::announced_in_chat(&self.pool, delivery.repository_id, version, now)
                            .await?;
                        // The `announced` rule is proved now: tick its item as other evidence
                        // does. The delivery went out all the same, so a failure only warns.
                        if let Err(err) = app::service::evidence::tick_version(
                            &self.pool,
                            delivery.repository_id,
                            version,
                            now,
                        )
                        .await
                        {
                            tracing::warn!(
                                repository = delivery.repository_id,
                                version = %version,
                                error = %err,
                                "cannot tick the checklist by the chat announcement"
                            );
                        }
                    }
                }
                Ok(Attempt::sent(status))
            }
            Some(error) => {
                let reason = format!(
                    "turned off after {FAILURES_TO_DISABLE_HOOK} failed deliveries in a row; the last: {error}"
                );
                let disabled = store::notify::hooks::failed(
                    &self.pool,
                    hook.id,
                    FAILURES_TO_DISABLE_HOOK,
                    &reason,
                )
                .await?;
                if disabled {
                    tracing::warn!(hook = hook.id, url = %hook.url, "{reason}");
                }
                let mut attempt = Attempt::failed(status, error);
                if answer.permanent {
                    attempt.stop = Some("failed");
                }
                Ok(attempt)
            }
        }
    }
}
