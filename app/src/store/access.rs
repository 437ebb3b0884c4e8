//! People, their roles per repository, and API tokens.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use sqlx::SqliteExecutor;

use crate::domain::access::{parse_scopes, Person, Role, Scope, TokenHolder};

/// How long a role read from GitHub is trusted when GitHub cannot be asked again.
pub const ROLE_MAX_AGE: Duration = Duration::hours(1);

/// A GitHub account as `/user` describes it.
pub struct GithubUser<'a> {
    pub github_id: i64,
    pub login: &'a str,
    pub name: Option<&'a str>,
    pub avatar_url: Option<&'a str>,
}

/// A person's GitHub token, sealed, with the refresh token and expiry a GitHub App's tokens
/// come with (an OAuth App's never expire).
pub struct SealedTokens {
    pub access: Vec<u8>,
    pub refresh: Option<Vec<u8>>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// Creates or refreshes a GitHub user and stores their (sealed) tokens; returns the user id.
pub async fn upsert_github_user(
    db: impl SqliteExecutor<'_>,
    user: &GithubUser<'_>,
    tokens: &SealedTokens,
) -> sqlx::Result<i64> {
    let now = Utc::now();
    sqlx::query_scalar!(
        r#"INSERT INTO users (github_id, login, name, avatar_url, github_token,
                              github_refresh_token, github_token_expires_at,
                              roles_checked_at, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)
           ON CONFLICT (github_id) DO UPDATE SET
               login = excluded.login, name = excluded.name, avatar_url = excluded.avatar_url,
               github_token = excluded.github_token,
               github_refresh_token = excluded.github_refresh_token,
               github_token_expires_at = excluded.github_token_expires_at,
               roles_checked_at = NULL, updated_at = excluded.updated_at
           RETURNING id AS "id!""#,
        user.github_id,
        user.login,
        user.name,
        user.avatar_url,
        tokens.access,
        tokens.refresh,
        tokens.expires_at,
        now,
        now,
    )
    .fetch_one(db)
    .await
}

/// Keeps the tokens a refresh brought.
pub async fn set_github_tokens(
    db: impl SqliteExecutor<'_>,
    user_id: i64,
    tokens: &SealedTokens,
) -> sqlx::Result<()> {
    let now = Utc::now();
    sqlx::query!(
        r#"UPDATE users SET github_token = ?, github_refresh_token = ?,
                            github_token_expires_at = ?, updated_at = ?
           WHERE id = ?"#,
        tokens.access,
        tokens.refresh,
        tokens.expires_at,
        now,
        user_id,
    )
    .execute(db)
    .await?;
    Ok(())
}

