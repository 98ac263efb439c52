//! PATCH bodies are JSON Merge Patches (RFC 7396) over a record's editable fields: the patch is
//! applied to the current fields, and the result is read and validated as a whole record. One
//! rule for every resource: absent keeps, `null` clears, a value replaces.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::ApiError;

/// `current` with `patch` applied, read back as `T` (unknown fields refused with a 422).
pub fn apply<T: Serialize + DeserializeOwned>(current: &T, patch: Value) -> Result<T, ApiError> {
    if !patch.is_object() {
        return Err(ApiError::invalid(
            "",
            "a PATCH body is a JSON object of the fields to change",
        ));
    }
    let mut merged = serde_json::to_value(current).map_err(ApiError::internal)?;
    merge(&mut merged, patch);
    read(merged)
}

/// Reads `value` as a `T`: JSON of the wrong shape is a 422 naming the field.
pub fn read<T: DeserializeOwned>(value: Value) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(value).map_err(|err| {
        let field = err.path().to_string();
        let message = err.into_inner().to_string();
        ApiError::invalid(if field == "." { String::new() } else { field }, message)
    })
}

fn merge(target: &mut Value, patch: Value) {
    match (target, patch) {
        (Value::Object(target), Value::Object(patch)) => {
            for (key, value) in patch {
                if value.is_null() {
                    target.remove(&key);
                } else {
                    merge(target.entry(key).or_insert(Value::Null), value);
                }
            }
        }
        (target, patch) => *target = patch,
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::json;

    use super::*;

    #[derive(Debug, Serialize, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Fields {
        name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        acronym: Option<String>,
        #[serde(default)]
        tags: Vec<String>,
    }

    #[test]
    fn absent_keeps_null_clears_value_replaces() {
        let current = Fields {
            name: "A".into(),
            acronym: Some("X".into()),
            tags: vec!["t".into()],
        };
        let patched = apply(&current, json!({"acronym": null, "tags": ["u", "v"]})).unwrap();
        assert_eq!(
            patched,
            Fields {
                name: "A".into(),
                acronym: None,
                tags: vec!["u".into(), "v".into()]
            }
        );
    }

    #[test]
    fn unknown_and_cleared_required_fields_are_refused() {
        let current = Fields {
            name: "A".into(),
            acronym: None,
            tags: vec![],
        };
        assert!(matches!(
            apply(&current, json!({"id": "x"})),
            Err(ApiError::Validation(_))
        ));
        assert!(matches!(
            apply(&current, json!({"name": null})),
            Err(ApiError::Validation(_))
        ));
        assert!(matches!(
            apply(&current, json!([1])),
            Err(ApiError::Validation(_))
        ));
    }
}
