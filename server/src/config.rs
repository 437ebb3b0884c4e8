//! Command line and environment (PRODUCT.md §7), parsed by clap and then validated into typed
//! settings. A bad value becomes a [`ConfigError`] that names the setting.

use std::{fmt, net::SocketAddr, str::FromStr, time::Duration};

use app::domain::{repository::RepoName, version::DEFAULT_TAG_PREFIX};
use clap::{Args, Parser, Subcommand};
use sqlx::{postgres::PgConnectOptions, sqlite::SqliteConnectOptions};
use url::Url;

pub use self::units::{parse_interval, parse_size};
use crate::http::bodies::BodyLimits;

mod units;

const MAX_BODY: &str = "RELEASEDESK_MAX_BODY (--max-body)";

#[derive(Debug, Parser)]
#[command(
    name = "releasedesk",
    version,
    about = "Release Desk: release management for GitHub projects"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web app, the API and webhooks.
    Serve(Box<ServeArgs>),
    /// Apply database migrations, then exit.
    Migrate(DatabaseArgs),
    /// Load the built-in demo project into the database, then exit.
    Demo(DatabaseArgs),
    /// Manage the tracked repositories.
    #[command(subcommand)]
    Repo(RepoCommand),
    /// Sync one tracked repository from GitHub now.
    Sync(SyncArgs),
    /// Manage API tokens for CI jobs and bots.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Write the public site as static files, for any static host or CDN.
    Export(ExportArgs),
    /// The GitHub App this server acts as.
    #[command(subcommand)]
    App(AppCommand),
    /// The local administrator.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Copy a SQLite installation into a new, empty PostgreSQL database, then exit.
    MigrateData(MigrateDataArgs),
}

#[derive(Debug, Args)]
pub struct MigrateDataArgs {
    /// The SQLite database to copy, as `sqlite://PATH`; read, never changed.
    #[arg(long)]
    pub from: String,
    /// The PostgreSQL database to fill, as `postgres://USER:PASSWORD@HOST/NAME`; it must be empty.
    #[arg(long)]
    pub to: String,
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Print a one-time link that signs the local administrator in to the running server
    /// (it works once, for 15 minutes, also when people sign in with GitHub).
    Link(AdminLinkArgs),
}

#[derive(Debug, Args)]
pub struct AdminLinkArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// The address people reach Release Desk at, e.g. https://releases.example.org.
    #[arg(long, env = "RELEASEDESK_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// The address the server listens on, for the link when there is no public address.
    #[arg(long, env = "RELEASEDESK_BIND", default_value = "127.0.0.1:3000")]
    pub bind: String,
}

