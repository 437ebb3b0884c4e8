//! Release Desk's web application: compiled natively with `ssr` for the server, and to
//! WebAssembly with `hydrate` for the browser.

// Deeply nested view types need more room than the default when compiled for hydration.
#![recursion_limit = "256"]

// While the store moves to two databases (issue 24), recording PostgreSQL's queries
// (`prepare-postgres`) compiles only the store's converted modules and what they use.
#[cfg(all(feature = "ssr", not(feature = "prepare-postgres")))]
pub mod access;
#[cfg(not(feature = "prepare-postgres"))]
pub mod api;
#[cfg(not(feature = "prepare-postgres"))]
pub mod app;
#[cfg(not(feature = "prepare-postgres"))]
pub mod components;
pub mod domain;
pub mod error;
#[cfg(all(feature = "ssr", not(feature = "prepare-postgres")))]
pub mod markdown;
pub mod model;
#[cfg(not(feature = "prepare-postgres"))]
pub mod pages;
#[cfg(all(feature = "ssr", not(feature = "prepare-postgres")))]
pub mod request;
#[cfg(all(feature = "ssr", not(feature = "prepare-postgres")))]
pub mod service;
#[cfg(all(feature = "ssr", not(feature = "prepare-postgres")))]
pub mod state;
#[cfg(feature = "ssr")]
pub mod store;

/// The browser entry point: takes over the server-rendered page. The promise it returns is kept
/// once the page has hydrated, after the module of the page's lazy route has loaded, so that
/// `hydrate_on_intent.js` knows when to put back what was typed meanwhile.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub async fn hydrate() {
    console_error_panic_hook::set_once();
    let Some(body) = leptos::prelude::document().body() else {
        return;
    };
    leptos::mount::hydrate_from_async(body.clone(), app::App)
        .await
        .forget();
    // End-to-end tests wait for this marker: clicks made before hydration would be lost.
    let _ = body.set_attribute("data-hydrated", "true");
}
