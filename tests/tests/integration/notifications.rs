//! Telling people: mail to a real SMTP server (aiosmtpd, started per test) and hook deliveries
//! to a receiver on loopback, sent by the server's own sender with the clock given by the test.

use std::time::Duration;

use app::{domain::access::Scope, service::notify::events};
use axum::body::Body;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use http::{Request, StatusCode};
use releasedesk::notify::{
    hooks::HookClient,
    mail::{smtp_transport, Mailer, Transport},
    Sender,
};
use releasedesk_tests::{
    hook_receiver::{Answer, HookReceiver},
    smtp::{ReceivedMail, SmtpServer},
    TestApp, TestResponse, ORIGIN,
};
use serde_json::{json, Value};
use sha2::Sha256;

const WAIT: Duration = Duration::from_secs(10);

/// The app's sender, mailing through `smtp` (the local outbox without one).
fn sender(app: &TestApp, smtp: Option<&SmtpServer>, hooks: HookClient) -> Sender {
    let transport = match smtp {
        Some(smtp) => Transport::Smtp(smtp_transport(&smtp.url()).expect("SMTP URL")),
        None => Transport::Local,
    };
    Sender {
        pool: app.pool.clone(),
        notifier: app.notifier(),
        mailer: Mailer {
            transport,
            from: "Release Desk <releases@releasedesk.test>"
                .parse()
                .expect("mailbox"),
            domain: "releasedesk.test".to_owned(),
        },
        hooks,
    }
}

fn test_hooks() -> HookClient {
    HookClient {
        allow_private: true,
        timeout: Duration::from_secs(1),
    }
}

async fn subscribe(app: &TestApp, body: Value) -> TestResponse {
    app.send_json(
        "POST",
        "/api/v1/repos/acme/orbit/subscriptions",
        None,
        &body,
    )
    .await
}

/// The first link in `mail` that starts with `prefix`, as a path on the app.
fn link(mail: &ReceivedMail, prefix: &str) -> String {
    let start = mail
        .text
        .find(&format!("{ORIGIN}{prefix}"))
        .unwrap_or_else(|| panic!("no {prefix} link in:\n{}", mail.text));
    let rest = &mail.text[start + ORIGIN.len()..];
    rest.split_whitespace()
        .next()
        .expect("a link")
        .trim_end_matches(['.', ',', ')', '>'])
        .to_owned()
}

async fn post_empty(app: &TestApp, path: &str, body: &str) -> TestResponse {
    let request = Request::post(path)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body.to_owned()))
        .expect("request");
    app.send(request, None).await
}

/// Subscribes `email` and follows the confirmation link; returns the mails so far.
async fn subscribe_and_confirm(
    app: &TestApp,
    sender: &Sender,
    smtp: &SmtpServer,
    body: Value,
) -> Vec<ReceivedMail> {
    let before = smtp.messages().len();
    let asked = subscribe(app, body).await;
    assert_eq!(asked.status, StatusCode::ACCEPTED, "{}", asked.body);
    sender.send_due(Utc::now()).await.expect("outbox");
    let mails = smtp.wait_for(before + 1, WAIT).await;
    let confirm = link(&mails[before], "/subscriptions/confirm/");
    let confirmed = post_empty(app, &confirm, "").await;
    assert_eq!(
        confirmed.status,
        StatusCode::SEE_OTHER,
        "{}",
        confirmed.body
    );
    mails
}

/// A release of acme/orbit published now, as the sync or a webhook would keep it, then
/// announced as they do in the same transaction.
async fn release(app: &TestApp, tag: &str, at: DateTime<Utc>) {
    use app::store::{repositories, versions};
    let repo = repositories::find(&app.pool, "acme", "orbit")
        .await
        .expect("query")
        .expect("tracked");
    let mut tx = app.pool.begin().await.expect("transaction");
    let id = versions::upsert(&mut *tx, &repo, tag)
        .await
        .expect("version");
    let title = format!("Orbit {tag}");
    let record = versions::GithubRelease {
        github_id: at.timestamp_millis(),
        name: &title,
        body: "## Fixed\n\n- <script>alert(1)</script> no longer runs",
        html_url: "",
        draft: false,
        prerelease: tag.contains('-'),
        created_at: at,
        published_at: Some(at),
    };
    versions::upsert_release(&mut *tx, id, &record)
        .await
        .expect("release");
    events::announce_releases(&mut tx, &app.notifier(), &repo, at)
        .await
        .expect("announce");
    tx.commit().await.expect("commit");
}

