//! Records of one organization, saved matches and refresh rotation, from many clients at once.

use reqwest::Method;
use serde_json::{Value, json};

use super::{CLIENTS, own_firm};
use crate::backend_test;
use crate::directory::{act, create_org};
use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, concurrently};

const COUNTRIES: [&str; CLIENTS] = [
    "FR", "BE", "CA", "US", "GB", "DE", "ES", "IT", "CH", "MA", "CI", "ML",
];

backend_test!(concurrent_record_writes_on_one_organization_all_land, |app| {
    let curator = app.token_for("curator").await;
    let org = create_org(app, &curator, &own_firm(0, 0)).await;
    let id = org["id"].as_str().unwrap().to_owned();
    let client = app.client_as(&curator);
    // Each client adds a market and a contact, then changes and deletes the contact: every
    // one of them raises the organization's version.
    let outcomes = concurrently(CLIENTS, |i| {
        let (client, id) = (client.clone(), id.clone());
        async move {
            let market = json!({"country": COUNTRIES[i], "kind": "served"});
            let (status, _, _) = client
                .send(
                    Method::POST,
                    &format!("/v1/organizations/{id}/markets"),
                    Some(&market),
                    None,
                )
                .await;
            if status != 201 {
                return (status, ());
            }
            let contact = json!({"name": format!("Contact {i}"), "email": format!("c{i}@example.sn")});
            let contacts = format!("/v1/organizations/{id}/contacts");
            let (status, tag, created) = client.send(Method::POST, &contacts, Some(&contact), None).await;
            if status != 201 {
                return (status, ());
            }
            let path = format!("{contacts}/{}", created["id"].as_str().unwrap());
            let change = json!({"role_title": "Directeur"});
            let (status, tag, _) = client
                .send(Method::PATCH, &path, Some(&change), tag.as_deref())
                .await;
            if status != 200 {
                return (status, ());
            }
            let (status, _, _) = client.send(Method::DELETE, &path, None, tag.as_deref()).await;
            (status, ())
        }
    })
    .await;
    outcomes.assert_all_succeeded();
    let markets = app
        .read_json(&format!("/v1/organizations/{id}/markets"), &curator)
        .await;
    let mut countries: Vec<&str> = markets["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["country"].as_str().unwrap())
        .collect();
    countries.sort_unstable();
    let mut expected = COUNTRIES.to_vec();
    expected.sort_unstable();
    assert_eq!(countries, expected);
    let contacts = app
        .read_json(&format!("/v1/organizations/{id}/contacts"), &curator)
        .await;
    assert_eq!(contacts["items"].as_array().unwrap().len(), 0);
    let now = app.read_json(&format!("/v1/organizations/{id}"), &curator).await;
    assert_eq!(now["version"], 1 + 4 * CLIENTS as i64, "four changes per client");
});

backend_test!(concurrent_saved_matches_all_land, |app| {
    let curator = app.token_for("curator").await;
    let agency = app.token_for("agency").await;
    let mut firms = Vec::new();
    for n in 0..CLIENTS {
        let org = create_org(app, &curator, &own_firm(n, 0)).await;
        let id = org["id"].as_str().unwrap().to_owned();
        assert_eq!(act(app, &curator, &id, "publish").await, 200);
        firms.push(id);
    }
    let request = crate::matching::create_request(app, &agency, json!({"services": ["it"]})).await;
    let client = app.client_as(&agency);
    // Each firm saved by one client, and the first firm by every client at once.
    let outcomes = concurrently(CLIENTS * 2, |i| {
        let path = format!(
            "/v1/buyer-requests/{request}/matches/{}",
            firms[if i < CLIENTS { i } else { 0 }]
        );
        let client = client.clone();
        async move {
            let (status, _, _) = client
                .send(
                    Method::PUT,
                    &path,
                    Some(&json!({"note": format!("by {i}")})),
                    None,
                )
                .await;
            (status, ())
        }
    })
    .await;
    outcomes.assert_all_succeeded();
    assert_eq!(
        outcomes.count(201),
        CLIENTS,
        "each firm is saved once: {:?}",
        outcomes.statuses()
    );
    let saved: Value = app
        .read_json(&format!("/v1/buyer-requests/{request}/matches"), &agency)
        .await;
    assert_eq!(saved["items"].as_array().unwrap().len(), CLIENTS);
});

backend_test!(a_refresh_token_used_at_once_by_many_rotates_once, |app| {
    let tokens = app.tokens(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let refresh = tokens["refresh_token"].as_str().unwrap().to_owned();
    let client = app.client.clone();
    let url = app.url("/v1/auth/refresh");
    let outcomes = concurrently(CLIENTS, |_| {
        let (client, url, refresh) = (client.clone(), url.clone(), refresh.clone());
        async move {
            let response = client
                .post(url)
                .json(&json!({"refresh_token": refresh}))
                .send()
                .await
                .unwrap();
            (response.status().as_u16(), ())
        }
    })
    .await;
    assert_eq!(outcomes.count(200), 1, "{:?}", outcomes.statuses());
    assert_eq!(outcomes.count(401), CLIENTS - 1, "{:?}", outcomes.statuses());
});
