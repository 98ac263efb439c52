//! Rankings: hard constraints, breakdowns, order, near misses, and what is never ranked.

use reqwest::Method;
use serde_json::{Value, json};

use super::fixture::{FIRMS, enter, enter_all, sooner_start, start_date};
use super::{call, create_request, ranked_ids};
use crate::backend_test;
use crate::directory::{act, create_org, etag};

async fn preview(app: &crate::helpers::TestApp, token: &str, criteria: Value, options: Value) -> Value {
    let body = json!({"criteria": criteria, "options": options});
    let (status, answer) = call(app, Method::POST, "/v1/matches/preview", token, Some(&body)).await;
    assert_eq!(status, 200, "{answer}");
    answer
}

backend_test!(each_hard_constraint_excludes_exactly_the_firms_it_should, |app| {
    let curator = app.token_for("curator").await;
    let agency = app.token_for("agency").await;
    let ids = enter_all(app, &curator, &FIRMS[..10]).await;
    let id = |key: &str| ids[key].clone();
    // Inbound contact centres, French, ISO/IEC 27001 valid on the start date, 40 seats.
    let criteria = json!({"services": ["bpo.contact_center_inbound"], "required_languages": ["fr"],
        "required_certifications": ["iso_iec_27001"], "min_capacity": {"amount": 40, "unit": "seats"},
        "start_date": start_date()});
    let answer = preview(app, &agency, criteria.clone(), json!({"include_excluded": true})).await;
    let mut eligible = ranked_ids(&answer, "results");
    eligible.sort();
    let mut expected = vec![id("F01"), id("F02"), id("F07")];
    expected.sort();
    assert_eq!(eligible, expected);
    let excluded = answer["excluded"].as_array().unwrap();
    let reason = |key: &str| -> Vec<(String, Option<String>)> {
        let found = excluded
            .iter()
            .find(|r| r["organization_id"] == id(key))
            .unwrap_or_else(|| panic!("{key} not among the near misses {excluded:?}"));
        found["excluded_by"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["constraint"].as_str().unwrap().to_owned(),
                    e["code"].as_str().map(str::to_owned),
                )
            })
            .collect()
    };
    let certificate = (
        "required_certification".to_owned(),
        Some("iso_iec_27001".to_owned()),
    );
    assert_eq!(
        reason("F03"),
        std::slice::from_ref(&certificate),
        "expired certificate"
    );
    assert_eq!(reason("F06"), [("capacity".to_owned(), None)], "30 seats for 40");
    assert_eq!(
        reason("F08"),
        [("required_language".to_owned(), Some("fr".to_owned()))]
    );
    assert_eq!(reason("F09"), [certificate]);
    let outbound = excluded.iter().any(|r| r["organization_id"] == id("F04"));
    assert!(!outbound, "a firm without the wanted service is not a near miss");
    let expired = excluded
        .iter()
        .find(|r| r["organization_id"] == id("F03"))
        .unwrap();
    assert_eq!(
        expired["excluded_by"][0]["reason"]["en"],
        format!(
            "ISO/IEC 27001 certificate expired on 2025-02-28, not valid on {}",
            start_date()
        )
    );

    // A certificate valid today but lapsed by the start date does not count.
    let support = json!({"services": ["bpo.customer_support"], "required_certifications": ["iso_iec_27001"],
        "start_date": start_date()});
    assert!(
        ranked_ids(
            &preview(app, &agency, support.clone(), json!({})).await,
            "results"
        )
        .is_empty()
    );
    let mut sooner = support;
    sooner["start_date"] = json!(sooner_start());
    assert_eq!(
        ranked_ids(&preview(app, &agency, sooner, json!({})).await, "results"),
        [id("F05")]
    );

    // A category covers every service below it.
    let category = preview(app, &agency, json!({"services": ["bpo"]}), json!({"limit": 100})).await;
    assert_eq!(ranked_ids(&category, "results").len(), 10);
});

