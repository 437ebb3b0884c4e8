//! `releasedesk repo add`, `repo list` and `sync`, run in process against a fake GitHub.

use clap::Parser;
use releasedesk::{config::Cli, run};
use releasedesk_tests::fake_github::{alloy_repo, FakeGitHub};

fn command(args: &[&str]) -> releasedesk::config::Command {
    Cli::try_parse_from(std::iter::once("releasedesk").chain(args.iter().copied()))
        .expect("arguments parse")
        .command
}

/// `sync REPO` against `db` and the fake GitHub at `url`.
fn sync_args<'a>(repo: &'a str, db: &'a str, url: &'a str) -> [&'a str; 6] {
    ["sync", repo, "--database-url", db, "--github-api-url", url]
}

#[tokio::test]
async fn add_then_sync_brings_the_tags_in() {
    let fake = FakeGitHub::start().await;
    fake.put_repo("grafana/alloy", alloy_repo());
    let dir = tempfile::tempdir().expect("temporary folder");
    let db = format!("sqlite://{}", dir.path().join("cli.db").display());

    run(command(&[
        "repo",
        "add",
        "grafana/alloy",
        "--database-url",
        &db,
    ]))
    .await
    .expect("added");
    run(command(&["repo", "list", "--database-url", &db]))
        .await
        .expect("listed");
    run(command(&[
        "sync",
        "grafana/alloy",
        "--database-url",
        &db,
        "--github-api-url",
        &fake.url,
    ]))
    .await
    .expect("synced");

    let pool = app::store::connect(db.parse().expect("options"))
        .await
        .expect("database");
    let repo = app::store::repositories::find(&pool, "grafana", "alloy")
        .await
        .expect("query")
        .expect("tracked");
    let versions = app::store::versions::list_public(&pool, repo.id)
        .await
        .expect("history");
    assert_eq!(versions.len(), 115);
    assert!(versions.windows(2).all(|w| {
        let parse = |v: &str| semver::Version::parse(v).expect("version");
        parse(&w[0].version)
            .cmp_precedence(&parse(&w[1].version))
            .is_gt()
    }));
}

#[tokio::test]
async fn syncing_an_untracked_repository_fails_with_status_1_and_the_fix() {
    let fake = FakeGitHub::start().await;
    let dir = tempfile::tempdir().expect("temporary folder");
    let db = format!("sqlite://{}", dir.path().join("cli.db").display());
    let err = run(command(&sync_args("acme/nothing", &db, &fake.url)))
        .await
        .expect_err("not tracked");
    assert_eq!(err.exit_code(), 1);
    let message = err.to_string();
    assert!(
        message.contains("releasedesk repo add acme/nothing"),
        "{message}"
    );
    assert!(!message.contains('\n'));

    run(command(&[
        "repo",
        "add",
        "acme/nothing",
        "--database-url",
        &db,
    ]))
    .await
    .expect("added");
    let err = run(command(&sync_args("acme/nothing", &db, &fake.url)))
        .await
        .expect_err("GitHub says 404");
    assert_eq!(err.exit_code(), 1);
    assert!(err.to_string().contains("404"), "{err}");
}

#[test]
fn malformed_repository_names_are_refused_by_the_parser() {
    let parsed = Cli::try_parse_from(["releasedesk", "repo", "add", "not-a-repo"]);
    let err = parsed.expect_err("refused");
    assert!(err.to_string().contains("not a GitHub repository"), "{err}");
}
