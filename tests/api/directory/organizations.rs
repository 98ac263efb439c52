//! Organizations: create, read, change; validation; conditional requests.

use reqwest::Method;
use serde_json::{Value, json};

use super::{create_org, etag, every_organization, firm};
use crate::backend_test;

backend_test!(curators_create_read_and_patch_organizations, |app| {
    let curator = app.token_for("curator").await;
    let created = app
        .authed(Method::POST, "/v1/organizations", &curator)
        .json(&firm("Téléservices Démo"))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let tag = etag(&created);
    let location = created.headers()["location"].to_str().unwrap().to_owned();
    let org: Value = created.json().await.unwrap();
    assert_eq!(
        (org["status"].as_str(), org["version"].as_i64()),
        (Some("draft"), Some(1))
    );
    assert_eq!(org["slug"], "teleservices-demo");
    assert_eq!(
        location,
        format!("/v1/organizations/{}", org["id"].as_str().unwrap())
    );

    // Read by id and by slug; a held ETag gets 304. The read's tag names the version and
    // covers the body, which shows more than the organization's own fields.
    let read = app.authed(Method::GET, &location, &curator).send().await.unwrap();
    let read_tag = etag(&read);
    assert_eq!(read.status(), 200);
    assert!(read_tag.starts_with("\"1.") && tag == "\"1\"", "{read_tag} {tag}");
    let by_slug: Value = app
        .authed(Method::GET, "/v1/organizations/teleservices-demo", &curator)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(by_slug["id"], org["id"]);
    let cached = app
        .authed(Method::GET, &location, &curator)
        .header("If-None-Match", &read_tag)
        .send()
        .await
        .unwrap();
    assert_eq!(cached.status(), 304);

    // Writes need the current ETag.
    let patch = json!({"acronym": null, "employees": 200});
    let missing = app
        .authed(Method::PATCH, &location, &curator)
        .json(&patch)
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 428);
    let stale = crate::directory::patch(app, &curator, &location, "\"99\"", &patch).await;
    assert_eq!(stale.status(), 412);
    let patched = crate::directory::patch(app, &curator, &location, &tag, &patch).await;
    assert_eq!(patched.status(), 200);
    let new_tag = etag(&patched);
    assert_ne!(new_tag, tag);
    let patched: Value = patched.json().await.unwrap();
    assert_eq!(
        (patched["employees"].as_i64(), patched["version"].as_i64()),
        (Some(200), Some(2))
    );
    assert!(patched.get("acronym").is_none(), "null clears");
    assert_eq!(patched["slug"], "teleservices-demo", "the slug is stable");
    // The old ETag is stale now, and the copy held with it is no longer current.
    let again = app
        .authed(Method::PATCH, &location, &curator)
        .header("If-Match", &tag)
        .json(&patch)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 412);
    let refreshed = app
        .authed(Method::GET, &location, &curator)
        .header("If-None-Match", &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(refreshed.status(), 200);

    // Same name, new slug.
    let twin = create_org(
        app,
        &curator,
        &json!({"kind": "firm", "name": "Téléservices Démo", "country": "SN"}),
    )
    .await;
    assert_eq!(twin["slug"], "teleservices-demo-2");
});

backend_test!(every_invalid_field_is_named_and_nothing_is_written, |app| {
    let curator = app.token_for("curator").await;
    let mut bad = firm("Bad");
    for (field, value) in [
        ("country", json!("XX")),
        ("website", json!("example.sn")),
        ("email", json!("not an email")),
        ("phone", json!("338890000")),
        ("founded_year", json!(1850)),
        ("employees", json!(-1)),
        ("description", json!({})),
        (
            "registry_ids",
            json!([{"scheme": "ninea", "value": "12AB"}, {"scheme": "lei", "value": "506700GE1G29325QX364"}]),
        ),
        ("name", json!("")),
    ] {
        bad[field] = value;
    }
    let response = app
        .authed(Method::POST, "/v1/organizations", &curator)
        .json(&bad)
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
    for field in [
        "name",
        "description",
        "country",
        "website",
        "email",
        "phone",
        "founded_year",
        "employees",
        "registry_ids[0].value",
        "registry_ids[1].value",
    ] {
        assert!(fields.contains(&field), "{field} missing from {fields:?}");
    }
    let kinds = app
        .authed(Method::POST, "/v1/organizations", &curator)
        .json(&json!({"kind": "company", "name": "X", "country": "SN"}))
        .send()
        .await
        .unwrap();
    assert_eq!(kinds.status(), 422);

    // Clients cannot set what the service owns.
    for field in [
        "id",
        "status",
        "version",
        "verified_at",
        "verified_by",
        "created_at",
        "slug",
    ] {
        let mut body = firm("Sneaky");
        body[field] = json!("x");
        let response = app
            .authed(Method::POST, "/v1/organizations", &curator)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 422, "{field}");
        let problem: Value = response.json().await.unwrap();
        assert!(
            problem["errors"][0]["message"].as_str().unwrap().contains(field),
            "{problem}"
        );
    }
    let listing: Value = app
        .authed(Method::GET, "/v1/organizations?limit=100", &curator)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        listing["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["name"] != "Bad" && o["name"] != "Sneaky")
    );
});

