//! Rewrites of the generated document that utoipa's derives cannot express: read schemas
//! apart from the closed write schemas, merge-patch bodies, summaries, and the credential
//! each operation needs. Applied to the JSON form once, when the document is built.

use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

const SCHEMAS: &str = "#/components/schemas/";

/// Every rewrite, in the order they depend on each other.
pub fn apply(document: &mut Value) {
    flatten_read_schemas(document);
    rename_records(document);
    patch_bodies(document);
    summaries(document);
    public_operations(document);
    response_headers(document);
    sparse_fieldsets(document);
    document["servers"] = json!([{ "url": "/", "description": "The server that serves this document" }]);
}

fn schemas(document: &mut Value) -> &mut Map<String, Value> {
    document["components"]["schemas"]
        .as_object_mut()
        .expect("the document has component schemas")
}

/// A response schema built as `allOf: [<write schema>, {id, version, …}]` inherits the write
/// schema's `additionalProperties: false` and so forbids its own identifiers. Each such schema,
/// named or inline (utoipa inlines generics' arguments), becomes one open object holding the
/// properties of all its parts.
fn flatten_read_schemas(document: &mut Value) {
    let originals = schemas(document).clone();
    flatten_within(document, &originals);
}

fn flatten_within(value: &mut Value, originals: &Map<String, Value>) {
    match value {
        Value::Object(map) => {
            if map.contains_key("allOf") {
                *value = flattened(value, originals);
            }
            value
                .as_object_mut()
                .into_iter()
                .flat_map(|map| map.values_mut())
                .for_each(|v| flatten_within(v, originals));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| flatten_within(v, originals)),
        _ => {}
    }
}

fn flattened(schema: &Value, originals: &Map<String, Value>) -> Value {
    let Some(parts) = schema.get("allOf").and_then(Value::as_array) else {
        return schema.clone();
    };
    let mut properties = Map::new();
    let mut required: Vec<Value> = Vec::new();
    // The write part's hand-written example seeds the read schema's; `examples` completes it.
    let mut example = Map::new();
    for part in parts {
        let part = match part.get("$ref").and_then(Value::as_str) {
            Some(reference) => flattened(&originals[reference.trim_start_matches(SCHEMAS)], originals),
            None => flattened(part, originals),
        };
        if let Some(own) = part.get("properties").and_then(Value::as_object) {
            properties.extend(own.clone());
        }
        if let Some(own) = part.get("example").and_then(Value::as_object) {
            example.extend(own.clone());
        }
        for field in part
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if !required.contains(field) {
                required.push(field.clone());
            }
        }
    }
    let mut merged = json!({ "type": "object", "required": required, "properties": properties });
    if let Some(description) = schema.get("description") {
        merged["description"] = description.clone();
    }
    if !example.is_empty() {
        merged["example"] = Value::Object(example);
    }
    merged
}

/// `Item_CapabilityFields` is what generics are called by utoipa; a client's class is better
/// named `Capability`.
fn rename_records(document: &mut Value) {
    let renames: Vec<(String, String)> = schemas(document)
        .keys()
        .filter_map(|name| {
            let inner = name.strip_prefix("Item_")?.strip_suffix("Fields")?;
            Some((name.clone(), inner.to_owned()))
        })
        .flat_map(|(from, to)| [(format!("Page_{from}"), format!("Page_{to}")), (from, to)])
        .collect();
    let components = schemas(document);
    for (from, to) in &renames {
        if let Some(schema) = components.remove(from) {
            components.insert(to.clone(), schema);
        }
    }
    let references: BTreeMap<String, String> = renames
        .into_iter()
        .map(|(from, to)| (format!("{SCHEMAS}{from}"), format!("{SCHEMAS}{to}")))
        .collect();
    rewrite_references(document, &references);
}

fn rewrite_references(value: &mut Value, references: &BTreeMap<String, String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get_mut("$ref")
                && let Some(renamed) = references.get(reference.as_str())
            {
                *reference = renamed.clone();
            }
            map.values_mut().for_each(|v| rewrite_references(v, references));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| rewrite_references(v, references)),
        _ => {}
    }
}