backend_test!(scores_add_up_and_the_order_is_stable, |app| {
    let curator = app.token_for("curator").await;
    let agency = app.token_for("agency").await;
    enter_all(app, &curator, &FIRMS[..10]).await;
    let criteria = json!({"services": ["bpo"], "preferred_languages": ["en"], "markets": ["FR", "GB"],
        "preferred_certifications": ["pci_dss"], "delivery_modes": ["offshore", "remote"],
        "min_capacity": {"amount": 40, "unit": "seats"}});
    let request = create_request(app, &agency, criteria).await;
    let path = format!("/v1/buyer-requests/{request}/matches");
    let response = app.authed(Method::POST, &path, &agency).send().await.unwrap();
    assert_eq!(response.status(), 200, "the body may be left out");
    let first: Value = response.json().await.unwrap();
    assert_eq!(first["request_id"], request.as_str());
    let results = first["results"].as_array().unwrap();
    assert!(results.len() >= 5, "{first}");
    let mut previous = f64::INFINITY;
    for result in results {
        let score = result["score"].as_f64().unwrap();
        let sum: f64 = result["breakdown"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["points"].as_f64().unwrap())
            .sum();
        assert!((sum - score).abs() < 1e-6, "breakdown {sum} vs score {score}");
        assert!(score <= previous, "best first");
        previous = score;
        for criterion in result["breakdown"].as_array().unwrap() {
            assert!(criterion["reason"]["fr"].is_string() && criterion["reason"]["en"].is_string());
        }
    }
    for _ in 0..3 {
        let (_, again) = call(app, Method::POST, &path, &agency, Some(&json!({}))).await;
        assert_eq!(again["results"], first["results"], "same data, same list");
    }
    let weights = json!({"weights": {"verification": 100, "service_fit": 0, "preferred_languages": 0,
        "preferred_certifications": 0, "market_experience": 0, "spare_capacity": 0, "delivery_mode": 0}});
    let (_, verified_first) = call(app, Method::POST, &path, &agency, Some(&weights)).await;
    let top: Vec<&str> = verified_first["results"].as_array().unwrap()[..3]
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        top,
        ["Atlantique Contact", "Ngor Contact", "Téranga Call"],
        "weights are applied"
    );
    let (status, problem) = call(
        app,
        Method::POST,
        &path,
        &agency,
        Some(&json!({"limit": 101, "weights": {"service_fit": 101}})),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(problem["errors"].as_array().unwrap().len(), 2, "{problem}");
});

backend_test!(drafts_and_other_kinds_are_never_ranked, |app| {
    let curator = app.token_for("curator").await;
    let agency = app.token_for("agency").await;
    let draft = enter(app, &curator, &FIRMS[0], false).await;
    let published = enter(app, &curator, &FIRMS[1], true).await;
    let association = create_org(
        app,
        &curator,
        &json!({"kind": "association", "name": "Centres d'appels unis", "country": "SN"}),
    )
    .await;
    let association = association["id"].as_str().unwrap();
    let capability = json!({"service_code": "bpo.contact_center_inbound", "delivery_modes": ["offshore"], "languages": [{"code": "fr"}]});
    let response = app
        .authed(
            Method::POST,
            &format!("/v1/organizations/{association}/capabilities"),
            &curator,
        )
        .json(&capability)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    assert_eq!(
        crate::directory::act(app, &curator, association, "publish").await,
        200
    );
    let answer = preview(
        app,
        &agency,
        json!({"services": ["bpo"]}),
        json!({"include_excluded": true}),
    )
    .await;
    assert_eq!(
        ranked_ids(&answer, "results"),
        [published],
        "only the published firm: {answer}"
    );
    assert_eq!(answer["excluded"], json!([]));
    let request = create_request(app, &agency, json!({"services": ["bpo"]})).await;
    let (status, _) = call(
        app,
        Method::PUT,
        &format!("/v1/buyer-requests/{request}/matches/{draft}"),
        &agency,
        None,
    )
    .await;
    assert_eq!(status, 404, "a draft cannot be proposed");
});

backend_test!(a_ranking_that_stops_early_gives_the_exhaustive_top, |app| {
    // More candidates than are ranked whole, so that the banded, early-stopping walk runs.
    app.seed_synthetic(2500).await;
    let curator = app.token_for("curator").await;
    let agency = app.token_for("agency").await;
    let (_, page) = call(
        app,
        Method::GET,
        "/v1/organizations?kind=firm&sort=name&order=desc&limit=3",
        &curator,
        None,
    )
    .await;
    let verified: Vec<String> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap().to_owned())
        .collect();
    for id in &verified {
        assert_eq!(crate::directory::act(app, &curator, id, "verify").await, 200);
    }
    let everything = json!(["bpo", "it", "digital", "kpo"]);
    let needs = [
        (json!({"services": everything, "required_languages": ["fr"]}), 50),
        (
            json!({"services": everything, "required_languages": ["en"], "markets": ["FR", "BE"],
                   "min_capacity": {"amount": 100, "unit": "seats"}, "delivery_modes": ["remote"]}),
            20,
        ),
        // Narrow: settled by the firms that may earn full marks, read first.
        (
            json!({"services": ["bpo.contact_center_inbound"], "required_languages": ["en"],
                   "required_certifications": ["iso_iec_27001"], "min_capacity": {"amount": 100, "unit": "seats"}}),
            5,
        ),
        (
            json!({"services": ["bpo"], "preferred_languages": ["en", "es"],
                   "min_capacity": {"amount": 50, "unit": "seats"}}),
            20,
        ),
    ];
    for (criteria, limit) in needs.clone() {
        // The synthetic firms are samples, ranked when asked.
        let fast = preview(
            app,
            &agency,
            criteria.clone(),
            json!({"limit": limit, "include_samples": true}),
        )
        .await;
        let full = preview(
            app,
            &agency,
            criteria.clone(),
            json!({"limit": limit, "include_excluded": true, "include_samples": true}),
        )
        .await;
        assert_eq!(fast["results"].as_array().unwrap().len(), limit, "{criteria}");
        assert_eq!(
            fast["results"], full["results"],
            "early stop changed the top for {criteria}"
        );
    }
    crate::matching::paths::database_and_memory_agree(&app.db.url, needs.to_vec()).await;
    // The verified firms are the last by name, software firms: among software firms only
    // verification tells them apart.
    let it = json!({"services": ["it"], "required_languages": ["fr"]});
    let broad = preview(app, &agency, it, json!({"include_samples": true})).await;
    let mut top: Vec<String> = ranked_ids(&broad, "results").into_iter().take(3).collect();
    let mut verified = verified;
    top.sort();
    verified.sort();
    assert_eq!(
        top, verified,
        "recently verified firms come first when nothing else differs"
    );
});

