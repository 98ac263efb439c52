//! Merging a duplicate into the organization that stays, as a curator cleaning the directory
//! would: nothing left behind, the merged id resolving, partners' mirrors told.

use reqwest::Method;
use serde_json::{Value, json};

use super::{act, create_org, partner_key, post};
use crate::backend_test;
use crate::helpers::TestApp;

async fn add(app: &TestApp, token: &str, id: &str, kind: &str, body: Value) {
    let (status, answer) = post(app, token, &format!("/v1/organizations/{id}/{kind}"), &body).await;
    assert_eq!(status, 201, "{kind}: {answer}");
}

async fn items(app: &TestApp, token: &str, id: &str, kind: &str) -> Vec<Value> {
    let page = app
        .read_json(&format!("/v1/organizations/{id}/{kind}"), token)
        .await;
    page["items"].as_array().unwrap().clone()
}

backend_test!(a_merge_moves_everything_and_the_merged_id_resolves, |app| {
    let curator = app.token_for("curator").await;
    let admin = app.admin_token().await;
    let partner = partner_key(app, &admin).await;
    let survivor = create_org(
        app,
        &curator,
        &json!({"kind": "firm", "name": "Teranga Services", "country": "SN"}),
    )
    .await;
    let gone = create_org(
        app,
        &curator,
        &json!({"kind": "firm", "name": "Teranga Services SARL", "country": "SN",
                "registry_ids": [{"scheme": "ninea", "value": "004567890 2G3"}]}),
    )
    .await;
    let other = create_org(
        app,
        &curator,
        &json!({"kind": "association", "name": "Réseau Numérique", "country": "SN"}),
    )
    .await;
    let (b, a, x) = (
        survivor["id"].as_str().unwrap(),
        gone["id"].as_str().unwrap(),
        other["id"].as_str().unwrap(),
    );
    let records = [
        (b, "markets", json!({"country": "FR", "kind": "served"})),
        (a, "markets", json!({"country": "FR", "kind": "served"})),
        (a, "markets", json!({"country": "US", "kind": "target"})),
        (
            a,
            "capabilities",
            json!({"service_code": "bpo", "delivery_modes": ["offshore"]}),
        ),
        (a, "contacts", json!({"name": "Awa Ndiaye"})),
        (a, "relationships", json!({"kind": "member_of", "target_id": x})),
        (a, "relationships", json!({"kind": "partner_of", "target_id": b})),
        (x, "relationships", json!({"kind": "partner_of", "target_id": a})),
    ];
    for (id, kind, body) in records {
        add(app, &curator, id, kind, body).await;
    }
    for id in [a, b, x] {
        assert_eq!(act(app, &curator, id, "publish").await, 200);
    }
    let listed = |token: String| async move {
        let page = app.read_json("/v1/organizations?service=bpo", &token).await;
        let ids: Vec<String> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["id"].as_str().unwrap().to_owned())
            .collect();
        ids
    };
    assert_eq!(listed(partner.clone()).await, [a]);
    let feed_before = app.read_json("/v1/changes?limit=1000", &partner).await["next_after"]
        .as_i64()
        .unwrap();

    let (status, merged) = post(
        app,
        &curator,
        &format!("/v1/organizations/{a}/merge"),
        &json!({"into": "teranga-services"}),
    )
    .await;
    assert_eq!(status, 200, "{merged}");
    let record = &merged["merge"];
    assert_eq!(
        (record["merged"].as_str(), record["into"].as_str()),
        (Some(a), Some(b))
    );
    assert_eq!(record["moved"]["market"].as_array().unwrap().len(), 1, "{record}");
    assert_eq!(
        record["dropped"]["market"].as_array().unwrap().len(),
        1,
        "FR served was there already"
    );
    assert_eq!(
        record["moved"]["relationship"].as_array().unwrap().len(),
        2,
        "{record}"
    );
    assert_eq!(
        record["dropped"]["relationship"].as_array().unwrap().len(),
        1,
        "the link between the two"
    );
    assert_eq!(record["registry_ids"], json!(["004567890 2G3"]));
    assert_eq!(
        merged["organization"]["registry_ids"][0]["value"],
        "004567890 2G3"
    );

    // Nothing left behind; the survivor holds it all.
    for kind in ["capabilities", "markets", "contacts", "relationships"] {
        assert!(
            items(app, &curator, a, kind).await.is_empty(),
            "{kind} left on the merged one"
        );
    }
    assert_eq!(items(app, &curator, b, "capabilities").await.len(), 1);
    assert_eq!(items(app, &curator, b, "markets").await.len(), 2);
    assert_eq!(items(app, &curator, b, "contacts").await.len(), 1);
    let links = items(app, &curator, x, "relationships").await;
    assert_eq!(
        links[0]["target_id"], b,
        "links to the merged one point to the survivor"
    );

    // The merged id and slug resolve to the survivor, for partners too.
    for key in [a, "teranga-services-sarl"] {
        for token in [&curator, &partner] {
            let response = app
                .authed(
                    Method::GET,
                    &format!("/v1/organizations/{key}?include=markets"),
                    token,
                )
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 301, "{key}");
            assert_eq!(
                response.headers()["location"],
                format!("/v1/organizations/{b}?include=markets").as_str()
            );
        }
    }
    assert_eq!(
        listed(partner.clone()).await,
        [b],
        "search and facets see the merge at once"
    );

    // The feed tells mirrors; the histories say what happened.
    let feed = app
        .read_json(&format!("/v1/changes?after={feed_before}&limit=1000"), &partner)
        .await;
    let changes = feed["items"].as_array().unwrap();
    let of = |id: &str| changes.iter().find(|c| c["organization_id"] == id).cloned();
    let tomb = of(a).expect("the merged one is in the feed");
    assert_eq!(
        (tomb["tombstone"].as_bool(), tomb["merged_into"].as_str()),
        (Some(true), Some(b))
    );
    assert_eq!(
        of(b).expect("the survivor too")["organization"]["registry_ids"][0]["value"],
        "004567890 2G3"
    );
    let history = app
        .read_json(&format!("/v1/organizations/{b}/history?limit=100"), &curator)
        .await;
    let entries = history["items"].as_array().unwrap();
    assert!(
        entries
            .iter()
            .any(|e| e["entity_id"] == a && e["action"] == "created"),
        "the survivor's history includes the merged one's"
    );
    assert!(entries.iter().any(|e| e["entity_kind"] == "merge"), "{history:#}");
    let own = app
        .read_json(&format!("/v1/organizations/{a}/history?limit=100"), &curator)
        .await;
    let last = own["items"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["action"].as_str(), last["after"]["status"].as_str()),
        (Some("merged"), Some("archived")),
        "{last}"
    );
});

