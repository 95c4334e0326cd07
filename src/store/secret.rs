//! Camera passwords, encrypted at rest with ChaCha20-Poly1305.
//!
//! The key lives in its own file outside the registry (`<key dir>/<registry uuid>.key`, mode 0600), so a copied
//! `.sqlite` file leaks no password. Each ciphertext records the id of the key that sealed it: when the key file
//! is lost, a new key is made, the old ciphertexts are recognised as unreadable, and only those passwords must be
//! typed in again; nothing else in the registry is touched.
//!
//! A sealed value is bound to its camera: format 2 ([`BOUND_PREFIX`], nonce, ciphertext) authenticates the
//! registry uuid and the camera id as associated data, so a ciphertext copied onto another camera's row does
//! not open. Format 1 (nonce, ciphertext; bound to the registry only) was written before; it still opens, and
//! [`SecretBox::is_bound`] tells the store to seal it again with the binding (no schema change is needed:
//! `password_ct` is a blob either way).
//!
//! The key file is made with `O_EXCL | O_NOFOLLOW` and mode 0600 in a folder made 0700, then renamed into
//! place, so a pre-existing temp file or a symlink planted in the key folder is never written through. An
//! existing key folder of ours that others can reach is made 0700 and a key file others can read is made
//! 0600 when the key is read; a folder another user owns and others can write in is refused.

use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use chacha20poly1305::aead::rand_core::RngCore as _;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};

const NONCE_LEN: usize = 12;
const KEY_FILE_HEADER: &str = "iccc-desk password key v1";
/// Marks a format-2 sealed value (bound to its camera). A format-1 value starts with a random nonce, which
/// matches these five bytes once in 2^40; such a value is still tried as format 1 when format 2 fails.
pub const BOUND_PREFIX: &[u8] = b"\0ICv2";

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
    /// The registry's uuid (read from the file) is not hex, so it cannot name a key file safely.
    #[error(
        "the registry's id {shown} is not a hex id; refusing to use it to name a password key file"
    )]
    BadRegistryUuid { shown: String },
    /// Something other than a plain file (a symlink, a folder) stands where the key file goes.
    #[error(
        "the password key file {path} is not a plain file (a symlink or folder?); refusing to use it"
    )]
    KeyFileNotPlain { path: PathBuf },
}

/// Whether `uuid` is safe to use in a file name: 8 to 64 ASCII hex digits, optionally in hyphenated groups
/// (a standard UUID). Anything else (a `/`, `..`, a NUL) could steer the key file out of its folder.
pub fn is_valid_registry_uuid(uuid: &str) -> bool {
    let digits = uuid.bytes().filter(u8::is_ascii_hexdigit).count();
    (8..=64).contains(&digits)
        && uuid.len() <= 80
        && uuid.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-')
        && !uuid.starts_with('-')
        && !uuid.ends_with('-')
}

/// Whether the key was found or had to be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyStatus {
    Found,
    Created,
}

/// Seals and opens camera passwords with one registry's key.
#[derive(Clone)]
pub struct SecretBox {
    key_id: String,
    cipher: ChaCha20Poly1305,
    /// Binds format-1 ciphertexts to their registry, so a blob pasted from another registry does not open.
    aad: Vec<u8>,
    /// The registry uuid, the start of each format-2 value's associated data (the camera id follows).
    registry_uuid: String,
    /// The history's seal key, derived from this key (store/history_seal.rs).
    seal_key: super::history_seal::SealKey,
    /// False once the registry records that every password was sealed bound to its camera: an unbound value
    /// then opens for no camera (it could have been copied from any other camera's row).
    accepts_unbound: bool,
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
    /// The key file for a registry (call it with a uuid that passed [`is_valid_registry_uuid`]).
    pub fn key_path(key_dir: &Path, registry_uuid: &str) -> PathBuf {
        key_dir.join(format!("{registry_uuid}.key"))
    }

