//! Server-rendered pages, as a browser without JavaScript receives them.

use axum::body::Body;
use http::{Request, StatusCode};
use releasedesk_tests::TestApp;

/// The version tags in the history, in page order.
fn listed_versions(html: &str) -> Vec<String> {
    html.split("class=\"version-link\">")
        .skip(1)
        .map(|rest| rest.split('<').next().unwrap_or_default().trim().to_owned())
        .collect()
}

/// The line headings of the history, in page order.
fn listed_lines(html: &str) -> Vec<String> {
    html.split("<h2 id=\"line-")
        .skip(1)
        .filter_map(|rest| rest.split_once('>'))
        .map(|(_, text)| text.split('<').next().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn home_lists_the_tracked_repositories() {
    let app = TestApp::with_demo().await;
    let response = app.get("/").await;
    assert_eq!(response.status, StatusCode::OK);
    assert!(
        response.body.contains("href=\"/acme/orbit\""),
        "{}",
        response.body
    );
    // The newest stable version is v3.1.1, a tag without a release.
    assert!(response.body.contains(">v3.1.1<"), "{}", response.body);
}

#[tokio::test]
async fn home_explains_what_to_do_when_nothing_is_tracked() {
    let app = TestApp::new().await;
    let response = app.get("/").await;
    assert_eq!(response.status, StatusCode::OK);
    assert!(response.body.contains("No repositories are tracked yet"));
}

#[tokio::test]
async fn history_is_newest_first_by_semver_precedence_without_drafts() {
    let app = TestApp::with_demo().await;
    let response = app.get("/acme/orbit").await;
    assert_eq!(response.status, StatusCode::OK);
    let listed = listed_versions(&response.body);
    assert_eq!(listed.len(), 38, "{listed:?}");
    assert_eq!(
        &listed[..4],
        ["v3.2.0-rc.1", "v3.2.0-beta.1", "v3.1.1", "v3.1.0"]
    );
    assert_eq!(listed.last().map(String::as_str), Some("v1.0.0-alpha.1"));
    let mut sorted = listed.clone();
    sorted.sort_by(|a, b| {
        let parse = |t: &str| semver::Version::parse(&t[1..]).expect("demo tag");
        parse(b).cmp_precedence(&parse(a))
    });
    assert_eq!(listed, sorted);
    assert!(
        !listed.iter().any(|t| t == "v3.2.0"),
        "the draft stays hidden"
    );
    // Other tags are listed apart, as drift, never as versions.
    assert!(response.body.contains("Tags that are not versions (3)"));
    assert!(response.body.contains("nightly"));
}

#[tokio::test]
async fn history_shows_channel_and_exact_date() {
    let app = TestApp::with_demo().await;
    let body = app.get("/acme/orbit").await.body;
    assert!(body.contains("chip chip-rc"));
    assert!(
        body.contains("<time datetime=\""),
        "dates are machine-readable"
    );
    assert!(
        body.contains(" UTC\""),
        "the exact date is in the title for hover"
    );
    assert!(body.contains("days ago"));
}

#[tokio::test]
async fn channel_filter_works_from_the_query_string() {
    let app = TestApp::with_demo().await;
    let response = app.get("/acme/orbit?channel=rc").await;
    assert_eq!(response.status, StatusCode::OK);
    let listed = listed_versions(&response.body);
    assert_eq!(
        listed,
        [
            "v3.2.0-rc.1",
            "v3.1.0-rc.1",
            "v3.0.0-rc.2",
            "v3.0.0-rc.1",
            "v2.0.0-rc.2",
            "v2.0.0-rc.1",
            "v1.0.0-rc.1"
        ]
    );
    assert!(response.body.contains("aria-current=\"page\""));

    let stable = listed_versions(&app.get("/acme/orbit?channel=stable").await.body);
    assert!(stable.iter().all(|tag| !tag.contains('-')), "{stable:?}");
    assert_eq!(stable.len(), 21);
}

#[tokio::test]
async fn lines_are_sections_and_pre_releases_fold_under_their_release() {
    let app = TestApp::with_demo().await;
    let body = app.get("/acme/orbit").await.body;
    assert_eq!(listed_lines(&body), ["3.x", "2.x", "1.x"]);
    // v3.1.0's release candidate is folded under it, closed.
    let train = body
        .split("<li class=\"train\">")
        .find(|train| train.contains(">v3.1.0</a>"))
        .expect("the v3.1.0 train");
    assert!(
        train.contains("<details class=\"prereleases\"><summary>1 pre-release</summary>"),
        "{train}"
    );
    assert!(train.contains(">v3.1.0-rc.1</a>"), "{train}");
    // 3.2.0 has only pre-releases: nothing to fold them under, so they show.
    let upcoming = body
        .split("<li class=\"train\">")
        .find(|train| train.contains(">3.2.0</span>"))
        .expect("the 3.2.0 train");
    assert!(upcoming.contains("not released yet"), "{upcoming}");
    assert!(
        upcoming.contains("<details open class=\"prereleases\">"),
        "{upcoming}"
    );
    assert!(upcoming.contains(">v3.2.0-rc.1</a>") && upcoming.contains(">v3.2.0-beta.1</a>"));
}

#[tokio::test]
async fn the_line_filter_shows_one_line() {
    let app = TestApp::with_demo().await;
    let body = app.get("/acme/orbit?line=2.x").await.body;
    assert_eq!(listed_lines(&body), ["2.x"]);
    let listed = listed_versions(&body);
    assert!(
        listed.iter().all(|tag| tag.starts_with("v2.")),
        "{listed:?}"
    );
    assert!(!listed.is_empty());
    let body = app.get("/acme/orbit?line=banana").await.body;
    assert!(body.contains("is not a line"), "{body}");
    assert_eq!(listed_versions(&body).len(), 38);
}

#[tokio::test]
async fn search_finds_tags_and_titles_without_javascript() {
    let app = TestApp::with_demo().await;
    let body = app.get("/acme/orbit?q=rc.2").await.body;
    assert_eq!(listed_versions(&body), ["v3.0.0-rc.2", "v2.0.0-rc.2"]);
    assert!(body.contains("2 versions match “rc.2”."), "{body}");
    // The box keeps what was typed, and the form works without JavaScript.
    assert!(body.contains("role=\"search\" method=\"get\" action=\"/acme/orbit\""));
    assert!(body.contains("name=\"q\""));
    assert!(body.contains("value=\"rc.2\""), "{body}");

    // Search and channel combine, and LIKE wildcards are plain text.
    let body = app.get("/acme/orbit?q=v3&channel=rc").await.body;
    assert_eq!(
        listed_versions(&body),
        ["v3.2.0-rc.1", "v3.1.0-rc.1", "v3.0.0-rc.2", "v3.0.0-rc.1"]
    );
    let body = app.get("/acme/orbit?q=%25").await.body;
    assert!(listed_versions(&body).is_empty());
    assert!(body.contains("No version matches “%”."), "{body}");
    assert!(body.contains("Show every version"));
}

#[tokio::test]
async fn long_histories_page_by_train_and_say_where_they_are() {
    let app = TestApp::new().await;
    // 120 patch releases, every fifth with a release candidate before it: 120 trains.
    let mut tags = Vec::new();
    for n in 0..120 {
        if n % 5 == 0 {
            tags.push(format!("v1.0.{n}-rc.1"));
        }
        tags.push(format!("v1.0.{n}"));
    }
    releasedesk_tests::seed_tags(&app.pool, "big", "history", &tags).await;

    let first = app.get("/big/history").await.body;
    let listed = listed_versions(&first);
    assert_eq!(listed.first().map(String::as_str), Some("v1.0.119"));
    assert_eq!(listed.iter().filter(|t| !t.contains('-')).count(), 50);
    assert!(first.contains("Page 1 of 3"), "{first}");
    assert!(
        first.contains("href=\"/big/history?page=2\" rel=\"next\""),
        "{first}"
    );

    // The last page ends with the oldest train, its release candidate folded under it.
    let last = app.get("/big/history?page=3").await.body;
    let listed = listed_versions(&last);
    assert_eq!(listed.first().map(String::as_str), Some("v1.0.19"));
    assert_eq!(&listed[listed.len() - 2..], ["v1.0.0", "v1.0.0-rc.1"]);
    assert!(last.contains("href=\"/big/history?page=2\" rel=\"prev\""));

    let past = app.get("/big/history?page=9").await;
    assert_eq!(past.status, StatusCode::OK);
    assert!(past.body.contains("There is no page 9: the history has 3."));
    let garbage = app.get("/big/history?page=-1").await.body;
    assert!(garbage.contains("Page 1 of 3"));

    // Paging keeps the filters.
    let rc = app.get("/big/history?channel=rc").await.body;
    assert_eq!(listed_versions(&rc).len(), 24);
    assert!(!rc.contains("Page 1 of"), "24 trains fit one page");
    let searched = app.get("/big/history?q=1.0.1").await.body;
    assert!(searched.contains("versions match “1.0.1”"), "{searched}");
}

#[tokio::test]
async fn an_unknown_channel_shows_everything_with_a_notice() {
    let app = TestApp::with_demo().await;
    let response = app.get("/acme/orbit?channel=nightly").await;
    assert_eq!(response.status, StatusCode::OK);
    assert!(response.body.contains("is not a channel"));
    assert_eq!(listed_versions(&response.body).len(), 38);
}

#[tokio::test]
async fn repository_names_ignore_case_like_github() {
    let app = TestApp::with_demo().await;
    assert_eq!(
        listed_versions(&app.get("/Acme/Orbit").await.body).len(),
        38
    );
}

#[tokio::test]
async fn unknown_repositories_and_pages_are_404_pages() {
    let app = TestApp::with_demo().await;
    let response = app.get("/acme/unknown").await;
    assert_eq!(response.status, StatusCode::NOT_FOUND);
    assert!(response.body.contains("does not track acme/unknown"));

    let response = app.get("/a/b/c/d").await;
    assert_eq!(response.status, StatusCode::NOT_FOUND);
    assert!(response.body.contains("There is no page at this address"));
}

#[tokio::test]
async fn pages_escape_what_comes_from_github() {
    let app = TestApp::new().await;
    let repo = app::store::repositories::NewRepository {
        owner: "evil",
        name: "repo",
        description: "<script>alert(1)</script>",
        tag_prefix: "v",
    };
    app::store::repositories::upsert(&app.pool, &repo)
        .await
        .expect("insert");
    let body = app.get("/evil/repo").await.body;
    assert!(!body.contains("<script>alert(1)</script>"));
    assert!(body.contains("&lt;script&gt;"));
}

#[tokio::test]
async fn the_history_says_how_the_last_sync_went() {
    let app = TestApp::with_demo().await;
    assert!(app
        .get("/acme/orbit")
        .await
        .body
        .contains("Not synced from GitHub yet."));

    let failed = app::store::sync::RunResult {
        ok: false,
        requests: 4,
        not_modified: 0,
        rate_limit_remaining: None,
        error: Some("GitHub refused the credentials (401)"),
    };
    app.record_sync_run("acme", "orbit", &failed).await;
    let body = app.get("/acme/orbit").await.body;
    assert!(body.contains("Last sync with GitHub failed"), "{body}");
    assert!(body.contains("GitHub refused the credentials (401)"));
}

#[tokio::test]
async fn the_history_reports_drift_from_github() {
    let app = TestApp::with_demo().await;
    let body = app.get("/acme/orbit").await.body;
    // The backport v2.3.2 is the newest stable release by date, so GitHub calls it latest.
    let drift = body
        .split("aria-label=\"Drift from GitHub\"")
        .nth(1)
        .expect("a drift section");
    assert!(
        drift.contains("is not the highest stable version"),
        "{drift}"
    );
    assert!(
        drift.contains("v2.3.2") && drift.contains("v3.1.0"),
        "{drift}"
    );
    assert!(
        body.contains("Tags without a release (3)"),
        "v1.1.1, v1.3.1 and v3.1.1"
    );
}

#[tokio::test]
async fn pages_carry_a_strict_policy_that_admits_their_own_scripts() {
    let app = TestApp::with_demo().await;
    let response = app.get("/acme/orbit").await;
    let policy = response.headers["content-security-policy"]
        .to_str()
        .expect("text")
        .to_owned();
    assert!(
        policy.contains("frame-ancestors 'none'") && !policy.contains("unsafe-inline"),
        "{policy}"
    );
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce in the policy");
    // Every inline script carries this response's nonce.
    let scripts = response.body.matches("<script").count();
    assert!(scripts > 0);
    assert!(
        response.body.matches(&format!("nonce=\"{nonce}\"")).count() >= scripts,
        "{}",
        response.body
    );
    assert_eq!(response.headers["x-content-type-options"], "nosniff");
    assert_eq!(
        response.headers["referrer-policy"],
        "strict-origin-when-cross-origin"
    );

    // A page rendered for anonymous readers is kept, nonce and policy together: the page
    // depends on nothing but its address and the data, so no one can plant markup in a kept
    // page after learning its nonce. Every render has a fresh one.
    let again = app.get("/acme/orbit").await;
    assert_eq!(
        again.headers["content-security-policy"], response.headers["content-security-policy"],
        "the kept page"
    );
    let (signed_in, cookie) = TestApp::demo_signed_in().await;
    let policy_of = |response: &releasedesk_tests::TestResponse| {
        response.headers["content-security-policy"].clone()
    };
    let page = || {
        Request::get("/acme/orbit")
            .body(Body::empty())
            .expect("request")
    };
    let first = signed_in.send(page(), Some(&cookie)).await;
    let second = signed_in.send(page(), Some(&cookie)).await;
    assert_ne!(
        policy_of(&first),
        policy_of(&second),
        "a fresh nonce per render"
    );

    let api = app.get("/api/v1/repos").await;
    assert_eq!(
        api.headers["content-security-policy"],
        "default-src 'none'; frame-ancestors 'none'"
    );
    assert_eq!(api.headers["x-frame-options"], "DENY");
}

#[tokio::test]
async fn the_support_page_shows_three_lines_in_three_phases_and_checks_versions() {
    let app = TestApp::with_demo().await;
    let page = app.get("/acme/orbit/support").await;
    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;
    assert!(body.contains("<svg"), "the timeline is drawn on the server");
    for class in ["segment full", "segment security", "segment eol"] {
        assert!(body.contains(class), "{class}");
    }
    for phase in ["phase full", "phase security", "phase eol"] {
        assert!(body.contains(phase), "the table shows a line in {phase}");
    }
    assert!(body.contains("class=\"today\""));

    // The check works without JavaScript: a GET form.
    let checked = app.get("/acme/orbit/support?version=v2.3.1").await;
    assert!(
        checked.body.contains("gets security fixes only, until"),
        "{}",
        checked.body
    );
    assert!(checked.body.contains("Upgrade to 2.3.2"));
    let garbage = app.get("/acme/orbit/support?version=not-a-version").await;
    assert_eq!(garbage.status, StatusCode::OK, "the page still answers");
    assert!(garbage.body.contains("role=\"alert\""));
    assert_eq!(
        app.get("/acme/nothing/support").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn maintainers_change_settings_on_a_page_and_mistakes_are_named() {
    let app = TestApp::with_demo().await;
    assert_eq!(
        app.get("/acme/orbit/settings").await.status,
        StatusCode::UNAUTHORIZED
    );
    let token = app.auth.issue_local_link(std::time::Instant::now());
    let signed_in = app.get(&format!("/auth/local?token={token}")).await;
    let cookie = releasedesk_tests::session_cookie(&signed_in.headers).expect("session");
    let page = |uri: &str| {
        http::Request::get(uri)
            .body(axum::body::Body::empty())
            .expect("request")
    };
    let form = app.send(page("/acme/orbit/settings"), Some(&cookie)).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("name=\"security_months\""));

    // A plain form post, as a browser without JavaScript sends it.
    let post = |body: &'static str| {
        http::Request::post("/sfn/save_settings")
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "text/html")
            .header("origin", releasedesk_tests::ORIGIN)
            .header(
                "referer",
                format!("{}/acme/orbit/settings", releasedesk_tests::ORIGIN),
            )
            .body(axum::body::Body::from(body))
            .expect("request")
    };
    let refused = app
        .send(post("owner=acme&repo=orbit&security_months=-2&supported_lines=0&tag_prefix=v&product=Bad+Slug"), Some(&cookie))
        .await;
    assert!(
        refused.status.is_redirection(),
        "back to the form: {}",
        refused.status
    );
    let shown = app.send(page("/acme/orbit/settings"), Some(&cookie)).await;
    assert!(shown.body.contains("Nothing was saved"));
    assert!(shown
        .body
        .contains("a whole number of months from 0 to 120"));
    assert!(shown.body.contains("value=\"-2\""), "what was typed stays");
    assert!(shown.body.contains("Bad Slug"));
    let support = app.get("/api/v1/repos/acme/orbit/settings").await.json();
    assert_eq!(support["security_months"], 6, "nothing was saved");

    let saved = app
        .send(post("owner=acme&repo=orbit&security_months=12&supported_lines=3&zero_major_lines=on&tag_prefix=v&product="), Some(&cookie))
        .await;
    assert!(saved.status.is_redirection());
    let shown = app.send(page("/acme/orbit/settings"), Some(&cookie)).await;
    assert!(shown.body.contains("Saved."));
    let settings = app.get("/api/v1/repos/acme/orbit/settings").await.json();
    assert_eq!(settings["security_months"], 12);
    assert_eq!(settings["supported_lines"], 3);
    assert_eq!(settings["product"], "orbit");
}

/// Hydrated pages call server functions with fetch: a refused change (422) must still leave its
/// outcome in the session for the page to show.
#[tokio::test]
async fn a_refused_change_from_a_hydrated_page_keeps_its_outcome() {
    let app = TestApp::with_demo().await;
    let token = app.auth.issue_local_link(std::time::Instant::now());
    let signed_in = app.get(&format!("/auth/local?token={token}")).await;
    let cookie = releasedesk_tests::session_cookie(&signed_in.headers).expect("session");
    let refused = app
        .send(
            http::Request::post("/sfn/save_settings")
                .header("content-type", "application/x-www-form-urlencoded")
                .header("accept", "application/json")
                .header("origin", releasedesk_tests::ORIGIN)
                .body(axum::body::Body::from(
                    "owner=acme&repo=orbit&security_months=-3&supported_lines=2&tag_prefix=v&product=",
                ))
                .expect("request"),
            Some(&cookie),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let outcome = app
        .send(
            http::Request::get("/sfn/get_settings?owner=acme&repo=orbit")
                .body(axum::body::Body::empty())
                .expect("request"),
            Some(&cookie),
        )
        .await;
    assert!(outcome.body.contains("\"Refused\""), "{}", outcome.body);
}

#[tokio::test]
async fn compare_lists_every_version_in_between_with_its_notes() {
    let app = TestApp::with_demo().await;
    let page = app.get("/acme/orbit/compare/v2.2.0...v2.3.2").await;
    assert_eq!(page.status, StatusCode::OK);
    let order: Vec<usize> = ["v2.2.1", "v2.3.0", "v2.3.1", "v2.3.2"]
        .iter()
        .map(|tag| {
            page.body
                .find(&format!("aria-label=\"{tag}\""))
                .unwrap_or_else(|| panic!("{tag} listed"))
        })
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "oldest first");
    assert!(
        !page.body.contains("aria-label=\"v2.2.0\""),
        "FROM itself is not listed"
    );
    assert!(page.body.contains("4 versions"));
    // Either order names the same range; nonsense is a 404 page that says how to write one.
    let reversed = app.get("/acme/orbit/compare/v2.3.2...v2.2.0").await;
    assert!(reversed.body.contains("4 versions"));
    let bad = app.get("/acme/orbit/compare/nonsense").await;
    assert_eq!(bad.status, StatusCode::NOT_FOUND);
    assert!(bad.body.contains("FROM...TO"));
}

#[tokio::test]
async fn version_pages_show_their_changelog_section() {
    let app = TestApp::with_demo().await;
    let body = app.get("/acme/orbit/v/v3.1.0").await.body;
    let section = body
        .split("From CHANGELOG.md")
        .nth(1)
        .expect("a changelog section");
    assert!(section.contains("Job priorities"), "{section}");
    assert!(
        !section.contains("double-books"),
        "only 3.1.0's section: {section}"
    );
    let bare = app.get("/acme/orbit/v/v3.0.1").await.body;
    assert!(
        !bare.contains("From CHANGELOG.md"),
        "no section, no heading"
    );
    // The compare page shows each version's section too: 3.1.1 is a bare tag whose only
    // words are in the CHANGELOG.
    let compared = app.get("/acme/orbit/compare/v3.1.0...v3.1.1").await.body;
    let section = compared
        .split("aria-label=\"v3.1.1\"")
        .nth(1)
        .expect("3.1.1 compared");
    assert!(section.contains("From CHANGELOG.md"), "{section}");
    assert!(
        section.contains("double-books"),
        "3.1.1's own section: {section}"
    );
    assert!(!section.contains("No release notes"), "{section}");
}

#[tokio::test]
async fn version_pages_list_assets_with_their_sizes() {
    let app = TestApp::with_demo().await;
    let body = app.get("/acme/orbit/v/v3.1.0").await.body;
    assert!(body.contains("Assets (3)"), "{body}");
    assert!(body.contains(">orbit-linux-amd64.tar.gz</a>"));
    assert!(body.contains("MiB") && body.contains("196 bytes"), "{body}");
    // A bare tag has no release, so no assets.
    assert!(!app
        .get("/acme/orbit/v/v3.1.1")
        .await
        .body
        .contains("Assets ("));
}

#[tokio::test]
async fn a_refused_withdrawal_without_javascript_says_why_once_and_keeps_what_was_typed() {
    let app = TestApp::with_demo().await;
    let token = app.auth.issue_local_link(std::time::Instant::now());
    let signed_in = app.get(&format!("/auth/local?token={token}")).await;
    let cookie = releasedesk_tests::session_cookie(&signed_in.headers).expect("session");
    let page = || {
        http::Request::get("/acme/orbit/v/v1.2.1")
            .body(axum::body::Body::empty())
            .expect("request")
    };
    // An older version cannot supersede: a plain form post, as without JavaScript.
    let post = http::Request::post("/sfn/withdraw")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "text/html")
        .header("origin", releasedesk_tests::ORIGIN)
        .header(
            "referer",
            format!("{}/acme/orbit/v/v1.2.1", releasedesk_tests::ORIGIN),
        )
        .body(axum::body::Body::from(
            "owner=acme&repo=orbit&version=v1.2.1&reason=Loses+jobs&superseded_by=v1.0.0",
        ))
        .expect("request");
    let refused = app.send(post, Some(&cookie)).await;
    assert!(refused.status.is_redirection(), "{}", refused.status);

    let shown = app.send(page(), Some(&cookie)).await.body;
    assert!(
        shown.contains("is not a released version newer than"),
        "{shown}"
    );
    // The folded form opens again to show why.
    assert!(shown.contains(r#"<details open class="fold">"#), "{shown}");
    assert!(shown.contains(">Loses jobs</textarea>"), "{shown}");
    assert!(shown.contains("value=\"v1.0.0\""), "{shown}");
    assert!(
        !shown.contains("Withdrawn: do not use"),
        "nothing was withdrawn"
    );

    let again = app.send(page(), Some(&cookie)).await.body;
    assert!(
        !again.contains("is not a released version newer than"),
        "shown once"
    );
    assert!(
        again.contains(r#"<details class="fold">"#),
        "folded again: {again}"
    );
}

#[tokio::test]
async fn a_withdrawn_version_is_never_shown_as_the_latest() {
    let app = TestApp::with_demo().await;
    let repo = app::store::repositories::find(&app.pool, "acme", "orbit")
        .await
        .expect("query")
        .expect("demo");
    let id = app::store::versions::public_id(&app.pool, repo.id, "3.1.1")
        .await
        .expect("query")
        .expect("v3.1.1");
    app::store::versions::withdraw(&app.pool, id, "broken", None, "test", None)
        .await
        .expect("withdrawn");
    let listed = app.get("/api/v1/repos").await.json();
    assert_eq!(listed[0]["latest_stable"], "v3.1.0", "{listed}");
    let home = app.get("/").await.body;
    assert!(
        home.contains(">v3.1.0<") && !home.contains(">v3.1.1<"),
        "{home}"
    );
}

#[tokio::test]
async fn the_history_shows_each_lines_state_the_latest_stable_incidents_and_progress() {
    let (app, cookie) = TestApp::demo_signed_in().await;
    let reader = app.page_text(None, "/acme/orbit").await;
    assert!(reader.contains("Full support: the newest line"), "{reader}");
    // The demo is dated from today: line 3.x started 120 days ago and 2.x 640 days ago, so 2.x
    // has security fixes for six months after 3.x started, and 1.x ended six months after 2.x.
    let today = chrono::Utc::now().date_naive();
    let six_months_after = |days_ago: u64| {
        (today - chrono::Days::new(days_ago))
            .checked_add_months(chrono::Months::new(6))
            .expect("a date")
    };
    assert!(
        reader.contains(&format!("Security fixes until {}", six_months_after(120))),
        "{reader}"
    );
    assert!(
        reader.contains(&format!("End of life since {}", six_months_after(640))),
        "{reader}"
    );
    assert_eq!(reader.matches("latest stable</span>").count(), 1);
    let row = |page: &str, tag: &str| {
        let start = page
            .find(&format!(">{tag}</a>"))
            .unwrap_or_else(|| panic!("a row for {tag}"));
        page[start..start + page[start..].find("</div>").expect("row end")].to_owned()
    };
    assert!(row(&reader, "v3.1.1").contains("latest stable"));
    // The demo's resolved critical incident hit 2.3.0 and 2.3.1, not the fix.
    for hit in ["v2.3.0", "v2.3.1"] {
        assert!(
            row(&reader, hit).contains("incident fixed in 2.3.2"),
            "{hit}: {}",
            row(&reader, hit)
        );
    }
    assert!(!row(&reader, "v2.3.2").contains("incident"));
    assert!(
        !reader.contains("glance-progress"),
        "progress is for maintainers"
    );

    let maintainer = app.page_text(Some(&cookie), "/acme/orbit").await;
    let progress = row(&maintainer, "v3.2.0-rc.1");
    assert!(progress.contains("checklist "), "{progress}");
    let without = row(&maintainer, "v3.1.1");
    assert!(
        !without.contains("checklist "),
        "no checklist, no progress: {without}"
    );
}

#[tokio::test]
async fn the_feed_calendar_and_badges_are_linked_from_the_pages() {
    let app = TestApp::with_demo().await;
    let history = app.get("/acme/orbit").await.body;
    assert!(
        history.contains(r#"<link href="/acme/orbit/feed.atom" rel="alternate""#)
            && history
                .contains(r#"href="/acme/orbit/feed.atom" type="application/atom+xml">Atom feed"#),
        "the feed is announced and linked: {history}"
    );
    assert!(history.contains(r#"href="/acme/orbit/calendar.ics""#));

    // The badge's Markdown names the site as the browser addressed it, for a README.
    let request = http::Request::get("/acme/orbit/v/v3.1.1")
        .header("host", "releasedesk.test")
        .body(axum::body::Body::empty())
        .expect("request");
    let version = app.send(request, None).await.body;
    assert!(
        version.contains(r#"src="/badge/acme/orbit/v3.1.1.svg""#),
        "{version}"
    );
    assert!(
        version.contains(
            "[![v3.1.1 support](http://releasedesk.test/badge/acme/orbit/v3.1.1.svg)](http://releasedesk.test/acme/orbit/v/v3.1.1)"
        ),
        "{version}"
    );
    let badge = app.get("/badge/acme/orbit/v3.1.1.svg").await;
    assert_eq!(badge.status, StatusCode::OK);
}

#[tokio::test]
async fn an_ended_version_wears_a_grey_chip_and_its_neighbours_are_releases() {
    let app = TestApp::with_demo().await;
    let ended = app.get("/acme/orbit/v/v1.3.1").await.body;
    assert!(
        ended.contains(r#"class="chip chip-stable ended""#),
        "{ended}"
    );
    assert!(
        ended.contains(r#"href="/acme/orbit/v/v2.0.0" rel="next""#),
        "{ended}"
    );
    let supported = app.get("/acme/orbit/v/v3.1.0").await.body;
    assert!(
        supported.contains(r#"class="chip chip-stable""#),
        "{supported}"
    );
    assert!(!supported.contains("chip-stable ended"));
}

/// The hydration data carries what the page shows: the notes' HTML, not their Markdown too.
#[tokio::test]
async fn a_version_page_sends_its_notes_once() {
    let app = TestApp::with_demo().await;
    let page = app.page_text(None, "/acme/orbit/v/v3.2.0-rc.1").await;
    assert!(page.contains("<strong>Orbit 3.2.0</strong>"), "{page}");
    assert!(
        !page.contains("**Orbit 3.2.0**"),
        "the Markdown went to the browser too"
    );
    // The REST API still answers both.
    let api = app
        .get("/api/v1/repos/acme/orbit/versions/v3.2.0-rc.1")
        .await
        .json();
    let markdown = api["notes"]["markdown"].as_str().expect("markdown");
    assert!(markdown.contains("**Orbit 3.2.0**"), "{api}");
}
