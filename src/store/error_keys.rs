//! Database errors in the catalogue: each [`StoreError`] (and [`SecretError`]) variant has a stable key and
//! named arguments, so the screens say it in the desk's language and the CLI in English. The English sentences
//! are the errors' own `Display` text; the Hindi ones leave out SQLite's and the OS's English detail, which
//! stays available as details for whoever fixes the problem.

use super::{BUSY_TIMEOUT, SecretError, StoreError};
use crate::i18n::I18n;

impl StoreError {
    /// Key of the sentence that says this error; its arguments come from [`Self::i18n_args`].
    pub fn i18n_key(&self) -> &'static str {
        match self {
            Self::NotARegistry { .. } => "store-error-not-a-registry",
            Self::NewerSchema { .. } => "store-error-newer-schema",
            Self::ReadOnly { .. } => "store-error-read-only",
            Self::CannotOpen { .. } => "store-error-cannot-open",
            Self::Busy => "store-error-busy",
            Self::Conflict { .. } => "store-error-conflict",
            Self::NotFound { .. } => "store-error-not-found",
            Self::Invalid(_) => "store-error-invalid",
            Self::Stage(_) => "store-error-stage",
            Self::Secret(e) => e.i18n_key(),
            Self::Sql(_) => "store-error-database",
            Self::Corrupt { .. } => "store-error-corrupt",
            Self::BadServiceArea { .. } => "store-error-bad-service-area",
            Self::Damaged { .. } => "store-error-damaged",
            Self::GuardsChanged { .. } => "store-error-guards-changed",
            Self::HistoryChanged { .. } => "store-error-history-changed",
            Self::Missing { .. } => "store-error-missing",
        }
    }

    /// The sentence's arguments; those that are words themselves (a stage refusal, field problems, an OS
    /// error's kind) are said in `i18n`'s language.
    pub fn i18n_args(&self, i18n: &I18n) -> Vec<(&'static str, String)> {
        let path = |p: &std::path::Path| ("path", p.display().to_string());
        match self {
            Self::NotARegistry { path: p, detail }
            | Self::CannotOpen { path: p, detail }
            | Self::Damaged { path: p, detail }
            | Self::GuardsChanged { path: p, detail }
            | Self::HistoryChanged { path: p, detail } => {
                vec![path(p), ("detail", detail.clone())]
            }
            Self::NewerSchema {
                path: p,
                found,
                supported,
            } => vec![
                path(p),
                ("found", found.to_string()),
                ("supported", supported.to_string()),
            ],
            Self::ReadOnly { path: p } | Self::Missing { path: p } => vec![path(p)],
            Self::Busy => vec![("seconds", BUSY_TIMEOUT.as_secs().to_string())],
            Self::Conflict {
                entity,
                id,
                by_user,
                at_unix_s,
            } => vec![
                ("entity", (*entity).to_string()),
                ("id", id.to_string()),
                ("user", by_user.clone()),
                ("time", crate::model::ist_datetime(*at_unix_s)),
            ],
            Self::NotFound { entity, id } => {
                vec![("entity", (*entity).to_string()), ("id", id.to_string())]
            }
            Self::Invalid(errors) => vec![
                ("count", errors.len().to_string()),
                (
                    "fields",
                    errors
                        .iter()
                        .map(|e| i18n.field_error_with_name(e))
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
            ],
            Self::Stage(e) => vec![("reason", i18n.tr(e.i18n_key())), ("detail", e.to_string())],
            Self::Secret(e) => e.i18n_args(i18n),
            Self::Sql(e) => vec![("detail", e.to_string())],
            Self::Corrupt { detail } | Self::BadServiceArea { detail } => {
                vec![("detail", detail.clone())]
            }
        }
    }

    /// The error as one sentence in `i18n`'s language.
    pub fn words(&self, i18n: &I18n) -> String {
        i18n.tr_args(self.i18n_key(), &self.i18n_args(i18n))
    }
}

