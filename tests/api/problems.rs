//! Everything the framework rejects comes back as problem+json with the right status.

use crate::backend_test;

async fn assert_problem(response: reqwest::Response, status: u16) -> serde_json::Value {
    assert_eq!(response.status(), status);
    assert_eq!(response.headers()["content-type"], "application/problem+json");
    assert!(response.headers().contains_key("x-request-id"));
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], status);
    assert!(
        body["type"]
            .as_str()
            .unwrap()
            .starts_with("urn:annuaire:problem:")
    );
    assert!(body["title"].is_string() && body["detail"].is_string());
    body
}

backend_test!(unknown_routes_are_404_problems, |app| {
    assert_problem(app.get("/nope").await, 404).await;
    assert_problem(app.get("/healthz/extra").await, 404).await;
    assert_problem(app.get("/docs/no-such-asset.js").await, 404).await;
});

backend_test!(wrong_methods_are_405_with_allow, |app| {
    let response = app.client.delete(app.url("/healthz")).send().await.unwrap();
    assert_eq!(response.headers()["allow"], "GET");
    assert_problem(response, 405).await;
});
