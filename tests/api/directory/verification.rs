//! Verifications that mean something: how and on what evidence, in force for a term, lapsing
//! when what they vouched for changes, and listed when due.

use chrono::{Days, Utc};
use reqwest::Method;
use serde_json::{Value, json};

use super::{act, create_org, partner_key};
use crate::backend_test;
use crate::helpers::TestApp;

async fn send(
    app: &TestApp,
    base: &str,
    method: Method,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = app
        .client
        .request(method, format!("{base}{path}"))
        .bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn published_firm(app: &TestApp, token: &str, name: &str) -> String {
    let org = create_org(
        app,
        token,
        &json!({"kind": "firm", "name": name, "country": "SN"}),
    )
    .await;
    let id = org["id"].as_str().unwrap().to_owned();
    assert_eq!(act(app, token, &id, "publish").await, 200);
    id
}

async fn verified_ids(app: &TestApp, base: &str, token: &str) -> Vec<String> {
    let (status, page) = send(
        app,
        base,
        Method::GET,
        "/v1/organizations?verified=true&limit=100",
        token,
        None,
    )
    .await;
    assert_eq!(status, 200, "{page}");
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap().to_owned())
        .collect()
}

fn day_in(days: u64) -> String {
    Utc::now()
        .date_naive()
        .checked_add_days(Days::new(days))
        .unwrap()
        .to_string()
}

fn yesterday() -> String {
    Utc::now().date_naive().pred_opt().unwrap().to_string()
}

backend_test!(a_verification_says_how_and_holds_for_its_term, |app| {
    let curator = app.token_for("curator").await;
    let admin = app.admin_token().await;
    let partner = partner_key(app, &admin).await;
    let base = app.address.clone();
    let id = published_firm(app, &curator, "Vérifiée Services").await;
    let verify = format!("/v1/organizations/{id}/verify");
    for bad in [
        json!({}),
        json!({"method": "telepathy"}),
        json!({"method": "phone", "note": "x".repeat(2_001)}),
        json!({"method": "phone", "extra": 1}),
    ] {
        let (status, problem) = send(app, &base, Method::POST, &verify, &curator, Some(bad.clone())).await;
        assert_eq!(status, 422, "{bad}: {problem}");
    }
    let bare = app.authed(Method::POST, &verify, &curator).send().await.unwrap();
    assert_eq!(bare.status(), 415, "the method is required");
    assert!(
        verified_ids(app, &base, &partner).await.is_empty(),
        "refusals verify nothing"
    );

    let body = json!({"method": "registry_lookup", "note": "NINEA vérifié au registre de l'ANSD."});
    let (status, org) = send(app, &base, Method::POST, &verify, &curator, Some(body)).await;
    assert_eq!(status, 200, "{org}");
    let v = &org["verification"];
    assert_eq!(
        (v["method"].as_str(), v["valid_until"].as_str()),
        (Some("registry_lookup"), Some(day_in(365).as_str()))
    );
    assert!(v["lapsed_by"].is_null() && v["note"].is_string() && v["verified_by"].is_string());
    let seen = app.read_json(&format!("/v1/organizations/{id}"), &partner).await;
    assert!(
        seen["verification"]["note"].is_null() && seen["verification"]["verified_by"].is_null(),
        "{seen}"
    );
    assert_eq!(seen["verification"]["method"], "registry_lookup");
    assert_eq!(
        verified_ids(app, &base, &partner).await,
        std::slice::from_ref(&id)
    );

    // A shorter term, from the settings; the due list sees it coming.
    let short = app.spawn_server(&["--verification-valid-days", "10"]).await;
    let other = published_firm(app, &curator, "Terme Court").await;
    let (status, org) = send(
        app,
        &short.address,
        Method::POST,
        &format!("/v1/organizations/{other}/verify"),
        &curator,
        Some(json!({"method": "site_visit"})),
    )
    .await;
    assert_eq!(status, 200, "{org}");
    assert_eq!(org["verification"]["valid_until"], day_in(10));
    let due = |window: &'static str| {
        let token = curator.clone();
        async move {
            let page = app
                .read_json(&format!("/v1/verifications/due?within_days={window}"), &token)
                .await;
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["organization"]["id"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(due("30").await, std::slice::from_ref(&other));
    assert!(due("5").await.is_empty());
    for bad in ["within_days=366", "within_days=-1", "cursor=nope"] {
        let status = app
            .authed(Method::GET, &format!("/v1/verifications/due?{bad}"), &curator)
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status, 400, "{bad}");
    }
    let status = app
        .authed(Method::GET, "/v1/verifications/due", &partner)
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, 403);
    short.stop().await;
});

