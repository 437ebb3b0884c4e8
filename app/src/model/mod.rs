//! The data that pages, server functions, REST handlers and the store share, compiled for both
//! targets: above the domain, below the store. Nothing here reads a database or a request.

pub mod checklists;
pub mod evidence;
pub mod form;
pub mod github_app;
pub mod history;
pub mod incidents;
pub mod notify;
pub mod plans;
pub mod refusal;
pub mod repositories;
pub mod settings;
pub mod support;
pub mod sync;
pub mod tokens;
pub mod trains;
pub mod versions;
