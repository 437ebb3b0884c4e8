//! Server functions (under `/sfn`), thin: check access, call `service`, return. Each takes one
//! input struct from `model`, flattened so that plain HTML forms post their fields by name.

pub mod account;
pub mod checklists;
pub mod docs;
pub mod github_app;
pub mod history;
pub mod incidents;
pub mod notify;
pub mod plans;
pub mod repositories;
pub mod settings;
pub mod support;
pub mod trains;
pub mod versions;
