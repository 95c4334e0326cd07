//! Counts what a JSON file holds before it is parsed: `serde_json` builds a tree that takes 10 to 30 times
//! the file's bytes (every number, text, list and object is a 32-byte value, objects a map besides), so a few
//! hundred megabytes of `[0,0,0,…]` or of tiny features would exhaust memory. One pass over the bytes, holding
//! nothing but the nesting of at most [`MAX_DEPTH`] levels, answers how many values, GeoJSON positions
//! (vertices) and features the file declares; the caller refuses a file over its limits, naming them.

/// Deepest nesting followed; `serde_json` refuses anything deeper than 128 levels on its own.
pub const MAX_DEPTH: usize = 256;

/// What a JSON text holds, counted without parsing it into memory.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JsonCounts {
    /// Values of every kind: objects, lists, texts, numbers, `true`, `false`, `null`.
    pub values: u64,
    /// Lists whose first element is a number: GeoJSON positions (a polygon's vertices, a point).
    pub positions: u64,
    /// Objects whose `"type"` member is `"Feature"`.
    pub features: u64,
}

/// Where the scanner is between tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Container {
    /// An object, `true` while a member's name comes next.
    Object {
        expects_key: bool,
    },
    List,
}

/// Counts `bytes` as JSON. Malformed text is counted as far as it goes (the parser then refuses it); nesting
/// deeper than [`MAX_DEPTH`] is counted flat, never held.
pub fn count(bytes: &[u8]) -> JsonCounts {
    let mut counts = JsonCounts::default();
    let mut stack: Vec<Container> = Vec::new();
    // Texts: whether one is open, after a backslash, a member name, and its first bytes (to find "type" and
    // "Feature").
    let mut in_text = false;
    let mut escaped = false;
    let mut text_is_key = false;
    let mut text = [0u8; 8];
    let mut text_len = 0usize;
    // The last member name was "type" and its value has not begun.
    let mut after_type_key = false;
    // A list has just opened and no element has begun.
    let mut list_opened = false;
    // Inside a number or a literal (`true`, `false`, `null`).
    let mut in_scalar = false;
    for &b in bytes {
        if in_text {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_text = false;
                let word = &text[..text_len.min(text.len())];
                if text_is_key {
                    after_type_key = text_len == 4 && word == b"type";
                } else {
                    if after_type_key && text_len == 7 && word == b"Feature" {
                        counts.features += 1;
                    }
                    after_type_key = false;
                }
            } else {
                if text_len < text.len() {
                    text[text_len] = b;
                }
                text_len += 1;
            }
            continue;
        }
        let starts_scalar = b == b'-' || b.is_ascii_alphanumeric();
        if starts_scalar {
            if !in_scalar {
                in_scalar = true;
                counts.values += 1;
                if list_opened && (b == b'-' || b.is_ascii_digit()) {
                    counts.positions += 1;
                }
                list_opened = false;
                after_type_key = false;
            }
            continue;
        }
        // `.`, `+` and exponent signs continue a number.
        if in_scalar && (b == b'.' || b == b'+') {
            continue;
        }
        in_scalar = false;
        match b {
            b'"' => {
                in_text = true;
                text_len = 0;
                text_is_key = matches!(stack.last(), Some(Container::Object { expects_key: true }));
                if let Some(Container::Object { expects_key }) = stack.last_mut() {
                    *expects_key = false;
                }
                if !text_is_key {
                    counts.values += 1;
                }
                list_opened = false;
            }
            b'{' | b'[' => {
                counts.values += 1;
                after_type_key = false;
                if stack.len() < MAX_DEPTH {
                    stack.push(if b == b'{' {
                        Container::Object { expects_key: true }
                    } else {
                        Container::List
                    });
                }
                list_opened = b == b'[';
            }
            b'}' | b']' => {
                stack.pop();
                list_opened = false;
            }
            b',' => {
                if let Some(Container::Object { expects_key }) = stack.last_mut() {
                    *expects_key = true;
                }
                list_opened = false;
            }
            _ => {}
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_positions_and_features_are_counted() {
        let text = br#"{"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"name":"Ward 1","type":"Feature \"x\""},
             "geometry":{"type":"Polygon","coordinates":[[[78.5,25.4],[78.6,25.4],[78.6,-25.5],[78.5,25.4]]]}},
            {"type":"Feature","properties":null,"geometry":{"type":"Point","coordinates":[1e3,2]}}]}"#;
        let counts = count(text);
        assert_eq!(counts.features, 2);
        assert_eq!(counts.positions, 5);
        // The top object, its type and the features list; per feature its object, its type, its properties
        // (an object of two texts, or null), the geometry object, its type, the coordinate lists, and each
        // position (a list of two numbers).
        let first = 1 + 1 + (1 + 2) + 1 + 1 + 2 + 4 * 3;
        let second = 1 + 1 + 1 + 1 + 1 + 1 + 2;
        assert_eq!(counts.values, 3 + first + second);
        assert_eq!(count(b"[0,0,-1.5e+3,true,null]").values, 6);
        assert_eq!(count(b"[0,0,-1.5e+3,true,null]").positions, 1);
    }

    #[test]
    fn deep_nesting_is_counted_without_being_held() {
        let deep = "[".repeat(100_000);
        let counts = count(deep.as_bytes());
        assert_eq!(counts.values, 100_000);
    }
}
