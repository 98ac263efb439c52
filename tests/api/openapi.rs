//! The committed OpenAPI document is the one the code generates, and the one served.

use crate::backend_test;

const REGENERATE: &str = "cargo run --quiet -- openapi > openapi/openapi.json";

fn committed() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json")).unwrap_or_default()
}

/// The comparison the drift test makes, kept apart so that it can be shown to fail.
fn drift(committed: &str, generated: &str) -> Result<(), String> {
    if committed == generated {
        Ok(())
    } else {
        Err(format!(
            "openapi/openapi.json is not what the code generates; regenerate it with `{REGENERATE}`"
        ))
    }
}

#[test]
fn committed_document_matches_the_code() {
    let generated = annuaire::openapi::to_pretty_json(&annuaire::openapi::document());
    if let Err(message) = drift(&committed(), &generated) {
        panic!("{message}");
    }
}

#[test]
fn drift_check_fails_on_a_changed_document() {
    let generated = annuaire::openapi::to_pretty_json(&annuaire::openapi::document());
    let changed = generated.replace("\"title\": \"annuaire\"", "\"title\": \"edited by hand\"");
    assert_ne!(changed, generated);
    let message = drift(&changed, &generated).unwrap_err();
    assert!(message.contains(REGENERATE), "{message}");
}

#[test]
fn document_is_openapi_3_1() {
    let document: serde_json::Value = serde_json::from_str(&committed()).unwrap();
    assert!(document["openapi"].as_str().unwrap().starts_with("3.1"));
}

backend_test!(served_document_and_docs_ui, |app| {
    let served: serde_json::Value = app.get("/openapi.json").await.json().await.unwrap();
    let committed: serde_json::Value = serde_json::from_str(&committed()).unwrap();
    assert_eq!(served, committed);

    let ui = app.get("/docs/").await;
    assert_eq!(ui.status(), 200);
    assert!(ui.text().await.unwrap().contains("swagger-ui"));
    // The UI's assets are served by the binary itself (no CDN).
    let bundle = app.get("/docs/swagger-ui-bundle.js").await;
    assert_eq!(bundle.status(), 200);
    assert_eq!(app.get("/docs").await.headers()["location"], "/docs/");
});

#[test]
fn every_operation_documents_the_errors_it_can_return() {
    let document = annuaire::openapi::document();
    let document = serde_json::to_value(&document).unwrap();
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let responses = operation["responses"].as_object().unwrap();
            let has = |status: &str| responses.contains_key(status);
            assert!(has("500"), "{method} {path}: 500");
            assert!(path == "/healthz" || has("503"), "{method} {path}: 503");
            if operation.get("requestBody").is_some() {
                assert!(
                    has("400") && has("413") && has("415") && has("422"),
                    "{method} {path}: body errors"
                );
            }
            if operation["security"].as_array().is_some_and(|s| !s.is_empty()) {
                assert!(has("401") && has("403"), "{method} {path}: auth errors");
            }
            for (status, response) in responses.iter().filter(|(s, _)| s.as_str() >= "400") {
                assert!(
                    response["content"]["application/problem+json"].is_object(),
                    "{method} {path} {status}"
                );
            }
        }
    }
}

#[test]
fn every_reference_resolves() {
    let document: serde_json::Value =
        serde_json::to_value(annuaire::openapi::document()).expect("the document serialises");
    let mut references = Vec::new();
    collect_references(&document, &mut references);
    assert!(!references.is_empty());
    let dangling: Vec<&String> = references
        .iter()
        .filter(|r| {
            let pointer = r.strip_prefix('#').unwrap_or(r);
            document.pointer(pointer).is_none()
        })
        .collect();
    assert!(
        dangling.is_empty(),
        "references to nothing (generated clients drop their routes): {dangling:?}"
    );
}

fn collect_references(value: &serde_json::Value, into: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            if let Some(serde_json::Value::String(reference)) = map.get("$ref") {
                into.push(reference.clone());
            }
            map.values().for_each(|v| collect_references(v, into));
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_references(v, into)),
        _ => {}
    }
}

/// The schema a response or body names, with one level of `$ref` and of `items` resolved.
fn resolved<'a>(document: &'a serde_json::Value, schema: &'a serde_json::Value) -> &'a serde_json::Value {
    match schema.get("$ref").and_then(|r| r.as_str()) {
        Some(reference) => document.pointer(reference.trim_start_matches('#')).unwrap(),
        None => schema,
    }
}

#[test]
fn no_success_response_forbids_what_the_server_adds() {
    let document = annuaire::openapi::document();
    let mut checked = 0;
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            for (status, response) in operation["responses"].as_object().unwrap() {
                let Some(schema) = response.pointer("/content/application~1json/schema") else {
                    continue;
                };
                let mut schema = resolved(&document, schema);
                if let Some(items) = schema.pointer("/properties/items/items") {
                    schema = resolved(&document, items);
                }
                checked += 1;
                assert!(
                    schema.get("allOf").is_none(),
                    "{method} {path} {status}: allOf left"
                );
                assert_ne!(
                    schema.get("additionalProperties"),
                    Some(&serde_json::Value::Bool(false)),
                    "{method} {path} {status}: a read schema is closed"
                );
            }
        }
    }
    assert!(checked > 50, "{checked}");
}

#[test]
fn every_operation_has_a_summary_and_declares_its_credential() {
    let document = annuaire::openapi::document();
    let public = [
        "/healthz",
        "/readyz",
        "/v1/auth/login",
        "/v1/auth/refresh",
        "/v1/auth/logout",
    ];
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let summary = operation["summary"].as_str().unwrap_or_default();
            assert!(
                !summary.is_empty() && summary.len() <= 120,
                "{method} {path}: summary {summary:?}"
            );
            let security = operation["security"].as_array().expect("security is declared");
            if public.contains(&path.as_str()) {
                assert!(security.is_empty(), "{method} {path} is public");
            }
        }
    }
    assert!(document["servers"].as_array().is_some_and(|s| !s.is_empty()));
}

#[test]
fn merge_patch_bodies_require_nothing() {
    let document = annuaire::openapi::document();
    let patch = &document["components"]["schemas"]["OrganizationPatch"];
    assert!(patch["properties"]["name"].is_object());
    assert!(patch.get("required").is_none());
    let body = &document["paths"]["/v1/organizations/{id}"]["patch"]["requestBody"]["content"];
    assert_eq!(
        body["application/merge-patch+json"]["schema"]["$ref"],
        "#/components/schemas/OrganizationPatch"
    );
}

#[test]
fn sparse_fieldsets_accept_exactly_the_documented_properties() {
    use annuaire::domain::fieldset::{DETAIL_PROPERTIES, ORGANIZATION_PROPERTIES};
    use std::collections::BTreeSet;
    let document = annuaire::openapi::document();
    let names = |schema: &str| -> BTreeSet<String> {
        document["components"]["schemas"][schema]["properties"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect()
    };
    let organization: BTreeSet<String> = ORGANIZATION_PROPERTIES.iter().map(|s| (*s).to_owned()).collect();
    assert_eq!(names("Organization"), organization);
    let detail: BTreeSet<String> = organization
        .iter()
        .cloned()
        .chain(DETAIL_PROPERTIES.iter().map(|s| (*s).to_owned()))
        .collect();
    assert_eq!(names("OrganizationDetail"), detail);
}
