use std::time::Duration;

use crate::backend_test;

backend_test!(healthz_answers_without_credentials, |app| {
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ok");
});

backend_test!(readyz_follows_the_database_down_and_back, |app| {
    assert_eq!(app.get("/readyz").await.status(), 200);

    app.expect_server_errors();
    let Some(outage) = app.db.outage() else {
        return; // SQLite: an embedded file cannot go away like a server.
    };
    let response = app.get("/readyz").await;
    assert_eq!(response.status(), 503);
    assert_eq!(response.headers()["content-type"], "application/problem+json");
    let problem: serde_json::Value = response.json().await.unwrap();
    assert_eq!(problem["status"], 503);
    // Liveness does not depend on the database.
    assert_eq!(app.get("/healthz").await.status(), 200);

    drop(outage);
    let mut status = 0;
    for _ in 0..50 {
        status = app.get("/readyz").await.status().as_u16();
        if status == 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(status, 200, "/readyz recovers without a restart");
});

backend_test!(requests_recover_from_a_database_outage_without_a_restart, |app| {
    let token = app.admin_token().await;
    let list = || async {
        app.authed(reqwest::Method::GET, "/v1/organizations?limit=1", &token)
            .send()
            .await
            .unwrap()
    };
    assert_eq!(list().await.status(), 200);

    app.expect_server_errors();
    let Some(outage) = app.db.outage() else {
        return; // SQLite: an embedded file cannot go away like a server.
    };
    let response = list().await;
    assert_eq!(response.status(), 503);
    let problem: serde_json::Value = response.json().await.unwrap();
    assert!(
        !problem["detail"].as_str().unwrap().contains("connection"),
        "{problem}"
    );

    // Requests keep coming, closer together than a connection stays trusted untested: the one
    // that failed must be tested before it is lent again, or it would fail every request.
    drop(outage);
    let mut status = 0;
    for _ in 0..20 {
        status = list().await.status().as_u16();
        if status == 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(status, 200, "the directory answers again without a restart");
    for _ in 0..10 {
        assert_eq!(list().await.status(), 200);
    }
});
