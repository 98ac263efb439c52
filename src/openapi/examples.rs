//! An example on every request body, response body and parameter, for a newcomer reading the
//! document and for generated clients' docs. Bodies are built from the component schemas' own
//! examples (the write schemas carry hand-written ones, and a flattened read schema starts from
//! its write part's), so a read schema shows the same firm with its identifiers; problem bodies
//! come from the error type itself. `tests/api/openapi.rs` validates each against its schema.

use actix_web::http::StatusCode;
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};

use crate::error::{ApiError, FieldError};

const SCHEMAS: &str = "#/components/schemas/";
const AN_ID: &str = "0193a0a4-7b1e-7c35-9c8e-3f1a2b4c5d6e";

/// Completes every component schema's example, then gives each operation's parameters, bodies
/// and responses one where they have none.
pub fn apply(document: &mut Value) {
    let components = document["components"]["schemas"].clone();
    let mut builder = Builder {
        components: components.as_object().cloned().unwrap_or_default(),
        done: BTreeMap::new(),
        building: BTreeSet::new(),
    };
    let names: Vec<String> = builder.components.keys().cloned().collect();
    for name in &names {
        let example = builder.component(name);
        let schema = &mut document["components"]["schemas"][name];
        if schema.get("type") == Some(&json!("object")) || schema.get("example").is_some() {
            schema["example"] = example;
        }
    }
    complete_inline(document, &mut builder);
    let mut shared = Map::new();
    for item in document["paths"]
        .as_object_mut()
        .into_iter()
        .flat_map(|p| p.values_mut())
    {
        for operation in item.as_object_mut().into_iter().flat_map(|o| o.values_mut()) {
            operation_examples(operation, &mut builder, &mut shared);
        }
    }
    document["components"]["examples"] = Value::Object(shared);
}

/// Inline schemas (a page's items, flattened) carry their write part's partial example too.
fn complete_inline(value: &mut Value, builder: &mut Builder) {
    match value {
        Value::Object(map) => {
            if map.contains_key("properties") && map.get("example").is_some_and(Value::is_object) {
                let schema = Value::Object(map.clone());
                map.insert("example".into(), builder.instance(&schema, ""));
            }
            map.values_mut().for_each(|v| complete_inline(v, builder));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| complete_inline(v, builder)),
        _ => {}
    }
}

fn operation_examples(
    operation: &mut Value,
    builder: &mut Builder,
    document_examples: &mut Map<String, Value>,
) {
    // `get_mut`, not indexing: indexing a missing key would insert a `null` member.
    let parameters = operation.get_mut("parameters").and_then(Value::as_array_mut);
    for parameter in parameters.into_iter().flatten() {
        if parameter.get("example").is_some() || parameter["schema"].get("example").is_some() {
            continue;
        }
        let name = parameter["name"].as_str().unwrap_or_default();
        parameter["example"] = match name {
            "If-Match" | "If-None-Match" => json!("\"3\""),
            "cursor" => json!("eyJrIjpbIjIwMjYtMTEtMzBUMDg6MDU6MDlaIl19"),
            _ => builder.instance(&parameter["schema"], name),
        };
    }
    let bodies = operation
        .pointer_mut("/requestBody/content")
        .and_then(Value::as_object_mut);
    for content in bodies.into_iter().flat_map(|c| c.values_mut()) {
        body_example(content, builder);
    }
    let responses = operation.get_mut("responses").and_then(Value::as_object_mut);
    for (status, response) in responses.into_iter().flatten() {
        let problem = status.as_str() >= "400";
        let contents = response.get_mut("content").and_then(Value::as_object_mut);
        for (media, content) in contents.into_iter().flatten() {
            if problem {
                // Six hundred error responses share a dozen bodies: by reference, not copied.
                let name = format!("Problem{status}");
                document_examples.entry(name.clone()).or_insert_with(
                    || json!({ "summary": format!("A {status} problem"), "value": problem_example(status) }),
                );
                content["examples"] = json!({ status: { "$ref": format!("#/components/examples/{name}") } });
            } else if media == "application/x-ndjson" {
                let line = builder.component("Organization").to_string();
                content["example"] = json!(format!("{line}\n"));
            } else {
                body_example(content, builder);
            }
        }
    }
}

