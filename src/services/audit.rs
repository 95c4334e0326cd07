//! Audit entries as one line a person reads: what changed from what to what.

use crate::i18n::I18n;
use crate::services::exchange::export::{Cell, ExportTable};
use crate::store::AuditEntry;

/// A catalogue message, or `None` when the catalogue has no such key (`tr` hands the key back then).
fn lookup(i18n: &I18n, key: &str) -> Option<String> {
    let text = i18n.tr(key);
    (text != key).then_some(text)
}

/// Every action the store can write to the audit log: `append_audit` in `store/`, the bulk writer's `finish` in
/// the import and the demo load, and the v1 » v2 upgrade's SQL. A unit test walks the sources and fails when a
/// new action appears that is not listed here (and so has no words).
pub const AUDIT_ACTIONS: &[&str] = &[
    "site.add",
    "site.edit",
    "camera.add",
    "camera.edit",
    "camera.stage",
    "camera.follow_up",
    "boundary.import",
    "import.profile",
    "registry.area",
    "registry.demo",
    "registry.demo_flag",
    "registry.import",
    "registry.passwords_rebound",
];

/// The action in the reader's language ("Stage changed"); the raw action only for kinds the catalogue lacks.
pub fn audit_action_words(i18n: &I18n, action: &str) -> String {
    let key = format!("audit-action-{}", action.replace(['.', '_'], "-"));
    lookup(i18n, &key).unwrap_or_else(|| action.to_string())
}

/// Catalogue key of a field's name: the form's label where there is one, else an `audit-field-*` key.
fn field_key(field: &str) -> String {
    let key = match field {
        "lat_deg" => "field-latitude",
        "lon_deg" => "field-longitude",
        "priority_radius_m" => "field-priority-radius",
        "bearing_deg" => "field-bearing",
        "fov_deg" => "field-fov",
        "range_m" => "field-range",
        "channel" => "field-nvr-channel",
        "kind" => "audit-field-kind",
        "priority" => "site-priority",
        "name_en" | "name_hi" | "contact_person" | "phone" | "address" | "ward"
        | "police_station" | "notes" | "label" | "area_watched" | "nvr_host" | "make" | "model"
        | "stream_url" | "snapshot_url" | "username" | "password" | "stage" => {
            return format!("field-{}", field.replace('_', "-"));
        }
        other => return format!("audit-field-{}", other.replace('_', "-")),
    };
    key.to_string()
}

/// A field's name from the form labels ("Stage"); the raw key when the catalogue has none.
fn field_words(i18n: &I18n, field: &str) -> String {
    lookup(i18n, &field_key(field)).unwrap_or_else(|| field.to_string())
}

/// A number as people write it: whole numbers without ".0", others to 6 places at most.
fn number_words(n: &serde_json::Number) -> String {
    match (n.as_i64(), n.as_f64()) {
        (Some(i), _) => i.to_string(),
        (None, Some(f)) => {
            let text = format!("{f:.6}");
            text.trim_end_matches('0').trim_end_matches('.').to_string()
        }
        _ => n.to_string(),
    }
}

/// A coded value in words (stage, owner category, area watched, times, yes/no); other values as they are.
fn value_words(i18n: &I18n, field: &str, value: &serde_json::Value) -> String {
    use serde_json::Value;
    let text = match value {
        Value::String(s) if s.is_empty() => return "—".to_string(),
        Value::String(s) => s.clone(),
        Value::Null => return "—".to_string(),
        Value::Bool(b) => return i18n.tr(if *b { "audit-yes" } else { "audit-no" }),
        Value::Number(n) if field.ends_with("_unix_s") => {
            return n
                .as_i64()
                .map_or_else(|| n.to_string(), crate::model::ist_datetime);
        }
        Value::Number(n) => return number_words(n),
        Value::Array(items) => {
            return items
                .iter()
                .map(|v| value_words(i18n, field, v))
                .collect::<Vec<_>>()
                .join(", ");
        }
        Value::Object(map) => return object_words(i18n, field, map),
    };
    let prefix = match field {
        "stage" => "stage",
        "owner_category" | "default_category" => "owner",
        "area_watched" | "default_area" => "area",
        "priority" => "priority",
        "block_reason" => "reason",
        "duplicates" => "audit-duplicates",
        "near_duplicates" => "audit-near-duplicates",
        "password" => "audit-password",
        // A string kind is a boundary layer (a camera's kind is an object).
        "kind" => "boundary-kind",
        _ => return text,
    };
    lookup(i18n, &format!("{prefix}-{}", text.replace('_', "-"))).unwrap_or(text)
}

