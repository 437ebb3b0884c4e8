//! One page per file. Pages read their parameters, load data through `api`, and hand it to
//! components; they hold no logic of their own.

mod api_docs;
pub mod checklist;
mod compare;
pub mod data;
mod evidence;
mod history;
mod home;
mod hooks;
mod incidents;
mod outbox;
mod plans;
mod settings;
mod setup_app;
mod subscriptions;
mod support;
mod tokens;
mod trains;
mod version;

pub use api_docs::ApiDocsPage;
pub use checklist::{ChecklistsPage, TemplatePage};
pub use compare::ComparePage;
pub use history::HistoryPage;
pub use home::HomePage;
pub use hooks::HooksPage;
pub use incidents::{IncidentDetailPage, IncidentsPage};
pub use outbox::OutboxPage;
pub use plans::{PlanPage, PlansPage};
pub use settings::SettingsPage;
pub use setup_app::SetupAppPage;
pub use subscriptions::{ConfirmPage, ManagePage, SubscribePage, UnsubscribePage};
pub use support::SupportPage;
pub use tokens::TokensPage;
pub use trains::TrainPage;
pub use version::VersionPage;

/// Pages as lazy routes, in groups: in the browser each group's code (its views and the
/// decoding of their data) is a WebAssembly module of its own, fetched with a page of the group,
/// so a page never carries the others' code and a reader never loads the maintainers' pages.
/// The server renders them as it always did.
pub mod routes {
    use leptos::prelude::*;

    /// Names the page's group (`data-lazy-route`): once the page has loaded,
    /// `hydrate_on_intent.js` fetches the group's modules, as the build's manifest lists them,
    /// so that hydration on the first intent finds them in the browser's cache.
    #[component]
    fn LazyRouteName(group: &'static str) -> impl IntoView {
        view! { <span hidden data-lazy-route=group></span> }
    }

    macro_rules! lazy_group {
        ($group:ident, $preload:ident: $($route:ident => $page:ident),+ $(,)?) => {
            mod $group {
                use leptos::prelude::*;
                use leptos_router::LazyRoute;

                #[derive(Clone, Copy)]
                pub enum Page { $($route),+ }

                #[leptos::lazy]
                fn $group(page: Page) -> AnyView {
                    match page {
                        $(Page::$route => view! { <crate::pages::$page/> }.into_any(),)+
                    }
                }

                $(
                    pub struct $route;

                    impl LazyRoute for $route {
                        // A page loads its own data as it renders, as before.
                        fn data() -> Self {
                            Self
                        }

                        async fn view(_: Self) -> AnyView {
                            let page = $group(Page::$route).await;
                            view! { <super::LazyRouteName group=stringify!($group)/> {page} }.into_any()
                        }

                        async fn preload() {
                            #[cfg(feature = "hydrate")]
                            $preload().await;
                        }
                    }
                )+
            }
            pub use $group::{$($route),+};
        };
    }

    lazy_group!(history_pages, __preload_history_pages: History => HistoryPage);
    lazy_group!(version_pages, __preload_version_pages: Version => VersionPage, Compare => ComparePage, Train => TrainPage);
    lazy_group!(support_pages, __preload_support_pages: Support => SupportPage);
    lazy_group!(incident_pages, __preload_incident_pages: Incidents => IncidentsPage, IncidentDetail => IncidentDetailPage);
    lazy_group!(other_pages, __preload_other_pages: Home => HomePage, ApiDocs => ApiDocsPage, Subscribe => SubscribePage, Confirm => ConfirmPage, Manage => ManagePage, Unsubscribe => UnsubscribePage);
    lazy_group!(maintainers_pages, __preload_maintainers_pages: Checklists => ChecklistsPage, Template => TemplatePage, Plans => PlansPage, Plan => PlanPage, Tokens => TokensPage, Hooks => HooksPage, Settings => SettingsPage, Outbox => OutboxPage, SetupApp => SetupAppPage);
}
