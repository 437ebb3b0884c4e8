//! GitHub webhooks (PRODUCT.md §5): signatures, event parsing, and applying events at once.
//! The periodic reconciliation sync catches whatever GitHub drops.

use app::store::{self, repositories::Repository, versions::GitTag};
use chrono::{DateTime, FixedOffset, Utc};
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;
use sqlx::SqliteConnection;

use crate::github::payload;

/// Checks `X-Hub-Signature-256` (`sha256=HEX`) against the body, in constant time.
pub fn signature_is_valid(secret: &str, body: &[u8], header: Option<&str>) -> bool {
    let Some(hex_digest) = header.and_then(|h| h.trim().strip_prefix("sha256=")) else {
        return false;
    };
    let Ok(expected) = hex::decode(hex_digest) else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return false;
    };
    mac.update(body);
    mac.verify_slice(&expected).is_ok()
}

/// What a delivery asks of us.
#[derive(Clone, Debug)]
pub enum Event {
    Ping,
    Release {
        action: String,
        release: payload::Release,
    },
    TagCreated {
        tag: String,
    },
    TagDeleted {
        tag: String,
    },
    TagPushed {
        tag: String,
        sha: String,
        at: Option<DateTime<Utc>>,
    },
    /// CI or security alerts changed for a commit (every commit when `None`: Dependabot's
    /// alerts are the repository's): read its evidence again.
    Evidence {
        commit: Option<String>,
    },
    /// A branch moved to `sha`: the gates of the plans prepared on it are written again.
    BranchPushed {
        branch: String,
        sha: String,
    },
    /// The GitHub App was installed, lost repositories or was removed.
    Installation(InstallationChange),
    /// Events and refs Release Desk has no use for (issues, stars...).
    Ignored,
}

/// What an `installation` or `installation_repositories` delivery changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InstallationChange {
    /// The App it is an installation of.
    pub app_id: i64,
    pub installation: i64,
    pub account: String,
    pub kind: InstallationKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InstallationKind {
    /// Installed (or back from suspension), or given these repositories: they are synced
    /// through it.
    Added(Vec<(String, String)>),
    /// These repositories were taken from it: they stop syncing.
    Removed(Vec<(String, String)>),
    /// Uninstalled or suspended: all its repositories stop syncing.
    Deleted,
}

/// A parsed delivery: its event, and the repository it is about.
#[derive(Clone, Debug)]
pub struct Delivery {
    pub repository: Option<(String, String)>,
    pub event: Event,
}

#[derive(Deserialize)]
struct Envelope {
    repository: Option<RepositoryRef>,
}

#[derive(Deserialize)]
struct RepositoryRef {
    name: String,
    owner: Owner,
}

#[derive(Deserialize)]
struct Owner {
    login: String,
}

#[derive(Deserialize)]
struct ReleaseEvent {
    action: String,
    release: payload::Release,
}

#[derive(Deserialize)]
struct RefEvent {
    #[serde(rename = "ref")]
    name: String,
    ref_type: String,
}

#[derive(Deserialize)]
struct PushEvent {
    #[serde(rename = "ref")]
    name: String,
    after: String,
    #[serde(default)]
    deleted: bool,
    head_commit: Option<HeadCommit>,
}

#[derive(Deserialize)]
struct HeadCommit {
    timestamp: DateTime<FixedOffset>,
}

/// The commit of a `check_run`, `check_suite` or `workflow_run` delivery: its object's
/// `head_sha`.
#[derive(Deserialize)]
struct HeadSha {
    head_sha: String,
}

#[derive(Deserialize)]
struct CheckRunEvent {
    check_run: HeadSha,
}

#[derive(Deserialize)]
struct CheckSuiteEvent {
    check_suite: HeadSha,
}

#[derive(Deserialize)]
struct WorkflowRunEvent {
    workflow_run: HeadSha,
}

#[derive(Deserialize)]
struct StatusEvent {
    sha: String,
}

#[derive(Deserialize)]
struct CodeScanningEvent {
    /// Empty when a person closed the alert.
    #[serde(default)]
    commit_oid: String,
}

#[derive(Deserialize)]
struct InstallationEvent {
    action: String,
    installation: InstallationRef,
    /// `installation` events list the repositories it can reach.
    #[serde(default)]
    repositories: Vec<FullName>,
    #[serde(default)]
    repositories_added: Vec<FullName>,
    #[serde(default)]
    repositories_removed: Vec<FullName>,
}

#[derive(Deserialize)]
struct InstallationRef {
    id: i64,
    app_id: i64,
    account: Owner,
}

#[derive(Deserialize)]
struct FullName {
    full_name: String,
}

/// `owner/name` pairs of the repositories a payload lists; anything else is not GitHub's.
fn full_names(list: Vec<FullName>) -> Result<Vec<(String, String)>, String> {
    list.into_iter()
        .map(|r| {
            app::domain::repository::RepoName::parse(&r.full_name)
                .map(|n| (n.owner, n.name))
                .map_err(|err| format!("'{}' is not a repository: {err}", r.full_name))
        })
        .collect()
}

