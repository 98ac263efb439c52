//! Organizations, patches and lifecycle moves, from many clients at once.

use std::collections::BTreeSet;

use reqwest::Method;
use serde_json::{Value, json};

use super::{CLIENTS, own_firm};
use crate::backend_test;
use crate::directory::{create_org, every_organization};
use crate::helpers::concurrently;

backend_test!(concurrent_creates_all_land, |app| {
    const EACH: usize = 5;
    let curators = [app.token_for("curator").await, app.token_for("curator").await];
    let outcomes = concurrently(CLIENTS, |i| {
        let client = app.client_as(&curators[i % 2]);
        async move {
            let mut ids = Vec::new();
            let mut worst = 201;
            for n in 0..EACH {
                let (status, _, body) = client
                    .send(Method::POST, "/v1/organizations", Some(&own_firm(i, n)), None)
                    .await;
                if status == 201 {
                    ids.push(body["id"].as_str().unwrap().to_owned());
                } else {
                    worst = status;
                }
            }
            (worst, ids)
        }
    })
    .await;
    outcomes.assert_all_succeeded();
    let created: BTreeSet<String> = outcomes.with_status(201).flatten().cloned().collect();
    assert_eq!(created.len(), CLIENTS * EACH, "every create has an id of its own");
    let listed: BTreeSet<String> = every_organization(app, &curators[0], "limit=100")
        .await
        .iter()
        .map(|o| o["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(created.is_subset(&listed), "an acknowledged create is missing");
});

backend_test!(concurrent_patches_with_if_match_win_once_per_version, |app| {
    let curator = app.token_for("curator").await;
    let org = create_org(app, &curator, &own_firm(0, 0)).await;
    let path = format!("/v1/organizations/{}", org["id"].as_str().unwrap());
    let client = app.client_as(&curator);
    let (_, tag, _) = client.send(Method::GET, &path, None, None).await;
    let tag = tag.unwrap();

    // Every client read the same version: exactly one patch can apply to it.
    let outcomes = concurrently(CLIENTS, |i| {
        let (client, path, tag) = (client.clone(), path.clone(), tag.clone());
        async move {
            let body = json!({"city": format!("Ville {i}")});
            let (status, _, _) = client.send(Method::PATCH, &path, Some(&body), Some(&tag)).await;
            (status, i)
        }
    })
    .await;
    assert_eq!(outcomes.count(200), 1, "{:?}", outcomes.statuses());
    assert_eq!(outcomes.count(412), CLIENTS - 1, "{:?}", outcomes.statuses());
    let winner = *outcomes.with_status(200).next().unwrap();
    let (_, _, now) = client.send(Method::GET, &path, None, None).await;
    assert_eq!(now["version"], 2);
    assert_eq!(now["city"], format!("Ville {winner}"));

    // Clients that read again after a 412 all get their turn: one version per success.
    let outcomes = concurrently(CLIENTS, |i| {
        let (client, path) = (client.clone(), path.clone());
        async move {
            let mut refused = 0;
            loop {
                let (_, tag, _) = client.send(Method::GET, &path, None, None).await;
                let body = json!({"website": format!("https://client{i}.example.sn")});
                match client
                    .send(Method::PATCH, &path, Some(&body), tag.as_deref())
                    .await
                {
                    (200, _, _) => return (200, refused),
                    (412, _, _) => refused += 1,
                    (other, _, body) => {
                        return (other, {
                            eprintln!("{body}");
                            refused
                        });
                    }
                }
            }
        }
    })
    .await;
    outcomes.assert_all_succeeded();
    let (_, _, now) = client.send(Method::GET, &path, None, None).await;
    assert_eq!(now["version"], 2 + CLIENTS as i64);
});

backend_test!(concurrent_lifecycle_moves_take_effect_once, |app| {
    let curator = app.token_for("curator").await;
    let org = create_org(app, &curator, &own_firm(0, 0)).await;
    let id = org["id"].as_str().unwrap().to_owned();
    let client = app.client_as(&curator);
    let outcomes = concurrently(CLIENTS, |_| {
        let (client, path) = (client.clone(), format!("/v1/organizations/{id}/publish"));
        async move {
            let (status, _, _) = client.send(Method::POST, &path, None, None).await;
            (status, ())
        }
    })
    .await;
    outcomes.assert_no_server_error();
    assert_eq!(
        outcomes.count(200),
        1,
        "one move publishes: {:?}",
        outcomes.statuses()
    );
    assert_eq!(
        outcomes.count(200) + outcomes.count(409),
        CLIENTS,
        "the others are told it is already published: {:?}",
        outcomes.statuses()
    );
    let history = app
        .read_json(&format!("/v1/organizations/{id}/history?limit=100"), &curator)
        .await;
    let published = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "published")
        .count();
    assert_eq!(published, 1, "the history records the move once");
    let now = app.read_json(&format!("/v1/organizations/{id}"), &curator).await;
    assert_eq!(
        (now["status"].as_str(), now["version"].as_i64()),
        (Some("published"), Some(2))
    );
});

backend_test!(concurrent_users_keys_and_buyer_requests_all_land, |app| {
    let admin = app.admin_token().await;
    let agency = app.token_for("agency").await;
    let as_admin = app.client_as(&admin);
    let as_agency = app.client_as(&agency);
    let outcomes = concurrently(CLIENTS * 3, |i| {
        let (as_admin, as_agency) = (as_admin.clone(), as_agency.clone());
        async move {
            let (path, body, client) = match i % 3 {
                0 => (
                    "/v1/users",
                    json!({"email": format!("user{i}@annuaire.test"), "password": "a password long enough", "role": "curator"}),
                    as_admin,
                ),
                1 => ("/v1/api-keys", json!({"label": format!("Portal {i}"), "role": "partner"}), as_admin),
                _ => (
                    "/v1/buyer-requests",
                    crate::matching::buyer_request(json!({"services": ["bpo.contact_center_inbound"]})),
                    as_agency,
                ),
            };
            let (status, _, created) = client.send(Method::POST, path, Some(&body), None).await;
            (status, (i % 3, created["id"].as_str().map(str::to_owned)))
        }
    })
    .await;
    outcomes.assert_all_succeeded();
    let listed = |path: &'static str, token: String| async move {
        let page: Value = app.read_json(path, &token).await;
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|item| item["id"].as_str().unwrap().to_owned())
            .collect::<BTreeSet<String>>()
    };
    let users = listed("/v1/users?limit=100", admin.clone()).await;
    let keys = listed("/v1/api-keys?limit=100", admin.clone()).await;
    let requests = listed("/v1/buyer-requests?limit=100", agency.clone()).await;
    for (kind, id) in outcomes.with_status(201) {
        let id = id.as_ref().expect("a created resource has an id");
        let found = match kind {
            0 => users.contains(id),
            1 => keys.contains(id),
            _ => requests.contains(id),
        };
        assert!(found, "created resource {id} (kind {kind}) is missing");
    }
});
