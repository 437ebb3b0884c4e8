//! The fake GitHub's write side on its own, over HTTP: what Release Desk's GitHub host relies on
//! it to do like GitHub.

use releasedesk_tests::fake_github::{release, writes::FakeCommit, FakeGitHub, FakeRepo, Fault};
use reqwest::StatusCode;
use serde_json::{json, Value};

const REPO: &str = "acme/widget";

async fn fake() -> FakeGitHub {
    let fake = FakeGitHub::start().await;
    fake.put_repo(
        REPO,
        FakeRepo {
            releases: vec![release(
                7,
                "v1.0.0",
                false,
                false,
                Some("2026-01-01T00:00:00Z"),
            )],
            ..FakeRepo::default()
        },
    );
    fake
}

async fn send(
    fake: &FakeGitHub,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let client = reqwest::Client::new();
    let mut request = client
        .request(method, format!("{}{path}", fake.url))
        .header("authorization", "Bearer test-token");
    if let Some(body) = body {
        request = request.json(&body);
    }
    let answer = request.send().await.expect("the fake answers");
    let status = answer.status();
    let text = answer.text().await.expect("a body");
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, body)
}

async fn get(fake: &FakeGitHub, path: &str) -> (StatusCode, Value) {
    send(fake, reqwest::Method::GET, path, None).await
}

async fn create(fake: &FakeGitHub, request: Value) -> (StatusCode, Value) {
    let path = format!("/repos/{REPO}/releases");
    send(fake, reqwest::Method::POST, &path, Some(request)).await
}

