//! The login limits under attack: bursts of parallel attempts, the owner's trusted device, the
//! password change, and client addresses behind proxies.

use reqwest::Method;
use serde_json::{Value, json};

use crate::backend_test;
use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, concurrently};

/// A login's body, with or without a device token.
fn login_body(email: &str, password: &str, device_token: Option<&str>) -> Value {
    match device_token {
        Some(token) => json!({"email": email, "password": password, "device_token": token}),
        None => json!({"email": email, "password": password}),
    }
}

backend_test!(a_burst_of_failures_gets_no_more_checks_than_the_limit, |app| {
    let url = app.url("/v1/auth/login");
    let outcomes = concurrently(200, |i| {
        let (client, url) = (app.client.clone(), url.clone());
        // The right password is somewhere in the burst: past the limit it must not log in.
        let password = if i == 150 {
            ADMIN_PASSWORD
        } else {
            "not the password"
        };
        async move {
            let response = client
                .post(url)
                .json(&login_body(ADMIN_EMAIL, password, None))
                .send()
                .await
                .unwrap();
            (response.status().as_u16(), i)
        }
    })
    .await;
    outcomes.assert_no_server_error();
    let checked = outcomes.count(401) + outcomes.count(200);
    // The owner's success starts the account's window over (its earlier failures were
    // strangers'), so when the right password drew one of the first five reservations, up to
    // five more wrong ones are checked after it.
    let owner_in = outcomes.count(200);
    assert!(
        checked <= 5 + 5 * owner_in,
        "{checked} full checks for a limit of 5: {:?}",
        outcomes.statuses()
    );
    assert!(checked >= 1, "{:?}", outcomes.statuses());
    assert_eq!(checked + outcomes.count(429), 200, "{:?}", outcomes.statuses());
    if owner_in == 1 {
        let logged_in: Vec<&usize> = outcomes.with_status(200).collect();
        assert_eq!(logged_in, [&150]);
    }
});

backend_test!(one_address_trying_many_accounts_gets_the_address_limit, |app| {
    let server = app
        .spawn_server(&["--login-max-failures-per-address", "20"])
        .await;
    let url = server.url("/v1/auth/login");
    let outcomes = concurrently(100, |i| {
        let (client, url) = (app.client.clone(), url.clone());
        async move {
            let body = login_body(&format!("user{i}@annuaire.test"), "not the password", None);
            let response = client.post(url).json(&body).send().await.unwrap();
            (response.status().as_u16(), ())
        }
    })
    .await;
    outcomes.assert_no_server_error();
    assert_eq!(outcomes.count(401), 20, "{:?}", outcomes.statuses());
    assert_eq!(outcomes.count(429), 80, "{:?}", outcomes.statuses());
    server.stop().await;
});

backend_test!(the_owner_with_a_device_token_logs_in_during_an_attack, |app| {
    let tokens = app.tokens(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let device = tokens["device_token"]
        .as_str()
        .expect("a device token")
        .to_owned();
    let (_, other_email, other_password) = app.create_user("curator").await;
    let other = app.tokens(&other_email, &other_password).await;
    // A stranger locks the account out for everyone without a device token.
    for _ in 0..8 {
        app.login(ADMIN_EMAIL, "guessing away").await;
    }
    assert_eq!(app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await.status(), 429);
    let login = |body: Value| async move {
        app.client
            .post(app.url("/v1/auth/login"))
            .json(&body)
            .send()
            .await
            .unwrap()
    };
    let owner = login(login_body(ADMIN_EMAIL, ADMIN_PASSWORD, Some(&device))).await;
    assert_eq!(owner.status(), 200);
    let renewed: Value = owner.json().await.unwrap();
    assert!(renewed["access_token"].is_string() && renewed["device_token"].is_string());

    // A device token is bound to its account and to this API: another account's, or one
    // made up, is no device at all.
    let borrowed = other["device_token"].as_str().unwrap();
    let refused = login(login_body(ADMIN_EMAIL, ADMIN_PASSWORD, Some(borrowed))).await;
    assert_eq!(refused.status(), 429);
    let forged = login(login_body(ADMIN_EMAIL, ADMIN_PASSWORD, Some("e30.AAAA"))).await;
    assert_eq!(forged.status(), 429);

    // The device has a limit of its own: guessing with a stolen device token ends too.
    for _ in 0..5 {
        let guess = login(login_body(ADMIN_EMAIL, "stolen device", Some(&device))).await;
        assert_eq!(guess.status(), 401);
    }
    let after = login(login_body(ADMIN_EMAIL, ADMIN_PASSWORD, Some(&device))).await;
    assert_eq!(after.status(), 429);
});

backend_test!(a_wrong_current_password_counts_as_a_failed_login, |app| {
    let server = app.spawn_server(&["--login-max-failures", "3"]).await;
    let (_, email, password) = app.create_user("curator").await;
    let tokens: Value = app
        .client
        .post(server.url("/v1/auth/login"))
        .json(&login_body(&email, &password, None))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let access = tokens["access_token"].as_str().unwrap().to_owned();
    let change = |current: &'static str| {
        let (client, url, access) = (app.client.clone(), server.url("/v1/me/password"), access.clone());
        async move {
            let body = json!({"current_password": current, "new_password": "a new long passphrase"});
            let response = client
                .put(url)
                .bearer_auth(access)
                .json(&body)
                .send()
                .await
                .unwrap();
            (response.status().as_u16(), ())
        }
    };
    let outcomes = concurrently(30, |_| change("not my password")).await;
    outcomes.assert_no_server_error();
    assert_eq!(outcomes.count(422), 3, "{:?}", outcomes.statuses());
    assert_eq!(outcomes.count(429), 27, "{:?}", outcomes.statuses());
    let login = app
        .client
        .post(server.url("/v1/auth/login"))
        .json(&login_body(&email, &password, None))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 429, "the same limits as logins");
    server.stop().await;
});