/// The local administrator of a server without OAuth; created on first use.
pub async fn local_admin(db: &sqlx::SqlitePool) -> sqlx::Result<i64> {
    let now = Utc::now();
    sqlx::query!(
        "INSERT INTO users (github_id, login, name, local_admin, created_at, updated_at)
         SELECT NULL, 'admin', 'Local administrator', 1, ?, ?
         WHERE NOT EXISTS (SELECT 1 FROM users WHERE local_admin = 1)",
        now,
        now,
    )
    .execute(db)
    .await?;
    sqlx::query_scalar!(r#"SELECT id AS "id!" FROM users WHERE local_admin = 1 LIMIT 1"#)
        .fetch_one(db)
        .await
}

/// Keeps the hash of a new sign-in link for the local administrator, replacing any earlier one.
pub async fn replace_admin_link(
    db: &sqlx::SqlitePool,
    token_hash: &str,
    expires_at: DateTime<Utc>,
) -> sqlx::Result<()> {
    let mut tx = db.begin().await?;
    sqlx::query!("DELETE FROM admin_sign_in_links")
        .execute(&mut *tx)
        .await?;
    sqlx::query!(
        "INSERT INTO admin_sign_in_links (token_hash, expires_at) VALUES (?, ?)",
        token_hash,
        expires_at,
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// Spends the sign-in link with this hash: true when there was one and it had not expired.
pub async fn redeem_admin_link(
    db: impl SqliteExecutor<'_>,
    token_hash: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let expires_at = sqlx::query_scalar!(
        r#"DELETE FROM admin_sign_in_links WHERE token_hash = ?
           RETURNING expires_at AS "expires_at: DateTime<Utc>""#,
        token_hash,
    )
    .fetch_optional(db)
    .await?;
    Ok(expires_at.is_some_and(|expires_at| now < expires_at))
}

/// A user as the access layer needs them.
pub struct UserRecord {
    pub person: Person,
    pub github_token: Option<Vec<u8>>,
    pub github_refresh_token: Option<Vec<u8>>,
    pub github_token_expires_at: Option<DateTime<Utc>>,
    pub roles_checked_at: Option<DateTime<Utc>>,
}

pub async fn find_user(
    db: impl SqliteExecutor<'_>,
    user_id: i64,
) -> sqlx::Result<Option<UserRecord>> {
    let row = sqlx::query!(
        r#"SELECT id AS "id!", login, name, avatar_url, github_token, github_refresh_token,
                  github_token_expires_at AS "github_token_expires_at: DateTime<Utc>",
                  local_admin AS "local_admin: bool",
                  roles_checked_at AS "roles_checked_at: DateTime<Utc>"
           FROM users WHERE id = ?"#,
        user_id,
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|row| UserRecord {
        person: Person {
            user_id: row.id,
            login: row.login,
            name: row.name,
            avatar_url: row.avatar_url,
            local_admin: row.local_admin,
        },
        github_token: row.github_token,
        github_refresh_token: row.github_refresh_token,
        github_token_expires_at: row.github_token_expires_at,
        roles_checked_at: row.roles_checked_at,
    }))
}

/// Records the roles just read from GitHub, replacing the ones read before.
pub async fn set_roles(
    db: &mut sqlx::SqliteConnection,
    user_id: i64,
    roles: &[(i64, Role)],
) -> sqlx::Result<()> {
    let now = Utc::now();
    for (repository_id, role) in roles {
        let role = role.as_str();
        sqlx::query!(
            "INSERT INTO memberships (user_id, repository_id, role, checked_at) VALUES (?, ?, ?, ?)
             ON CONFLICT (user_id, repository_id)
             DO UPDATE SET role = excluded.role, checked_at = excluded.checked_at",
            user_id,
            repository_id,
            role,
            now,
        )
        .execute(&mut *db)
        .await?;
    }
    sqlx::query!(
        "UPDATE users SET roles_checked_at = ? WHERE id = ?",
        now,
        user_id
    )
    .execute(&mut *db)
    .await?;
    Ok(())
}

/// Marks the roles as checked without changing them, so a failing GitHub is not asked again
/// on every request; stale roles still expire after [`ROLE_MAX_AGE`].
pub async fn postpone_role_check(db: impl SqliteExecutor<'_>, user_id: i64) -> sqlx::Result<()> {
    let now = Utc::now();
    sqlx::query!(
        "UPDATE users SET roles_checked_at = ? WHERE id = ?",
        now,
        user_id
    )
    .execute(db)
    .await?;
    Ok(())
}

/// The person's role in a repository: maintainer for the local administrator; otherwise what
/// GitHub said within [`ROLE_MAX_AGE`]; viewer when unknown.
pub async fn role(
    db: impl SqliteExecutor<'_>,
    person: &Person,
    repository_id: i64,
) -> sqlx::Result<Role> {
    if person.local_admin {
        return Ok(Role::Maintainer);
    }
    let fresh_since = Utc::now() - ROLE_MAX_AGE;
    let role = sqlx::query_scalar!(
        r#"SELECT role FROM memberships
           WHERE user_id = ? AND repository_id = ? AND checked_at >= ?"#,
        person.user_id,
        repository_id,
        fresh_since,
    )
    .fetch_optional(db)
    .await?;
    Ok(role
        .as_deref()
        .and_then(Role::parse)
        .unwrap_or(Role::Viewer))
}

/// An API token as listed to maintainers: never the token itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenSummary {
    pub id: i64,
    pub label: String,
    pub scopes: Vec<Scope>,
    pub hint: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

pub struct NewToken<'a> {
    pub repository_id: i64,
    pub label: &'a str,
    pub scopes: &'a [Scope],
    pub token_hash: &'a str,
    pub hint: &'a str,
    pub created_by: &'a str,
}

pub async fn insert_token(db: impl SqliteExecutor<'_>, token: &NewToken<'_>) -> sqlx::Result<i64> {
    let now = Utc::now();
    let scopes = join_scopes(token.scopes);
    sqlx::query_scalar!(
        r#"INSERT INTO api_tokens (repository_id, label, scopes, token_hash, hint, created_by,
                                   created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)
           RETURNING id AS "id!""#,
        token.repository_id,
        token.label,
        scopes,
        token.token_hash,
        token.hint,
        token.created_by,
        now,
    )
    .fetch_one(db)
    .await
}

