//! Capacity figures that have aged: flagged where curators and partners read them, and
//! discounted, with the reason, where the agency ranks firms.

use reqwest::Method;
use serde_json::{Value, json};

use super::call;
use crate::backend_test;
use crate::directory::{act, create_org};
use crate::helpers::TestApp;

async fn firm_with_seats(app: &TestApp, token: &str, name: &str, as_of: Option<&str>) -> String {
    let org = create_org(
        app,
        token,
        &json!({"kind": "firm", "name": name, "country": "SN"}),
    )
    .await;
    let id = org["id"].as_str().unwrap().to_owned();
    let mut capability = json!({"service_code": "bpo.contact_center_inbound", "delivery_modes": ["offshore"],
                                "capacity_seats": 100});
    if let Some(day) = as_of {
        capability["capacity_as_of"] = json!(day);
    }
    let response = app
        .authed(
            Method::POST,
            &format!("/v1/organizations/{id}/capabilities"),
            token,
        )
        .json(&capability)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    assert_eq!(act(app, token, &id, "publish").await, 200);
    id
}

backend_test!(
    old_capacity_is_flagged_and_counted_at_half_with_the_reason,
    |app| {
        let curator = app.token_for("curator").await;
        let agency = app.token_for("agency").await;
        let old = firm_with_seats(app, &curator, "Centre Ancien", Some("2019-06-30")).await;
        let fresh = firm_with_seats(app, &curator, "Centre Récent", None).await;
        let bare = create_org(
            app,
            &curator,
            &json!({"kind": "firm", "name": "Sans Chiffres", "country": "SN"}),
        )
        .await;
        let bare = bare["id"].as_str().unwrap();
        let response = app
            .authed(
                Method::POST,
                &format!("/v1/organizations/{bare}/capabilities"),
                &curator,
            )
            .json(&json!({"service_code": "bpo.contact_center_inbound", "delivery_modes": ["offshore"]}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);

        let stale_of = |page: Value| page["items"][0]["stale"].clone();
        let capabilities = |id: String| format!("/v1/organizations/{id}/capabilities");
        assert_eq!(
            stale_of(app.read_json(&capabilities(old.clone()), &curator).await),
            json!(true)
        );
        assert_eq!(
            stale_of(app.read_json(&capabilities(fresh.clone()), &curator).await),
            json!(false)
        );
        assert!(
            stale_of(app.read_json(&capabilities(bare.to_owned()), &curator).await).is_null(),
            "no figures, nothing to age"
        );
        let detail = app
            .read_json(&format!("/v1/organizations/{old}?include=capabilities"), &curator)
            .await;
        assert_eq!(detail["capabilities"][0]["stale"], true, "{detail}");

        let body = json!({"criteria": {"services": ["bpo.contact_center_inbound"],
                                   "min_capacity": {"amount": 40, "unit": "seats"}}});
        let (status, answer) = call(app, Method::POST, "/v1/matches/preview", &agency, Some(&body)).await;
        assert_eq!(status, 200, "{answer}");
        let results = answer["results"].as_array().unwrap();
        let of = |id: &str| {
            results
                .iter()
                .find(|r| r["organization_id"] == id)
                .cloned()
                .unwrap()
        };
        let capacity = |result: &Value| {
            result["breakdown"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["criterion"] == "spare_capacity")
                .cloned()
                .unwrap()
        };
        let (old_row, fresh_row) = (capacity(&of(&old)), capacity(&of(&fresh)));
        let (old_points, fresh_points) = (
            old_row["points"].as_f64().unwrap(),
            fresh_row["points"].as_f64().unwrap(),
        );
        assert!(
            (old_points * 2.0 - fresh_points).abs() < 1e-6,
            "{old_points} vs {fresh_points}"
        );
        assert!(
            old_row["reason"]["en"]
                .as_str()
                .unwrap()
                .contains("a figure from 2019-06-30, over 18 months old"),
            "{old_row}"
        );
        assert!(
            old_row["reason"]["fr"]
                .as_str()
                .unwrap()
                .contains("compté à moitié"),
            "{old_row}"
        );
        assert!(!fresh_row["reason"]["en"].as_str().unwrap().contains("18 months"));
        let order: Vec<&str> = results
            .iter()
            .map(|r| r["organization_id"].as_str().unwrap())
            .collect();
        let place = |id: &str| order.iter().position(|o| *o == id).unwrap();
        assert!(
            place(&fresh) < place(&old),
            "the fresh figure ranks first: {order:?}"
        );
    }
);
