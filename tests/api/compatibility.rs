//! Within `/v1` the document may only grow: the generated document is compared with the
//! committed baseline (`openapi/baseline.json`, updated on purpose, in its own commit), and a
//! removed path, operation, parameter, property or enum value, or a newly required parameter or
//! request property, fails.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

const METHODS: [&str; 5] = ["get", "put", "post", "delete", "patch"];

fn baseline() -> Value {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/baseline.json"))
        .expect("openapi/baseline.json is committed");
    serde_json::from_str(&text).expect("the baseline is JSON")
}

/// What in `current` breaks a client written against `baseline`, one line per change.
fn breaking_changes(baseline: &Value, current: &Value) -> Vec<String> {
    let mut found = Vec::new();
    let paths = |doc: &Value| doc["paths"].as_object().cloned().unwrap_or_default();
    let (old_paths, new_paths) = (paths(baseline), paths(current));
    for (path, old_item) in &old_paths {
        let Some(new_item) = new_paths.get(path) else {
            found.push(format!("removed path {path}"));
            continue;
        };
        for method in METHODS {
            let Some(old_op) = old_item.get(method) else {
                continue;
            };
            let Some(new_op) = new_item.get(method) else {
                found.push(format!("removed operation {method} {path}"));
                continue;
            };
            let old_params = parameters(old_op);
            let new_params = parameters(new_op);
            for (key, old) in &old_params {
                match new_params.get(key) {
                    None => found.push(format!("removed parameter {} of {method} {path}", key.1)),
                    Some(new) => compare_schemas(
                        &format!("parameter {} of {method} {path}", key.1),
                        &old["schema"],
                        &new["schema"],
                        false,
                        &mut found,
                    ),
                }
            }
            for (key, new) in &new_params {
                let was_required = old_params.get(key).is_some_and(|old| old["required"] == true);
                if new["required"] == true && !was_required {
                    found.push(format!("newly required parameter {} of {method} {path}", key.1));
                }
            }
        }
    }
    let schemas = |doc: &Value| {
        doc["components"]["schemas"]
            .as_object()
            .cloned()
            .unwrap_or_default()
    };
    let (old_schemas, new_schemas) = (schemas(baseline), schemas(current));
    let requests = request_schemas(current);
    for (name, old) in &old_schemas {
        match new_schemas.get(name) {
            None => found.push(format!("removed schema {name}")),
            Some(new) => compare_schemas(
                &format!("schema {name}"),
                old,
                new,
                requests.contains(name),
                &mut found,
            ),
        }
    }
    found
}

fn parameters(operation: &Value) -> BTreeMap<(String, String), Value> {
    operation["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| {
            (
                (
                    p["in"].as_str().unwrap_or("").to_owned(),
                    p["name"].as_str().unwrap_or("").to_owned(),
                ),
                p.clone(),
            )
        })
        .collect()
}

/// The schemas a request body reaches, by name: a property newly required there breaks writers.
fn request_schemas(document: &Value) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut pending = Vec::new();
    for item in document["paths"].as_object().into_iter().flat_map(|p| p.values()) {
        for method in METHODS {
            if let Some(body) = item.get(method).and_then(|op| op.get("requestBody")) {
                references(body, &mut pending);
            }
        }
    }
    while let Some(name) = pending.pop() {
        if names.insert(name.clone()) {
            references(&document["components"]["schemas"][&name], &mut pending);
        }
    }
    names
}

fn references(value: &Value, into: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                into.push(r.trim_start_matches("#/components/schemas/").to_owned());
            }
            map.values().for_each(|v| references(v, into));
        }
        Value::Array(items) => items.iter().for_each(|v| references(v, into)),
        _ => {}
    }
}

/// Properties, enum values and (for requests) required names, each keyed by where it sits in
/// the schema with array positions left out, so that a reordered `oneOf` is no change.
#[derive(Default)]
struct Shape {
    properties: BTreeSet<String>,
    enum_values: BTreeSet<String>,
    required: BTreeSet<String>,
}