backend_test!(a_ranking_sees_every_change_to_a_firm_at_once, |app| {
    let curator = app.token_for("curator").await;
    let agency = app.token_for("agency").await;
    let id = enter(app, &curator, &FIRMS[0], true).await;
    let criteria = json!({"services": ["bpo.contact_center_inbound"], "required_languages": ["en"],
        "required_certifications": ["iso_iec_27001"], "min_capacity": {"amount": 150, "unit": "seats"}});
    let ranked = async || {
        ranked_ids(
            &preview(app, &agency, criteria.clone(), json!({})).await,
            "results",
        )
    };
    let only_this_firm = vec![id.clone()];
    assert_eq!(ranked().await, only_this_firm);

    // A record changed, removed, added again.
    let first_record = async |kind: &str| {
        let path = format!("/v1/organizations/{id}/{kind}");
        let (_, listed) = call(app, Method::GET, &path, &curator, None).await;
        format!("{path}/{}", listed["items"][0]["id"].as_str().unwrap())
    };
    // Changes a record or the firm as the curator would: with the ETag just read.
    let change = async |method: Method, path: &str, body: Option<Value>| {
        let read = app.authed(Method::GET, path, &curator).send().await.unwrap();
        let mut request = app.authed(method, path, &curator).header("If-Match", etag(&read));
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.unwrap().status().as_u16()
    };
    let capability = first_record("capabilities").await;
    let seats = json!({"capacity_seats": 120});
    assert_eq!(change(Method::PATCH, &capability, Some(seats)).await, 200);
    assert!(ranked().await.is_empty(), "120 seats for 150");
    let french_only = json!({"capacity_seats": 150, "languages": [{"code": "fr"}]});
    assert_eq!(change(Method::PATCH, &capability, Some(french_only)).await, 200);
    assert!(ranked().await.is_empty(), "English no longer spoken");
    let english = json!({"languages": [{"code": "en"}]});
    assert_eq!(change(Method::PATCH, &capability, Some(english)).await, 200);
    assert_eq!(ranked().await, only_this_firm);
    let certificate = first_record("certifications").await;
    assert_eq!(change(Method::DELETE, &certificate, None).await, 204);
    assert!(ranked().await.is_empty(), "certificate removed");
    let body = json!({"scheme": "iso_iec_27001", "valid_until": "2099-12-31"});
    let path = format!("/v1/organizations/{id}/certifications");
    assert_eq!(call(app, Method::POST, &path, &curator, Some(&body)).await.0, 201);
    assert_eq!(ranked().await, only_this_firm);

    // The firm itself renamed, then withdrawn.
    let renamed = json!({"name": "Atlantique Relation Client"});
    assert_eq!(
        change(Method::PATCH, &format!("/v1/organizations/{id}"), Some(renamed)).await,
        200
    );
    let answer = preview(app, &agency, criteria.clone(), json!({})).await;
    assert_eq!(answer["results"][0]["name"], "Atlantique Relation Client");
    assert_eq!(act(app, &curator, &id, "unpublish").await, 200);
    assert!(ranked().await.is_empty(), "a draft is never ranked");
    assert_eq!(act(app, &curator, &id, "publish").await, 200);
    assert_eq!(ranked().await, only_this_firm);
    assert_eq!(act(app, &curator, &id, "archive").await, 200);
    assert!(ranked().await.is_empty(), "an archived firm is never ranked");
});

backend_test!(
    firms_published_before_profiles_existed_are_ranked_after_a_restart,
    |app| {
        let curator = app.token_for("curator").await;
        let agency = app.token_for("agency").await;
        let ids = enter_all(app, &curator, &FIRMS[..4]).await;
        // As the database stood before match profiles were introduced.
        app.db.execute("DELETE FROM match_profiles");
        let criteria = json!({"services": ["bpo"]});

        let restarted = app.spawn_server(&[]).await;
        let answer: Value = app
            .client
            .post(restarted.url("/v1/matches/preview"))
            .bearer_auth(&agency)
            .json(&json!({"criteria": criteria}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let mut ranked = ranked_ids(&answer, "results");
        ranked.sort();
        let mut expected: Vec<String> = ids.into_values().collect();
        expected.sort();
        assert_eq!(ranked, expected);
        restarted.stop().await;
    }
);
