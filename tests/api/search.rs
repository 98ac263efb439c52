//! Finding organizations: filters, full-text search, facets, pagination, export.

use std::collections::BTreeSet;

use reqwest::Method;
use serde_json::{Value, json};

use crate::backend_test;
use crate::directory::{act, create_org, every_organization, facets, partner_key};
use crate::helpers::TestApp;

const FIXTURE: [&str; 4] = [
    "Téléservices Atlantique",
    "Data Sahel",
    "Conseil Gorée",
    "Association Numérique",
];

/// Four organizations with known traits; all but "Conseil Gorée" published.
pub async fn fixture(app: &TestApp, curator: &str) {
    let records = [
        (
            json!({"kind": "firm", "name": FIXTURE[0], "country": "SN", "region": "Dakar", "employees": 300, "founded_year": 2010,
                   "description": {"fr": "Centre de contacts pour l'assurance."}}),
            vec![
                (
                    "capabilities",
                    json!({"service_code": "bpo.contact_center_inbound", "delivery_modes": ["offshore"],
                                        "languages": [{"code": "fr", "seats": 100}, {"code": "en"}], "capacity_seats": 120}),
                ),
                ("markets", json!({"country": "FR", "kind": "served"})),
                (
                    "certifications",
                    json!({"scheme": "iso_iec_27001", "valid_until": "2099-01-01"}),
                ),
            ],
            true,
        ),
        (
            json!({"kind": "firm", "name": FIXTURE[1], "country": "SN", "region": "Thiès", "employees": 40, "founded_year": 2018}),
            vec![
                (
                    "capabilities",
                    json!({"service_code": "it.data_analytics", "delivery_modes": ["remote"],
                                        "languages": [{"code": "fr"}, {"code": "wo"}], "capacity_fte": 20}),
                ),
                ("markets", json!({"country": "CA", "kind": "target"})),
                (
                    "certifications",
                    json!({"scheme": "iso_9001", "valid_until": "2020-01-01"}),
                ),
            ],
            true,
        ),
        (
            json!({"kind": "firm", "name": FIXTURE[2], "country": "CI", "employees": 12, "founded_year": 2021}),
            vec![
                (
                    "capabilities",
                    json!({"service_code": "kpo.management_consulting", "delivery_modes": ["onsite"], "languages": [{"code": "en"}]}),
                ),
                ("markets", json!({"country": "BE", "kind": "served"})),
            ],
            false,
        ),
        (
            json!({"kind": "association", "name": FIXTURE[3], "country": "SN",
                   "description": {"fr": "Nous aidons les entreprises du Sahel à exporter."}}),
            vec![],
            true,
        ),
    ];
    for (organization, items, publish) in records {
        let org = create_org(app, curator, &organization).await;
        let id = org["id"].as_str().unwrap();
        for (path, body) in items {
            let response = app
                .authed(Method::POST, &format!("/v1/organizations/{id}/{path}"), curator)
                .json(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 201);
        }
        if publish {
            assert_eq!(act(app, curator, id, "publish").await, 200);
        }
        if organization["name"] == FIXTURE[0] {
            assert_eq!(act(app, curator, id, "verify").await, 200);
        }
    }
}

/// Every organization of a query (all pages), by name.
async fn names(app: &TestApp, token: &str, query: &str) -> Vec<String> {
    every_organization(app, token, &format!("limit=100&{query}"))
        .await
        .iter()
        .map(|o| o["name"].as_str().unwrap().to_owned())
        .collect()
}

/// The fixture's organizations a query returns, as a set.
async fn matching(app: &TestApp, token: &str, query: &str) -> BTreeSet<String> {
    names(app, token, query)
        .await
        .into_iter()
        .filter(|n| FIXTURE.contains(&n.as_str()))
        .collect()
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|n| n.to_string()).collect()
}

