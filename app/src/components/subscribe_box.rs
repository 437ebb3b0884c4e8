use leptos::prelude::*;

use crate::domain::notify::Topic;

/// The topics ticked when nobody chose yet: what most readers want.
fn ticked_by_default(topic: Topic) -> bool {
    matches!(
        topic,
        Topic::Releases | Topic::Incidents | Topic::Withdrawals
    )
}

/// A plain form that asks to subscribe by mail (`POST /{owner}/{repo}/subscribe`): it works the
/// same without JavaScript. `chosen` ticks topics and lines typed before (a refused post).
#[component]
pub fn SubscribeBox(
    owner: String,
    name: String,
    /// The lines to offer; none for the compact form on other pages.
    #[prop(default = Vec::new())]
    lines: Vec<String>,
    #[prop(default = None)] chosen: Option<crate::model::notify::SubscribeForm>,
    /// Problems per field of a refused post.
    #[prop(default = Default::default())]
    problems: std::collections::BTreeMap<String, String>,
) -> impl IntoView {
    let action = format!("/{owner}/{name}/subscribe");
    let more = format!("/{owner}/{name}/subscribe");
    let compact = lines.is_empty();
    let email = chosen
        .as_ref()
        .map(|form| form.email.clone())
        .unwrap_or_default();
    let topic_ticked = {
        let chosen = chosen.clone();
        move |topic: Topic| match &chosen {
            Some(form) => form.topics.iter().any(|t| t == topic.as_str()),
            None => ticked_by_default(topic),
        }
    };
    let topics = Topic::ALL
        .iter()
        .map(|topic| {
            let topic = *topic;
            view! {
                <label>
                    <input type="checkbox" name="topics" value=topic.as_str() checked=topic_ticked(topic)/>
                    " " {topic.label()}
                </label>
            }
        })
        .collect_view();
    let line_boxes = lines
        .into_iter()
        .map(|line| {
            let ticked = chosen
                .as_ref()
                .is_some_and(|form| form.lines.contains(&line));
            view! {
                <label>
                    <input type="checkbox" name="lines" value=line.clone() checked=ticked/>
                    " " {line.clone()}
                </label>
            }
        })
        .collect_view();
    let problem = |field: &str| {
        problems
            .get(field)
            .map(|text| view! { <p class="error" role="alert">{text.clone()}</p> })
    };
    view! {
        <form method="post" action=action class="subscribe stacked-form" aria-label="Subscribe by mail">
            <label for="subscribe-email">"Email address"</label>
            <input id="subscribe-email" type="email" name="email" required maxlength="254"
                autocomplete="email" placeholder="you@example.org" value=email/>
            {problem("email")}
            <fieldset>
                <legend>"Tell me about"</legend>
                {topics}
            </fieldset>
            {problem("topics")}
            {(!compact).then(|| view! {
                <fieldset>
                    <legend>"Only these lines (none ticked: every line)"</legend>
                    {line_boxes}
                </fieldset>
            })}
            {problem("lines")}
            <button type="submit">"Subscribe"</button>
            <p class="hint">
                "We send a link to confirm first; nothing else before you follow it. Every mail can unsubscribe you in one click."
                {compact.then(|| view! { " " <a href=more>"Choose lines"</a> })}
            </p>
        </form>
    }
}

/// The subscribe form as a panel at the foot of the history, support and incidents pages. A
/// static export has no server to post to: `releasedesk export` leaves it out.
#[component]
pub fn SubscribePanel(owner: String, name: String) -> impl IntoView {
    view! {
        <section class="panel subscribe-panel" aria-labelledby="subscribe-title" data-live-only="">
            <h2 id="subscribe-title">"Get mail about " {name.clone()}</h2>
            <SubscribeBox owner name/>
        </section>
    }
}
