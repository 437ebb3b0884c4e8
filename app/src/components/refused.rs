use leptos::prelude::*;

use crate::error::AppError;

/// A page the caller may not see: the reason, the HTTP status set on the server, and a sign-in
/// link when signing in would help.
#[component]
pub fn Refused(#[prop(into)] title: String, err: AppError) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(err.status());
    }
    let sign_in = matches!(err, AppError::Unauthorized(_));
    view! {
        <section class="empty-state">
            <h1>{title}</h1>
            <p role="alert">{err.to_string()}</p>
            {sign_in.then(|| view! { <p><a href="/auth/login" rel="external">"Sign in with GitHub"</a></p> })}
        </section>
    }
}
