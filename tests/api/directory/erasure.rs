//! Personal data leaves with the contact: its name, email and phone are gone from the history
//! too, which keeps that a contact existed and was removed, by whom and when.

use reqwest::Method;
use serde_json::{Value, json};

use super::{create_org, etag, patch};
use crate::backend_test;

backend_test!(a_deleted_contact_is_erased_from_the_history, |app| {
    let curator = app.token_for("curator").await;
    let org = create_org(
        app,
        &curator,
        &json!({"kind": "firm", "name": "Erasing Firm", "country": "SN"}),
    )
    .await;
    let id = org["id"].as_str().unwrap();
    let person = json!({"name": "Khady Diop", "role_title": "Responsable", "email": "khady.diop@example.sn", "phone": "+221771112233"});
    let response = app
        .authed(
            Method::POST,
            &format!("/v1/organizations/{id}/contacts"),
            &curator,
        )
        .json(&person)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let tag = etag(&response);
    let contact: Value = response.json().await.unwrap();
    let path = format!(
        "/v1/organizations/{id}/contacts/{}",
        contact["id"].as_str().unwrap()
    );
    let changed = patch(app, &curator, &path, &tag, &json!({"phone": "+221774445566"})).await;
    assert_eq!(changed.status(), 200);
    let tag = etag(&changed);
    let history = format!("/v1/organizations/{id}/history?limit=100");
    let before: Value = app.read_json(&history, &curator).await;
    assert!(
        before.to_string().contains("khady.diop@example.sn"),
        "the history holds it while it lives"
    );

    let deleted = app
        .authed(Method::DELETE, &path, &curator)
        .header("If-Match", &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
    let after: Value = app.read_json(&history, &curator).await;
    let text = after.to_string();
    for personal in [
        "Khady",
        "Diop",
        "khady.diop@example.sn",
        "+221771112233",
        "+221774445566",
    ] {
        assert!(
            !text.contains(personal),
            "the history still holds {personal}: {text}"
        );
    }
    let of_contact: Vec<&Value> = after["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["entity_id"] == contact["id"])
        .collect();
    let actions: Vec<&str> = of_contact.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["created", "updated", "deleted"], "the events stay");
    assert!(
        of_contact
            .iter()
            .all(|e| e["actor_id"].is_string() && e["occurred_at"].is_string())
    );
});