backend_test!(each_filter_alone_and_combined, |app| {
    let curator = app.token_for("curator").await;
    fixture(app, &curator).await;
    let [tele, data, conseil, association] = FIXTURE;
    for (query, expected) in [
        ("kind=association", vec![association]),
        ("status=draft", vec![conseil]),
        ("country=CI", vec![conseil]),
        ("region=Thi%C3%A8s", vec![data]),
        ("service=bpo", vec![tele]),
        ("service=bpo.contact_center_inbound", vec![tele]),
        ("service=it", vec![data]),
        ("language=wo", vec![data]),
        ("market=FR", vec![tele]),
        ("market=CA", vec![data]),
        ("certification=iso_iec_27001", vec![tele]),
        ("certification=iso_9001", vec![]),
        (
            "certification=iso_9001&expired_certifications=include",
            vec![data],
        ),
        ("min_seats=50", vec![tele]),
        ("min_seats=500", vec![]),
        ("min_fte=10", vec![data]),
        ("employees_min=100", vec![tele]),
        ("employees_max=50", vec![data, conseil]),
        ("founded_from=2015&founded_to=2019", vec![data]),
        ("verified=true", vec![tele]),
        ("sample=only", vec![]),
        ("sample=exclude&kind=firm", vec![tele, data, conseil]),
        ("updated_since=2999-01-01T00:00:00Z", vec![]),
        // OR within a name, AND across names.
        ("language=wo&language=en", vec![tele, data, conseil]),
        ("language=fr&market=FR", vec![tele]),
        ("language=en&market=FR&market=BE", vec![tele, conseil]),
        ("service=bpo&service=kpo&country=SN", vec![tele]),
    ] {
        assert_eq!(matching(app, &curator, query).await, set(&expected), "{query}");
    }
});

backend_test!(
    full_text_search_ignores_case_and_accents_and_completes_the_last_word,
    |app| {
        let curator = app.token_for("curator").await;
        fixture(app, &curator).await;
        let [tele, data, _, association] = FIXTURE;
        for (q, expected) in [
            ("TELESERVICES", vec![tele]),
            ("téléserv", vec![tele]),
            ("atlantique tele", vec![tele]),
            ("assurance", vec![tele]),
            ("contact", vec![tele]),
            ("analytics", vec![data]),
            ("sahel", vec![data, association]),
            ("gor", vec!["Conseil Gorée"]),
            ("xyzzy", vec![]),
        ] {
            assert_eq!(
                matching(app, &curator, &format!("q={q}")).await,
                set(&expected),
                "q={q}"
            );
        }
        // The name weighs most: the firm named Sahel before the association that mentions it.
        let ranked = names(app, &curator, "q=sahel").await;
        assert_eq!(ranked, [data, association]);
        // Search syntax and SQL in q are just text.
        for q in [
            "%27%3B%20DROP%20TABLE%20organizations%3B--",
            "%22%2A%28%29%3A%26%7C%21",
            "NEAR%28a%20b%29",
            "%E2%80%94",
        ] {
            let response = app
                .authed(Method::GET, &format!("/v1/organizations?q={q}"), &curator)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200, "q={q}");
        }
        let long = "a".repeat(201);
        let response = app
            .authed(Method::GET, &format!("/v1/organizations?q={long}"), &curator)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400);
    }
);

backend_test!(bad_parameters_are_400s_naming_the_parameter, |app| {
    let curator = app.token_for("curator").await;
    for (query, parameter) in [
        ("kind=company", "kind"),
        ("country=XX", "country"),
        ("service=bpo.nothing", "service"),
        ("language=zz", "language"),
        ("certification=iso_0", "certification"),
        ("min_seats=many", "min_seats"),
        ("employees_min=-1", "employees_min"),
        ("verified=yes", "verified"),
        ("updated_since=yesterday", "updated_since"),
        ("sort=popularity", "sort"),
        ("sort=relevance", "sort"),
        ("order=up", "order"),
        ("limit=101", "limit"),
        ("limit=0", "limit"),
        ("colour=blue", "colour"),
        ("cursor=abc.def", "cursor"),
    ] {
        let response = app
            .authed(Method::GET, &format!("/v1/organizations?{query}"), &curator)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{query}");
        let problem: Value = response.json().await.unwrap();
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .contains(&format!("`{parameter}`")),
            "{query}: {problem}"
        );
    }
    let partner = app.token_for("partner").await;
    let response = app
        .authed(Method::GET, "/v1/organizations?status=draft", &partner)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400, "partners cannot ask for drafts");
});

