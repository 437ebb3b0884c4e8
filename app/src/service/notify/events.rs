//! Events: what happened, written once (by key) in the caller's transaction, with a delivery
//! for each confirmed subscriber who asked for its topic and line and each hook listening.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sqlx::{SqliteConnection, SqlitePool};

use super::{delivery_uid, Notifier};
use crate::{
    domain::{
        incident::{AffectedRange, Status},
        notify::{
            notice::{Event, IncidentStage, Notice, SupportEnd},
            schedule::end_warnings,
            topics::{join_lines, split_lines, split_topics, wants},
        },
        version::Line,
    },
    markdown,
    service::support,
    store::{
        self,
        incidents::IncidentRecord,
        notify::outbox::{self, Recipient},
        repositories::Repository,
    },
};

/// A tag with no release is announced on its own after this long; usually its release (and
/// notes) follows within minutes.
const TAG_ONLY_AFTER_MINUTES: i64 = 60;

/// Writes the event `key` unless it was written before, with its deliveries. Returns whether it
/// is new.
async fn raise(
    db: &mut SqliteConnection,
    repository: &Repository,
    key: &str,
    notice: Notice,
    lines: &[Line],
    url: String,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let topic = notice.topic();
    let event = Event {
        repository: format!("{}/{}", repository.owner, repository.name),
        url,
        notice,
    };
    let payload = serde_json::to_string(&event).map_err(|err| sqlx::Error::Encode(err.into()))?;
    let Some(event_id) = outbox::insert_event(
        &mut *db,
        repository.id,
        key,
        topic.as_str(),
        &join_lines(lines),
        &payload,
        now,
    )
    .await?
    else {
        return Ok(false);
    };
    for subscription in store::notify::subscriptions::active(&mut *db, repository.id).await? {
        let topics = split_topics(&subscription.topics);
        let filter = split_lines(&subscription.lines);
        if wants(&topics, &filter, topic, lines) {
            let to = Recipient::Subscriber(subscription.id);
            outbox::insert_delivery(&mut *db, &delivery_uid(), Some(event_id), to, now).await?;
        }
    }
    for hook in store::notify::hooks::list(&mut *db, repository.id).await? {
        if hook.active && split_topics(&hook.events).contains(&topic) {
            let to = Recipient::Hook(hook.id);
            outbox::insert_delivery(&mut *db, &delivery_uid(), Some(event_id), to, now).await?;
        }
    }
    Ok(true)
}

fn line_of(repository: &Repository, version: &str) -> Vec<Line> {
    semver::Version::parse(version)
        .map(|parsed| vec![Line::of(&parsed, repository.zero_major_lines)])
        .unwrap_or_default()
}

fn repository_path(repository: &Repository) -> String {
    format!("/{}/{}", repository.owner, repository.name)
}

/// Announces the versions released since the repository was tracked that nobody was told of:
/// called with every sync and webhook delivery that can bring one, and by the scheduler for
/// tags whose release never came. Returns how many were announced.
pub async fn announce_releases(
    db: &mut SqliteConnection,
    notifier: &Notifier,
    repository: &Repository,
    now: DateTime<Utc>,
) -> sqlx::Result<usize> {
    let since = store::checklists::tracked_since(&mut *db, repository.id).await?;
    let tag_only_before = now - Duration::minutes(TAG_ONLY_AFTER_MINUTES);
    let fresh =
        outbox::unannounced_releases(&mut *db, repository.id, since, tag_only_before).await?;
    let mut announced = 0;
    for release in fresh {
        let prerelease = semver::Version::parse(&release.version)
            .map(|parsed| !parsed.pre.is_empty())
            .unwrap_or(false);
        let url = notifier.url(&format!(
            "{}/v/{}",
            repository_path(repository),
            release.version
        ));
        let lines = line_of(repository, &release.version);
        let key = format!("release:{}", release.version);
        let notice = Notice::Release {
            notes_html: markdown::render(&release.notes),
            version: release.version,
            prerelease,
            name: release.title,
            notes: release.notes,
            released_on: release.released_at.date_naive().to_string(),
        };
        if raise(db, repository, &key, notice, &lines, url, now).await? {
            announced += 1;
        }
    }
    if announced > 0 {
        notifier.wake();
    }
    Ok(announced)
}