fn installation(event: &str, body: &[u8]) -> Result<Event, String> {
    let fields =
        |err: serde_json::Error| format!("the {event} payload is not what GitHub sends: {err}");
    let payload: InstallationEvent = serde_json::from_slice(body).map_err(fields)?;
    let kind = match (event, payload.action.as_str()) {
        ("installation", "created" | "unsuspend" | "new_permissions_accepted") => {
            InstallationKind::Added(full_names(payload.repositories)?)
        }
        ("installation", "deleted" | "suspend") => InstallationKind::Deleted,
        ("installation_repositories", "added") => {
            InstallationKind::Added(full_names(payload.repositories_added)?)
        }
        ("installation_repositories", "removed") => {
            InstallationKind::Removed(full_names(payload.repositories_removed)?)
        }
        _ => return Ok(Event::Ignored),
    };
    Ok(Event::Installation(InstallationChange {
        app_id: payload.installation.app_id,
        installation: payload.installation.id,
        account: payload.installation.account.login,
        kind,
    }))
}

/// Parses a delivery of GitHub's `event` (the `X-GitHub-Event` header). A body that is not JSON,
/// or lacks what the event needs, is an error worded for the sender.
pub fn parse(event: &str, body: &[u8]) -> Result<Delivery, String> {
    let fields =
        |err: serde_json::Error| format!("the {event} payload is not what GitHub sends: {err}");
    let envelope: Envelope = serde_json::from_slice(body).map_err(fields)?;
    let repository = envelope.repository.map(|r| (r.owner.login, r.name));
    let event = match event {
        "ping" => Event::Ping,
        "release" => {
            let ReleaseEvent { action, release } = serde_json::from_slice(body).map_err(fields)?;
            Event::Release { action, release }
        }
        "create" | "delete" => {
            let RefEvent { name, ref_type } = serde_json::from_slice(body).map_err(fields)?;
            match (event, ref_type.as_str()) {
                ("create", "tag") => Event::TagCreated { tag: name },
                ("delete", "tag") => Event::TagDeleted { tag: name },
                _ => Event::Ignored,
            }
        }
        "push" => {
            let push: PushEvent = serde_json::from_slice(body).map_err(fields)?;
            match push.name.strip_prefix("refs/tags/") {
                Some(tag) if push.deleted => Event::TagDeleted {
                    tag: tag.to_owned(),
                },
                Some(tag) => Event::TagPushed {
                    tag: tag.to_owned(),
                    sha: push.after,
                    at: push.head_commit.map(|c| c.timestamp.to_utc()),
                },
                None => match push.name.strip_prefix("refs/heads/") {
                    Some(branch) if !push.deleted => Event::BranchPushed {
                        branch: branch.to_owned(),
                        sha: push.after,
                    },
                    _ => Event::Ignored,
                },
            }
        }
        "check_run" => evidence(
            serde_json::from_slice::<CheckRunEvent>(body)
                .map_err(fields)?
                .check_run
                .head_sha,
        ),
        "check_suite" => evidence(
            serde_json::from_slice::<CheckSuiteEvent>(body)
                .map_err(fields)?
                .check_suite
                .head_sha,
        ),
        "workflow_run" => evidence(
            serde_json::from_slice::<WorkflowRunEvent>(body)
                .map_err(fields)?
                .workflow_run
                .head_sha,
        ),
        "status" => evidence(
            serde_json::from_slice::<StatusEvent>(body)
                .map_err(fields)?
                .sha,
        ),
        "code_scanning_alert" => evidence(
            serde_json::from_slice::<CodeScanningEvent>(body)
                .map_err(fields)?
                .commit_oid,
        ),
        "dependabot_alert" => Event::Evidence { commit: None },
        "installation" | "installation_repositories" => installation(event, body)?,
        _ => Event::Ignored,
    };
    let about_the_app = matches!(event, Event::Ping | Event::Ignored | Event::Installation(_));
    if repository.is_none() && !about_the_app {
        return Err(format!(
            "the {} payload has no repository",
            event_name(&event)
        ));
    }
    Ok(Delivery { repository, event })
}

/// Evidence of one commit; of every commit when the event names none.
fn evidence(commit: String) -> Event {
    Event::Evidence {
        commit: Some(commit).filter(|sha| !sha.is_empty()),
    }
}

fn event_name(event: &Event) -> &'static str {
    match event {
        Event::Ping => "ping",
        Event::Release { .. } => "release",
        Event::TagCreated { .. } => "create",
        Event::TagDeleted { .. } => "delete",
        Event::TagPushed { .. } | Event::BranchPushed { .. } => "push",
        Event::Evidence { .. } => "CI or security",
        Event::Installation(_) => "installation",
        Event::Ignored => "other",
    }
}

