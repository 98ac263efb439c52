//! Large imports run as jobs: followed while they run, cancelled or killed with nothing
//! written, and sharing the database with other writers meanwhile.

use reqwest::Method;
use serde_json::{Value, json};

use super::*;
use crate::backend_test;
use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, TestProcess, concurrently};

/// The administrator's access token on a server process.
async fn admin_token(client: &reqwest::Client, process: &TestProcess) -> String {
    let login: Value = client
        .post(process.url("/v1/auth/login"))
        .json(&json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    login["access_token"].as_str().unwrap().to_owned()
}

async fn start_job(app_url: &str, client: &reqwest::Client, token: &str, body: Vec<u8>) -> (String, Value) {
    let response = client
        .post(format!("{app_url}/v1/imports?mode=commit&kind=organizations"))
        .bearer_auth(token)
        .header("Content-Type", "text/csv")
        .header("Prefer", "respond-async")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    (location, response.json().await.unwrap())
}

backend_test!(an_import_runs_as_a_job_and_reports_its_progress, |app| {
    let curator = app.token_for("curator").await;
    let (location, queued) = start_job(&app.address, &app.client, &curator, firms_csv(30, 1)).await;
    assert!(["queued", "validating", "writing", "done"].contains(&queued["state"].as_str().unwrap()));
    let done = wait_for_end(app, &curator, &location).await;
    assert_eq!(done["state"], "done", "{done:#}");
    assert_eq!(done["outcome"], "committed");
    assert_eq!(done["progress"]["percent"], 100.0);
    assert_eq!(done["progress"]["rows_written"], 30);
    assert_eq!(done["report"]["summary"]["created"], 30);
    let cancel = app
        .authed(Method::DELETE, &location, &curator)
        .send()
        .await
        .unwrap();
    assert_eq!(cancel.status(), 409, "an import that ended cannot be cancelled");

    // More rows than a request should wait for become a job without being asked.
    let large = expect(
        send(
            app,
            &curator,
            "kind=organizations",
            "text/csv",
            firms_csv(5_001, 100),
        )
        .await,
        202,
    )
    .await;
    let done = wait_for_end(
        app,
        &curator,
        &format!("/v1/imports/{}", large["id"].as_str().unwrap()),
    )
    .await;
    assert_eq!(done["outcome"], "valid", "a dry run by default");
    let listed = app.read_json("/v1/imports?limit=2", &curator).await;
    assert_eq!(listed["items"][0]["id"], large["id"]);
    assert_eq!(listed["items"][0]["mode"], "dry_run");
    assert!(listed["items"][0]["created_by"].is_string());
    let missing = app
        .authed(Method::GET, "/v1/imports/nope", &curator)
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
});

backend_test!(a_cancelled_import_writes_nothing, |app| {
    let curator = app.token_for("curator").await;
    let before = organization_count(app, &curator).await;
    let (location, _) = start_job(&app.address, &app.client, &curator, firms_csv(40_000, 1)).await;
    let cancel = app
        .authed(Method::DELETE, &location, &curator)
        .send()
        .await
        .unwrap();
    assert_eq!(cancel.status(), 200);
    let job = wait_for_end(app, &curator, &location).await;
    assert_eq!(job["state"], "cancelled", "{job:#}");
    assert!(job["message"].as_str().unwrap().contains("nothing was written"));
    assert_eq!(organization_count(app, &curator).await, before);
});

backend_test!(
    an_import_killed_with_the_server_writes_nothing_and_says_so,
    |app| {
        let process = TestProcess::start(&app.db, &[]).await;
        let client = reqwest::Client::new();
        let token = admin_token(&client, &process).await;
        let (location, _) = start_job(&process.address, &client, &token, firms_csv(40_000, 1)).await;
        loop {
            let job: Value = client
                .get(process.url(&location))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            match job["state"].as_str().unwrap() {
                "writing" => break,
                "queued" | "validating" => tokio::time::sleep(std::time::Duration::from_millis(20)).await,
                other => panic!("the import ended ({other}) before it could be killed: {job:#}"),
            }
        }
        let process = process.restart(&app.db, &[]).await;
        let token = admin_token(&client, &process).await;
        let job: Value = client
            .get(process.url(&location))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(job["state"], "failed", "{job:#}");
        assert!(
            job["message"]
                .as_str()
                .unwrap()
                .contains("Interrupted by a restart"),
            "{job:#}"
        );
        let found: Value = client
            .get(process.url("/v1/organizations?q=Import%20Test"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(found["items"], json!([]), "nothing of the killed import is there");
    }
);

backend_test!(other_writers_share_the_database_with_an_import, |app| {
    let curator = app.token_for("curator").await;
    let (location, _) = start_job(&app.address, &app.client, &curator, firms_csv(5_000, 1)).await;
    let writers = concurrently(6, |i| {
        let client = app.client_as(&curator);
        async move {
            let mut statuses = Vec::new();
            for n in 0..5 {
                let body =
                    json!({"kind": "firm", "name": format!("Pendant l'import {i}-{n}"), "country": "SN"});
                let (status, _, _) = client
                    .send(Method::POST, "/v1/organizations", Some(&body), None)
                    .await;
                statuses.push(status);
            }
            (
                if statuses.iter().all(|s| *s == 201 || *s == 503) {
                    201
                } else {
                    500
                },
                statuses,
            )
        }
    })
    .await;
    writers.assert_no_server_error();
    let job = wait_for_end(app, &curator, &location).await;
    assert_eq!(job["outcome"], "committed", "{job:#}");
    app.assert_no_server_errors();
});
