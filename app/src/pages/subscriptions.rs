//! Subscribing by mail: `/{owner}/{repo}/subscribe`, and the pages the links in every mail
//! open (`/subscriptions/{confirm|manage|unsubscribe}/{token}`). Their forms are plain posts,
//! answered by the server with a redirect back here.

use crate::pages::data::page_data;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::{
    api::notify::{get_link_page, get_subscribe_page},
    components::{LineChoices, NotFound, PageTitle, Refused, SubscribeBox, TopicChoices},
    domain::notify::Topic,
    model::{
        notify::{LinkPage, LinkRef, SubscribePage as Page, SubscriptionView},
        repositories::RepoRef,
    },
};

/// Whether the address carries `?name`.
fn flagged(name: &'static str) -> impl Fn() -> bool + Copy {
    let query = use_query_map();
    move || query.read().get(name).is_some()
}

#[component]
pub fn SubscribePage() -> impl IntoView {
    let params = use_params_map();
    let owner = move || params.read().get("owner").unwrap_or_default();
    let repo = move || params.read().get("repo").unwrap_or_default();
    let sent = flagged("sent");
    let page = page_data(
        move || (owner(), repo()),
        |(owner, repo)| get_subscribe_page(RepoRef { owner, repo }),
    );
    view! {
        <PageTitle text="Subscribe · Release Desk"/>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(Some(page)) => view! { <Subscribe page sent=sent()/> }.into_any(),
                    Ok(None) => view! { <NotFound what=format!("{}/{} is not tracked here.", owner(), repo())/> }.into_any(),
                    Err(err) => view! { <Refused title="Subscribe" err/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Subscribe(page: Page, sent: bool) -> impl IntoView {
    let Page {
        owner,
        name,
        known_lines,
        refusal,
    } = page;
    let history = format!("/{owner}/{name}");
    // Problems with a field show beside it; others (too many requests) above the form.
    let (chosen, problems, message) = match refusal {
        Some(refusal) if refusal.fields.is_empty() => {
            (Some(refusal.form), refusal.fields, Some(refusal.message))
        }
        Some(refusal) => (Some(refusal.form), refusal.fields, None),
        None => (None, Default::default(), None),
    };
    view! {
        <nav class="breadcrumbs" aria-label="Breadcrumbs">
            <a href=history>{owner.clone()} "/" {name.clone()}</a>
        </nav>
        <h1>"Subscribe by mail"</h1>
        {sent.then(|| view! {
            <section class="notice" role="status" aria-labelledby="sent-title">
                <h2 id="sent-title">"Check your mail"</h2>
                <p>"If the address can receive mail, a message is on its way. Follow its link within 48 hours to confirm; nothing else is sent until then."</p>
            </section>
        })}
        {message.map(|message| view! { <p class="error" role="alert">{message}</p> })}
        <p class="lede">
            "Hear of new releases, incidents, withdrawn versions and the end of support of the lines you use. "
            "Your address is never shown to anyone; maintainers see only how many subscribe."
        </p>
        <SubscribeBox owner name lines=known_lines chosen problems/>
    }
}

/// One of the pages a mail's link opens.
fn link_page(purpose: &'static str) -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let page = page_data(token, move |token| {
        get_link_page(LinkRef {
            purpose: purpose.to_owned(),
            token,
        })
    });
    let done = flagged(match purpose {
        "confirm" => "confirmed",
        "manage" => "saved",
        _ => "done",
    });
    let title = match purpose {
        "confirm" => "Confirm your subscription",
        "manage" => "Your subscription",
        _ => "Unsubscribe",
    };
    view! {
        <PageTitle text=format!("{title} · Release Desk")/>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => view! { <LinkView purpose page token=token() done=done()/> }.into_any(),
                    Err(err) => view! { <Refused title err/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn ConfirmPage() -> impl IntoView {
    link_page("confirm")
}

#[component]
pub fn ManagePage() -> impl IntoView {
    link_page("manage")
}

#[component]
pub fn UnsubscribePage() -> impl IntoView {
    link_page("unsubscribe")
}

#[component]
fn LinkView(purpose: &'static str, page: LinkPage, token: String, done: bool) -> impl IntoView {
    let LinkPage {
        subscription,
        refusal,
    } = page;
    let history = format!("/{}/{}", subscription.owner, subscription.repo);
    let repository = format!("{}/{}", subscription.owner, subscription.repo);
    let refusal_message = refusal
        .as_ref()
        .map(|refusal| view! { <p class="error" role="alert">{refusal.message.clone()}</p> });
    let body = match purpose {
        "confirm" => confirm_view(&subscription, &token, done).into_any(),
        "manage" => manage_view(subscription.clone(), &token, done, refusal).into_any(),
        _ => unsubscribe_view(&subscription, &token, done).into_any(),
    };
    view! {
        <nav class="breadcrumbs" aria-label="Breadcrumbs">
            <a href=history>{repository.clone()}</a>
        </nav>
        <h1>{match purpose {
            "confirm" => "Confirm your subscription",
            "manage" => "Your subscription",
            _ => "Unsubscribe",
        }}</h1>
        <p class="lede">
            "Mail from Release Desk about " <strong>{repository}</strong> " to "
            <strong class="mono">{subscription.email.clone()}</strong> "."
        </p>
        {refusal_message}
        {body}
    }
}

/// What a subscription receives, in words.
fn summary(subscription: &SubscriptionView) -> String {
    let topics: Vec<&str> = subscription
        .topics
        .iter()
        .filter_map(|topic| Topic::parse(topic).map(Topic::label))
        .collect();
    let lines = if subscription.lines.is_empty() {
        "every line".to_owned()
    } else {
        subscription.lines.join(", ")
    };
    format!("{} ({lines})", topics.join(", "))
}

fn confirm_view(subscription: &SubscriptionView, token: &str, done: bool) -> impl IntoView {
    let action = format!("/subscriptions/confirm/{token}");
    let asked = summary(subscription);
    if done || (subscription.confirmed && !subscription.unsubscribed) {
        view! {
            <section class="notice" role="status" aria-labelledby="confirmed-title">
                <h2 id="confirmed-title">"Subscribed"</h2>
                <p>"You will receive: " {asked}". Every mail has a link to change this or to unsubscribe."</p>
            </section>
        }
        .into_any()
    } else {
        view! {
            <p>"You asked for: " {asked} "."</p>
            <form method="post" action=action class="stacked-form">
                <button type="submit">"Confirm subscription"</button>
            </form>
            <p class="hint">"Did not ask for this? Ignore the mail: nothing will be sent."</p>
        }
        .into_any()
    }
}

fn manage_view(
    subscription: SubscriptionView,
    token: &str,
    done: bool,
    refusal: Option<crate::model::notify::NotifyRefusal>,
) -> impl IntoView {
    let action = format!("/subscriptions/manage/{token}");
    let unsubscribe = format!("/subscriptions/unsubscribe/{token}");
    // What a refused post asked for, else what the subscription has.
    let (ticked_topics, ticked_lines) = match refusal {
        Some(refusal) => (refusal.form.topics, refusal.form.lines),
        None => (subscription.topics.clone(), subscription.lines.clone()),
    };
    if subscription.unsubscribed {
        let again = format!("/{}/{}/subscribe", subscription.owner, subscription.repo);
        return view! {
            <p>"This address is unsubscribed. " <a href=again>"Subscribe again"</a></p>
        }
        .into_any();
    }
    view! {
        {done.then(|| view! { <p class="notice" role="status">"Saved."</p> })}
        {(!subscription.confirmed).then(|| view! {
            <p class="notice">"Not confirmed yet: follow the link in the confirmation mail first."</p>
        })}
        <form method="post" action=action class="stacked-form">
            <TopicChoices ticked=ticked_topics/>
            <LineChoices lines=subscription.known_lines.clone() ticked=ticked_lines/>
            <button type="submit">"Save"</button>
        </form>
        <form method="post" action=unsubscribe class="stacked-form">
            <button type="submit" class="danger">"Unsubscribe from everything"</button>
        </form>
    }
    .into_any()
}

fn unsubscribe_view(subscription: &SubscriptionView, token: &str, done: bool) -> impl IntoView {
    let action = format!("/subscriptions/unsubscribe/{token}");
    let again = format!("/{}/{}/subscribe", subscription.owner, subscription.repo);
    if done || subscription.unsubscribed {
        view! {
            <section class="notice" role="status" aria-labelledby="gone-title">
                <h2 id="gone-title">"Unsubscribed"</h2>
                <p>"No more mail will be sent to this address. " <a href=again>"Subscribe again"</a></p>
            </section>
        }
        .into_any()
    } else {
        view! {
            <p>"You receive: " {summary(subscription)} "."</p>
            <form method="post" action=action class="stacked-form">
                <button type="submit" class="danger">"Unsubscribe"</button>
            </form>
        }
        .into_any()
    }
}