backend_test!(invalid_patches_change_nothing, |app| {
    let curator = app.token_for("curator").await;
    let org = create_org(app, &curator, &firm("Patch Target")).await;
    let path = format!("/v1/organizations/{}", org["id"].as_str().unwrap());
    for patch in [
        json!({"country": "ZZ"}),
        json!({"status": "published"}),
        json!({"name": null}),
        json!({"registry_ids": [{"scheme": "rccm", "value": "bad"}]}),
    ] {
        let response = app
            .authed(Method::PATCH, &path, &curator)
            .header("If-Match", "\"1\"")
            .json(&patch)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 422, "{patch}");
    }
    let after: Value = app
        .authed(Method::GET, &path, &curator)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            after["version"].as_i64(),
            after["country"].as_str(),
            after["status"].as_str()
        ),
        (Some(1), Some("SN"), Some("draft"))
    );
});

backend_test!(registry_identifiers_are_unique_per_scheme, |app| {
    let curator = app.token_for("curator").await;
    create_org(app, &curator, &firm("First Holder")).await;
    let response = app
        .authed(Method::POST, "/v1/organizations", &curator)
        .json(&firm("Second Holder"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let problem: Value = response.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "registry_ids[0].value");
    // The same value under another scheme is another identifier.
    let mut other = firm("Third Holder");
    other["registry_ids"] = json!([{"scheme": "rccm", "value": "SN-DKR-2018-B-12345"}]);
    create_org(app, &curator, &other).await;
});

backend_test!(only_curators_and_admins_write, |app| {
    for role in ["agency", "partner"] {
        let token = app.token_for(role).await;
        let response = app
            .authed(Method::POST, "/v1/organizations", &token)
            .json(&firm("Nope"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403, "{role}");
        assert_eq!(
            crate::directory::act(app, &token, "asepex", "archive").await,
            403,
            "{role}"
        );
    }
    let admin = app.admin_token().await;
    create_org(app, &admin, &firm("By Admin")).await;
});

backend_test!(
    registry_identifiers_read_the_same_by_id_in_lists_and_in_the_feed,
    |app| {
        let curator = app.token_for("curator").await;
        let mut held = firm("Identifiers Held");
        held["registry_ids"] = json!([
            {"scheme": "rccm", "value": "SN-DKR-2018-B-12345"},
            {"scheme": "ninea", "value": "004567890 2G3"}
        ]);
        let held = create_org(app, &curator, &held).await;
        let mut none = firm("Identifiers None");
        none["registry_ids"] = json!([]);
        let none = create_org(app, &curator, &none).await;
        let in_order = json!([
            {"scheme": "ninea", "value": "004567890 2G3"},
            {"scheme": "rccm", "value": "SN-DKR-2018-B-12345"}
        ]);
        let feed = app.read_json("/v1/changes?after=0", &curator).await;
        let listed = every_organization(app, &curator, "status=draft&sort=name").await;
        for (org, expected) in [(&held, &in_order), (&none, &json!([]))] {
            let id = org["id"].as_str().unwrap();
            let read = app.read_json(&format!("/v1/organizations/{id}"), &curator).await;
            let in_list = listed.iter().find(|o| o["id"] == id).unwrap();
            let in_feed = feed["items"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["organization_id"] == id)
                .unwrap();
            for (how, body) in [
                ("by id", &read),
                ("listed", in_list),
                ("in the feed", &in_feed["organization"]),
            ] {
                assert_eq!(&body["registry_ids"], expected, "{how}: {body}");
            }
        }
    }
);
