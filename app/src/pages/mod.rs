//! One page per file. Pages read their parameters, load data through `api`, and hand it to
//! components; they hold no logic of their own.

mod api_docs;
pub mod checklist;
mod compare;
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
