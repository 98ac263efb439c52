//! Buyer matching: requests, rankings, saved matches and their outcomes, statistics, and the
//! quality of rankings on a labelled set of firms.

mod desk;
mod fixture;
mod freshness;
mod growth;
mod outcomes;
mod paths;
mod quality;
mod ranking;
mod requests;
mod samples;
mod series;
mod shortlist;
mod shortlist_races;

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::TestApp;

/// A buyer request body with the given criteria.
pub fn buyer_request(criteria: Value) -> Value {
    json!({
        "buyer_name": "Assurances du Midi",
        "buyer_country": "FR",
        "buyer_sector": "Insurance",
        "criteria": criteria,
        "notes": "Met at the Paris fair.\nWants an answer this week."
    })
}

/// Sends `body` with `method` to `path` as `token`; returns the status and the JSON body.
pub async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    body: Option<&Value>,
) -> (u16, Value) {
    let mut request = app.authed(method, path, token);
    if let Some(body) = body {
        request = request.json(body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Records a request as `token`; returns its id.
pub async fn create_request(app: &TestApp, token: &str, criteria: Value) -> String {
    let (status, body) = call(
        app,
        Method::POST,
        "/v1/buyer-requests",
        token,
        Some(&buyer_request(criteria)),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    body["id"].as_str().unwrap().to_owned()
}

/// The ids of a ranking's results, in order.
pub fn ranked_ids(answer: &Value, list: &str) -> Vec<String> {
    answer[list]
        .as_array()
        .unwrap_or_else(|| panic!("no {list} in {answer}"))
        .iter()
        .map(|r| r["organization_id"].as_str().unwrap().to_owned())
        .collect()
}