/// A nested value: a camera's kind, an import profile's columns, a latitude/longitude box, or any other object
/// as "Name: value" pairs.
fn object_words(
    i18n: &I18n,
    field: &str,
    map: &serde_json::Map<String, serde_json::Value>,
) -> String {
    let get = |k: &str| map.get(k).map(|v| value_words(i18n, k, v));
    match field {
        "kind" => {
            let code = map.get("kind").and_then(|v| v.as_str()).unwrap_or_default();
            let mut parts = vec![
                lookup(i18n, &format!("camera-kind-{code}")).unwrap_or_else(|| code.to_string()),
            ];
            for k in ["nvr_host", "channel"] {
                if let Some(v) = get(k) {
                    parts.push(format!("{}: {v}", field_words(i18n, k)));
                }
            }
            parts.join(", ")
        }
        "columns" => map
            .iter()
            .map(|(header, f)| {
                let code = f.as_str().unwrap_or_default().replace('_', "-");
                let words = lookup(i18n, &format!("import-field-{code}")).unwrap_or(code);
                format!("{header} » {words}")
            })
            .collect::<Vec<_>>()
            .join(", "),
        "city_box" | "country_box" => {
            let pair = |k: &str| {
                let v = map.get(k).and_then(|v| v.as_array());
                let n = |i: usize| {
                    v.and_then(|a| a.get(i))
                        .map_or_else(|| "—".to_string(), |x| value_words(i18n, k, x))
                };
                (n(0), n(1))
            };
            let ((south, north), (west, east)) = (pair("lat_deg"), pair("lon_deg"));
            i18n.tr_args(
                "audit-box",
                &[
                    ("south", south),
                    ("north", north),
                    ("west", west),
                    ("east", east),
                ],
            )
        }
        _ => map
            .iter()
            .map(|(k, v)| format!("{}: {}", field_words(i18n, k), value_words(i18n, k, v)))
            .collect::<Vec<_>>()
            .join(", "),
    }
}

/// Fields an entry keeps that a reader does not need: ids (the Record column names the record), anything
/// named like a password's secret, and the English note the key re-seal writes (its action says it all).
fn hidden_field(action: &str, field: &str) -> bool {
    field.ends_with("_id")
        || (field.contains("password") && field != "password")
        || (action == "registry.passwords_rebound" && field == "note")
}

/// The change of one audit entry in words: "Stage: Surveyed » Owner contacted; Note: …".
/// Fields whose values read the same before and after (missing vs empty) are left out; a password is never
/// shown, whatever an entry holds: only whether it was set or cleared.
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
        if hidden_field(&entry.action, k) {
            continue;
        }
        // A password's value is only ever "set" or "cleared"; anything else an entry holds is not shown.
        let shown = |v: &serde_json::Value| {
            if k == "password"
                && !matches!(v.as_str(), Some("set" | "cleared" | "dropped_new_host"))
            {
                "—".to_string()
            } else {
                value_words(i18n, k, v)
            }
        };
        let old = before.get(k).map(shown);
        let new = after.get(k).map_or_else(|| "—".to_string(), shown);
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

/// The record an entry is about, in words: "Camera 'Main gate' at Hotel Raj Palace", "Site 'Hotel Raj Palace'",
/// "The whole registry". `camera` gives a camera's label and site name, `site` a site's name, when known.
pub fn audit_record_words(
    i18n: &I18n,
    entry: &AuditEntry,
    camera: impl Fn(i64) -> Option<(String, String)>,
    site: impl Fn(i64) -> Option<String>,
) -> String {
    let id = entry.entity_id.map(|i| i.to_string()).unwrap_or_default();
    match (entry.entity.as_str(), entry.entity_id) {
        ("camera", Some(i)) => match camera(i) {
            Some((label, site)) => {
                i18n.tr_args("audit-camera-at", &[("camera", label), ("site", site)])
            }
            None => i18n.tr_args("audit-camera-id", &[("id", id)]),
        },
        ("site", Some(i)) => match site(i) {
            Some(name) => i18n.tr_args("audit-site", &[("site", name)]),
            None => i18n.tr_args("audit-site-id", &[("id", id)]),
        },
        ("registry", _) => i18n.tr("audit-entity-registry"),
        (entity, _) => format!("{entity} {id}").trim().to_string(),
    }
}

