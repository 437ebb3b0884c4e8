//! The files attached to releases.

use sqlx::SqliteExecutor;

use crate::model::versions::Asset;

/// Makes `assets` the release's files, replacing what was stored.
pub async fn replace_assets(
    tx: &mut sqlx::SqliteConnection,
    version_id: i64,
    assets: &[Asset],
) -> sqlx::Result<()> {
    sqlx::query!(
        "DELETE FROM release_assets WHERE version_id = ?",
        version_id
    )
    .execute(&mut *tx)
    .await?;
    for asset in assets {
        sqlx::query!(
            "INSERT INTO release_assets
                 (version_id, name, size, content_type, download_url, download_count, digest)
             VALUES (?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (version_id, name) DO NOTHING",
            version_id,
            asset.name,
            asset.size,
            asset.content_type,
            asset.download_url,
            asset.download_count,
            asset.digest,
        )
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

/// The files of the release of `tag`, by name.
pub async fn list_assets(
    db: impl SqliteExecutor<'_>,
    repository_id: i64,
    tag: &str,
) -> sqlx::Result<Vec<Asset>> {
    sqlx::query_as!(
        Asset,
        r#"SELECT a.name, a.size, a.content_type, a.download_url, a.download_count, a.digest
           FROM release_assets a
           JOIN versions v ON v.id = a.version_id
           WHERE v.repository_id = ? AND v.tag = ?
           ORDER BY a.name"#,
        repository_id,
        tag,
    )
    .fetch_all(db)
    .await
}