backend_test!(forwarded_addresses_count_only_behind_trusted_proxies, |app| {
    let from = |server_url: String, forwarded: &'static str, email: String| {
        let client = app.client.clone();
        async move {
            client
                .post(server_url)
                .header("X-Forwarded-For", forwarded)
                .json(&login_body(&email, "not the password", None))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    let limits = ["--login-max-failures-per-address", "2"];
    // No trusted proxy: the header is anyone's to write, so every client is its TCP peer.
    let direct = app.spawn_server(&limits).await;
    let url = direct.url("/v1/auth/login");
    for (n, forwarded) in ["198.51.100.1", "198.51.100.2"].into_iter().enumerate() {
        assert_eq!(
            from(url.clone(), forwarded, format!("d{n}@annuaire.test")).await,
            401
        );
    }
    assert_eq!(
        from(url.clone(), "198.51.100.3", "d9@annuaire.test".into()).await,
        429
    );
    direct.stop().await;

    // Behind a trusted proxy: each forwarded client has its own count.
    let mut behind = limits.to_vec();
    behind.extend(["--trusted-proxies", "127.0.0.0/8,::1/128"]);
    let proxied = app.spawn_server(&behind).await;
    let url = proxied.url("/v1/auth/login");
    for n in 0..2 {
        assert_eq!(
            from(url.clone(), "198.51.100.1", format!("p{n}@annuaire.test")).await,
            401
        );
    }
    assert_eq!(
        from(url.clone(), "198.51.100.1", "p8@annuaire.test".into()).await,
        429
    );
    assert_eq!(
        from(url.clone(), "198.51.100.2", "p9@annuaire.test".into()).await,
        401
    );
    // A client's own forged hop, left of what the proxy saw, changes nothing.
    let forged = from(
        url.clone(),
        "203.0.113.50, 198.51.100.1",
        "p7@annuaire.test".into(),
    )
    .await;
    assert_eq!(forged, 429);
    proxied.stop().await;
});

backend_test!(responses_carry_the_hardening_headers, |app| {
    let token = app.admin_token().await;
    let read = app
        .authed(Method::GET, "/v1/organizations?limit=1", &token)
        .send()
        .await
        .unwrap();
    assert_eq!(read.headers()["x-content-type-options"], "nosniff");
    assert_eq!(
        read.headers()["content-security-policy"],
        "default-src 'none'; frame-ancestors 'none'"
    );
    assert!(read.headers().get("strict-transport-security").is_none());
    for path in ["/v1/auth/login", "/v1/auth/refresh"] {
        let response = app
            .client
            .post(app.url(path))
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.headers()["cache-control"], "no-store", "{path}");
    }
    let docs = app.get("/docs/").await;
    assert_eq!(docs.status(), 200);
    let policy = docs.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(policy.starts_with("default-src 'self'"), "{policy}");
    assert!(
        !policy.contains("unsafe"),
        "own assets only, nothing inline unless hashed: {policy}"
    );

    let tls = app.spawn_server(&["--hsts"]).await;
    let response = app.client.get(tls.url("/healthz")).send().await.unwrap();
    assert_eq!(
        response.headers()["strict-transport-security"],
        "max-age=31536000; includeSubDomains"
    );
    tls.stop().await;
});

backend_test!(keys_hold_portal_roles_and_never_make_keys, |app| {
    let admin = app.admin_token().await;
    let create = |token: String, body: Value| async move {
        app.authed(Method::POST, "/v1/api-keys", &token)
            .json(&body)
            .send()
            .await
            .unwrap()
    };
    let agency = create(admin.clone(), json!({"label": "Desk tools", "role": "agency"})).await;
    assert_eq!(agency.status(), 201);
    for role in ["admin", "curator"] {
        let refused = create(admin.clone(), json!({"label": "Too strong", "role": role})).await;
        assert_eq!(refused.status(), 422, "{role}");
        let problem: Value = refused.json().await.unwrap();
        assert_eq!(problem["errors"][0]["field"], "role");
    }
    // A staff-role key from before the rule (made here in the database) is refused the key
    // routes with a 403, never a 500, and still cannot make keys.
    let me = app.read_json("/v1/me", &admin).await;
    let secret = "annk_legacyadminkeyfortests0000000000000";
    app.db.execute(&format!(
        "INSERT INTO api_keys (id, prefix, key_hash, label, role, created_by, created_at) \
         VALUES ('legacy-key', 'annk_legacy', '{}', 'Legacy', 'admin', '{}', '2026-01-01 00:00:00')",
        annuaire::auth::secret::digest(secret),
        me["id"].as_str().unwrap()
    ));
    let made = create(secret.to_owned(), json!({"label": "Made by a key"})).await;
    assert_eq!(made.status(), 403);
    let keys = app
        .authed(Method::GET, "/v1/api-keys", secret)
        .send()
        .await
        .unwrap();
    assert_eq!(keys.status(), 200, "an admin key may still read");
});