    /// Loads the registry's key, or makes a new one when there is none.
    pub fn load_or_create(
        key_dir: &Path,
        registry_uuid: &str,
    ) -> Result<(Self, KeyStatus), SecretError> {
        if !is_valid_registry_uuid(registry_uuid) {
            return Err(SecretError::BadRegistryUuid {
                shown: format!("{:?}", registry_uuid.chars().take(80).collect::<String>()),
            });
        }
        // The folder only this account reads: `key_dir` itself, or a private folder inside a shared one (whose
        // mode is never changed).
        let key_folder = crate::private_folder::private_folder(key_dir).map_err(|source| {
            SecretError::KeyFile {
                path: key_dir.to_path_buf(),
                source,
            }
        })?;
        let path = Self::key_path(&key_folder, registry_uuid);
        if key_folder != key_dir {
            adopt_key_beside(key_dir, &path);
        }
        let aad = format!("iccc-desk registry {registry_uuid}").into_bytes();
        let registry_uuid = registry_uuid.to_string();
        // A symlink planted where the key goes could point at another user's file or at a key of the
        // attacker's making: only a plain file is read, and nothing is written through a link.
        match fs::symlink_metadata(&path) {
            Ok(meta) if !meta.file_type().is_file() => {
                return Err(SecretError::KeyFileNotPlain { path });
            }
            _ => {}
        }
        match read_key_file(&path) {
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
                let seal_key = super::history_seal::SealKey::derive(&key_id, &key);
                Ok((
                    Self {
                        key_id,
                        cipher,
                        aad,
                        registry_uuid,
                        seal_key,
                        accepts_unbound: true,
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
                let seal_key = super::history_seal::SealKey::derive(&key_id, &key);
                Ok((
                    Self {
                        key_id,
                        cipher,
                        aad,
                        registry_uuid,
                        seal_key,
                        accepts_unbound: true,
                    },
                    KeyStatus::Created,
                ))
            }
            Err(source) => Err(SecretError::KeyFile { path, source }),
        }
    }

    /// The history's seal key of this registry's key, if the key file is there; nothing is made or changed
    /// (the check on open runs before anything is written). A key file that cannot be read gives `None`: the
    /// open then says why when it loads the key.
    pub(super) fn find_seal_key(
        key_dir: &Path,
        registry_uuid: &str,
    ) -> Option<super::history_seal::SealKey> {
        if !is_valid_registry_uuid(registry_uuid) {
            return None;
        }
        let path = Self::key_path(key_dir, registry_uuid);
        if !fs::symlink_metadata(&path).ok()?.file_type().is_file() {
            return None;
        }
        let text = read_key_file(&path).ok()?;
        let mut lines = text.lines();
        if lines.next() != Some(KEY_FILE_HEADER) {
            return None;
        }
        let key_id = lines.next()?;
        let key = lines.next().and_then(unhex).filter(|k| k.len() == 32)?;
        Some(super::history_seal::SealKey::derive(key_id, &key))
    }

    /// The history's seal key derived from this key.
    pub(super) fn seal_key(&self) -> &super::history_seal::SealKey {
        &self.seal_key
    }

    /// From now on an unbound (format 1) value opens for no camera: the registry records that they were all
    /// sealed again bound, so one found now was put there from elsewhere.
    pub(super) fn refuse_unbound(&mut self) {
        self.accepts_unbound = false;
    }

    /// Id of the key, stored beside each ciphertext.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// Encrypts `camera_id`'s password (format 2): [`BOUND_PREFIX`], a fresh random nonce, then the
    /// ciphertext, authenticated with the registry uuid and the camera id.
    pub fn seal(&self, password: &str, camera_id: i64) -> Vec<u8> {
        let nonce = ChaCha20Poly1305::generate_nonce(&mut OsRng);
        let aad = self.bound_aad(camera_id);
        let payload = Payload {
            msg: password.as_bytes(),
            aad: &aad,
        };
        // Encryption with a valid key and nonce cannot fail for messages this small.
        let ciphertext = self.cipher.encrypt(&nonce, payload).unwrap_or_default();
        let mut blob = BOUND_PREFIX.to_vec();
        blob.extend_from_slice(&nonce);
        blob.extend_from_slice(&ciphertext);
        blob
    }

    fn bound_aad(&self, camera_id: i64) -> Vec<u8> {
        format!(
            "iccc-desk registry {} camera {camera_id}",
            self.registry_uuid
        )
        .into_bytes()
    }

    /// Length of [`BOUND_PREFIX`] (for SQL that picks unbound values).
    pub const BOUND_PREFIX_LEN: i64 = BOUND_PREFIX.len() as i64;

    /// Whether `blob` is a format-2 value (bound to its camera); a format-1 value should be sealed again.
    pub fn is_bound(blob: &[u8]) -> bool {
        blob.starts_with(BOUND_PREFIX)
    }

    /// Decrypts camera `camera_id`'s password: a format-2 value sealed for this camera, or a format-1 value
    /// of this registry.
    pub fn open(&self, blob: &[u8], camera_id: i64) -> Result<String, SecretError> {
        if let Some(rest) = blob.strip_prefix(BOUND_PREFIX)
            && let Ok(plain) = self.decrypt(rest, &self.bound_aad(camera_id))
        {
            return Ok(plain);
        }
        if !self.accepts_unbound {
            return Err(SecretError::Undecryptable);
        }
        self.decrypt(blob, &self.aad)
    }

    fn decrypt(&self, blob: &[u8], aad: &[u8]) -> Result<String, SecretError> {
        if blob.len() <= NONCE_LEN {
            return Err(SecretError::Undecryptable);
        }
        let (nonce, ciphertext) = blob.split_at(NONCE_LEN);
        let payload = Payload {
            msg: ciphertext,
            aad,
        };
        let plain = self
            .cipher
            .decrypt(Nonce::from_slice(nonce), payload)
            .map_err(|_| SecretError::Undecryptable)?;
        String::from_utf8(plain).map_err(|_| SecretError::Undecryptable)
    }

    /// A format-1 value as the desk wrote it before values were bound to cameras (for tests of the upgrade).
    #[doc(hidden)]
    pub fn seal_unbound_for_test(&self, password: &str) -> Vec<u8> {
        let nonce = ChaCha20Poly1305::generate_nonce(&mut OsRng);
        let payload = Payload {
            msg: password.as_bytes(),
            aad: &self.aad,
        };
        let ciphertext = self.cipher.encrypt(&nonce, payload).unwrap_or_default();
        let mut blob = nonce.to_vec();
        blob.extend_from_slice(&ciphertext);
        blob
    }
}

/// Moves this account's key file for `path` from `key_dir` (where it was kept before `key_dir` was shared or
/// opened up) into the private folder, so its passwords still open. A key file there that another account
/// made is left alone and never read: it could be a key of someone else's making.
fn adopt_key_beside(key_dir: &Path, path: &Path) {
    let Some(name) = path.file_name() else { return };
    let old = key_dir.join(name);
    let Ok(meta) = fs::symlink_metadata(&old) else {
        return;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        // SAFETY: geteuid has no preconditions and cannot fail.
        if meta.uid() != unsafe { libc::geteuid() } {
            return;
        }
    }
    if meta.file_type().is_file() && !path.exists() {
        let _ = fs::rename(&old, path);
    }
}

/// Reads the key file without following a symlink, first making it readable by its owner only (0600) when
/// others could read it.
fn read_key_file(path: &Path) -> std::io::Result<String> {
    use std::io::Read as _;
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.custom_flags(libc::O_NOFOLLOW);
    }
    let file = options.open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = file.metadata()?.permissions().mode();
        if mode & 0o077 != 0 {
            file.set_permissions(fs::Permissions::from_mode(0o600))?;
        }
    }
    // A key file is three short lines; more than that is not read.
    let mut text = String::new();
    file.take(4096).read_to_string(&mut text)?;
    Ok(text)
}

