//! Claims to represent an organization, as a firm's manager with a fresh account and the
//! curators would go through them.

use reqwest::Method;
use serde_json::{Value, json};

use super::representatives::{firm_with_contact, representative_of};
use super::{partner_key, post};
use crate::backend_test;
use crate::helpers::{TestApp, concurrently};

async fn claim(app: &TestApp, token: &str, org: &str, evidence: &str) -> (u16, Value) {
    post(
        app,
        token,
        &format!("/v1/organizations/{org}/claims"),
        &json!({"evidence": evidence}),
    )
    .await
}

async fn status_of(app: &TestApp, token: &str, path: &str) -> u16 {
    app.authed(Method::GET, path, token)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

backend_test!(an_approved_claim_binds_the_account_to_the_organization, |app| {
    let curator = app.token_for("curator").await;
    let org = firm_with_contact(app, &curator, "Réclamée Conseil SARL", true).await;
    let other = firm_with_contact(app, &curator, "Seconde Piste SARL", true).await;
    let (user, claimant) = representative_of(app, None).await;
    assert_eq!(
        status_of(app, &claimant, &format!("/v1/organizations/{org}/contacts")).await,
        404,
        "not yet theirs"
    );

    assert_eq!(claim(app, &claimant, &org, "  ").await.0, 422);
    let (status, made) = claim(app, &claimant, &org, "Gérante ; NINEA au registre.").await;
    assert_eq!(status, 201, "{made}");
    assert_eq!(made["status"], "pending");
    assert_eq!(
        claim(app, &claimant, &org, "Encore.").await.0,
        409,
        "one pending claim per organization"
    );
    let (status, second) = claim(app, &claimant, &other, "Aussi gérante.").await;
    assert_eq!(status, 201, "{second}");
    let id = made["id"].as_str().unwrap();

    let queue = app.read_json("/v1/review-queue", &curator).await;
    let queued: Vec<&Value> = queue["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["claim"]["id"] == id)
        .collect();
    assert_eq!(queued.len(), 1, "{queue}");
    assert_eq!(queued[0]["reason"], "claim");
    assert_eq!(queued[0]["claim"]["evidence"], "Gérante ; NINEA au registre.");
    assert_eq!(queued[0]["submitted_by"]["id"], user);

    assert_eq!(
        post(app, &claimant, &format!("/v1/claims/{id}/approve"), &json!({}))
            .await
            .0,
        403
    );
    let (status, approved) = post(app, &curator, &format!("/v1/claims/{id}/approve"), &json!({})).await;
    assert_eq!(status, 200, "{approved}");
    assert_eq!(approved["status"], "approved");
    let me = app.read_json("/v1/me", &claimant).await;
    assert_eq!(me["organization_id"], org, "{me}");
    let contacts = app
        .read_json(&format!("/v1/organizations/{org}/contacts"), &claimant)
        .await;
    assert_eq!(
        contacts["items"].as_array().unwrap().len(),
        1,
        "now theirs: {contacts}"
    );
    let closed = app
        .read_json(
            &format!("/v1/claims/{}", second["id"].as_str().unwrap()),
            &claimant,
        )
        .await;
    assert_eq!(
        closed["status"], "withdrawn",
        "bound to one organization: {closed}"
    );
    assert_eq!(
        claim(app, &claimant, &other, "Et celle-ci ?").await.0,
        409,
        "bound already"
    );
    assert_eq!(
        post(app, &curator, &format!("/v1/claims/{id}/approve"), &json!({}))
            .await
            .0,
        409
    );
});

backend_test!(
    a_denied_claim_grants_nothing_and_claims_stay_with_curators,
    |app| {
        let curator = app.token_for("curator").await;
        let org = firm_with_contact(app, &curator, "Refusée Digital SA", true).await;
        let draft = firm_with_contact(app, &curator, "Invisible Brouillon SA", false).await;
        let (_, claimant) = representative_of(app, None).await;
        let (_, stranger) = representative_of(app, None).await;
        let partner = partner_key(app, &app.admin_token().await).await;
        let agency = app.token_for("agency").await;

        assert_eq!(
            claim(app, &claimant, &draft, "Le mien.").await.0,
            404,
            "partners do not see drafts"
        );
        assert_eq!(claim(app, &partner, &org, "Le mien.").await.0, 403);
        let (status, made) = claim(app, &claimant, &org, "Je suis le fondateur.").await;
        assert_eq!(status, 201, "{made}");
        let id = made["id"].as_str().unwrap();
        for (token, expected) in [(&stranger, 404), (&partner, 403), (&agency, 404)] {
            assert_eq!(status_of(app, token, &format!("/v1/claims/{id}")).await, expected);
        }
        assert_eq!(status_of(app, &partner, "/v1/claims").await, 403);
        assert_eq!(status_of(app, &claimant, "/v1/claims").await, 403);
        let listed = app.read_json("/v1/claims", &curator).await;
        assert!(
            listed["items"].as_array().unwrap().iter().any(|c| c["id"] == id),
            "{listed}"
        );

        assert_eq!(
            post(app, &curator, &format!("/v1/claims/{id}/deny"), &json!({}))
                .await
                .0,
            422,
            "a denial says why"
        );
        let (status, denied) = post(
            app,
            &curator,
            &format!("/v1/claims/{id}/deny"),
            &json!({"comment": "Aucune preuve."}),
        )
        .await;
        assert_eq!(status, 200, "{denied}");
        assert_eq!(denied["status"], "denied");
        assert_eq!(denied["decision_comment"], "Aucune preuve.");
        let me = app.read_json("/v1/me", &claimant).await;
        assert!(me["organization_id"].is_null(), "{me}");
        let denied_list = app.read_json("/v1/claims?status=denied", &curator).await;
        assert!(
            denied_list["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["id"] == id)
        );
        assert_eq!(status_of(app, &curator, "/v1/claims?status=lost").await, 400);
    }
);

backend_test!(
    of_two_claims_approved_at_once_for_one_account_one_binds_it,
    |app| {
        let curator = app.token_for("curator").await;
        let first = firm_with_contact(app, &curator, "Course Une SARL", true).await;
        let second = firm_with_contact(app, &curator, "Course Deux SARL", true).await;
        let (_, claimant) = representative_of(app, None).await;
        let mut claims = Vec::new();
        for org in [&first, &second] {
            let (status, made) = claim(app, &claimant, org, "Gérant des deux ?").await;
            assert_eq!(status, 201, "{made}");
            claims.push(made["id"].as_str().unwrap().to_owned());
        }
        let curators = [app.token_for("curator").await, app.token_for("curator").await];
        let outcomes = concurrently(2, |i| {
            let (client, id) = (app.client_as(&curators[i]), claims[i].clone());
            async move {
                let (status, _, _) = client
                    .send(Method::POST, &format!("/v1/claims/{id}/approve"), None, None)
                    .await;
                (status, ())
            }
        })
        .await;
        outcomes.assert_no_server_error();
        assert_eq!(outcomes.count(200), 1, "{:?}", outcomes.statuses());
        assert_eq!(outcomes.count(409), 1, "{:?}", outcomes.statuses());
        let me = app.read_json("/v1/me", &claimant).await;
        assert!(
            me["organization_id"] == first || me["organization_id"] == second,
            "{me}"
        );
    }
);

backend_test!(
    a_merge_moves_claims_and_closes_proposals_of_the_merged_entry,
    |app| {
        let curator = app.token_for("curator").await;
        let merged = firm_with_contact(app, &curator, "Doublon Absorbé SARL", true).await;
        let survivor = firm_with_contact(app, &curator, "Survivante Unique SARL", true).await;
        let (_, claimant) = representative_of(app, None).await;
        let (status, made) = claim(app, &claimant, &merged, "Je dirige cette entreprise.").await;
        assert_eq!(status, 201, "{made}");
        let (_, rep) = representative_of(app, Some(&merged)).await;
        let version = app.read_json(&format!("/v1/organizations/{merged}"), &rep).await["version"].clone();
        let body = json!({"target": "organization", "base_version": version, "changes": {"city": "Thiès"}});
        let (status, proposal) =
            post(app, &rep, &format!("/v1/organizations/{merged}/proposals"), &body).await;
        assert_eq!(status, 201, "{proposal}");

        let (status, answer) = post(
            app,
            &curator,
            &format!("/v1/organizations/{merged}/merge"),
            &json!({"into": survivor}),
        )
        .await;
        assert_eq!(status, 200, "{answer}");
        let moved = app
            .read_json(&format!("/v1/claims/{}", made["id"].as_str().unwrap()), &curator)
            .await;
        assert_eq!(moved["organization_id"], survivor, "{moved}");
        let closed = app
            .read_json(
                &format!("/v1/proposals/{}", proposal["id"].as_str().unwrap()),
                &curator,
            )
            .await;
        assert_eq!(closed["status"], "rejected", "{closed}");
        let me = app.read_json("/v1/me", &rep).await;
        assert_eq!(
            me["organization_id"], survivor,
            "the representative follows its firm: {me}"
        );
    }
);