fn body_example(content: &mut Value, builder: &mut Builder) {
    if content.get("example").is_none() && content.get("examples").is_none() {
        content["example"] = builder.instance(&content["schema"], "");
    }
}

/// The body the server sends with this status, made by the error type that renders it.
fn problem_example(status: &str) -> Value {
    let error = match status {
        "400" => ApiError::BadRequest("`limit` must be an integer from 1 to 100.".into()),
        "401" => ApiError::Unauthorized("The access token has expired.".into()),
        "403" => ApiError::Forbidden,
        "404" => ApiError::NotFound,
        "405" => ApiError::MethodNotAllowed(Vec::new()),
        "409" => ApiError::Conflict("Another organization has this registry identifier.".into()),
        "412" => ApiError::PreconditionFailed,
        "413" => ApiError::PayloadTooLarge(262_144),
        "415" => ApiError::UnsupportedMediaType("Send `application/json`.".into()),
        "422" => ApiError::Validation(vec![FieldError {
            field: "name.fr".into(),
            message: "must not be empty".into(),
        }]),
        "428" => ApiError::PreconditionRequired,
        "429" => ApiError::TooManyRequests(30),
        "503" => ApiError::Unavailable("example".into()),
        "500" => ApiError::Internal("example".into()),
        // A status no handler of this API produces keeps its own canonical problem.
        other => {
            let code = other.parse().ok().and_then(|c| StatusCode::from_u16(c).ok());
            let problem = crate::error::Problem::new(
                code.unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                "The request could not be served.",
            );
            return serde_json::to_value(problem).expect("a problem serialises");
        }
    };
    serde_json::to_value(error.problem()).expect("a problem serialises")
}

/// Builds instances of schemas, one memoised example per component.
struct Builder {
    components: Map<String, Value>,
    done: BTreeMap<String, Value>,
    building: BTreeSet<String>,
}

impl Builder {
    fn component(&mut self, name: &str) -> Value {
        if let Some(example) = self.done.get(name) {
            return example.clone();
        }
        let Some(schema) = self.components.get(name).cloned() else {
            return Value::Null;
        };
        self.building.insert(name.to_owned());
        let example = self.instance(&schema, name);
        self.building.remove(name);
        self.done.insert(name.to_owned(), example.clone());
        example
    }

    /// An instance of `schema`; `name` (a property's or parameter's) picks a telling string.
    fn instance(&mut self, schema: &Value, name: &str) -> Value {
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            return self.component(reference.trim_start_matches(SCHEMAS));
        }
        let given = schema.get("example").cloned();
        if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
            // A hand-written example may name only some properties (a read schema's starts from
            // its write part's): the rest are filled in.
            let mut object = match given {
                Some(Value::Object(object)) => object,
                Some(other) => return other,
                None => Map::new(),
            };
            for (property, subschema) in properties {
                if object.contains_key(property) || self.cyclic(subschema) {
                    continue;
                }
                object.insert(property.clone(), self.instance(subschema, property));
            }
            return Value::Object(object);
        }
        if let Some(given) = given {
            return given;
        }
        for combinator in ["oneOf", "anyOf"] {
            if let Some(branches) = schema.get(combinator).and_then(Value::as_array) {
                let branch = branches.iter().find(|b| b.get("type") != Some(&json!("null")));
                return branch.map_or(Value::Null, |b| self.instance(b, name));
            }
        }
        if let Some(value) = schema
            .get("enum")
            .and_then(Value::as_array)
            .and_then(|e| e.iter().find(|v| !v.is_null()))
        {
            return value.clone();
        }
        if let Some(value) = schema.get("const") {
            return value.clone();
        }
        match type_of(schema) {
            "string" => string_instance(schema, name),
            "integer" | "number" => {
                let minimum = schema.get("minimum").and_then(Value::as_i64).unwrap_or(1);
                let maximum = schema.get("maximum").and_then(Value::as_i64).unwrap_or(i64::MAX);
                json!(minimum.max(1).min(maximum))
            }
            "boolean" => json!(false),
            "array" => {
                let items = schema.get("items").cloned().unwrap_or(json!({}));
                let one = self.instance(&items, name);
                let count = schema.get("minItems").and_then(Value::as_u64).unwrap_or(1).max(1);
                Value::Array(vec![one; usize::try_from(count).unwrap_or(1)])
            }
            "object" => match schema.get("additionalProperties") {
                Some(values) if values.is_object() => json!({ "bpo": self.instance(values, name) }),
                _ => json!({}),
            },
            _ => Value::Null,
        }
    }

    /// A property that refers back to a component still being built (directly or through an
    /// array) is left out of the example rather than expanded for ever.
    fn cyclic(&self, schema: &Value) -> bool {
        let target = schema.get("$ref").or_else(|| schema.pointer("/items/$ref"));
        target
            .and_then(Value::as_str)
            .is_some_and(|r| self.building.contains(r.trim_start_matches(SCHEMAS)))
    }
}

