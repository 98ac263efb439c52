//! Buyer requests: recording, reading, changing, history, and who may.

use reqwest::Method;
use serde_json::{Value, json};

use super::fixture::start_date;
use super::{buyer_request, call, create_request};
use crate::backend_test;
use crate::directory::partner_key;

fn contact_centre() -> Value {
    json!({"services": ["bpo.contact_center_inbound"], "required_languages": ["fr"],
           "min_capacity": {"amount": 40, "unit": "seats"}, "start_date": start_date()})
}

backend_test!(requests_are_recorded_changed_and_traced, |app| {
    let agency = app.token_for("agency").await;
    let response = app
        .authed(Method::POST, "/v1/buyer-requests", &agency)
        .json(&buyer_request(contact_centre()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let created: Value = response.json().await.unwrap();
    assert_eq!(created["status"], "open");
    assert_eq!(created["criteria"]["min_capacity"]["amount"], 40);
    let id = created["id"].as_str().unwrap();
    assert_eq!(location, format!("/v1/buyer-requests/{id}"));

    let (status, listed) = call(app, Method::GET, "/v1/buyer-requests", &agency, None).await;
    assert_eq!(status, 200);
    assert_eq!(listed["items"][0]["id"], id);

    let path = format!("/v1/buyer-requests/{id}");
    let patch = json!({"status": "shortlisting", "criteria": {"preferred_languages": ["en"]}});
    let (status, _) = call(app, Method::PATCH, &path, &agency, Some(&patch)).await;
    assert_eq!(status, 428, "a change must name the version it read");
    let response = app
        .authed(Method::PATCH, &path, &agency)
        .header("If-Match", "\"1\"")
        .json(&patch)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let changed: Value = response.json().await.unwrap();
    assert_eq!(changed["status"], "shortlisting");
    assert_eq!(changed["criteria"]["preferred_languages"], json!(["en"]));
    assert_eq!(
        changed["criteria"]["required_languages"],
        json!(["fr"]),
        "merge patch keeps the rest"
    );

    let cancel = |status: &'static str, version: u32| {
        app.authed(Method::PATCH, &path, &agency)
            .header("If-Match", format!("\"{version}\""))
            .json(&json!({"status": status}))
            .send()
    };
    assert_eq!(cancel("cancelled", 2).await.unwrap().status(), 200);
    let reopened = cancel("open", 3).await.unwrap();
    assert_eq!(reopened.status(), 409, "a cancelled request stays cancelled");
    let problem: Value = reopened.json().await.unwrap();
    assert!(
        problem["detail"].as_str().unwrap().contains("cancelled to open"),
        "{problem}"
    );

    let (status, history) = call(app, Method::GET, &format!("{path}/history"), &agency, None).await;
    assert_eq!(status, 200);
    let actions: Vec<&str> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["created", "shortlisting", "cancelled"]);
    assert_eq!(history["items"][1]["before"]["status"], "open");

    let (status, _) = call(app, Method::DELETE, &path, &agency, None).await;
    assert_eq!(status, 204);
    let (status, _) = call(app, Method::GET, &path, &agency, None).await;
    assert_eq!(status, 404);
});

backend_test!(
    invalid_requests_are_refused_with_every_fault_and_nothing_written,
    |app| {
        let agency = app.token_for("agency").await;
        let mut body = buyer_request(json!({
            "services": [],
            "required_languages": ["zz", "fr"],
            "preferred_languages": ["fr"],
            "required_certifications": ["iso_99999"],
            "min_capacity": {"amount": 0, "unit": "seats"},
            "markets": ["FR", "FR"],
            "start_date": "1990-01-01"
        }));
        body["buyer_country"] = json!("XX");
        body["buyer_name"] = json!(" ");
        let (status, problem) = call(app, Method::POST, "/v1/buyer-requests", &agency, Some(&body)).await;
        assert_eq!(status, 422, "{problem}");
        let fields: Vec<&str> = problem["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        for field in [
            "buyer_name",
            "buyer_country",
            "criteria.services",
            "criteria.required_languages[0]",
            "criteria.preferred_languages[0]",
            "criteria.required_certifications[0]",
            "criteria.markets[1]",
            "criteria.min_capacity.amount",
            "criteria.start_date",
        ] {
            assert!(fields.contains(&field), "{field} missing from {fields:?}");
        }
        let mut closed = buyer_request(contact_centre());
        closed["status"] = json!("closed_won");
        let (status, _) = call(app, Method::POST, "/v1/buyer-requests", &agency, Some(&closed)).await;
        assert_eq!(status, 422, "a new request starts open");
        let mut unknown = buyer_request(contact_centre());
        unknown["criteria"]["budget"] = json!(1000);
        let (status, _) = call(app, Method::POST, "/v1/buyer-requests", &agency, Some(&unknown)).await;
        assert_eq!(status, 422, "unknown fields are refused");
        let (_, listed) = call(app, Method::GET, "/v1/buyer-requests", &agency, None).await;
        assert_eq!(listed["items"], json!([]));
    }
);

backend_test!(only_the_agency_and_admins_reach_matching, |app| {
    let admin = app.admin_token().await;
    let partner = partner_key(app, &admin).await;
    let curator = app.token_for("curator").await;
    let id = create_request(app, &admin, contact_centre()).await;
    let org = "00000000-0000-0000-0000-000000000000";
    let routes = [
        (
            Method::POST,
            "/v1/buyer-requests".to_owned(),
            Some(buyer_request(contact_centre())),
        ),
        (Method::GET, "/v1/buyer-requests".to_owned(), None),
        (Method::GET, format!("/v1/buyer-requests/{id}"), None),
        (
            Method::PATCH,
            format!("/v1/buyer-requests/{id}"),
            Some(json!({"notes": "x"})),
        ),
        (Method::DELETE, format!("/v1/buyer-requests/{id}"), None),
        (Method::GET, format!("/v1/buyer-requests/{id}/history"), None),
        (
            Method::POST,
            format!("/v1/buyer-requests/{id}/matches"),
            Some(json!({})),
        ),
        (Method::GET, format!("/v1/buyer-requests/{id}/matches"), None),
        (
            Method::PUT,
            format!("/v1/buyer-requests/{id}/matches/{org}"),
            Some(json!({})),
        ),
        (
            Method::PATCH,
            format!("/v1/buyer-requests/{id}/matches/{org}"),
            Some(json!({"status": "shortlisted"})),
        ),
        (
            Method::POST,
            "/v1/matches/preview".to_owned(),
            Some(json!({"criteria": contact_centre()})),
        ),
        (Method::GET, "/v1/stats/matching".to_owned(), None),
    ];
    for (method, path, body) in routes {
        for (who, token) in [("partner key", &partner), ("curator", &curator)] {
            let (status, _) = call(app, method.clone(), &path, token, body.as_ref()).await;
            assert_eq!(status, 403, "{who} on {method} {path}");
        }
    }
    let (status, _) = call(
        app,
        Method::GET,
        &format!("/v1/buyer-requests/{id}"),
        &admin,
        None,
    )
    .await;
    assert_eq!(status, 200, "nothing was changed by the refused calls");
});
