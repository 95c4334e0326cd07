//! Audit entries as one line a person reads: what changed from what to what.

use crate::i18n::I18n;
use crate::store::AuditEntry;

/// A catalogue message, or `None` when the catalogue has no such key (`tr` hands the key back then).
fn lookup(i18n: &I18n, key: &str) -> Option<String> {
    let text = i18n.tr(key);
    (text != key).then_some(text)
}

/// The action in the reader's language ("Stage changed"); the raw action only for kinds the catalogue lacks.
pub fn audit_action_words(i18n: &I18n, action: &str) -> String {
    let key = format!("audit-action-{}", action.replace(['.', '_'], "-"));
    lookup(i18n, &key).unwrap_or_else(|| action.to_string())
}

/// A field's name from the form labels ("Stage"); the raw key when the catalogue has none.
fn field_words(i18n: &I18n, field: &str) -> String {
    let key = match field {
        "note" => "audit-field-note".to_string(),
        "block_reason" => "audit-field-block-reason".to_string(),
        "owner_category" => "audit-field-owner-category".to_string(),
        other => format!("field-{}", other.replace('_', "-")),
    };
    lookup(i18n, &key).unwrap_or_else(|| field.to_string())
}

/// A coded value in words (stage, owner category, area watched); other values as they are.
fn value_words(i18n: &I18n, field: &str, value: &serde_json::Value) -> String {
    let text = match value {
        serde_json::Value::String(s) if s.is_empty() => return "—".to_string(),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => return "—".to_string(),
        other => return other.to_string(),
    };
    let prefix = match field {
        "stage" => "stage",
        "owner_category" => "owner",
        "area_watched" => "area",
        _ => return text,
    };
    lookup(i18n, &format!("{prefix}-{}", text.replace('_', "-"))).unwrap_or(text)
}

/// The change of one audit entry in words: "Stage: Surveyed » Owner contacted; Note: …".
/// Fields whose values read the same before and after (missing vs empty) are left out; a field named like a
/// password is never shown, whatever an entry holds.
pub fn audit_change_words(i18n: &I18n, entry: &AuditEntry) -> String {
    let parse = |s: &Option<String>| {
        s.as_deref()
            .and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok())
            .and_then(|v| v.as_object().cloned())
    };
    let before = parse(&entry.before_json).unwrap_or_default();
    let after = parse(&entry.after_json).unwrap_or_default();
    let mut keys: Vec<&String> = after.keys().chain(before.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut parts = Vec::new();
    for k in keys {
        if k.contains("password") || k.ends_with("_id") {
            continue;
        }
        let old = before.get(k).map(|v| value_words(i18n, k, v));
        let new = after
            .get(k)
            .map_or_else(|| "—".to_string(), |v| value_words(i18n, k, v));
        let name = field_words(i18n, k);
        if entry.before_json.is_some() {
            let old = old.unwrap_or_else(|| "—".to_string());
            if old != new {
                parts.push(format!("{name}: {old} » {new}"));
            }
        } else if new != "—" {
            parts.push(format!("{name}: {new}"));
        }
    }
    parts.join("; ")
}

/// "name_en: Old » New; phone: …" for edits (» because the desk's Latin font has no arrow glyph), the new values' key fields for additions.
pub fn audit_summary(entry: &AuditEntry) -> String {
    let parse = |s: &Option<String>| {
        s.as_deref()
            .and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok())
            .and_then(|v| v.as_object().cloned())
    };
    let before = parse(&entry.before_json);
    let after = parse(&entry.after_json);
    let show = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => "—".to_string(),
        other => other.to_string(),
    };
    match (before, after) {
        (Some(b), Some(a)) => {
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.sort();
            keys.dedup();
            let changes: Vec<String> = keys
                .into_iter()
                .filter(|k| b.get(*k) != a.get(*k))
                .map(|k| {
                    let old = b.get(k).map_or_else(|| "—".to_string(), show);
                    let new = a.get(k).map_or_else(|| "—".to_string(), show);
                    format!("{k}: {old} » {new}")
                })
                .collect();
            changes.join("; ")
        }
        (None, Some(a)) => {
            let mut fields: Vec<String> = [
                "name_en",
                "label",
                "owner_category",
                "area_watched",
                "cameras",
                "seed",
                // A follow-up note: what the owner said is the whole entry.
                "note",
            ]
            .iter()
            .filter_map(|k| a.get(*k).map(|v| format!("{k}: {}", show(v))))
            .collect();
            if fields.is_empty() {
                fields = a
                    .iter()
                    .take(4)
                    .map(|(k, v)| format!("{k}: {}", show(v)))
                    .collect();
            }
            fields.join("; ")
        }
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(before: Option<&str>, after: Option<&str>) -> AuditEntry {
        AuditEntry {
            id: 1,
            at_unix_s: 0,
            by_user: "op".into(),
            action: "site.edit".into(),
            entity: "site".into(),
            entity_id: Some(1),
            before_json: before.map(String::from),
            after_json: after.map(String::from),
        }
    }

    #[test]
    fn edits_list_only_changed_fields() {
        let e = entry(
            Some(r#"{"name_en":"Hotel A","phone":"+919876543210","ward":"W1"}"#),
            Some(r#"{"name_en":"Hotel B","phone":"+919876543210","ward":"W1"}"#),
        );
        assert_eq!(audit_summary(&e), "name_en: Hotel A » Hotel B");
        let e = entry(
            Some(r#"{"stage":"surveyed"}"#),
            Some(r#"{"stage":"owner_contacted","note":""}"#),
        );
        assert_eq!(
            audit_summary(&e),
            "note: — » ; stage: surveyed » owner_contacted"
        );
    }

    #[test]
    fn additions_show_key_fields() {
        let e = entry(
            None,
            Some(r#"{"name_en":"Hotel A","owner_category":"hotel","x":1}"#),
        );
        assert_eq!(audit_summary(&e), "name_en: Hotel A; owner_category: hotel");
        let follow_up = entry(
            None,
            Some(r#"{"follow_up_id":7,"note":"owner will call back Monday"}"#),
        );
        assert_eq!(
            audit_summary(&follow_up),
            "note: owner will call back Monday"
        );
    }
}