backend_test!(a_change_to_what_was_vouched_for_lapses_the_verification, |app| {
    let curator = app.token_for("curator").await;
    let admin = app.admin_token().await;
    let partner = partner_key(app, &admin).await;
    let base = app.address.clone();
    let id = published_firm(app, &curator, "Ancien Nom").await;
    let path = format!("/v1/organizations/{id}");
    assert_eq!(act(app, &curator, &id, "verify").await, 200);

    // A description is not what was checked; the name is.
    let tag = crate::directory::etag(&app.authed(Method::GET, &path, &curator).send().await.unwrap());
    let response = crate::directory::patch(
        app,
        &curator,
        &path,
        &tag,
        &json!({"description": {"fr": "Nouvelle description"}}),
    )
    .await;
    let org: Value = response.json().await.unwrap();
    assert!(org["verification"]["lapsed_by"].is_null(), "{org}");
    let tag = crate::directory::etag(&app.authed(Method::GET, &path, &curator).send().await.unwrap());
    let response = crate::directory::patch(app, &curator, &path, &tag, &json!({"name": "Nouveau Nom"})).await;
    let org: Value = response.json().await.unwrap();
    assert_eq!(org["verification"]["lapsed_by"], "name", "{org}");
    assert_eq!(org["verification"]["valid_until"], yesterday());
    assert!(
        verified_ids(app, &base, &partner).await.is_empty(),
        "verified=true drops it at once"
    );
    let due = app
        .read_json("/v1/verifications/due?within_days=0", &curator)
        .await;
    assert_eq!(due["items"][0]["organization"]["id"], id.as_str());
    assert_eq!(
        (
            due["items"][0]["in_force"].as_bool(),
            due["items"][0]["lapsed_by"].as_str()
        ),
        (Some(false), Some("name"))
    );

    // Verified again, then a capacity figure changes.
    assert_eq!(act(app, &curator, &id, "verify").await, 200);
    assert_eq!(
        verified_ids(app, &base, &partner).await,
        std::slice::from_ref(&id)
    );
    let (status, _) = send(
        app,
        &base,
        Method::POST,
        &format!("{path}/capabilities"),
        &curator,
        Some(json!({"service_code": "bpo", "delivery_modes": ["offshore"]})),
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(
        verified_ids(app, &base, &partner).await,
        std::slice::from_ref(&id),
        "no figures, nothing vouched for"
    );
    let (status, _) = send(app, &base, Method::POST, &format!("{path}/capabilities"), &curator,
                           Some(json!({"service_code": "it.software_development", "delivery_modes": ["offshore"], "capacity_fte": 40}))).await;
    assert_eq!(status, 201);
    let org = app.read_json(&path, &curator).await;
    assert_eq!(org["verification"]["lapsed_by"], "capacity", "{org}");
    assert!(verified_ids(app, &base, &partner).await.is_empty());
});

backend_test!(a_verification_past_its_term_counts_nowhere, |app| {
    let curator = app.token_for("curator").await;
    let agency = app.token_for("agency").await;
    let id = published_firm(app, &curator, "Terme Échu").await;
    let (status, _) = send(
        app,
        &app.address,
        Method::POST,
        &format!("/v1/organizations/{id}/capabilities"),
        &curator,
        Some(json!({"service_code": "bpo.contact_center_inbound", "delivery_modes": ["offshore"]})),
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(act(app, &curator, &id, "verify").await, 200);
    // As a year and a day would leave it: past its last day, in every copy.
    app.db.execute(&format!(
        "UPDATE organizations SET verified_until = '2020-01-01' WHERE id = '{id}';
         UPDATE match_profiles SET verified_until = '2020-01-01 00:00:00' WHERE organization_id = '{id}';"
    ));
    let server = app.spawn_server(&[]).await;
    let base = server.address.clone();
    assert!(verified_ids(app, &base, &curator).await.is_empty());
    let body = json!({"criteria": {"services": ["bpo.contact_center_inbound"]}});
    let (status, answer) = send(
        app,
        &base,
        Method::POST,
        "/v1/matches/preview",
        &agency,
        Some(body),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    let result = answer["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["organization_id"] == id.as_str())
        .cloned()
        .unwrap();
    let verification = result["breakdown"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["criterion"] == "verification")
        .cloned()
        .unwrap();
    assert_eq!(verification["fit"], 0.0, "{verification}");
    assert_eq!(
        verification["reason"]["en"],
        "Verification lapsed (in force until 2020-01-01)"
    );
    server.stop().await;
});
