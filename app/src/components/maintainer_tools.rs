use leptos::prelude::*;

/// The maintainers' way around a repository, in one place near the top of a page: what this
/// page offers them first (`children`), then the repository's own tools.
#[component]
pub fn MaintainerTools(
    base: String,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <nav class="maintainer-tools" aria-label="Maintainer tools">
            <span class="tools-label">"Maintainers:"</span>
            {children.map(|children| children())}
            <a href=format!("{base}/incidents#new-incident-title")>"Open an incident"</a>
            <a href=format!("{base}/checklists#templates-title")>"Checklist templates"</a>
            <a href=format!("{base}/tokens")>"API tokens"</a>
            <a href=format!("{base}/hooks")>"Notifications"</a>
            <a href=format!("{base}/settings")>"Settings"</a>
        </nav>
    }
}
