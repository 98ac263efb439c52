//! Arriving and recovering without a mail server: invitations and password resets, each a
//! one-time token that expires.

use reqwest::Method;
use serde_json::{Value, json};

use crate::backend_test;
use crate::helpers::{TestApp, concurrently};

async fn post(app: &TestApp, token: Option<&str>, path: &str, body: Value) -> (u16, Value) {
    let request = match token {
        Some(token) => app.authed(Method::POST, path, token),
        None => app.client.post(app.url(path)),
    };
    let response = request.json(&body).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

backend_test!(an_invitation_is_accepted_once_and_only_while_valid, |app| {
    let admin = app.admin_token().await;
    let invite = |email: &'static str| {
        let admin = admin.clone();
        async move {
            post(
                app,
                Some(&admin),
                "/v1/invitations",
                json!({"email": email, "role": "agency"}),
            )
            .await
        }
    };
    let (status, first) = invite("Fatou.Sall@asepex.sn").await;
    assert_eq!(status, 201, "{first}");
    assert_eq!(
        (first["email"].as_str(), first["role"].as_str()),
        (Some("fatou.sall@asepex.sn"), Some("agency"))
    );
    // A second invitation to the same email replaces the first.
    let (_, second) = invite("fatou.sall@asepex.sn").await;
    let accept = |token: Value, password: &'static str| async move {
        post(
            app,
            None,
            "/v1/invitations/accept",
            json!({"token": token, "password": password}),
        )
        .await
    };
    assert_eq!(
        accept(first["token"].clone(), "a long enough passphrase").await.0,
        401
    );
    // A password the policy refuses leaves the token usable.
    let (status, problem) = accept(second["token"].clone(), "short").await;
    assert_eq!(
        (status, &problem["errors"][0]["field"]),
        (422, &json!("password"))
    );

    // Ten holders of the token at once: one account, the rest refused.
    let url = app.url("/v1/invitations/accept");
    let outcomes = concurrently(10, |_| {
        let (client, url, token) = (app.client.clone(), url.clone(), second["token"].clone());
        async move {
            let body = json!({"token": token, "password": "a long enough passphrase"});
            let response = client.post(url).json(&body).send().await.unwrap();
            (response.status().as_u16(), ())
        }
    })
    .await;
    outcomes.assert_no_server_error();
    assert_eq!(
        (outcomes.count(201), outcomes.count(401)),
        (1, 9),
        "{:?}",
        outcomes.statuses()
    );
    let tokens = app
        .tokens("fatou.sall@asepex.sn", "a long enough passphrase")
        .await;
    let me = app
        .read_json("/v1/me", tokens["access_token"].as_str().unwrap())
        .await;
    assert_eq!(me["role"], "agency");

    // An email with an account cannot be invited; an expired invitation cannot be accepted.
    assert_eq!(invite("fatou.sall@asepex.sn").await.0, 409);
    let (_, late) = invite("late@asepex.sn").await;
    app.db.execute(
        "UPDATE one_time_tokens SET expires_at = '2001-01-01 00:00:00' WHERE email = 'late@asepex.sn'",
    );
    assert_eq!(
        accept(late["token"].clone(), "a long enough passphrase").await.0,
        401
    );

    let issued = app
        .read_json("/v1/security-events?kind=invitation_issued", &admin)
        .await;
    assert_eq!(issued["items"].as_array().unwrap().len(), 3);
    let accepted = app
        .read_json("/v1/security-events?kind=invitation_accepted", &admin)
        .await;
    assert_eq!(accepted["items"][0]["email"], "fatou.sall@asepex.sn");
    let everything = app
        .read_json("/v1/security-events?limit=100", &admin)
        .await
        .to_string();
    assert!(
        !everything.contains(second["token"].as_str().unwrap()),
        "no token in the events"
    );

    // Only admins invite, and the organization must exist.
    let curator = app.token_for("curator").await;
    assert_eq!(
        post(
            app,
            Some(&curator),
            "/v1/invitations",
            json!({"email": "x@y.sn", "role": "partner"})
        )
        .await
        .0,
        403
    );
    let unknown = json!({"email": "x@y.sn", "role": "partner", "organization_id": "nobody"});
    assert_eq!(post(app, Some(&admin), "/v1/invitations", unknown).await.0, 422);
});

backend_test!(a_password_reset_ends_every_session_and_works_once, |app| {
    let admin = app.admin_token().await;
    let (user_id, email, password) = app.create_user("curator").await;
    let before = app.tokens(&email, &password).await;
    let (status, reset) = post(
        app,
        Some(&admin),
        &format!("/v1/users/{user_id}/password-reset"),
        json!(null),
    )
    .await;
    assert_eq!(status, 201, "{reset}");
    assert_eq!(reset["email"], email.as_str());
    assert_eq!(
        post(app, Some(&admin), "/v1/users/nobody/password-reset", json!(null))
            .await
            .0,
        404
    );

    let use_token = |token: Value, new_password: &'static str| async move {
        post(
            app,
            None,
            "/v1/auth/reset-password",
            json!({"token": token, "new_password": new_password}),
        )
        .await
        .0
    };
    assert_eq!(use_token(reset["token"].clone(), "short").await, 422);
    assert_eq!(
        use_token(reset["token"].clone(), "the reset passphrase").await,
        204
    );
    assert_eq!(
        use_token(reset["token"].clone(), "another reset passphrase").await,
        401,
        "once"
    );
    let old_access = app
        .authed(Method::GET, "/v1/me", before["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(old_access.status(), 401, "every session ended");
    let old_refresh = post(
        app,
        None,
        "/v1/auth/refresh",
        json!({"refresh_token": before["refresh_token"]}),
    )
    .await;
    assert_eq!(old_refresh.0, 401);
    assert_eq!(app.login(&email, "the reset passphrase").await.status(), 200);

    // An expired reset does nothing.
    let (_, late) = post(
        app,
        Some(&admin),
        &format!("/v1/users/{user_id}/password-reset"),
        json!(null),
    )
    .await;
    app.db
        .execute("UPDATE one_time_tokens SET expires_at = '2001-01-01 00:00:00' WHERE used_at IS NULL");
    assert_eq!(
        use_token(late["token"].clone(), "too late a passphrase").await,
        401
    );
});

backend_test!(
    the_command_line_prints_a_reset_token_for_a_locked_out_admin,
    |app| {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_annuaire"))
            .args(["user", "reset-password", crate::helpers::ADMIN_EMAIL])
            .env_clear()
            .env("ANNUAIRE_DATABASE_URL", &app.db.url)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        assert!(
            output.status.success(),
            "{}: {stdout}{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        let mut lines = stdout
            .lines()
            .skip_while(|l| !l.starts_with("password-reset token for"));
        let token = lines
            .nth(1)
            .expect("the token after its heading")
            .trim()
            .to_owned();
        let (status, _) = post(
            app,
            None,
            "/v1/auth/reset-password",
            json!({"token": token, "new_password": "a new admin passphrase"}),
        )
        .await;
        assert_eq!(status, 204);
        assert_eq!(
            app.login(crate::helpers::ADMIN_EMAIL, "a new admin passphrase")
                .await
                .status(),
            200
        );
    }
);