backend_test!(cursors_resist_tampering_and_pages_survive_inserts, |app| {
    let curator = app.token_for("curator").await;
    for i in 0..12 {
        create_org(
            app,
            &curator,
            &json!({"kind": "firm", "name": format!("Paging {:02}", i * 2), "country": "SN"}),
        )
        .await;
    }
    let page = |cursor: Option<String>| {
        let path = match cursor {
            Some(c) => format!("/v1/organizations?q=paging&sort=name&limit=5&cursor={c}"),
            None => "/v1/organizations?q=paging&sort=name&limit=5".to_owned(),
        };
        app.authed(Method::GET, &path, &curator).send()
    };
    let first: Value = page(None).await.unwrap().json().await.unwrap();
    let cursor = first["next_cursor"].as_str().unwrap().to_owned();

    // A cursor edited by one character, or used with another order, is refused.
    let mut tampered = cursor.clone().into_bytes();
    let middle = tampered.len() / 3;
    tampered[middle] = if tampered[middle] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    assert_eq!(page(Some(tampered)).await.unwrap().status(), 400);
    let other_order = app
        .authed(
            Method::GET,
            &format!("/v1/organizations?q=paging&sort=created&limit=5&cursor={cursor}"),
            &curator,
        )
        .send()
        .await
        .unwrap();
    assert_eq!(other_order.status(), 400);

    // Inserting while paging neither skips nor repeats a row that was there at the start.
    let mut seen: Vec<String> = first["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap().to_owned())
        .collect();
    let mut next = Some(cursor);
    let mut inserted = 0;
    while let Some(cursor) = next {
        for name in [
            format!("Paging {:02}", inserted * 2 + 1),
            format!("Paging 00-{inserted}"),
        ] {
            create_org(
                app,
                &curator,
                &json!({"kind": "firm", "name": name, "country": "SN"}),
            )
            .await;
        }
        inserted += 1;
        let body: Value = page(Some(cursor)).await.unwrap().json().await.unwrap();
        seen.extend(
            body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|o| o["name"].as_str().unwrap().to_owned()),
        );
        next = body["next_cursor"].as_str().map(str::to_owned);
    }
    let unique: BTreeSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "no row twice: {seen:?}");
    for i in 0..12 {
        let name = format!("Paging {:02}", i * 2);
        assert!(seen.contains(&name), "{name} was skipped");
    }
});

backend_test!(list_answers_304_while_nothing_changes, |app| {
    let curator = app.token_for("curator").await;
    let url = "/v1/organizations?limit=3&sort=name";
    let response = app.authed(Method::GET, url, &curator).send().await.unwrap();
    let tag = response.headers()["etag"].to_str().unwrap().to_owned();
    let again = app
        .authed(Method::GET, url, &curator)
        .header("If-None-Match", &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    create_org(
        app,
        &curator,
        &json!({"kind": "firm", "name": "Aaa First", "country": "SN"}),
    )
    .await;
    // The same query, so only the new first row can change its tag.
    let changed = app
        .authed(Method::GET, url, &curator)
        .header("If-None-Match", &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), 200);
    assert_ne!(changed.headers()["etag"].to_str().unwrap(), tag);
    let body: Value = changed.json().await.unwrap();
    assert_eq!(body["items"][0]["name"], "Aaa First");
});

