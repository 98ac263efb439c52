//! The directory: organizations, their records, visibility, concurrency and history.

mod claims;
mod duplicates;
mod erasure;
mod etags;
mod identity;
mod include;
mod lifecycle;
mod lookups;
mod merges;
mod organizations;
mod proposals;
mod records;
mod reference;
mod representatives;
mod reviews;
mod validity;
mod verification;
mod visibility;

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::TestApp;

/// A valid new firm.
/// A firm's create body. Its website, email and phone are its own (drawn from its name), so
/// that firms of different names are not taken for duplicates.
pub fn firm(name: &str) -> Value {
    let host: String = name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    let digits = name
        .bytes()
        .fold(7u64, |acc, b| (acc * 31 + u64::from(b)) % 10_000_000);
    json!({
        "kind": "firm",
        "name": name,
        "acronym": "TST",
        "description": {"fr": "Centre de contacts à Dakar.", "en": "Contact centre in Dakar."},
        "country": "SN",
        "city": "Dakar",
        "website": format!("https://{host}.example.sn"),
        "email": format!("contact@{host}.example.sn"),
        "phone": format!("+22133{digits:07}"),
        "founded_year": 2012,
        "employees": 180,
        "registry_ids": [{"scheme": "ninea", "value": "004567890 2G3"}],
        "internal_notes": "Met at the July 2018 consultation."
    })
}

/// Every organization of a list query (with its filters, sort and limit), page after page.
pub async fn every_organization(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    let mut all = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("/v1/organizations?{query}");
        if let Some(cursor) = &cursor {
            path.push_str(&format!("&cursor={cursor}"));
        }
        let response = app.authed(Method::GET, &path, token).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        let mut page: Value = response.json().await.unwrap();
        all.append(page["items"].as_array_mut().unwrap());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return all,
        }
    }
}

/// Creates an organization as `token`; returns its body. Tests name firms alike on purpose
/// (lookups, relevance tiers), so this one allows duplicates: `directory::duplicates` tests
/// the refusal.
pub async fn create_org(app: &TestApp, token: &str, body: &Value) -> Value {
    let response = app
        .authed(Method::POST, "/v1/organizations?allow_duplicate=true", token)
        .json(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    response.json().await.unwrap()
}

/// A POST of `body` to `path` as `token`: the status and the JSON answered (null if none).
pub async fn post(app: &TestApp, token: &str, path: &str, body: &Value) -> (u16, Value) {
    let response = app
        .authed(Method::POST, path, token)
        .json(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// The facet counts of a query, as `token` sees them.
pub async fn facets(app: &TestApp, token: &str, query: &str) -> Value {
    let path = format!("/v1/organizations/facets?{query}");
    let response = app.authed(Method::GET, &path, token).send().await.unwrap();
    assert_eq!(response.status(), 200, "{path}");
    response.json().await.unwrap()
}

/// Posts a lifecycle action; returns the status code. A verification says how it was made.
pub async fn act(app: &TestApp, token: &str, id: &str, action: &str) -> u16 {
    let path = format!("/v1/organizations/{id}/{action}");
    let mut request = app.authed(Method::POST, &path, token);
    if action == "verify" {
        request = request.json(&json!({"method": "registry_lookup"}));
    }
    request.send().await.unwrap().status().as_u16()
}

/// A partner API key.
pub async fn partner_key(app: &TestApp, admin: &str) -> String {
    let response = app
        .authed(Method::POST, "/v1/api-keys", admin)
        .json(&json!({"label": "Portal", "role": "partner"}))
        .send()
        .await
        .unwrap();
    let created: Value = response.json().await.unwrap();
    created["key"].as_str().unwrap().to_owned()
}

/// The ETag of a response.
pub fn etag(response: &reqwest::Response) -> String {
    response.headers()["etag"].to_str().unwrap().to_owned()
}

/// A merge patch of `path` as `token`, naming with `If-Match` the version it read.
pub async fn patch(
    app: &TestApp,
    token: &str,
    path: &str,
    if_match: &str,
    body: &Value,
) -> reqwest::Response {
    app.authed(Method::PATCH, path, token)
        .header("If-Match", if_match)
        .json(body)
        .send()
        .await
        .unwrap()
}
