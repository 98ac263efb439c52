//! User administration: creation, validation, listing, role changes.

use reqwest::Method;
use serde_json::{Value, json};

use crate::backend_test;
use crate::helpers::ADMIN_EMAIL;

backend_test!(admins_create_list_and_change_users, |app| {
    let admin = app.admin_token().await;
    let created = app
        .authed(Method::POST, "/v1/users", &admin)
        .json(&json!({"email": "Awa.Ndiaye@ASEPEX.sn", "password": "a long enough passphrase", "role": "agency"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let location = created.headers()["location"].to_str().unwrap().to_owned();
    let user: Value = created.json().await.unwrap();
    assert_eq!(user["email"], "awa.ndiaye@asepex.sn");
    assert!(user.get("password_hash").is_none() && user.get("password").is_none());
    assert_eq!(location, format!("/v1/users/{}", user["id"].as_str().unwrap()));

    let fetched: Value = app
        .authed(Method::GET, &location, &admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(fetched, user);

    let changed = app
        .authed(Method::PATCH, &location, &admin)
        .json(&json!({"role": "curator"}))
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), 200);
    let changed: Value = changed.json().await.unwrap();
    assert_eq!(changed["role"], "curator");

    // Emails are unique whatever their case.
    let duplicate = app
        .authed(Method::POST, "/v1/users", &admin)
        .json(&json!({"email": "AWA.NDIAYE@asepex.sn", "password": "another long passphrase", "role": "partner"}))
        .send()
        .await
        .unwrap();
    assert_eq!(duplicate.status(), 409);
});

backend_test!(user_lists_page_without_gaps, |app| {
    let admin = app.admin_token().await;
    for _ in 0..4 {
        app.create_user("partner").await;
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(cursor) => format!("/v1/users?limit=2&cursor={cursor}"),
            None => "/v1/users?limit=2".to_owned(),
        };
        let page: Value = app
            .authed(Method::GET, &path, &admin)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        seen.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|u| u["email"].as_str().unwrap().to_owned()),
        );
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 5);
    assert_eq!(seen[0], ADMIN_EMAIL);
    let unique: std::collections::BTreeSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), 5, "no user twice across pages: {seen:?}");
});

backend_test!(invalid_users_are_refused_with_every_field_named, |app| {
    let admin = app.admin_token().await;
    let response = app
        .authed(Method::POST, "/v1/users", &admin)
        .json(&json!({"email": "not-an-email", "password": "short", "role": "partner"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let problem: Value = response.json().await.unwrap();
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["email", "password"]);

    for (body, field) in [
        (
            json!({"email": "a@b.sn", "password": "a@b.sn", "role": "partner"}),
            "password",
        ),
        (
            json!({"email": "a@b.sn", "password": "long enough pass", "role": "root"}),
            "role",
        ),
        (
            json!({"email": "a@b.sn", "password": "long enough pass", "role": "partner", "active": false}),
            "active",
        ),
    ] {
        let response = app
            .authed(Method::POST, "/v1/users", &admin)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 422, "{body}");
        let problem: Value = response.json().await.unwrap();
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
    }
    // Nothing was written.
    let users: Value = app
        .authed(Method::GET, "/v1/users", &admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(users["items"].as_array().unwrap().len(), 1);
});

backend_test!(admins_cannot_lock_themselves_out, |app| {
    let admin = app.admin_token().await;
    let me: Value = app
        .authed(Method::GET, "/v1/me", &admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let path = format!("/v1/users/{}", me["id"].as_str().unwrap());
    for change in [json!({"active": false}), json!({"role": "partner"})] {
        let response = app
            .authed(Method::PATCH, &path, &admin)
            .json(&change)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 409, "{change}");
    }
    let missing = app
        .authed(Method::PATCH, "/v1/users/nobody", &admin)
        .json(&json!({"active": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
});
