//! Tracked repositories.

use sqlx::SqlitePool;

use crate::{
    error::AppError,
    store::{self, repositories::Repository},
};

/// The tracked repository `owner/name`, or a 404 that says it is not tracked.
pub async fn tracked(pool: &SqlitePool, owner: &str, name: &str) -> Result<Repository, AppError> {
    store::repositories::find(pool, owner, name)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("the repository {owner}/{name} is not tracked")))
}
