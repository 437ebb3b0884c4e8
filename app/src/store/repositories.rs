use chrono::{DateTime, Utc};
use sqlx::SqliteExecutor;

use crate::model::repositories::RepositorySummary;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Repository {
    pub id: i64,
    pub owner: String,
    pub name: String,
    pub description: String,
    pub tag_prefix: String,
    pub zero_major_lines: bool,
    pub security_months: i64,
    pub supported_lines: i64,
    /// The endoflife.date-style product slug: set, or the repository's name.
    pub product: String,
    /// Withdrawals are mirrored to the GitHub release (pre-release flag and a warning).
    pub mirror_withdrawals: bool,
    /// The GitHub App installation it is reached through; the personal token when `None`.
    pub installation_id: Option<i64>,
    /// The App lost access to it: nothing more is synced, and everything kept stays.
    pub sync_stopped: bool,
}

impl Repository {
    /// How GitHub is reached for it.
    pub fn reach(&self) -> super::github_app::Reach {
        use super::github_app::Reach;
        match (self.sync_stopped, self.installation_id) {
            (true, _) => Reach::Stopped,
            (false, Some(id)) => Reach::Installation(id),
            (false, None) => Reach::Token,
        }
    }

    /// The repository's support policy settings.
    pub fn policy(&self) -> crate::domain::support::Policy {
        crate::domain::support::Policy {
            security_months: u32::try_from(self.security_months).unwrap_or(6),
            supported_lines: usize::try_from(self.supported_lines).unwrap_or(2),
            zero_major_lines: self.zero_major_lines,
        }
    }
}

pub struct NewRepository<'a> {
    pub owner: &'a str,
    pub name: &'a str,
    pub description: &'a str,
    pub tag_prefix: &'a str,
}

/// Adds the repository, or updates its description when it is already tracked.
pub async fn upsert(db: impl SqliteExecutor<'_>, repo: &NewRepository<'_>) -> sqlx::Result<i64> {
    let now = Utc::now();
    sqlx::query_scalar!(
        r#"INSERT INTO repositories (owner, name, description, tag_prefix, created_at)
           VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (owner COLLATE NOCASE, name COLLATE NOCASE)
           DO UPDATE SET description = excluded.description
           RETURNING id AS "id!""#,
        repo.owner,
        repo.name,
        repo.description,
        repo.tag_prefix,
        now,
    )
    .fetch_one(db)
    .await
}

/// Looks a repository up by its GitHub name, ignoring case as GitHub does.
pub async fn find(
    db: impl SqliteExecutor<'_>,
    owner: &str,
    name: &str,
) -> sqlx::Result<Option<Repository>> {
    sqlx::query_as!(
        Repository,
        r#"SELECT id AS "id!", owner, name, description, tag_prefix,
                  zero_major_lines AS "zero_major_lines: bool", security_months, supported_lines,
                  COALESCE(product, name) AS "product!: String",
                  mirror_withdrawals AS "mirror_withdrawals: bool", installation_id,
                  sync_stopped_at IS NOT NULL AS "sync_stopped!: bool"
           FROM repositories
           WHERE owner = ? COLLATE NOCASE AND name = ? COLLATE NOCASE"#,
        owner,
        name,
    )
    .fetch_optional(db)
    .await
}

/// Every tracked repository with the figures the home page shows.
pub async fn list_summaries(db: impl SqliteExecutor<'_>) -> sqlx::Result<Vec<RepositorySummary>> {
    let rows = sqlx::query!(
        r#"WITH public AS (
               SELECT v.repository_id, v.tag, v.precedence, v.channel,
                      COALESCE(r.published_at, t.tagged_at) AS released_at,
                      EXISTS (SELECT 1 FROM withdrawals w
                              WHERE w.version_id = v.id AND w.restored_at IS NULL) AS withdrawn
               FROM versions v
               LEFT JOIN tags t ON t.version_id = v.id AND t.deleted_at IS NULL
               LEFT JOIN releases r ON r.version_id = v.id AND r.deleted_at IS NULL AND r.draft = 0
               WHERE v.version IS NOT NULL AND v.public = 1
           )
           SELECT repo.owner, repo.name, repo.description,
                  (SELECT COUNT(*) FROM public p WHERE p.repository_id = repo.id)
                      AS "version_count!: i64",
                  (SELECT p.tag FROM public p
                   WHERE p.repository_id = repo.id AND p.channel = 'stable' AND NOT p.withdrawn
                   ORDER BY p.precedence DESC LIMIT 1) AS "latest_stable?: String",
                  (SELECT MAX(p.released_at) FROM public p WHERE p.repository_id = repo.id)
                      AS "last_release?: DateTime<Utc>"
           FROM repositories repo
           ORDER BY repo.owner COLLATE NOCASE, repo.name COLLATE NOCASE"#
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| RepositorySummary {
            owner: row.owner,
            name: row.name,
            description: row.description,
            version_count: row.version_count,
            latest_stable: row.latest_stable,
            last_release: row.last_release,
        })
        .collect())
}

