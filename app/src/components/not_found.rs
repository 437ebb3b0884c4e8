use crate::components::PageTitle;
use leptos::prelude::*;

/// The "not found" page body. Rendered on the server, it also sets the HTTP status to 404.
#[component]
pub fn NotFound(#[prop(into)] what: String) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <PageTitle text="Not found · Release Desk"/>
        <section class="empty-state" aria-labelledby="not-found-title">
            <h1 id="not-found-title">"Not found"</h1>
            <p>{what}</p>
            <p><a href="/">"See all repositories"</a></p>
        </section>
    }
}
