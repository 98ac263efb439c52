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

backend_test!(malformed_oversized_and_mistyped_bodies, |app| {
    let login = || app.client.post(app.url("/v1/auth/login"));

    let malformed = login()
        .header("content-type", "application/json")
        .body("{\"email\": ")
        .send()
        .await
        .unwrap();
    assert_problem(malformed, 400).await;

    let trailing = login()
        .header("content-type", "application/json")
        .body(r#"{"email": "a@b.sn", "password": "p"} {}"#)
        .send()
        .await
        .unwrap();
    assert_problem(trailing, 400).await;

    let huge = format!(
        "{{\"email\": \"{}\", \"password\": \"x\"}}",
        "a".repeat(300 * 1024)
    );
    let oversized = login()
        .header("content-type", "application/json")
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_problem(oversized, 413).await;

    let form = login()
        .header("content-type", "application/x-www-form-urlencoded")
        .body("email=a")
        .send()
        .await
        .unwrap();
    assert_problem(form, 415).await;
    let no_type = login().body("{}").send().await.unwrap();
    assert_problem(no_type, 415).await;

    let wrong_shape = login()
        .json(&serde_json::json!({"email": 42, "password": "x"}))
        .send()
        .await
        .unwrap();
    let problem = assert_problem(wrong_shape, 422).await;
    assert_eq!(problem["errors"][0]["field"], "email");
});

backend_test!(bad_query_and_path_parameters_are_400, |app| {
    let token = app.admin_token().await;
    for query in [
        "limit=abc",
        "limit=0",
        "limit=101",
        "cursor=bm90LW91cnM",
        "cursor=%%%",
        "unexpected=1",
    ] {
        let response = app
            .client
            .get(app.url(&format!("/v1/users?{query}")))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        let problem = assert_problem(response, 400).await;
        assert!(!problem["detail"].as_str().unwrap().is_empty(), "{query}");
    }
});
