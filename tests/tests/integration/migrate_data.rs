//! `releasedesk migrate-data` into a real PostgreSQL (tests/src/postgres.rs): the demo, a
//! repository synced from the fake GitHub and a row in every other table arrive row for row;
//! a database that holds data is refused and left alone; and the PostgreSQL migrations are
//! safe when several servers start at once.

use clap::Parser;
use releasedesk::{
    config::Cli,
    migrate_data::{copy, MigrateError},
    run,
};
use releasedesk_tests::{
    fake_github::{alloy_repo, FakeGitHub},
    postgres,
};
use sqlx::{PgPool, Row, SqlitePool};

fn command(args: &[&str]) -> releasedesk::config::Command {
    Cli::try_parse_from(std::iter::once("releasedesk").chain(args.iter().copied()))
        .expect("arguments parse")
        .command
}

/// The rows the demo and a sync leave out, one per table, with blobs, NULLs and both flags.
const EVERY_OTHER_TABLE: &str = "
INSERT INTO users (github_id, login, name, avatar_url, github_token, local_admin,
                   roles_checked_at, created_at, updated_at, github_refresh_token)
VALUES (583231, 'octocat', NULL, NULL, x'00ff10', 0, NULL, '2026-01-02T03:04:05Z',
        '2026-01-02T03:04:05Z', x'');
INSERT INTO users (login, local_admin, created_at, updated_at)
VALUES ('admin', 1, '2026-01-02T03:04:05Z', '2026-01-02T03:04:05Z');
INSERT INTO memberships (user_id, repository_id, role, checked_at)
SELECT u.id, r.id, 'maintainer', '2026-01-02T03:04:05Z' FROM users u, repositories r
WHERE u.login = 'octocat';
INSERT INTO api_tokens (repository_id, label, scopes, token_hash, hint, created_by, created_at)
SELECT id, 'CI', 'checklists:write', 'hash-' || id, 'abcd', 'octocat', '2026-01-02T03:04:05Z'
FROM repositories;
INSERT INTO webhook_deliveries (delivery_id, event, received_at, body_sha256)
VALUES ('72d3162e-cc78-11e3-81ab-4c9367dc0958', 'release', '2026-01-02T03:04:05Z', NULL);
INSERT INTO withdrawals (version_id, reason, superseded_by, withdrawn_by, withdrawn_at,
                         original_prerelease, original_body)
SELECT MIN(id), 'Broken build', NULL, 'octocat', '2026-01-02T03:04:05Z', 1, 'notes'
FROM versions;
INSERT INTO checklist_templates (repository_id, kind, revision, body, edited_by, edited_at)
SELECT id, 'patch', 2, '## Before\n- [ ] Tests pass', 'octocat', '2026-01-02T03:04:05Z'
FROM repositories;
INSERT INTO github_writes (repository_id, version_id, action, request, detail, status, answer,
                           by, at)
SELECT repository_id, id, 'status', 'POST /repos/acme/orbit/statuses/abc', 'gate', 201, 'ok',
       'octocat', '2026-01-02T03:04:05Z'
FROM versions ORDER BY id LIMIT 1;
INSERT INTO subscriptions (repository_id, email, topics, lines, created_at, confirmed_at)
SELECT id, 'Ada@example.org', 'releases incidents', '2.x', '2026-01-02T03:04:05Z', NULL
FROM repositories;
INSERT INTO hooks (repository_id, url, events, secret, format, active, created_by, created_at,
                   updated_at)
SELECT id, 'https://hooks.example.org/' || id, 'releases', x'0102030405', 'slack', 0, 'octocat',
       '2026-01-02T03:04:05Z', '2026-01-02T03:04:05Z'
FROM repositories;
INSERT INTO events (repository_id, key, topic, lines, payload, created_at)
SELECT id, 'release:v1', 'releases', '1.x', '{\"tag\":\"v1\"}', '2026-01-02T03:04:05Z'
FROM repositories;
INSERT INTO deliveries (uid, event_id, subscription_id, hook_id, state, attempts,
                        next_attempt_at, created_at, last_status)
SELECT 'uid-s-' || e.id, e.id, s.id, NULL, 'sent', 1, '2026-01-02T03:04:05Z',
       '2026-01-02T03:04:05Z', 250
FROM events e JOIN subscriptions s ON s.repository_id = e.repository_id;
INSERT INTO deliveries (uid, event_id, subscription_id, hook_id, next_attempt_at, created_at)
SELECT 'uid-h-' || e.id, e.id, NULL, h.id, '2026-01-02T03:04:05Z', '2026-01-02T03:04:05Z'
FROM events e JOIN hooks h ON h.repository_id = e.repository_id;
INSERT INTO local_mail (delivery_uid, recipient, subject, headers, text_body, html_body,
                        created_at)
