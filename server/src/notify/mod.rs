//! Sending what the outbox owes: mail over SMTP (or into the local outbox when no SMTP server
//! is set) and signed requests to maintainers' hooks, retried with growing delays for a day.

pub mod hooks;
pub mod mail;
mod sender;

pub use sender::{cry, spawn, Sender};

use app::service::notify::{Notifier, Sealer};

use crate::auth::secret_key::SecretKey;

impl Sealer for SecretKey {
    fn seal(&self, plaintext: &[u8]) -> Vec<u8> {
        SecretKey::seal(self, plaintext)
    }

    fn open(&self, sealed: &[u8]) -> Option<Vec<u8>> {
        SecretKey::open(self, sealed)
    }
}

/// The notifier of a server with this key, whose links start at `base_url`; `allow_private`
/// lets hooks reach the server's own network (RELEASEDESK_HOOKS_ALLOW_PRIVATE).
pub fn notifier(key: &SecretKey, base_url: &str, allow_private: bool) -> Notifier {
    Notifier::new(
        key.derive("subscription links"),
        std::sync::Arc::new(key.clone()),
        base_url,
        allow_private,
    )
}
