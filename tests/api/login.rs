//! Logging in, refreshing, logging out, and the lockout.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use reqwest::Method;
use serde_json::{Value, json};

use crate::backend_test;
use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD};

backend_test!(login_returns_oauth_tokens_that_open_protected_routes, |app| {
    let response = app.login("Admin@Annuaire.TEST", ADMIN_PASSWORD).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let tokens: Value = response.json().await.unwrap();
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["expires_in"], 900);
    assert!(tokens["refresh_token"].as_str().unwrap().len() >= 40);

    let me = app
        .authed(Method::GET, "/v1/me", tokens["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);
    let me: Value = me.json().await.unwrap();
    assert_eq!(
        (me["role"].as_str(), me["kind"].as_str(), me["email"].as_str()),
        (Some("admin"), Some("user"), Some(ADMIN_EMAIL))
    );
});

backend_test!(unknown_email_and_wrong_password_look_alike, |app| {
    let wrong_password = app.login(ADMIN_EMAIL, "not the admin password").await;
    let unknown_email = app.login("nobody@annuaire.test", "not the admin password").await;
    assert_eq!(wrong_password.status(), 401);
    assert_eq!(unknown_email.status(), 401);
    let a: Value = wrong_password.json().await.unwrap();
    let b: Value = unknown_email.json().await.unwrap();
    assert_eq!(a, b);
});

backend_test!(routes_refuse_missing_and_malformed_credentials, |app| {
    for header in [
        None,
        Some("Basic YWRtaW46YWRtaW4="),
        Some("Bearer"),
        Some("Bearer not.a.jwt"),
    ] {
        let mut request = app.client.get(app.url("/v1/me"));
        if let Some(header) = header {
            request = request.header("Authorization", header);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 401, "{header:?}");
        assert_eq!(response.headers()["www-authenticate"], "Bearer");
        assert_eq!(response.headers()["content-type"], "application/problem+json");
    }
});

backend_test!(refresh_rotates_and_reuse_revokes_the_family, |app| {
    let first = app.tokens(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let refresh = async |token: &Value| {
        app.client
            .post(app.url("/v1/auth/refresh"))
            .json(&json!({"refresh_token": token}))
            .send()
            .await
            .unwrap()
    };
    let second = refresh(&first["refresh_token"]).await;
    assert_eq!(second.status(), 200);
    let second: Value = second.json().await.unwrap();
    assert_ne!(second["refresh_token"], first["refresh_token"]);
    let me = app
        .authed(Method::GET, "/v1/me", second["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);

    // The first token was used: presenting it again is a theft signal.
    assert_eq!(refresh(&first["refresh_token"]).await.status(), 401);
    // ... which ends the whole session, including the token rotated from it, and the access
    // tokens the thief may hold, from the next request on.
    assert_eq!(refresh(&second["refresh_token"]).await.status(), 401);
    for access in [&first["access_token"], &second["access_token"]] {
        let me = app
            .authed(Method::GET, "/v1/me", access.as_str().unwrap())
            .send()
            .await
            .unwrap();
        assert_eq!(me.status(), 401);
    }
    // An access token is not a refresh token.
    assert_eq!(refresh(&second["access_token"]).await.status(), 401);
});

backend_test!(logout_ends_the_session, |app| {
    let tokens = app.tokens(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let body = json!({"refresh_token": tokens["refresh_token"]});
    let logout = app
        .client
        .post(app.url("/v1/auth/logout"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), 204);
    let refresh = app
        .client
        .post(app.url("/v1/auth/refresh"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(refresh.status(), 401);
});

backend_test!(lockout_engages_and_releases, |app| {
    let server = app
        .spawn_server(&["--login-max-failures", "3", "--login-window", "900"])
        .await;
    let login = async |password: &str| {
        app.client
            .post(server.url("/v1/auth/login"))
            .json(&json!({"email": ADMIN_EMAIL, "password": password}))
            .send()
            .await
            .unwrap()
    };
    for _ in 0..3 {
        assert_eq!(login("wrong password!").await.status(), 401);
    }
    // Locked: even the right password is refused until the window ends.
    let locked = login(ADMIN_PASSWORD).await;
    assert_eq!(locked.status(), 429);
    let retry_after: u64 = locked.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=900).contains(&retry_after), "Retry-After {retry_after}");
    let problem: Value = locked.json().await.unwrap();
    assert_eq!(problem["status"], 429);

    // The window ends: its counters started longer ago than the window lasts.
    app.db
        .execute("UPDATE login_throttle SET window_started_at = '2000-01-01 00:00:00'");
    assert_eq!(login(ADMIN_PASSWORD).await.status(), 200);
    server.stop().await;
});

backend_test!(lockout_counts_per_client_address_too, |app| {
    let server = app
        .spawn_server(&["--login-max-failures-per-address", "2", "--login-window", "60"])
        .await;
    for email in ["one@annuaire.test", "two@annuaire.test"] {
        let response = app
            .client
            .post(server.url("/v1/auth/login"))
            .json(&json!({"email": email, "password": "whatever it is"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401);
    }
    let response = app
        .client
        .post(server.url("/v1/auth/login"))
        .json(&json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        429,
        "a third account from the same address is refused"
    );
    server.stop().await;
});

backend_test!(a_burst_of_logins_does_not_stall_reads, |app| {
    // Attempts in flight count against the account's limit until they succeed: room for 20.
    let server = app.spawn_server(&["--login-max-failures", "20"]).await;
    let token = app.admin_token().await;
    let finished = Arc::new(AtomicUsize::new(0));
    let first = Arc::new(tokio::sync::Notify::new());
    let logins: Vec<_> = (0..20)
        .map(|_| {
            let (client, finished, first) = (app.client.clone(), finished.clone(), first.clone());
            let url = server.url("/v1/auth/login");
            tokio::spawn(async move {
                let response = client
                    .post(url)
                    .json(&json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}))
                    .send()
                    .await;
                finished.fetch_add(1, Ordering::SeqCst);
                first.notify_one();
                response
            })
        })
        .collect();
    // Hashing has begun once one login is answered; the other nineteen still wait their turn
    // for the hasher, which leaves the workers free for reads.
    first.notified().await;
    for _ in 0..5 {
        let status = app
            .client
            .get(server.url("/v1/me"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status, 200);
        let done = finished.load(Ordering::SeqCst);
        assert!(
            done < 20,
            "a read waited for the whole burst ({done} logins answered first)"
        );
    }
    for login in logins {
        assert_eq!(login.await.unwrap().unwrap().status(), 200);
    }
    server.stop().await;
});
