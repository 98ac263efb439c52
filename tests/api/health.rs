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