impl AdminLinkArgs {
    /// Where the link points: the public address, else the one the server listens on.
    pub fn base_url(&self) -> Result<Url, ConfigError> {
        match non_empty(self.public_url.clone()) {
            Some(url) => http_url(PUBLIC_URL, &url),
            None => http_url(BIND, &format!("http://{}/", self.bind.trim())),
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum AppCommand {
    /// Say which GitHub App is set up and where it is installed (never its secrets).
    Show(DatabaseArgs),
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The folder to write (created; a folder of an earlier export is replaced).
    #[arg(long)]
    pub out: std::path::PathBuf,
    /// The address the files will be served from, e.g. https://cdn.example.org/releases/.
    /// Without it, pages link relatively and work at any address; feeds, calendars and
    /// endoflife.date answers link from the host's root.
    #[arg(long)]
    pub base_url: Option<String>,
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Folder with the built stylesheet (cargo-leptos's site root).
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: String,
}

impl ExportArgs {
    /// The base address, validated.
    pub fn base_url(&self) -> Result<Option<Url>, ConfigError> {
        non_empty(self.base_url.clone())
            .map(|url| http_url("--base-url", &url))
            .transpose()
    }
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create an API token for one repository and print it (the only time it is shown).
    Create(TokenCreateArgs),
}

/// Scopes as one comma-separated value (a `Vec` would make clap expect repeated flags).
pub type ScopeList = Vec<app::domain::access::Scope>;

#[derive(Debug, Args)]
pub struct TokenCreateArgs {
    /// The repository, as OWNER/NAME.
    #[arg(value_parser = RepoName::parse)]
    pub repository: RepoName,
    /// What the token may change: checklists, incidents, releases (comma-separated).
    #[arg(long, value_parser = app::domain::access::parse_scopes)]
    pub scope: ScopeList,
    /// A name to tell the token apart, e.g. "release workflow".
    #[arg(long, default_value = "command line")]
    pub label: String,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

#[derive(Debug, Subcommand)]
pub enum RepoCommand {
    /// Track a GitHub repository (sync it next with `releasedesk sync`).
    Add(RepoAddArgs),
    /// List the tracked repositories.
    List(DatabaseArgs),
}

#[derive(Debug, Args)]
pub struct RepoAddArgs {
    /// The repository, as OWNER/NAME.
    #[arg(value_parser = RepoName::parse)]
    pub repository: RepoName,
    /// What precedes the version in tag names, e.g. `app-v` in a monorepo.
    #[arg(long, default_value = DEFAULT_TAG_PREFIX)]
    pub tag_prefix: String,
    #[command(flatten)]
    pub database: DatabaseArgs,
}

#[derive(Debug, Args)]
pub struct SyncArgs {
    /// The repository, as OWNER/NAME.
    #[arg(value_parser = RepoName::parse)]
    pub repository: RepoName,
    #[command(flatten)]
    pub database: DatabaseArgs,
    #[command(flatten)]
    pub github: GitHubArgs,
    /// Key that opens the GitHub App's sealed credentials (as `serve`'s).
    #[arg(long, env = "RELEASEDESK_SECRET_KEY", hide_env_values = true)]
    pub secret_key: Option<String>,
}

#[derive(Debug, Args)]
pub struct GitHubArgs {
    /// GitHub REST API base URL (GitHub Enterprise, or a fake in tests).
    #[arg(
        long,
        env = "RELEASEDESK_GITHUB_API_URL",
        default_value = "https://api.github.com"
    )]
    pub github_api_url: String,
    /// Token for syncing from GitHub.
    #[arg(long, env = "RELEASEDESK_GITHUB_TOKEN", hide_env_values = true)]
    pub github_token: Option<String>,
}

/// Where the sync reaches GitHub, validated.
#[derive(Clone, Debug)]
pub struct GitHubApi {
    pub url: Url,
    pub token: Option<Secret>,
}

impl GitHubApi {
    pub fn from_args(args: &GitHubArgs) -> Result<GitHubApi, ConfigError> {
        Ok(GitHubApi {
            url: http_url(
                "RELEASEDESK_GITHUB_API_URL (--github-api-url)",
                &args.github_api_url,
            )?,
            token: args
                .github_token
                .clone()
                .filter(|t| !t.trim().is_empty())
                .map(Secret),
        })
    }

    /// GitHub's web address beside this API, for links to what the API reported:
    /// `https://github.com` for `https://api.github.com`, the host of an Enterprise server's
    /// `/api/v3`.
    pub fn web(&self) -> String {
        if self.url.host_str() == Some("api.github.com") {
            return "https://github.com".to_owned();
        }
        let url = self.url.as_str().trim_end_matches('/');
        url.strip_suffix("/api/v3").unwrap_or(url).to_owned()
    }
}

#[derive(Debug, Args)]
pub struct DatabaseArgs {
    /// SQLite database, as `sqlite://PATH` (created when missing).
    #[arg(
        long,
        env = "RELEASEDESK_DATABASE_URL",
        default_value = "sqlite://releasedesk.db"
    )]
    pub database_url: String,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Address and port to listen on.
    #[arg(long, env = "RELEASEDESK_BIND", default_value = "127.0.0.1:3000")]
    pub bind: String,
    /// The address people reach Release Desk at, e.g. https://releases.example.org.
    #[arg(long, env = "RELEASEDESK_PUBLIC_URL")]
    pub public_url: Option<String>,
    #[command(flatten)]
    pub github: GitHubArgs,
    /// OAuth app client id for signing in with GitHub.
    #[arg(long, env = "RELEASEDESK_GITHUB_CLIENT_ID")]
    pub github_client_id: Option<String>,
    /// OAuth app client secret.
    #[arg(long, env = "RELEASEDESK_GITHUB_CLIENT_SECRET", hide_env_values = true)]
    pub github_client_secret: Option<String>,
    /// GitHub web base URL for the OAuth flow.
    #[arg(
        long,
        env = "RELEASEDESK_GITHUB_OAUTH_URL",
        default_value = "https://github.com"
    )]
    pub github_oauth_url: String,
    /// Secret that GitHub signs webhook deliveries with.
    #[arg(long, env = "RELEASEDESK_WEBHOOK_SECRET", hide_env_values = true)]
    pub webhook_secret: Option<String>,
    /// Key that encrypts stored GitHub tokens and signs what needs signing.
    #[arg(long, env = "RELEASEDESK_SECRET_KEY", hide_env_values = true)]
    pub secret_key: Option<String>,
    /// How often every tracked repository is reconciled with GitHub: e.g. 30s, 15m, 1h.
    #[arg(long, env = "RELEASEDESK_SYNC_INTERVAL", default_value = "15m")]
    pub sync_interval: String,
    /// Folder with the built stylesheet, scripts and WebAssembly (cargo-leptos's site root).
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: String,
    /// Load the built-in demo project before serving.
    #[arg(long)]
    pub demo: bool,
    /// The largest request body any route takes: bytes, or with K or M (KiB, MiB).
    #[arg(long, env = "RELEASEDESK_MAX_BODY", default_value = "4M")]
    pub max_body: String,
    /// The longest a client may take to send a request's body.
    #[arg(long, env = "RELEASEDESK_BODY_TIMEOUT", default_value = "30s")]
    pub body_timeout: String,
    /// The longest a client may take to send a request's headers.
    #[arg(long, env = "RELEASEDESK_HEADER_TIMEOUT", default_value = "10s")]
    pub header_timeout: String,
    /// Open connections at most; by default the file-descriptor limit less 64.
    #[arg(long, env = "RELEASEDESK_MAX_CONNECTIONS")]
    pub max_connections: Option<String>,
    /// Sign-ins started per minute from one address (raise it where many people share one).
    #[arg(long, env = "RELEASEDESK_SIGN_IN_LIMIT", default_value = "30")]
    pub sign_in_limit: String,
    /// SMTP server for mail: smtp://user:pass@host:587 (STARTTLS) or smtps://host:465; without
    /// it, mail is kept in the local outbox at /admin/outbox.
    #[arg(long, env = "RELEASEDESK_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// The sender of every mail, e.g. "Release Desk <releases@example.org>".
    #[arg(
        long,
        env = "RELEASEDESK_MAIL_FROM",
        default_value = "Release Desk <releasedesk@localhost>"
    )]
    pub mail_from: String,
    /// Requests to subscribe by mail per 10 minutes from one address (raise it behind a proxy,
    /// where everyone shares its address).
    #[arg(long, env = "RELEASEDESK_SUBSCRIBE_LIMIT", default_value = "10")]
    pub subscribe_limit: String,
    /// Let outgoing hooks reach loopback, private and link-local addresses: true or false.
    #[arg(long, env = "RELEASEDESK_HOOKS_ALLOW_PRIVATE", default_value = "false")]
    pub hooks_allow_private: String,
}

