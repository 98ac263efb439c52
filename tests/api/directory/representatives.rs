//! Firms' representatives, as a firm's own staff would meet the directory: their organization
//! in full (drafts, contacts, the review thread), every other one as a partner sees it, and
//! no direct writes.

use reqwest::Method;
use serde_json::{Value, json};

use super::{act, create_org, etag, firm, patch, post};
use crate::backend_test;
use crate::helpers::TestApp;

/// An access token of a new representative bound to `organization`.
pub async fn representative_of(app: &TestApp, organization: Option<&str>) -> (String, String) {
    let email = format!("rep-{}@firm.test", uuid::Uuid::now_v7().simple());
    let password = "representative password";
    let body = json!({"email": email, "password": password, "role": "representative", "organization_id": organization});
    let (status, user) = post(app, &app.admin_token().await, "/v1/users", &body).await;
    assert_eq!(status, 201, "{user}");
    let token = app.tokens(&email, password).await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    (user["id"].as_str().unwrap().to_owned(), token)
}

/// A firm with one contact, as a curator enters it; `publish` publishes it.
pub async fn firm_with_contact(app: &TestApp, curator: &str, name: &str, publish: bool) -> String {
    let mut body = firm(name);
    body.as_object_mut().unwrap().remove("registry_ids");
    let org = create_org(app, curator, &body).await;
    let id = org["id"].as_str().unwrap().to_owned();
    let contact = json!({"name": "Awa Ndiaye", "email": "awa@firm.test", "role_title": "CEO"});
    let (status, body) = post(
        app,
        curator,
        &format!("/v1/organizations/{id}/contacts"),
        &contact,
    )
    .await;
    assert_eq!(status, 201, "{body}");
    if publish {
        assert_eq!(act(app, curator, &id, "publish").await, 200);
    }
    id
}

async fn status_of(app: &TestApp, token: &str, method: Method, path: &str) -> u16 {
    app.authed(method, path, token)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

backend_test!(
    a_representative_reads_its_own_firm_in_full_and_others_as_partners_do,
    |app| {
        let curator = app.token_for("curator").await;
        let own = firm_with_contact(app, &curator, "Propre Entreprise SARL", false).await;
        let other = firm_with_contact(app, &curator, "Autre Entreprise SA", true).await;
        let hidden = firm_with_contact(app, &curator, "Brouillon Voisin SAS", false).await;
        let (_, rep) = representative_of(app, Some(&own)).await;

        let mine = app
            .read_json(&format!("/v1/organizations/{own}?include=contacts"), &rep)
            .await;
        assert_eq!(mine["status"], "draft", "its own draft: {mine}");
        assert_eq!(mine["contacts"].as_array().map(Vec::len), Some(1), "{mine}");
        assert!(
            mine.get("internal_notes").is_none(),
            "staff notes stay with staff: {mine}"
        );
        let contacts = app
            .read_json(&format!("/v1/organizations/{own}/contacts"), &rep)
            .await;
        assert_eq!(contacts["items"][0]["name"], "Awa Ndiaye", "{contacts}");
        assert_eq!(
            status_of(
                app,
                &rep,
                Method::GET,
                &format!("/v1/organizations/{own}/reviews")
            )
            .await,
            200
        );

        // Another firm: as a partner sees it.
        let theirs = app.read_json(&format!("/v1/organizations/{other}"), &rep).await;
        assert!(
            theirs.get("internal_notes").is_none() && theirs.get("contacts").is_none(),
            "{theirs}"
        );
        assert_eq!(
            status_of(
                app,
                &rep,
                Method::GET,
                &format!("/v1/organizations/{other}?include=contacts")
            )
            .await,
            403
        );
        for path in [
            format!("/v1/organizations/{other}/contacts"),
            format!("/v1/organizations/{other}/reviews"),
            format!("/v1/organizations/{hidden}"),
            format!("/v1/organizations/{hidden}/capabilities"),
        ] {
            assert_eq!(status_of(app, &rep, Method::GET, &path).await, 404, "{path}");
        }
        let listed = app.read_json("/v1/organizations?limit=100", &rep).await;
        let ids: Vec<&str> = listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["id"].as_str().unwrap())
            .collect();
        assert!(
            ids.contains(&other.as_str()) && !ids.contains(&hidden.as_str()),
            "{ids:?}"
        );

        // No direct writes, not even to its own firm; no staff reads.
        let response = app
            .authed(Method::GET, &format!("/v1/organizations/{own}"), &rep)
            .send()
            .await
            .unwrap();
        let tag = etag(&response);
        assert!(tag.contains("-own"), "its own view has its own tag: {tag}");
        assert_eq!(
            patch(
                app,
                &rep,
                &format!("/v1/organizations/{own}"),
                &tag,
                &json!({"city": "Thiès"})
            )
            .await
            .status(),
            403
        );
        let market = json!({"country": "FR", "kind": "served"});
        assert_eq!(
            post(app, &rep, &format!("/v1/organizations/{own}/markets"), &market)
                .await
                .0,
            403
        );
        assert_eq!(act(app, &rep, &own, "submit").await, 403);
        for path in [
            format!("/v1/organizations/{own}/history"),
            "/v1/review-queue".into(),
            "/v1/duplicates".into(),
        ] {
            assert_eq!(status_of(app, &rep, Method::GET, &path).await, 403, "{path}");
        }
        let unchanged = app.read_json(&format!("/v1/organizations/{own}"), &curator).await;
        assert_eq!(unchanged["city"], "Dakar");
    }
);

