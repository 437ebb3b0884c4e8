//! Subscribing by mail: asking (double opt-in), confirming through a signed link, changing
//! topics and lines, unsubscribing. Answers never say whether an address was known.

use chrono::{DateTime, Duration, Utc};
use sqlx::SqlitePool;

use super::{delivery_uid, Notifier};
use crate::{
    domain::{
        notify::{
            address::normalize_email,
            link::{self, LinkError, Purpose, CONFIRM_HOURS},
            notice::Topic,
            topics::{
                join_lines, join_topics, parse_lines, parse_topics, split_lines, split_topics,
            },
        },
        version::Line,
    },
    error::AppError,
    model::notify::{SubscribeForm, SubscriptionView, TopicCount},
    store::{
        self,
        notify::{
            outbox::{self, Recipient},
            subscriptions::Subscription,
        },
        repositories::Repository,
    },
};

/// At most one confirmation mail an hour to one address.
const CONFIRMATION_EVERY_MINUTES: i64 = 60;

struct Checked {
    email: String,
    topics: Vec<Topic>,
    lines: Vec<Line>,
}

fn check(form: &SubscribeForm) -> Result<Checked, AppError> {
    let mut problems = Vec::new();
    let email = normalize_email(&form.email).map_err(|problem| problems.push(("email", problem)));
    let topics = parse_topics(&form.topics).map_err(|problem| problems.push(("topics", problem)));
    let lines = parse_lines(&form.lines).map_err(|problem| problems.push(("lines", problem)));
    match (email, topics, lines) {
        (Ok(email), Ok(topics), Ok(lines)) => Ok(Checked {
            email,
            topics,
            lines,
        }),
        _ => Err(AppError::validation(problems)),
    }
}

/// Asks to subscribe `form.email`. A new or lapsed address gets a confirmation link (valid 48
/// hours); a subscribed one gets its manage link instead, so a stranger cannot change what it
/// receives. Either way at most one mail an hour per address, and the caller answers the same
/// whatever happened, so nobody learns who subscribed.
pub async fn subscribe(
    pool: &SqlitePool,
    notifier: &Notifier,
    repository: &Repository,
    form: &SubscribeForm,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let checked = check(form)?;
    let mut tx = pool.begin().await?;
    let existing =
        store::notify::subscriptions::find_by_email(&mut *tx, repository.id, &checked.email)
            .await?;
    let id = match existing {
        Some(subscription) if subscription.is_active() => subscription.id,
        _ => {
            store::notify::subscriptions::ask(
                &mut *tx,
                repository.id,
                &checked.email,
                &join_topics(&checked.topics),
                &join_lines(&checked.lines),
                now,
            )
            .await?
        }
    };
    let last = store::notify::subscriptions::last_confirmation(&mut *tx, &checked.email).await?;
    let recently = last.is_some_and(|at| now - at < Duration::minutes(CONFIRMATION_EVERY_MINUTES));
    if !recently {
        store::notify::subscriptions::confirmation_sent(&mut *tx, id, now).await?;
        let to = Recipient::Subscriber(id);
        outbox::insert_delivery(&mut *tx, &delivery_uid(), None, to, now).await?;
    }
    tx.commit().await?;
    if !recently {
        notifier.wake();
    }
    Ok(())
}

/// The signed links of a subscription's mails.
pub fn confirm_url(notifier: &Notifier, id: i64, now: DateTime<Utc>) -> String {
    let expires = now + Duration::hours(CONFIRM_HOURS);
    let token = link::sign(notifier.links_key(), Purpose::Confirm, id, Some(expires));
    notifier.url(&format!("/subscriptions/confirm/{token}"))
}

pub fn manage_url(notifier: &Notifier, id: i64) -> String {
    let token = link::sign(notifier.links_key(), Purpose::Manage, id, None);
    notifier.url(&format!("/subscriptions/manage/{token}"))
}

pub fn unsubscribe_url(notifier: &Notifier, id: i64) -> String {
    let token = link::sign(notifier.links_key(), Purpose::Manage, id, None);
    notifier.url(&format!("/subscriptions/unsubscribe/{token}"))
}

fn link_refused(err: LinkError) -> AppError {
    AppError::NotFound(err.to_string())
}

async fn by_token(
    pool: &SqlitePool,
    notifier: &Notifier,
    purpose: Purpose,
    token: &str,
    now: DateTime<Utc>,
) -> Result<(Subscription, Repository), AppError> {
    let id = link::verify(notifier.links_key(), purpose, token, now).map_err(link_refused)?;
    let gone = || AppError::NotFound("this subscription no longer exists".to_owned());
    let subscription = store::notify::subscriptions::find(pool, id)
        .await?
        .ok_or_else(gone)?;
    let repository = store::repositories::find_by_id(pool, subscription.repository_id)
        .await?
        .ok_or_else(gone)?;
    Ok((subscription, repository))
}