/// A bad setting: printed as one line, and the program exits with status 2.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid {setting}: {message}")]
pub struct ConfigError {
    pub setting: &'static str,
    pub message: String,
}

impl ConfigError {
    pub fn new(setting: &'static str, message: impl Into<String>) -> Self {
        ConfigError {
            setting,
            message: message.into(),
        }
    }
}

/// A value that must never reach logs: `Debug` prints a placeholder.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(****)")
    }
}

#[derive(Clone, Debug)]
pub struct Database {
    /// As given, for messages.
    pub url: String,
    pub options: SqliteConnectOptions,
}

pub const DATABASE_URL: &str = "RELEASEDESK_DATABASE_URL (--database-url)";
pub const MIGRATE_FROM: &str = "--from";
pub const MIGRATE_TO: &str = "--to";
pub const BIND: &str = "RELEASEDESK_BIND (--bind)";
pub const PUBLIC_URL: &str = "RELEASEDESK_PUBLIC_URL (--public-url)";

impl Database {
    pub fn from_args(args: &DatabaseArgs) -> Result<Database, ConfigError> {
        let url = args.database_url.trim();
        if !url.starts_with("sqlite:") {
            return Err(ConfigError::new(
                DATABASE_URL,
                format!("'{url}' is not a SQLite URL; expected sqlite://PATH, e.g. sqlite://releasedesk.db"),
            ));
        }
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|err| ConfigError::new(DATABASE_URL, format!("'{url}': {err}")))?;
        Ok(Database {
            url: url.to_owned(),
            options,
        })
    }
}