async fn open_incident(app: &TestApp, token: &str, title: &str, affected: &str) -> i64 {
    let body = json!({
        "title": title,
        "issue": "Uploads fail with a 500.",
        "impact": "Everyone uploading files larger than 1 MB.",
        "status": "investigating",
        "workaround": "Upload smaller files.",
        "timeline": "A fix within the day.",
        "action": "Nothing yet.",
        "severity": "major",
        "affected": affected,
        "published": true,
    });
    let opened = app
        .send_json(
            "POST",
            "/api/v1/repos/acme/orbit/incidents",
            Some(token),
            &body,
        )
        .await;
    assert_eq!(opened.status, StatusCode::CREATED, "{}", opened.body);
    opened.json()["id"].as_i64().expect("an id")
}

#[tokio::test]
async fn subscribers_confirm_receive_and_unsubscribe_in_one_click() {
    let smtp = SmtpServer::start().await;
    let app = TestApp::with_demo().await;
    let sender = sender(&app, Some(&smtp), test_hooks());
    let token = app.token("acme", "orbit", &[Scope::Incidents]).await;

    // Asking answers the same for a new address and a known one, and mails once an hour.
    let body = json!({"email": "ada@example.com", "topics": ["releases", "incidents"]});
    let first = subscribe(&app, body.clone()).await;
    let again = subscribe(&app, body.clone()).await;
    assert_eq!(first.status, StatusCode::ACCEPTED, "{}", first.body);
    assert_eq!((again.status, &again.body), (first.status, &first.body));
    sender.send_due(Utc::now()).await.expect("outbox");
    let mails = smtp.wait_for(1, WAIT).await;
    smtp.expect_quiet(1, Duration::from_millis(500)).await;
    let confirmation = &mails[0];
    assert_eq!(confirmation.to, vec!["ada@example.com".to_owned()]);
    assert!(
        confirmation.subject.contains("Confirm your subscription"),
        "{}",
        confirmation.subject
    );

    // Before the link is followed, nothing else reaches the address.
    open_incident(&app, &token, "Uploads fail", ">=3.0.0").await;
    sender.send_due(Utc::now()).await.expect("outbox");
    smtp.expect_quiet(1, Duration::from_millis(500)).await;

    let confirm = link(confirmation, "/subscriptions/confirm/");
    let page = app.get(&confirm).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Confirm subscription"), "{}", page.body);
    let confirmed = post_empty(&app, &confirm, "").await;
    assert_eq!(
        confirmed.status,
        StatusCode::SEE_OTHER,
        "{}",
        confirmed.body
    );

    // A published incident, an update to it and a release arrive, in that order.
    let incident = open_incident(&app, &token, "Downloads fail", ">=3.0.0").await;
    let update = json!({"status": "fix_in_progress", "message": "Found it; a fix is building."});
    let updated = app
        .send_json(
            "POST",
            &format!("/api/v1/repos/acme/orbit/incidents/{incident}/updates"),
            Some(&token),
            &update,
        )
        .await;
    assert_eq!(updated.status, StatusCode::CREATED, "{}", updated.body);
    release(&app, "v3.3.0", Utc::now()).await;
    sender.send_due(Utc::now()).await.expect("outbox");
    let mails = smtp.wait_for(4, WAIT).await;
    let subjects: Vec<&str> = mails[1..].iter().map(|m| m.subject.as_str()).collect();
    assert_eq!(
        subjects,
        [
            "[acme/orbit] Incident: Downloads fail",
            "[acme/orbit] Incident update: Downloads fail",
            "[acme/orbit] 3.3.0 released",
        ]
    );
    let incident_mail = &mails[1];
    let order: Vec<usize> = [
        "Issue",
        "Impact",
        "Status",
        "Workaround",
        "Timeline",
        "Action",
    ]
    .iter()
    .map(|field| {
        incident_mail
            .text
            .find(&format!("{field}:"))
            .unwrap_or_else(|| panic!("no {field} in:\n{}", incident_mail.text))
    })
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    let release_mail = &mails[3];
    assert!(
        !release_mail.html.contains("<script>"),
        "{}",
        release_mail.html
    );
    for mail in &mails[1..] {
        let unsubscribe = mail.header("List-Unsubscribe").expect("List-Unsubscribe");
        assert!(unsubscribe.starts_with(&format!("<{ORIGIN}/subscriptions/unsubscribe/")));
        assert_eq!(
            mail.header("List-Unsubscribe-Post"),
            Some("List-Unsubscribe=One-Click")
        );
        assert!(mail
            .header("Message-ID")
            .is_some_and(|id| id.ends_with("@releasedesk.test>")));
    }

    // One click from the mail client (a POST, no cookies) unsubscribes at once.
    let header = mails[3].header("List-Unsubscribe").expect("header");
    let path = header
        .trim_start_matches('<')
        .trim_end_matches('>')
        .trim_start_matches(ORIGIN)
        .to_owned();
    let gone = post_empty(&app, &path, "List-Unsubscribe=One-Click").await;
    assert_eq!(gone.status, StatusCode::SEE_OTHER, "{}", gone.body);
    let update = json!({"status": "resolved", "message": "Fixed in 3.3.0."});
    app.send_json(
        "POST",
        &format!("/api/v1/repos/acme/orbit/incidents/{incident}/updates"),
        Some(&token),
        &update,
    )
    .await;
    release(&app, "v3.3.1", Utc::now()).await;
    sender.send_due(Utc::now()).await.expect("outbox");
    smtp.expect_quiet(4, Duration::from_secs(1)).await;
    let page = app.page_text(None, &format!("{path}?done")).await;
    assert!(page.contains("Unsubscribed"), "{page}");
}