VALUES ('uid-s-1', 'Ada@example.org', 'Orbit 2.0.0', 'To: Ada@example.org', 'Hello', '<p>Hello</p>',
        '2026-01-02T03:04:05Z');
INSERT INTO github_app (id, app_id, slug, name, owner_login, html_url, client_id,
                        client_secret_sealed, private_key_sealed, webhook_secret_sealed,
                        created_at)
VALUES (1, 1234, 'release-desk', 'Release Desk', 'acme', 'https://github.com/apps/release-desk',
        'Iv1.abc', x'01', x'0203', x'040506', '2026-01-02T03:04:05Z');
INSERT INTO github_installations (id, account_login, created_at, deleted_at)
VALUES (98765, 'acme', '2026-01-02T03:04:05Z', NULL);
INSERT INTO admin_sign_in_links (token_hash, expires_at)
VALUES ('f00d', '2026-01-02T03:19:05Z');
";

/// A SQLite installation with the demo, grafana/alloy synced from the fake GitHub, and at
/// least one row in every table.
async fn full_installation(dir: &tempfile::TempDir) -> (SqlitePool, String) {
    let fake = FakeGitHub::start().await;
    fake.put_repo("grafana/alloy", alloy_repo());
    let db = format!("sqlite://{}", dir.path().join("old.db").display());
    for args in [
        vec!["demo", "--database-url", &db],
        vec!["repo", "add", "grafana/alloy", "--database-url", &db],
        vec![
            "sync",
            "grafana/alloy",
            "--database-url",
            &db,
            "--github-api-url",
            &fake.url,
        ],
    ] {
        run(command(&args)).await.expect("the command succeeds");
    }
    let pool = app::store::connect(db.parse().expect("options"))
        .await
        .expect("database");
    sqlx::raw_sql(EVERY_OTHER_TABLE)
        .execute(&pool)
        .await
        .expect("the other tables are filled");
    (pool, db)
}

async fn postgres_pool() -> PgPool {
    let pool = PgPool::connect(&postgres::database().await)
        .await
        .expect("PostgreSQL");
    app::store::POSTGRES_MIGRATOR
        .run(&pool)
        .await
        .expect("PostgreSQL migrations apply");
    pool
}

/// Every row of `table` as text, sorted, the (non-generated) columns as PostgreSQL lists
/// them. Each side is read as it is stored, not through the copy's conversions: flags as
/// 0/1 and BOOLEAN, times as SQLite's RFC 3339 text (parsed here) and TIMESTAMPTZ, which
/// keeps microseconds.
async fn rows_of(table: &str, sqlite: &SqlitePool, pg: &PgPool) -> [Vec<Vec<String>>; 2] {
    let columns: Vec<(String, String)> = sqlx::query(
        "SELECT column_name::text, data_type::text FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name = $1 AND is_generated = 'NEVER'
         ORDER BY ordinal_position",
    )
    .bind(table)
    .fetch_all(pg)
    .await
    .expect("columns")
    .iter()
    .map(|row| (row.get(0), row.get(1)))
    .collect();
    let names: Vec<&str> = columns.iter().map(|(name, _)| name.as_str()).collect();
    let select = format!("SELECT {} FROM {table}", names.join(", "));
    let show = |value: Option<String>| value.unwrap_or_else(|| "NULL".to_owned());
    let micros = |text: String| {
        let time = chrono::DateTime::parse_from_rfc3339(&text)
            .unwrap_or_else(|err| panic!("{table}: '{text}' is not RFC 3339: {err}"));
        time.timestamp_micros().to_string()
    };

    let mut from_sqlite: Vec<Vec<String>> = sqlx::query(&select)
        .fetch_all(sqlite)
        .await
        .expect("SQLite rows")
        .iter()
        .map(|row| {
            columns
                .iter()
                .enumerate()
                .map(|(i, (_, data_type))| match data_type.as_str() {
                    "bigint" => show(row.get::<Option<i64>, _>(i).map(|n| n.to_string())),
                    "boolean" => show(row.get::<Option<i64>, _>(i).map(|n| (n == 1).to_string())),
                    "bytea" => show(row.get::<Option<Vec<u8>>, _>(i).map(hex::encode)),
                    "timestamp with time zone" => show(row.get::<Option<String>, _>(i).map(micros)),
                    _ => show(row.get::<Option<String>, _>(i)),
                })
                .collect()
        })
        .collect();
    let mut from_pg: Vec<Vec<String>> = sqlx::query(&select)
        .fetch_all(pg)
        .await
        .expect("PostgreSQL rows")
        .iter()
        .map(|row| {
            columns
                .iter()
                .enumerate()
                .map(|(i, (_, data_type))| match data_type.as_str() {
                    "bigint" => show(row.get::<Option<i64>, _>(i).map(|n| n.to_string())),
                    "boolean" => show(row.get::<Option<bool>, _>(i).map(|b| b.to_string())),
                    "bytea" => show(row.get::<Option<Vec<u8>>, _>(i).map(hex::encode)),
                    "timestamp with time zone" => show(
                        row.get::<Option<chrono::DateTime<chrono::Utc>>, _>(i)
                            .map(|time| time.timestamp_micros().to_string()),
                    ),
                    "date" => show(
                        row.get::<Option<chrono::NaiveDate>, _>(i)
                            .map(|day| day.to_string()),
                    ),
                    _ => show(row.get::<Option<String>, _>(i)),
                })
                .collect()
        })
        .collect();
    from_sqlite.sort();
    from_pg.sort();
    [from_sqlite, from_pg]
}

