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
pub use subscriptions::{ConfirmPage, ManagePage, SubscribePage, UnsubscribePage};
pub use support::SupportPage;
pub use tokens::TokensPage;
pub use trains::TrainPage;
pub use version::VersionPage;

/// The maintainers' pages as lazy routes: in the browser their code (their views and the
/// decoding of their data) is one WebAssembly module of its own, fetched the first time one of
/// them is shown (or, when a visit starts on one, as the app hydrates), so a reader never
/// downloads it. One module for all of them, not one each: wasm-split puts the code that
/// several modules share into a chunk for each combination, hundreds of small files that a
/// browser would fetch one by one. The server renders them as it always did.
pub mod routes {
    use leptos::prelude::*;
    use leptos_router::LazyRoute;

    #[derive(Clone, Copy)]
    pub enum MaintainersPage {
        Checklists,
        Template,
        Plans,
        Plan,
        Tokens,
        Hooks,
        Settings,
        Outbox,
    }

    #[leptos::lazy]
    fn maintainers_page(page: MaintainersPage) -> AnyView {
        use MaintainersPage::*;
        match page {
            Checklists => view! { <super::ChecklistsPage/> }.into_any(),
            Template => view! { <super::TemplatePage/> }.into_any(),
            Plans => view! { <super::PlansPage/> }.into_any(),
            Plan => view! { <super::PlanPage/> }.into_any(),
            Tokens => view! { <super::TokensPage/> }.into_any(),
            Hooks => view! { <super::HooksPage/> }.into_any(),
            Settings => view! { <super::SettingsPage/> }.into_any(),
            Outbox => view! { <super::OutboxPage/> }.into_any(),
        }
    }

    macro_rules! maintainers_routes {
        ($($route:ident),* $(,)?) => {$(
            pub struct $route;

            impl LazyRoute for $route {
                // A page loads its own data as it renders, as before.
                fn data() -> Self {
                    Self
                }

                async fn view(_: Self) -> AnyView {
                    maintainers_page(MaintainersPage::$route).await
                }

                async fn preload() {
                    #[cfg(feature = "hydrate")]
                    __preload_maintainers_page().await;
                }
            }
        )*};
    }

    maintainers_routes!(Checklists, Template, Plans, Plan, Tokens, Hooks, Settings, Outbox);
}
