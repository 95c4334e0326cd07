//! Errors in the operator's words: an OS error's kind ("connection refused", "not found") as a catalogue
//! sentence, so the status bar never shows "os error 111"; the technical text is kept apart as details for
//! whoever fixes the problem. Typed errors from the workers (a registry error, a failed import or demo, a
//! thread the system refused) are said here too, at display time, in the desk's language ([`error_text`]).

use std::error::Error;
use std::io;

use crate::i18n::I18n;

pub use crate::i18n::io_kind_key;

/// Why `error` happened in words (the first I/O error in its chain decides), and the technical text: the
/// whole chain as the code printed it.
pub fn error_words(i18n: &I18n, error: &(dyn Error + 'static)) -> (String, String) {
    let reason = chain(error).find_map(|e| {
        e.downcast_ref::<io::Error>()
            .map(|io| i18n.tr(io_kind_key(io.kind())))
    });
    (
        reason.unwrap_or_else(|| i18n.tr("error-io-other")),
        details(error),
    )
}

/// `error` as one sentence in the desk's language, and the technical text (the whole chain) as details. The
/// first error in the chain the catalogue knows says it (a registry error, an import or demo refusal, an OS
/// error's kind); an error it does not know is its own text in English and "something went wrong (see the
/// details)" in another language, so no English sentence shows in a Hindi desk.
pub fn error_text(i18n: &I18n, error: &(dyn Error + 'static)) -> (String, String) {
    let words = chain(error)
        .find_map(|e| known_words(i18n, e))
        .unwrap_or_else(|| match i18n.lang() {
            crate::i18n::Lang::En => error.to_string(),
            _ => i18n.tr("error-io-other"),
        });
    (words, details(error))
}

/// `error` and its sources, outermost first.
fn chain<'a>(error: &'a (dyn Error + 'static)) -> impl Iterator<Item = &'a (dyn Error + 'static)> {
    std::iter::successors(Some(error), |&e| e.source())
}

/// The chain's texts, each source added unless its text is already in what came before.
fn details(error: &(dyn Error + 'static)) -> String {
    let mut details = error.to_string();
    for next in chain(error).skip(1) {
        let text = next.to_string();
        if !details.contains(&text) {
            details.push_str(": ");
            details.push_str(&text);
        }
    }
    details
}

/// The catalogue's sentence for one error of the chain, when it has one.
fn known_words(i18n: &I18n, e: &(dyn Error + 'static)) -> Option<String> {
    use crate::services::demo::DemoError;
    use crate::services::demo::simulator::SimError;
    use crate::services::exchange::import::commit::CommitError;
    use crate::services::registry_worker::WorkerError;
    use crate::store::{SecretError, StoreError};
    if let Some(e) = e.downcast_ref::<StoreError>() {
        return Some(e.words(i18n));
    }
    if let Some(e) = e.downcast_ref::<SecretError>() {
        return Some(i18n.tr_args(e.i18n_key(), &e.i18n_args(i18n)));
    }
    if let Some(e) = e.downcast_ref::<WorkerError>() {
        return match e {
            WorkerError::Store(e) => Some(e.words(i18n)),
            WorkerError::Thread { thread, source } => Some(i18n.tr_args(
                "worker-error-thread",
                &[
                    ("thread", (*thread).to_string()),
                    ("reason", i18n.tr(io_kind_key(source.kind()))),
                ],
            )),
            WorkerError::Demo(e) => known_words(i18n, e),
            WorkerError::Simulator(e) => known_words(i18n, e),
            WorkerError::Import(e) => known_words(i18n, e),
        };
    }
    if let Some(e) = e.downcast_ref::<crate::services::health::monitor::MonitorError>() {
        use crate::services::health::monitor::MonitorError;
        return match e {
            MonitorError::Store(e) => Some(e.words(i18n)),
            // A defect's own text: English in an English desk, "see the details" in another.
            MonitorError::Panicked(_) => None,
            MonitorError::Thread(source) => Some(i18n.tr_args(
                "worker-error-thread",
                &[
                    ("thread", "health-monitor".to_string()),
                    ("reason", i18n.tr(io_kind_key(source.kind()))),
                ],
            )),
        };
    }
    if let Some(e) = e.downcast_ref::<CommitError>() {
        return Some(match e {
            CommitError::RegistryChanged => i18n.tr("import-error-registry-changed"),
            CommitError::Cancelled => i18n.tr("import-error-cancelled"),
            CommitError::Row { row, source } => i18n.tr_args(
                "import-error-row",
                &[("row", row.to_string()), ("reason", source.words(i18n))],
            ),
            CommitError::Store(e) => e.words(i18n),
        });
    }
    if let Some(e) = e.downcast_ref::<DemoError>() {
        return Some(match e {
            DemoError::NotEmpty { path, sites } => i18n.tr_args(
                "demo-error-not-empty",
                &[
                    ("path", path.display().to_string()),
                    ("sites", sites.to_string()),
                ],
            ),
            DemoError::Cancelled => i18n.tr("demo-error-cancelled"),
            DemoError::Size { cameras, min, max } => i18n.tr_args(
                "demo-error-size",
                &[
                    ("cameras", cameras.to_string()),
                    ("min", min.to_string()),
                    ("max", max.to_string()),
                ],
            ),
            DemoError::Store(e) => e.words(i18n),
        });
    }
    if let Some(e) = e.downcast_ref::<SimError>() {
        return match e {
            SimError::Store(e) => Some(e.words(i18n)),
            SimError::InUse { addr } => {
                Some(i18n.tr_args("simulator-error-in-use", &[("address", addr.to_string())]))
            }
            // The rest are for whoever maintains the PC (open-file limits, sockets): English details.
            _ => None,
        };
    }
    if let Some(e) = e.downcast_ref::<crate::services::exchange::export::ExportJobError>() {
        return Some(e.message(i18n));
    }
    if let Some(e) = e.downcast_ref::<crate::services::exchange::export::ExportError>() {
        return Some(e.message(i18n));
    }
    e.downcast_ref::<io::Error>()
        .map(|io| i18n.tr(io_kind_key(io.kind())))
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
    fn worker_errors_are_said_in_the_desks_language() {
        use crate::services::exchange::import::commit::CommitError;
        use crate::services::registry_worker::WorkerError;
        use crate::store::StoreError;
        let (en, hi) = (I18n::new(Lang::En), I18n::new(Lang::Hi));
        let guards = || StoreError::GuardsChanged {
            path: "/data/registry.sqlite".into(),
            detail: "trigger stage_event_no_update is missing".into(),
        };
        let e = WorkerError::Store(guards());
        let (words, details) = error_text(&hi, &e);
        assert_eq!(words, guards().words(&hi));
        assert!(!words.contains("trigger"), "{words}");
        assert!(details.contains("stage_event_no_update"), "{details}");
        // English says what the error itself says.
        assert_eq!(error_text(&en, &e).0, guards().to_string());
        // An import row refused by the registry, inside the worker's error.
        let e = WorkerError::Import(CommitError::Row {
            row: 7,
            source: StoreError::Busy,
        });
        let (words, _) = error_text(&hi, &e);
        assert!(words.contains(&StoreError::Busy.words(&hi)), "{words}");
        assert!(!words.contains("busy"), "{words}");
        assert_eq!(
            error_text(&en, &e).0,
            "row 7: ".to_string() + &StoreError::Busy.to_string()
        );
        // A thread the system refused: the OS error's kind in words.
        let e = WorkerError::Thread {
            thread: "review-reader",
            source: io::Error::from(io::ErrorKind::OutOfMemory),
        };
        assert!(error_text(&hi, &e).0.contains(&hi.tr("error-io-other")));
        // An error the catalogue does not know: its own text in English only.
        #[derive(Debug, thiserror::Error)]
        #[error("the frobnicator jammed")]
        struct Unknown;
        assert_eq!(error_text(&en, &Unknown).0, "the frobnicator jammed");
        assert_eq!(error_text(&hi, &Unknown).0, hi.tr("error-io-other"));
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