#[tokio::test]
async fn every_table_arrives_row_for_row() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let (sqlite, db) = full_installation(&dir).await;
    let pg = postgres_pool().await;

    let copied = copy(&sqlite, &db, &pg).await.expect("the copy succeeds");

    let tables: Vec<&str> = copied.iter().map(|table| table.table.as_str()).collect();
    assert_eq!(tables.last(), Some(&"data_version"));
    assert!(
        tables.iter().position(|t| *t == "repositories")
            < tables.iter().position(|t| *t == "versions")
            && tables.iter().position(|t| *t == "versions")
                < tables.iter().position(|t| *t == "tags"),
        "parents first: {tables:?}"
    );
    for table in &copied {
        assert!(table.rows > 0, "{} was empty in the source", table.table);
        let [from_sqlite, from_pg] = rows_of(&table.table, &sqlite, &pg).await;
        assert_eq!(from_sqlite.len() as i64, table.rows, "{}", table.table);
        assert_eq!(from_sqlite, from_pg, "{} differs", table.table);
    }
    let copied_tables: Vec<String> = copied.iter().map(|table| table.table.clone()).collect();
    let schema_tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
           AND table_name <> '_sqlx_migrations' ORDER BY 1",
    )
    .fetch_all(&pg)
    .await
    .expect("tables");
    let mut sorted = copied_tables.clone();
    sorted.sort();
    assert_eq!(sorted, schema_tables, "every table is copied");

    // The triggers kept `public` as the source had it, and new rows get new ids.
    let next: i64 = sqlx::query_scalar(
        "INSERT INTO repositories (owner, name, created_at) VALUES ('new', 'one', 'now') RETURNING id",
    )
    .fetch_one(&pg)
    .await
    .expect("a new repository");
    let highest: i64 = sqlx::query_scalar("SELECT MAX(id) FROM repositories")
        .fetch_one(&sqlite)
        .await
        .expect("ids");
    assert!(next > highest, "new id {next} after the copied {highest}");
}

#[tokio::test]
async fn a_database_with_data_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let (sqlite, db) = full_installation(&dir).await;
    let pg = postgres_pool().await;
    copy(&sqlite, &db, &pg)
        .await
        .expect("the first copy succeeds");
    let before = rows_of("versions", &sqlite, &pg).await;

    let err = copy(&sqlite, &db, &pg)
        .await
        .expect_err("a second copy is refused");

    assert!(
        matches!(err, MigrateError::TargetNotEmpty { ref table, rows } if rows > 0 && !table.is_empty()),
        "{err}"
    );
    assert!(err.to_string().contains("not empty"), "{err}");
    assert_eq!(rows_of("versions", &sqlite, &pg).await, before);
}

#[tokio::test]
async fn a_source_behind_this_release_is_refused() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let db = format!("sqlite://{}", dir.path().join("bare.db").display());
    let bare = app::store::connect(db.parse().expect("options"))
        .await
        .expect("database");
    sqlx::raw_sql(
        "CREATE TABLE _sqlx_migrations (version BIGINT PRIMARY KEY, success BOOLEAN NOT NULL)",
    )
    .execute(&bare)
    .await
    .expect("an empty migration table");
    let pg = postgres_pool().await;

    let err = copy(&bare, &db, &pg).await.expect_err("refused");

    assert!(matches!(err, MigrateError::SourceNotMigrated(_)), "{err}");
    assert!(err.to_string().contains("releasedesk migrate"), "{err}");
}

#[tokio::test]
async fn servers_starting_together_apply_the_postgresql_migrations_once() {
    let url = postgres::database().await;
    let mut starts = Vec::new();
    for _ in 0..4 {
        let url = url.clone();
        starts.push(tokio::spawn(async move {
            let pool = PgPool::connect(&url).await.expect("PostgreSQL");
            app::store::POSTGRES_MIGRATOR.run(&pool).await
        }));
    }
    for start in starts {
        start
            .await
            .expect("the task ends")
            .expect("every server's migrations succeed");
    }
    let pool = PgPool::connect(&url).await.expect("PostgreSQL");
    let applied: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations WHERE success")
        .fetch_one(&pool)
        .await
        .expect("applied migrations");
    assert_eq!(applied, app::store::POSTGRES_MIGRATOR.iter().count() as i64);
}
