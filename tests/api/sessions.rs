//! How long a login lasts: refreshing renews its tokens, never the login itself.

use serde_json::{Value, json};

use crate::backend_test;
use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD};

backend_test!(refreshing_never_extends_a_login_past_its_maximum_age, |app| {
    let server = app.spawn_server(&["--session-max-age", "3600"]).await;
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
    let refresh = async |token: &Value| {
        app.client
            .post(server.url("/v1/auth/refresh"))
            .json(&json!({"refresh_token": token}))
            .send()
            .await
            .unwrap()
    };
    let renewed = refresh(&login["refresh_token"]).await;
    assert_eq!(renewed.status(), 200);
    let renewed: Value = renewed.json().await.unwrap();

    // The login is 59 minutes old: one more refresh, whose token lasts only to the hour.
    app.db.execute(&format!(
        "UPDATE sessions SET created_at = {}",
        minutes_ago_sql(&app.db.url, 59)
    ));
    let last = refresh(&renewed["refresh_token"]).await;
    assert_eq!(last.status(), 200);
    let last: Value = last.json().await.unwrap();

    // Past the hour, the newest refresh token is refused though its own lifetime is 30 days.
    app.db.execute(&format!(
        "UPDATE sessions SET created_at = {}",
        minutes_ago_sql(&app.db.url, 61)
    ));
    assert_eq!(refresh(&last["refresh_token"]).await.status(), 401);
    server.stop().await;
});

/// The SQL for "`minutes` ago" in the backend's own dialect, as stored timestamps compare.
fn minutes_ago_sql(url: &str, minutes: u32) -> String {
    if url.starts_with("postgres") {
        format!("(now() AT TIME ZONE 'UTC') - INTERVAL '{minutes} minutes'")
    } else {
        format!("strftime('%Y-%m-%d %H:%M:%f', 'now', '-{minutes} minutes')")
    }
}
