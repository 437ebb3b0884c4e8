use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::domain::access::Person;

#[component]
pub fn SiteHeader() -> impl IntoView {
    view! {
        <a class="skip-link" href="#main">"Skip to content"</a>
        <header class="site-header">
            <a class="brand" href="/">
                <svg class="brand-mark" viewBox="0 0 24 24" aria-hidden="true">
                    <path d="M4 5h16v3H4zM4 10.5h11v3H4zM4 16h7v3H4z"/>
                </svg>
                <span>"Release Desk"</span>
            </a>
            <nav aria-label="Main">
                <a href="/">"Repositories"</a>
                <a href="/api/docs">"API"</a>
            </nav>
            <Account/>
        </header>
    }
}

#[component]
pub fn SiteFooter() -> impl IntoView {
    view! {
        <footer class="site-footer">
            <p>"Release Desk · release history, checklists and support windows for GitHub projects"</p>
        </footer>
    }
}

/// Who is signed in, with sign-out; or a sign-in link that comes back to this page.
///
/// The person is read synchronously on the server and handed to the browser with the page (a
/// `SharedValue`), not through a resource: a second `<Suspense>` beside the page's own made
/// server rendering hang now and then (leptos-rs/leptos#4851).
#[component]
fn Account() -> impl IntoView {
    let person = SharedValue::new(signed_in_person).into_inner();
    let location = use_location();
    let sign_in_href = move || {
        let path = location.pathname.get();
        let search = location.search.get();
        let search = search.trim_start_matches('?');
        let here = if search.is_empty() {
            path
        } else {
            format!("{path}?{search}")
        };
        format!("/auth/login?next={}", urlencode(&here))
    };
    view! {
        <div class="account">
            {match person {
                Some(person) => view! {
                    <span class="signed-in">
                        "Signed in as "
                        <strong title=person.name.clone().unwrap_or_default()>{person.login.clone()}</strong>
                    </span>
                    <form method="post" action="/auth/logout" class="sign-out">
                        <button type="submit" class="link-button">"Sign out"</button>
                    </form>
                }.into_any(),
                None => view! { <a class="sign-in" href=sign_in_href rel="external">"Sign in"</a> }.into_any(),
            }}
        </div>
    }
}

#[cfg(feature = "ssr")]
fn signed_in_person() -> Option<Person> {
    crate::access::current_caller().person().cloned()
}

/// In the browser the value always comes from the server's page.
#[cfg(not(feature = "ssr"))]
fn signed_in_person() -> Option<Person> {
    None
}

/// Percent-encodes a path for a query value.
fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
