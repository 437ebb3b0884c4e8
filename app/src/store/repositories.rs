use chrono::{DateTime, Utc};

use super::db::{shared, Exec};
use crate::model::repositories::RepositorySummary;

/// A tracked repository's id and GitHub name.
struct NameRow {
    id: i64,
    owner: String,
    name: String,
}

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
pub async fn upsert(db: impl Into<Exec<'_>>, repo: &NewRepository<'_>) -> sqlx::Result<i64> {
    let now = Utc::now();
    shared!(
        db,
        fetch_one,
        query_scalar!(
            r#"INSERT INTO repositories (owner, name, description, tag_prefix, created_at)
           VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (owner COLLATE NOCASE, name COLLATE NOCASE)
           DO UPDATE SET description = excluded.description
           RETURNING id AS "id!""#,
            repo.owner,
            repo.name,
            repo.description,
            repo.tag_prefix,
            now as _,
        )
    )
}

/// Looks a repository up by its GitHub name, ignoring case as GitHub does.
pub async fn find(
    db: impl Into<Exec<'_>>,
    owner: &str,
    name: &str,
) -> sqlx::Result<Option<Repository>> {
    shared!(
        db,
        fetch_optional,
        query_as!(
            Repository,
            r#"SELECT id AS "id!", owner AS "owner!", name AS "name!", description AS "description!",
                  tag_prefix AS "tag_prefix!", zero_major_lines AS "zero_major_lines!: bool",
                  security_months AS "security_months!", supported_lines AS "supported_lines!",
                  COALESCE(product, name) AS "product!: String",
                  mirror_withdrawals AS "mirror_withdrawals!: bool", installation_id,
                  sync_stopped_at IS NOT NULL AS "sync_stopped!: bool"
           FROM repositories
           WHERE owner = $1 COLLATE NOCASE AND name = $2 COLLATE NOCASE"#,
            owner,
            name,
        )
    )
}

/// Every tracked repository with the figures the home page shows.
pub async fn list_summaries(db: impl Into<Exec<'_>>) -> sqlx::Result<Vec<RepositorySummary>> {
    shared!(
        db,
        fetch_all,
        query_as!(
            RepositorySummary,
            r#"WITH public AS (
               SELECT v.repository_id, v.tag, v.precedence, v.channel,
                      COALESCE(r.published_at, t.tagged_at) AS released_at,
                      EXISTS (SELECT 1 FROM withdrawals w
                              WHERE w.version_id = v.id AND w.restored_at IS NULL) AS withdrawn
               FROM versions v
               LEFT JOIN tags t ON t.version_id = v.id AND t.deleted_at IS NULL
               LEFT JOIN releases r ON r.version_id = v.id AND r.deleted_at IS NULL AND NOT r.draft
               WHERE v.version IS NOT NULL AND v.public
           )
           SELECT repo.owner AS "owner!", repo.name AS "name!", repo.description AS "description!",
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
    )
}

pub async fn find_by_id(db: impl Into<Exec<'_>>, id: i64) -> sqlx::Result<Option<Repository>> {
    shared!(
        db,
        fetch_optional,
        query_as!(
            Repository,
            r#"SELECT id AS "id!", owner AS "owner!", name AS "name!", description AS "description!",
                  tag_prefix AS "tag_prefix!", zero_major_lines AS "zero_major_lines!: bool",
                  security_months AS "security_months!", supported_lines AS "supported_lines!",
                  COALESCE(product, name) AS "product!: String",
                  mirror_withdrawals AS "mirror_withdrawals!: bool", installation_id,
                  sync_stopped_at IS NOT NULL AS "sync_stopped!: bool"
           FROM repositories WHERE id = $1"#,
            id,
        )
    )
}

/// Every tracked repository's id, in the order they were added.
pub async fn list_ids(db: impl Into<Exec<'_>>) -> sqlx::Result<Vec<i64>> {
    shared!(
        db,
        fetch_all,
        query_scalar!(r#"SELECT id AS "id!" FROM repositories ORDER BY id"#)
    )
}

/// The repositories still synced from GitHub (not those a GitHub App lost), oldest first.
pub async fn list_synced_ids(db: impl Into<Exec<'_>>) -> sqlx::Result<Vec<i64>> {
    shared!(
        db,
        fetch_all,
        query_scalar!(
            r#"SELECT id AS "id!" FROM repositories WHERE sync_stopped_at IS NULL ORDER BY id"#
        )
    )
}

/// Every tracked repository as `(id, owner, name)`.
pub async fn list_names(db: impl Into<Exec<'_>>) -> sqlx::Result<Vec<(i64, String, String)>> {
    let rows = shared!(
        db,
        fetch_all,
        query_as!(
            NameRow,
            r#"SELECT id AS "id!", owner AS "owner!", name AS "name!" FROM repositories ORDER BY id"#
        )
    )?;
    Ok(rows.into_iter().map(|r| (r.id, r.owner, r.name)).collect())
}

/// The repository whose product slug is `product` (ignoring case); the oldest when two share it.
pub async fn find_by_product(
    db: impl Into<Exec<'_>>,
    product: &str,
) -> sqlx::Result<Option<Repository>> {
    shared!(
        db,
        fetch_optional,
        query_as!(
            Repository,
            r#"SELECT id AS "id!", owner AS "owner!", name AS "name!", description AS "description!",
                  tag_prefix AS "tag_prefix!", zero_major_lines AS "zero_major_lines!: bool",
                  security_months AS "security_months!", supported_lines AS "supported_lines!",
                  COALESCE(product, name) AS "product!: String",
                  mirror_withdrawals AS "mirror_withdrawals!: bool", installation_id,
                  sync_stopped_at IS NOT NULL AS "sync_stopped!: bool"
           FROM repositories WHERE COALESCE(product, name) = $1 COLLATE NOCASE
           ORDER BY id LIMIT 1"#,
            product,
        )
    )
}

/// Every product slug, in the order the repositories were added.
pub async fn list_products(db: impl Into<Exec<'_>>) -> sqlx::Result<Vec<String>> {
    shared!(
        db,
        fetch_all,
        query_scalar!(
            r#"SELECT COALESCE(product, name) AS "product!: String" FROM repositories ORDER BY id"#
        )
    )
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
    tx: impl Into<Exec<'_>>,
    repository: &Repository,
    settings: &Settings<'_>,
) -> sqlx::Result<()> {
    let mut tx = tx.into();
    let security_months = i64::from(settings.policy.security_months);
    let supported_lines = i64::try_from(settings.policy.supported_lines).unwrap_or(i64::MAX);
    shared!(
        tx.reborrow(),
        execute,
        query!(
            "UPDATE repositories SET security_months = $1, supported_lines = $2,
                zero_major_lines = $3, tag_prefix = $4, product = $5, mirror_withdrawals = $6
         WHERE id = $7",
            security_months,
            supported_lines,
            settings.policy.zero_major_lines,
            settings.tag_prefix,
            settings.product,
            settings.mirror_withdrawals,
            repository.id,
        )
    )?;
    let reparse = settings.tag_prefix != repository.tag_prefix
        || settings.policy.zero_major_lines != repository.zero_major_lines;
    if reparse {
        let Some(updated) = find_by_id(tx.reborrow(), repository.id).await? else {
            return Ok(());
        };
        let tags = shared!(
            tx.reborrow(),
            fetch_all,
            query_scalar!(
                r#"SELECT tag AS "tag!" FROM versions WHERE repository_id = $1"#,
                repository.id
            )
        )?;
        for tag in tags {
            super::versions::upsert(tx.reborrow(), &updated, &tag).await?;
        }
    }
    Ok(())
}
