//! The one catalogue of user-facing text, in English and Hindi (Fluent files in `assets/i18n/`).
//!
//! Every string a screen or the CLI shows comes from here; a unit test fails when a key exists in one language
//! and not the other, or when the code asks for a key that neither has.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use serde::{Deserialize, Serialize};

use crate::model::FieldError;

pub const EN_FTL: &str = include_str!("../assets/i18n/en.ftl");
pub const HI_FTL: &str = include_str!("../assets/i18n/hi.ftl");

/// A language the desk speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Lang {
    #[default]
    En,
    Hi,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Hi];

    /// The language's own name, shown in the switch whatever the current language.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Hi => "हिन्दी",
        }
    }
}

/// The message catalogue for one language.
pub struct I18n {
    lang: Lang,
    bundle: FluentBundle<FluentResource>,
}

impl std::fmt::Debug for I18n {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("I18n").field("lang", &self.lang).finish()
    }
}

fn parse(ftl: &str) -> FluentResource {
    // The files ship inside the binary and a unit test parses them, so a syntax error never reaches a user;
    // should one slip through, the good messages still load.
    FluentResource::try_new(ftl.to_string()).unwrap_or_else(|(res, _errors)| res)
}

/// Numbers in messages grouped the Indian way, as officials read them in both languages: 2,00,000 cameras,
/// 12,500 probes/min, 12,34,567.5 metres. `NUMBER($id, useGrouping: "false")` in a message keeps an identifier
/// as it is.
fn grouped_number<M>(value: &FluentValue<'_>, _memoizer: &M) -> Option<String> {
    let FluentValue::Number(n) = value else {
        return None;
    };
    if !n.options.use_grouping || !n.value.is_finite() || n.value.abs() > 1e15 {
        return None;
    }
    if n.options.minimum_fraction_digits.is_none() && n.value.fract() == 0.0 {
        return (n.value.abs() >= 1000.0).then(|| indian_grouping(n.value as i64));
    }
    // Fluent's own text keeps the digits it was given ("1234567.50"); only the whole part is grouped.
    Some(group_decimal_text(&n.as_string()))
}

/// Groups the whole part of a plain decimal text ("-1234567.50" → "-12,34,567.50"); other text is kept.
fn group_decimal_text(text: &str) -> String {
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text),
    };
    let (whole, fraction) = match digits.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (digits, None),
    };
    let is_plain = !whole.is_empty()
        && whole.len() <= 16
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.is_none_or(|f| f.bytes().all(|b| b.is_ascii_digit()));
    let Some(whole_n) = whole.parse::<i64>().ok().filter(|_| is_plain) else {
        return text.to_string();
    };
    // A value that rounded to nothing is not negative ("-0.0" reads as a fault).
    let is_zero = whole_n == 0 && fraction.is_none_or(|f| f.bytes().all(|b| b == b'0'));
    let mut out = String::from(if is_zero { "" } else { sign });
    out.push_str(&indian_grouping(whole_n));
    if let Some(f) = fraction {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// A decimal with `fraction_digits` digits (rounded half away from zero on the decimal text) grouped the Indian
/// way: 1234567.5 → "12,34,567.5". Not a number → "—".
pub fn indian_decimal(value: f64, fraction_digits: usize) -> String {
    if !value.is_finite() {
        return "—".to_string();
    }
    let digits = fraction_digits.min(6);
    // Rounding on the shortest decimal text that reads back as `value` (2.675 → 2.68, as a person rounds it),
    // not on its binary expansion (2.67499…).
    let text = format!("{value}");
    let rounded = round_decimal_text(&text, digits).unwrap_or_else(|| format!("{value:.digits$}"));
    group_decimal_text(&rounded)
}

/// Rounds a plain decimal text ("-2.675") to `digits` fraction digits, half away from zero.
fn round_decimal_text(text: &str, digits: usize) -> Option<String> {
    let (sign, rest) = match text.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", text),
    };
    let (whole, fraction) = rest.split_once('.').unwrap_or((rest, ""));
    if whole.is_empty() || !(whole.bytes().chain(fraction.bytes())).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut kept: Vec<u8> = whole
        .bytes()
        .chain(fraction.bytes().chain(std::iter::repeat(b'0')).take(digits))
        .collect();
    let rounds_up = fraction.as_bytes().get(digits).is_some_and(|&d| d >= b'5');
    if rounds_up {
        let mut i = kept.len();
        loop {
            if i == 0 {
                kept.insert(0, b'1');
                break;
            }
            i -= 1;
            if kept[i] == b'9' {
                kept[i] = b'0';
            } else {
                kept[i] += 1;
                break;
            }
        }
    }
    let split = kept.len() - digits;
    let (w, f) = kept.split_at(split);
    let mut out = format!("{sign}{}", String::from_utf8_lossy(w));
    if digits > 0 {
        out.push('.');
        out.push_str(&String::from_utf8_lossy(f));
    }
    Some(out)
}

