//! `include=` carries records inside each organization on the list, the export, the change
//! feed and a single read: what each caller may see of them, and never more.

use reqwest::Method;
use serde_json::{Value, json};

use super::{act, create_org, partner_key};
use crate::backend_test;
use crate::helpers::TestApp;

const EVERY_PUBLIC_KIND: &str = "capabilities,markets,certifications,relationships,programmes";
const CONTACT_EMAIL: &str = "awa.ndiaye@example.sn";
const NOTE: &str = "internal note, staff only";

fn body(name: &str) -> Value {
    json!({"kind": "firm", "name": name, "country": "SN", "internal_notes": NOTE})
}

async fn post(app: &TestApp, token: &str, path: &str, body: Value) {
    let response = app
        .authed(Method::POST, path, token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        201,
        "{path}: {}",
        response.text().await.unwrap()
    );
}

/// A published firm with one record of each kind, linked to a draft and to a published firm.
async fn directory(app: &TestApp, curator: &str) -> (String, String, String) {
    let firm = create_org(app, curator, &body("Include Firm")).await;
    let draft = create_org(app, curator, &body("Include Draft")).await;
    let other = create_org(app, curator, &body("Include Other")).await;
    let id = |v: &Value| v["id"].as_str().unwrap().to_owned();
    let (firm, draft, other) = (id(&firm), id(&draft), id(&other));
    let base = format!("/v1/organizations/{firm}");
    post(
        app,
        curator,
        &format!("{base}/capabilities"),
        json!({"service_code": "bpo", "delivery_modes": ["offshore"]}),
    )
    .await;
    post(
        app,
        curator,
        &format!("{base}/markets"),
        json!({"country": "FR", "kind": "served"}),
    )
    .await;
    post(
        app,
        curator,
        &format!("{base}/certifications"),
        json!({"scheme": "iso_iec_27001"}),
    )
    .await;
    post(
        app,
        curator,
        &format!("{base}/contacts"),
        json!({"name": "Awa Ndiaye", "email": CONTACT_EMAIL}),
    )
    .await;
    post(
        app,
        curator,
        &format!("{base}/relationships"),
        json!({"kind": "partner_of", "target_id": draft}),
    )
    .await;
    post(
        app,
        curator,
        &format!("{base}/relationships"),
        json!({"kind": "partner_of", "target_id": other}),
    )
    .await;
    post(
        app,
        curator,
        &format!("/v1/organizations/{draft}/capabilities"),
        json!({"service_code": "bpo", "delivery_modes": ["offshore"]}),
    )
    .await;
    assert_eq!(act(app, curator, &firm, "publish").await, 200);
    assert_eq!(act(app, curator, &other, "publish").await, 200);
    (firm, draft, other)
}

async fn text(app: &TestApp, token: &str, path: &str) -> (u16, String) {
    let response = app.authed(Method::GET, path, token).send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

/// The live organizations of the whole feed, as a mirror would hold them.
async fn mirror(app: &TestApp, token: &str, include: &str) -> Vec<Value> {
    let (mut after, mut live) = (0, std::collections::BTreeMap::new());
    loop {
        let (status, page) = text(
            app,
            token,
            &format!("/v1/changes?after={after}&limit=2&include={include}"),
        )
        .await;
        assert_eq!(status, 200, "{page}");
        let page: Value = serde_json::from_str(&page).unwrap();
        for change in page["items"].as_array().unwrap() {
            let id = change["organization_id"].as_str().unwrap().to_owned();
            match change["tombstone"].as_bool().unwrap() {
                true => live.remove(&id),
                false => live.insert(id, change["organization"].clone()),
            };
        }
        after = page["next_after"].as_i64().unwrap();
        if !page["has_more"].as_bool().unwrap() {
            return live.into_values().collect();
        }
    }
}

fn find<'a>(organizations: &'a [Value], id: &str) -> &'a Value {
    organizations
        .iter()
        .find(|o| o["id"] == id)
        .unwrap_or_else(|| panic!("{id} missing"))
}

fn assert_public_records(org: &Value, other: &str) {
    assert_eq!(org["capabilities"].as_array().unwrap().len(), 1, "{org}");
    assert_eq!(org["capabilities"][0]["service_code"], "bpo");
    assert_eq!(org["markets"][0]["country"], "FR");
    assert_eq!(org["certifications"][0]["scheme"], "iso_iec_27001");
    assert_eq!(org["programmes"], json!([]));
    // The link to the draft is hidden from partners; the one to a published firm is not.
    let targets: Vec<&Value> = org["relationships"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["target_id"])
        .collect();
    assert_eq!(targets, [other]);
    assert!(
        org.get("contacts").is_none() && org.get("internal_notes").is_none(),
        "{org}"
    );
}

