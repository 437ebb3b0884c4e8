//! The two databases the store runs on, SQLite and PostgreSQL, and the macros that run one
//! query on either, checked at compile time against both schemas.
//!
//! A store function takes `impl Into<Exec<'_>>`: a pool or a connection (inside a
//! transaction) of either database. Its SQL is written once when the dialects agree
//! ([`shared!`], with `$1, $2, …` placeholders, which SQLite reads too), or once per database
//! ([`per_database!`]). Each form expands to one `sqlx` macro per database: offline, sqlx
//! picks the driver from each query's file in `.sqlx/`, where the PostgreSQL text carries a
//! trailing comment so that the two never share a file.
//!
//! A chrono time or day bound as a parameter is written `value as _`: the server also enables
//! sqlx's `time` feature (for its sessions), and sqlx then expects the `time` crate's types for
//! PostgreSQL's TIMESTAMPTZ and DATE. Such a parameter's type is checked when the query runs,
//! which the tests do on both databases.
//!
//! Preparing `.sqlx/` compiles one database's queries at a time, with the feature
//! `prepare-sqlite` or `prepare-postgres` (see `make prepare`). The server still opens SQLite
//! only: serving from PostgreSQL is the next step of issue 24.

use sqlx::{
    pool::PoolConnection, PgConnection, PgPool, Postgres, Sqlite, SqliteConnection, SqlitePool,
    Transaction,
};

/// Where a store function runs its queries.
pub enum Exec<'c> {
    SqlitePool(&'c SqlitePool),
    Sqlite(&'c mut SqliteConnection),
    PostgresPool(&'c PgPool),
    Postgres(&'c mut PgConnection),
}

impl Exec<'_> {
    /// The same pool or connection again, for one more query in the same function.
    pub fn reborrow(&mut self) -> Exec<'_> {
        match self {
            Exec::SqlitePool(pool) => Exec::SqlitePool(pool),
            Exec::Sqlite(connection) => Exec::Sqlite(connection),
            Exec::PostgresPool(pool) => Exec::PostgresPool(pool),
            Exec::Postgres(connection) => Exec::Postgres(connection),
        }
    }
}

impl<'c> Exec<'c> {
    /// A transaction on this pool, or within this connection (a savepoint when the connection
    /// is in a transaction already).
    pub async fn begin(self) -> sqlx::Result<Tx<'c>> {
        Ok(match self {
            Exec::SqlitePool(pool) => Tx::Sqlite(pool.begin().await?),
            Exec::Sqlite(connection) => Tx::Sqlite(sqlx::Connection::begin(connection).await?),
            Exec::PostgresPool(pool) => Tx::Postgres(pool.begin().await?),
            Exec::Postgres(connection) => Tx::Postgres(sqlx::Connection::begin(connection).await?),
        })
    }
}

/// A transaction on either database; `&mut tx` runs store functions in it.
pub enum Tx<'c> {
    Sqlite(Transaction<'c, Sqlite>),
    Postgres(Transaction<'c, Postgres>),
}

impl Tx<'_> {
    pub async fn commit(self) -> sqlx::Result<()> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await,
            Tx::Postgres(tx) => tx.commit().await,
        }
    }

    pub async fn rollback(self) -> sqlx::Result<()> {
        match self {
            Tx::Sqlite(tx) => tx.rollback().await,
            Tx::Postgres(tx) => tx.rollback().await,
        }
    }
}

impl<'c> From<&'c mut Tx<'_>> for Exec<'c> {
    fn from(tx: &'c mut Tx<'_>) -> Self {
        match tx {
            Tx::Sqlite(tx) => Exec::Sqlite(tx),
            Tx::Postgres(tx) => Exec::Postgres(tx),
        }
    }
}

impl<'c> From<&'c SqlitePool> for Exec<'c> {
    fn from(pool: &'c SqlitePool) -> Self {
        Exec::SqlitePool(pool)
    }
}

impl<'c> From<&'c mut SqliteConnection> for Exec<'c> {
    fn from(connection: &'c mut SqliteConnection) -> Self {
        Exec::Sqlite(connection)
    }
}