/// Checks every count of `facets?{base}` against the list it stands for: the other filters of
/// `base` plus the counted value.
async fn assert_facets_count_like_lists(app: &TestApp, token: &str, base: &str) {
    let facets = facets(app, token, base).await;
    for (facet, parameter) in [
        ("kind", "kind"),
        ("country", "country"),
        ("service_category", "service"),
        ("service", "service"),
        ("language", "language"),
        ("market", "market"),
        ("certification", "certification"),
    ] {
        // The facet's own filter is left out of its counts.
        let others: Vec<&str> = base
            .split('&')
            .filter(|p| !p.is_empty() && !p.starts_with(&format!("{parameter}=")))
            .collect();
        let mut counted = 0;
        for entry in facets[facet].as_array().unwrap() {
            let value = entry["value"].as_str().unwrap();
            let mut query = others.clone();
            let own = format!("{parameter}={value}");
            query.push(&own);
            let count = names(app, token, &query.join("&")).await.len() as i64;
            assert_eq!(
                entry["count"].as_i64().unwrap(),
                count,
                "facets?{base} {facet}={value}"
            );
            counted += count;
        }
        // A value left out of a facet is one no listed organization holds: every value the
        // listed organizations' details show, and the facet does not, lists no organization.
        let listed: BTreeSet<String> = facets[facet]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["value"].as_str().unwrap().to_owned())
            .collect();
        let held = held_values(app, token, &others.join("&"), facet).await;
        for value in held.difference(&listed) {
            let mut query = others.clone();
            let own = format!("{parameter}={value}");
            query.push(&own);
            let found = names(app, token, &query.join("&")).await;
            assert!(
                found.is_empty(),
                "facets?{base} leaves out {facet}={value}: {found:?}"
            );
        }
        if facet == "kind" || facet == "country" {
            let listed = names(app, token, &others.join("&")).await.len() as i64;
            assert_eq!(counted, listed, "facets?{base}: every {facet} counted");
        }
    }
}

/// The values of `facet` that the organizations of a list hold, read from each one's detail.
async fn held_values(app: &TestApp, token: &str, query: &str, facet: &str) -> BTreeSet<String> {
    let mut held = BTreeSet::new();
    for organization in every_organization(app, token, &format!("limit=100&{query}")).await {
        let id = organization["id"].as_str().unwrap();
        let detail = app.read_json(&format!("/v1/organizations/{id}"), token).await;
        let each = |list: &str, field: &str| -> Vec<String> {
            detail[list]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r[field].as_str().unwrap().to_owned())
                .collect()
        };
        let values = match facet {
            "kind" | "country" => vec![detail[facet].as_str().unwrap().to_owned()],
            "service" => each("capabilities", "service_code"),
            "service_category" => each("capabilities", "service_code")
                .iter()
                .map(|c| c.split('.').next().unwrap().to_owned())
                .collect(),
            "language" => detail["capabilities"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|c| c["languages"].as_array().unwrap().iter())
                .map(|l| l["code"].as_str().unwrap().to_owned())
                .collect(),
            "market" => each("markets", "country"),
            "certification" => each("certifications", "scheme"),
            other => panic!("no oracle for facet {other}"),
        };
        held.extend(values);
    }
    held
}

backend_test!(facet_counts_equal_brute_force_counts, |app| {
    let curator = app.token_for("curator").await;
    fixture(app, &curator).await;
    for base in [
        "",
        "language=fr",
        "market=FR&language=en",
        "country=SN&kind=firm",
        "q=sahel",
        "certification=iso_iec_27001",
        "certification=iso_9001&expired_certifications=include",
        "region=Dakar&region=Thi%C3%A8s&employees_min=30&employees_max=400",
        "founded_from=2015&founded_to=2022&status=published",
        "min_seats=100&verified=true&sample=exclude",
        "min_fte=10&updated_since=2020-01-01T00:00:00Z&service=it",
    ] {
        assert_facets_count_like_lists(app, &curator, base).await;
    }
});