pub async fn find_by_id(db: impl SqliteExecutor<'_>, id: i64) -> sqlx::Result<Option<Repository>> {
    sqlx::query_as!(
        Repository,
        r#"SELECT id AS "id!", owner, name, description, tag_prefix,
                  zero_major_lines AS "zero_major_lines: bool", security_months, supported_lines,
                  COALESCE(product, name) AS "product!: String",
                  mirror_withdrawals AS "mirror_withdrawals: bool", installation_id,
                  sync_stopped_at IS NOT NULL AS "sync_stopped!: bool"
           FROM repositories WHERE id = ?"#,
        id,
    )
    .fetch_optional(db)
    .await
}

/// Every tracked repository's id, in the order they were added.
pub async fn list_ids(db: impl SqliteExecutor<'_>) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar!(r#"SELECT id AS "id!" FROM repositories ORDER BY id"#)
        .fetch_all(db)
        .await
}

/// The repositories still synced from GitHub (not those a GitHub App lost), oldest first.
pub async fn list_synced_ids(db: impl SqliteExecutor<'_>) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar!(
        r#"SELECT id AS "id!" FROM repositories WHERE sync_stopped_at IS NULL ORDER BY id"#
    )
    .fetch_all(db)
    .await
}

/// Every tracked repository as `(id, owner, name)`.
pub async fn list_names(db: impl SqliteExecutor<'_>) -> sqlx::Result<Vec<(i64, String, String)>> {
    let rows = sqlx::query!(r#"SELECT id AS "id!", owner, name FROM repositories ORDER BY id"#)
        .fetch_all(db)
        .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.owner, r.name)).collect())
}

/// The repository whose product slug is `product` (ignoring case); the oldest when two share it.
pub async fn find_by_product(
    db: impl SqliteExecutor<'_>,
    product: &str,
) -> sqlx::Result<Option<Repository>> {
    sqlx::query_as!(
        Repository,
        r#"SELECT id AS "id!", owner, name, description, tag_prefix,
                  zero_major_lines AS "zero_major_lines: bool", security_months, supported_lines,
                  COALESCE(product, name) AS "product!: String",
                  mirror_withdrawals AS "mirror_withdrawals: bool", installation_id,
                  sync_stopped_at IS NOT NULL AS "sync_stopped!: bool"
           FROM repositories WHERE COALESCE(product, name) = ? COLLATE NOCASE
           ORDER BY id LIMIT 1"#,
        product,
    )
    .fetch_optional(db)
    .await
}

/// Every product slug, in the order the repositories were added.
pub async fn list_products(db: impl SqliteExecutor<'_>) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar!(
        r#"SELECT COALESCE(product, name) AS "product!: String" FROM repositories ORDER BY id"#
    )
    .fetch_all(db)
    .await
}

/// A repository's settings, all at once.
pub struct Settings<'a> {
    pub policy: crate::domain::support::Policy,
    pub tag_prefix: &'a str,
    /// `None` for the repository's name.
    pub product: Option<&'a str>,
    pub mirror_withdrawals: bool,
}

/// Changes a repository's settings and re-reads every stored tag when the tag prefix or the
/// 0.x rule changed, so that versions, channels and lines follow at once.
pub async fn update_settings(
    tx: &mut sqlx::SqliteConnection,
    repository: &Repository,
    settings: &Settings<'_>,
) -> sqlx::Result<()> {
    let security_months = i64::from(settings.policy.security_months);
    let supported_lines = i64::try_from(settings.policy.supported_lines).unwrap_or(i64::MAX);
    sqlx::query!(
        "UPDATE repositories SET security_months = ?, supported_lines = ?, zero_major_lines = ?,
                tag_prefix = ?, product = ?, mirror_withdrawals = ?
         WHERE id = ?",
        security_months,
        supported_lines,
        settings.policy.zero_major_lines,
        settings.tag_prefix,
        settings.product,
        settings.mirror_withdrawals,
        repository.id,
    )
    .execute(&mut *tx)
    .await?;
    let reparse = settings.tag_prefix != repository.tag_prefix
        || settings.policy.zero_major_lines != repository.zero_major_lines;
    if reparse {
        let Some(updated) = find_by_id(&mut *tx, repository.id).await? else {
            return Ok(());
        };
        let tags = sqlx::query_scalar!(
            "SELECT tag FROM versions WHERE repository_id = ?",
            repository.id
        )
        .fetch_all(&mut *tx)
        .await?;
        for tag in tags {
            super::versions::upsert(&mut *tx, &updated, &tag).await?;
        }
    }
    Ok(())
}