/// `migrate-data`'s two databases, validated.
#[derive(Debug)]
pub struct MigrateData {
    /// The source, opened read-only and never created.
    pub from: Database,
    /// The target as given, without its password, for messages.
    pub to_label: String,
    pub to: PgConnectOptions,
}

impl MigrateData {
    pub fn from_args(args: &MigrateDataArgs) -> Result<MigrateData, ConfigError> {
        let from = Database::from_args(&DatabaseArgs {
            database_url: args.from.clone(),
        })
        .map_err(|err| ConfigError::new(MIGRATE_FROM, err.message))?;
        let from = Database {
            options: from.options.read_only(true).create_if_missing(false),
            ..from
        };
        let to_url = args.to.trim();
        if !(to_url.starts_with("postgres://") || to_url.starts_with("postgresql://")) {
            return Err(ConfigError::new(
                MIGRATE_TO,
                format!(
                    "'{}' is not a PostgreSQL URL; expected postgres://USER:PASSWORD@HOST/NAME",
                    without_password(to_url)
                ),
            ));
        }
        let to_label = without_password(to_url);
        let to = PgConnectOptions::from_str(to_url)
            .map_err(|err| ConfigError::new(MIGRATE_TO, format!("'{to_label}': {err}")))?;
        Ok(MigrateData { from, to_label, to })
    }
}