backend_test!(merges_that_make_no_sense_are_refused, |app| {
    let curator = app.token_for("curator").await;
    let admin = app.admin_token().await;
    let partner = partner_key(app, &admin).await;
    let one = create_org(
        app,
        &curator,
        &json!({"kind": "firm", "name": "Kora Data", "country": "SN"}),
    )
    .await;
    let two = create_org(
        app,
        &curator,
        &json!({"kind": "firm", "name": "Kora Data SA", "country": "SN"}),
    )
    .await;
    let body = create_org(
        app,
        &curator,
        &json!({"kind": "association", "name": "Kora Réseau", "country": "SN"}),
    )
    .await;
    let (one, two, body) = (
        one["id"].as_str().unwrap(),
        two["id"].as_str().unwrap(),
        body["id"].as_str().unwrap(),
    );
    let merge = |from: &str| format!("/v1/organizations/{from}/merge");
    assert_eq!(
        post(app, &curator, &merge(one), &json!({"into": one})).await.0,
        409,
        "into itself"
    );
    assert_eq!(
        post(app, &curator, &merge(one), &json!({"into": body})).await.0,
        409,
        "another kind"
    );
    assert_eq!(
        post(app, &curator, &merge(one), &json!({"into": "nobody"}))
            .await
            .0,
        404
    );
    assert_eq!(
        post(app, &curator, &merge(one), &json!({"into": ""})).await.0,
        422
    );
    assert_eq!(post(app, &curator, &merge(one), &json!({})).await.0, 422);
    assert_eq!(
        post(app, &partner, &merge(one), &json!({"into": two})).await.0,
        403
    );
    let stale = app
        .authed(Method::POST, &merge(one), &curator)
        .header("If-Match", "\"v99\"")
        .json(&json!({"into": two}))
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), 412);
    assert_eq!(
        post(app, &curator, &merge(one), &json!({"into": two})).await.0,
        200
    );
    assert_eq!(
        post(app, &curator, &merge(one), &json!({"into": two})).await.0,
        409,
        "merged already"
    );
    assert_eq!(
        post(app, &curator, &merge(two), &json!({"into": one})).await.0,
        409,
        "into an archived one"
    );
    let still = app.read_json(&format!("/v1/organizations/{two}"), &curator).await;
    assert_eq!(still["status"], "draft");
});
