//! Security events: each kind written where it happens, readable by admins only, and never
//! holding a secret.

use reqwest::Method;
use serde_json::{Value, json};

use crate::backend_test;
use crate::helpers::{ADMIN_PASSWORD, TestApp};

/// Every event of a query, following the cursors.
async fn events(app: &TestApp, admin: &str, query: &str) -> Vec<Value> {
    let (mut all, mut cursor) = (Vec::new(), None::<String>);
    loop {
        let path = match &cursor {
            Some(cursor) => format!("/v1/security-events?limit=2&{query}&cursor={cursor}"),
            None => format!("/v1/security-events?limit=2&{query}"),
        };
        let page = app.read_json(&path, admin).await;
        all.extend(page["items"].as_array().unwrap().iter().cloned());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return all,
        }
    }
}

fn kinds(events: &[Value]) -> Vec<&str> {
    events.iter().map(|e| e["kind"].as_str().unwrap()).collect()
}

backend_test!(
    every_kind_is_recorded_where_it_happens_and_holds_no_secret,
    |app| {
        let server = app.spawn_server(&["--login-max-failures", "2"]).await;
        let post = |path: &'static str, body: Value| {
            let (client, url) = (app.client.clone(), server.url(path));
            async move { client.post(url).json(&body).send().await.unwrap() }
        };
        let admin = app.admin_token().await;
        let (user_id, email, password) = app.create_user("curator").await;

        assert_eq!(
            post(
                "/v1/auth/login",
                json!({"email": "nobody@annuaire.test", "password": "whatever it is"})
            )
            .await
            .status(),
            401
        );
        assert_eq!(
            post(
                "/v1/auth/login",
                json!({"email": email, "password": "not the password"})
            )
            .await
            .status(),
            401
        );
        let tokens: Value = post("/v1/auth/login", json!({"email": email, "password": password}))
            .await
            .json()
            .await
            .unwrap();
        let access = tokens["access_token"].as_str().unwrap().to_owned();
        let refresh = tokens["refresh_token"].as_str().unwrap().to_owned();

        let change = |current: &'static str| {
            let (client, url, access) = (app.client.clone(), server.url("/v1/me/password"), access.clone());
            async move {
                let body = json!({"current_password": current, "new_password": "a brand new passphrase"});
                client
                    .put(url)
                    .bearer_auth(access)
                    .json(&body)
                    .send()
                    .await
                    .unwrap()
                    .status()
            }
        };
        assert_eq!(change("not my password").await, 422);

        // A refresh token used twice: the second use is a theft signal.
        assert_eq!(
            post("/v1/auth/refresh", json!({"refresh_token": refresh}))
                .await
                .status(),
            200
        );
        assert_eq!(
            post("/v1/auth/refresh", json!({"refresh_token": refresh}))
                .await
                .status(),
            401
        );

        // The second failure since the login reaches the limit: the next attempt is refused
        // unchecked, though its password is right.
        let wrong = post(
            "/v1/auth/login",
            json!({"email": email, "password": "still not it"}),
        )
        .await;
        assert_eq!(wrong.status(), 401);
        let right = post("/v1/auth/login", json!({"email": email, "password": password})).await;
        assert_eq!(right.status(), 429);

        let patch = |body: Value| {
            let path = format!("/v1/users/{user_id}");
            let admin = admin.clone();
            async move {
                app.authed(Method::PATCH, &path, &admin)
                    .json(&body)
                    .send()
                    .await
                    .unwrap()
                    .status()
            }
        };
        assert_eq!(patch(json!({"role": "agency"})).await, 200);
        assert_eq!(patch(json!({"role": "agency"})).await, 200, "no change, no event");
        let key: Value = app
            .authed(Method::POST, "/v1/api-keys", &admin)
            .json(&json!({"label": "Events portal"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let revoked = app
            .authed(
                Method::DELETE,
                &format!("/v1/api-keys/{}", key["id"].as_str().unwrap()),
                &admin,
            )
            .send()
            .await
            .unwrap();
        assert_eq!(revoked.status(), 204);
        assert_eq!(patch(json!({"active": false})).await, 200);

        let mine = events(app, &admin, &format!("user_id={user_id}")).await;
        let expected = vec![
            "active_changed",
            "role_changed",
            "login_throttled",
            "login_failed",
            "session_reused",
            "login_failed",
            "login_succeeded",
            "login_failed",
        ];
        assert_eq!(kinds(&mine), expected, "newest first: {mine:#?}");
        let detail = |kind: &str| -> Vec<&str> {
            mine.iter()
                .filter(|e| e["kind"] == kind)
                .map(|e| e["detail"].as_str().unwrap_or_default())
                .collect()
        };
        assert_eq!(
            detail("login_failed"),
            ["wrong_password", "wrong_current_password", "wrong_password"]
        );
        assert_eq!(detail("role_changed"), ["role: agency"]);
        assert_eq!(detail("active_changed"), ["active: false"]);
        for event in &mine {
            assert_eq!(event["address"], "127.0.0.1", "{event}");
        }
        let me = app.read_json("/v1/me", &admin).await;
        assert_eq!(mine[0]["actor_id"], me["id"], "the admin who acted");

        let unknown = events(app, &admin, "kind=login_failed").await;
        assert!(
            unknown
                .iter()
                .any(|e| e["email"] == "nobody@annuaire.test" && e["detail"] == "unknown_account")
        );
        assert!(unknown.iter().all(|e| e["kind"] == "login_failed"));
        let keys = events(app, &admin, "address=127.0.0.1").await;
        let key_events: Vec<&str> = kinds(&keys)
            .into_iter()
            .filter(|k| k.starts_with("key_"))
            .collect();
        assert_eq!(key_events, ["key_revoked", "key_created"]);
        assert!(events(app, &admin, "since=2999-01-01T00:00:00Z").await.is_empty());

        // Nothing secret, anywhere in the events.
        let everything = serde_json::to_string(&events(app, &admin, "").await).unwrap();
        for secret in [
            password.as_str(),
            "not the password",
            "not my password",
            "still not it",
            ADMIN_PASSWORD,
            &refresh,
            &access,
        ] {
            assert!(!everything.contains(secret), "a secret in the events");
        }
        assert!(!everything.contains(key["key"].as_str().unwrap()));

        // Admins only, and bad filters are 400s.
        let curator = app.token_for("curator").await;
        let refused = app
            .authed(Method::GET, "/v1/security-events", &curator)
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), 403);
        for bad in ["kind=login", "since=yesterday", "limit=0", "colour=red"] {
            let response = app
                .authed(Method::GET, &format!("/v1/security-events?{bad}"), &admin)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 400, "{bad}");
        }
        server.stop().await;
    }
);
