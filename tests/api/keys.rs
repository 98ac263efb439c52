//! API keys' lifetimes: an end date, and whom a key was made for.

use reqwest::Method;
use serde_json::{Value, json};

use crate::backend_test;
use crate::directory::{create_org, firm};

backend_test!(keys_end_on_their_day_and_with_their_creator, |app| {
    let admin = app.admin_token().await;
    let (other_admin_id, email, password) = app.create_user("admin").await;
    let other_admin = app.tokens(&email, &password).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let create = |token: String, body: Value| async move {
        let response = app
            .authed(Method::POST, "/v1/api-keys", &token)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json::<Value>().await.unwrap())
    };
    let status_of = |key: String| async move {
        app.authed(Method::GET, "/v1/me", &key)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    };

    // An end in the past, or an organization that does not exist, is refused.
    let (status, problem) = create(
        admin.clone(),
        json!({"label": "Late", "expires_at": "2001-01-01T00:00:00Z"}),
    )
    .await;
    assert_eq!(
        (status, &problem["errors"][0]["field"]),
        (422, &json!("expires_at"))
    );
    let (status, problem) = create(
        admin.clone(),
        json!({"label": "Nobody's", "organization_id": "nobody"}),
    )
    .await;
    assert_eq!(
        (status, &problem["errors"][0]["field"]),
        (422, &json!("organization_id"))
    );

    // A key with an end works until it, and not after.
    let (status, dated) = create(
        admin.clone(),
        json!({"label": "Pilot", "expires_at": "2099-01-01T00:00:00Z"}),
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(dated["expires_at"], "2099-01-01T00:00:00Z");
    let dated_key = dated["key"].as_str().unwrap().to_owned();
    assert_eq!(status_of(dated_key.clone()).await, 200);
    app.db.execute(&format!(
        "UPDATE api_keys SET expires_at = '2001-01-01 00:00:00' WHERE id = '{}'",
        dated["id"].as_str().unwrap()
    ));
    assert_eq!(status_of(dated_key).await, 401);

    // One key for the other admin, one for an organization's portal, both made by them.
    let org = create_org(app, &admin, &firm("Portail Teranga")).await;
    let (_, own) = create(other_admin.clone(), json!({"label": "My scripts"})).await;
    let (_, portal) = create(
        other_admin.clone(),
        json!({"label": "Teranga portal", "organization_id": org["slug"]}),
    )
    .await;
    assert_eq!(
        (own["made_for"].as_str(), own["user_id"].as_str()),
        (Some("creator"), Some(other_admin_id.as_str()))
    );
    assert_eq!(portal["made_for"], "organization");
    assert_eq!(
        portal["organization_id"], org["id"],
        "kept by id though named by slug"
    );

    // Deactivating the creator revokes their own key; the portal's goes on.
    let deactivated = app
        .authed(Method::PATCH, &format!("/v1/users/{other_admin_id}"), &admin)
        .json(&json!({"active": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(deactivated.status(), 200);
    assert_eq!(status_of(own["key"].as_str().unwrap().to_owned()).await, 401);
    assert_eq!(status_of(portal["key"].as_str().unwrap().to_owned()).await, 200);
    let listed = app.read_json("/v1/api-keys?limit=100", &admin).await;
    let revoked = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["id"] == own["id"])
        .unwrap();
    assert!(
        revoked["revoked_at"].is_string(),
        "the listing shows it revoked: {revoked}"
    );
});
