//! The history's search box and its channel and line filters.

use leptos::prelude::*;
use leptos_router::{hooks::use_navigate, NavigateOptions};

use crate::domain::history::HistoryQuery;

use super::Requested;

/// A GET form, so searching works without JavaScript; once hydrated, every keystroke
/// updates the address (replacing, not adding, history entries) and with it the list.
#[component]
pub(super) fn SearchBox(base: String, requested: Memo<Requested>) -> impl IntoView {
    let navigate = use_navigate();
    let base = StoredValue::new(base);
    let go = move |typed: String| {
        let query = HistoryQuery {
            search: (!typed.is_empty()).then_some(typed),
            page: 1,
            ..requested.get_untracked().query
        };
        navigate(
            &query.href(&base.get_value()),
            NavigateOptions {
                replace: true,
                scroll: false,
                ..Default::default()
            },
        );
    };
    let on_input = {
        let go = go.clone();
        move |ev| go(event_target_value(&ev))
    };
    let input_ref = NodeRef::<leptos::html::Input>::new();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some(input) = input_ref.get() {
            go(input.value());
        }
    };
    let hidden = move |name: &'static str, value: Option<String>| {
        value.map(|value| view! { <input type="hidden" name=name value=value/> })
    };

    view! {
        <form class="history-search" role="search" method="get" action=base.get_value() on:submit=on_submit>
            <label for="history-search">"Search versions"</label>
            <input
                id="history-search"
                type="search"
                name="q"
                node_ref=input_ref
                autocomplete="off"
                placeholder="Tag or release title, e.g. rc or 2.1"
                // The attribute for the server's HTML, the property for later navigation.
                value=move || requested.read().typed.clone()
                prop:value=move || requested.read().typed.clone()
                on:input=on_input
            />
            {move || hidden("channel", requested.read().query.channel.map(|c| c.as_str().to_owned()))}
            {move || hidden("line", requested.read().query.line.clone())}
            <button type="submit">"Search"</button>
        </form>
    }
}

#[component]
pub(super) fn FilterLink(
    href: Signal<String>,
    label: String,
    count: i64,
    active: Signal<bool>,
) -> impl IntoView {
    view! {
        <a
            href=href
            class="filter-link"
            class:active=move || active.get()
            aria-current=move || active.get().then_some("page")
        >
            {label}
            <span class="count">{count}</span>
        </a>
    }
}
