//! One rule for a certificate in force on a day (`valid_from` ≤ day ≤ `valid_until`, absent
//! bounds open), on every path that counts certificates: the directory filter, facets,
//! export and matching. Dates are relative to today, so the test never expires.

use chrono::{Duration, Utc};
use reqwest::Method;
use serde_json::{Value, json};

use super::{act, create_org, every_organization, facets};
use crate::backend_test;
use crate::matching::{call, ranked_ids};

fn day(offset: i64) -> String {
    (Utc::now().date_naive() + Duration::days(offset)).to_string()
}

backend_test!(only_certificates_in_force_today_count_on_every_path, |app| {
    let curator = app.token_for("curator").await;
    let agency = app.token_for("agency").await;
    let periods = [
        ("Future Cert", Some(day(365)), Some(day(800))),
        ("Current Cert", Some(day(-365)), Some(day(365))),
        ("Expired Cert", Some(day(-800)), Some(day(-1))),
        ("Open Cert", None, None),
    ];
    let mut ids = Vec::new();
    for (name, from, until) in &periods {
        let org = create_org(
            app,
            &curator,
            &json!({"kind": "firm", "name": name, "country": "SN"}),
        )
        .await;
        let id = org["id"].as_str().unwrap().to_owned();
        for (path, body) in [
            (
                "capabilities",
                json!({"service_code": "bpo.contact_center_inbound", "delivery_modes": ["offshore"], "languages": [{"code": "fr"}]}),
            ),
            (
                "certifications",
                json!({"scheme": "iso_9001", "valid_from": from, "valid_until": until}),
            ),
        ] {
            let response = app
                .authed(Method::POST, &format!("/v1/organizations/{id}/{path}"), &curator)
                .json(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
        }
        assert_eq!(act(app, &curator, &id, "publish").await, 200);
        ids.push(id);
    }
    let in_force = vec![ids[1].clone(), ids[3].clone()];
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    let names = |orgs: Vec<Value>| {
        sorted(
            orgs.iter()
                .map(|o| o["id"].as_str().unwrap().to_owned())
                .collect(),
        )
    };

    // The directory filter.
    let listed = every_organization(app, &curator, "certification=iso_9001&limit=100").await;
    assert_eq!(names(listed), sorted(in_force.clone()), "the list");
    let everyone = every_organization(
        app,
        &curator,
        "certification=iso_9001&expired_certifications=include&limit=100",
    )
    .await;
    assert_eq!(
        names(everyone),
        sorted(ids.clone()),
        "expired and future ones on request"
    );

    // Facets.
    let counted = facets(app, &curator, "service=bpo.contact_center_inbound").await;
    let iso: Vec<i64> = counted["certification"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["value"] == "iso_9001")
        .map(|c| c["count"].as_i64().unwrap())
        .collect();
    assert_eq!(iso, [2], "the facets: {counted}");

    // The export.
    let response = app
        .authed(
            Method::GET,
            "/v1/organizations/export?certification=iso_9001",
            &curator,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let exported: Vec<String> = response
        .text()
        .await
        .unwrap()
        .lines()
        .map(|line| {
            serde_json::from_str::<Value>(line).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(sorted(exported), sorted(in_force.clone()), "the export");

    // Matching, which tells certificates in force on the request's reference date (today).
    let body = json!({"criteria": {"services": ["bpo.contact_center_inbound"], "required_certifications": ["iso_9001"]}});
    let (status, answer) = call(app, Method::POST, "/v1/matches/preview", &agency, Some(&body)).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(
        sorted(ranked_ids(&answer, "results")),
        sorted(in_force),
        "matching"
    );
});