/// Entries as a table in the screen's words (headers in the reader's language too: the file is for people),
/// for the CSV/XLSX writers. `record` names each entry's record as the screen does.
pub fn audit_table(
    i18n: &I18n,
    entries: &[&AuditEntry],
    record: impl Fn(&AuditEntry) -> String,
) -> ExportTable {
    let headers: Vec<String> = [
        "audit-col-when",
        "audit-col-who",
        "audit-col-action",
        "audit-col-what",
        "audit-col-change",
    ]
    .iter()
    .map(|k| i18n.tr(k))
    .collect();
    let mut table = ExportTable::new(
        &i18n.tr("audit-export-title"),
        &[
            ("when", headers[0].as_str()),
            ("who", headers[1].as_str()),
            ("action", headers[2].as_str()),
            ("record", headers[3].as_str()),
            ("change", headers[4].as_str()),
        ],
    );
    let text = |s: String| {
        if s.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(s)
        }
    };
    table.rows = entries
        .iter()
        .map(|e| {
            vec![
                text(crate::model::ist_datetime(e.at_unix_s)),
                text(e.by_user.clone()),
                text(audit_action_words(i18n, &e.action)),
                text(record(e)),
                text(audit_change_words(i18n, e)),
            ]
        })
        .collect();
    table
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
    use serde_json::json;

    use crate::i18n::Lang;
    use crate::model::import::ImportProfile;
    use crate::model::{Camera, CameraKind, ServiceArea, Site};

    /// One entry of `action` as the code writes it (the same shapes: models serialised, the same json! keys).
    fn sample(action: &str) -> AuditEntry {
        let site = serde_json::to_value(Site::blank()).unwrap();
        let mut cam = Camera::blank_at(25.45, 78.57);
        cam.label = "Main gate".into();
        let mut cam_v = serde_json::to_value(&cam).unwrap();
        cam_v["site_id"] = json!(3);
        cam_v["password"] = json!("set");
        let mut analogue = cam.clone();
        analogue.kind = CameraKind::Analogue {
            nvr_host: "127.1.2.55".into(),
            channel: 4,
        };
        let analogue_v = serde_json::to_value(&analogue).unwrap();
        let profile: ImportProfile = serde_json::from_value(json!({
            "name": "Police list",
            "columns": {"lat": "latitude", "cameraname": "label"},
            "duplicates": "update",
            "default_category": "hotel",
            "default_area": "not_yet_known",
        }))
        .unwrap();
        let (before, after) = match action {
            "site.add" => (None, site.clone()),
            "site.edit" => (Some(site.clone()), {
                let mut s = site.clone();
                s["priority"] = json!("black_spot");
                s["priority_radius_m"] = json!(150.0);
                s
            }),
            "camera.add" => (None, cam_v.clone()),
            "camera.edit" => (Some(cam_v.clone()), analogue_v),
            "camera.stage" => (
                Some(json!({"stage": "surveyed"})),
                json!({"stage": "blocked", "block_reason": "no_uplink", "note": "no static IP"}),
            ),
            "camera.follow_up" => (None, json!({"follow_up_id": 7, "note": "call Monday"})),
            "boundary.import" => (
                Some(json!({"kind": "ward", "file": "old.geojson", "count": 58})),
                json!({"kind": "police_station", "file": "thana.geojson", "count": 12}),
            ),
            "import.profile" => (None, serde_json::to_value(&profile).unwrap()),
            "registry.area" => {
                let area = ServiceArea::default();
                let mut other = area.clone();
                other.city = "Agra".into();
                (
                    Some(serde_json::to_value(&area).unwrap()),
                    serde_json::to_value(&other).unwrap(),
                )
            }
            "registry.demo" => (
                None,
                json!({"cameras": 3200, "sites": 900, "wards": 60, "seed": 7, "now_unix_s": 1_795_564_800}),
            ),
            "registry.demo_flag" => (Some(json!({"is_demo": true})), json!({"is_demo": false})),
            "registry.import" => (
                None,
                json!({"file": "list.csv", "sites_added": 2, "cameras_added": 5, "cameras_updated": 1,
                    "skipped": 0, "unchanged": 3, "refused": 1, "rejected_private": 0,
                    "camera_ids": ["101-105", "300"]}),
            ),
            "registry.passwords_rebound" => (
                None,
                json!({"note": "camera passwords re-sealed bound to their cameras", "cameras": [4, 9]}),
            ),
            other => panic!("no sample for audit action {other}: add one"),
        };
        AuditEntry {
            id: 1,
            at_unix_s: 1_795_564_800,
            by_user: "meena".into(),
            action: action.into(),
            // The store's entities: a site, a camera, or the whole registry (imports, area, demo, keys).
            entity: match action.split('.').next() {
                Some(e @ ("site" | "camera")) => e.into(),
                _ => "registry".into(),
            },
            entity_id: Some(3),
            before_json: before.map(|v| v.to_string()),
            after_json: Some(after.to_string()),
        }
    }

    /// Every key of a JSON value, nested ones too (an import profile's column headers are data, not keys).
    fn keys_of(v: &serde_json::Value, out: &mut Vec<String>) {
        if let Some(map) = v.as_object() {
            for (k, child) in map {
                out.push(k.clone());
                if k != "columns" {
                    keys_of(child, out);
                }
            }
        }
    }

    #[test]
    fn every_action_and_field_the_code_writes_reads_in_words_in_english_and_hindi() {
        for lang in [Lang::En, Lang::Hi] {
            let i18n = I18n::new(lang);
            for action in AUDIT_ACTIONS {
                let e = sample(action);
                let words = audit_action_words(&i18n, action);
                assert_ne!(words, *action, "{lang:?}: action {action} has no words");
                let mut keys = Vec::new();
                for j in [&e.before_json, &e.after_json].into_iter().flatten() {
                    keys_of(&serde_json::from_str(j).unwrap(), &mut keys);
                }
                for k in keys.iter().filter(|k| !hidden_field(action, k)) {
                    assert!(
                        lookup(&i18n, &field_key(k)).is_some(),
                        "{lang:?}: field {k} of {action} has no words ({})",
                        field_key(k)
                    );
                }
                let change = audit_change_words(&i18n, &e);
                assert!(!change.is_empty(), "{lang:?}: {action} shows no change");
                for raw in [
                    "_",
                    "{",
                    "\"",
                    "unix",
                    "ward »",
                    "black",
                    "no uplink",
                    "not yet",
                    "police_station",
                ] {
                    assert!(
                        !change.contains(raw),
                        "{lang:?}: {action} shows a raw {raw:?}: {change}"
                    );
                }
                for k in keys.iter().filter(|k| k.contains('_')) {
                    assert!(
                        !change.contains(k.as_str()),
                        "{lang:?}: {action} shows key {k}: {change}"
                    );
                }
                let record = audit_record_words(&i18n, &e, |_| None, |_| None);
                assert!(
                    !record.contains(&e.entity) || lang == Lang::En,
                    "{lang:?}: {record}"
                );
                assert!(!record.is_empty());
            }
        }
        let en = I18n::new(Lang::En);
        let demo = audit_change_words(&en, &sample("registry.demo"));
        assert!(demo.contains("2026-11-25 05:30"), "{demo}");
        let rebound = audit_change_words(&en, &sample("registry.passwords_rebound"));
        assert!(!rebound.contains("re-sealed bound"), "{rebound}");
    }

    /// The list above is the list the code writes: every action literal handed to `append_audit` or to the
    /// bulk writer's `finish`, in any source file, and the upgrade's SQL.
    #[test]
    fn audit_actions_lists_every_action_the_sources_write() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = vec![root.clone()];
        let mut found = std::collections::BTreeSet::new();
        while let Some(p) = files.pop() {
            if p.is_dir() {
                files.extend(std::fs::read_dir(&p).unwrap().map(|e| e.unwrap().path()));
                continue;
            }
            if p.extension().is_none_or(|e| e != "rs") || p.ends_with("services/audit.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&p).unwrap();
            for call in ["append_audit(", ".finish(", "INSERT INTO audit"] {
                for (at, _) in text.match_indices(call) {
                    // The first quoted `word.word` after the call is its action.
                    let tail = &text[at..(at + 600).min(text.len())];
                    // A test module after the call holds file names, not actions.
                    let tail = tail.split("#[cfg(test)]").next().unwrap_or(tail);
                    let mut quoted = tail.split(['"', '\'']).skip(1).step_by(2);
                    if let Some(action) = quoted.find(|q| {
                        let mut parts = q.split('.');
                        let ok = |p: Option<&str>| {
                            p.is_some_and(|p| {
                                !p.is_empty()
                                    && p.chars().all(|c| c.is_ascii_lowercase() || c == '_')
                            })
                        };
                        ok(parts.next()) && ok(parts.next()) && parts.next().is_none()
                    }) {
                        found.insert(action.to_string());
                    }
                }
            }
        }
        assert!(found.len() >= 10, "found only {found:?}");
        for action in &found {
            assert!(
                AUDIT_ACTIONS.contains(&action.as_str()),
                "{action} is written but not in AUDIT_ACTIONS"
            );
        }
    }

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
    fn a_password_dropped_for_a_new_host_is_said_so_and_never_shown() {
        let e = entry(
            Some(r#"{"snapshot_url":"http://127.0.0.9/snap.jpg"}"#),
            Some(r#"{"snapshot_url":"http://127.0.0.77/snap.jpg","password":"dropped_new_host"}"#),
        );
        let words = audit_change_words(&I18n::new(Lang::En), &e);
        assert!(
            words.contains("Password: — » dropped (new host: to be typed again)"),
            "{words}"
        );
        let words = audit_change_words(&I18n::new(Lang::Hi), &e);
        assert!(words.contains("हटाया (नया होस्ट"), "{words}");
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
