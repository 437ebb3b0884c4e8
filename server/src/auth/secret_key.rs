//! `RELEASEDESK_SECRET_KEY`: seals the GitHub tokens we keep and makes the tokens we hand out.
//! When it is not set, a key is generated on first start and kept beside the database.

use std::{io, path::Path};

use chacha20poly1305::{
    aead::{Aead, KeyInit},
    ChaCha20Poly1305, Nonce,
};
use rand::RngCore;
use sha2::{Digest, Sha256};

const NONCE_LEN: usize = 12;

#[derive(Clone)]
pub struct SecretKey([u8; 32]);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(****)")
    }
}

/// Where a key came from, so `serve` can warn when it was made up on the spot.
#[derive(Debug, PartialEq, Eq)]
pub enum KeyOrigin {
    Setting,
    File,
    Generated,
    /// An in-memory database: the key lives as long as the process.
    Ephemeral,
}

impl SecretKey {
    /// The key for a configured secret of any length (at least 16 characters, checked by the
    /// configuration): its SHA-256.
    pub fn from_secret(secret: &str) -> SecretKey {
        SecretKey(Sha256::digest(secret.as_bytes()).into())
    }

    pub fn random() -> SecretKey {
        let mut key = [0u8; 32];
        rand::rng().fill_bytes(&mut key);
        SecretKey(key)
    }

    /// Reads the key file, or creates it (readable by the owner only) when it is missing.
    pub fn load_or_create(path: &Path) -> io::Result<(SecretKey, KeyOrigin)> {
        match std::fs::read_to_string(path) {
            Ok(text) => {
                let bytes = hex::decode(text.trim())
                    .ok()
                    .and_then(|b| <[u8; 32]>::try_from(b).ok());
                let key = bytes.ok_or_else(|| {
                    io::Error::new(
                        io::ErrorKind::InvalidData,
                        format!("{} does not hold a key (64 hex digits)", path.display()),
                    )
                })?;
                Ok((SecretKey(key), KeyOrigin::File))
            }
            Err(err) if err.kind() == io::ErrorKind::NotFound => {
                let key = SecretKey::random();
                write_private(path, &format!("{}\n", hex::encode(key.0)))?;
                Ok((key, KeyOrigin::Generated))
            }
            Err(err) => Err(err),
        }
    }

    /// A key of its own for one use (`label`), so no two uses share one.
    pub fn derive(&self, label: &str) -> [u8; 32] {
        use hmac::{Hmac, Mac};
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0).expect("any key length");
        mac.update(label.as_bytes());
        mac.finalize().into_bytes().into()
    }

    /// Encrypts and authenticates: a random nonce, then the ciphertext.
    pub fn seal(&self, plaintext: &[u8]) -> Vec<u8> {
        let cipher = ChaCha20Poly1305::new((&self.0).into());
        let mut nonce = [0u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        let mut sealed = nonce.to_vec();
        // Encrypting into a Vec cannot fail for inputs of any size we use.
        sealed.extend(
            cipher
                .encrypt(Nonce::from_slice(&nonce), plaintext)
                .unwrap_or_default(),
        );
        sealed
    }

    /// The plaintext, or `None` when the data was not sealed with this key or was altered.
    pub fn open(&self, sealed: &[u8]) -> Option<Vec<u8>> {
        if sealed.len() < NONCE_LEN {
            return None;
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE_LEN);
        ChaCha20Poly1305::new((&self.0).into())
            .decrypt(Nonce::from_slice(nonce), ciphertext)
            .ok()
    }
}

pub use app::service::tokens::{new_token, token_hash};

fn write_private(path: &Path, contents: &str) -> io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(contents.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealing_round_trips_and_detects_tampering() {
        let key = SecretKey::from_secret("a sufficiently long secret");
        let sealed = key.seal(b"gho_token");
        assert_ne!(&sealed[NONCE_LEN..], b"gho_token");
        assert_eq!(key.open(&sealed).as_deref(), Some(&b"gho_token"[..]));
        assert_ne!(key.seal(b"gho_token"), sealed, "a fresh nonce each time");

        let mut altered = sealed.clone();
        let last = altered.len() - 1;
        altered[last] ^= 1;
        assert_eq!(key.open(&altered), None);
        assert_eq!(
            SecretKey::from_secret("another secret entirely").open(&sealed),
            None
        );
        assert_eq!(key.open(b"short"), None);
    }

    #[test]
    fn a_generated_key_is_kept_and_reused() {
        let dir = tempfile::tempdir().expect("folder");
        let path = dir.path().join("releasedesk.db.secret-key");
        let (first, origin) = SecretKey::load_or_create(&path).expect("created");
        assert_eq!(origin, KeyOrigin::Generated);
        let (second, origin) = SecretKey::load_or_create(&path).expect("read");
        assert_eq!(origin, KeyOrigin::File);
        assert_eq!(first.0, second.0);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path)
                .expect("metadata")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::write(&path, "not a key").expect("write");
        assert!(SecretKey::load_or_create(&path).is_err());
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let token = new_token("rdk_");
        assert!(token.starts_with("rdk_") && token.len() == 44);
        assert_ne!(new_token("rdk_"), token);
        assert_eq!(token_hash(&token).len(), 64);
        assert_eq!(token_hash(&token), token_hash(&token));
    }
}
