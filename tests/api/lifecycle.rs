//! The binary as a process: request ids in its logs, graceful shutdown on SIGTERM and Ctrl-C.

use crate::backend_test;
use crate::helpers::TestProcess;

backend_test!(request_id_is_echoed_and_in_every_log_line, |app| {
    let process = TestProcess::start(&app.db, &[]).await;
    let client = reqwest::Client::new();

    let response = client
        .get(process.url("/readyz"))
        .header("X-Request-Id", "portal-42.a")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-request-id"], "portal-42.a");

    let response = client.get(process.url("/healthz")).send().await.unwrap();
    let generated = response.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert!(uuid::Uuid::parse_str(&generated).is_ok(), "{generated}");

    // An id that could forge log lines is replaced, not echoed.
    let response = client
        .get(process.url("/healthz"))
        .header("X-Request-Id", "a b\"c")
        .send()
        .await
        .unwrap();
    assert_ne!(response.headers()["x-request-id"], "a b\"c");

    process.signal("TERM");
    let (code, lines) = process.wait().await;
    assert_eq!(code, Some(0));
    let of_request: Vec<&String> = lines
        .iter()
        .filter(|l| l.contains("\"path\":\"/readyz\""))
        .collect();
    assert!(!of_request.is_empty());
    for line in of_request {
        assert!(line.contains("\"request_id\":\"portal-42.a\""), "{line}");
    }
});

backend_test!(ctrl_c_stops_gracefully, |app| {
    let process = TestProcess::start(&app.db, &[]).await;
    assert_eq!(reqwest::get(process.url("/healthz")).await.unwrap().status(), 200);
    process.signal("INT");
    let (code, lines) = process.wait().await;
    assert_eq!(code, Some(0));
    assert!(lines.iter().any(|l| l.contains("\"message\":\"stopped\"")));
});
