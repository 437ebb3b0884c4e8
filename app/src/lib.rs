//! Release Desk's web application: compiled natively with `ssr` for the server, and to
//! WebAssembly with `hydrate` for the browser.

// Deeply nested view types need more room than the default when compiled for hydration.
#![recursion_limit = "256"]

#[cfg(feature = "ssr")]
pub mod access;
pub mod api;
pub mod app;
pub mod components;
pub mod domain;
pub mod error;
#[cfg(feature = "ssr")]
pub mod markdown;
pub mod model;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod request;
#[cfg(feature = "ssr")]
pub mod service;
#[cfg(feature = "ssr")]
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