backend_test!(facet_counts_follow_every_change, |app| {
    let curator = app.token_for("curator").await;
    fixture(app, &curator).await;
    let bases = [
        "",
        "language=en",
        "certification=iso_iec_27001&market=FR",
        "status=published",
    ];
    for base in bases {
        assert_facets_count_like_lists(app, &curator, base).await;
    }
    let tele = &every_organization(app, &curator, "q=teleservices").await[0];
    let tele_id = tele["id"].as_str().unwrap();
    let new = create_org(
        app,
        &curator,
        &json!({"kind": "firm", "name": "Nouvelle Firme", "country": "ML", "employees": 8}),
    )
    .await;
    let new_id = new["id"].as_str().unwrap();
    let added = [
        (
            new_id,
            "capabilities",
            json!({"service_code": "bpo.contact_center_inbound", "delivery_modes": ["remote"],
                   "languages": [{"code": "en"}, {"code": "es"}], "capacity_seats": 30}),
        ),
        (new_id, "markets", json!({"country": "FR", "kind": "target"})),
        (
            new_id,
            "certifications",
            json!({"scheme": "iso_iec_27001", "valid_until": "2001-01-01"}),
        ),
        (tele_id, "markets", json!({"country": "ES", "kind": "served"})),
    ];
    for (id, path, body) in added {
        let response = app
            .authed(Method::POST, &format!("/v1/organizations/{id}/{path}"), &curator)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
    }
    for base in bases {
        assert_facets_count_like_lists(app, &curator, base).await;
    }
    assert_eq!(act(app, &curator, new_id, "publish").await, 200);
    assert_eq!(act(app, &curator, tele_id, "unpublish").await, 200);
    for base in bases {
        assert_facets_count_like_lists(app, &curator, base).await;
    }
    let facets = facets(app, &curator, "status=published").await;
    assert!(
        facets["country"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["value"] == "ML"),
        "the firm just published is counted: {facets}"
    );
    assert!(
        !facets["market"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["value"] == "ES"),
        "the firm just unpublished is not: {facets}"
    );
});

backend_test!(partners_never_see_drafts_through_search_facets_or_export, |app| {
    let curator = app.token_for("curator").await;
    fixture(app, &curator).await;
    let admin = app.admin_token().await;
    let key = partner_key(app, &admin).await;
    assert!(!names(app, &key, "").await.contains(&"Conseil Gorée".to_owned()));
    assert!(names(app, &key, "q=gor").await.is_empty());
    let facets = facets(app, &key, "").await;
    assert!(
        !facets["country"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["value"] == "CI"),
        "the draft's country is not counted"
    );
    let export = app
        .authed(Method::GET, "/v1/organizations/export", &key)
        .send()
        .await
        .unwrap();
    assert_eq!(export.status(), 200);
    let export = export.text().await.unwrap();
    let exported: BTreeSet<String> = export
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["name"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(exported, names(app, &key, "").await.into_iter().collect());
    assert!(exported.contains("Data Sahel"), "published firms are exported");
    assert!(!export.contains("Conseil Gorée") && !export.contains("internal_notes"));
});

backend_test!(export_streams_every_visible_row, |app| {
    let curator = app.token_for("curator").await;
    fixture(app, &curator).await;
    let all = names(app, &curator, "").await;
    let response = app
        .authed(Method::GET, "/v1/organizations/export?format=ndjson", &curator)
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-type"], "application/x-ndjson");
    let text = response.text().await.unwrap();
    let exported: Vec<Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(exported.len(), all.len());

    let csv = app
        .authed(
            Method::GET,
            "/v1/organizations/export?format=csv&country=SN",
            &curator,
        )
        .send()
        .await
        .unwrap();
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let csv = csv.text().await.unwrap();
    let mut lines = csv.lines();
    assert!(lines.next().unwrap().starts_with("id,slug,kind,name"));
    assert_eq!(lines.count(), names(app, &curator, "country=SN").await.len());
    let bad = app
        .authed(Method::GET, "/v1/organizations/export?format=xml", &curator)
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
});
