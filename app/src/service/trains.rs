//! A release train: its stages, the incidents opened while it ran, and whether the stable
//! release promoted its last candidate's build.

use chrono::{DateTime, Utc};
use sqlx::SqlitePool;

use crate::{
    domain::{
        train::{during, parse_train, promotion, soak_text, stages, train_key, Promotion},
        version::Channel,
    },
    error::AppError,
    model::trains::{StageView, TrainIncident, TrainPage},
    store::{self, repositories::Repository},
};

/// The train `text` (`x.y.z`, a tag of it works too); 404 when no version of it is public.
pub async fn train_page(
    pool: &SqlitePool,
    repository: &Repository,
    text: &str,
    now: DateTime<Utc>,
) -> Result<TrainPage, AppError> {
    let train = parse_train(text, &repository.tag_prefix).map_err(AppError::BadRequest)?;
    let versions = store::versions::list_train(pool, repository.id, &train_key(&train)).await?;
    if versions.is_empty() {
        return Err(AppError::NotFound(format!(
            "{}/{} has no version of the {train} train",
            repository.owner, repository.name
        )));
    }
    let stable = versions
        .iter()
        .find(|(_, channel, _)| *channel == Channel::Stable);
    let candidate = versions
        .iter()
        .rev()
        .find(|(_, channel, _)| *channel == Channel::Rc);
    let promoted = match (candidate, stable) {
        (Some((rc, ..)), Some((release, ..))) => promotion(
            &digests(pool, repository, rc).await?,
            &digests(pool, repository, release).await?,
        ),
        _ => Promotion::Unknown,
    };
    let first = versions.first().and_then(|(_, _, at)| *at);
    let stable_at = stable.and_then(|(_, _, at)| *at);
    let incidents = store::incidents::list(pool, repository.id, false)
        .await?
        .into_iter()
        .filter(|incident| during(incident.created_at, first, stable_at))
        .map(|incident| TrainIncident {
            id: incident.id,
            title: incident.title,
            created_at: incident.created_at,
        })
        .collect();
    Ok(TrainPage {
        owner: repository.owner.clone(),
        name: repository.name.clone(),
        train: train.to_string(),
        stages: stages(&versions, now)
            .into_iter()
            .map(|stage| StageView {
                tag: stage.tag,
                channel: stage.channel,
                released_at: stage.released_at,
                soak: stage.soaked.map(soak_text),
                soaking: stage.soaking,
            })
            .collect(),
        incidents,
        candidate: candidate.map(|(tag, ..)| tag.clone()),
        stable: stable.map(|(tag, ..)| tag.clone()),
        promotion: promoted,
    })
}

/// The digests of a release's files, as synced (`None` where GitHub gave none).
async fn digests(
    pool: &SqlitePool,
    repository: &Repository,
    tag: &str,
) -> sqlx::Result<Vec<Option<String>>> {
    let files = store::versions::list_assets(pool, repository.id, tag).await?;
    Ok(files.into_iter().map(|file| file.digest).collect())
}
