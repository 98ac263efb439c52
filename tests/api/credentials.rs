//! Every credential type on every route: nothing reaches a 5xx, whatever presents itself.

use reqwest::Method;
use serde_json::{Value, json};

use crate::backend_test;
use crate::directory::partner_key;

backend_test!(no_credential_type_gets_a_server_error_on_any_route, |app| {
    let admin = app.admin_token().await;
    let me = app.read_json("/v1/me", &admin).await;
    let agency_key: Value = app
        .authed(Method::POST, "/v1/api-keys", &admin)
        .json(&json!({"label": "Agency tools", "role": "agency"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let revoked: Value = app
        .authed(Method::POST, "/v1/api-keys", &admin)
        .json(&json!({"label": "Revoked"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let revoked_id = revoked["id"].as_str().unwrap();
    app.authed(Method::DELETE, &format!("/v1/api-keys/{revoked_id}"), &admin)
        .send()
        .await
        .unwrap();
    // A staff-role key from before keys were held to portal roles.
    let legacy = "annk_legacyadminkeyforthesweep000000000000";
    app.db.execute(&format!(
        "INSERT INTO api_keys (id, prefix, key_hash, label, role, created_by, created_at) \
         VALUES ('legacy-sweep', 'annk_legacy', '{}', 'Legacy', 'admin', '{}', '2026-01-01 00:00:00')",
        annuaire::auth::secret::digest(legacy),
        me["id"].as_str().unwrap()
    ));
    let credentials: Vec<(&str, Option<String>)> = vec![
        ("none", None),
        ("garbage", Some("not a token at all".into())),
        ("forged JWT", Some("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.".into())),
        (
            "unknown key",
            Some("annk_unknownunknownunknownunknownunknown".into()),
        ),
        ("revoked key", Some(revoked["key"].as_str().unwrap().to_owned())),
        ("partner key", Some(partner_key(app, &admin).await)),
        ("agency key", Some(agency_key["key"].as_str().unwrap().to_owned())),
        ("legacy admin key", Some(legacy.to_owned())),
        ("curator", Some(app.token_for("curator").await)),
        ("agency", Some(app.token_for("agency").await)),
        ("admin", Some(admin.clone())),
    ];

    let document = serde_json::to_value(annuaire::openapi::document()).unwrap();
    let mut operations = Vec::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        // Templated segments get ids that name nothing: refusals, not changes.
        let concrete: String = path
            .split('/')
            .map(|segment| {
                if segment.starts_with('{') {
                    "no-such-record"
                } else {
                    segment
                }
            })
            .collect::<Vec<_>>()
            .join("/");
        for method in item.as_object().unwrap().keys() {
            operations.push((method.to_uppercase(), concrete.clone()));
        }
    }
    assert!(operations.len() > 40, "{} operations", operations.len());
    // Reads first, then writes, so that nothing a write does hides a read's failure.
    operations.sort_by_key(|(method, _)| method != "GET");
    let mut answered = 0;
    for (method, path) in &operations {
        for (name, credential) in &credentials {
            let method = Method::from_bytes(method.as_bytes()).unwrap();
            let mut request = app.client.request(method.clone(), app.url(path));
            if let Some(token) = credential {
                request = request.bearer_auth(token);
            }
            if method != Method::GET && method != Method::DELETE {
                request = request.json(&json!({}));
            }
            let status = request.send().await.unwrap().status();
            assert!(status.as_u16() < 500, "{method} {path} as {name}: {status}");
            answered += 1;
        }
    }
    assert_eq!(answered, operations.len() * credentials.len());
});