#[tokio::test]
async fn a_tag_gets_one_release_and_the_second_create_is_refused() {
    let fake = fake().await;
    let request = json!({
        "tag_name": "v2.5.0", "name": "v2.5.0", "body": "Notes", "prerelease": true,
        "make_latest": "false",
    });

    let (status, made) = create(&fake, request.clone()).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(made["id"], 8, "a new id above every existing one");
    assert_eq!(made["tag_name"], "v2.5.0");
    assert_eq!(made["prerelease"], true);
    assert_eq!(made["draft"], false);
    assert_eq!(made["assets"], json!([]));
    assert_eq!(
        made["html_url"],
        "https://github.com/acme/widget/releases/tag/v2.5.0"
    );
    assert_eq!(made["published_at"], made["created_at"]);
    assert!(
        made["author"]["login"].is_string(),
        "GitHub's example shape"
    );

    let (status, refusal) = create(&fake, request).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refusal["errors"][0]["code"], "already_exists");
    assert_eq!(refusal["errors"][0]["field"], "tag_name");

    assert_eq!(
        fake.releases_made(REPO),
        vec![("v2.5.0".to_owned(), "false".to_owned())]
    );
    let (status, listed) = get(&fake, &format!("/repos/{REPO}/releases")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(listed.as_array().map(Vec::len), Some(2), "a sync lists it");

    let (status, _) = create(&fake, json!({ "name": "no tag" })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = create(&fake, json!({ "tag_name": "v3.0.0" })).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(
        fake.releases_made(REPO)[1],
        ("v3.0.0".to_owned(), String::new())
    );
}

#[tokio::test]
async fn of_two_concurrent_creates_for_a_tag_exactly_one_succeeds() {
    let fake = fake().await;
    for round in 0..20 {
        let request = json!({ "tag_name": format!("v9.{round}.0") });
        let (first, second) = tokio::join!(create(&fake, request.clone()), create(&fake, request));
        let mut statuses = [first.0, second.0];
        statuses.sort();
        assert_eq!(
            statuses,
            [StatusCode::CREATED, StatusCode::UNPROCESSABLE_ENTITY],
            "round {round}"
        );
    }
    assert_eq!(fake.releases_made(REPO).len(), 20);
}

#[tokio::test]
async fn an_edited_release_reads_back_as_written() {
    let fake = fake().await;
    let (_, made) = create(&fake, json!({ "tag_name": "v2.5.0", "body": "first" })).await;
    let id = made["id"].as_i64().expect("an id");
    let notes = "## What's new\r\n\n* `é` — 🚀 <b>&amp;</b> \"quoted\"\n\ttabbed\n";

    let path = format!("/repos/{REPO}/releases/{id}");
    let edit = json!({ "body": notes, "prerelease": true });
    let (status, edited) = send(&fake, reqwest::Method::PATCH, &path, Some(edit)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(edited["body"], notes);
    assert_eq!(
        edited["name"],
        Value::Null,
        "fields not sent stay as they were"
    );

    let (status, read) = get(&fake, &format!("/repos/{REPO}/releases/tags/v2.5.0")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(read["body"].as_str(), Some(notes));
    assert_eq!(read["prerelease"], true);
    assert_eq!(read["id"], id);
    assert_eq!(fake.release_by_tag(REPO, "v2.5.0"), Some(read));

    let (status, _) = send(
        &fake,
        reqwest::Method::PATCH,
        &format!("/repos/{REPO}/releases/999"),
        Some(json!({ "body": "x" })),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn drafts_and_missing_tags_are_not_found_by_tag() {
    let fake = fake().await;
    create(&fake, json!({ "tag_name": "v2.6.0", "draft": true })).await;
    for tag in ["v2.6.0", "v0.0.1"] {
        let (status, body) = get(&fake, &format!("/repos/{REPO}/releases/tags/{tag}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{tag}");
        assert_eq!(body["message"], "Not Found");
        assert_eq!(body["status"], "404");
    }
    let draft = fake.release_by_tag(REPO, "v2.6.0").expect("the draft");
    assert_eq!(draft["published_at"], Value::Null);
    let (status, found) = get(&fake, &format!("/repos/{REPO}/releases/tags/v1.0.0")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(found["id"], 7);
}

#[tokio::test]
async fn a_commit_status_is_recorded() {
    let fake = fake().await;
    let path = format!("/repos/{REPO}/statuses/abc123");
    let status_request = json!({
        "state": "pending", "description": "2 of 5 items done",
        "context": "releasedesk/checklist", "target_url": "https://rd.example/v2.5.0",
    });
    let (status, answer) = send(&fake, reqwest::Method::POST, &path, Some(status_request)).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(answer["state"], "pending");
    assert_eq!(answer["context"], "releasedesk/checklist");
    assert_eq!(answer["target_url"], "https://rd.example/v2.5.0");
    assert!(
        answer["creator"]["login"].is_string(),
        "GitHub's example shape"
    );
    assert_eq!(
        fake.statuses(REPO),
        vec![json!({
            "sha": "abc123", "state": "pending", "description": "2 of 5 items done",
            "context": "releasedesk/checklist", "target_url": "https://rd.example/v2.5.0",
        })]
    );

    for bad in [
        json!({ "state": "green" }),
        json!({ "description": "no state" }),
    ] {
        let (status, body) = send(&fake, reqwest::Method::POST, &path, Some(bad)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(body["errors"][0]["field"], "state");
    }
    assert_eq!(fake.statuses(REPO).len(), 1);
}

#[tokio::test]
async fn branches_and_comparisons_take_names_with_slashes() {
    let fake = fake().await;
    fake.edit_repo(REPO, |r| r.default_branch = "trunk".to_owned());
    fake.put_branch(REPO, "release/v2.5.0", "f00d");
    fake.put_compare(
        REPO,
        "v2.4.0...release/v2.5.0",
        vec![
            FakeCommit::new("aaa1", "Fix the thing\n\nLonger text."),
            FakeCommit::new("bbb2", "Add the other thing"),
        ],
    );

    let (status, repository) = get(&fake, &format!("/repos/{REPO}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(repository["default_branch"], "trunk");
    assert_eq!(repository["full_name"], REPO);
    let (_, elsewhere) = get(&fake, "/repos/acme/not-in-the-fake").await;
    assert_eq!(elsewhere["default_branch"], "main");

    let (status, branch) = get(&fake, &format!("/repos/{REPO}/branches/release/v2.5.0")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(branch["name"], "release/v2.5.0");
    assert_eq!(branch["commit"]["sha"], "f00d");
    let (status, missing) = get(&fake, &format!("/repos/{REPO}/branches/release/v9")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(missing["message"], "Branch not found");

    let path = format!("/repos/{REPO}/compare/v2.4.0...release/v2.5.0?per_page=250");
    let (status, comparison) = get(&fake, &path).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(comparison["status"], "ahead");
    assert_eq!(comparison["total_commits"], 2);
    assert_eq!(comparison["ahead_by"], 2);
    let commits = comparison["commits"].as_array().expect("commits");
    assert_eq!(commits[0]["sha"], "aaa1");
    assert_eq!(
        commits[0]["commit"]["message"],
        "Fix the thing\n\nLonger text."
    );
    assert_eq!(commits[1]["sha"], "bbb2");
    let (status, _) = get(&fake, &format!("/repos/{REPO}/compare/v1...v2")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_injected_refusal_changes_nothing() {
    let fake = fake().await;
    fake.inject("/releases", Fault::Status(403));
    let (status, body) = create(&fake, json!({ "tag_name": "v2.5.0" })).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(
        body["message"],
        "Resource not accessible by personal access token"
    );
    assert_eq!(body["status"], "403");
    assert_eq!(fake.release_by_tag(REPO, "v2.5.0"), None);
    assert!(fake.releases_made(REPO).is_empty());

    let log = fake.take_log();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].path, "/repos/acme/widget/releases");
    assert_eq!(log[0].status, 403);

    let (status, _) = create(&fake, json!({ "tag_name": "v2.5.0" })).await;
    assert_eq!(status, StatusCode::CREATED, "the fault is used up");
}
