//! Camera passwords, encrypted at rest with ChaCha20-Poly1305.
//!
//! The key lives in its own file outside the registry (`<key dir>/<registry uuid>.key`, mode 0600), so a copied
//! `.sqlite` file leaks no password. Each ciphertext records the id of the key that sealed it: when the key file
//! is lost, a new key is made, the old ciphertexts are recognised as unreadable, and only those passwords must be
//! typed in again; nothing else in the registry is touched.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use chacha20poly1305::aead::rand_core::RngCore as _;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};

const NONCE_LEN: usize = 12;
const KEY_FILE_HEADER: &str = "iccc-desk password key v1";

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("cannot read or write the password key file {path}: {source}")]
    KeyFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the password key file {path} is damaged: {why}")]
    BadKeyFile { path: PathBuf, why: &'static str },
    #[error("the stored password cannot be decrypted (wrong key or damaged data)")]
    Undecryptable,
}

/// Whether the key was found or had to be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyStatus {
    Found,
    Created,
}

/// Seals and opens camera passwords with one registry's key.
pub struct SecretBox {
    key_id: String,
    cipher: ChaCha20Poly1305,
    /// Binds ciphertexts to their registry, so a blob pasted from another registry does not open.
    aad: Vec<u8>,
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the key.
        f.debug_struct("SecretBox")
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

/// Random bytes as lowercase hex.
pub fn random_hex(n_bytes: usize) -> String {
    let mut bytes = vec![0u8; n_bytes];
    OsRng.fill_bytes(&mut bytes);
    hex(&bytes)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

impl SecretBox {
    /// The key file for a registry.
    pub fn key_path(key_dir: &Path, registry_uuid: &str) -> PathBuf {
        key_dir.join(format!("{registry_uuid}.key"))
    }

    /// Loads the registry's key, or makes a new one when there is none.
    pub fn load_or_create(
        key_dir: &Path,
        registry_uuid: &str,
    ) -> Result<(Self, KeyStatus), SecretError> {
        let path = Self::key_path(key_dir, registry_uuid);
        let aad = format!("iccc-desk registry {registry_uuid}").into_bytes();
        match fs::read_to_string(&path) {
            Ok(text) => {
                let mut lines = text.lines();
                let bad = |why| SecretError::BadKeyFile {
                    path: path.clone(),
                    why,
                };
                if lines.next() != Some(KEY_FILE_HEADER) {
                    return Err(bad("unknown header"));
                }
                let key_id = lines.next().ok_or_else(|| bad("no key id"))?.to_string();
                let key = lines
                    .next()
                    .and_then(unhex)
                    .filter(|k| k.len() == 32)
                    .ok_or_else(|| bad("the key is not 32 bytes of hex"))?;
                let cipher = ChaCha20Poly1305::new(Key::from_slice(&key));
                Ok((
                    Self {
                        key_id,
                        cipher,
                        aad,
                    },
                    KeyStatus::Found,
                ))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = ChaCha20Poly1305::generate_key(&mut OsRng);
                let key_id = random_hex(8);
                let text = format!("{KEY_FILE_HEADER}\n{key_id}\n{}\n", hex(&key));
                write_private_file(&path, text.as_bytes()).map_err(|source| {
                    SecretError::KeyFile {
                        path: path.clone(),
                        source,
                    }
                })?;
                let cipher = ChaCha20Poly1305::new(&key);
                Ok((
                    Self {
                        key_id,
                        cipher,
                        aad,
                    },
                    KeyStatus::Created,
                ))
            }
            Err(source) => Err(SecretError::KeyFile { path, source }),
        }
    }

    /// Id of the key, stored beside each ciphertext.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// Encrypts a password: a fresh random nonce followed by the ciphertext.
    pub fn seal(&self, password: &str) -> Vec<u8> {
        let nonce = ChaCha20Poly1305::generate_nonce(&mut OsRng);
        let payload = Payload {
            msg: password.as_bytes(),
            aad: &self.aad,
        };
        // Encryption with a valid key and nonce cannot fail for messages this small.
        let ciphertext = self.cipher.encrypt(&nonce, payload).unwrap_or_default();
        let mut blob = nonce.to_vec();
        blob.extend_from_slice(&ciphertext);
        blob
    }

    /// Decrypts a blob made by [`Self::seal`] with this key.
    pub fn open(&self, blob: &[u8]) -> Result<String, SecretError> {
        if blob.len() <= NONCE_LEN {
            return Err(SecretError::Undecryptable);
        }
        let (nonce, ciphertext) = blob.split_at(NONCE_LEN);
        let payload = Payload {
            msg: ciphertext,
            aad: &self.aad,
        };
        let plain = self
            .cipher
            .decrypt(Nonce::from_slice(nonce), payload)
            .map_err(|_| SecretError::Undecryptable)?;
        String::from_utf8(plain).map_err(|_| SecretError::Undecryptable)
    }
}

/// Writes a file readable by its owner only, through a temp file and a rename.
fn write_private_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("key.tmp");
    {
        let mut options = fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.mode(0o600);
        }
        let mut file = options.open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
    }
    fs::rename(&tmp, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seal_open_round_trip_and_fresh_nonces() {
        let dir = tempfile::tempdir().unwrap();
        let (secrets, status) = SecretBox::load_or_create(dir.path(), "r1").unwrap();
        assert_eq!(status, KeyStatus::Created);
        let a = secrets.seal("Camera@123");
        let b = secrets.seal("Camera@123");
        assert_ne!(a, b, "each seal uses a fresh nonce");
        assert_eq!(secrets.open(&a).unwrap(), "Camera@123");
        // The same key file opens it again later.
        let (again, status) = SecretBox::load_or_create(dir.path(), "r1").unwrap();
        assert_eq!(status, KeyStatus::Found);
        assert_eq!(again.key_id(), secrets.key_id());
        assert_eq!(again.open(&a).unwrap(), "Camera@123");
    }

    #[test]
    fn another_registry_or_key_cannot_open() {
        let dir = tempfile::tempdir().unwrap();
        let (one, _) = SecretBox::load_or_create(dir.path(), "r1").unwrap();
        let (two, _) = SecretBox::load_or_create(dir.path(), "r2").unwrap();
        let blob = one.seal("secret");
        assert!(matches!(two.open(&blob), Err(SecretError::Undecryptable)));
        let mut tampered = blob.clone();
        let last = tampered.len() - 1;
        tampered[last] ^= 1;
        assert!(matches!(
            one.open(&tampered),
            Err(SecretError::Undecryptable)
        ));
        assert!(matches!(
            one.open(&[1, 2, 3]),
            Err(SecretError::Undecryptable)
        ));
    }

    #[test]
    fn damaged_key_file_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(SecretBox::key_path(dir.path(), "r1"), "not a key").unwrap();
        let err = SecretBox::load_or_create(dir.path(), "r1").unwrap_err();
        assert!(err.to_string().contains("damaged"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn key_file_is_private() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        SecretBox::load_or_create(dir.path(), "r1").unwrap();
        let mode = fs::metadata(SecretBox::key_path(dir.path(), "r1"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
