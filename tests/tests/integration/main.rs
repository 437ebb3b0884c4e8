//! The integration tests, one module per area, linked into one test binary: each binary of
//! this size takes seconds to link and about 200 MB of disk, so one binary instead of 24 keeps
//! a rebuild and the target folder small. `cargo test -p releasedesk-tests --test integration
//! sync::` runs one area.

mod access;
mod alloy_tags;
mod api;
mod assets;
mod caching;
mod checklist_pages;
mod checklists;
mod cli_sync;
mod demo;
mod evidence;
mod export;
mod fake_github_writes;
mod github_app;
mod health;
mod incidents;
mod migrate_data;
mod notifications;
mod openapi;
mod pages;
mod plans;
mod products;
mod security;
mod sync;
mod two_databases;
mod webhooks;
