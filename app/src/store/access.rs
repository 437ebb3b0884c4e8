//! People, their roles per repository, and API tokens.

use crate::store::db::{per_database, shared, Exec};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::access::{parse_scopes, Person, Role, Scope, TokenHolder};

/// A user's row.
struct UserRow {
    id: i64,
    login: String,
    name: Option<String>,
    avatar_url: Option<String>,
    github_token: Option<Vec<u8>>,
    github_refresh_token: Option<Vec<u8>>,
    github_token_expires_at: Option<DateTime<Utc>>,
    local_admin: bool,
    roles_checked_at: Option<DateTime<Utc>>,
}

/// A token just used: which, for which repository, allowed what.
struct UsedToken {
    id: i64,
    repository_id: i64,
    scopes: String,
}

/// A token's row, its scopes as stored.
struct TokenRow {
    id: i64,
    label: String,
    scopes: String,
    hint: String,
    created_by: String,
    created_at: DateTime<Utc>,
    last_used_at: Option<DateTime<Utc>>,
    revoked_at: Option<DateTime<Utc>>,
}

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
    db: impl Into<Exec<'_>>,
    user: &GithubUser<'_>,
    tokens: &SealedTokens,
) -> sqlx::Result<i64> {
    let now = Utc::now();
    shared!(
        db,
        fetch_one,
        query_scalar!(
            r#"INSERT INTO users (github_id, login, name, avatar_url, github_token,
                              github_refresh_token, github_token_expires_at,
                              roles_checked_at, created_at, updated_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, $8, $9)
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
            tokens.expires_at as _,
            now as _,
            now as _,
        )
    )
}

/// Keeps the tokens a refresh brought.
pub async fn set_github_tokens(
    db: impl Into<Exec<'_>>,
    user_id: i64,
    tokens: &SealedTokens,
) -> sqlx::Result<()> {
    let now = Utc::now();
    shared!(
        db,
        execute,
        query!(
            r#"UPDATE users SET github_token = $1, github_refresh_token = $2,
                            github_token_expires_at = $3, updated_at = $4
           WHERE id = $5"#,
            tokens.access,
            tokens.refresh,
            tokens.expires_at as _,
            now as _,
            user_id,
        )
    )?;
    Ok(())
}

