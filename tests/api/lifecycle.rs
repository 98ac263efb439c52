//! The binary as a process: request ids in its logs, graceful shutdown on SIGTERM and Ctrl-C.

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::backend_test;
use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, TestProcess};

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

backend_test!(sigterm_lets_in_flight_requests_finish, |app| {
    let process = TestProcess::start(&app.db, &[("ANNUAIRE_LOG", "debug")]).await;
    let address = process.address.trim_start_matches("http://").to_owned();
    let body =
        serde_json::to_vec(&serde_json::json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD})).unwrap();
    // A login whose body is half sent is in flight when the signal arrives.
    let mut stream = TcpStream::connect(&address).await.unwrap();
    let head = format!(
        "POST /v1/auth/login HTTP/1.1\r\nHost: annuaire\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&body[..10]).await.unwrap();
    let login_started = |l: &str| l.contains("request started") && l.contains("\"path\":\"/v1/auth/login\"");
    process.wait_for_line(login_started).await;
    process.signal("TERM");
    process.wait_for_line(|l| l.contains("shutdown requested")).await;
    stream.write_all(&body[10..]).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("\"access_token\""), "{answer}");
    let (code, lines) = process.wait().await;
    assert_eq!(code, Some(0));
    assert!(lines.iter().any(|l| l.contains("shutdown requested")));
});

backend_test!(logs_never_hold_credentials, |app| {
    let password = ADMIN_PASSWORD;
    let process = TestProcess::start(&app.db, &[("ANNUAIRE_LOG", "debug")]).await;
    let client = reqwest::Client::new();
    let login = serde_json::json!({"email": ADMIN_EMAIL, "password": password});
    let tokens: serde_json::Value = client
        .post(process.url("/v1/auth/login"))
        .json(&login)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let access = tokens["access_token"]
        .as_str()
        .unwrap_or_else(|| panic!("{tokens}"));
    let refresh = tokens["refresh_token"].as_str().unwrap();
    client
        .get(process.url("/v1/me"))
        .bearer_auth(access)
        .send()
        .await
        .unwrap();
    client
        .get(process.url("/v1/me"))
        .bearer_auth("forged.token.value")
        .send()
        .await
        .unwrap();
    let wrong = serde_json::json!({"email": ADMIN_EMAIL, "password": "a wrong password guess"});
    client
        .post(process.url("/v1/auth/login"))
        .json(&wrong)
        .send()
        .await
        .unwrap();
    process.signal("TERM");
    let (_, lines) = process.wait().await;
    assert!(lines.len() > 5);
    let log = lines.join("\n");
    for secret in [
        password,
        access,
        refresh,
        "forged.token.value",
        "a wrong password guess",
        "Bearer",
    ] {
        assert!(!log.contains(secret), "the log holds {secret}");
    }
});
