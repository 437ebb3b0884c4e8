use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, Meta, MetaTags, Stylesheet};
use leptos_router::{
    components::{Route, Router, Routes},
    path, Lazy, SsrMode,
};

use crate::{
    components::{NotFound, SiteFooter, SiteHeader},
    pages::routes,
};

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    set_content_security_policy();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <HydrateOnIntent options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// Loads the app's WebAssembly once the page has loaded and runs it on the first sign of a person
/// (see `hydrate_on_intent.js`): hydration costs about 60 ms of main thread on a fast machine
/// (250 ms on a phone), and a visit that only reads does not need it.
#[component]
fn HydrateOnIntent(options: LeptosOptions) -> impl IntoView {
    let base = format!("/{}/{}", options.site_pkg_dir, options.output_name);
    let (glue, wasm) = (format!("{base}.js"), format!("{base}.wasm"));
    let start = format!(
        "{}({glue:?}, {wasm:?});",
        compact(include_str!("hydrate_on_intent.js"))
    );
    view! { <script type="module" nonce=leptos::nonce::use_nonce()>{start}</script> }
}

/// Our own script without its comment lines and indentation: it is inlined in every page.
fn compact(script: &str) -> String {
    script
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A strict policy that still admits our own scripts: the hydration scripts carry this
/// response's nonce, and WebAssembly needs `'wasm-unsafe-eval'`. Forms post to us alone, and to
/// `form_origin` when a page names one.
pub fn content_security_policy(nonce: &str, form_origin: Option<&str>) -> String {
    let form_action = match form_origin {
        Some(origin) => format!("form-action 'self' {origin}"),
        None => "form-action 'self'".to_owned(),
    };
    [
        "default-src 'self'".to_owned(),
        format!("script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'"),
        "style-src 'self'".to_owned(),
        "img-src 'self' data: https://avatars.githubusercontent.com".to_owned(),
        "connect-src 'self'".to_owned(),
        "object-src 'none'".to_owned(),
        "base-uri 'none'".to_owned(),
        form_action,
        "frame-ancestors 'none'".to_owned(),
    ]
    .join("; ")
}

/// Sends the page's policy with the nonce Leptos stamps on its inline scripts.
#[cfg(feature = "ssr")]
fn set_content_security_policy() {
    send_content_security_policy(None);
}

/// Lets this page's forms post to `origin` too (the GitHub App's manifest goes to GitHub): a
/// page calls it while rendering on the server, once its data is in.
#[cfg(feature = "ssr")]
pub fn allow_form_posts_to(origin: &str) {
    send_content_security_policy(Some(origin));
}

#[cfg(feature = "ssr")]
fn send_content_security_policy(form_origin: Option<&str>) {
    use http::{header, HeaderValue};
    let (Some(response), Some(nonce)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        leptos::nonce::use_nonce(),
    ) else {
        return;
    };
    if let Ok(value) = HeaderValue::from_str(&content_security_policy(&nonce, form_origin)) {
        response.insert_header(header::CONTENT_SECURITY_POLICY, value);
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();

    // Pages render only once their data is loaded (`SsrMode::Async`), so that they are complete
    // without JavaScript and can answer with the right status code.
    view! {
        <Stylesheet id="leptos" href="/pkg/releasedesk.css"/>
        <Link rel="icon" type_="image/svg+xml" href="/favicon.svg"/>
        <Meta name="color-scheme" content="light dark"/>
        <Meta name="description" content="Release history, checklists and support windows"/>
        <Router>
            <SiteHeader/>
            <main id="main" tabindex="-1">
                <Routes fallback=|| view! { <NotFound what="There is no page at this address."/> }>
                    <Route path=path!("/") view={Lazy::<routes::Home>::new()} ssr=SsrMode::Async/>
                    // Before `/:owner/:repo`, which the address would also match.
                    <Route path=path!("/api/docs") view={Lazy::<routes::ApiDocs>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/admin/outbox") view={Lazy::<routes::Outbox>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/setup/github-app") view={Lazy::<routes::SetupApp>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/subscriptions/confirm/:token") view={Lazy::<routes::Confirm>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/subscriptions/manage/:token") view={Lazy::<routes::Manage>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/subscriptions/unsubscribe/:token") view={Lazy::<routes::Unsubscribe>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/:owner/:repo") view={Lazy::<routes::History>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/:owner/:repo/support") view={Lazy::<routes::Support>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/:owner/:repo/v/:version") view={Lazy::<routes::Version>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/:owner/:repo/compare/:range") view={Lazy::<routes::Compare>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/:owner/:repo/checklists") view={Lazy::<routes::Checklists>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/:owner/:repo/checklists/templates/:kind") view={Lazy::<routes::Template>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/:owner/:repo/incidents") view={Lazy::<routes::Incidents>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/:owner/:repo/incidents/:id") view={Lazy::<routes::IncidentDetail>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/:owner/:repo/plans") view={Lazy::<routes::Plans>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/:owner/:repo/plans/:version") view={Lazy::<routes::Plan>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/:owner/:repo/trains/:train") view={Lazy::<routes::Train>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/:owner/:repo/tokens") view={Lazy::<routes::Tokens>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/:owner/:repo/subscribe") view={Lazy::<routes::Subscribe>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/:owner/:repo/hooks") view={Lazy::<routes::Hooks>::new()} ssr=SsrMode::Async/>
                    <Route path=path!("/:owner/:repo/settings") view={Lazy::<routes::Settings>::new()} ssr=SsrMode::Async/>
                </Routes>
            </main>
            <SiteFooter/>
        </Router>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_inlined_script_loses_comment_lines_and_indentation_only() {
        let script = "// Why.\n((a) => {\n  // How.\n  go(a); // kept: code precedes it\n\n})\n";
        assert_eq!(
            compact(script),
            "((a) => {\ngo(a); // kept: code precedes it\n})"
        );
        let ours = compact(include_str!("hydrate_on_intent.js"));
        assert!(ours.len() < include_str!("hydrate_on_intent.js").len() * 3 / 4);
        assert!(ours.contains("app.hydrate();"));
    }
}