/// The first non-null type of a schema whose `type` may be a list (`["string", "null"]`).
fn type_of(schema: &Value) -> &str {
    match schema.get("type") {
        Some(Value::String(kind)) => kind,
        Some(Value::Array(kinds)) => kinds
            .iter()
            .filter_map(Value::as_str)
            .find(|k| *k != "null")
            .unwrap_or(""),
        _ => "",
    }
}

fn string_instance(schema: &Value, name: &str) -> Value {
    let text = match schema.get("format").and_then(Value::as_str) {
        Some("date-time") => "2026-11-30T08:05:09Z",
        Some("date") => "2026-09-30",
        Some("uuid") => AN_ID,
        Some("email") => "contact@example.sn",
        Some("uri") => "https://example.sn",
        _ => match name {
            "slug" => "exemple-tele-services",
            "country" | "buyer_country" => "SN",
            "region" => "Dakar",
            "email" => "contact@example.sn",
            "password" | "new_password" | "current_password" => "correct horse battery staple",
            "next_cursor" | "cursor" => "eyJrIjpbIjIwMjYtMTEtMzBUMDg6MDU6MDlaIl19",
            "legal_name" => "Exemple Télé-Services SA",
            "internal_notes" | "note" | "detail" => "Vérifié par téléphone le 12 novembre.",
            "fr" => "Centre de contacts francophone à Dakar.",
            "en" => "French-speaking contact centre in Dakar.",
            "address" => "203.0.113.7",
            "label" => "Portail ASEPEX",
            name if name == "id" || name.ends_with("_id") || name.ends_with("_by") => AN_ID,
            name if name == "token" || name.ends_with("_token") => {
                "q3Jx8f0mS0b2xQwH1pD9u7yVZk4aE6nL2tR5sW8cB1o"
            }
            _ => "texte",
        },
    };
    json!(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partial_example_is_completed_from_the_schema() {
        let mut builder = Builder {
            components: json!({
                "X": { "type": "object", "example": { "name": "Ex" }, "properties": {
                    "name": { "type": "string" }, "id": { "type": "string", "format": "uuid" },
                    "count": { "type": "integer", "minimum": 3 },
                    "children": { "type": "array", "items": { "$ref": "#/components/schemas/X" } } } }
            })
            .as_object()
            .cloned()
            .unwrap(),
            done: BTreeMap::new(),
            building: BTreeSet::new(),
        };
        let example = builder.component("X");
        assert_eq!(example, json!({ "name": "Ex", "id": AN_ID, "count": 3 }));
    }

    #[test]
    fn problem_examples_carry_their_own_status() {
        for status in [
            "400", "401", "403", "404", "409", "412", "422", "428", "429", "500", "503",
        ] {
            assert_eq!(
                problem_example(status)["status"],
                json!(status.parse::<u16>().unwrap())
            );
        }
        assert_eq!(problem_example("422")["errors"][0]["field"], json!("name.fr"));
    }
}
