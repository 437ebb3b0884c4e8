//! The data version (migration 0013): moved on, by triggers, by every change to public data.

use super::db::{shared, Exec};

/// The current data version. Read it before reading the data an answer is made of: the data
/// is then at least as new as the version says.
pub async fn current(db: impl Into<Exec<'_>>) -> sqlx::Result<i64> {
    shared!(
        db,
        fetch_one,
        query_scalar!(r#"SELECT version AS "version!" FROM data_version WHERE id = 1"#)
    )
}
