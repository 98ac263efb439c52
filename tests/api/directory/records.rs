//! Every kind of organization record: create, read, change, delete; validation; concurrency.

use reqwest::Method;
use serde_json::{Value, json};

use super::{create_org, etag, firm};
use crate::backend_test;
use crate::helpers::TestApp;

/// A kind of record: its path, a valid body, a patch, and a body invalid in `field`.
struct Kind {
    path: &'static str,
    valid: Value,
    patch: Value,
    invalid: Value,
    field: &'static str,
}

fn kinds(other_org: &str, programme: &str) -> Vec<Kind> {
    vec![
        Kind {
            path: "capabilities",
            valid: json!({"service_code": "bpo.contact_center_inbound", "delivery_modes": ["offshore", "nearshore"],
                          "languages": [{"code": "fr", "seats": 30}, {"code": "wo"}], "capacity_seats": 40, "capacity_as_of": "2026-09-30"}),
            patch: json!({"capacity_seats": 60}),
            invalid: json!({"service_code": "bpo.unknown", "delivery_modes": ["offshore"]}),
            field: "service_code",
        },
        Kind {
            path: "markets",
            valid: json!({"country": "FR", "kind": "served", "since_year": 2015, "reference_clients": 3}),
            patch: json!({"reference_clients": 5}),
            invalid: json!({"country": "FRA", "kind": "served"}),
            field: "country",
        },
        Kind {
            path: "certifications",
            valid: json!({"scheme": "iso_iec_27001", "certificate_number": "IS 1", "valid_from": "2024-03-02", "valid_until": "2027-03-01"}),
            patch: json!({"issuer": "Bureau"}),
            invalid: json!({"scheme": "iso_iec_27001", "valid_from": "2027-03-02", "valid_until": "2024-03-01"}),
            field: "valid_until",
        },
        Kind {
            path: "contacts",
            valid: json!({"name": "Awa Ndiaye", "role_title": "Directrice", "email": "awa@example.sn", "phone": "+221771234567"}),
            patch: json!({"role_title": "Directrice générale"}),
            invalid: json!({"name": "Awa Ndiaye", "phone": "77 123 45 67"}),
            field: "phone",
        },
        Kind {
            path: "relationships",
            valid: json!({"kind": "member_of", "target_id": other_org, "since": "2016-01-01", "source": "Member list"}),
            patch: json!({"until": "2025-12-31"}),
            invalid: json!({"kind": "member_of", "target_id": "no-such-organization"}),
            field: "target_id",
        },
        Kind {
            path: "programmes",
            valid: json!({"programme_id": programme, "role": "partner"}),
            patch: json!({"role": "sponsor"}),
            invalid: json!({"programme_id": "no-such-programme", "role": "partner"}),
            field: "programme_id",
        },
    ]
}

