//! Signing in with GitHub, sessions, roles, API tokens and the access matrix (PRODUCT.md §6).

use std::{collections::BTreeSet, sync::Arc};

use app::domain::{access::Scope, checklist::TemplateKind, notify::link::Purpose};
use axum::body::Body;
use http::{header, Method, Request, StatusCode};
use releasedesk::http::access::{Gate, MUTATING_ROUTES};
use releasedesk_tests::{
    fake_github::FakeGitHub, fake_oauth::FakeUser, header, router_for, session_cookie,
    test_auth_with_key, TestApp, ORIGIN,
};

const REPO: &str = "acme/orbit";

/// The demo repository, a maintainer (`mona`, push access) and a viewer (`vic`).
async fn setup() -> (FakeGitHub, TestApp) {
    let github = FakeGitHub::start().await;
    github
        .oauth
        .add_user(FakeUser::new(1, "mona").pushes_to(REPO));
    github.oauth.add_user(FakeUser::new(2, "vic"));
    let app = TestApp::with_github(&github).await;
    releasedesk::demo::load(&app.pool, chrono::Utc::now().date_naive())
        .await
        .expect("demo loads");
    (github, app)
}

fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).expect("request")
}

async fn me(app: &TestApp, cookie: Option<&str>) -> (StatusCode, serde_json::Value) {
    let response = app.send(get("/api/v1/me"), cookie).await;
    let json = serde_json::from_str(&response.body).unwrap_or_default();
    (response.status, json)
}

