use leptos::prelude::*;

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
            </nav>
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