/// The live token with this hash, and its use recorded.
pub async fn use_token(
    db: impl SqliteExecutor<'_>,
    token_hash: &str,
) -> sqlx::Result<Option<TokenHolder>> {
    let now = Utc::now();
    let row = sqlx::query!(
        r#"UPDATE api_tokens SET last_used_at = ?
           WHERE token_hash = ? AND revoked_at IS NULL
           RETURNING id AS "id!", repository_id, scopes"#,
        now,
        token_hash,
    )
    .fetch_optional(db)
    .await?;
    Ok(row.map(|row| TokenHolder {
        token_id: row.id,
        repository_id: row.repository_id,
        scopes: parse_scopes(&row.scopes).unwrap_or_default(),
    }))
}

/// Every token of a repository, live ones first, newest first.
pub async fn list_tokens(
    db: impl SqliteExecutor<'_>,
    repository_id: i64,
) -> sqlx::Result<Vec<TokenSummary>> {
    let rows = sqlx::query!(
        r#"SELECT id AS "id!", label, scopes, hint, created_by,
                  created_at AS "created_at: DateTime<Utc>",
                  last_used_at AS "last_used_at: DateTime<Utc>",
                  revoked_at AS "revoked_at: DateTime<Utc>"
           FROM api_tokens WHERE repository_id = ?
           ORDER BY revoked_at IS NOT NULL, created_at DESC, id DESC"#,
        repository_id,
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| TokenSummary {
            id: row.id,
            label: row.label,
            scopes: parse_scopes(&row.scopes).unwrap_or_default(),
            hint: row.hint,
            created_by: row.created_by,
            created_at: row.created_at,
            last_used_at: row.last_used_at,
            revoked_at: row.revoked_at,
        })
        .collect())
}

/// Revokes a token of the repository; false when there is no such live token.
pub async fn revoke_token(
    db: impl SqliteExecutor<'_>,
    repository_id: i64,
    token_id: i64,
) -> sqlx::Result<bool> {
    let now = Utc::now();
    let result = sqlx::query!(
        "UPDATE api_tokens SET revoked_at = ?
         WHERE id = ? AND repository_id = ? AND revoked_at IS NULL",
        now,
        token_id,
        repository_id,
    )
    .execute(db)
    .await?;
    Ok(result.rows_affected() == 1)
}

fn join_scopes(scopes: &[Scope]) -> String {
    scopes
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// A token's label, for the audit log.
pub async fn token_label(
    db: impl SqliteExecutor<'_>,
    token_id: i64,
) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar!("SELECT label FROM api_tokens WHERE id = ?", token_id)
        .fetch_optional(db)
        .await
}
