//! Telling people: mail subscriptions and outgoing webhooks. What a notice says, who wants it,
//! when a failed delivery is tried again, and the words and payloads each recipient gets.
//!
//! The shared parts compile for both targets (forms check topics and addresses in the browser
//! too); mails, chat payloads, signed links and hook addresses need server-only crates.

pub mod address;
pub mod notice;
pub mod schedule;
pub mod topics;

#[cfg(feature = "ssr")]
pub mod chat;
#[cfg(feature = "ssr")]
pub mod hook_url;
#[cfg(feature = "ssr")]
pub mod link;
#[cfg(feature = "ssr")]
pub mod mail;

pub use address::normalize_email;
pub use notice::{Event, IncidentStage, Notice, SupportEnd, Topic};
pub use schedule::{end_warnings, next_attempt, EndWarning};
pub use topics::{
    join_lines, join_topics, parse_lines, parse_topics, split_lines, split_topics, wants,
};

#[cfg(feature = "ssr")]
pub use chat::{payload, signature, Format};
#[cfg(feature = "ssr")]
pub use hook_url::{check_hook_url, is_forbidden_address};
#[cfg(feature = "ssr")]
pub use link::{LinkError, Purpose};
#[cfg(feature = "ssr")]
pub use mail::{confirmation, render, Mail, MailLinks};

/// HMAC-SHA256 keyed with `key`: what hook signatures and mail links are made of.
#[cfg(feature = "ssr")]
fn hmac_sha256(key: &[u8]) -> hmac::Hmac<sha2::Sha256> {
    use hmac::Mac;
    hmac::Hmac::new_from_slice(key).expect("HMAC takes a key of any length")
}