/// Tells subscribers of a published incident: `update` is the timeline entry that caused it,
/// None when the incident was just published.
pub async fn incident(
    db: &mut SqliteConnection,
    notifier: &Notifier,
    repository: &Repository,
    record: &IncidentRecord,
    update: Option<(i64, &str)>,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    if !record.published {
        return Ok(());
    }
    let status = Status::parse(&record.status);
    let (key, stage) = match update {
        None => (
            format!("incident:{}:published", record.id),
            IncidentStage::Published,
        ),
        Some((update_id, _)) => (
            format!("incident:{}:update:{update_id}", record.id),
            if status == Some(Status::Resolved) {
                IncidentStage::Resolved
            } else {
                IncidentStage::Updated
            },
        ),
    };
    let lines = affected_lines(&mut *db, repository, &record.affected).await?;
    let notice = Notice::Incident {
        id: record.id,
        stage,
        title: record.title.clone(),
        severity: record.severity.clone(),
        status: status.map_or_else(|| record.status.clone(), |s| s.label().to_owned()),
        issue: record.issue.clone(),
        impact: record.impact.clone(),
        workaround: record.workaround.clone(),
        timeline: record.timeline.clone(),
        action: record.action.clone(),
        affected: record.affected.clone(),
        fixed_in: record.fixed_in.clone(),
        update: update.map(|(_, text)| text.to_owned()),
    };
    let url = notifier.url(&format!(
        "{}/incidents/{}",
        repository_path(repository),
        record.id
    ));
    if raise(db, repository, &key, notice, &lines, url, now).await? {
        notifier.wake();
    }
    Ok(())
}

/// The lines with a public version in the incident's affected range; none when the range
/// names none of them (then every subscriber hears of it).
async fn affected_lines(
    db: &mut SqliteConnection,
    repository: &Repository,
    affected: &str,
) -> sqlx::Result<Vec<Line>> {
    let Ok(range) = AffectedRange::parse(affected) else {
        return Ok(Vec::new());
    };
    let mut lines: Vec<Line> = store::versions::support_releases(&mut *db, repository.id)
        .await?
        .iter()
        .filter(|release| range.contains(&release.version))
        .map(|release| Line::of(&release.version, repository.zero_major_lines))
        .collect();
    lines.sort();
    lines.dedup();
    Ok(lines)
}

/// Tells subscribers that `version` was withdrawn; `withdrawal` names this withdrawal among the
/// version's (a version restored and withdrawn again is told of again).
#[allow(clippy::too_many_arguments)]
pub async fn withdrawal(
    db: &mut SqliteConnection,
    notifier: &Notifier,
    repository: &Repository,
    withdrawal: &str,
    version: &str,
    reason: &str,
    superseded_by: Option<&str>,
    now: DateTime<Utc>,
) -> sqlx::Result<()> {
    let lines = line_of(repository, version);
    let notice = Notice::Withdrawal {
        version: version.to_owned(),
        reason: reason.to_owned(),
        superseded_by: superseded_by.map(str::to_owned),
    };
    let url = notifier.url(&format!("{}/v/{version}", repository_path(repository)));
    let key = format!("withdrawal:{withdrawal}");
    if raise(db, repository, &key, notice, &lines, url, now).await? {
        notifier.wake();
    }
    Ok(())
}

/// Warns of every line whose end of full support or end of life is 30, 7 or 1 days after
/// `today`, once per line, end and threshold. Returns how many warnings were written.
pub async fn end_of_support(
    pool: &SqlitePool,
    notifier: &Notifier,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> sqlx::Result<usize> {
    let mut written = 0;
    for id in store::repositories::list_ids(pool).await? {
        let Some(repository) = store::repositories::find_by_id(pool, id).await? else {
            continue;
        };
        let windows = support::lines(pool, &repository, today).await?.windows;
        let warnings = end_warnings(&windows, today);
        if warnings.is_empty() {
            continue;
        }
        let mut tx = pool.begin().await?;
        for warning in warnings {
            let end = match warning.end {
                SupportEnd::FullSupport => "full",
                SupportEnd::Life => "life",
            };
            let key = format!("eol:{}:{end}:{}", warning.line, warning.threshold);
            let notice = Notice::EndOfSupport {
                line: warning.line.to_string(),
                end: warning.end,
                date: warning.date.to_string(),
                days_left: warning.days_left,
            };
            let url = notifier.url(&format!("{}/support", repository_path(&repository)));
            let lines = [warning.line];
            if raise(&mut tx, &repository, &key, notice, &lines, url, now).await? {
                written += 1;
            }
        }
        tx.commit().await?;
    }
    if written > 0 {
        notifier.wake();
    }
    Ok(written)
}
