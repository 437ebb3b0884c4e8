//! `releasedesk migrate-data`: a SQLite installation copied into a new PostgreSQL database.
//!
//! The copy follows the target's schema, as the PostgreSQL migrations made it: every table,
//! parents before children, every column but the generated ones. It reads one snapshot of the
//! source and writes in one transaction, which commits only when each table holds as many rows
//! as the source. Sessions stay behind: people sign in again.
//!
//! The queries are built from the two schemas at run time, so they are the one place where sqlx
//! cannot check SQL at compile time; a table or column that the two schemas do not share stops
//! the copy, and nothing is committed.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use futures::TryStreamExt;
use sqlx::{
    sqlite::SqliteRow, PgConnection, PgPool, Postgres, QueryBuilder, Row, SqliteConnection,
    SqlitePool,
};

/// Source tables left behind on purpose: sessions (people sign in again) and bookkeeping.
const NOT_COPIED: &[&str] = &["tower_sessions", "_sqlx_migrations"];
/// The table the migrations seed with one row: replaced by the source's row, copied last so
/// that the triggers firing during the copy do not move it.
const DATA_VERSION: &str = "data_version";
/// Rows per INSERT: well under PostgreSQL's 65,535 parameters for the widest table.
const ROWS_PER_INSERT: usize = 500;

#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    #[error(
        "the PostgreSQL database is not empty: {table} has {rows} row(s); \
         migrate-data fills a new, empty database only"
    )]
    TargetNotEmpty { table: String, rows: i64 },
    #[error(
        "the SQLite database is not at this release's schema: run `releasedesk migrate \
         --database-url {0}` first"
    )]
    SourceNotMigrated(String),
    #[error("the two schemas differ: {0}")]
    Schema(String),
    #[error("{table}, row {row}, column {column}: {problem}")]
    Value {
        table: String,
        row: u64,
        column: String,
        problem: String,
    },
    #[error(
        "{table}: the source has {source_rows} row(s) but {copied} arrived; nothing was written"
    )]
    Count {
        table: String,
        source_rows: i64,
        copied: i64,
    },
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

/// How many rows one table received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopiedTable {
    pub table: String,
    pub rows: i64,
}

/// A column's type in the PostgreSQL schema, which says how to read the SQLite value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Integer,
    Boolean,
    Text,
    Bytes,
    /// TIMESTAMPTZ; SQLite keeps RFC 3339 text, which sqlx reads in any of its forms.
    Time,
    /// DATE; SQLite keeps `YYYY-MM-DD`.
    Day,
}

#[derive(Debug, Clone)]
struct Column {
    name: String,
    kind: Kind,
    identity: bool,
}

/// One value on its way: read from SQLite as its PostgreSQL column wants it.
enum Value {
    Integer(Option<i64>),
    Boolean(Option<bool>),
    Text(Option<String>),
    Bytes(Option<Vec<u8>>),
    Time(Option<DateTime<Utc>>),
    Day(Option<NaiveDate>),
}

/// Copies everything from `source` into `target`, which the PostgreSQL migrations must have
/// made and nobody must have filled. Returns each table's rows, in the order copied.
pub async fn copy(
    source: &SqlitePool,
    source_url: &str,
    target: &PgPool,
) -> Result<Vec<CopiedTable>, MigrateError> {
    if !app::store::migrations_applied(source).await? {
        return Err(MigrateError::SourceNotMigrated(source_url.to_owned()));
    }
    // One read transaction: a snapshot, even while a server writes to the file.
    let mut reading = source.begin().await?;
    let mut writing = target.begin().await?;
    // Two copies at once would both find the database empty.
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext('releasedesk migrate-data'))")
        .execute(&mut *writing)
        .await?;

    let columns = target_columns(&mut writing).await?;
    let order = copy_order(
        columns.keys().cloned().collect(),
        &foreign_keys(&mut writing).await?,
    )?;
    check_source_tables(&mut reading, &columns).await?;
    for table in &order {
        let rows: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&mut *writing)
            .await?;
        if rows > 0 && table != DATA_VERSION {
            return Err(MigrateError::TargetNotEmpty {
                table: table.clone(),
                rows,
            });
        }
    }
    sqlx::query("DELETE FROM data_version")
        .execute(&mut *writing)
        .await?;

    let mut copied = Vec::with_capacity(order.len());
    for table in &order {
        let table_columns = &columns[table];
        check_source_columns(&mut reading, table, table_columns).await?;
        let rows = copy_table(&mut reading, &mut writing, table, table_columns).await?;
        let source_rows: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&mut *reading)
            .await?;
        let arrived: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&mut *writing)
            .await?;
        if rows != source_rows || arrived != source_rows {
            return Err(MigrateError::Count {
                table: table.clone(),
                source_rows,
                copied: arrived,
            });
        }
        for column in table_columns.iter().filter(|column| column.identity) {
            // The next id follows the copied ones.
            sqlx::query(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', '{name}'), \
                 COALESCE((SELECT MAX({name}) FROM {table}), 0) + 1, false)",
                name = column.name
            ))
            .execute(&mut *writing)
            .await?;
        }
        copied.push(CopiedTable {
            table: table.clone(),
            rows,
        });
    }
    writing.commit().await?;
    reading.rollback().await?;
    Ok(copied)
}

