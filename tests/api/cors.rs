//! Browsers may call the API from the configured origins only, never with a wildcard.

use crate::backend_test;

backend_test!(configured_origins_only, |app| {
    let server = app
        .spawn_server(&["--cors-origins", "https://portal.asepex.sn,https://optic.sn"])
        .await;
    let preflight = |origin: &'static str| {
        app.client
            .request(reqwest::Method::OPTIONS, server.url("/v1/me"))
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "GET")
            .header("Access-Control-Request-Headers", "authorization")
            .send()
    };
    let allowed = preflight("https://portal.asepex.sn").await.unwrap();
    assert!(allowed.status().is_success());
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://portal.asepex.sn"
    );
    assert!(
        allowed
            .headers()
            .get("access-control-allow-credentials")
            .is_none()
    );

    let refused = preflight("https://evil.example").await.unwrap();
    assert!(refused.status().is_client_error());
    assert_eq!(refused.headers()["content-type"], "application/problem+json");
    assert!(refused.headers().get("access-control-allow-origin").is_none());

    let simple = app
        .client
        .get(server.url("/healthz"))
        .header("Origin", "https://optic.sn")
        .send()
        .await
        .unwrap();
    assert_eq!(
        simple.headers()["access-control-allow-origin"],
        "https://optic.sn"
    );
    server.stop().await;

    // None configured: no origin is allowed.
    let plain = app
        .client
        .get(app.url("/healthz"))
        .header("Origin", "https://optic.sn")
        .send()
        .await
        .unwrap();
    assert!(plain.headers().get("access-control-allow-origin").is_none());
});
