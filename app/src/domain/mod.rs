//! Pure release-management logic, compiled for the server and the browser alike: no I/O here.

pub mod access;
pub mod api_description;
pub mod badge;
pub mod calendar;
pub mod changelog;
pub mod checklist;
pub mod dates;
pub mod drift;
pub mod endoflife;
pub mod evidence;
pub mod feed;
pub mod github_app;
pub mod history;
pub mod incident;
pub mod next_version;
pub mod notify;
pub mod plan;
pub mod repository;
pub mod size;
pub mod support;
pub mod timeline;
pub mod train;
pub mod version;
