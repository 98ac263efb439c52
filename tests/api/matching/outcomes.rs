//! Saved matches, their moves, and the statistics.

use reqwest::Method;
use serde_json::{Value, json};

use super::fixture::{FIRMS, enter_all};
use super::{buyer_request, call, create_request};
use crate::backend_test;

backend_test!(saved_firms_move_only_along_the_pipeline, |app| {
    let curator = app.token_for("curator").await;
    let agency = app.token_for("agency").await;
    let ids = enter_all(app, &curator, &FIRMS[..3]).await;
    let request = create_request(
        app,
        &agency,
        json!({"services": ["bpo.contact_center_inbound"], "required_languages": ["fr"]}),
    )
    .await;
    let matches = format!("/v1/buyer-requests/{request}/matches");
    let firm = |key: &str| format!("{matches}/{}", ids[key]);

    let (status, saved) = call(
        app,
        Method::PUT,
        &firm("F01"),
        &agency,
        Some(&json!({"note": "Strong fit"})),
    )
    .await;
    assert_eq!(status, 201, "{saved}");
    assert_eq!(saved["status"], "proposed");
    assert_eq!(saved["evaluation"]["name"], "Atlantique Contact");
    assert!(saved["evaluation"]["score"].as_f64().unwrap() > 0.0);
    let (status, again) = call(
        app,
        Method::PUT,
        &firm("F01"),
        &agency,
        Some(&json!({"note": "Very strong"})),
    )
    .await;
    assert_eq!(status, 200, "saving again only changes the note");
    assert_eq!(
        (again["status"].as_str(), again["note"].as_str()),
        (Some("proposed"), Some("Very strong"))
    );
    let (status, _) = call(app, Method::PUT, &firm("F02"), &agency, None).await;
    assert_eq!(status, 201);
    let (status, _) = call(
        app,
        Method::PUT,
        &firm("F03"),
        &agency,
        Some(&json!({"status": "won"})),
    )
    .await;
    assert_eq!(status, 422, "a saved firm starts proposed");

    let step = |key: &'static str, status: &'static str| {
        let path = firm(key);
        let agency = agency.clone();
        async move {
            call(
                app,
                Method::PATCH,
                &path,
                &agency,
                Some(&json!({"status": status})),
            )
            .await
        }
    };
    assert_eq!(step("F01", "won").await.0, 409, "proposed cannot jump to won");
    assert_eq!(step("F01", "shortlisted").await.0, 200);
    assert_eq!(step("F01", "proposed").await.0, 409, "no way back");
    assert_eq!(step("F01", "introduced").await.0, 200);
    let (status, won) = step("F01", "won").await;
    assert_eq!(status, 200);
    assert!(won["status_changed_by"].is_string() && won["status_changed_at"].is_string());
    assert_eq!(step("F01", "declined").await.0, 409, "won is final");
    assert_eq!(step("F02", "declined").await.0, 200);
    assert_eq!(step("F02", "bogus").await.0, 422);
    let stale = app
        .authed(Method::PATCH, &firm("F02"), &agency)
        .header("If-Match", "\"1\"")
        .json(&json!({"note": "late"}))
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), 412);

    let (status, listed) = call(app, Method::GET, &matches, &agency, None).await;
    assert_eq!(status, 200);
    let statuses: Vec<&str> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses.len(), 2);
    assert!(statuses.contains(&"won") && statuses.contains(&"declined"));

    let (_, history) = call(
        app,
        Method::GET,
        &format!("/v1/buyer-requests/{request}/history"),
        &agency,
        None,
    )
    .await;
    let actions: Vec<&str> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "created",
            "created",
            "updated",
            "created",
            "shortlisted",
            "introduced",
            "won",
            "declined"
        ]
    );

    let (_, current) = call(
        app,
        Method::GET,
        &format!("/v1/buyer-requests/{request}"),
        &agency,
        None,
    )
    .await;
    let version = current["version"].as_i64().unwrap();
    let close = app
        .authed(Method::PATCH, &format!("/v1/buyer-requests/{request}"), &agency)
        .header("If-Match", format!("\"{version}\""))
        .json(&json!({"status": "closed_won"}))
        .send()
        .await
        .unwrap();
    assert_eq!(close.status(), 200);
    let (status, _) = call(app, Method::PUT, &firm("F03"), &agency, None).await;
    assert_eq!(status, 409, "a closed request takes no more firms");
});