/// A merge patch (RFC 7396) names any subset of the fields, and `null` removes one: its body
/// is described by `XPatch`, the write schema `XFields` with nothing required.
fn patch_bodies(document: &mut Value) {
    let mut patches = BTreeMap::new();
    for item in document["paths"]
        .as_object_mut()
        .into_iter()
        .flat_map(|p| p.values_mut())
    {
        for operation in item.as_object_mut().into_iter().flat_map(|o| o.values_mut()) {
            let Some(schema) =
                operation.pointer_mut("/requestBody/content/application~1merge-patch+json/schema")
            else {
                continue;
            };
            let Some(fields) = schema
                .get("$ref")
                .and_then(Value::as_str)
                .map(|r| r.trim_start_matches(SCHEMAS).to_owned())
            else {
                continue;
            };
            let patch = format!("{}Patch", fields.trim_end_matches("Fields"));
            *schema = json!({ "$ref": format!("{SCHEMAS}{patch}") });
            patches.insert(patch, fields);
        }
    }
    let components = schemas(document);
    for (patch, fields) in patches {
        let mut schema = components[&fields].clone();
        let object = schema.as_object_mut().expect("a write schema is an object");
        let required = object.remove("required").unwrap_or_default();
        // The example changes what may change alone: the write example's optional fields.
        if let Some(Value::Object(example)) = object.get_mut("example") {
            let optional: Map<String, Value> = example
                .iter()
                .filter(|(name, _)| !required.as_array().into_iter().flatten().any(|r| r == *name))
                .map(|(name, value)| (name.clone(), value.clone()))
                .collect();
            if !optional.is_empty() {
                *example = optional;
            }
        }
        object.insert(
            "description".into(),
            json!(format!(
                "A JSON Merge Patch (RFC 7396) of `{fields}`: any subset of its fields; `null` removes an optional one."
            )),
        );
        components.insert(patch, schema);
    }
}

/// utoipa takes a handler's first paragraph as the summary. Tools and generated clients show
/// the summary as a title, so it becomes the first sentence, and the whole text the description.
fn summaries(document: &mut Value) {
    for item in document["paths"]
        .as_object_mut()
        .into_iter()
        .flat_map(|p| p.values_mut())
    {
        for operation in item.as_object_mut().into_iter().flat_map(|o| o.values_mut()) {
            let text = |key: &str| operation.get(key).and_then(Value::as_str).map(str::to_owned);
            let whole = match (text("summary"), text("description")) {
                (Some(summary), Some(description)) => format!("{summary}\n\n{description}"),
                (Some(one), None) | (None, Some(one)) => one,
                (None, None) => continue,
            };
            operation["summary"] = json!(first_sentence(&whole));
            operation["description"] = json!(whole);
        }
    }
}

fn first_sentence(text: &str) -> String {
    let paragraph = text.split("\n\n").next().unwrap_or(text).replace('\n', " ");
    let end = paragraph.find(". ").map_or(paragraph.len(), |at| at + 1);
    let mut sentence = paragraph[..end].trim().trim_end_matches('.');
    // A title reads at a glance: a long sentence keeps its main clause.
    if sentence.len() > 80
        && let Some(at) = [": ", "; ", " ("]
            .iter()
            .filter_map(|mark| sentence[15..].find(mark))
            .min()
    {
        sentence = &sentence[..15 + at];
    }
    sentence.to_owned()
}

/// An operation that declares no security inherits none, but linters and clients cannot tell
/// that from a forgotten declaration: public operations say `security: []`.
fn public_operations(document: &mut Value) {
    for item in document["paths"]
        .as_object_mut()
        .into_iter()
        .flat_map(|p| p.values_mut())
    {
        for operation in item.as_object_mut().into_iter().flat_map(|o| o.values_mut()) {
            if operation.get("security").is_none() {
                operation["security"] = json!([]);
            }
        }
    }
}

