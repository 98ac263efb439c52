//! A process killed with SIGKILL in the middle of concurrent writes loses none it acknowledged.

use reqwest::Method;

use super::own_firm;
use crate::backend_test;
use crate::helpers::{TEST_KID, TEST_SECRET, TestProcess, jwt_key};

const WRITERS: usize = 8;
/// Acknowledged creates after which the process is killed, writers still writing.
const KILL_AFTER: usize = 40;

backend_test!(a_killed_process_loses_no_acknowledged_write, |app| {
    let curator = app.token_for("curator").await;
    let key = jwt_key(TEST_KID, &TEST_SECRET);
    let env = [
        ("ANNUAIRE_JWT_KEYS", key.as_str()),
        ("ANNUAIRE_DEMO_DATA", "never"),
    ];
    let process = TestProcess::start(&app.db, &env).await;
    let (acknowledged, mut received) = tokio::sync::mpsc::unbounded_channel::<String>();
    let mut writers = tokio::task::JoinSet::new();
    for i in 0..WRITERS {
        let (http, url, token, acknowledged) = (
            reqwest::Client::new(),
            process.url("/v1/organizations"),
            curator.clone(),
            acknowledged.clone(),
        );
        writers.spawn(async move {
            // Writes until the process is gone; only a 201 counts as acknowledged.
            for n in 0.. {
                let sent = http
                    .request(Method::POST, &url)
                    .bearer_auth(&token)
                    .json(&own_firm(i, n))
                    .send()
                    .await;
                let Ok(response) = sent else { return };
                if response.status() != 201 {
                    return;
                }
                let Ok(body) = response.json::<serde_json::Value>().await else {
                    return;
                };
                let _ = acknowledged.send(body["id"].as_str().unwrap().to_owned());
            }
        });
    }
    drop(acknowledged);
    let mut ids = Vec::new();
    while ids.len() < KILL_AFTER {
        ids.push(received.recv().await.expect("the writers acknowledge creates"));
    }
    let process = process.restart(&app.db, &env).await;
    while writers.join_next().await.is_some() {}
    while let Ok(id) = received.try_recv() {
        ids.push(id);
    }
    assert!(ids.len() >= KILL_AFTER);
    let client = reqwest::Client::new();
    for id in &ids {
        let response = client
            .get(process.url(&format!("/v1/organizations/{id}")))
            .bearer_auth(&curator)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "acknowledged organization {id} was lost");
    }
    process.signal("TERM");
    let (code, _) = process.wait().await;
    assert_eq!(code, Some(0));
});