/// A percentage with one decimal, grouped the Indian way, the same in both languages: "99.5 %", "12,345.7 %".
pub fn percent(pct: f64) -> String {
    format!("{} %", indian_decimal(pct, 1))
}

/// 1234567 → "12,34,567": the last three digits, then groups of two.
pub fn indian_grouping(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let (head, tail) = digits.split_at(digits.len().saturating_sub(3));
    let mut out = String::new();
    if n < 0 {
        out.push('-');
    }
    let first = head.len() % 2;
    for (i, c) in head.chars().enumerate() {
        if i > 0 && (i + 2 - first) % 2 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if !head.is_empty() {
        out.push(',');
    }
    out.push_str(tail);
    out
}

impl I18n {
    pub fn new(lang: Lang) -> Self {
        let (id, ftl) = match lang {
            Lang::En => (unic_langid::langid!("en-IN"), EN_FTL),
            Lang::Hi => (unic_langid::langid!("hi-IN"), HI_FTL),
        };
        let mut bundle = FluentBundle::new_concurrent(vec![id]);
        // egui would draw Unicode isolation marks around every argument as boxes.
        bundle.set_use_isolating(false);
        bundle.set_formatter(Some(grouped_number));
        // NUMBER(), for the rare identifier that must not be grouped.
        let _ = bundle.add_builtins();
        let _ = bundle.add_resource(parse(ftl));
        Self { lang, bundle }
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The message for `key`; the key itself when it is missing (a test keeps that from happening).
    pub fn tr(&self, key: &str) -> String {
        self.format(key, None)
    }

    /// The message for `key` with named arguments.
    pub fn tr_args(&self, key: &str, args: &[(&str, String)]) -> String {
        let mut fa = FluentArgs::new();
        for (name, value) in args {
            // Whole numbers go in as numbers so plural forms ("1 camera" / "2 cameras") can be chosen;
            // everything else (ids in names, coordinates) stays text exactly as given.
            match value.parse::<i64>() {
                Ok(n) if n.to_string() == *value => fa.set(*name, FluentValue::from(n)),
                _ => fa.set(*name, FluentValue::from(value.clone())),
            }
        }
        self.format(key, Some(&fa))
    }

    fn format(&self, key: &str, args: Option<&FluentArgs<'_>>) -> String {
        let Some(pattern) = self.bundle.get_message(key).and_then(|m| m.value()) else {
            return key.to_string();
        };
        let mut errors = Vec::new();
        self.bundle
            .format_pattern(pattern, args, &mut errors)
            .into_owned()
    }

    /// The message of a field problem, for beside the field.
    pub fn field_error(&self, e: &FieldError) -> String {
        self.tr_args(e.problem.i18n_key(), &e.problem.args())
    }

    /// "Field: message", for lists and the CLI.
    pub fn field_error_with_name(&self, e: &FieldError) -> String {
        format!("{}: {}", self.tr(&e.field.i18n_key()), self.field_error(e))
    }
}

/// Catalogue key of the words for an I/O error kind (every layer may say one; `services::error_words` reads
/// whole error chains with it).
pub fn io_kind_key(kind: std::io::ErrorKind) -> &'static str {
    use std::io::ErrorKind as K;
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

/// Message ids defined in one Fluent file.
pub fn message_ids(ftl: &str) -> Vec<String> {
    let res = parse(ftl);
    res.entries()
        .filter_map(|e| match e {
            fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_string()),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn decimals_are_grouped_the_indian_way_and_rounded_as_written() {
        use super::{indian_decimal, percent};
        assert_eq!(indian_decimal(1_234_567.5, 1), "12,34,567.5");
        assert_eq!(indian_decimal(0.5, 1), "0.5");
        assert_eq!(indian_decimal(0.5, 0), "1");
        assert_eq!(indian_decimal(999.0, 1), "999.0");
        assert_eq!(indian_decimal(1_000.0, 2), "1,000.00");
        assert_eq!(indian_decimal(100_000.0, 1), "1,00,000.0");
        assert_eq!(indian_decimal(10_000_000.0, 0), "1,00,00,000");
        assert_eq!(indian_decimal(-1_234.5, 1), "-1,234.5");
        assert_eq!(indian_decimal(-12_345_678.25, 2), "-1,23,45,678.25");
        // Rounding carries into a new group, and is done on the decimal as written (2.675 → 2.68).
        assert_eq!(indian_decimal(99_999.96, 1), "1,00,000.0");
        assert_eq!(indian_decimal(999.95, 1), "1,000.0");
        assert_eq!(indian_decimal(2.675, 2), "2.68");
        assert_eq!(indian_decimal(1_234_567.456, 2), "12,34,567.46");
        assert_eq!(indian_decimal(-0.04, 1), "0.0");
        assert_eq!(indian_decimal(1e-7, 2), "0.00");
        assert_eq!(indian_decimal(f64::NAN, 1), "—");
        assert_eq!(percent(12_345.67), "12,345.7 %");
        assert_eq!(percent(99.5), "99.5 %");
        // Fluent numbers with decimals are grouped by the desk's formatter too.
        let mut args = FluentArgs::new();
        args.set("n", FluentValue::from(1_234_567.5));
        let res = FluentResource::try_new("m = { $n }\n".to_string()).unwrap();
        let mut bundle = FluentBundle::new_concurrent(vec![unic_langid::langid!("hi-IN")]);
        bundle.set_use_isolating(false);
        bundle.set_formatter(Some(grouped_number));
        bundle.add_resource(res).unwrap();
        let msg = bundle.get_message("m").unwrap().value().unwrap();
        let mut errors = Vec::new();
        assert_eq!(
            bundle.format_pattern(msg, Some(&args), &mut errors),
            "12,34,567.5"
        );
    }

    #[test]
    fn whole_numbers_are_grouped_the_indian_way() {
        assert_eq!(indian_grouping(999), "999");
        assert_eq!(indian_grouping(1_000), "1,000");
        assert_eq!(indian_grouping(10_569), "10,569");
        assert_eq!(indian_grouping(155_842), "1,55,842");
        assert_eq!(indian_grouping(200_000), "2,00,000");
        assert_eq!(indian_grouping(12_345_678), "1,23,45,678");
        assert_eq!(indian_grouping(-2_378), "-2,378");
        let en = I18n::new(Lang::En);
        assert_eq!(
            en.tr_args("wall-showing", &[("shown", "155842".into())]),
            en.tr_args("wall-showing", &[("shown", "1,55,842".into())]),
        );
        // Identifiers stay as they are.
        let line = en.tr_args(
            "cli-probe-line",
            &[
                ("id", "123456".into()),
                ("camera", "Gate".into()),
                ("site", "Jail".into()),
                ("state", "online".into()),
                ("detail", "H264".into()),
            ],
        );
        assert!(line.starts_with("camera 123456 Gate"), "{line}");
    }

    use std::collections::BTreeSet;

    use super::*;
    use crate::model::{
        AreaWatched, BlockReason, Field, IntegrationStage, OwnerCategory, Priority, Problem,
        StageError,
    };

    fn ids(ftl: &str) -> BTreeSet<String> {
        message_ids(ftl).into_iter().collect()
    }

    #[test]
    fn both_files_parse_without_errors() {
        for ftl in [EN_FTL, HI_FTL] {
            if let Err((_, errors)) = FluentResource::try_new(ftl.to_string()) {
                panic!("Fluent syntax errors: {errors:?}");
            }
        }
    }

    #[test]
    fn every_key_exists_in_both_languages() {
        let en = ids(EN_FTL);
        let hi = ids(HI_FTL);
        let only_en: Vec<_> = en.difference(&hi).collect();
        let only_hi: Vec<_> = hi.difference(&en).collect();
        assert!(only_en.is_empty(), "missing in hi.ftl: {only_en:?}");
        assert!(only_hi.is_empty(), "missing in en.ftl: {only_hi:?}");
    }

    /// Every key the code asks for with a literal (`.tr("…")`, `.tr_args("…"`, `.t("…")`) must exist.
    #[test]
    fn every_key_used_in_code_exists() {
        let en = ids(EN_FTL);
        let mut missing = Vec::new();
        let mut stack = vec![std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src"
        ))];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                if path.extension().is_none_or(|e| e != "rs") {
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                for marker in [".tr(", ".tr_args(", ".t("] {
                    for (i, _) in text.match_indices(marker) {
                        let rest = text[i + marker.len()..].trim_start();
                        let Some(rest) = rest.strip_prefix('"') else {
                            continue;
                        };
                        let Some(end) = rest.find('"') else { continue };
                        let key = &rest[..end];
                        let is_key = !key.is_empty()
                            && key
                                .chars()
                                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
                        if !is_key {
                            continue;
                        }
                        if !en.contains(key) {
                            missing.push(format!("{}: {key}", path.display()));
                        }
                    }
                }
            }
        }
        assert!(
            missing.is_empty(),
            "keys used in code but not in the catalogue: {missing:#?}"
        );
    }

    #[test]
    fn every_model_name_has_both_languages() {
        let en = ids(EN_FTL);
        let hi = ids(HI_FTL);
        let mut keys: Vec<String> = Vec::new();
        keys.extend(OwnerCategory::ALL.iter().map(|c| c.i18n_key()));
        keys.extend(Priority::ALL.iter().map(|c| c.i18n_key()));
        keys.extend(AreaWatched::ALL.iter().map(|c| c.i18n_key()));
        keys.extend(IntegrationStage::ALL.iter().map(|c| c.i18n_key()));
        keys.extend(BlockReason::ALL.iter().map(|c| c.i18n_key()));
        keys.extend(crate::model::HealthState::ALL.iter().map(|c| c.i18n_key()));
        for f in [
            Field::NameEn,
            Field::NameHi,
            Field::ContactPerson,
            Field::Phone,
            Field::Address,
            Field::Ward,
            Field::PoliceStation,
            Field::Latitude,
            Field::Longitude,
            Field::PriorityRadius,
            Field::Notes,
            Field::Label,
            Field::AreaWatched,
            Field::Bearing,
            Field::FieldOfView,
            Field::Range,
            Field::NvrHost,
            Field::NvrChannel,
            Field::Make,
            Field::Model,
            Field::StreamUrl,
            Field::SnapshotUrl,
            Field::Username,
            Field::Password,
            Field::Stage,
            Field::RecorderRetention,
            Field::FollowUpNote,
        ] {
            keys.push(f.i18n_key());
        }
        for p in [
            Problem::Required,
            Problem::TooLong { max_chars: 1 },
            Problem::NotANumber {
                text: String::new(),
            },
            Problem::OutOfRange { min: 0.0, max: 1.0 },
            Problem::OutsideArea {
                country: String::new(),
            },
            Problem::LooksSwapped,
            Problem::ZeroZero,
            Problem::BadPhone,
            Problem::BadUrl {
                detail: String::new(),
            },
            Problem::WrongScheme {
                expected: String::new(),
                found: String::new(),
            },
            Problem::CredentialsInUrl,
            Problem::DuplicateStreamUrl {
                camera: String::new(),
            },
            Problem::DuplicateNvrChannel {
                camera: String::new(),
            },
            Problem::PrivateAreaInUse {
                stage: String::new(),
            },
            Problem::AreaNotYetKnownInUse {
                stage: String::new(),
            },
        ] {
            keys.push(p.i18n_key().to_string());
        }
        for e in [
            StageError::AlreadyThere(IntegrationStage::Surveyed),
            StageError::PrivateArea(AreaWatched::Room),
            StageError::RejectCommonArea,
            StageError::NotAllowed {
                from: IntegrationStage::Surveyed,
                to: IntegrationStage::Integrated,
            },
            StageError::ReasonNeeded,
            StageError::NoteNeeded,
            StageError::StreamNeeded(IntegrationStage::Configured),
            StageError::AreaNotKnown(IntegrationStage::Integrated),
        ] {
            keys.push(e.i18n_key().to_string());
        }
        let missing: Vec<_> = keys
            .iter()
            .filter(|k| !en.contains(*k) || !hi.contains(*k))
            .collect();
        assert!(
            missing.is_empty(),
            "model names without a translation: {missing:?}"
        );
    }

    #[test]
    fn arguments_are_filled_in_without_isolation_marks() {
        let hi = I18n::new(Lang::Hi);
        let e = FieldError::new(
            Field::Bearing,
            Problem::OutOfRange {
                min: 0.0,
                max: 359.0,
            },
        );
        let text = hi.field_error(&e);
        assert!(text.contains("359"), "{text}");
        assert!(
            !text.contains('\u{2068}'),
            "isolation marks would show as boxes"
        );
        let en = I18n::new(Lang::En);
        assert_eq!(en.tr("stage-integrated"), "Integrated");
        let one = en.tr_args("status-passwords-lost", &[("count", "1".into())]);
        assert!(one.starts_with("One camera password must"), "{one}");
        let many = en.tr_args("status-passwords-lost", &[("count", "2378".into())]);
        assert!(many.starts_with("2,378 camera passwords must"), "{many}");
        assert_eq!(hi.tr("stage-integrated"), "एकीकृत");
    }
}
