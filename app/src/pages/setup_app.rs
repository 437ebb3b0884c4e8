//! `/setup/github-app`: the local administrator registers Release Desk as a GitHub App from a
//! manifest, and sees the App and its installations.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::{
    api::github_app::get_github_app_setup,
    components::{PageTitle, Refused, RelativeTime},
    model::github_app::{SetupPage, SetupQuery},
    pages::data::page_data,
};

#[component]
pub fn SetupAppPage() -> impl IntoView {
    let query = use_query_map();
    let setup = page_data(
        move || {
            let query = query.read();
            SetupQuery {
                name: query.get("name"),
                organization: query.get("organization"),
            }
        },
        get_github_app_setup,
    );
    view! {
        <PageTitle text="GitHub App · Release Desk"/>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match setup.await {
                    Ok(page) => view! { <SetupView page/> }.into_any(),
                    Err(err) => view! { <Refused title="GitHub App" err/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn SetupView(page: SetupPage) -> impl IntoView {
    let now = chrono::Utc::now();
    let outcome = page.outcome.map(|outcome| {
        if outcome.done {
            view! { <p class="notice saved" role="status">{outcome.message}</p> }.into_any()
        } else {
            view! { <p class="error" role="alert">{outcome.message}</p> }.into_any()
        }
    });
    let configured = page.app.is_some();
    let app = page.app.map(|app| {
        let install = format!("{}/installations/new", app.html_url.trim_end_matches('/'));
        view! {
            <section class="panel" aria-labelledby="app-title">
                <h2 id="app-title">"Set up: " {app.name.clone()}</h2>
                <dl class="facts">
                    <div><dt>"App"</dt><dd><a href=app.html_url.clone()>{app.slug}</a> " (id " {app.app_id} ")"</dd></div>
                    <div><dt>"Owner"</dt><dd>{app.owner_login}</dd></div>
                    <div><dt>"Client id"</dt><dd><code>{app.client_id}</code></dd></div>
                    <div><dt>"Set up"</dt><dd><RelativeTime at=app.created_at now/></dd></div>
                </dl>
                <p>"Its private key, webhook secret and client secret are kept sealed with the secret key."</p>
                <p><a href=install>"Install the App on repositories"</a>" — each one is tracked and synced through it at once."</p>
            </section>
        }
    });
    let installations = (!page.installations.is_empty()).then(|| {
        let rows = page
            .installations
            .into_iter()
            .map(|i| {
                view! {
                    <tr>
                        <td data-label="Account">{i.account_login}</td>
                        <td data-label="Installation">{i.id}</td>
                        <td data-label="Repositories synced">{i.repositories}</td>
                        <td data-label="State">{if i.removed { "removed" } else { "installed" }}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <section aria-labelledby="installations-title">
                <h2 id="installations-title">"Installations"</h2>
                <table class="stack">
                    <thead><tr>
                        <th scope="col">"Account"</th>
                        <th scope="col">"Installation"</th>
                        <th scope="col">"Repositories synced"</th>
                        <th scope="col">"State"</th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </section>
        }
    });
    let permissions = page
        .permissions
        .into_iter()
        .map(|(name, access)| view! { <li>{name} ": " {access}</li> })
        .collect_view();
    let create = match page.form {
        Ok(form) => {
            #[cfg(feature = "ssr")]
            crate::app::allow_form_posts_to(&form.origin);
            view! {
            <form method="post" action=form.action class="stacked-form">
                <input type="hidden" name="manifest" value=form.manifest/>
                <p>"GitHub asks you to confirm, and registers the App under " {form.owner} "."</p>
                <button type="submit">{if configured { "Register a new App on GitHub" } else { "Create the App on GitHub" }}</button>
            </form>
            }
            .into_any()
        }
        Err(problem) => {
            view! { <p class="error" role="alert" id="setup-problem">{problem}</p> }.into_any()
        }
    };
    view! {
        <h1>"GitHub App"</h1>
        <p class="lede">
            "As a GitHub App, Release Desk reads and writes with tokens that expire within the hour, "
            "chosen per repository, with one webhook for every repository installed, and writes "
            "the release gate as a check run."
        </p>
        {outcome}
        {app}
        {installations}
        <section class="panel" aria-labelledby="register-title">
            <h2 id="register-title">{if configured { "Replace it with a new App" } else { "Register the App" }}</h2>
            <form method="get" action="/setup/github-app" class="stacked-form">
                <label for="app-name">"Name on GitHub"</label>
                <input id="app-name" name="name" value=page.name maxlength="34" required/>
                <label for="app-organization">"Organisation to own it (empty: your own account)"</label>
                <input id="app-organization" name="organization" value=page.organization placeholder="acme"/>
                <button type="submit">"Use these"</button>
            </form>
            <p>"It asks for:"</p>
            <ul class="permissions">{permissions}</ul>
            <p>"GitHub sends its events to " <code>{page.webhook_url}</code> "."</p>
            {create}
        </section>
    }
}
