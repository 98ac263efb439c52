//! The change feed: replaying it reproduces what the caller can see, tombstones included.

use std::collections::BTreeMap;

use reqwest::Method;
use serde_json::{Value, json};

use crate::backend_test;
use crate::directory::{act, create_org, partner_key};
use crate::helpers::TestApp;

/// Applies the whole feed from 0 to an empty mirror, `limit` events a page.
async fn replay(app: &TestApp, token: &str, limit: u32) -> (BTreeMap<String, Value>, Vec<Value>, i64) {
    let mut mirror = BTreeMap::new();
    let mut seen = Vec::new();
    let mut after = 0;
    loop {
        let response = app
            .authed(
                Method::GET,
                &format!("/v1/changes?after={after}&limit={limit}"),
                token,
            )
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let page: Value = response.json().await.unwrap();
        for change in page["items"].as_array().unwrap() {
            let id = change["organization_id"].as_str().unwrap().to_owned();
            if change["tombstone"].as_bool().unwrap() {
                mirror.remove(&id);
            } else {
                mirror.insert(id, change["organization"].clone());
            }
            seen.push(change.clone());
        }
        after = page["next_after"].as_i64().unwrap();
        if !page["has_more"].as_bool().unwrap() {
            return (mirror, seen, after);
        }
    }
}

async fn visible_ids(app: &TestApp, token: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut cursor = String::new();
    loop {
        let page: Value = app
            .authed(
                Method::GET,
                &format!("/v1/organizations?limit=100{cursor}"),
                token,
            )
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        ids.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| o["id"].as_str().unwrap().to_owned()),
        );
        match page["next_cursor"].as_str() {
            Some(next) => cursor = format!("&cursor={next}"),
            None => break,
        }
    }
    ids.sort();
    ids
}

backend_test!(replaying_the_feed_reproduces_the_visible_set, |app| {
    let curator = app.token_for("curator").await;
    let admin = app.admin_token().await;
    let key = partner_key(app, &admin).await;
    let mut made = Vec::new();
    for name in [
        "Feed Published",
        "Feed Unpublished",
        "Feed Archived",
        "Feed Draft",
    ] {
        let org = create_org(
            app,
            &curator,
            &json!({"kind": "firm", "name": name, "country": "SN"}),
        )
        .await;
        made.push(org["id"].as_str().unwrap().to_owned());
    }
    for id in &made[..3] {
        assert_eq!(act(app, &curator, id, "publish").await, 200);
    }
    assert_eq!(act(app, &curator, &made[1], "unpublish").await, 200);
    assert_eq!(act(app, &curator, &made[2], "archive").await, 200);
    let market = json!({"country": "FR", "kind": "served"});
    let path = format!("/v1/organizations/{}/markets", made[0]);
    assert_eq!(
        app.authed(Method::POST, &path, &curator)
            .json(&market)
            .send()
            .await
            .unwrap()
            .status(),
        201
    );

    for (token, limit) in [(&key, 2), (&key, 1000), (&curator, 3)] {
        let (mirror, seen, _) = replay(app, token, limit).await;
        let mirrored: Vec<String> = mirror.keys().cloned().collect();
        assert_eq!(mirrored, visible_ids(app, token).await, "limit {limit}");
        assert_eq!(
            mirror[&made[0]]["markets"],
            Value::Null,
            "the feed carries the compact representation"
        );
        if token == &key {
            // Partners get tombstones for what they saw leave, and nothing of the draft.
            let tombstoned: Vec<&str> = seen
                .iter()
                .filter(|c| c["tombstone"] == true)
                .map(|c| c["organization_id"].as_str().unwrap())
                .collect();
            assert!(tombstoned.contains(&made[1].as_str()) && tombstoned.contains(&made[2].as_str()));
            assert!(!seen.iter().any(|c| c["organization_id"] == made[3].as_str()));
            assert!(!serde_json::to_string(&seen).unwrap().contains("Feed Draft"));
        }
    }

    // A poller holding the last page gets 304 until something changes.
    let (_, _, last) = replay(app, &key, 1000).await;
    let tail = app
        .authed(Method::GET, &format!("/v1/changes?after={last}"), &key)
        .send()
        .await
        .unwrap();
    let tag = tail.headers()["etag"].to_str().unwrap().to_owned();
    let body: Value = tail.json().await.unwrap();
    assert!(body["items"].as_array().unwrap().is_empty() && body["next_after"] == last);
    let again = app
        .authed(Method::GET, &format!("/v1/changes?after={last}"), &key)
        .header("If-None-Match", &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    assert_eq!(act(app, &curator, &made[1], "publish").await, 200);
    let news: Value = app
        .authed(Method::GET, &format!("/v1/changes?after={last}"), &key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(news["items"][0]["organization_id"], made[1].as_str());
    assert_eq!(news["items"][0]["action"], "published");

    for bad in ["after=-1", "limit=0", "limit=1001", "after=x", "since=1"] {
        let response = app
            .authed(Method::GET, &format!("/v1/changes?{bad}"), &key)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{bad}");
    }
});
