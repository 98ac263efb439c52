//! The change feed: replaying it reproduces what the caller can see, tombstones included.

use std::collections::BTreeMap;

use reqwest::Method;
use serde_json::{Value, json};

use crate::backend_test;
use crate::directory::{act, create_org, etag, every_organization, partner_key, patch};
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
    let tag = etag(&tail);
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

/// Each organization of a replayed feed, beside what a list returns to the same caller (the
/// same compact representation, without the records a read by id adds).
async fn mirrored_and_listed(app: &TestApp, token: &str, ids: &[&str]) -> Vec<(Value, Value)> {
    let (mirror, _, _) = replay(app, token, 1000).await;
    let listed = every_organization(app, token, "sort=name").await;
    ids.iter()
        .map(|id| {
            let in_list = listed.iter().find(|o| o["id"] == *id).unwrap();
            (mirror[*id].clone(), in_list.clone())
        })
        .collect()
}

backend_test!(
    the_feed_carries_what_a_list_returns_after_every_kind_of_write,
    |app| {
        let curator = app.token_for("curator").await;
        let admin = app.admin_token().await;
        let key = partner_key(app, &admin).await;
        let kept = create_org(
            app,
            &curator,
            &json!({"kind": "firm", "name": "Feed Kept", "country": "SN", "internal_notes": "staff only",
                "registry_ids": [{"scheme": "ninea", "value": "004567890 2G3"}]}),
        )
        .await;
        let plain = create_org(
            app,
            &curator,
            &json!({"kind": "association", "name": "Feed Plain", "country": "SN"}),
        )
        .await;
        let ids = [kept["id"].as_str().unwrap(), plain["id"].as_str().unwrap()];
        for id in ids {
            assert_eq!(act(app, &curator, id, "publish").await, 200);
        }
        assert_eq!(act(app, &curator, ids[0], "verify").await, 200);
        // A new record raises the version; a merge patch changes fields and identifiers.
        let market = json!({"country": "FR", "kind": "served"});
        let markets = format!("/v1/organizations/{}/markets", ids[0]);
        let added = app
            .authed(Method::POST, &markets, &curator)
            .json(&market)
            .send()
            .await
            .unwrap();
        assert_eq!(added.status(), 201);
        let location = format!("/v1/organizations/{}", ids[1]);
        let current = app.authed(Method::GET, &location, &curator).send().await.unwrap();
        let tag = etag(&current);
        let changed = json!({"name": "Feed Plain Renamed", "registry_ids": [{"scheme": "rccm", "value": "SN-DKR-2018-B-12345"}]});
        let patched = patch(app, &curator, &location, &tag, &changed).await;
        assert_eq!(patched.status(), 200);

        let staff = mirrored_and_listed(app, &curator, &ids).await;
        let partner = mirrored_and_listed(app, &key, &ids).await;
        for (mirrored, listed) in staff.iter().chain(&partner) {
            assert_eq!(mirrored, listed);
        }
        let (staff, partner) = (&staff[0].0, &partner[0].0);
        assert_eq!(staff["internal_notes"], "staff only");
        assert!(staff["verification"]["verified_by"].is_string() && staff["version"].as_i64() > Some(3));
        assert!(partner["internal_notes"].is_null() && partner["verification"]["verified_by"].is_null());
        assert!(partner["verification"]["verified_at"].is_string());

        // As a database stood before the representations were stored, or with an older format of
        // them: the next start writes them again.
        app.db.execute(&format!(
            "DELETE FROM organization_representations WHERE organization_id = '{}'",
            ids[0]
        ));
        app.db
            .execute("UPDATE organization_representations SET format = 0, partner = '{}', staff = NULL");
        let restarted = app.spawn_server(&[]).await;
        for token in [&curator, &key] {
            for (mirrored, listed) in mirrored_and_listed(app, token, &ids).await {
                assert_eq!(mirrored, listed);
            }
        }
        restarted.stop().await;
    }
);