#[tokio::test]
async fn signs_in_with_github_and_out_again() {
    let (github, app) = setup().await;
    assert_eq!(me(&app, None).await.0, StatusCode::UNAUTHORIZED);

    let cookie = app.sign_in(&github, "mona").await;
    let (status, body) = me(&app, Some(&cookie)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["login"], "mona");
    assert_eq!(body["name"], "mona (fake)");
    assert!(body["avatar_url"].as_str().is_some());
    assert!(body.get("token").is_none() && !body.to_string().contains("gho_"));

    // The GitHub token is sealed at rest.
    let stored: Vec<u8> = sqlx::query_scalar("SELECT github_token FROM users WHERE login = 'mona'")
        .fetch_one(&app.pool)
        .await
        .expect("user row");
    assert!(!String::from_utf8_lossy(&stored).contains("gho_"));

    let logout = Request::post("/auth/logout")
        .header(header::ORIGIN, ORIGIN)
        .body(Body::empty())
        .expect("request");
    let out = app.send(logout, Some(&cookie)).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(header(&out, "location"), "/");
    assert_eq!(me(&app, Some(&cookie)).await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_session_cookie_is_locked_down_and_the_id_changes_at_sign_in() {
    let (github, app) = setup().await;
    github.oauth.sign_in_as("mona");
    let (before, callback) = app.start_sign_in().await;
    let done = app.send(get(&callback), Some(&before)).await;
    let set_cookie = done
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("releasedesk_session="))
        .expect("a session cookie")
        .to_owned();
    assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
    assert!(set_cookie.contains("SameSite=Lax"), "{set_cookie}");
    assert!(
        set_cookie.contains("Expires=") || set_cookie.contains("Max-Age="),
        "{set_cookie}"
    );
    let after = session_cookie(&done.headers).expect("cookie");
    assert_ne!(before, after, "the session id is cycled at sign-in");
    assert_eq!(me(&app, Some(&before)).await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn sessions_survive_a_restart() {
    let github = FakeGitHub::start().await;
    github
        .oauth
        .add_user(FakeUser::new(1, "mona").pushes_to(REPO));
    let key = releasedesk::auth::secret_key::SecretKey::from_secret("a key kept across restarts");
    let app = TestApp::with_github(&github).await;
    let cookie = app.sign_in(&github, "mona").await;

    // A new router, as after a restart: same database, same key.
    let auth = Arc::new(test_auth_with_key(Some(&github), key));
    let restarted = router_for(app.pool.clone(), &app.dir, auth);
    let mut request = get("/api/v1/me");
    request
        .headers_mut()
        .insert(header::COOKIE, cookie.parse().expect("cookie"));
    let response = releasedesk_tests::send(&restarted, request).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(response.json()["login"], "mona");
}

#[tokio::test]
async fn sign_in_goes_back_only_to_paths_on_this_site() {
    let (github, app) = setup().await;
    github.oauth.sign_in_as("mona");
    for (next, expected) in [
        ("/acme/orbit/tokens", "/acme/orbit/tokens"),
        ("//evil.example/", "/"),
        ("https://evil.example/", "/"),
    ] {
        let start = app
            .send(get(&format!("/auth/login?next={}", urlencode(next))), None)
            .await;
        let cookie = session_cookie(&start.headers).expect("cookie");
        let callback = follow_authorize(&header(&start, "location")).await;
        let done = app.send(get(&callback), Some(&cookie)).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER);
        assert_eq!(header(&done, "location"), expected, "next={next}");
    }
}

fn urlencode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

async fn follow_authorize(authorize: &str) -> String {
    let answer = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
        .get(authorize)
        .send()
        .await
        .expect("fake GitHub answers");
    let location = answer
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .expect("redirect")
        .to_owned();
    location
        .strip_prefix(ORIGIN)
        .expect("back to us")
        .to_owned()
}

/// Every way a sign-in can fail ends on a page that says so, with 400 or 502 and never 500.
#[tokio::test]
async fn failed_sign_ins_end_on_a_friendly_page() {
    let (github, app) = setup().await;
    github.oauth.sign_in_as("mona");

    // A state that does not match the one we sent.
    let (cookie, callback) = app.start_sign_in().await;
    let forged = regex_replace_state(&callback, "forged-state");
    let page = app.send(get(&forged), Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.body.contains("does not match"), "{}", page.body);
    // The state was spent by the failed attempt: the genuine answer no longer works either.
    let page = app.send(get(&callback), Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);

    // A code used twice: GitHub answers 200 with an error the second time.
    let (cookie, callback) = app.start_sign_in().await;
    assert_eq!(
        app.send(get(&callback), Some(&cookie)).await.status,
        StatusCode::SEE_OTHER
    );
    let (cookie2, fresh) = app.start_sign_in().await;
    let code = query_value(&callback, "code");
    let reused = fresh.replace(&query_value(&fresh, "code"), &code);
    let page = app.send(get(&reused), Some(&cookie2)).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.body.contains("incorrect or expired"), "{}", page.body);

    // Consent denied on GitHub.
    github.oauth.deny_consent(true);
    let (cookie, callback) = app.start_sign_in().await;
    let page = app.send(get(&callback), Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.body.contains("Sign-in cancelled"));
    // The ways on lead back to where the person started, signing in again or not, inside
    // the site's own frame.
    assert!(
        page.body
            .contains(r#"href="/auth/login?next=%2Facme%2Forbit">Sign in again"#),
        "{}",
        page.body
    );
    assert!(page
        .body
        .contains(r#"href="/acme/orbit">Back to where you were"#));
    assert!(page.body.contains(r#"class="site-header""#));
    github.oauth.deny_consent(false);

    // GitHub down at the token exchange.
    github.oauth.set_down(true);
    let (cookie, callback) = app.start_sign_in().await;
    let page = app.send(get(&callback), Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::BAD_GATEWAY);
    assert!(page.body.contains("GitHub is not answering"));
    github.oauth.set_down(false);

    // A callback without any sign-in under way.
    let page = app.send(get("/auth/callback?code=x&state=y"), None).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);

    assert!(page.body.contains("<h1>") && page.body.contains("Sign in again"));
}

#[tokio::test]
async fn pkce_is_checked_and_form_encoded_answers_are_understood() {
    let (github, app) = setup().await;
    // GitHub answers form-encoded unless asked for JSON; both must work.
    github.oauth.always_form_encoded(true);
    let cookie = app.sign_in(&github, "mona").await;
    assert_eq!(me(&app, Some(&cookie)).await.1["login"], "mona");
    github.oauth.always_form_encoded(false);

    // A verifier that does not belong to the challenge: the fake refuses, as GitHub does.
    github.oauth.sign_in_as("mona");
    let (cookie, callback) = app.start_sign_in().await;
    let session_id = cookie.split_once('=').expect("cookie").1.to_owned();
    let data: Vec<u8> = sqlx::query_scalar("SELECT data FROM tower_sessions WHERE id = ?")
        .bind(&session_id)
        .fetch_one(&app.pool)
        .await
        .expect("the pending sign-in is stored server-side");
    assert!(!data.is_empty());
    let login_page = app.send(get("/auth/login"), None).await;
    let other_cookie = session_cookie(&login_page.headers).expect("cookie");
    // The code was issued for the first attempt's challenge; redeem it with the second's state
    // and verifier by swapping the state into the second session's callback.
    let other_state = query_value(&header(&login_page, "location"), "state");
    let swapped = regex_replace_state(&callback, &other_state);
    let page = app.send(get(&swapped), Some(&other_cookie)).await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(page.body.contains("code_verifier"), "{}", page.body);
}

fn query_value(url: &str, key: &str) -> String {
    let query = url.split_once('?').map_or("", |(_, q)| q);
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| panic!("no {key} in {url}"))
}

fn regex_replace_state(callback: &str, state: &str) -> String {
    let old = query_value(callback, "state");
    callback.replace(
        &format!("state={}", urlencode(&old)),
        &format!("state={}", urlencode(state)),
    )
}

#[tokio::test]
async fn sign_in_routes_are_rate_limited_per_address() {
    let (_github, app) = setup().await;
    let from =
        |ip: [u8; 4]| {
            let mut request = get("/auth/login");
            request.extensions_mut().insert(axum::extract::ConnectInfo(
                std::net::SocketAddr::from((ip, 5000)),
            ));
            request
        };
    let mut statuses = Vec::new();
    for _ in 0..31 {
        statuses.push(app.send(from([10, 0, 0, 1]), None).await.status);
    }
    assert!(statuses[..30].iter().all(|s| *s == StatusCode::SEE_OTHER));
    assert_eq!(statuses[30], StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        app.send(from([10, 0, 0, 2]), None).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn without_oauth_only_the_local_link_signs_in_and_only_once() {
    let app = TestApp::with_demo().await;
    let page = app
        .send(get("/auth/login?next=/acme/orbit/support"), None)
        .await;
    // A page that explains and leads back, not an error, and no link that comes back here.
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("not set up"));
    assert!(page
        .body
        .contains(r#"href="/acme/orbit/support">Back to where you were"#));
    assert!(!page.body.contains("Sign in again"), "{}", page.body);

    let token = app.auth.issue_local_link(std::time::Instant::now());
    let first = app
        .send(get(&format!("/auth/local?token={token}")), None)
        .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    let cookie = session_cookie(&first.headers).expect("session");
    let (status, body) = me(&app, Some(&cookie)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["login"], "admin");

    let again = app
        .send(get(&format!("/auth/local?token={token}")), None)
        .await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        app.send(get("/auth/local?token=rdl_guess"), None)
            .await
            .status,
        StatusCode::BAD_REQUEST
    );

    // The local administrator maintains every repository.
    let patch = settings_patch(r#"{"security_months": 9}"#)
        .header(header::ORIGIN, ORIGIN)
        .body(Body::from(r#"{"security_months": 9}"#))
        .expect("request");
    let changed = app.send(patch, Some(&cookie)).await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    assert_eq!(changed.json()["security_months"], 9);
}

fn settings_patch(_body: &str) -> http::request::Builder {
    Request::patch(format!("/api/v1/repos/{REPO}/settings"))
        .header(header::CONTENT_TYPE, "application/json")
}

#[tokio::test]
async fn settings_are_validated_field_by_field() {
    let (github, app) = setup().await;
    let cookie = app.sign_in(&github, "mona").await;
    let patch = |body: &'static str| {
        settings_patch(body)
            .header(header::ORIGIN, ORIGIN)
            .body(Body::from(body))
            .expect("request")
    };
    let bad = app
        .send(
            patch(r#"{"security_months": -3, "colour": "red"}"#),
            Some(&cookie),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let error = &bad.json()["error"];
    assert_eq!(error["code"], "validation");
    assert!(error["fields"]["security_months"].is_string());
    assert!(error["fields"]["colour"].is_string());
    let garbage = app.send(patch("not json"), Some(&cookie)).await;
    assert_eq!(garbage.status, StatusCode::BAD_REQUEST);
    assert_eq!(garbage.json()["error"]["code"], "bad_request");

    let ok = app
        .send(patch(r#"{"supported_lines": 3}"#), Some(&cookie))
        .await;
    assert_eq!(ok.status, StatusCode::OK);
    let read = app.get(&format!("/api/v1/repos/{REPO}/settings")).await;
    assert_eq!(read.json()["supported_lines"], 3);
    assert_eq!(read.json()["security_months"], 6, "untouched settings stay");
}

#[tokio::test]
async fn roles_follow_github_permissions() {
    let (github, app) = setup().await;
    let cookie = app.sign_in(&github, "vic").await;
    let patch = || {
        settings_patch("")
            .header(header::ORIGIN, ORIGIN)
            .body(Body::from(r#"{"security_months": 7}"#))
            .expect("request")
    };
    assert_eq!(
        app.send(patch(), Some(&cookie)).await.status,
        StatusCode::FORBIDDEN
    );

    // Granted push on GitHub: once the cached role is older than the refresh interval, vic
    // becomes a maintainer.
    github
        .oauth
        .set_permissions("vic", REPO, (false, true, false));
    sqlx::query("UPDATE users SET roles_checked_at = '2000-01-01T00:00:00Z' WHERE login = 'vic'")
        .execute(&app.pool)
        .await
        .expect("age the roles");
    assert_eq!(
        app.send(patch(), Some(&cookie)).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn tokens_are_stored_hashed_and_can_be_revoked() {
    let (github, app) = setup().await;
    let cookie = app.sign_in(&github, "mona").await;
    let created = app
        .send(create_token_request("ci", true), Some(&cookie))
        .await;
    assert!(created.status.is_success(), "{}", created.body);

    // The tokens page shows the new token once.
    let page = app.send(get("/acme/orbit/tokens"), Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    let token = extract_token(&page.body).expect("the new token is shown");
    let page = app.send(get("/acme/orbit/tokens"), Some(&cookie)).await;
    assert!(extract_token(&page.body).is_none(), "shown only once");
    assert!(
        page.body.contains(&token[token.len() - 4..]),
        "its last characters identify it"
    );

    let stored: Vec<String> = sqlx::query_scalar("SELECT token_hash FROM api_tokens")
        .fetch_all(&app.pool)
        .await
        .expect("rows");
    assert_eq!(stored, vec![app::service::tokens::token_hash(&token)]);

    // The token identifies its holder; last use is recorded.
    let with_token = |uri: &str| {
        Request::get(uri)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::empty())
            .expect("request")
    };
    assert_eq!(
        app.send(with_token("/api/v1/repos"), None).await.status,
        StatusCode::OK
    );
    let used: Option<String> = sqlx::query_scalar("SELECT last_used_at FROM api_tokens")
        .fetch_one(&app.pool)
        .await
        .expect("row");
    assert!(used.is_some());

    let id: i64 = sqlx::query_scalar("SELECT id FROM api_tokens")
        .fetch_one(&app.pool)
        .await
        .expect("row");
    let revoke = sfn_post(
        "/sfn/revoke_token",
        &format!("owner=acme&repo=orbit&id={id}"),
    );
    assert!(app.send(revoke, Some(&cookie)).await.status.is_success());
    let refused = app.send(with_token("/api/v1/repos"), None).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert_eq!(refused.json()["error"]["code"], "unauthorized");
}

/// A whole token on the page: `rdk_` and 40 characters (a hint, `rdk_…` and four, is not one).
fn extract_token(page: &str) -> Option<String> {
    page.match_indices("rdk_").find_map(|(start, _)| {
        let token = page.get(start..start + 44)?;
        token[4..]
            .bytes()
            .all(|b| b.is_ascii_hexdigit())
            .then(|| token.to_owned())
    })
}

fn sfn_post(path: &str, body: &str) -> Request<Body> {
    Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .header(header::ORIGIN, ORIGIN)
        .body(Body::from(body.to_owned()))
        .expect("request")
}

fn create_token_request(label: &str, incidents: bool) -> Request<Body> {
    let scopes = if incidents {
        "&checklists=on&incidents=on"
    } else {
        "&checklists=on"
    };
    sfn_post(
        "/sfn/create_token",
        &format!("owner=acme&repo=orbit&label={label}{scopes}"),
    )
}

#[tokio::test]
async fn the_tokens_page_is_for_maintainers() {
    let (github, app) = setup().await;
    assert_eq!(
        app.get("/acme/orbit/tokens").await.status,
        StatusCode::UNAUTHORIZED
    );
    let viewer = app.sign_in(&github, "vic").await;
    let page = app.send(get("/acme/orbit/tokens"), Some(&viewer)).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(page.body.contains("not a maintainer"));
}

// ---- The access matrix ----------------------------------------------------------------------

#[derive(Clone, Copy, Debug)]
enum Who {
    Anonymous,
    Viewer,
    Maintainer,
    TokenWithScope,
    TokenWithoutScope,
    CrossOriginCookie,
}

const EVERYONE: [Who; 6] = [
    Who::Anonymous,
    Who::Viewer,
    Who::Maintainer,
    Who::TokenWithScope,
    Who::TokenWithoutScope,
    Who::CrossOriginCookie,
];

/// One mutating route: how to call it, the token scope that would fit it (if tokens may use it
/// at all), and the status each caller gets, in the order of [`EVERYONE`].
struct Row {
    method: &'static str,
    path: &'static str,
    scope: Option<Scope>,
    expect: [u16; 6],
}

const MATRIX: &[Row] = &[
    Row {
        method: "POST",
        path: "/auth/logout",
        scope: None,
        expect: [303, 303, 303, 303, 303, 403],
    },
    Row {
        method: "POST",
        path: "/webhooks/github",
        scope: None,
        // Only GitHub's signature counts; these requests carry none.
        expect: [401, 401, 401, 401, 401, 401],
    },
    Row {
        method: "PATCH",
        path: "/api/v1/repos/{owner}/{repo}/settings",
        scope: None,
        expect: [401, 403, 200, 403, 403, 403],
    },
    Row {
        method: "POST",
        path: "/api/v1/repos/{owner}/{repo}/versions/{version}/withdraw",
        scope: None,
        expect: [401, 403, 200, 403, 403, 403],
    },
    Row {
        method: "DELETE",
        path: "/api/v1/repos/{owner}/{repo}/versions/{version}/withdraw",
        scope: None,
        expect: [401, 403, 200, 403, 403, 403],
    },
    Row {
        method: "POST",
        path: "/sfn/withdraw",
        scope: None,
        expect: [401, 403, 200, 403, 403, 403],
    },
    Row {
        method: "POST",
        path: "/sfn/restore",
        scope: None,
        expect: [401, 403, 200, 403, 403, 403],
    },
    Row {
        method: "PATCH",
        path: "/api/v1/repos/{owner}/{repo}/versions/{version}/checklist/items/{id}",
        scope: Some(Scope::Checklists),
        expect: [401, 403, 200, 200, 403, 403],
    },
    Row {
        method: "POST",
        path: "/api/v1/repos/{owner}/{repo}/incidents",
        scope: Some(Scope::Incidents),
        expect: [401, 403, 201, 201, 403, 403],
    },
    Row {
        method: "PATCH",
        path: "/api/v1/repos/{owner}/{repo}/incidents/{id}",
        scope: Some(Scope::Incidents),
        expect: [401, 403, 200, 200, 403, 403],
    },
    Row {
        method: "POST",
        path: "/api/v1/repos/{owner}/{repo}/incidents/{id}/updates",
        scope: Some(Scope::Incidents),
        expect: [401, 403, 201, 201, 403, 403],
    },
    Row {
        method: "POST",
        path: "/sfn/save_incident",
        scope: Some(Scope::Incidents),
        expect: [401, 403, 200, 200, 403, 403],
    },
    Row {
        method: "POST",
        path: "/sfn/add_incident_update",
        scope: Some(Scope::Incidents),
        expect: [401, 403, 200, 200, 403, 403],
    },
    Row {
        method: "POST",
        path: "/sfn/publish_incident",
        scope: Some(Scope::Incidents),
        expect: [401, 403, 200, 200, 403, 403],
    },
    Row {
        method: "POST",
        path: "/sfn/change_checklist_item",
        scope: Some(Scope::Checklists),
        expect: [401, 403, 200, 200, 403, 403],
    },
    Row {
        method: "POST",
        path: "/sfn/start_checklist",
        scope: None,
        expect: [401, 403, 200, 403, 403, 403],
    },
    Row {
        method: "POST",
        path: "/sfn/save_template",
        scope: None,
        expect: [401, 403, 200, 403, 403, 403],
    },
    Row {
        method: "POST",
        path: "/sfn/create_token",
        scope: None,
        expect: [401, 403, 200, 403, 403, 403],
    },
    Row {
        method: "POST",
        path: "/sfn/save_settings",
        scope: None,
        expect: [401, 403, 200, 403, 403, 403],
    },
    Row {
        method: "POST",
        path: "/sfn/revoke_token",
        scope: None,
        expect: [401, 403, 200, 403, 403, 403],
    },
    Row {
        method: "POST",
        path: "/api/v1/repos/{owner}/{repo}/plans",
        scope: Some(Scope::Releases),
        expect: [401, 403, 201, 201, 403, 403],
    },
    Row {
        method: "PATCH",
        path: "/api/v1/repos/{owner}/{repo}/plans/{version}",
        scope: Some(Scope::Releases),
        expect: [401, 403, 200, 200, 403, 403],
    },
    Row {
        method: "DELETE",
        path: "/api/v1/repos/{owner}/{repo}/plans/{version}",
        scope: Some(Scope::Releases),
        expect: [401, 403, 204, 204, 403, 403],
    },
    Row {
        method: "POST",
        path: "/api/v1/repos/{owner}/{repo}/versions/{version}/publish",
        scope: Some(Scope::Releases),
        // Allowed, then refused: the demo's plan has no tag on GitHub yet.
        expect: [401, 403, 409, 409, 403, 403],
    },
    Row {
        method: "POST",
        path: "/sfn/save_plan",
        scope: Some(Scope::Releases),
        expect: [401, 403, 200, 200, 403, 403],
    },
    Row {
        method: "POST",
        path: "/sfn/cancel_plan",
        scope: Some(Scope::Releases),
        expect: [401, 403, 200, 200, 403, 403],
    },
    Row {
        method: "POST",
        path: "/sfn/publish_release",
        scope: Some(Scope::Releases),
        expect: [401, 403, 409, 409, 403, 403],
    },
    // Maintainers' outgoing hooks: in person only.
    Row {
        method: "POST",
        path: "/api/v1/repos/{owner}/{repo}/hooks",
        scope: None,
        expect: [401, 403, 201, 403, 403, 403],
    },
    Row {
        method: "PATCH",
        path: "/api/v1/repos/{owner}/{repo}/hooks/{id}",
        scope: None,
        expect: [401, 403, 200, 403, 403, 403],
    },
    Row {
        method: "DELETE",
        path: "/api/v1/repos/{owner}/{repo}/hooks/{id}",
        scope: None,
        expect: [401, 403, 204, 403, 403, 403],
    },
    Row {
        method: "POST",
        path: "/api/v1/repos/{owner}/{repo}/hooks/{id}/deliveries/{delivery}/redeliver",
        scope: None,
        expect: [401, 403, 202, 403, 403, 403],
    },
    Row {
        method: "POST",
        path: "/sfn/create_hook",
        scope: None,
        expect: [401, 403, 200, 403, 403, 403],
    },
    Row {
        method: "POST",
        path: "/sfn/change_hook",
        scope: None,
        expect: [401, 403, 200, 403, 403, 403],
    },
    // Subscribing is for anyone, the same answer for all; only a cookie from elsewhere is
    // refused, as for every change.
    Row {
        method: "POST",
        path: "/api/v1/repos/{owner}/{repo}/subscriptions",
        scope: None,
        expect: [202, 202, 202, 202, 202, 403],
    },
    Row {
        method: "POST",
        path: "/{owner}/{repo}/subscribe",
        scope: None,
        expect: [303, 303, 303, 303, 303, 403],
    },
    Row {
        method: "POST",
        path: "/subscriptions/confirm/{token}",
        scope: None,
        expect: [303, 303, 303, 303, 303, 403],
    },
    Row {
        method: "POST",
        path: "/subscriptions/manage/{token}",
        scope: None,
        expect: [303, 303, 303, 303, 303, 403],
    },
    Row {
        method: "POST",
        path: "/subscriptions/unsubscribe/{token}",
        scope: None,
        expect: [303, 303, 303, 303, 303, 403],
    },
];

/// A version no plan or tag of the demo has: each call plans another.
fn unused_version() -> String {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    format!(
        "9.0.{}",
        NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    )
}

/// A plan made for a caller to drop.
async fn planned(app: &TestApp) -> String {
    let repository = app::store::repositories::find(&app.pool, "acme", "orbit")
        .await
        .expect("query")
        .expect("demo repository");
    let input = app::service::plans::PlanInput {
        version: unused_version(),
        target_date: "2026-12-24".to_owned(),
        ..Default::default()
    };
    app::service::plans::plan(&app.pool, &Default::default(), &repository, &input, "test")
        .await
        .expect("planned")
        .version
}

/// The first item of a demo version's checklist.
async fn first_item(app: &TestApp, version: &str) -> app::store::checklists::ItemRecord {
    let id = app::store::versions::public_id(&app.pool, 1, version)
        .await
        .expect("query")
        .expect("a demo version");
    let checklist = app::store::checklists::find(&app.pool, id)
        .await
        .expect("query")
        .expect("a checklist");
    app::store::checklists::items(&app.pool, checklist.id)
        .await
        .expect("items")
        .remove(0)
}

/// A new hook of acme/orbit, for a route to change.
async fn new_hook(app: &TestApp) -> i64 {
    let repository = app::store::repositories::find(&app.pool, "acme", "orbit")
        .await
        .expect("query")
        .expect("demo repository");
    let input = app::model::notify::HookInput {
        url: Some("http://127.0.0.1:9/hook".to_owned()),
        events: Some(vec!["releases".to_owned()]),
        secret: Some("a secret of sixteen or more".to_owned()),
        ..Default::default()
    };
    app::service::notify::hooks::create(&app.pool, &app.notifier(), &repository, &input, "test")
        .await
        .expect("hook")
        .id
}

/// A hook with one delivery, to send again.
async fn hook_delivery(app: &TestApp) -> (i64, i64) {
    use app::store::notify::outbox;
    let hook = new_hook(app).await;
    let now = chrono::Utc::now();
    let event = outbox::insert_event(
        &app.pool,
        1,
        &format!("matrix:{hook}"),
        "releases",
        "",
        "{}",
        now,
    )
    .await
    .expect("event")
    .expect("a new event");
    outbox::insert_delivery(
        &app.pool,
        &format!("uid-{hook}"),
        Some(event),
        outbox::Recipient::Hook(hook),
        now,
    )
    .await
    .expect("delivery");
    let delivery: i64 = sqlx::query_scalar("SELECT id FROM deliveries WHERE hook_id = ?")
        .bind(hook)
        .fetch_one(&app.pool)
        .await
        .expect("delivery id");
    (hook, delivery)
}

/// A signed link of a new subscription to acme/orbit.
async fn subscription_link(app: &TestApp, purpose: Purpose) -> String {
    let now = chrono::Utc::now();
    let id = app::store::notify::subscriptions::ask(
        &app.pool,
        1,
        &format!(
            "matrix-{}@example.com",
            now.timestamp_nanos_opt().unwrap_or_default()
        ),
        "releases",
        "",
        now,
    )
    .await
    .expect("subscription");
    let expires = Some(now + chrono::Duration::hours(1));
    app::domain::notify::link::sign(app.notifier().links_key(), purpose, id, expires)
}

/// A request for the route, with a fresh token to revoke where one is needed.
async fn request_for(app: &TestApp, row: &Row) -> Request<Body> {
    let builder = Request::builder()
        .method(row.method)
        .header(header::ACCEPT, "application/json");
    let (uri, content_type, body) = match row.path {
        "/auth/logout" => ("/auth/logout".to_owned(), None, String::new()),
        "/webhooks/github" => (
            "/webhooks/github".to_owned(),
            Some("application/json"),
            r#"{"zen":"hi"}"#.to_owned(),
        ),
        "/api/v1/repos/{owner}/{repo}/settings" => (
            format!("/api/v1/repos/{REPO}/settings"),
            Some("application/json"),
            r#"{"security_months": 6}"#.to_owned(),
        ),
        "/api/v1/repos/{owner}/{repo}/versions/{version}/withdraw" => {
            if row.method == "DELETE" {
                // Something to restore, whoever asks.
                let id = app::store::versions::public_id(&app.pool, 1, "1.0.0")
                    .await
                    .expect("query")
                    .expect("v1.0.0");
                app::store::versions::withdraw(&app.pool, id, "broken", None, "test", None)
                    .await
                    .expect("withdrawn");
            }
            (
                format!("/api/v1/repos/{REPO}/versions/v1.0.0/withdraw"),
                Some("application/json"),
                r#"{"reason": "broken", "superseded_by": "v1.0.1"}"#.to_owned(),
            )
        }
        "/sfn/withdraw" => (
            row.path.to_owned(),
            Some("application/x-www-form-urlencoded"),
            "owner=acme&repo=orbit&version=v1.1.0&reason=broken&superseded_by=".to_owned(),
        ),
        "/sfn/restore" => {
            // Something to restore, whoever asks.
            let id = app::store::versions::public_id(&app.pool, 1, "1.1.0")
                .await
                .expect("query")
                .expect("v1.1.0");
            app::store::versions::withdraw(&app.pool, id, "broken", None, "test", None)
                .await
                .expect("withdrawn");
            (
                row.path.to_owned(),
                Some("application/x-www-form-urlencoded"),
                "owner=acme&repo=orbit&version=v1.1.0".to_owned(),
            )
        }
        "/api/v1/repos/{owner}/{repo}/versions/{version}/checklist/items/{id}" => {
            let item = first_item(app, "3.2.0-rc.1").await;
            (
                format!("/api/v1/repos/{REPO}/versions/v3.2.0-rc.1/checklist/items/{}", item.id),
                Some("application/json"),
                r#"{"state": "done"}"#.to_owned(),
            )
        }
        "/sfn/change_checklist_item" => {
            // Based on the item's current revision, whoever changed it before.
            let item = first_item(app, "3.2.0-rc.1").await;
            (
                row.path.to_owned(),
                Some("application/x-www-form-urlencoded"),
                format!(
                    "owner=acme&repo=orbit&version=v3.2.0-rc.1&item={}&state=done&note=&revision={}",
                    item.id, item.revision
                ),
            )
        }
        "/api/v1/repos/{owner}/{repo}/incidents" => (
            format!("/api/v1/repos/{REPO}/incidents"),
            Some("application/json"),
            r#"{"title": "Matrix", "issue": "Testing access", "status": "investigating",
                "severity": "minor", "affected": "1.0.0"}"#
                .to_owned(),
        ),
        "/api/v1/repos/{owner}/{repo}/incidents/{id}" => (
            format!("/api/v1/repos/{REPO}/incidents/1"),
            Some("application/json"),
            r#"{"timeline": "Soon."}"#.to_owned(),
        ),
        "/api/v1/repos/{owner}/{repo}/incidents/{id}/updates" => (
            format!("/api/v1/repos/{REPO}/incidents/1/updates"),
            Some("application/json"),
            r#"{"status": "resolved", "message": "Checked again."}"#.to_owned(),
        ),
        "/sfn/save_incident" => (
            row.path.to_owned(),
            Some("application/x-www-form-urlencoded"),
            "owner=acme&repo=orbit&id=0&title=Matrix&issue=Testing&impact=&status=investigating\
             &workaround=&timeline=&action=&severity=minor&affected=1.0.0&fixed_in="
                .to_owned(),
        ),
        "/sfn/add_incident_update" => (
            row.path.to_owned(),
            Some("application/x-www-form-urlencoded"),
            "owner=acme&repo=orbit&id=1&status=resolved&message=Checked".to_owned(),
        ),
        "/sfn/publish_incident" => (
            row.path.to_owned(),
            Some("application/x-www-form-urlencoded"),
            "owner=acme&repo=orbit&id=1".to_owned(),
        ),
        "/sfn/start_checklist" => (
            row.path.to_owned(),
            Some("application/x-www-form-urlencoded"),
            "owner=acme&repo=orbit&version=v1.0.0".to_owned(),
        ),
        "/sfn/save_template" => {
            let (revision, template) =
                app::service::checklists::current_template(&app.pool, 1, TemplateKind::Alpha)
                    .await
                    .expect("template");
            let body: String = form_urlencoded::Serializer::new(String::new())
                .append_pair("owner", "acme")
                .append_pair("repo", "orbit")
                .append_pair("kind", "alpha")
                .append_pair("revision", &revision.to_string())
                .append_pair("text", &template.to_text())
                .finish();
            (row.path.to_owned(), Some("application/x-www-form-urlencoded"), body)
        }
        "/sfn/create_token" => (
            row.path.to_owned(),
            Some("application/x-www-form-urlencoded"),
            "owner=acme&repo=orbit&label=matrix&checklists=on".to_owned(),
        ),
        "/sfn/save_settings" => (
            row.path.to_owned(),
            Some("application/x-www-form-urlencoded"),
            "owner=acme&repo=orbit&security_months=6&supported_lines=2&zero_major_lines=on&tag_prefix=v&product="
                .to_owned(),
        ),
        "/sfn/revoke_token" => {
            let repository = app::store::repositories::find(&app.pool, "acme", "orbit")
                .await
                .expect("query")
                .expect("demo repository");
            let created = app::service::tokens::create_token(
                &app.pool,
                &repository,
                "to revoke",
                &[Scope::Checklists],
                "test",
            )
            .await
            .expect("token");
            (
                row.path.to_owned(),
                Some("application/x-www-form-urlencoded"),
                format!("owner=acme&repo=orbit&id={}", created.id),
            )
        }
        "/api/v1/repos/{owner}/{repo}/plans" => (
            format!("/api/v1/repos/{REPO}/plans"),
            Some("application/json"),
            format!(r#"{{"version": "{}", "target_date": "2026-12-24"}}"#, unused_version()),
        ),
        "/api/v1/repos/{owner}/{repo}/plans/{version}" if row.method == "PATCH" => (
            format!("/api/v1/repos/{REPO}/plans/3.5.0"),
            Some("application/json"),
            r#"{"notes": "matrix"}"#.to_owned(),
        ),
        "/api/v1/repos/{owner}/{repo}/plans/{version}" => (
            format!("/api/v1/repos/{REPO}/plans/{}", planned(app).await),
            None,
            String::new(),
        ),
        "/api/v1/repos/{owner}/{repo}/versions/{version}/publish" => (
            format!("/api/v1/repos/{REPO}/versions/3.5.0/publish"),
            Some("application/json"),
            r#"{"reason": "matrix"}"#.to_owned(),
        ),
        "/sfn/save_plan" => (
            row.path.to_owned(),
            Some("application/x-www-form-urlencoded"),
            format!(
                "owner=acme&repo=orbit&version={}&target_date=2026-12-24&branch=&notes=",
                unused_version()
            ),
        ),
        "/sfn/cancel_plan" => (
            row.path.to_owned(),
            Some("application/x-www-form-urlencoded"),
            format!("owner=acme&repo=orbit&version={}", planned(app).await),
        ),
        "/sfn/publish_release" => (
            row.path.to_owned(),
            Some("application/x-www-form-urlencoded"),
            "owner=acme&repo=orbit&version=3.5.0&reason=matrix".to_owned(),
        ),
        "/api/v1/repos/{owner}/{repo}/hooks" => (
            format!("/api/v1/repos/{REPO}/hooks"),
            Some("application/json"),
            r#"{"url": "http://127.0.0.1:9/hook", "events": ["releases"],
                "secret": "a secret of sixteen or more"}"#
                .to_owned(),
        ),
        "/api/v1/repos/{owner}/{repo}/hooks/{id}" => (
            format!("/api/v1/repos/{REPO}/hooks/{}", new_hook(app).await),
            Some("application/json"),
            r#"{"active": false}"#.to_owned(),
        ),
        "/api/v1/repos/{owner}/{repo}/hooks/{id}/deliveries/{delivery}/redeliver" => {
            let (hook, delivery) = hook_delivery(app).await;
            (
                format!("/api/v1/repos/{REPO}/hooks/{hook}/deliveries/{delivery}/redeliver"),
                None,
                String::new(),
            )
        }
        "/sfn/create_hook" => (
            row.path.to_owned(),
            Some("application/x-www-form-urlencoded"),
            "owner=acme&repo=orbit&url=http%3A%2F%2F127.0.0.1%3A9%2Fhook&secret=a+secret+of+sixteen+or+more&format=slack&releases=on"
                .to_owned(),
        ),
        "/sfn/change_hook" => (
            row.path.to_owned(),
            Some("application/x-www-form-urlencoded"),
            format!("owner=acme&repo=orbit&id={}&change=off", new_hook(app).await),
        ),
        "/api/v1/repos/{owner}/{repo}/subscriptions" => (
            format!("/api/v1/repos/{REPO}/subscriptions"),
            Some("application/json"),
            r#"{"email": "matrix@example.com", "topics": ["releases"]}"#.to_owned(),
        ),
        "/{owner}/{repo}/subscribe" => (
            format!("/{REPO}/subscribe"),
            Some("application/x-www-form-urlencoded"),
            "email=matrix%40example.com&topics=releases".to_owned(),
        ),
        "/subscriptions/confirm/{token}" => (
            format!("/subscriptions/confirm/{}", subscription_link(app, Purpose::Confirm).await),
            Some("application/x-www-form-urlencoded"),
            String::new(),
        ),
        "/subscriptions/manage/{token}" => (
            format!("/subscriptions/manage/{}", subscription_link(app, Purpose::Manage).await),
            Some("application/x-www-form-urlencoded"),
            "topics=releases&topics=incidents".to_owned(),
        ),
        "/subscriptions/unsubscribe/{token}" => (
            format!("/subscriptions/unsubscribe/{}", subscription_link(app, Purpose::Manage).await),
            Some("application/x-www-form-urlencoded"),
            "List-Unsubscribe=One-Click".to_owned(),
        ),
        other => panic!("the matrix has no request for {other}"),
    };
    let builder = builder.uri(uri);
    let builder = match content_type {
        Some(content_type) => builder.header(header::CONTENT_TYPE, content_type),
        None => builder,
    };
    builder.body(Body::from(body)).expect("request")
}

#[tokio::test]
async fn access_matrix_covers_every_route_that_changes_data() {
    // Every mutating route is listed, and every listed route has a row here.
    let listed: BTreeSet<(&str, &str)> = MUTATING_ROUTES.iter().map(|(m, p, _)| (*m, *p)).collect();
    let rows: BTreeSet<(&str, &str)> = MATRIX.iter().map(|r| (r.method, r.path)).collect();
    assert_eq!(
        listed, rows,
        "a route that changes data was added or removed: give it a row in MATRIX"
    );
    for (path, method) in leptos::server_fn::axum::server_fn_paths() {
        if method != Method::GET {
            assert!(
                listed.contains(&(method.as_str(), path)),
                "server function {method} {path} changes data but is not in MUTATING_ROUTES"
            );
        }
    }

    let (github, app) = setup().await;
    let repository = app::store::repositories::find(&app.pool, "acme", "orbit")
        .await
        .expect("query")
        .expect("demo");

    for row in MATRIX {
        let gate = MUTATING_ROUTES
            .iter()
            .find(|(m, p, _)| *m == row.method && *p == row.path)
            .map(|(_, _, g)| *g)
            .expect("listed");
        for (who, expected) in EVERYONE.iter().zip(row.expect) {
            let mut request = request_for(&app, row).await;
            let headers = request.headers_mut();
            let own_origin = ORIGIN.parse().expect("origin");
            // A fresh session each time: signing out ends one.
            let cookie = match who {
                Who::Anonymous => None,
                Who::Viewer => Some(app.sign_in(&github, "vic").await),
                Who::Maintainer | Who::CrossOriginCookie => {
                    Some(app.sign_in(&github, "mona").await)
                }
                Who::TokenWithScope | Who::TokenWithoutScope => {
                    let scopes = match (who, row.scope) {
                        (Who::TokenWithScope, Some(scope)) => vec![scope],
                        (Who::TokenWithScope, None) => Scope::ALL.to_vec(),
                        (_, Some(Scope::Checklists)) => vec![Scope::Incidents],
                        _ => vec![Scope::Checklists],
                    };
                    let token = app::service::tokens::create_token(
                        &app.pool,
                        &repository,
                        "matrix",
                        &scopes,
                        "test",
                    )
                    .await
                    .expect("token")
                    .token;
                    headers.insert(
                        header::AUTHORIZATION,
                        format!("Bearer {token}").parse().expect("header"),
                    );
                    None
                }
            };
            let origin = match who {
                Who::CrossOriginCookie => "http://evil.example".parse().expect("origin"),
                _ => own_origin,
            };
            headers.insert(header::ORIGIN, origin);
            let response = app.send(request, cookie.as_deref()).await;
            let status = response.status.as_u16();
            // For handlers that redirect after success (form posts), any 2xx/3xx is success.
            let matches = status == expected
                || (expected == 200 && (200..400).contains(&status) && gate == Gate::Checked);
            assert!(
                matches,
                "{} {} as {who:?}: expected {expected}, got {status}: {}",
                row.method, row.path, response.body
            );
            if (200..400).contains(&status) {
                continue;
            }
            if row.path.starts_with("/sfn/") {
                // Server functions answer in their own encoding, which the browser decodes.
                let error: app::error::AppError =
                    serde_json::from_str(&response.body).expect("a server-function error");
                assert_eq!(error.status().as_u16(), status);
            } else {
                let json = response.json();
                assert!(
                    json["error"]["code"].is_string(),
                    "a JSON error: {}",
                    response.body
                );
            }
        }
    }
}

/// A route that changes data but has no entry in MUTATING_ROUTES is closed to everyone.
#[tokio::test]
async fn an_unlisted_route_that_changes_data_is_refused() {
    use axum::{middleware, routing::post, Router};
    let auth = Arc::new(releasedesk_tests::test_auth(None));
    let router: Router = Router::new()
        .route("/api/v1/new-thing", post(|| async { "changed!" }))
        .layer(middleware::from_fn(move |request, next| {
            releasedesk::http::access::guard(auth.clone(), request, next)
        }));
    let response = releasedesk_tests::send(
        &router,
        Request::post("/api/v1/new-thing")
            .body(Body::empty())
            .expect("request"),
    )
    .await;
    assert_eq!(response.status, StatusCode::FORBIDDEN);
    assert!(!response.body.contains("changed!"));
}

#[tokio::test]
async fn maintainers_see_drafts_and_nobody_else_does() {
    let (github, app) = setup().await;
    // The draft's title: its tag is a prefix of public pre-release tags.
    let draft_title: String = sqlx::query_scalar(
        "SELECT r.name FROM releases r JOIN versions v ON v.id = r.version_id WHERE r.draft = 1",
    )
    .fetch_one(&app.pool)
    .await
    .expect("the demo has a draft");
    let viewer = app.sign_in(&github, "vic").await;
    let maintainer = app.sign_in(&github, "mona").await;
    for cookie in [None, Some(viewer.as_str())] {
        let page = app.send(get("/acme/orbit"), cookie).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            !page.body.contains("drafts-title"),
            "{cookie:?} must not see drafts"
        );
        assert!(
            !page.body.contains("\\\"drafts\\\":[{"),
            "nor in the page's data"
        );
        assert!(!page.body.contains("Maintainer tools"));
        let api = app
            .send(
                get("/api/v1/repos/acme/orbit/versions?per_page=100"),
                cookie,
            )
            .await;
        assert!(!api.body.contains(&format!("\"{draft_title}\"")));
    }
    let page = app.send(get("/acme/orbit"), Some(&maintainer)).await;
    assert!(
        page.body.contains(&format!(">{draft_title}</span>")),
        "the maintainer sees the draft"
    );
    assert!(
        page.body.contains("\\\"drafts\\\":[{"),
        "the check above can fail"
    );
    assert!(page.body.contains("/acme/orbit/tokens"));
    assert!(page.body.contains("Signed in as"));
}

#[tokio::test]
async fn session_cookies_are_secure_behind_https() {
    let github = FakeGitHub::start().await;
    let app = TestApp::with_github(&github).await;
    let mut auth = test_auth_with_key(
        Some(&github),
        releasedesk::auth::secret_key::SecretKey::random(),
    );
    auth.public_url = Some(url::Url::parse("https://releases.example.org").expect("url"));
    let router = router_for(app.pool.clone(), &app.dir, Arc::new(auth));
    let response = releasedesk_tests::send(&router, get("/auth/login")).await;
    let set_cookie = header(&response, "set-cookie");
    assert!(set_cookie.contains("Secure"), "{set_cookie}");
    let plain = app.send(get("/auth/login"), None).await;
    assert!(!header(&plain, "set-cookie").contains("Secure"));
}
