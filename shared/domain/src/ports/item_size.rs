//! How big DynamoDB counts an item, so the embedded store refuses what DynamoDB refuses: an item
//! is at most 400 KB, counted in bytes of attribute names and values (UTF-8), not characters, so
//! Devanagari or CJK text takes three bytes a character. A transaction writes at most 4 MB.
//!
//! The rules, from DynamoDB's developer guide ("Item sizes and formats"): a string is its UTF-8
//! length; a number is about one byte per two significant digits plus one; a boolean or null is
//! one byte; a list or map is three bytes plus one byte per element, plus its elements (a map's
//! names included).

use serde_json::Value;

use super::{Item, StoreError};

/// DynamoDB's item limit: 400 KB.
pub const MAX_ITEM_BYTES: usize = 400 * 1024;

/// DynamoDB's limit on the items one transaction writes, together.
pub const MAX_TRANSACTION_BYTES: usize = 4 * 1024 * 1024;

/// The size DynamoDB counts for `item`.
pub fn item_size(item: &Item) -> usize {
    item.iter()
        .map(|(name, v)| name.len() + value_size(v))
        .sum()
}

/// The size DynamoDB counts for one attribute value.
pub fn value_size(value: &Value) -> usize {
    match value {
        Value::String(s) => s.len(),
        Value::Number(n) => {
            let digits = n
                .to_string()
                .chars()
                .filter(char::is_ascii_digit)
                .collect::<String>();
            let significant = digits.trim_start_matches('0').trim_end_matches('0').len();
            significant.max(1).div_ceil(2) + 1
        }
        Value::Bool(_) | Value::Null => 1,
        Value::Array(items) => 3 + items.iter().map(|v| 1 + value_size(v)).sum::<usize>(),
        Value::Object(map) => {
            3 + map
                .iter()
                .map(|(name, v)| 1 + name.len() + value_size(v))
                .sum::<usize>()
        }
    }
}

/// DynamoDB's refusal of an item over [`MAX_ITEM_BYTES`], with its own message.
pub fn check_item_size(item: &Item) -> Result<(), StoreError> {
    let size = item_size(item);
    if size > MAX_ITEM_BYTES {
        return Err(StoreError::Invalid(format!(
            "Item size has exceeded the maximum allowed size ({size} bytes; at most {MAX_ITEM_BYTES})"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn item(value: Value) -> Item {
        match value {
            Value::Object(map) => map,
            _ => unreachable!(),
        }
    }

    #[test]
    fn sizes_count_bytes_of_names_and_values() {
        assert_eq!(item_size(&item(json!({ "id": "abc" }))), 2 + 3);
        // Devanagari: three bytes a character.
        assert_eq!(item_size(&item(json!({ "t": "नमस्ते" }))), 1 + "नमस्ते".len());
        assert_eq!("नमस्ते".len(), 18);
        assert_eq!(item_size(&item(json!({ "n": 12345 }))), 1 + 4);
        assert_eq!(item_size(&item(json!({ "b": true, "z": null }))), 4);
        assert_eq!(
            item_size(&item(json!({ "l": ["ab", 1] }))),
            1 + 3 + (1 + 2) + (1 + 2)
        );
        assert_eq!(
            item_size(&item(json!({ "m": { "k": "v" } }))),
            1 + 3 + (1 + 1 + 1)
        );
    }

    #[test]
    fn an_item_over_400_kb_in_bytes_is_refused_as_dynamodb_refuses_it() {
        // 140,000 characters of Devanagari fit any character limit and are 420,000 bytes.
        let big = item(json!({ "id": "q", "text": "न".repeat(140_000) }));
        let err = check_item_size(&big).unwrap_err();
        assert!(matches!(&err, StoreError::Invalid(m) if m.contains("maximum allowed size")));
        let fits = item(json!({ "id": "q", "text": "a".repeat(MAX_ITEM_BYTES - 10) }));
        assert!(check_item_size(&fits).is_ok());
    }
}
