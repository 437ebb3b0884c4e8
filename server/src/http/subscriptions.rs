//! The subscription forms, posted without JavaScript as with it: subscribe on a repository's
//! pages, and the links in every mail (confirm, manage, unsubscribe, including RFC 8058's
//! one-click POST from a mail client). Each answers with a redirect to its page; a refusal
//! waits in the session with what was typed.

use std::{
    collections::BTreeMap,
    net::{IpAddr, SocketAddr},
    sync::Arc,
    time::{Duration, Instant},
};

use app::{
    error::AppError,
    model::notify::{NotifyRefusal, SubscribeForm},
    request::kept::Kept,
    service::notify::{subscriptions, Notifier},
    state::AppState,
};
use axum::{
    extract::{ConnectInfo, Path, Request, State},
    response::{IntoResponse, Redirect, Response},
    routing::post,
    Extension, Router,
};
use chrono::Utc;
use sqlx::SqlitePool;
use tower_sessions::Session;

use crate::auth::rate_limit::RateLimiter;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/{owner}/{repo}/subscribe", post(subscribe))
        .route("/subscriptions/confirm/{token}", post(confirm))
        .route("/subscriptions/manage/{token}", post(manage))
        .route("/subscriptions/unsubscribe/{token}", post(unsubscribe))
}

/// Requests to subscribe from one address in 10 minutes (`RELEASEDESK_SUBSCRIBE_LIMIT`).
#[derive(Clone, Debug)]
pub struct SubscribeLimit(Arc<RateLimiter>);

impl Default for SubscribeLimit {
    fn default() -> SubscribeLimit {
        SubscribeLimit::new(10)
    }
}

impl SubscribeLimit {
    pub fn new(per_ten_minutes: u32) -> SubscribeLimit {
        let window = Duration::from_secs(600);
        SubscribeLimit(Arc::new(RateLimiter::new(per_ten_minutes, window)))
    }

    pub fn check(&self, client: Option<IpAddr>) -> Result<(), AppError> {
        if self.0.allow(client, Instant::now()) {
            Ok(())
        } else {
            Err(AppError::TooManyRequests)
        }
    }
}

/// The client's address, as the connection gave it.
pub fn client_address(request: &Request) -> Option<IpAddr> {
    request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip())
}

/// A form's fields; checkboxes repeat their name.
#[derive(Default)]
struct FormFields(Vec<(String, String)>);

impl FormFields {
    async fn read(request: Request) -> Result<FormFields, AppError> {
        let body = axum::body::to_bytes(request.into_body(), usize::MAX)
            .await
            .map_err(|err| AppError::BadRequest(format!("cannot read the form: {err}")))?;
        Ok(FormFields(
            url::form_urlencoded::parse(&body).into_owned().collect(),
        ))
    }

    fn one(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
            .unwrap_or_default()
    }

    fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
            .collect()
    }

    fn subscription(&self) -> SubscribeForm {
        SubscribeForm {
            email: self.one("email"),
            topics: self.all("topics"),
            lines: self.all("lines"),
        }
    }
}

/// Keeps a refusal for the page and goes back to it; an error that is not the person's
/// mistake is answered as it is.
async fn refused(
    session: &Session,
    place: String,
    back: &str,
    form: SubscribeForm,
    err: AppError,
) -> Response {
    let fields = match &err {
        AppError::Validation { fields, .. } => fields.clone(),
        _ => BTreeMap::new(),
    };
    if !err.status().is_client_error() {
        return err.into_response();
    }
    let refusal = NotifyRefusal {
        place,
        message: app::model::refusal::refusal_message(&err),
        fields,
        form,
    };
    if let Err(store_err) = session.insert(NotifyRefusal::KEY, refusal).await {
        tracing::warn!(error = %store_err, "cannot keep a subscription refusal in the session");
        return err.into_response();
    }
    Redirect::to(back).into_response()
}

/// `POST /{owner}/{repo}/subscribe`: the same answer whether or not the address was known.
async fn subscribe(
    State(pool): State<SqlitePool>,
    State(notifier): State<Notifier>,
    Extension(limit): Extension<SubscribeLimit>,
    session: Session,
    Path((owner, name)): Path<(String, String)>,
    request: Request,
) -> Response {
    let repo = match crate::http::api::tracked(&pool, &owner, &name).await {
        Ok(repo) => repo,
        Err(err) => return err.into_response(),
    };
    let page = format!("/{}/{}/subscribe", repo.owner, repo.name);
    let place = format!("subscribe:{}/{}", repo.owner, repo.name);
    if let Err(err) = limit.check(client_address(&request)) {
        return refused(&session, place, &page, SubscribeForm::default(), err).await;
    }
    let form = match FormFields::read(request).await {
        Ok(fields) => fields.subscription(),
        Err(err) => return err.into_response(),
    };
    match subscriptions::subscribe(&pool, &notifier, &repo, &form, Utc::now()).await {
        Ok(()) => Redirect::to(&format!("{page}?sent")).into_response(),
        Err(err) => refused(&session, place, &page, form, err).await,
    }
}

/// `POST /subscriptions/confirm/{token}`: the button on the confirmation page.
async fn confirm(
    State(pool): State<SqlitePool>,
    State(notifier): State<Notifier>,
    session: Session,
    Path(token): Path<String>,
) -> Response {
    let page = format!("/subscriptions/confirm/{token}");
    match subscriptions::confirm(&pool, &notifier, &token, Utc::now()).await {
        Ok(_) => Redirect::to(&format!("{page}?confirmed")).into_response(),
        Err(err) => {
            let place = format!("confirm:{token}");
            refused(&session, place, &page, SubscribeForm::default(), err).await
        }
    }
}

/// `POST /subscriptions/manage/{token}`: saves topics and lines.
async fn manage(
    State(pool): State<SqlitePool>,
    State(notifier): State<Notifier>,
    session: Session,
    Path(token): Path<String>,
    request: Request,
) -> Response {
    let page = format!("/subscriptions/manage/{token}");
    let form = match FormFields::read(request).await {
        Ok(fields) => fields.subscription(),
        Err(err) => return err.into_response(),
    };
    let saved =
        subscriptions::set_preferences(&pool, &notifier, &token, &form.topics, &form.lines).await;
    match saved {
        Ok(_) => Redirect::to(&format!("{page}?saved")).into_response(),
        Err(err) => refused(&session, format!("manage:{token}"), &page, form, err).await,
    }
}

/// `POST /subscriptions/unsubscribe/{token}`: at once, from the page's button or a mail
/// client's one-click request (`List-Unsubscribe=One-Click`, no cookies).
async fn unsubscribe(
    State(pool): State<SqlitePool>,
    State(notifier): State<Notifier>,
    Path(token): Path<String>,
) -> Response {
    match subscriptions::unsubscribe(&pool, &notifier, &token).await {
        Ok(_) => Redirect::to(&format!("/subscriptions/unsubscribe/{token}?done")).into_response(),
        Err(err) => err.into_response(),
    }
}
