//! Partners see published organizations only, never contacts or internal fields.

use reqwest::Method;
use serde_json::{Value, json};

use super::{act, create_org, firm, partner_key};
use crate::backend_test;

backend_test!(partners_see_only_published_records_and_public_fields, |app| {
    let admin = app.admin_token().await;
    let curator = app.token_for("curator").await;
    let key = partner_key(app, &admin).await;
    let partner_user = app.token_for("partner").await;

    let draft = create_org(app, &curator, &firm("Hidden Draft")).await;
    let published = create_org(
        app,
        &curator,
        &json!({"kind": "firm", "name": "Visible Firm", "country": "SN", "internal_notes": "staff only"}),
    )
    .await;
    let (draft_id, published_id) = (draft["id"].as_str().unwrap(), published["id"].as_str().unwrap());
    let base = format!("/v1/organizations/{published_id}");
    let contact = json!({"name": "Awa Ndiaye", "email": "awa@example.sn"});
    assert_eq!(
        app.authed(Method::POST, &format!("{base}/contacts"), &curator)
            .json(&contact)
            .send()
            .await
            .unwrap()
            .status(),
        201
    );
    let capability = json!({"service_code": "it.consulting", "delivery_modes": ["remote"]});
    app.authed(
        Method::POST,
        &format!("/v1/organizations/{draft_id}/capabilities"),
        &curator,
    )
    .json(&capability)
    .send()
    .await
    .unwrap();
    app.authed(Method::POST, &format!("{base}/capabilities"), &curator)
        .json(&capability)
        .send()
        .await
        .unwrap();
    let link = json!({"kind": "partner_of", "target_id": draft_id});
    app.authed(Method::POST, &format!("{base}/relationships"), &curator)
        .json(&link)
        .send()
        .await
        .unwrap();
    act(app, &curator, published_id, "publish").await;
    act(app, &curator, published_id, "verify").await;

    for token in [&key, &partner_user] {
        let get = async |path: &str| app.authed(Method::GET, path, token).send().await.unwrap();
        // A draft does not exist for partners, nor do its records.
        assert_eq!(get(&format!("/v1/organizations/{draft_id}")).await.status(), 404);
        for records in [
            "capabilities",
            "markets",
            "certifications",
            "relationships",
            "programmes",
        ] {
            let status = get(&format!("/v1/organizations/{draft_id}/{records}"))
                .await
                .status();
            assert_eq!(status, 404, "{records}");
        }
        let listing: Value = get("/v1/organizations?limit=100").await.json().await.unwrap();
        let items = listing["items"].as_array().unwrap();
        assert!(items.iter().all(|o| o["status"] == "published"));
        assert!(items.iter().any(|o| o["id"] == published_id) && !items.iter().any(|o| o["id"] == draft_id));
        assert!(items.iter().all(|o| o.get("internal_notes").is_none()));

        let detail = get(&base).await;
        assert!(detail.headers()["etag"].to_str().unwrap().contains("-public."));
        let detail: Value = detail.json().await.unwrap();
        assert!(detail.get("internal_notes").is_none());
        assert!(detail["verification"]["verified_at"].is_string());
        assert!(
            detail["verification"].get("verified_by").is_none(),
            "who verified is internal"
        );
        assert!(detail.get("contacts").is_none());
        assert!(
            detail["relationships"].as_array().unwrap().is_empty(),
            "the link to a draft is hidden"
        );
        assert_eq!(detail["capabilities"].as_array().unwrap().len(), 1);
        let body = serde_json::to_string(&detail).unwrap();
        assert!(!body.contains("Awa") && !body.contains(draft_id));

        // Contacts are personal data: the route refuses partners outright.
        assert_eq!(get(&format!("{base}/contacts")).await.status(), 403);
        let relationships: Value = get(&format!("{base}/relationships")).await.json().await.unwrap();
        assert!(relationships["items"].as_array().unwrap().is_empty());
        let ntf: Value = get("/v1/programmes/ntf-iv").await.json().await.unwrap();
        assert_eq!(ntf["participants"].as_array().unwrap().len(), 4);
    }

    // Staff see everything.
    for role in ["agency", "curator"] {
        let token = app.token_for(role).await;
        let detail: Value = app
            .authed(Method::GET, &base, &token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(detail["internal_notes"], "staff only", "{role}");
        assert!(detail["verification"]["verified_by"].is_string());
        assert_eq!(detail["relationships"].as_array().unwrap().len(), 1);
        let contacts: Value = app
            .authed(Method::GET, &format!("{base}/contacts"), &token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(contacts["items"][0]["name"], "Awa Ndiaye");
        assert_eq!(
            app.authed(Method::GET, &format!("/v1/organizations/{draft_id}"), &token)
                .send()
                .await
                .unwrap()
                .status(),
            200
        );
    }

    // Unpublishing takes the organization away from partners again.
    act(app, &curator, published_id, "unpublish").await;
    assert_eq!(
        app.authed(Method::GET, &base, &key)
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
});
