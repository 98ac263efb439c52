//! Exact lookups by registry identifier and website domain, and sparse fieldsets, on the list,
//! the export and a single read, as each role may see them.

use std::collections::BTreeSet;

use reqwest::Method;
use serde_json::{Value, json};

use super::{act, create_org, partner_key};
use crate::backend_test;
use crate::helpers::TestApp;

async fn ids(app: &TestApp, token: &str, query: &str) -> BTreeSet<String> {
    let response = app
        .authed(Method::GET, &format!("/v1/organizations?{query}"), token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{query}");
    let page: Value = response.json().await.unwrap();
    let listed: BTreeSet<String> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap().to_owned())
        .collect();
    let export = app
        .authed(Method::GET, &format!("/v1/organizations/export?{query}"), token)
        .send()
        .await
        .unwrap();
    let exported: BTreeSet<String> = export
        .text()
        .await
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(listed, exported, "the export finds what the list does: {query}");
    listed
}

fn set(ids: &[&str]) -> BTreeSet<String> {
    ids.iter().map(|s| (*s).to_owned()).collect()
}

async fn status(app: &TestApp, token: &str, path: &str) -> u16 {
    app.authed(Method::GET, path, token)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

backend_test!(lookups_find_exactly_what_was_stored, |app| {
    let admin = app.admin_token().await;
    let curator = app.token_for("curator").await;
    let org = |name: &str, website: &str, ninea: &str| {
        json!({"kind": "firm", "name": name, "country": "SN", "city": "Dakar", "website": website,
               "registry_ids": [{"scheme": "ninea", "value": ninea}], "internal_notes": "staff only"})
    };
    let id = |v: Value| v["id"].as_str().unwrap().to_owned();
    let a = id(create_org(
        app,
        &curator,
        &org("Teranga BPO", "https://www.teranga-bpo.sn/fr", "004567890 2G3"),
    )
    .await);
    let b = id(create_org(
        app,
        &curator,
        &org("Lookalike", "https://teranga-bpo.sn.example.com", "001111111"),
    )
    .await);
    let c = id(create_org(
        app,
        &curator,
        &org("Teranga Draft", "http://Teranga-BPO.sn", "002222222"),
    )
    .await);
    assert_eq!(act(app, &curator, &a, "publish").await, 200);
    assert_eq!(act(app, &curator, &b, "publish").await, 200);

    assert_eq!(
        ids(app, &curator, "registry_id=NINEA:%20004567890%202G3").await,
        set(&[&a])
    );
    assert_eq!(
        ids(
            app,
            &curator,
            "registry_id=ninea:004567890%202G3&registry_id=ninea:002222222"
        )
        .await,
        set(&[&a, &c])
    );
    assert_eq!(ids(app, &curator, "domain=teranga-bpo.sn").await, set(&[&a, &c]));
    assert_eq!(
        ids(app, &curator, "domain=WWW.Teranga-BPO.sn&kind=association").await,
        set(&[])
    );
    // A lookup with text is filtered by the text, in creation order.
    assert_eq!(
        ids(app, &curator, "domain=teranga-bpo.sn&q=draft").await,
        set(&[&c])
    );
    assert_eq!(ids(app, &curator, "registry_id=ninea:009999999").await, set(&[]));

    let key = partner_key(app, &admin).await;
    assert_eq!(
        ids(app, &key, "domain=teranga-bpo.sn").await,
        set(&[&a]),
        "a draft stays hidden"
    );
    assert_eq!(ids(app, &key, "registry_id=ninea:002222222").await, set(&[]));

    for path in [
        "/v1/organizations?registry_id=ninea:12",
        "/v1/organizations?registry_id=004567890",
        "/v1/organizations?domain=https://teranga-bpo.sn",
        "/v1/organizations?domain=teranga-bpo.sn&q=teranga&sort=relevance",
        "/v1/organizations/facets?domain=teranga-bpo.sn",
    ] {
        assert_eq!(status(app, &curator, path).await, 400, "{path}");
    }
});

backend_test!(sparse_fieldsets_send_only_what_was_asked, |app| {
    let admin = app.admin_token().await;
    let curator = app.token_for("curator").await;
    let body = json!({"kind": "firm", "name": "Fieldset Firm", "country": "SN", "city": "Thiès",
                      "internal_notes": "staff only"});
    let firm = create_org(app, &curator, &body).await;
    let id = firm["id"].as_str().unwrap();
    let capability = json!({"service_code": "bpo", "delivery_modes": ["offshore"]});
    let created = app
        .authed(
            Method::POST,
            &format!("/v1/organizations/{id}/capabilities"),
            &curator,
        )
        .json(&capability)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    assert_eq!(act(app, &curator, id, "publish").await, 200);
    let key = partner_key(app, &admin).await;
    let keys = |v: &Value| {
        v.as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect::<BTreeSet<String>>()
    };

    for token in [&curator, &key] {
        let page: Value = app
            .authed(
                Method::GET,
                "/v1/organizations?fields=name,city&include=capabilities",
                token,
            )
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let item = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["id"] == id)
            .unwrap();
        assert_eq!(keys(item), set(&["id", "name", "city"]));
        assert_eq!(item["city"], "Thiès");
        let one: Value = app
            .authed(
                Method::GET,
                &format!("/v1/organizations/{id}?fields=name,capabilities"),
                token,
            )
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(keys(&one), set(&["id", "name", "capabilities"]));
        assert_eq!(one["capabilities"][0]["service_code"], "bpo");
        let export = app
            .authed(Method::GET, "/v1/organizations/export?fields=name", token)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        for line in export.lines() {
            assert_eq!(keys(&serde_json::from_str(line).unwrap()), set(&["id", "name"]));
        }
    }
    // Asking for an internal field does not reveal it to a partner.
    let page: Value = app
        .authed(Method::GET, "/v1/organizations?fields=internal_notes", &key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| keys(o) == set(&["id"]))
    );
    for path in [
        "/v1/organizations?fields=nom".to_owned(),
        format!("/v1/organizations/{id}?fields=name,secret"),
        "/v1/organizations/export?format=csv&fields=name".to_owned(),
        "/v1/organizations/facets?fields=name".to_owned(),
    ] {
        assert_eq!(status(app, &curator, &path).await, 400, "{path}");
    }
});