impl<'c> From<&'c mut Transaction<'_, Sqlite>> for Exec<'c> {
    fn from(transaction: &'c mut Transaction<'_, Sqlite>) -> Self {
        Exec::Sqlite(transaction)
    }
}

impl<'c> From<&'c mut Transaction<'_, Postgres>> for Exec<'c> {
    fn from(transaction: &'c mut Transaction<'_, Postgres>) -> Self {
        Exec::Postgres(transaction)
    }
}

impl<'c> From<&'c mut PoolConnection<Sqlite>> for Exec<'c> {
    fn from(connection: &'c mut PoolConnection<Sqlite>) -> Self {
        Exec::Sqlite(connection)
    }
}

impl<'c> From<&'c mut PoolConnection<Postgres>> for Exec<'c> {
    fn from(connection: &'c mut PoolConnection<Postgres>) -> Self {
        Exec::Postgres(connection)
    }
}

impl<'c> From<&'c PgPool> for Exec<'c> {
    fn from(pool: &'c PgPool) -> Self {
        Exec::PostgresPool(pool)
    }
}

impl<'c> From<&'c mut PgConnection> for Exec<'c> {
    fn from(connection: &'c mut PgConnection) -> Self {
        Exec::Postgres(connection)
    }
}

/// Runs `$sqlite` or `$postgres` with `$connection` bound to a connection of that database:
/// the one given, or one taken from the pool given for this query.
macro_rules! per_database {
    ($exec:expr, |$connection:ident| sqlite: $sqlite:expr, postgres: $postgres:expr $(,)?) => {{
        let exec: $crate::store::db::Exec<'_> = $exec.into();
        match exec {
            #[cfg(not(feature = "prepare-postgres"))]
            $crate::store::db::Exec::SqlitePool(pool) => {
                let mut held = pool.acquire().await?;
                let $connection: &mut ::sqlx::SqliteConnection = &mut held;
                $sqlite
            }
            #[cfg(not(feature = "prepare-postgres"))]
            $crate::store::db::Exec::Sqlite($connection) => $sqlite,
            #[cfg(not(feature = "prepare-sqlite"))]
            $crate::store::db::Exec::PostgresPool(pool) => {
                let mut held = pool.acquire().await?;
                let $connection: &mut ::sqlx::PgConnection = &mut held;
                $postgres
            }
            #[cfg(not(feature = "prepare-sqlite"))]
            $crate::store::db::Exec::Postgres($connection) => $postgres,
            #[allow(unreachable_patterns)]
            _ => unreachable!("this build prepares the other database's queries"),
        }
    }};
}

/// One SQL text for both databases: `shared!(exec, fetch_one, query_scalar!("…", args…))`,
/// with `query!` (then only `execute`, which answers the rows affected), `query_scalar!` or
/// `query_as!(Type, "…", args…)`.
macro_rules! shared {
    ($exec:expr, execute, query!($sql:literal $(, $arg:expr)* $(,)?)) => {
        $crate::store::db::per_database!($exec, |connection|
            sqlite: ::sqlx::query!($sql $(, $arg)*)
                .execute(connection).await.map(|done| done.rows_affected()),
            postgres: ::sqlx::query!($sql + "\n-- PostgreSQL" $(, $arg)*)
                .execute(connection).await.map(|done| done.rows_affected()),
        )
    };
    ($exec:expr, $fetch:ident, query_scalar!($sql:literal $(, $arg:expr)* $(,)?)) => {
        $crate::store::db::per_database!($exec, |connection|
            sqlite: ::sqlx::query_scalar!($sql $(, $arg)*).$fetch(connection).await,
            postgres: ::sqlx::query_scalar!($sql + "\n-- PostgreSQL" $(, $arg)*)
                .$fetch(connection).await,
        )
    };
    ($exec:expr, $fetch:ident, query_as!($out:path, $sql:literal $(, $arg:expr)* $(,)?)) => {
        $crate::store::db::per_database!($exec, |connection|
            sqlite: ::sqlx::query_as!($out, $sql $(, $arg)*).$fetch(connection).await,
            postgres: ::sqlx::query_as!($out, $sql + "\n-- PostgreSQL" $(, $arg)*)
                .$fetch(connection).await,
        )
    };
}

pub(crate) use per_database;
pub(crate) use shared;
