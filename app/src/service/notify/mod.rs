//! Telling people (PRODUCT.md §9): email subscriptions with double opt-in, maintainers'
//! outgoing hooks, and the events both receive. Events and their deliveries are written in the
//! transaction of the change that caused them; the server's sender works through them.

pub mod events;
pub mod hooks;
pub mod subscriptions;

use std::{fmt, sync::Arc};

use rand::RngCore;

/// Seals secrets kept in the database (hook secrets) with the server's secret key.
pub trait Sealer: Send + Sync {
    fn seal(&self, plaintext: &[u8]) -> Vec<u8>;
    fn open(&self, sealed: &[u8]) -> Option<Vec<u8>>;
}

/// What telling people needs from the server: the key that signs links in mails, the sealer of
/// hook secrets, the address links start with, and a bell that wakes the sender.
#[derive(Clone)]
pub struct Notifier {
    links_key: Arc<[u8; 32]>,
    sealer: Option<Arc<dyn Sealer>>,
    base_url: String,
    /// Hooks may reach loopback, private and link-local addresses.
    allow_private_hooks: bool,
    wake: Arc<tokio::sync::Notify>,
}

impl fmt::Debug for Notifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Notifier")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl Default for Notifier {
    /// A notifier for servers that tell nobody (the export): links signed with a random key.
    fn default() -> Notifier {
        let mut key = [0u8; 32];
        rand::rng().fill_bytes(&mut key);
        Notifier {
            links_key: Arc::new(key),
            sealer: None,
            base_url: "http://127.0.0.1:3000".to_owned(),
            allow_private_hooks: false,
            wake: Arc::default(),
        }
    }
}

impl Notifier {
    pub fn new(
        links_key: [u8; 32],
        sealer: Arc<dyn Sealer>,
        base_url: &str,
        allow_private_hooks: bool,
    ) -> Notifier {
        Notifier {
            links_key: Arc::new(links_key),
            sealer: Some(sealer),
            base_url: base_url.trim_end_matches('/').to_owned(),
            allow_private_hooks,
            wake: Arc::default(),
        }
    }

    pub fn allows_private_hooks(&self) -> bool {
        self.allow_private_hooks
    }

    pub fn links_key(&self) -> &[u8] {
        &self.links_key[..]
    }

    /// An absolute address on this server for `path` (which starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    pub fn sealer(&self) -> Option<&dyn Sealer> {
        self.sealer.as_deref()
    }

    /// Rings the sender: deliveries were just committed.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Waits for the next ring (the sender's side).
    pub async fn woken(&self) {
        self.wake.notified().await
    }
}

/// A delivery's id: random, sent with every attempt so receivers can drop repeats.
pub fn delivery_uid() -> String {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}
