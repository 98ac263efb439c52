//! Roles on routes, partner API keys, deactivation and password changes.

use reqwest::Method;
use serde_json::{Value, json};

use crate::backend_test;
use crate::helpers::TestApp;

async fn create_key(app: &TestApp, admin: &str, body: Value) -> Value {
    let response = app
        .authed(Method::POST, "/v1/api-keys", admin)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    assert_eq!(response.headers()["cache-control"], "no-store");
    response.json().await.unwrap()
}

backend_test!(partner_keys_read_but_are_refused_admin_routes, |app| {
    let admin = app.admin_token().await;
    let created = create_key(app, &admin, json!({"label": "ASEPEX portal"})).await;
    let key = created["key"].as_str().unwrap();
    assert!(key.starts_with("annk_"));
    assert_eq!(created["role"], "partner");

    let me: Value = app
        .authed(Method::GET, "/v1/me", key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (me["kind"].as_str(), me["role"].as_str(), me["label"].as_str()),
        (Some("api_key"), Some("partner"), Some("ASEPEX portal"))
    );

    for (method, path) in [
        (Method::GET, "/v1/users"),
        (Method::POST, "/v1/users"),
        (Method::GET, "/v1/api-keys"),
        (Method::POST, "/v1/api-keys"),
        (Method::PATCH, "/v1/users/some-id"),
    ] {
        let response = app
            .authed(method.clone(), path, key)
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403, "{method} {path}");
    }
    // A key has no password to change.
    let response = app
        .authed(Method::PUT, "/v1/me/password", key)
        .json(&json!({"current_password": "x", "new_password": "a new long password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
});

backend_test!(keys_are_listed_without_secrets_and_revoked_at_once, |app| {
    let admin = app.admin_token().await;
    let created = create_key(
        app,
        &admin,
        json!({"label": "OPTIC directory", "role": "partner"}),
    )
    .await;
    let key = created["key"].as_str().unwrap().to_owned();
    assert_eq!(
        app.authed(Method::GET, "/v1/me", &key)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );

    let listing = app
        .authed(Method::GET, "/v1/api-keys", &admin)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!listing.contains(&key), "the secret is never listed");
    let listing: Value = serde_json::from_str(&listing).unwrap();
    let listed = &listing["items"][0];
    assert_eq!(listed["prefix"], key[..11]);
    assert!(listed["last_used_at"].is_string(), "use is recorded");
    assert!(listed.get("key").is_none() && listed.get("key_hash").is_none());

    let id = created["id"].as_str().unwrap();
    let revoke = app
        .authed(Method::DELETE, &format!("/v1/api-keys/{id}"), &admin)
        .send()
        .await
        .unwrap();
    assert_eq!(revoke.status(), 204);
    let refused = app.authed(Method::GET, "/v1/me", &key).send().await.unwrap();
    assert_eq!(refused.status(), 401, "revocation is effective immediately");
    let missing = app
        .authed(Method::DELETE, "/v1/api-keys/no-such-key", &admin)
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
});

backend_test!(key_with_a_bad_label_is_refused, |app| {
    let admin = app.admin_token().await;
    let response = app
        .authed(Method::POST, "/v1/api-keys", &admin)
        .json(&json!({"label": "", "organization_id": "nobody"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let problem: Value = response.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "label");
});

backend_test!(deactivation_ends_access, |app| {
    let admin = app.admin_token().await;
    let (id, email, password) = app.create_user("curator").await;
    let tokens = app.tokens(&email, &password).await;
    let access = tokens["access_token"].as_str().unwrap();
    assert_eq!(
        app.authed(Method::GET, "/v1/me", access)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );

    let response = app
        .authed(Method::PATCH, &format!("/v1/users/{id}"), &admin)
        .json(&json!({"active": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let user: Value = response.json().await.unwrap();
    assert_eq!(user["active"], false);

    assert_eq!(
        app.authed(Method::GET, "/v1/me", access)
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    let refresh = app
        .client
        .post(app.url("/v1/auth/refresh"))
        .json(&json!({"refresh_token": tokens["refresh_token"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(refresh.status(), 401);
    assert_eq!(app.login(&email, &password).await.status(), 401);
});

backend_test!(password_change_ends_sessions, |app| {
    let (_, email, password) = app.create_user("agency").await;
    let tokens = app.tokens(&email, &password).await;
    let access = tokens["access_token"].as_str().unwrap();

    let change = async |current: &str, new: &str| {
        app.authed(Method::PUT, "/v1/me/password", access)
            .json(&json!({"current_password": current, "new_password": new}))
            .send()
            .await
            .unwrap()
    };
    let wrong = change("not my password", "a brand new passphrase").await;
    assert_eq!(wrong.status(), 422);
    let short = change(&password, "short").await;
    assert_eq!(short.status(), 422);
    let problem: Value = short.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "new_password");

    assert_eq!(change(&password, "a brand new passphrase").await.status(), 204);
    assert_eq!(
        app.authed(Method::GET, "/v1/me", access)
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    assert_eq!(app.login(&email, &password).await.status(), 401);
    assert_eq!(app.login(&email, "a brand new passphrase").await.status(), 200);
});

backend_test!(roles_other_than_admin_cannot_manage_users, |app| {
    for role in ["curator", "agency", "partner"] {
        let token = app.token_for(role).await;
        assert_eq!(
            app.authed(Method::GET, "/v1/users", &token)
                .send()
                .await
                .unwrap()
                .status(),
            403,
            "{role}"
        );
        let me: Value = app
            .authed(Method::GET, "/v1/me", &token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(me["role"], role);
    }
});