impl SecretError {
    /// Key of the sentence that says this error.
    pub fn i18n_key(&self) -> &'static str {
        match self {
            Self::KeyFile { .. } => "store-error-key-file",
            Self::BadKeyFile { .. } => "store-error-bad-key-file",
            Self::Undecryptable => "store-error-undecryptable",
            Self::BadRegistryUuid { .. } => "store-error-bad-registry-uuid",
            Self::KeyFileNotPlain { .. } => "store-error-key-file-not-plain",
        }
    }

    /// The sentence's arguments (an OS error's kind in `i18n`'s language).
    pub fn i18n_args(&self, i18n: &I18n) -> Vec<(&'static str, String)> {
        match self {
            Self::KeyFile { path, source } => vec![
                ("path", path.display().to_string()),
                ("detail", source.to_string()),
                ("reason", i18n.tr(crate::i18n::io_kind_key(source.kind()))),
            ],
            Self::BadKeyFile { path, why } => vec![
                ("path", path.display().to_string()),
                ("detail", (*why).to_string()),
            ],
            Self::Undecryptable => Vec::new(),
            Self::BadRegistryUuid { shown } => vec![("shown", shown.clone())],
            Self::KeyFileNotPlain { path } => vec![("path", path.display().to_string())],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use crate::model::{Field, FieldError, Problem, StageError};
    use std::path::PathBuf;

    /// One of each variant; the match below stops compiling when a variant is added without a sample.
    fn samples() -> Vec<StoreError> {
        let path = PathBuf::from("/data/registry.sqlite");
        let all = vec![
            StoreError::NotARegistry {
                path: path.clone(),
                detail: "file is not a database".into(),
            },
            StoreError::NewerSchema {
                path: path.clone(),
                found: 9,
                supported: 8,
            },
            StoreError::ReadOnly { path: path.clone() },
            StoreError::CannotOpen {
                path: path.clone(),
                detail: "unable to open database file".into(),
            },
            StoreError::Busy,
            StoreError::Conflict {
                entity: "camera",
                id: 7,
                by_user: "meena".into(),
                at_unix_s: 1_795_564_800,
            },
            StoreError::NotFound {
                entity: "site",
                id: 3,
            },
            StoreError::Invalid(vec![FieldError {
                field: Field::Label,
                problem: Problem::Required,
            }]),
            StoreError::Stage(StageError::ReasonNeeded),
            StoreError::Secret(SecretError::KeyFile {
                path: path.clone(),
                source: std::io::Error::from(std::io::ErrorKind::PermissionDenied),
            }),
            StoreError::Secret(SecretError::BadKeyFile {
                path: path.clone(),
                why: "wrong length",
            }),
            StoreError::Secret(SecretError::Undecryptable),
            StoreError::Secret(SecretError::BadRegistryUuid {
                shown: "../x".into(),
            }),
            StoreError::Secret(SecretError::KeyFileNotPlain { path: path.clone() }),
            StoreError::Sql(rusqlite::Error::InvalidQuery),
            StoreError::Corrupt {
                detail: "stage 'x' unknown".into(),
            },
            StoreError::BadServiceArea {
                detail: "not a box".into(),
            },
            StoreError::Damaged {
                path: path.clone(),
                detail: "row 3 missing from index".into(),
            },
            StoreError::GuardsChanged {
                path: path.clone(),
                detail: "trigger x is missing".into(),
            },
            StoreError::HistoryChanged {
                path: path.clone(),
                detail: "audit 7 differs from its seal".into(),
            },
            StoreError::Missing { path },
        ];
        for e in &all {
            match e {
                StoreError::NotARegistry { .. }
                | StoreError::NewerSchema { .. }
                | StoreError::ReadOnly { .. }
                | StoreError::CannotOpen { .. }
                | StoreError::Busy
                | StoreError::Conflict { .. }
                | StoreError::NotFound { .. }
                | StoreError::Invalid(_)
                | StoreError::Stage(_)
                | StoreError::Secret(_)
                | StoreError::Sql(_)
                | StoreError::Corrupt { .. }
                | StoreError::BadServiceArea { .. }
                | StoreError::Damaged { .. }
                | StoreError::GuardsChanged { .. }
                | StoreError::HistoryChanged { .. }
                | StoreError::Missing { .. } => {}
            }
        }
        all
    }

    #[test]
    fn every_store_error_has_a_sentence_in_english_and_hindi() {
        let en_ids: std::collections::BTreeSet<_> = crate::i18n::message_ids(crate::i18n::EN_FTL)
            .into_iter()
            .collect();
        let hi_ids: std::collections::BTreeSet<_> = crate::i18n::message_ids(crate::i18n::HI_FTL)
            .into_iter()
            .collect();
        for e in samples() {
            let key = e.i18n_key();
            assert!(en_ids.contains(key), "en.ftl has no {key}");
            assert!(hi_ids.contains(key), "hi.ftl has no {key}");
            for lang in [Lang::En, Lang::Hi] {
                let text = e.words(&I18n::new(lang));
                assert!(
                    !text.contains('{'),
                    "{lang:?} {key}: an argument is missing: {text}"
                );
                assert!(
                    text.contains(|c: char| c.is_alphabetic()),
                    "{lang:?} {key}: {text}"
                );
            }
        }
    }

    /// The English sentence is the error's own text, so the CLI and an English desk say what they said before.
    #[test]
    fn the_english_sentence_is_the_errors_own_text() {
        let en = I18n::new(Lang::En);
        for e in samples() {
            assert_eq!(e.words(&en), e.to_string(), "{}", e.i18n_key());
        }
    }

    /// Hindi says no English sentence: SQLite's and the OS's detail is left to the details.
    #[test]
    fn hindi_leaves_the_english_detail_out() {
        let hi = I18n::new(Lang::Hi);
        for e in samples() {
            let text = e.words(&hi);
            for english in ["database", "missing", "permission", "the ", " is "] {
                assert!(
                    !text.to_lowercase().contains(english),
                    "{}: {text}",
                    e.i18n_key()
                );
            }
        }
    }
}