#[tokio::test]
async fn a_line_filter_is_honoured() {
    let smtp = SmtpServer::start().await;
    let app = TestApp::with_demo().await;
    let sender = sender(&app, Some(&smtp), test_hooks());
    subscribe_and_confirm(
        &app,
        &sender,
        &smtp,
        json!({"email": "grace@example.com", "topics": ["releases"], "lines": ["2.x"]}),
    )
    .await;
    release(&app, "v3.3.0", Utc::now()).await;
    release(&app, "v2.3.9", Utc::now()).await;
    sender.send_due(Utc::now()).await.expect("outbox");
    let mails = smtp.wait_for(2, WAIT).await;
    smtp.expect_quiet(2, Duration::from_millis(500)).await;
    assert_eq!(mails[1].subject, "[acme/orbit] 2.3.9 released");
}

#[tokio::test]
async fn end_of_support_warnings_arrive_30_7_and_1_days_before() {
    let smtp = SmtpServer::start().await;
    let app = TestApp::with_demo().await;
    let sender = sender(&app, Some(&smtp), test_hooks());
    subscribe_and_confirm(
        &app,
        &sender,
        &smtp,
        json!({"email": "linus@example.com", "topics": ["eol"], "lines": ["2.x"]}),
    )
    .await;
    let repo = app::store::repositories::find(&app.pool, "acme", "orbit")
        .await
        .expect("query")
        .expect("tracked");
    let today = Utc::now().date_naive();
    let lines = app::service::support::lines(&app.pool, &repo, today)
        .await
        .expect("lines");
    let end = lines
        .windows
        .iter()
        .find(|w| w.line.to_string() == "2.x")
        .and_then(|w| w.eol)
        .expect("2.x has an end of life");
    let notifier = app.notifier();
    let mut received = 1;
    for days in (0..=35).rev() {
        let day = end - chrono::Duration::days(days);
        events::end_of_support(&app.pool, &notifier, day, Utc::now())
            .await
            .expect("warnings");
        sender.send_due(Utc::now()).await.expect("outbox");
        if [30, 7, 1].contains(&days) {
            received += 1;
            let mails = smtp.wait_for(received, WAIT).await;
            let subject = &mails[received - 1].subject;
            let wanted = if days == 1 {
                "in 1 day"
            } else {
                &format!("in {days} days")
            };
            assert!(
                subject.contains("2.x") && subject.contains(wanted),
                "{subject}"
            );
        }
        smtp.expect_quiet(received, Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn mail_waits_in_the_local_outbox_without_smtp() {
    let (app, cookie) = TestApp::demo_signed_in().await;
    let sender = sender(&app, None, test_hooks());
    let asked = subscribe(
        &app,
        json!({"email": "ada@example.com", "topics": ["releases"]}),
    )
    .await;
    assert_eq!(asked.status, StatusCode::ACCEPTED);
    sender.send_due(Utc::now()).await.expect("outbox");
    let outbox = app.page_text(Some(&cookie), "/admin/outbox").await;
    assert!(outbox.contains("Confirm your subscription"), "{outbox}");
    assert!(outbox.contains("/subscriptions/confirm/"), "{outbox}");
    // Nobody else reads it.
    let anonymous = app.get("/admin/outbox").await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn hostile_addresses_and_fields_are_refused_with_a_clear_message() {
    let app = TestApp::with_demo().await;
    for email in [
        "ada@example.com\r\nBcc: victim@example.com",
        "\"a\nb\"@example.com",
        "ada@example.com>",
        &format!("{}@example.com", "a".repeat(300)),
        "not an address",
    ] {
        let refused = subscribe(&app, json!({"email": email, "topics": ["releases"]})).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{email}");
        assert!(
            refused.json()["error"]["fields"]["email"].is_string(),
            "{}",
            refused.body
        );
    }
    let refused = subscribe(
        &app,
        json!({"email": "ada@example.com", "topics": ["everything"], "lines": ["9"]}),
    )
    .await;
    let fields = &refused.json()["error"]["fields"];
    assert!(
        fields["topics"].is_string() && fields["lines"].is_string(),
        "{}",
        refused.body
    );
    let refused = subscribe(&app, json!({"email": 42})).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );

    // The plain form goes back to its page, which says what is wrong and keeps what was typed.
    let request = Request::post("/acme/orbit/subscribe")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", ORIGIN)
        .body(Body::from(
            "email=ada%40example.com%0D%0ABcc%3A+x%40y.com&topics=releases",
        ))
        .expect("request");
    let back = app.send(request, None).await;
    assert_eq!(back.status, StatusCode::SEE_OTHER, "{}", back.body);
    assert_eq!(
        releasedesk_tests::header(&back, "location"),
        "/acme/orbit/subscribe"
    );
    let cookie = releasedesk_tests::session_cookie(&back.headers).expect("a session");
    let page = app.page_text(Some(&cookie), "/acme/orbit/subscribe").await;
    assert!(page.contains("line breaks or control characters"), "{page}");
    // Nothing was kept of the refused address.
    let kept: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM subscriptions")
        .fetch_one(&app.pool)
        .await
        .expect("count");
    assert_eq!(kept, 0);
}

fn verify(secret: &str, body: &[u8], signature: &str) -> bool {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("key");
    mac.update(body);
    signature == format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// Adds a hook through the REST API as the local administrator.
async fn add_hook(app: &TestApp, cookie: &str, body: Value) -> TestResponse {
    let request = Request::post("/api/v1/repos/acme/orbit/hooks")
        .header("content-type", "application/json")
        .header("origin", ORIGIN)
        .body(Body::from(body.to_string()))
        .expect("request");
    app.send(request, Some(cookie)).await
}

const SECRET: &str = "a-hook-secret-of-some-length";

#[tokio::test]
async fn hook_deliveries_are_signed_and_retried_with_one_delivery_id() {
    let receiver = HookReceiver::start().await;
    let (app, cookie) = TestApp::demo_signed_in().await;
    let sender = sender(&app, None, test_hooks());
    let added = add_hook(
        &app,
        &cookie,
        json!({"url": receiver.url("/json"), "events": ["releases"], "secret": SECRET}),
    )
    .await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.body);
    let hook = added.json();
    assert!(
        hook.get("secret").is_none(),
        "the secret is never shown: {hook}"
    );

    receiver.answer_next([Answer::Status(500), Answer::Hang(Duration::from_secs(3))]);
    let start = Utc::now();
    release(&app, "v3.3.0", start).await;
    sender.send_due(start).await.expect("outbox");
    // Nothing is tried again before it is due.
    sender.send_due(start).await.expect("outbox");
    assert_eq!(receiver.received().len(), 1);
    sender
        .send_due(start + chrono::Duration::minutes(2))
        .await
        .expect("outbox");
    sender
        .send_due(start + chrono::Duration::minutes(10))
        .await
        .expect("outbox");
    let received = receiver.wait_for(3, WAIT).await;
    let ids: Vec<String> = received
        .iter()
        .map(|r| r.header("x-releasedesk-delivery").expect("a delivery id"))
        .collect();
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    for request in &received {
        assert_eq!(
            request.header("x-releasedesk-event").as_deref(),
            Some("release.published")
        );
        let signature = request
            .header("x-releasedesk-signature-256")
            .expect("signed");
        assert!(verify(SECRET, &request.body, &signature));
    }
    let payload = received[2].json();
    assert_eq!(payload["event"], "release.published");
    assert_eq!(payload["repository"], "acme/orbit");
    assert_eq!(payload["notice"]["kind"], "release");
    assert_eq!(payload["notice"]["version"], "3.3.0");

    let id = hook["id"].as_i64().expect("id");
    let log = app
        .send(
            Request::get(format!("/api/v1/repos/acme/orbit/hooks/{id}/deliveries"))
                .body(Body::empty())
                .expect("request"),
            Some(&cookie),
        )
        .await
        .json();
    assert_eq!(log[0]["state"], "sent", "{log}");
    assert_eq!(log[0]["attempts"], 3, "{log}");
    assert_eq!(log[0]["delivery"], ids[0].as_str());
}

#[tokio::test]
async fn a_hook_that_keeps_failing_is_turned_off_with_the_reason() {
    let receiver = HookReceiver::start().await;
    let (app, cookie) = TestApp::demo_signed_in().await;
    let sender = sender(&app, None, test_hooks());
    let added = add_hook(
        &app,
        &cookie,
        json!({"url": receiver.url("/down"), "events": ["releases"], "secret": SECRET}),
    )
    .await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.body);
    receiver.answer_next(std::iter::repeat_n(Answer::Status(503), 20));
    let start = Utc::now();
    release(&app, "v3.3.0", start).await;
    // Each attempt when it falls due, until nothing is left to try.
    sender.send_due(start).await.expect("outbox");
    while let Some(due) = app::store::notify::outbox::next_due(&app.pool)
        .await
        .expect("outbox")
    {
        sender.send_due(due).await.expect("outbox");
    }
    let hooks = app
        .send(
            Request::get("/api/v1/repos/acme/orbit/hooks")
                .body(Body::empty())
                .expect("request"),
            Some(&cookie),
        )
        .await
        .json();
    assert_eq!(hooks[0]["active"], false, "{hooks}");
    let reason = hooks[0]["disabled_reason"].as_str().expect("a reason");
    assert!(reason.contains("503"), "{reason}");
    assert_eq!(receiver.received().len(), 8);
}

#[tokio::test]
async fn a_private_address_is_refused_without_the_allowance() {
    let receiver = HookReceiver::start().await;
    let (app, cookie) = TestApp::demo_signed_in().await;
    let added = add_hook(
        &app,
        &cookie,
        json!({"url": receiver.url("/private"), "events": ["releases"], "secret": SECRET}),
    )
    .await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.body);
    // This server may not reach its own network.
    let strict = sender(&app, None, HookClient::default());
    let start = Utc::now();
    release(&app, "v3.3.0", start).await;
    strict.send_due(start).await.expect("outbox");
    assert!(receiver.received().is_empty());
    let (state, refused): (String, String) =
        sqlx::query_as("SELECT state, last_error FROM deliveries WHERE hook_id IS NOT NULL")
            .fetch_one(&app.pool)
            .await
            .expect("a delivery");
    assert!(
        refused.contains("loopback, private or link-local"),
        "{refused}"
    );
    // Trying again cannot help: it is not tried again.
    assert_eq!(state, "failed");
    // Nor is such an address taken for a new hook, from the page or the API.
    let repository = app::store::repositories::find(&app.pool, "acme", "orbit")
        .await
        .expect("query")
        .expect("demo");
    let strict = releasedesk::notify::notifier(&app.auth.key, ORIGIN, false);
    let input = app::model::notify::HookInput {
        url: Some(receiver.url("/x")),
        events: Some(vec!["releases".to_owned()]),
        secret: Some(SECRET.to_owned()),
        ..Default::default()
    };
    let problem = app::service::notify::hooks::create(&app.pool, &strict, &repository, &input, "t")
        .await
        .expect_err("refused");
    assert!(problem.to_string().contains("url"), "{problem}");
    let app::error::AppError::Validation { fields, .. } = problem else {
        panic!("not a validation error: {problem}")
    };
    assert!(fields["url"].contains("127.0.0.1"), "{fields:?}");
    let refused = add_hook(
        &app,
        &cookie,
        json!({"url": "ftp://example.com/hook", "events": ["releases"], "secret": SECRET}),
    )
    .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
}

#[tokio::test]
async fn chat_formats_send_their_services_message_shapes() {
    let receiver = HookReceiver::start().await;
    let (app, cookie) = TestApp::demo_signed_in().await;
    let sender = sender(&app, None, test_hooks());
    for format in ["slack", "discord", "teams"] {
        let added = add_hook(
            &app,
            &cookie,
            json!({"url": receiver.url(&format!("/{format}")), "events": ["releases"],
                   "secret": SECRET, "format": format}),
        )
        .await;
        assert_eq!(added.status, StatusCode::CREATED, "{}", added.body);
    }
    release(&app, "v3.3.0", Utc::now()).await;
    sender.send_due(Utc::now()).await.expect("outbox");
    let received = receiver.wait_for(3, WAIT).await;
    let body = |path: &str| {
        received
            .iter()
            .find(|r| r.path == path)
            .map(|r| r.json())
            .unwrap_or_else(|| panic!("nothing at {path}"))
    };
    let slack = body("/slack");
    assert!(
        slack["text"].as_str().is_some_and(|t| t.contains("3.3.0")),
        "{slack}"
    );
    assert_eq!(slack["blocks"][0]["type"], "section", "{slack}");
    assert_eq!(slack["blocks"][0]["text"]["type"], "mrkdwn", "{slack}");
    assert!(!slack.to_string().contains("<script>"), "{slack}");
    let discord = body("/discord");
    assert!(discord["content"]
        .as_str()
        .is_some_and(|c| c.chars().count() <= 2000));
    assert!(discord["embeds"][0]["title"].is_string(), "{discord}");
    assert_eq!(discord["allowed_mentions"]["parse"], json!([]), "{discord}");
    let teams = body("/teams");
    assert_eq!(teams["type"], "message", "{teams}");
    let card = &teams["attachments"][0];
    assert_eq!(
        card["contentType"],
        "application/vnd.microsoft.card.adaptive"
    );
    assert_eq!(card["content"]["type"], "AdaptiveCard");
    assert_eq!(card["content"]["actions"][0]["type"], "Action.OpenUrl");

    // A release announced in a chat channel is the evidence of "Announce in team channels".
    let announced: Option<String> =
        sqlx::query_scalar("SELECT announced_in_chat_at FROM versions WHERE version = '3.3.0'")
            .fetch_one(&app.pool)
            .await
            .expect("version");
    assert!(announced.is_some());
}

#[tokio::test]
async fn one_address_may_ask_ten_times_in_ten_minutes() {
    let app = TestApp::with_demo().await;
    let ask =
        |from: [u8; 4], n: usize| {
            let body = json!({"email": format!("reader{n}@example.com"), "topics": ["releases"]});
            let mut request = Request::post("/api/v1/repos/acme/orbit/subscriptions")
                .header("content-type", "application/json")
                .body(Body::from(body.to_string()))
                .expect("request");
            request.extensions_mut().insert(axum::extract::ConnectInfo(
                std::net::SocketAddr::from((from, 5000)),
            ));
            request
        };
    for n in 0..10 {
        let answer = app.send(ask([10, 9, 9, 9], n), None).await;
        assert_eq!(answer.status, StatusCode::ACCEPTED, "{n}: {}", answer.body);
    }
    let refused = app.send(ask([10, 9, 9, 9], 10), None).await;
    assert_eq!(
        refused.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        refused.body
    );
    assert_eq!(
        refused.json()["error"]["code"],
        "rate_limited",
        "{}",
        refused.body
    );
    let other = app.send(ask([10, 9, 9, 8], 11), None).await;
    assert_eq!(other.status, StatusCode::ACCEPTED);
}
