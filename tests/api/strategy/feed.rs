//! A partner's mirror following the strategy's entries through the change feed.

use std::collections::BTreeMap;

use reqwest::Method;
use serde_json::{Value, json};

use super::{barrier, get, patch};
use crate::backend_test;
use crate::directory::post;
use crate::helpers::TestApp;

/// Applies the feed from `after` to `mirror` (entry id to version); returns the new position.
async fn follow(
    app: &TestApp,
    token: &str,
    kinds: &str,
    after: i64,
    mirror: &mut BTreeMap<String, i64>,
) -> i64 {
    let mut after = after;
    loop {
        let page = app
            .read_json(
                &format!("/v1/changes?kinds={kinds}&after={after}&limit=50"),
                token,
            )
            .await;
        for change in page["items"].as_array().unwrap() {
            assert_ne!(
                change["kind"], "organization",
                "only the kinds asked for: {change}"
            );
            let id = change["entry_id"].as_str().unwrap().to_owned();
            if change["tombstone"] == true {
                assert!(change.get("entry").is_none());
                mirror.remove(&id);
            } else {
                assert_eq!(change["entry"]["id"], id.as_str());
                mirror.insert(id, change["entry"]["version"].as_i64().unwrap());
            }
        }
        after = page["next_after"].as_i64().unwrap();
        if page["has_more"] != true {
            return after;
        }
    }
}

backend_test!(a_mirror_follows_the_strategy_entries_it_may_see, |app| {
    let curator = app.token_for("curator").await;
    let partner = app.token_for("partner").await;
    let mut mirror = BTreeMap::new();
    let mut at = follow(
        app,
        &partner,
        "consultation,barrier,strategy,action",
        0,
        &mut mirror,
    )
    .await;
    assert_eq!(
        mirror.len(),
        3,
        "the record's two consultations and strategy: {mirror:?}"
    );

    let mut body = barrier("Visible");
    body["visibility"] = json!("published");
    let (_, public) = post(app, &curator, "/v1/barriers", &body).await;
    let (_, hidden) = post(app, &curator, "/v1/barriers", &barrier("Brouillon")).await;
    at = follow(app, &partner, "barrier", at, &mut mirror).await;
    let public_id = public["id"].as_str().unwrap();
    assert_eq!(mirror.get(public_id), Some(&1));
    assert!(
        !mirror.contains_key(hidden["id"].as_str().unwrap()),
        "a draft is never news to a partner"
    );

    let path = format!("/v1/barriers/{public_id}");
    let (_, tag, _) = get(app, &curator, &path).await;
    let (status, _) = patch(app, &curator, &path, Some(&tag), &json!({"visibility": "draft"})).await;
    assert_eq!(status, 200);
    at = follow(app, &partner, "barrier", at, &mut mirror).await;
    assert!(
        !mirror.contains_key(public_id),
        "unpublished: a tombstone removed it"
    );

    let staff = app
        .read_json(&format!("/v1/changes?kinds=all&after={at}"), &curator)
        .await;
    assert!(staff["items"].as_array().unwrap().is_empty(), "{staff}");
    let everything = app.read_json("/v1/changes?kinds=barrier", &curator).await;
    let hidden_change = everything["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["entry_id"] == hidden["id"])
        .cloned()
        .unwrap();
    assert_eq!(hidden_change["kind"], "barrier");
    assert_eq!(
        hidden_change["entry"]["internal_notes"],
        "Raised by two firms in private."
    );

    let default = app.read_json("/v1/changes?limit=1000", &curator).await;
    assert!(
        default["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["kind"] == "organization"),
        "without `kinds` the feed is the organizations' as before"
    );
    let refused = app
        .authed(Method::GET, "/v1/changes?kinds=barrier,unicorn", &curator)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 400);
    let _: Value = refused.json().await.unwrap();
});
