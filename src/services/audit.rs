//! Audit entries as one line a person reads: what changed from what to what.

use crate::store::AuditEntry;

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