/// Tables in an order where each comes after every table it refers to, the data version
/// last; alphabetical among equals, so the order is the same on every run.
fn copy_order(
    tables: BTreeSet<String>,
    refers_to: &[(String, String)],
) -> Result<Vec<String>, MigrateError> {
    let mut waiting: BTreeMap<String, BTreeSet<String>> = tables
        .iter()
        .map(|table| {
            let parents = refers_to
                .iter()
                .filter(|(child, parent)| child == table && parent != table)
                .map(|(_, parent)| parent.clone())
                .collect();
            (table.clone(), parents)
        })
        .collect();
    let mut order = Vec::with_capacity(tables.len());
    while !waiting.is_empty() {
        let ready: Vec<String> = waiting
            .iter()
            .filter(|(table, parents)| {
                parents.iter().all(|parent| !waiting.contains_key(parent))
                    && (table.as_str() != DATA_VERSION || waiting.len() == 1)
            })
            .map(|(table, _)| table.clone())
            .collect();
        if ready.is_empty() {
            let stuck: Vec<&str> = waiting.keys().map(String::as_str).collect();
            return Err(MigrateError::Schema(format!(
                "the foreign keys of {} refer to each other in a circle",
                stuck.join(", ")
            )));
        }
        for table in ready {
            waiting.remove(&table);
            order.push(table);
        }
    }
    Ok(order)
}

/// Every table of the target's schema with its columns in order, generated ones left out.
async fn target_columns(
    target: &mut PgConnection,
) -> Result<BTreeMap<String, Vec<Column>>, MigrateError> {
    let rows = sqlx::query(
        "SELECT c.table_name::text, c.column_name::text, c.data_type::text, c.is_identity::text
         FROM information_schema.columns c
         JOIN information_schema.tables t
           ON t.table_schema = c.table_schema AND t.table_name = c.table_name
         WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
           AND c.is_generated = 'NEVER' AND c.table_name <> '_sqlx_migrations'
         ORDER BY c.table_name, c.ordinal_position",
    )
    .fetch_all(&mut *target)
    .await?;
    let mut tables: BTreeMap<String, Vec<Column>> = BTreeMap::new();
    for row in rows {
        let (table, name, data_type, identity): (String, String, String, String) = (
            row.try_get(0)?,
            row.try_get(1)?,
            row.try_get(2)?,
            row.try_get(3)?,
        );
        let kind = match data_type.as_str() {
            "bigint" => Kind::Integer,
            "boolean" => Kind::Boolean,
            "text" => Kind::Text,
            "bytea" => Kind::Bytes,
            "timestamp with time zone" => Kind::Time,
            "date" => Kind::Day,
            other => {
                return Err(MigrateError::Schema(format!(
                    "{table}.{name} is of type {other}, which migrate-data does not copy yet"
                )))
            }
        };
        tables.entry(table).or_default().push(Column {
            name,
            kind,
            identity: identity == "YES",
        });
    }
    Ok(tables)
}

/// (child, parent) for every foreign key of the target's schema.
async fn foreign_keys(target: &mut PgConnection) -> Result<Vec<(String, String)>, MigrateError> {
    let rows = sqlx::query(
        "SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint
         WHERE contype = 'f' AND connamespace = current_schema()::regnamespace",
    )
    .fetch_all(&mut *target)
    .await?;
    rows.iter()
        .map(|row| Ok((row.try_get(0)?, row.try_get(1)?)))
        .collect()
}

/// The source has exactly the target's tables, besides those left behind on purpose.
async fn check_source_tables(
    source: &mut SqliteConnection,
    target: &BTreeMap<String, Vec<Column>>,
) -> Result<(), MigrateError> {
    let source_tables: BTreeSet<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    )
    .fetch_all(&mut *source)
    .await?
    .into_iter()
    .filter(|name: &String| !NOT_COPIED.contains(&name.as_str()))
    .collect();
    let target_tables: BTreeSet<String> = target.keys().cloned().collect();
    if let Some(table) = source_tables.difference(&target_tables).next() {
        return Err(MigrateError::Schema(format!(
            "SQLite has table {table}, which PostgreSQL lacks"
        )));
    }
    if let Some(table) = target_tables.difference(&source_tables).next() {
        return Err(MigrateError::Schema(format!(
            "PostgreSQL has table {table}, which SQLite lacks"
        )));
    }
    Ok(())
}

