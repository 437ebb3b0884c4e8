//! Server functions (under `/sfn`) and the data they return. Bodies stay thin: check access,
//! call the store, map errors.

pub mod account;
pub mod checklists;
pub mod docs;
#[cfg(feature = "ssr")]
pub mod form_post;
pub mod history;
pub mod incidents;
pub mod repositories;
pub mod settings;
pub mod support;
pub mod sync;
pub mod versions;