backend_test!(partners_get_public_records_through_every_include, |app| {
    let admin = app.admin_token().await;
    let curator = app.token_for("curator").await;
    let (firm, draft, other) = directory(app, &curator).await;
    let key = partner_key(app, &admin).await;
    let partner_user = app.token_for("partner").await;
    for token in [&key, &partner_user] {
        let list_path = format!("/v1/organizations?include={EVERY_PUBLIC_KIND}&limit=100");
        let export_path = format!("/v1/organizations/export?include={EVERY_PUBLIC_KIND}");
        let changes_path = format!("/v1/changes?include={EVERY_PUBLIC_KIND}");
        let mut bodies = Vec::new();
        let (status, list) = text(app, token, &list_path).await;
        assert_eq!(status, 200, "{list}");
        let items = serde_json::from_str::<Value>(&list).unwrap()["items"]
            .as_array()
            .unwrap()
            .clone();
        assert_public_records(find(&items, &firm), &other);
        assert!(items.iter().all(|o| o["id"] != draft));
        let (status, export) = text(app, token, &export_path).await;
        assert_eq!(status, 200);
        let lines: Vec<Value> = export.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_public_records(find(&lines, &firm), &other);
        assert!(lines.iter().all(|o| o["id"] != draft));
        let mirrored = mirror(app, token, EVERY_PUBLIC_KIND).await;
        assert_public_records(find(&mirrored, &firm), &other);
        assert!(mirrored.iter().all(|o| o["id"] != draft));
        let (_, changes) = text(app, token, &changes_path).await;
        bodies.extend([list, export, changes]);
        for body in &bodies {
            assert!(!body.contains(CONTACT_EMAIL) && !body.contains(NOTE) && !body.contains(&draft));
        }
        // Contacts are refused outright, on every route.
        for path in [
            "/v1/organizations?include=contacts".to_owned(),
            "/v1/organizations/export?include=markets,contacts".to_owned(),
            "/v1/changes?include=contacts".to_owned(),
            format!("/v1/organizations/{firm}?include=contacts"),
        ] {
            let (status, body) = text(app, token, &path).await;
            assert_eq!(status, 403, "{path}: {body}");
            assert!(!body.contains(CONTACT_EMAIL));
        }
    }
});

backend_test!(staff_get_contacts_when_they_ask, |app| {
    let curator = app.token_for("curator").await;
    let agency = app.token_for("agency").await;
    let (firm, draft, _) = directory(app, &curator).await;
    for token in [&curator, &agency] {
        let (_, list) = text(
            app,
            token,
            "/v1/organizations?include=contacts,capabilities&limit=100",
        )
        .await;
        let items = serde_json::from_str::<Value>(&list).unwrap()["items"]
            .as_array()
            .unwrap()
            .clone();
        assert_eq!(find(&items, &firm)["contacts"][0]["email"], CONTACT_EMAIL);
        assert_eq!(find(&items, &draft)["capabilities"].as_array().unwrap().len(), 1);
        assert!(
            find(&items, &firm).get("markets").is_none(),
            "only what was asked"
        );
        let (status, one) = text(app, token, &format!("/v1/organizations/{firm}?include=contacts")).await;
        assert_eq!(status, 200);
        assert_eq!(
            serde_json::from_str::<Value>(&one).unwrap()["contacts"][0]["email"],
            CONTACT_EMAIL
        );
        let (_, plain) = text(app, token, &format!("/v1/organizations/{firm}")).await;
        assert!(!plain.contains(CONTACT_EMAIL), "contacts only when asked");
        let mirrored = mirror(app, token, "contacts,relationships").await;
        let mirrored_firm = find(&mirrored, &firm);
        assert_eq!(mirrored_firm["contacts"][0]["email"], CONTACT_EMAIL);
        assert_eq!(
            mirrored_firm["relationships"].as_array().unwrap().len(),
            2,
            "staff see the draft link"
        );
        assert_eq!(find(&mirrored, &draft)["contacts"], json!([]));
    }
    let (_, plain_list) = text(app, &curator, "/v1/organizations?limit=100").await;
    assert!(!plain_list.contains("\"capabilities\""), "no include, no records");
});

backend_test!(bad_includes_are_refused, |app| {
    let curator = app.token_for("curator").await;
    for path in [
        "/v1/organizations?include=capability",
        "/v1/organizations/export?include=",
        "/v1/changes?include=markets,nonsense",
        "/v1/organizations/export?format=csv&include=markets",
        "/v1/organizations/facets?include=markets",
    ] {
        let response = app.authed(Method::GET, path, &curator).send().await.unwrap();
        assert_eq!(response.status(), 400, "{path}");
        assert_eq!(response.headers()["content-type"], "application/problem+json");
    }
});