/// The source table has exactly the target's columns (SQLite lists no generated ones).
async fn check_source_columns(
    source: &mut SqliteConnection,
    table: &str,
    columns: &[Column],
) -> Result<(), MigrateError> {
    let source_columns: BTreeSet<String> =
        sqlx::query_scalar("SELECT name FROM pragma_table_info($1)")
            .bind(table)
            .fetch_all(&mut *source)
            .await?
            .into_iter()
            .collect();
    let target_columns: BTreeSet<String> =
        columns.iter().map(|column| column.name.clone()).collect();
    if source_columns != target_columns {
        let only_source: Vec<&String> = source_columns.difference(&target_columns).collect();
        let only_target: Vec<&String> = target_columns.difference(&source_columns).collect();
        return Err(MigrateError::Schema(format!(
            "{table}: columns only in SQLite {only_source:?}, only in PostgreSQL {only_target:?}"
        )));
    }
    Ok(())
}

/// Streams one table from the source into the target, in batches; returns the rows copied.
async fn copy_table(
    source: &mut SqliteConnection,
    target: &mut PgConnection,
    table: &str,
    columns: &[Column],
) -> Result<i64, MigrateError> {
    let names: Vec<&str> = columns.iter().map(|column| column.name.as_str()).collect();
    let select = format!("SELECT {} FROM {table} ORDER BY rowid", names.join(", "));
    let mut rows = sqlx::query(&select).fetch(&mut *source);
    let mut batch: Vec<Vec<Value>> = Vec::with_capacity(ROWS_PER_INSERT);
    let mut copied: i64 = 0;
    while let Some(row) = rows.try_next().await? {
        copied += 1;
        batch.push(read_row(&row, table, copied as u64, columns)?);
        if batch.len() == ROWS_PER_INSERT {
            insert(target, table, &names, std::mem::take(&mut batch)).await?;
        }
    }
    if !batch.is_empty() {
        insert(target, table, &names, batch).await?;
    }
    Ok(copied)
}

fn read_row(
    row: &SqliteRow,
    table: &str,
    number: u64,
    columns: &[Column],
) -> Result<Vec<Value>, MigrateError> {
    let problem = |column: &Column, problem: String| MigrateError::Value {
        table: table.to_owned(),
        row: number,
        column: column.name.clone(),
        problem,
    };
    columns
        .iter()
        .enumerate()
        .map(|(index, column)| {
            let value = match column.kind {
                Kind::Integer => row.try_get(index).map(Value::Integer),
                Kind::Text => row.try_get(index).map(Value::Text),
                Kind::Bytes => row.try_get(index).map(Value::Bytes),
                Kind::Time => row.try_get(index).map(Value::Time),
                Kind::Day => row.try_get(index).map(Value::Day),
                Kind::Boolean => {
                    let flag: Option<i64> = row
                        .try_get(index)
                        .map_err(|err| problem(column, err.to_string()))?;
                    return match flag {
                        None => Ok(Value::Boolean(None)),
                        Some(0) => Ok(Value::Boolean(Some(false))),
                        Some(1) => Ok(Value::Boolean(Some(true))),
                        Some(other) => Err(problem(column, format!("{other} is not 0 or 1"))),
                    };
                }
            };
            value.map_err(|err| problem(column, err.to_string()))
        })
        .collect()
}

async fn insert(
    target: &mut PgConnection,
    table: &str,
    names: &[&str],
    rows: Vec<Vec<Value>>,
) -> Result<(), MigrateError> {
    let mut insert =
        QueryBuilder::<Postgres>::new(format!("INSERT INTO {table} ({}) ", names.join(", ")));
    insert.push_values(rows, |mut values, row| {
        for value in row {
            match value {
                Value::Integer(value) => values.push_bind(value),
                Value::Boolean(value) => values.push_bind(value),
                Value::Text(value) => values.push_bind(value),
                Value::Bytes(value) => values.push_bind(value),
                Value::Time(value) => values.push_bind(value),
                Value::Day(value) => values.push_bind(value),
            };
        }
    });
    insert.build().execute(&mut *target).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tables(names: &[&str]) -> BTreeSet<String> {
        names.iter().map(|name| name.to_string()).collect()
    }

    fn keys(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(child, parent)| (child.to_string(), parent.to_string()))
            .collect()
    }

    #[test]
    fn parents_come_before_children_and_the_data_version_last() {
        let order = copy_order(
            tables(&[
                "tags",
                "versions",
                "repositories",
                "data_version",
                "git_dates",
            ]),
            &keys(&[("tags", "versions"), ("versions", "repositories")]),
        )
        .expect("an order");
        assert_eq!(
            order,
            [
                "git_dates",
                "repositories",
                "versions",
                "tags",
                "data_version"
            ]
        );
    }

    #[test]
    fn a_table_referring_to_itself_is_not_stuck() {
        let order = copy_order(tables(&["nodes"]), &keys(&[("nodes", "nodes")])).expect("order");
        assert_eq!(order, ["nodes"]);
    }

    #[test]
    fn a_circle_of_foreign_keys_is_named() {
        let err = copy_order(tables(&["a", "b"]), &keys(&[("a", "b"), ("b", "a")]))
            .expect_err("no order exists");
        assert!(err.to_string().contains("a, b"), "{err}");
    }
}