/// The local administrator of a server without OAuth; created on first use.
pub async fn local_admin(db: impl Into<Exec<'_>>) -> sqlx::Result<i64> {
    let mut db = db.into();
    let now = Utc::now();
    shared!(
        db.reborrow(),
        execute,
        query!(
            "INSERT INTO users (github_id, login, name, local_admin, created_at, updated_at)
         SELECT NULL, 'admin', 'Local administrator', TRUE, $1, $1
         WHERE NOT EXISTS (SELECT 1 FROM users WHERE local_admin)",
            now as _,
        )
    )?;
    shared!(
        db,
        fetch_one,
        query_scalar!(r#"SELECT id AS "id!" FROM users WHERE local_admin LIMIT 1"#)
    )
}

/// Keeps the hash of a new sign-in link for the local administrator, replacing any earlier one.
pub async fn replace_admin_link(
    db: impl Into<Exec<'_>>,
    token_hash: &str,
    expires_at: DateTime<Utc>,
) -> sqlx::Result<()> {
    // One link at a time: the old one goes in the same transaction.
    per_database!(db, |connection|
        sqlite: {
            let mut tx = sqlx::Connection::begin(connection).await?;
            sqlx::query!("DELETE FROM admin_sign_in_links").execute(&mut *tx).await?;
            sqlx::query!(
                "INSERT INTO admin_sign_in_links (token_hash, expires_at) VALUES ($1, $2)",
                token_hash,
                expires_at as _,
            )
            .execute(&mut *tx)
            .await?;
            tx.commit().await
        },
        postgres: {
            let mut tx = sqlx::Connection::begin(connection).await?;
            sqlx::query!("DELETE FROM admin_sign_in_links" + "\n-- PostgreSQL")
                .execute(&mut *tx)
                .await?;
            sqlx::query!(
                "INSERT INTO admin_sign_in_links (token_hash, expires_at) VALUES ($1, $2)"
                    + "\n-- PostgreSQL",
                token_hash,
                expires_at as _,
            )
            .execute(&mut *tx)
            .await?;
            tx.commit().await
        },
    )
}

/// Spends the sign-in link with this hash: true when there was one and it had not expired.
pub async fn redeem_admin_link(
    db: impl Into<Exec<'_>>,
    token_hash: &str,
    now: DateTime<Utc>,
) -> sqlx::Result<bool> {
    let expires_at = shared!(
        db,
        fetch_optional,
        query_scalar!(
            r#"DELETE FROM admin_sign_in_links WHERE token_hash = $1
           RETURNING expires_at AS "expires_at!: DateTime<Utc>""#,
            token_hash,
        )
    )?;
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

pub async fn find_user(db: impl Into<Exec<'_>>, user_id: i64) -> sqlx::Result<Option<UserRecord>> {
    let row = shared!(
        db,
        fetch_optional,
        query_as!(
            UserRow,
            r#"SELECT id AS "id!", login AS "login!", name, avatar_url, github_token,
                  github_refresh_token,
                  github_token_expires_at AS "github_token_expires_at?: DateTime<Utc>",
                  local_admin AS "local_admin!: bool",
                  roles_checked_at AS "roles_checked_at?: DateTime<Utc>"
           FROM users WHERE id = $1"#,
            user_id,
        )
    )?;
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
    db: impl Into<Exec<'_>>,
    user_id: i64,
    roles: &[(i64, Role)],
) -> sqlx::Result<()> {
    let mut db = db.into();
    let now = Utc::now();
    for (repository_id, role) in roles {
        let role = role.as_str();
        shared!(db.reborrow(), execute, query!(
            "INSERT INTO memberships (user_id, repository_id, role, checked_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (user_id, repository_id)
             DO UPDATE SET role = excluded.role, checked_at = excluded.checked_at",
            user_id,
            repository_id,
            role,
            now as _,
        ))?;
    }
    shared!(
        db.reborrow(),
        execute,
        query!(
            "UPDATE users SET roles_checked_at = $1 WHERE id = $2",
            now as _,
            user_id
        )
    )?;
    Ok(())
}

/// Marks the roles as checked without changing them, so a failing GitHub is not asked again
/// on every request; stale roles still expire after [`ROLE_MAX_AGE`].
pub async fn postpone_role_check(db: impl Into<Exec<'_>>, user_id: i64) -> sqlx::Result<()> {
    let now = Utc::now();
    shared!(
        db,
        execute,
        query!(
            "UPDATE users SET roles_checked_at = $1 WHERE id = $2",
            now as _,
            user_id
        )
    )?;
    Ok(())
}

/// The person's role in a repository: maintainer for the local administrator; otherwise what
/// GitHub said within [`ROLE_MAX_AGE`]; viewer when unknown.
pub async fn role(
    db: impl Into<Exec<'_>>,
    person: &Person,
    repository_id: i64,
) -> sqlx::Result<Role> {
    if person.local_admin {
        return Ok(Role::Maintainer);
    }
    let fresh_since = Utc::now() - ROLE_MAX_AGE;
    let role = shared!(
        db,
        fetch_optional,
        query_scalar!(
            r#"SELECT role FROM memberships
           WHERE user_id = $1 AND repository_id = $2 AND checked_at >= $3"#,
            person.user_id,
            repository_id,
            fresh_since as _,
        )
    )?;
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

pub async fn insert_token(db: impl Into<Exec<'_>>, token: &NewToken<'_>) -> sqlx::Result<i64> {
    let now = Utc::now();
    let scopes = join_scopes(token.scopes);
    shared!(
        db,
        fetch_one,
        query_scalar!(
            r#"INSERT INTO api_tokens (repository_id, label, scopes, token_hash, hint, created_by,
                                   created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7)
           RETURNING id AS "id!""#,
            token.repository_id,
            token.label,
            scopes,
            token.token_hash,
            token.hint,
            token.created_by,
            now as _,
        )
    )
}

/// The live token with this hash, and its use recorded.
pub async fn use_token(
    db: impl Into<Exec<'_>>,
    token_hash: &str,
) -> sqlx::Result<Option<TokenHolder>> {
    let now = Utc::now();
    let row = shared!(
        db,
        fetch_optional,
        query_as!(
            UsedToken,
            r#"UPDATE api_tokens SET last_used_at = $1
           WHERE token_hash = $2 AND revoked_at IS NULL
           RETURNING id AS "id!", repository_id AS "repository_id!", scopes AS "scopes!""#,
            now as _,
            token_hash,
        )
    )?;
    Ok(row.map(|row| TokenHolder {
        token_id: row.id,
        repository_id: row.repository_id,
        scopes: parse_scopes(&row.scopes).unwrap_or_default(),
    }))
}

/// Every token of a repository, live ones first, newest first.
pub async fn list_tokens(
    db: impl Into<Exec<'_>>,
    repository_id: i64,
) -> sqlx::Result<Vec<TokenSummary>> {
    let rows = shared!(
        db,
        fetch_all,
        query_as!(
            TokenRow,
            r#"SELECT id AS "id!", label AS "label!", scopes AS "scopes!", hint AS "hint!",
                  created_by AS "created_by!", created_at AS "created_at!: DateTime<Utc>",
                  last_used_at AS "last_used_at?: DateTime<Utc>",
                  revoked_at AS "revoked_at?: DateTime<Utc>"
           FROM api_tokens WHERE repository_id = $1
           ORDER BY revoked_at IS NOT NULL, created_at DESC, id DESC"#,
            repository_id,
        )
    )?;
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
    db: impl Into<Exec<'_>>,
    repository_id: i64,
    token_id: i64,
) -> sqlx::Result<bool> {
    let now = Utc::now();
    let result = shared!(
        db,
        execute,
        query!(
            "UPDATE api_tokens SET revoked_at = $1
         WHERE id = $2 AND repository_id = $3 AND revoked_at IS NULL",
            now as _,
            token_id,
            repository_id,
        )
    )?;
    Ok(result == 1)
}

fn join_scopes(scopes: &[Scope]) -> String {
    scopes
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// A token's label, for the audit log.
pub async fn token_label(db: impl Into<Exec<'_>>, token_id: i64) -> sqlx::Result<Option<String>> {
    shared!(
        db,
        fetch_optional,
        query_scalar!("SELECT label FROM api_tokens WHERE id = $1", token_id)
    )
}