async fn ids(app: &TestApp, token: &str) -> (String, String, String) {
    let org = create_org(app, token, &firm("Records Firm")).await;
    let other = create_org(
        app,
        token,
        &json!({"kind": "association", "name": "Records Assoc", "country": "SN"}),
    )
    .await;
    let programme: Value = app
        .authed(Method::GET, "/v1/programmes/ntf-iv", token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = |v: &Value| v["id"].as_str().unwrap().to_owned();
    (id(&org), id(&other), id(&programme))
}

backend_test!(
    each_kind_of_record_goes_through_create_read_update_delete,
    |app| {
        let curator = app.token_for("curator").await;
        let (org, other, programme) = ids(app, &curator).await;
        for kind in kinds(&other, &programme) {
            let collection = format!("/v1/organizations/{org}/{}", kind.path);
            let created = app
                .authed(Method::POST, &collection, &curator)
                .json(&kind.valid)
                .send()
                .await
                .unwrap();
            assert_eq!(
                created.status(),
                201,
                "{}: {}",
                kind.path,
                created.text().await.unwrap()
            );
            let tag = etag(&created);
            let location = created.headers()["location"].to_str().unwrap().to_owned();
            let record: Value = created.json().await.unwrap();
            assert_eq!(
                location,
                format!("{collection}/{}", record["id"].as_str().unwrap()),
                "{}",
                kind.path
            );
            for (key, value) in kind.valid.as_object().unwrap() {
                assert_eq!(&record[key], value, "{}.{key}", kind.path);
            }

            let listed: Value = app
                .authed(Method::GET, &collection, &curator)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            assert_eq!(listed["items"][0]["id"], record["id"], "{}", kind.path);
            let read = app.authed(Method::GET, &location, &curator).send().await.unwrap();
            let read_tag = etag(&read);
            let version = tag.trim_end_matches('"');
            assert!(
                read_tag.starts_with(&format!("{version}.")),
                "{read_tag} names {tag}"
            );
            let cached = app
                .authed(Method::GET, &location, &curator)
                .header("If-None-Match", &read_tag)
                .send()
                .await
                .unwrap();
            assert_eq!(cached.status(), 304, "{}", kind.path);

            let no_match = app
                .authed(Method::PATCH, &location, &curator)
                .json(&kind.patch)
                .send()
                .await
                .unwrap();
            assert_eq!(no_match.status(), 428, "{}", kind.path);
            let stale = app
                .authed(Method::PATCH, &location, &curator)
                .header("If-Match", "\"42\"")
                .json(&kind.patch)
                .send()
                .await
                .unwrap();
            assert_eq!(stale.status(), 412, "{}", kind.path);
            let unknown = app
                .authed(Method::PATCH, &location, &curator)
                .header("If-Match", &tag)
                .json(&json!({"version": 9}))
                .send()
                .await
                .unwrap();
            assert_eq!(unknown.status(), 422, "{}", kind.path);
            let patched = app
                .authed(Method::PATCH, &location, &curator)
                .header("If-Match", &tag)
                .json(&kind.patch)
                .send()
                .await
                .unwrap();
            assert_eq!(patched.status(), 200, "{}", kind.path);
            let new_tag = etag(&patched);
            let patched: Value = patched.json().await.unwrap();
            for (key, value) in kind.patch.as_object().unwrap() {
                assert_eq!(&patched[key], value, "{}.{key}", kind.path);
            }

            let invalid = app
                .authed(Method::POST, &collection, &curator)
                .json(&kind.invalid)
                .send()
                .await
                .unwrap();
            assert_eq!(invalid.status(), 422, "{}", kind.path);
            let problem: Value = invalid.json().await.unwrap();
            assert_eq!(problem["errors"][0]["field"], kind.field, "{}", kind.path);
            let mut with_id = kind.valid.clone();
            with_id["id"] = json!("mine");
            let refused = app
                .authed(Method::POST, &collection, &curator)
                .json(&with_id)
                .send()
                .await
                .unwrap();
            assert_eq!(refused.status(), 422, "{}: unknown field", kind.path);

            let undeletable = app
                .authed(Method::DELETE, &location, &curator)
                .send()
                .await
                .unwrap();
            assert_eq!(undeletable.status(), 428, "{}", kind.path);
            let deleted = app
                .authed(Method::DELETE, &location, &curator)
                .header("If-Match", &new_tag)
                .send()
                .await
                .unwrap();
            assert_eq!(deleted.status(), 204, "{}", kind.path);
            assert_eq!(
                app.authed(Method::GET, &location, &curator)
                    .send()
                    .await
                    .unwrap()
                    .status(),
                404,
                "{}",
                kind.path
            );
            let listed: Value = app
                .authed(Method::GET, &collection, &curator)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            assert!(
                listed["items"].as_array().unwrap().is_empty(),
                "{}: one invalid create wrote nothing",
                kind.path
            );
        }
    }
);

backend_test!(record_writes_change_the_organization_etag, |app| {
    let curator = app.token_for("curator").await;
    let org = create_org(app, &curator, &firm("Etag Firm")).await;
    let path = format!("/v1/organizations/{}", org["id"].as_str().unwrap());
    let before = etag(&app.authed(Method::GET, &path, &curator).send().await.unwrap());
    let market = json!({"country": "BE", "kind": "target"});
    app.authed(Method::POST, &format!("{path}/markets"), &curator)
        .json(&market)
        .send()
        .await
        .unwrap();
    let response = app
        .authed(Method::GET, &path, &curator)
        .header("If-None-Match", &before)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        200,
        "the organization's representation changed"
    );
    let detail: Value = response.json().await.unwrap();
    assert_eq!(detail["markets"][0]["country"], "BE");
    let duplicate = app
        .authed(Method::POST, &format!("{path}/markets"), &curator)
        .json(&market)
        .send()
        .await
        .unwrap();
    assert_eq!(duplicate.status(), 409);
});

backend_test!(expired_certificates_stay_and_are_marked, |app| {
    let curator = app.token_for("curator").await;
    let org = create_org(app, &curator, &firm("Cert Firm")).await;
    let path = format!("/v1/organizations/{}/certifications", org["id"].as_str().unwrap());
    for until in ["2020-01-31", "2099-01-31"] {
        let body = json!({"scheme": "iso_9001", "valid_until": until});
        assert_eq!(
            app.authed(Method::POST, &path, &curator)
                .json(&body)
                .send()
                .await
                .unwrap()
                .status(),
            201
        );
    }
    let listed: Value = app
        .authed(Method::GET, &path, &curator)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let expired: Vec<bool> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["expired"].as_bool().unwrap())
        .collect();
    assert_eq!(expired, [true, false]);
});

backend_test!(capability_rules, |app| {
    let curator = app.token_for("curator").await;
    let org = create_org(app, &curator, &firm("Capability Firm")).await;
    let path = format!("/v1/organizations/{}/capabilities", org["id"].as_str().unwrap());
    let response = app
        .authed(Method::POST, &path, &curator)
        .json(&json!({"service_code": "it", "delivery_modes": [], "languages": [{"code": "xx"}, {"code": "fr", "seats": -2}], "capacity_fte": -1, "min_engagement_months": 500}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let problem: Value = response.json().await.unwrap();
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        [
            "delivery_modes",
            "languages[0].code",
            "languages[1].seats",
            "capacity_fte",
            "min_engagement_months"
        ]
    );
    let bad_mode = app
        .authed(Method::POST, &path, &curator)
        .json(&json!({"service_code": "it", "delivery_modes": ["teleport"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad_mode.status(), 422);
});
