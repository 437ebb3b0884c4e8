//! Release Desk's server: command line, configuration, HTTP router, GitHub sync and
//! webhooks, background jobs, demo data.

pub mod auth;
pub mod config;
pub mod connections;
pub mod demo;
pub mod evidence;
pub mod export;
pub mod github;
pub mod http;
pub mod installations;
pub mod migrate_data;
pub mod notify;
mod run;
pub mod scheduler;
pub mod sync;
pub mod webhooks;

pub use run::{run, Failure};