/// Writes a file readable by its owner only: the folder is made 0700 when missing, the bytes go to a fresh
/// temp file opened with `O_CREAT | O_EXCL | O_NOFOLLOW` (so a file or symlink someone left at that name is
/// never written through) and mode 0600, which is then renamed over `path` (a rename replaces a symlink at
/// `path` itself, never its target).
fn write_private_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent()
        && !dir.as_os_str().is_empty()
    {
        let mut builder = fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt as _;
            builder.mode(0o700);
        }
        builder.create(dir)?;
    }
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{file_name}.{}.tmp", random_hex(8)));
    let written = (|| {
        let mut options = fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt as _;
            options.mode(0o600).custom_flags(libc::O_NOFOLLOW);
        }
        let mut file = options.open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()
    })();
    if let Err(e) = written {
        // Only a file this call created is removed (create_new failed otherwise, and then nothing is ours).
        if e.kind() != std::io::ErrorKind::AlreadyExists {
            let _ = fs::remove_file(&tmp);
        }
        return Err(e);
    }
    fs::rename(&tmp, path).inspect_err(|_| {
        let _ = fs::remove_file(&tmp);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const R1: &str = "0123456789abcdef0123456789abcdef";
    const R2: &str = "fedcba9876543210fedcba9876543210";

    #[test]
    fn a_registry_uuid_that_is_not_hex_names_no_key_file() {
        let dir = tempfile::tempdir().unwrap();
        let inner = dir.path().join("keys");
        for bad in [
            "../../etc/passwd",
            "..",
            "",
            "abc/def0123456",
            "0123456789abcdef\0",
            "r1",
            "-01234567",
        ] {
            let err = SecretBox::load_or_create(&inner, bad).unwrap_err();
            assert!(
                matches!(err, SecretError::BadRegistryUuid { .. }),
                "{bad}: {err}"
            );
        }
        assert!(!inner.exists(), "nothing was created for a bad uuid");
        assert!(is_valid_registry_uuid(
            "123e4567-e89b-12d3-a456-426614174000"
        ));
        assert!(is_valid_registry_uuid(R1));
    }

    #[test]
    fn a_password_sealed_for_one_camera_does_not_open_on_another() {
        let dir = tempfile::tempdir().unwrap();
        let (secrets, _) = SecretBox::load_or_create(dir.path(), R1).unwrap();
        let blob = secrets.seal("Camera@123", 7);
        assert!(SecretBox::is_bound(&blob));
        assert_eq!(secrets.open(&blob, 7).unwrap(), "Camera@123");
        assert!(matches!(
            secrets.open(&blob, 8),
            Err(SecretError::Undecryptable)
        ));
    }

    #[test]
    fn a_value_sealed_before_binding_still_opens_on_any_camera_and_asks_to_be_resealed() {
        let dir = tempfile::tempdir().unwrap();
        let (secrets, _) = SecretBox::load_or_create(dir.path(), R1).unwrap();
        let old = secrets.seal_unbound_for_test("legacy");
        assert!(!SecretBox::is_bound(&old));
        assert_eq!(secrets.open(&old, 3).unwrap(), "legacy");
    }

    #[cfg(unix)]
    #[test]
    fn the_key_is_never_written_through_a_planted_symlink_or_temp_file() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let keys = dir.path().join("keys");
        // A missing key folder is made private.
        SecretBox::load_or_create(&keys, R2).unwrap();
        let mode = fs::metadata(&keys).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
        // The old fixed temp name, pointing at a victim file: it must stay untouched.
        let victim = dir.path().join("victim");
        fs::write(&victim, "precious").unwrap();
        std::os::unix::fs::symlink(&victim, keys.join(format!("{R1}.key.tmp"))).unwrap();
        std::os::unix::fs::symlink(&victim, keys.join(format!("{R1}.tmp"))).unwrap();
        SecretBox::load_or_create(&keys, R1).unwrap();
        assert_eq!(fs::read_to_string(&victim).unwrap(), "precious");
        let key = SecretBox::key_path(&keys, R1);
        assert!(fs::symlink_metadata(&key).unwrap().file_type().is_file());
        // A symlink where the key goes is refused, not followed.
        let other = "00000000111111112222222233333333";
        std::os::unix::fs::symlink(&victim, SecretBox::key_path(&keys, other)).unwrap();
        let err = SecretBox::load_or_create(&keys, other).unwrap_err();
        assert!(matches!(err, SecretError::KeyFileNotPlain { .. }), "{err}");
        assert_eq!(fs::read_to_string(&victim).unwrap(), "precious");
    }

    #[test]
    fn seal_open_round_trip_and_fresh_nonces() {
        let dir = tempfile::tempdir().unwrap();
        let (secrets, status) = SecretBox::load_or_create(dir.path(), R1).unwrap();
        assert_eq!(status, KeyStatus::Created);
        let a = secrets.seal("Camera@123", 1);
        let b = secrets.seal("Camera@123", 1);
        assert_ne!(a, b, "each seal uses a fresh nonce");
        assert_eq!(secrets.open(&a, 1).unwrap(), "Camera@123");
        // The same key file opens it again later.
        let (again, status) = SecretBox::load_or_create(dir.path(), R1).unwrap();
        assert_eq!(status, KeyStatus::Found);
        assert_eq!(again.key_id(), secrets.key_id());
        assert_eq!(again.open(&a, 1).unwrap(), "Camera@123");
    }

    #[test]
    fn another_registry_or_key_cannot_open() {
        let dir = tempfile::tempdir().unwrap();
        let (one, _) = SecretBox::load_or_create(dir.path(), R1).unwrap();
        let (two, _) = SecretBox::load_or_create(dir.path(), R2).unwrap();
        let blob = one.seal("secret", 1);
        assert!(matches!(
            two.open(&blob, 1),
            Err(SecretError::Undecryptable)
        ));
        let mut tampered = blob.clone();
        let last = tampered.len() - 1;
        tampered[last] ^= 1;
        assert!(matches!(
            one.open(&tampered, 1),
            Err(SecretError::Undecryptable)
        ));
        assert!(matches!(
            one.open(&[1, 2, 3], 1),
            Err(SecretError::Undecryptable)
        ));
    }

    #[test]
    fn damaged_key_file_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(SecretBox::key_path(dir.path(), R1), "not a key").unwrap();
        let err = SecretBox::load_or_create(dir.path(), R1).unwrap_err();
        assert!(err.to_string().contains("damaged"), "{err}");
    }

    #[cfg(unix)]
    #[test]
    fn an_open_key_folder_keeps_its_mode_and_the_key_goes_in_a_private_folder_inside() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let keys = dir.path().join("keys");
        fs::create_dir(&keys).unwrap();
        fs::set_permissions(&keys, fs::Permissions::from_mode(0o1777)).unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o7777;
        let own = keys.join(crate::private_folder::own_folder_name());
        SecretBox::load_or_create(&keys, R1).unwrap();
        assert_eq!(
            mode(&keys),
            0o1777,
            "a folder this program did not make keeps its mode"
        );
        assert_eq!(mode(&own), 0o700);
        let key = SecretBox::key_path(&own, R1);
        assert_eq!(mode(&key), 0o600);
        // A key file others can read is tightened (it is ours), and found again.
        fs::set_permissions(&key, fs::Permissions::from_mode(0o644)).unwrap();
        let (_, status) = SecretBox::load_or_create(&keys, R1).unwrap();
        assert_eq!(status, KeyStatus::Found);
        assert_eq!(mode(&key), 0o600);
        assert_eq!(mode(&keys), 0o1777);
    }

    #[cfg(unix)]
    #[test]
    fn a_key_kept_in_a_folder_that_was_opened_later_is_moved_inside_and_still_opens() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let keys = dir.path().join("keys");
        let (first, _) = SecretBox::load_or_create(&keys, R1).unwrap();
        let sealed = first.seal("pw", 7);
        fs::set_permissions(&keys, fs::Permissions::from_mode(0o755)).unwrap();
        let (again, status) = SecretBox::load_or_create(&keys, R1).unwrap();
        assert_eq!(status, KeyStatus::Found);
        assert_eq!(again.open(&sealed, 7).unwrap(), "pw");
        let own = keys.join(crate::private_folder::own_folder_name());
        assert!(SecretBox::key_path(&own, R1).exists());
        assert!(!SecretBox::key_path(&keys, R1).exists());
    }

    #[cfg(unix)]
    #[test]
    fn a_key_folder_someone_else_owns_and_others_can_write_keeps_its_mode_and_its_files() {
        use std::os::unix::fs::PermissionsExt as _;
        // Only root can hand a folder to another user; elsewhere there is nothing to set up.
        if unsafe { libc::geteuid() } != 0 {
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let keys = dir.path().join("shared");
        fs::create_dir(&keys).unwrap();
        std::os::unix::fs::chown(&keys, Some(54_321), Some(54_321)).unwrap();
        fs::set_permissions(&keys, fs::Permissions::from_mode(0o1777)).unwrap();
        // A key planted there by the other account is never read.
        let planted = SecretBox::key_path(&keys, R1);
        fs::write(
            &planted,
            format!("{KEY_FILE_HEADER}\nplanted\n{}\n", "00".repeat(32)),
        )
        .unwrap();
        std::os::unix::fs::chown(&planted, Some(54_321), Some(54_321)).unwrap();
        let (secrets, status) = SecretBox::load_or_create(&keys, R1).unwrap();
        assert_eq!(status, KeyStatus::Created);
        assert_ne!(secrets.key_id(), "planted");
        assert!(
            planted.exists(),
            "the other account's file is left where it is"
        );
        // Its owner keeps it: the mode is left as it was.
        assert_eq!(
            fs::metadata(&keys).unwrap().permissions().mode() & 0o7777,
            0o1777
        );
    }

    #[cfg(unix)]
    #[test]
    fn key_file_is_private() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let keys = dir.path().join("keys");
        SecretBox::load_or_create(&keys, R1).unwrap();
        let mode = fs::metadata(SecretBox::key_path(&keys, R1))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