/// With `fields=` an organization holds only the named properties (and `id`): the list's items
/// and a single read are either whole or such a fieldset, which requires nothing but `id`.
fn sparse_fieldsets(document: &mut Value) {
    let components = schemas(document);
    let mut fieldset = components["OrganizationDetail"].clone();
    fieldset["required"] = json!(["id"]);
    fieldset["description"] =
        json!("An organization read with `fields=`: `id` and the named properties only.");
    components.insert("OrganizationFieldset".into(), fieldset);
    // The whole form stays as it was (inline or a reference): clients of it keep working.
    let either = |whole: &mut Value| {
        *whole = json!({ "anyOf": [whole.take(), { "$ref": format!("{SCHEMAS}OrganizationFieldset") }] });
    };
    either(&mut components["Page_Organization"]["properties"]["items"]["items"]);
    let single = "/paths/~1v1~1organizations~1{id}/get/responses/200/content/application~1json/schema";
    if let Some(schema) = document.pointer_mut(single) {
        either(schema);
    }
}

/// The headers a client must read to act on a response, on every response that carries them.
fn response_headers(document: &mut Value) {
    let string = |description: &str| json!({ "description": description, "schema": { "type": "string" } });
    let by_status = [
        (
            "304",
            vec![("ETag", string("The tag of the copy you hold, still current"))],
        ),
        (
            "401",
            vec![(
                "WWW-Authenticate",
                string("`Bearer`, with the error when a token was refused (RFC 6750)"),
            )],
        ),
        (
            "429",
            vec![
                (
                    "Retry-After",
                    json!({ "description": "Seconds until a request is allowed again", "schema": { "type": "integer", "minimum": 0 } }),
                ),
                (
                    "RateLimit-Policy",
                    string("The budget that was exceeded (IETF RateLimit header fields)"),
                ),
                (
                    "RateLimit",
                    string("What remains of that budget and when it is whole again"),
                ),
            ],
        ),
    ];
    for item in document["paths"]
        .as_object_mut()
        .into_iter()
        .flat_map(|p| p.values_mut())
    {
        for operation in item.as_object_mut().into_iter().flat_map(|o| o.values_mut()) {
            // Every problem is written in the language `Accept-Language` asks for (fr or en).
            for (status, response) in operation["responses"].as_object_mut().into_iter().flatten() {
                if status.as_str() >= "400" {
                    let headers = response
                        .as_object_mut()
                        .expect("a response is an object")
                        .entry("headers");
                    headers.or_insert_with(|| json!({}))["Content-Language"] = string(
                        "`fr` or `en`: the language of `title`, `detail` and the messages, as `Accept-Language` asked",
                    );
                }
            }
            for (status, headers) in &by_status {
                let Some(response) = operation.pointer_mut(&format!("/responses/{status}")) else {
                    continue;
                };
                let declared = response
                    .as_object_mut()
                    .expect("a response is an object")
                    .entry("headers")
                    .or_insert_with(|| json!({}));
                for (name, header) in headers {
                    declared
                        .as_object_mut()
                        .expect("headers are a map")
                        .entry(*name)
                        .or_insert(header.clone());
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_is_the_first_sentence_without_its_period() {
        assert_eq!(first_sentence("Lists keys. Admins only."), "Lists keys");
        assert_eq!(
            first_sentence("Reads one (v1.2) record"),
            "Reads one (v1.2) record"
        );
        assert_eq!(
            first_sentence("Reads\nacross lines.\n\nMore."),
            "Reads across lines"
        );
        let long =
            "Ranks the published firms for a request: firms that offer none of the services are left out";
        assert_eq!(first_sentence(long), "Ranks the published firms for a request");
    }

    #[test]
    fn a_read_schema_keeps_every_part_and_is_open() {
        let mut document = json!({
            "paths": {},
            "components": { "schemas": {
                "XFields": { "type": "object", "required": ["name"], "additionalProperties": false,
                             "properties": { "name": { "type": "string" } } },
                "X": { "allOf": [ { "$ref": "#/components/schemas/XFields" },
                                  { "type": "object", "required": ["id"], "properties": { "id": { "type": "string" } } } ] },
            } }
        });
        flatten_read_schemas(&mut document);
        let x = &document["components"]["schemas"]["X"];
        assert_eq!(x["required"], json!(["name", "id"]));
        assert!(x["properties"]["name"].is_object() && x["properties"]["id"].is_object());
        assert!(x.get("additionalProperties").is_none());
    }
}
