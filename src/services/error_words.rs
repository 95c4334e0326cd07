//! Errors in the operator's words: an OS error's kind ("connection refused", "not found") as a catalogue
//! sentence, so the status bar never shows "os error 111"; the technical text is kept apart as details for
//! whoever fixes the problem.

use std::error::Error;
use std::io;

use crate::i18n::I18n;

/// Catalogue key of the words for an I/O error kind.
pub fn io_kind_key(kind: io::ErrorKind) -> &'static str {
    use io::ErrorKind as K;
    match kind {
        K::ConnectionRefused => "error-io-connection-refused",
        K::TimedOut | K::WouldBlock => "error-io-timed-out",
        K::NotFound => "error-io-not-found",
        K::PermissionDenied => "error-io-permission-denied",
        K::AlreadyExists => "error-io-already-exists",
        K::NotADirectory => "error-io-not-a-folder",
        K::IsADirectory => "error-io-is-a-folder",
        K::StorageFull | K::QuotaExceeded => "error-io-disk-full",
        K::ReadOnlyFilesystem => "error-io-read-only",
        K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe | K::UnexpectedEof => {
            "error-io-connection-lost"
        }
        K::HostUnreachable | K::NetworkUnreachable | K::NetworkDown | K::AddrNotAvailable => {
            "error-io-unreachable"
        }
        K::AddrInUse => "error-io-address-in-use",
        K::InvalidData | K::InvalidInput => "error-io-invalid-data",
        _ => "error-io-other",
    }
}

/// Why `error` happened in words (the first I/O error in its chain decides), and the technical text: the
/// whole chain as the code printed it.
pub fn error_words(i18n: &I18n, error: &(dyn Error + 'static)) -> (String, String) {
    let mut details = error.to_string();
    let mut reason = None;
    let mut cause: Option<&(dyn Error + 'static)> = Some(error);
    while let Some(e) = cause {
        if reason.is_none()
            && let Some(io) = e.downcast_ref::<io::Error>()
        {
            reason = Some(i18n.tr(io_kind_key(io.kind())));
        }
        cause = e.source();
        if let Some(next) = cause
            && !details.contains(&next.to_string())
        {
            details.push_str(": ");
            details.push_str(&next.to_string());
        }
    }
    (reason.unwrap_or_else(|| i18n.tr("error-io-other")), details)
}

/// A message that carries an OS error's text ("… Connection refused (os error 111)"), as workers send theirs,
/// in words: `None` when `text` holds no OS error.
pub fn raw_os_error_words(i18n: &I18n, text: &str) -> Option<String> {
    let at = text.find("(os error ")?;
    let code: i32 = text[at + "(os error ".len()..]
        .split(')')
        .next()?
        .trim()
        .parse()
        .ok()?;
    let kind = io::Error::from_raw_os_error(code).kind();
    Some(i18n.tr_args(
        "status-failed-because",
        &[("reason", i18n.tr(io_kind_key(kind)))],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn every_kind_has_words_in_english_and_hindi() {
        use io::ErrorKind as K;
        for lang in [Lang::En, Lang::Hi] {
            let i18n = I18n::new(lang);
            for kind in [
                K::ConnectionRefused,
                K::TimedOut,
                K::NotFound,
                K::PermissionDenied,
                K::AlreadyExists,
                K::NotADirectory,
                K::IsADirectory,
                K::StorageFull,
                K::ReadOnlyFilesystem,
                K::ConnectionReset,
                K::HostUnreachable,
                K::AddrInUse,
                K::InvalidData,
                K::Other,
            ] {
                let key = io_kind_key(kind);
                assert_ne!(i18n.tr(key), key, "{lang:?}: {kind:?}");
            }
        }
    }

    #[test]
    fn a_chain_is_read_down_to_its_io_error() {
        #[derive(Debug, thiserror::Error)]
        #[error("cannot save settings")]
        struct Outer {
            source: io::Error,
        }
        let en = I18n::new(Lang::En);
        let e = Outer {
            source: io::Error::from_raw_os_error(111),
        };
        let (reason, details) = error_words(&en, &e);
        assert_eq!(reason, en.tr("error-io-connection-refused"));
        assert!(details.contains("os error 111"), "{details}");
        let words = raw_os_error_words(&en, "probe: Connection refused (os error 111)").unwrap();
        assert!(!words.contains("os error"), "{words}");
        assert_eq!(raw_os_error_words(&en, "no error here"), None);
    }
}