/// A database URL fit for messages: its password, if any, as `***`.
fn without_password(url: &str) -> String {
    match Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

#[derive(Clone, Debug)]
pub struct OAuthApp {
    pub client_id: String,
    pub client_secret: Secret,
}

/// Everything `serve` needs, validated.
#[derive(Clone, Debug)]
pub struct ServeConfig {
    pub database: Database,
    pub bind: SocketAddr,
    pub public_url: Option<Url>,
    pub github: GitHubApi,
    pub oauth: Option<OAuthApp>,
    pub github_oauth_url: Url,
    pub webhook_secret: Option<Secret>,
    pub secret_key: Option<Secret>,
    pub sync_interval: Duration,
    pub site_root: String,
    pub demo: bool,
    pub bodies: BodyLimits,
    /// `None`: from the file-descriptor limit, when serving starts.
    pub max_connections: Option<usize>,
    pub header_timeout: Duration,
    pub sign_in_limit: u32,
    /// `None`: mail goes to the local outbox.
    pub smtp_url: Option<Secret>,
    pub mail_from: lettre::message::Mailbox,
    pub hooks_allow_private: bool,
    pub subscribe_limit: u32,
}

impl ServeConfig {
    pub fn from_args(args: ServeArgs) -> Result<ServeConfig, ConfigError> {
        let secret = |value: Option<String>| value.filter(|v| !v.is_empty()).map(Secret);
        let oauth = match (
            non_empty(args.github_client_id),
            secret(args.github_client_secret),
        ) {
            (Some(client_id), Some(client_secret)) => Some(OAuthApp {
                client_id,
                client_secret,
            }),
            (None, None) => None,
            (Some(_), None) => {
                return Err(ConfigError::new(
                    "RELEASEDESK_GITHUB_CLIENT_SECRET (--github-client-secret)",
                    "missing; it is needed together with RELEASEDESK_GITHUB_CLIENT_ID",
                ))
            }
            (None, Some(_)) => {
                return Err(ConfigError::new(
                    "RELEASEDESK_GITHUB_CLIENT_ID (--github-client-id)",
                    "missing; it is needed together with RELEASEDESK_GITHUB_CLIENT_SECRET",
                ))
            }
        };
        Ok(ServeConfig {
            database: Database::from_args(&args.database)?,
            bind: args.bind.trim().parse().map_err(|_| {
                ConfigError::new(
                    BIND,
                    format!("'{}' is not an address like 127.0.0.1:3000", args.bind),
                )
            })?,
            public_url: non_empty(args.public_url)
                .map(|url| http_url(PUBLIC_URL, &url))
                .transpose()?,
            github: GitHubApi::from_args(&args.github)?,
            oauth,
            github_oauth_url: http_url(
                "RELEASEDESK_GITHUB_OAUTH_URL (--github-oauth-url)",
                &args.github_oauth_url,
            )?,
            webhook_secret: secret(args.webhook_secret),
            secret_key: match secret(args.secret_key) {
                Some(key) if key.expose().chars().count() < 16 => {
                    return Err(ConfigError::new(
                        "RELEASEDESK_SECRET_KEY (--secret-key)",
                        "too short; use at least 16 random characters, e.g. `openssl rand -hex 32`",
                    ))
                }
                key => key,
            },
            sync_interval: parse_interval(&args.sync_interval).map_err(|message| {
                ConfigError::new("RELEASEDESK_SYNC_INTERVAL (--sync-interval)", message)
            })?,
            site_root: args.site_root,
            demo: args.demo,
            bodies: BodyLimits {
                max_bytes: parse_size(&args.max_body)
                    .map_err(|message| ConfigError::new(MAX_BODY, message))?,
                read_timeout: parse_interval(&args.body_timeout).map_err(|message| {
                    ConfigError::new("RELEASEDESK_BODY_TIMEOUT (--body-timeout)", message)
                })?,
                ..BodyLimits::default()
            },
            sign_in_limit: positive_count(&args.sign_in_limit).ok_or_else(|| {
                ConfigError::new(
                    "RELEASEDESK_SIGN_IN_LIMIT (--sign-in-limit)",
                    format!(
                        "'{}' is not a number of sign-ins a minute like 30",
                        args.sign_in_limit
                    ),
                )
            })?,
            max_connections: match non_empty(args.max_connections) {
                None => None,
                Some(text) => Some(text.parse().ok().filter(|n| *n > 0).ok_or_else(|| {
                    ConfigError::new(
                        "RELEASEDESK_MAX_CONNECTIONS (--max-connections)",
                        format!("'{text}' is not a number of connections like 1000"),
                    )
                })?),
            },
            header_timeout: parse_interval(&args.header_timeout).map_err(|message| {
                ConfigError::new("RELEASEDESK_HEADER_TIMEOUT (--header-timeout)", message)
            })?,
            smtp_url: match secret(args.smtp_url) {
                Some(url) => {
                    crate::notify::mail::smtp_transport(url.expose())
                        .map_err(|message| ConfigError::new(SMTP_URL, message))?;
                    Some(url)
                }
                None => None,
            },
            mail_from: args.mail_from.trim().parse().map_err(|_| {
                ConfigError::new(
                    "RELEASEDESK_MAIL_FROM (--mail-from)",
                    format!(
                        "'{}' is not a sender like \"Release Desk <releases@example.org>\"",
                        args.mail_from
                    ),
                )
            })?,
            subscribe_limit: positive_count(&args.subscribe_limit).ok_or_else(|| {
                ConfigError::new(
                    "RELEASEDESK_SUBSCRIBE_LIMIT (--subscribe-limit)",
                    format!(
                        "'{}' is not a number of requests per 10 minutes like 10",
                        args.subscribe_limit
                    ),
                )
            })?,
            hooks_allow_private: match args.hooks_allow_private.trim() {
                "true" | "1" | "yes" => true,
                "false" | "0" | "no" | "" => false,
                other => {
                    return Err(ConfigError::new(
                        "RELEASEDESK_HOOKS_ALLOW_PRIVATE (--hooks-allow-private)",
                        format!("'{other}' is not true or false"),
                    ))
                }
            },
        })
    }
}

const SMTP_URL: &str = "RELEASEDESK_SMTP_URL (--smtp-url)";

/// A whole number above zero, such as a limit per minute.
fn positive_count(text: &str) -> Option<u32> {
    text.trim().parse().ok().filter(|n| *n > 0)
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

fn http_url(setting: &'static str, value: &str) -> Result<Url, ConfigError> {
    let url = Url::parse(value.trim())
        .map_err(|err| ConfigError::new(setting, format!("'{value}' is not a URL ({err})")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err(ConfigError::new(
            setting,
            format!("'{value}' is not an http(s) URL"),
        ));
    }
    Ok(url)
}

#[cfg(test)]
mod tests;
