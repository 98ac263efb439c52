//! Access tokens that must be refused (RFC 8725), and key rotation.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use reqwest::Method;
use serde_json::{Value, json};

use crate::backend_test;
use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, TEST_KID, TEST_SECRET, TestApp, jwt_key};

fn sign(kid: Option<&str>, algorithm: Algorithm, claims: &Value, secret: &[u8]) -> String {
    let mut header = Header::new(algorithm);
    header.kid = kid.map(Into::into);
    encode(&header, claims, &EncodingKey::from_secret(secret).unwrap()).unwrap()
}

async fn admin_claims(app: &TestApp) -> Value {
    let me: Value = app
        .authed(Method::GET, "/v1/me", &app.admin_token().await)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let now = chrono::Utc::now().timestamp();
    json!({"sub": me["id"], "iss": "annuaire", "aud": "annuaire-api", "iat": now, "exp": now + 300, "gen": 0})
}

async fn status_with(app: &TestApp, token: &str) -> u16 {
    app.authed(Method::GET, "/v1/me", token)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

backend_test!(forged_and_broken_tokens_are_refused, |app| {
    let claims = admin_claims(app).await;
    let good = sign(Some(TEST_KID), Algorithm::HS256, &claims, &TEST_SECRET);
    assert_eq!(status_with(app, &good).await, 200, "the control token works");

    let with = |changes: Value| {
        let mut claims = claims.clone();
        for (name, value) in changes.as_object().unwrap() {
            if value.is_null() {
                claims.as_object_mut().unwrap().remove(name);
            } else {
                claims[name] = value.clone();
            }
        }
        sign(Some(TEST_KID), Algorithm::HS256, &claims, &TEST_SECRET)
    };
    let now = chrono::Utc::now().timestamp();
    let mut refused = vec![
        ("bad signature", format!("{}x", &good[..good.len() - 1])),
        (
            "wrong key",
            sign(Some(TEST_KID), Algorithm::HS256, &claims, &[9; 32]),
        ),
        (
            "unknown kid",
            sign(Some("other"), Algorithm::HS256, &claims, &TEST_SECRET),
        ),
        ("no kid", sign(None, Algorithm::HS256, &claims, &TEST_SECRET)),
        (
            "HS512",
            sign(Some(TEST_KID), Algorithm::HS512, &claims, &TEST_SECRET),
        ),
        ("expired", with(json!({"exp": now - 3600}))),
        ("nbf in the future", with(json!({"nbf": now + 3600}))),
        ("wrong iss", with(json!({"iss": "somebody-else"}))),
        ("wrong aud", with(json!({"aud": "another-api"}))),
        ("missing exp", with(json!({"exp": null}))),
        ("missing iat", with(json!({"iat": null}))),
        ("old generation", with(json!({"gen": -1}))),
    ];
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    for alg in ["none", "None", "NONE", "nOnE"] {
        let header = URL_SAFE_NO_PAD.encode(json!({"alg": alg, "typ": "JWT", "kid": TEST_KID}).to_string());
        refused.push(("alg none", format!("{header}.{payload}.")));
    }
    for (case, token) in refused {
        let response = app.authed(Method::GET, "/v1/me", &token).send().await.unwrap();
        assert_eq!(response.status(), 401, "{case}");
        assert_eq!(response.headers()["www-authenticate"], "Bearer", "{case}");
    }
});

backend_test!(previous_key_verifies_during_rotation_until_removed, |app| {
    let old_token = app.admin_token().await;
    let new_key = jwt_key("test-k2", &[8; 32]);
    let old_key = jwt_key(TEST_KID, &TEST_SECRET);

    let rotating = app
        .spawn_server(&["--jwt-keys", &format!("{new_key},{old_key}")])
        .await;
    let me = app
        .client
        .get(rotating.url("/v1/me"))
        .bearer_auth(&old_token)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200, "a token of the previous key still works");
    let login = app
        .client
        .post(rotating.url("/v1/auth/login"))
        .json(&json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}))
        .send()
        .await
        .unwrap();
    let new_token: Value = login.json().await.unwrap();
    let new_token = new_token["access_token"].as_str().unwrap().to_owned();
    let header: Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(new_token.split('.').next().unwrap())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(header["kid"], "test-k2", "new tokens are signed with the new key");

    let rotated = app.spawn_server(&["--jwt-keys", &new_key]).await;
    let me = app
        .client
        .get(rotated.url("/v1/me"))
        .bearer_auth(&old_token)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 401, "the removed key no longer verifies");
    let me = app
        .client
        .get(rotated.url("/v1/me"))
        .bearer_auth(&new_token)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);
    rotating.stop().await;
    rotated.stop().await;
});

backend_test!(cursors_issued_before_a_key_rotation_still_page_after_it, |app| {
    let curator = app.token_for("curator").await;
    for n in 0..3 {
        crate::directory::create_org(
            app,
            &curator,
            &json!({"kind": "firm", "name": format!("Paged Firm {n}"), "country": "SN"}),
        )
        .await;
    }
    let first: Value = app.read_json("/v1/organizations?limit=1", &curator).await;
    let cursor = first["next_cursor"].as_str().unwrap().to_owned();
    let new_key = jwt_key("test-k2", &[8; 32]);
    let old_key = jwt_key(TEST_KID, &TEST_SECRET);
    let token = app.tokens(ADMIN_EMAIL, ADMIN_PASSWORD).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    for keys in [format!("{new_key},{old_key}"), new_key.clone()] {
        let server = app.spawn_server(&["--jwt-keys", &keys]).await;
        let token = if keys == new_key {
            let login: Value = app
                .client
                .post(server.url("/v1/auth/login"))
                .json(&json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            login["access_token"].as_str().unwrap().to_owned()
        } else {
            token.clone()
        };
        let page = app
            .client
            .get(server.url(&format!("/v1/organizations?limit=1&cursor={cursor}")))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 200, "the cursor pages with keys {keys}");
        let page: Value = page.json().await.unwrap();
        assert_ne!(page["items"][0]["id"], first["items"][0]["id"]);
        server.stop().await;
    }
});
