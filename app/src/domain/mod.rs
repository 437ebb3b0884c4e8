//! Pure release-management logic, compiled for the server and the browser alike: no I/O here.

pub mod access;
pub mod dates;
pub mod drift;
pub mod endoflife;
pub mod repository;
pub mod support;
pub mod version;
