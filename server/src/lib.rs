//! Release Desk's server: command line, configuration, HTTP router, demo data.

pub mod config;
pub mod demo;
pub mod github;
pub mod http;
mod run;
pub mod sync;

pub use run::{run, Failure};