backend_test!(a_representative_is_bound_to_an_organization_that_exists, |app| {
    let admin = app.admin_token().await;
    let curator = app.token_for("curator").await;
    let mut body = firm("Liaison Réelle GIE");
    body.as_object_mut().unwrap().remove("registry_ids");
    let org = create_org(app, &curator, &body).await;
    let body = |organization: &str| {
        json!({"email": format!("r{}@firm.test", uuid::Uuid::now_v7().simple()), "password": "representative password",
               "role": "representative", "organization_id": organization})
    };
    let (status, problem) = post(app, &admin, "/v1/users", &body("nobody")).await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "organization_id", "{problem}");
    // A slug binds to the organization's id.
    let (status, user) = post(app, &admin, "/v1/users", &body(org["slug"].as_str().unwrap())).await;
    assert_eq!(status, 201, "{user}");
    assert_eq!(user["organization_id"], org["id"]);
    let (_, unbound) = representative_of(app, None).await;
    let me: Value = app.read_json("/v1/me", &unbound).await;
    assert_eq!(me["role"], "representative", "{me}");
});

backend_test!(
    an_invited_representative_reads_its_firm_and_an_approved_capability_is_found,
    |app| {
        let admin = app.admin_token().await;
        let curator = app.token_for("curator").await;
        let org = firm_with_contact(app, &curator, "Invitée Logiciels SARL", true).await;
        let slug = app.read_json(&format!("/v1/organizations/{org}"), &curator).await["slug"].clone();
        let email = format!("invite-{}@firm.test", uuid::Uuid::now_v7().simple());
        let invitation = json!({"email": email, "role": "representative", "organization_id": slug});
        let (status, issued) = post(app, &admin, "/v1/invitations", &invitation).await;
        assert_eq!(status, 201, "{issued}");
        let accepted = app
            .client
            .post(app.url("/v1/invitations/accept"))
            .json(&json!({"token": issued["token"], "password": "a long enough passphrase"}))
            .send()
            .await
            .unwrap();
        assert_eq!(accepted.status(), 201);
        let rep = app.tokens(&email, "a long enough passphrase").await["access_token"]
            .as_str()
            .unwrap()
            .to_owned();
        let contacts = app
            .read_json(&format!("/v1/organizations/{org}/contacts"), &rep)
            .await;
        assert_eq!(contacts["items"].as_array().unwrap().len(), 1, "{contacts}");

        // A capability the firm proposes is found by service once approved, not before.
        let listed = "/v1/organizations?service=it.software_development&limit=100";
        let find = async |token: &str| {
            let found = app.read_json(listed, token).await;
            found["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|o| o["id"] == org.as_str())
        };
        let capability = json!({"target": "capabilities", "operation": "create",
                            "changes": {"service_code": "it.software_development", "delivery_modes": ["offshore"]}});
        let (status, proposal) = post(
            app,
            &rep,
            &format!("/v1/organizations/{org}/proposals"),
            &capability,
        )
        .await;
        assert_eq!(status, 201, "{proposal}");
        assert!(!find(&rep).await, "not before approval");
        let path = format!("/v1/proposals/{}/approve", proposal["id"].as_str().unwrap());
        assert_eq!(post(app, &curator, &path, &json!({})).await.0, 200);
        assert!(find(&rep).await, "found at once after approval");
        let facets = app
            .read_json("/v1/organizations/facets?service=it.software_development", &rep)
            .await;
        assert!(facets.to_string().contains("it.software_development"), "{facets}");
    }
);
