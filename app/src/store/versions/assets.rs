//! The files attached to releases.

use crate::{
    model::versions::Asset,
    store::db::{shared, Exec},
};

/// Makes `assets` the release's files, replacing what was stored.
pub async fn replace_assets(
    tx: impl Into<Exec<'_>>,
    version_id: i64,
    assets: &[Asset],
) -> sqlx::Result<()> {
    let mut tx = tx.into();
    shared!(
        tx.reborrow(),
        execute,
        query!(
            "DELETE FROM release_assets WHERE version_id = $1",
            version_id
        )
    )?;
    for asset in assets {
        shared!(
            tx.reborrow(),
            execute,
            query!(
                "INSERT INTO release_assets
                     (version_id, name, size, content_type, download_url, download_count, digest)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (version_id, name) DO NOTHING",
                version_id,
                asset.name,
                asset.size,
                asset.content_type,
                asset.download_url,
                asset.download_count,
                asset.digest,
            )
        )?;
    }
    Ok(())
}

/// The files of the release of `tag`, by name.
pub async fn list_assets(
    db: impl Into<Exec<'_>>,
    repository_id: i64,
    tag: &str,
) -> sqlx::Result<Vec<Asset>> {
    shared!(
        db,
        fetch_all,
        query_as!(
            Asset,
            r#"SELECT a.name AS "name!", a.size AS "size!", a.content_type AS "content_type!",
                      a.download_url AS "download_url!", a.download_count AS "download_count!",
                      a.digest
               FROM release_assets a
               JOIN versions v ON v.id = a.version_id
               WHERE v.repository_id = $1 AND v.tag = $2
               ORDER BY a.name"#,
            repository_id,
            tag,
        )
    )
}