/// Applies the event to `repo`'s data; the caller owns the transaction.
pub async fn apply(
    db: &mut SqliteConnection,
    repo: &Repository,
    event: &Event,
) -> sqlx::Result<()> {
    let now = Utc::now();
    match event {
        // Evidence is read by the scheduler, not from the delivery.
        Event::Ping
        | Event::Ignored
        | Event::Evidence { .. }
        | Event::BranchPushed { .. }
        | Event::Installation(_) => {}
        Event::Release { action, release } => {
            let id = store::versions::upsert(&mut *db, repo, &release.tag_name).await?;
            if action == "deleted" {
                store::versions::mark_release_deleted(&mut *db, id, now).await?;
            } else {
                let record = release.record();
                store::versions::upsert_release(&mut *db, id, &record).await?;
                store::versions::replace_assets(&mut *db, id, &release.asset_records()).await?;
            }
        }
        Event::TagCreated { tag } => {
            // `create` carries no SHA: record the tag now, dated now; the `push` GitHub sends
            // alongside, or the next sync, fills in the commit.
            let id = store::versions::upsert(&mut *db, repo, tag).await?;
            let known = store::versions::list_stored_tags(&mut *db, repo.id)
                .await?
                .into_iter()
                .any(|stored| stored.tag == *tag && !stored.commit_sha.is_empty());
            if !known {
                let git = GitTag {
                    commit_sha: "",
                    tag_object_sha: None,
                    tagged_at: Some(now),
                };
                store::versions::upsert_tag(&mut *db, id, &git).await?;
            }
        }
        Event::TagPushed { tag, sha, at } => {
            let id = store::versions::upsert(&mut *db, repo, tag).await?;
            let git = GitTag {
                commit_sha: sha,
                tag_object_sha: None,
                tagged_at: Some(at.unwrap_or(now)),
            };
            store::versions::upsert_tag(&mut *db, id, &git).await?;
        }
        Event::TagDeleted { tag } => {
            let id = store::versions::upsert(&mut *db, repo, tag).await?;
            store::versions::mark_tag_deleted(&mut *db, id, now).await?;
        }
    }
    app::service::checklists::start_new_versions(db, repo, now).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sign(secret: &str, body: &[u8]) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
        mac.update(body);
        format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
    }

    #[test]
    fn signatures() {
        let body = br#"{"zen":"Keep it logically awesome."}"#;
        let good = sign("s3cret", body);
        assert!(signature_is_valid("s3cret", body, Some(&good)));
        assert!(!signature_is_valid("other", body, Some(&good)));
        assert!(!signature_is_valid("s3cret", b"tampered", Some(&good)));
        assert!(!signature_is_valid("s3cret", body, None));
        assert!(!signature_is_valid("s3cret", body, Some("sha1=abc")));
        assert!(!signature_is_valid("s3cret", body, Some("sha256=not-hex")));
    }

    /// GitHub's own examples (`tests/fixtures/github/`).
    fn example(name: &str) -> Vec<u8> {
        let path = format!(
            "{}/../tests/fixtures/github/webhook-{name}.json",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read(&path).unwrap_or_else(|err| panic!("{path}: {err}"))
    }

    fn change(event: &str, name: &str) -> InstallationChange {
        match parse(event, &example(name)).map(|d| d.event) {
            Ok(Event::Installation(change)) => change,
            other => panic!("{name}: {other:?}"),
        }
    }

    #[test]
    fn installations_name_their_repositories() {
        let created = change("installation", "installation-created");
        assert_eq!(
            (
                created.app_id,
                created.installation,
                created.account.as_str()
            ),
            (29310, 957387, "Codertocat")
        );
        assert_eq!(
            created.kind,
            InstallationKind::Added(vec![("Codertocat".into(), "Hello-World".into())])
        );
        let added = change(
            "installation_repositories",
            "installation-repositories-added",
        );
        assert_eq!(
            added.kind,
            InstallationKind::Added(vec![("Codertocat".into(), "Space".into())])
        );
        let removed = change(
            "installation_repositories",
            "installation-repositories-removed",
        );
        assert_eq!(
            removed.kind,
            InstallationKind::Removed(vec![("octocat".into(), "Hello-World".into())])
        );
        let deleted = change("installation", "installation-deleted");
        assert_eq!(
            (deleted.installation, deleted.kind),
            (2, InstallationKind::Deleted)
        );
        let bad = br#"{"action":"created","installation":{"id":1,"app_id":2,"account":{"login":"a"}},"repositories":[{"full_name":"no-slash"}]}"#;
        assert!(parse("installation", bad).is_err());
    }

    #[test]
    fn bodies_that_are_not_payloads_are_refused() {
        assert!(parse("release", b"not json").is_err());
        assert!(parse(
            "release",
            br#"{"action":"published","repository":{"name":"r","owner":{"login":"o"}}}"#
        )
        .is_err());
        assert!(parse(
            "push",
            br#"{"repository":{"name":"r","owner":{"login":"o"}}}"#
        )
        .is_err());
        assert!(matches!(
            parse("issues", b"{}").map(|d| d.event),
            Ok(Event::Ignored)
        ));
    }
}