fn shape(value: &Value, at: &str, into: &mut Shape) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                match key.as_str() {
                    "properties" => {
                        for (name, property) in child.as_object().into_iter().flatten() {
                            let here = format!("{at}.{name}");
                            into.properties.insert(here.clone());
                            shape(property, &here, into);
                        }
                    }
                    "enum" => into.enum_values.extend(
                        child
                            .as_array()
                            .into_iter()
                            .flatten()
                            .map(|v| format!("{at} = {v}")),
                    ),
                    "const" => {
                        into.enum_values.insert(format!("{at} = {child}"));
                    }
                    "required" => into.required.extend(
                        child
                            .as_array()
                            .into_iter()
                            .flatten()
                            .map(|v| format!("{at}.{}", v.as_str().unwrap_or(""))),
                    ),
                    "example" | "examples" | "description" => {}
                    _ => shape(child, at, into),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| shape(v, at, into)),
        _ => {}
    }
}

fn compare_schemas(what: &str, old: &Value, new: &Value, is_request: bool, found: &mut Vec<String>) {
    let (mut before, mut after) = (Shape::default(), Shape::default());
    shape(old, "", &mut before);
    shape(new, "", &mut after);
    for property in before.properties.difference(&after.properties) {
        found.push(format!("removed property {property} of {what}"));
    }
    for value in before.enum_values.difference(&after.enum_values) {
        found.push(format!("removed enum value {value} of {what}"));
    }
    if is_request {
        for name in after.required.difference(&before.required) {
            found.push(format!("newly required property {name} of {what}"));
        }
    }
}

#[test]
fn the_document_only_grows_from_the_baseline() {
    let breaking = breaking_changes(&baseline(), &annuaire::openapi::document());
    assert!(
        breaking.is_empty(),
        "changes that break /v1 clients (README: compatibility):\n{}",
        breaking.join("\n")
    );
}

#[test]
fn the_checker_finds_each_kind_of_breaking_change() {
    let document = annuaire::openapi::document();
    assert!(breaking_changes(&document, &document).is_empty());

    let mut edited = document.clone();
    edited["components"]["schemas"]["Organization"]["properties"]
        .as_object_mut()
        .unwrap()
        .remove("slug");
    assert_eq!(
        breaking_changes(&document, &edited),
        ["removed property .slug of schema Organization"]
    );

    let mut edited = document.clone();
    let kinds = edited["components"]["schemas"]["OrganizationKind"]["enum"]
        .as_array_mut()
        .unwrap();
    kinds.retain(|kind| kind != "firm");
    let found = breaking_changes(&document, &edited);
    assert_eq!(
        found,
        ["removed enum value  = \"firm\" of schema OrganizationKind"],
        "{found:?}"
    );

    let mut edited = document.clone();
    edited["paths"].as_object_mut().unwrap().remove("/v1/taxonomy");
    assert_eq!(
        breaking_changes(&document, &edited),
        ["removed path /v1/taxonomy"]
    );

    let mut edited = document.clone();
    let parameters = edited["paths"]["/v1/organizations"]["get"]["parameters"]
        .as_array_mut()
        .unwrap();
    let limit = parameters.iter_mut().find(|p| p["name"] == "limit").unwrap();
    limit["required"] = Value::Bool(true);
    assert_eq!(
        breaking_changes(&document, &edited),
        ["newly required parameter limit of get /v1/organizations"]
    );

    let mut edited = document.clone();
    let required = edited["components"]["schemas"]["OrganizationFields"]["required"]
        .as_array_mut()
        .unwrap();
    required.push(Value::String("city".into()));
    assert_eq!(
        breaking_changes(&document, &edited),
        ["newly required property .city of schema OrganizationFields"]
    );

    // Additions are compatible.
    let mut edited = document.clone();
    edited["components"]["schemas"]["Organization"]["properties"]["new_field"] =
        serde_json::json!({"type": "string"});
    assert!(breaking_changes(&document, &edited).is_empty());
}
