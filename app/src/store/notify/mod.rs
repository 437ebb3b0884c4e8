//! Telling people: subscriptions, outgoing hooks, and the outbox of events and deliveries.

pub mod hooks;
pub mod outbox;
pub mod subscriptions;
