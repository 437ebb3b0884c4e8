use leptos::prelude::*;

use crate::domain::notify::Topic;

/// The topics ticked when nobody chose yet: what most readers want.
fn default_topics() -> Vec<String> {
    [Topic::Releases, Topic::Incidents, Topic::Withdrawals]
        .iter()
        .map(|topic| topic.as_str().to_owned())
        .collect()
}

/// A checkbox per topic (`topics=releases`, ...), those named in `ticked` ticked: the subscribe
/// form's and the manage page's.
#[component]
pub fn TopicChoices(ticked: Vec<String>) -> impl IntoView {
    let boxes = Topic::ALL
        .iter()
        .map(|topic| {
            let checked = ticked.iter().any(|t| t == topic.as_str());
            view! {
                <label>
                    <input type="checkbox" name="topics" value=topic.as_str() checked=checked/>
                    " " {topic.label()}
                </label>
            }
        })
        .collect_view();
    view! {
        <fieldset>
            <legend>"Tell me about"</legend>
            {boxes}
        </fieldset>
    }
}

/// A checkbox per line (`lines=2.x`, ...); nothing when there are no lines to offer.
#[component]
pub fn LineChoices(lines: Vec<String>, ticked: Vec<String>) -> impl IntoView {
    (!lines.is_empty()).then(|| {
        let boxes = lines
            .into_iter()
            .map(|line| {
                let checked = ticked.contains(&line);
                view! {
                    <label>
                        <input type="checkbox" name="lines" value=line.clone() checked=checked/>
                        " " {line}
                    </label>
                }
            })
            .collect_view();
        view! {
            <fieldset>
                <legend>"Only these lines (none ticked: every line)"</legend>
                {boxes}
            </fieldset>
        }
    })
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
    let more = action.clone();
    let compact = lines.is_empty();
    let email = chosen
        .as_ref()
        .map(|form| form.email.clone())
        .unwrap_or_default();
    let (ticked_topics, ticked_lines) = match &chosen {
        Some(form) => (form.topics.clone(), form.lines.clone()),
        None => (default_topics(), Vec::new()),
    };
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
            <TopicChoices ticked=ticked_topics/>
            {problem("topics")}
            <LineChoices lines ticked=ticked_lines/>
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
