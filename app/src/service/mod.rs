//! (ssr) The application's operations, which server functions, REST handlers, the sync engine,
//! webhooks, the demo and the export all call: read and change data through the store, with
//! the domain's rules. Nothing here reads the request; callers pass who acts and what they may.

pub mod checklists;
pub mod evidence;
pub mod feed;
pub mod github_app;
pub mod history;
pub mod host;
pub mod incidents;
pub mod notify;
pub mod plans;
pub mod repositories;
pub mod settings;
pub mod support;
pub mod tokens;
pub mod trains;
pub mod versions;