async fn view(
    pool: &SqlitePool,
    subscription: Subscription,
    repository: &Repository,
) -> Result<SubscriptionView, AppError> {
    Ok(SubscriptionView {
        owner: repository.owner.clone(),
        repo: repository.name.clone(),
        email: subscription.email,
        topics: split_topics(&subscription.topics)
            .into_iter()
            .map(|topic| topic.as_str().to_owned())
            .collect(),
        lines: split_lines(&subscription.lines)
            .iter()
            .map(ToString::to_string)
            .collect(),
        confirmed: subscription.confirmed_at.is_some(),
        unsubscribed: subscription.unsubscribed_at.is_some(),
        known_lines: known_lines(pool, repository).await?,
    })
}

/// The subscription as it stands after a change to it.
async fn view_now(
    pool: &SqlitePool,
    before: Subscription,
    repository: &Repository,
) -> Result<SubscriptionView, AppError> {
    let now = store::notify::subscriptions::find(pool, before.id)
        .await?
        .unwrap_or(before);
    view(pool, now, repository).await
}

/// The repository's lines, newest first, for the forms' choices.
pub async fn known_lines(
    pool: &SqlitePool,
    repository: &Repository,
) -> Result<Vec<String>, AppError> {
    let today = Utc::now().date_naive();
    let lines = crate::service::support::lines(pool, repository, today).await?;
    Ok(lines
        .windows
        .iter()
        .map(|window| window.line.to_string())
        .collect())
}

/// What a confirmation link would confirm, without confirming it (the page's button does).
pub async fn pending(
    pool: &SqlitePool,
    notifier: &Notifier,
    token: &str,
    now: DateTime<Utc>,
) -> Result<SubscriptionView, AppError> {
    let (subscription, repository) = by_token(pool, notifier, Purpose::Confirm, token, now).await?;
    view(pool, subscription, &repository).await
}

/// Follows a confirmation link: from now on the address receives what it asked for.
pub async fn confirm(
    pool: &SqlitePool,
    notifier: &Notifier,
    token: &str,
    now: DateTime<Utc>,
) -> Result<SubscriptionView, AppError> {
    let (subscription, repository) = by_token(pool, notifier, Purpose::Confirm, token, now).await?;
    if !store::notify::subscriptions::confirm(pool, subscription.id, now).await? {
        return Err(AppError::Conflict(
            "this address unsubscribed since; subscribe again to get a new link".to_owned(),
        ));
    }
    view_now(pool, subscription, &repository).await
}

/// The manage page's subscription.
pub async fn manage(
    pool: &SqlitePool,
    notifier: &Notifier,
    token: &str,
) -> Result<SubscriptionView, AppError> {
    let (subscription, repository) =
        by_token(pool, notifier, Purpose::Manage, token, Utc::now()).await?;
    view(pool, subscription, &repository).await
}

/// Changes what a subscription receives (its manage link is the proof of the address).
pub async fn set_preferences(
    pool: &SqlitePool,
    notifier: &Notifier,
    token: &str,
    topics: &[String],
    lines: &[String],
) -> Result<SubscriptionView, AppError> {
    let (subscription, repository) =
        by_token(pool, notifier, Purpose::Manage, token, Utc::now()).await?;
    let mut problems = Vec::new();
    let topics = parse_topics(topics).map_err(|problem| problems.push(("topics", problem)));
    let lines = parse_lines(lines).map_err(|problem| problems.push(("lines", problem)));
    let (Ok(topics), Ok(lines)) = (topics, lines) else {
        return Err(AppError::validation(problems));
    };
    store::notify::subscriptions::set_preferences(
        pool,
        subscription.id,
        &join_topics(&topics),
        &join_lines(&lines),
    )
    .await?;
    view_now(pool, subscription, &repository).await
}

/// Unsubscribes at once (the one-click POST, and the page's button); mail not yet sent to the
/// address is dropped.
pub async fn unsubscribe(
    pool: &SqlitePool,
    notifier: &Notifier,
    token: &str,
) -> Result<SubscriptionView, AppError> {
    let now = Utc::now();
    let (subscription, repository) = by_token(pool, notifier, Purpose::Manage, token, now).await?;
    let mut tx = pool.begin().await?;
    store::notify::subscriptions::unsubscribe(&mut tx, subscription.id, now).await?;
    tx.commit().await?;
    view_now(pool, subscription, &repository).await
}

/// How many confirmed subscribers each topic has; addresses are never shown.
pub async fn counts(
    pool: &SqlitePool,
    repository: &Repository,
) -> Result<Vec<TopicCount>, AppError> {
    let active = store::notify::subscriptions::active(pool, repository.id).await?;
    Ok(Topic::ALL
        .iter()
        .map(|topic| TopicCount {
            topic: topic.as_str().to_owned(),
            label: topic.label().to_owned(),
            subscribers: active
                .iter()
                .filter(|s| split_topics(&s.topics).contains(topic))
                .count() as i64,
        })
        .collect())
}
