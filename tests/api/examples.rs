//! The document's examples are true: each validates against the schema it illustrates, every
//! body and parameter has one, and the request examples are accepted by the server as written.

use reqwest::Method;
use serde_json::{Value, json};

use crate::backend_test;

fn document() -> Value {
    annuaire::openapi::document()
}

/// Validates `instance` against `schema`, resolving `#/components/…` in `document`.
fn violations(document: &Value, schema: &Value, instance: &Value) -> Vec<String> {
    let mut root = match schema {
        Value::Object(_) => schema.clone(),
        // `true`/`false` schemas and missing ones accept everything here.
        _ => return Vec::new(),
    };
    root["components"] = document["components"].clone();
    let validator = jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&root)
        .unwrap_or_else(|error| panic!("schema {schema} does not compile: {error}"));
    validator
        .iter_errors(instance)
        .map(|error| format!("{} at {}", error, error.instance_path()))
        .collect()
}

/// Examples of schemas nested in `schema` (a page's items, a property), with their schema.
fn nested(schema: &Value, at: &str, found: &mut Vec<(String, Value, Value)>) {
    match schema {
        Value::Object(map) => {
            for (key, child) in map {
                if let Some(example) = child.get("example").filter(|_| child.get("schema").is_none()) {
                    found.push((format!("{at}/{key}"), child.clone(), example.clone()));
                }
                nested(child, &format!("{at}/{key}"), found);
            }
        }
        Value::Array(items) => items.iter().for_each(|child| nested(child, at, found)),
        _ => {}
    }
}

/// Every example in the document with the schema it claims to satisfy, named for the message.
fn examples(document: &Value) -> Vec<(String, Value, Value)> {
    let mut found = Vec::new();
    nested(&document["components"]["schemas"], "components", &mut found);
    for (path, item) in document["paths"].as_object().unwrap() {
        nested(item, path, &mut found);
    }
    for (name, schema) in document["components"]["schemas"].as_object().unwrap() {
        if let Some(example) = schema.get("example") {
            let reference = json!({ "$ref": format!("#/components/schemas/{name}") });
            found.push((format!("schema {name}"), reference, example.clone()));
        }
    }
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let at = format!("{method} {path}");
            for parameter in operation["parameters"].as_array().into_iter().flatten() {
                let example = parameter
                    .get("example")
                    .or_else(|| parameter["schema"].get("example"));
                let example =
                    example.unwrap_or_else(|| panic!("{at}: parameter {} has no example", parameter["name"]));
                found.push((
                    format!("{at} parameter {}", parameter["name"]),
                    parameter["schema"].clone(),
                    example.clone(),
                ));
            }
            let bodies = operation["requestBody"]["content"]
                .as_object()
                .into_iter()
                .flatten();
            let responses =
                operation["responses"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .flat_map(|(status, r)| {
                        r["content"]
                            .as_object()
                            .into_iter()
                            .flatten()
                            .map(move |c| (status.clone(), c))
                    });
            let contents = bodies.map(|c| ("request".to_owned(), c)).chain(responses);
            for (what, (media, content)) in contents {
                let mut given: Vec<Value> = content.get("example").into_iter().cloned().collect();
                for named in content["examples"]
                    .as_object()
                    .into_iter()
                    .flat_map(|e| e.values())
                {
                    let named = match named["$ref"].as_str() {
                        Some(reference) => document.pointer(reference.trim_start_matches('#')).unwrap(),
                        None => named,
                    };
                    given.push(named["value"].clone());
                }
                assert!(!given.is_empty(), "{at}: {what} {media} has no example");
                for example in given {
                    found.push((format!("{at} {what} {media}"), content["schema"].clone(), example));
                }
            }
        }
    }
    found
}

#[test]
fn every_example_satisfies_its_schema() {
    let document = document();
    let examples = examples(&document);
    assert!(examples.len() > 300, "only {} examples", examples.len());
    let failures: Vec<String> = examples
        .iter()
        .flat_map(|(at, schema, example)| {
            violations(&document, schema, example)
                .into_iter()
                .map(move |v| format!("{at}: {v}"))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} invalid examples:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_validation_catches_a_wrong_example() {
    let mut document = document();
    let market = json!({ "$ref": "#/components/schemas/MarketFields" });
    let mut example = example_of(&document, "MarketFields");
    assert_eq!(violations(&document, &market, &example), Vec::<String>::new());
    example["reference_clients"] = json!("four");
    assert_eq!(violations(&document, &market, &example).len(), 1);
    example.as_object_mut().unwrap().remove("kind");
    assert_eq!(violations(&document, &market, &example).len(), 2);
    document["paths"]["/v1/organizations"]["get"]["parameters"][0]
        .as_object_mut()
        .unwrap()
        .remove("example");
    let missing = std::panic::catch_unwind(|| examples(&document));
    assert!(missing.is_err(), "a parameter without an example went unnoticed");
}

fn example_of(document: &Value, schema: &str) -> Value {
    document["components"]["schemas"][schema]["example"].clone()
}

backend_test!(request_examples_are_accepted_as_written, |app| {
    let document = document();
    let curator = app.token_for("curator").await;
    let created = app
        .authed(Method::POST, "/v1/organizations", &curator)
        .json(&example_of(&document, "OrganizationFields"))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201, "{}", created.text().await.unwrap());
    let organization: Value = created.json().await.unwrap();
    let id = organization["id"].as_str().unwrap();
    let read = json!({ "$ref": "#/components/schemas/Organization" });
    assert_eq!(violations(&document, &read, &organization), Vec::<String>::new());
    for (records, schema) in [
        ("capabilities", "CapabilityFields"),
        ("markets", "MarketFields"),
        ("certifications", "CertificationFields"),
        ("contacts", "ContactFields"),
    ] {
        let answer = app
            .authed(
                Method::POST,
                &format!("/v1/organizations/{id}/{records}"),
                &curator,
            )
            .json(&example_of(&document, schema))
            .send()
            .await
            .unwrap();
        assert_eq!(
            answer.status(),
            201,
            "{records}: {}",
            answer.text().await.unwrap()
        );
    }
    let current = app
        .authed(Method::GET, &format!("/v1/organizations/{id}"), &curator)
        .send()
        .await
        .unwrap();
    let etag = current.headers()["etag"].to_str().unwrap().to_owned();
    let patched = app
        .authed(Method::PATCH, &format!("/v1/organizations/{id}"), &curator)
        .header("content-type", "application/merge-patch+json")
        .header("if-match", etag)
        .json(&example_of(&document, "OrganizationPatch"))
        .send()
        .await
        .unwrap();
    assert_eq!(patched.status(), 200, "{}", patched.text().await.unwrap());
    let request = app
        .authed(Method::POST, "/v1/buyer-requests", &app.token_for("agency").await)
        .json(&example_of(&document, "BuyerRequestFields"))
        .send()
        .await
        .unwrap();
    assert_eq!(request.status(), 201, "{}", request.text().await.unwrap());
});