backend_test!(statistics_equal_a_direct_count, |app| {
    let curator = app.token_for("curator").await;
    let agency = app.token_for("agency").await;
    let ids = enter_all(app, &curator, &FIRMS[..4]).await;
    let mut requests = Vec::new();
    for (services, country) in [
        (json!(["bpo.contact_center_inbound"]), "FR"),
        (
            json!(["bpo.contact_center_inbound", "bpo.contact_center_outbound"]),
            "FR",
        ),
        (json!(["bpo.contact_center_outbound"]), "CA"),
    ] {
        let mut body = buyer_request(json!({"services": services}));
        body["buyer_country"] = json!(country);
        let (status, created) = call(app, Method::POST, "/v1/buyer-requests", &agency, Some(&body)).await;
        assert_eq!(status, 201);
        requests.push(created["id"].as_str().unwrap().to_owned());
    }
    let save = |request: &str, key: &str| format!("/v1/buyer-requests/{request}/matches/{}", ids[key]);
    for (request, key) in [(0, "F01"), (0, "F02"), (1, "F01"), (2, "F04")] {
        let (status, _) = call(app, Method::PUT, &save(&requests[request], key), &agency, None).await;
        assert_eq!(status, 201);
    }
    let (status, _) = call(
        app,
        Method::PATCH,
        &save(&requests[0], "F02"),
        &agency,
        Some(&json!({"status": "declined"})),
    )
    .await;
    assert_eq!(status, 200);

    let (status, stats) = call(app, Method::GET, "/v1/stats/matching", &agency, None).await;
    assert_eq!(status, 200, "{stats}");
    assert_eq!(stats["requests"]["total"], 3);
    assert_eq!(stats["requests"]["by_status"]["open"], 3);
    assert_eq!(
        stats["requests"]["by_status"]["cancelled"], 0,
        "every status is listed"
    );
    assert_eq!(stats["matches"]["total"], 4);
    assert_eq!(stats["matches"]["by_status"]["proposed"], 3);
    assert_eq!(stats["matches"]["by_status"]["declined"], 1);
    let group = |name: &str, key: &str| -> Value {
        stats[name]
            .as_array()
            .unwrap()
            .iter()
            .find(|g| g["key"] == key)
            .cloned()
            .unwrap_or(Value::Null)
    };
    let inbound = group("by_service", "bpo.contact_center_inbound");
    assert_eq!(
        (inbound["requests"].as_i64(), inbound["matches"]["total"].as_i64()),
        (Some(2), Some(3))
    );
    let outbound = group("by_service", "bpo.contact_center_outbound");
    assert_eq!(
        (
            outbound["requests"].as_i64(),
            outbound["matches"]["total"].as_i64()
        ),
        (Some(2), Some(2))
    );
    let france = group("by_buyer_country", "FR");
    assert_eq!(
        (
            france["requests"].as_i64(),
            france["matches"]["by_status"]["declined"].as_i64()
        ),
        (Some(2), Some(1))
    );
    assert_eq!(group("by_buyer_country", "CA")["matches"]["total"], 1);

    let (_, past) = call(
        app,
        Method::GET,
        "/v1/stats/matching?from=2000-01-01&to=2000-12-31",
        &agency,
        None,
    )
    .await;
    assert_eq!(
        past["requests"]["total"], 0,
        "requests outside the period are not counted"
    );
    let (status, _) = call(
        app,
        Method::GET,
        "/v1/stats/matching?from=2026-02-01&to=2026-01-01",
        &agency,
        None,
    )
    .await;
    assert_eq!(status, 400);
    let (status, _) = call(
        app,
        Method::GET,
        "/v1/stats/matching?from=yesterday",
        &agency,
        None,
    )
    .await;
    assert_eq!(status, 400);
});

backend_test!(contracts_are_checked_and_may_follow_the_close, |app| {
    let curator = app.token_for("curator").await;
    let agency = app.token_for("agency").await;
    let ids = enter_all(app, &curator, &FIRMS[..1]).await;
    let body = json!({"buyer_name": "Buyer", "buyer_country": "FR", "criteria": {"services": ["bpo"]}});
    let (_, created) = call(app, Method::POST, "/v1/buyer-requests", &agency, Some(&body)).await;
    let request = created["id"].as_str().unwrap().to_owned();
    let path = format!("/v1/buyer-requests/{request}/matches/{}", ids["F01"]);
    assert_eq!(
        call(app, Method::PUT, &path, &agency, Some(&json!({"position": 0})))
            .await
            .0,
        422
    );
    assert_eq!(call(app, Method::PUT, &path, &agency, None).await.0, 201);
    let contract = json!({"estimated_value": 1000, "currency": "EUR"});
    let (status, _) = call(
        app,
        Method::PATCH,
        &path,
        &agency,
        Some(&json!({"contract": contract})),
    )
    .await;
    assert_eq!(status, 422, "only a won match has a contract");
    for step in ["shortlisted", "introduced", "won"] {
        assert_eq!(
            call(app, Method::PATCH, &path, &agency, Some(&json!({"status": step})))
                .await
                .0,
            200
        );
    }
    for bad in [
        json!({"estimated_value": 0, "currency": "EUR"}),
        json!({"estimated_value": 10, "currency": "EURO"}),
        json!({"estimated_value": 10, "currency": "ZZZ"}),
        json!({"estimated_value": 10, "currency": "EUR", "months": 0}),
        json!({"estimated_value": 10}),
    ] {
        let (status, problem) = call(
            app,
            Method::PATCH,
            &path,
            &agency,
            Some(&json!({"contract": bad})),
        )
        .await;
        assert!(matches!(status, 400 | 422), "{bad}: {status} {problem}");
    }
    let version = app
        .read_json(&format!("/v1/buyer-requests/{request}"), &agency)
        .await["version"]
        .as_i64()
        .unwrap();
    let closed = app
        .authed(Method::PATCH, &format!("/v1/buyer-requests/{request}"), &agency)
        .header("If-Match", format!("\"{version}\""))
        .json(&json!({"status": "closed_won"}))
        .send()
        .await
        .unwrap();
    let closed: Value = closed.json().await.unwrap();
    assert!(closed["closed_at"].is_string(), "{closed}");
    let (status, saved) = call(
        app,
        Method::PATCH,
        &path,
        &agency,
        Some(&json!({"contract": contract})),
    )
    .await;
    assert_eq!(status, 200, "a value learnt after the close: {saved}");
    assert_eq!(saved["contract"], contract);
    assert!(saved["introduced_at"].is_string());
    let (status, _) = call(app, Method::PATCH, &path, &agency, Some(&json!({"note": "late"}))).await;
    assert_eq!(status, 409, "nothing else moves on a closed request");
});
