//! Change proposals, as a firm and the curators would go through them: a firm proposes, the
//! published entry stays until a curator approves, a proposal on a version that moved is in
//! conflict, and nobody but the firm and the staff ever sees one.

use reqwest::Method;
use serde_json::{Value, json};

use super::representatives::{firm_with_contact, representative_of};
use super::{etag, partner_key, patch, post};
use crate::backend_test;
use crate::helpers::{TestApp, concurrently};

/// The version number of the organization (or record) at `path`, as `token` reads it.
async fn version(app: &TestApp, token: &str, path: &str) -> i64 {
    let body = app.read_json(path, token).await;
    body["version"].as_i64().unwrap()
}

async fn propose(app: &TestApp, token: &str, org: &str, body: Value) -> (u16, Value) {
    post(app, token, &format!("/v1/organizations/{org}/proposals"), &body).await
}

async fn decide(app: &TestApp, token: &str, proposal: &str, action: &str, body: Value) -> (u16, Value) {
    post(app, token, &format!("/v1/proposals/{proposal}/{action}"), &body).await
}

backend_test!(an_approved_proposal_goes_live_and_not_before, |app| {
    let curator = app.token_for("curator").await;
    let org = firm_with_contact(app, &curator, "Proposante Services SARL", true).await;
    let (_, rep) = representative_of(app, Some(&org)).await;
    let partner = partner_key(app, &app.admin_token().await).await;
    let base = version(app, &rep, &format!("/v1/organizations/{org}")).await;

    let body = json!({"target": "organization", "base_version": base, "changes": {"employees": 240},
                      "comment": "Nous avons recruté."});
    let (status, proposal) = propose(app, &rep, &org, body).await;
    assert_eq!(status, 201, "{proposal}");
    assert_eq!(proposal["status"], "pending");
    assert_eq!(proposal["in_conflict"], false);
    assert_eq!(proposal["field_changes"][0]["field"], "employees", "{proposal}");
    let id = proposal["id"].as_str().unwrap();
    let live = app.read_json(&format!("/v1/organizations/{org}"), &partner).await;
    assert_eq!(live["employees"], 180, "the published entry stays until approval");

    let queue = app.read_json("/v1/review-queue", &curator).await;
    let queued: Vec<&Value> = queue["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["proposal"]["id"] == id)
        .collect();
    assert_eq!(queued.len(), 1, "{queue}");
    assert_eq!(queued[0]["reason"], "proposal");
    assert_eq!(queued[0]["changes"][0]["proposed"], 240, "{queue}");
    assert!(
        queued[0]["submitted_by"]["email"]
            .as_str()
            .unwrap()
            .starts_with("rep-"),
        "{queue}"
    );

    let (status, approved) = decide(app, &curator, id, "approve", json!({"comment": "Vérifié."})).await;
    assert_eq!(status, 200, "{approved}");
    assert_eq!(approved["status"], "approved");
    let live = app.read_json(&format!("/v1/organizations/{org}"), &partner).await;
    assert_eq!(live["employees"], 240, "{live}");
    let thread = app
        .read_json(&format!("/v1/organizations/{org}/reviews"), &rep)
        .await;
    let kinds: Vec<&str> = thread["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"proposal_approved"), "{kinds:?}");
    let history = app
        .read_json(&format!("/v1/organizations/{org}/history"), &curator)
        .await;
    let last = history["items"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        last["after"]["employees"], 240,
        "the approval is an audited write: {last}"
    );
    assert_eq!(
        decide(app, &curator, id, "approve", json!({})).await.0,
        409,
        "decided already"
    );
    let queue = app.read_json("/v1/review-queue", &curator).await;
    assert!(
        !queue["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["proposal"]["id"] == id)
    );
});

backend_test!(
    a_proposal_on_a_version_that_moved_is_in_conflict_not_applied,
    |app| {
        let curator = app.token_for("curator").await;
        let org = firm_with_contact(app, &curator, "Conflit Versions SA", true).await;
        let (_, rep) = representative_of(app, Some(&org)).await;
        let base = version(app, &rep, &format!("/v1/organizations/{org}")).await;
        let body = json!({"target": "organization", "base_version": base, "changes": {"city": "Thiès"}});
        let (status, proposal) = propose(app, &rep, &org, body).await;
        assert_eq!(status, 201, "{proposal}");
        let id = proposal["id"].as_str().unwrap();

        // A curator edits the entry meanwhile.
        let response = app
            .authed(Method::GET, &format!("/v1/organizations/{org}"), &curator)
            .send()
            .await
            .unwrap();
        let tag = etag(&response);
        let changed = patch(
            app,
            &curator,
            &format!("/v1/organizations/{org}"),
            &tag,
            &json!({"city": "Saint-Louis"}),
        )
        .await;
        assert_eq!(changed.status(), 200);

        let seen = app.read_json(&format!("/v1/proposals/{id}"), &rep).await;
        assert_eq!(seen["in_conflict"], true, "{seen}");
        let (status, problem) = decide(app, &curator, id, "approve", json!({})).await;
        assert_eq!(status, 409, "{problem}");
        assert!(
            problem["detail"].as_str().unwrap().contains("conflict"),
            "{problem}"
        );
        let response = app
            .authed(Method::POST, &format!("/v1/proposals/{id}/approve"), &curator)
            .header("Accept-Language", "fr")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 409);
        let french: Value = response.json().await.unwrap();
        assert!(
            french["detail"].as_str().unwrap().contains("en conflit"),
            "{french}"
        );
        let org_now = app.read_json(&format!("/v1/organizations/{org}"), &curator).await;
        assert_eq!(org_now["city"], "Saint-Louis", "nothing applied blindly");
        assert_eq!(
            app.read_json(&format!("/v1/proposals/{id}"), &curator).await["status"],
            "pending"
        );

        assert_eq!(
            decide(app, &curator, id, "reject", json!({})).await.0,
            422,
            "a rejection says why"
        );
        let (status, rejected) = decide(
            app,
            &curator,
            id,
            "reject",
            json!({"comment": "Proposez à nouveau."}),
        )
        .await;
        assert_eq!(status, 200, "{rejected}");
        assert_eq!(rejected["status"], "rejected");
        assert_eq!(rejected["decision_comment"], "Proposez à nouveau.");

        // Proposing against a version no longer there is refused at once.
        let stale = json!({"target": "organization", "base_version": base, "changes": {"city": "Thiès"}});
        assert_eq!(propose(app, &rep, &org, stale).await.0, 412);
    }
);

backend_test!(records_are_proposed_created_changed_and_removed, |app| {
    let curator = app.token_for("curator").await;
    let org = firm_with_contact(app, &curator, "Registres Proposés GIE", true).await;
    let (_, rep) = representative_of(app, Some(&org)).await;

    let create =
        json!({"target": "markets", "operation": "create", "changes": {"country": "FR", "kind": "served"}});
    let (status, proposal) = propose(app, &rep, &org, create).await;
    assert_eq!(status, 201, "{proposal}");
    let (status, approved) = decide(
        app,
        &curator,
        proposal["id"].as_str().unwrap(),
        "approve",
        json!({}),
    )
    .await;
    assert_eq!(status, 200, "{approved}");
    let market = approved["applied_record_id"].as_str().unwrap().to_owned();
    let path = format!("/v1/organizations/{org}/markets/{market}");
    let stored = app.read_json(&path, &curator).await;
    assert_eq!(stored["country"], "FR");

    let update = json!({"target": "markets", "record_id": market, "base_version": stored["version"], "changes": {"since_year": 2015}});
    let (status, proposal) = propose(app, &rep, &org, update).await;
    assert_eq!(status, 201, "{proposal}");
    assert_eq!(proposal["field_changes"][0]["field"], "since_year", "{proposal}");
    assert_eq!(
        decide(
            app,
            &curator,
            proposal["id"].as_str().unwrap(),
            "approve",
            json!({})
        )
        .await
        .0,
        200
    );
    let stored = app.read_json(&path, &curator).await;
    assert_eq!(stored["since_year"], 2015);

    let remove = json!({"target": "markets", "operation": "remove", "record_id": market, "base_version": stored["version"]});
    let (status, proposal) = propose(app, &rep, &org, remove).await;
    assert_eq!(status, 201, "{proposal}");
    assert_eq!(
        decide(
            app,
            &curator,
            proposal["id"].as_str().unwrap(),
            "approve",
            json!({})
        )
        .await
        .0,
        200
    );
    assert_eq!(
        app.authed(Method::GET, &path, &curator)
            .send()
            .await
            .unwrap()
            .status(),
        404
    );

    // Invalid fields are refused when proposed, named under `changes`; nothing is stored.
    let before = app
        .read_json(&format!("/v1/organizations/{org}/proposals"), &rep)
        .await["items"]
        .as_array()
        .unwrap()
        .len();
    let base = version(app, &rep, &format!("/v1/organizations/{org}")).await;
    for (body, field) in [
        (
            json!({"target": "organization", "base_version": base, "changes": {"employees": -5}}),
            "changes.employees",
        ),
        (
            json!({"target": "organization", "base_version": base, "changes": {"internal_notes": "x"}}),
            "changes.internal_notes",
        ),
        (
            json!({"target": "markets", "operation": "create", "changes": {"country": "ZZ", "kind": "served"}}),
            "changes.country",
        ),
        (
            json!({"target": "markets", "operation": "remove", "record_id": "nope", "base_version": 1}),
            "record_id",
        ),
    ] {
        let (status, problem) = propose(app, &rep, &org, body.clone()).await;
        assert_eq!(status, 422, "{body}: {problem}");
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
    }
    let after = app
        .read_json(&format!("/v1/organizations/{org}/proposals"), &rep)
        .await["items"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(before, after);
});

backend_test!(proposals_belong_to_the_firm_and_the_staff_only, |app| {
    let curator = app.token_for("curator").await;
    let mine = firm_with_contact(app, &curator, "Firme Alpha SARL", true).await;
    let theirs = firm_with_contact(app, &curator, "Firme Beta SARL", true).await;
    let (_, rep) = representative_of(app, Some(&mine)).await;
    let (_, other_rep) = representative_of(app, Some(&theirs)).await;
    let partner = partner_key(app, &app.admin_token().await).await;
    let base = version(app, &rep, &format!("/v1/organizations/{mine}")).await;
    let body = json!({"target": "organization", "base_version": base, "changes": {"city": "Thiès"}});

    let other_base = version(app, &rep, &format!("/v1/organizations/{theirs}")).await;
    let foreign = json!({"target": "organization", "base_version": other_base, "changes": {"city": "Thiès"}});
    assert_eq!(
        propose(app, &rep, &theirs, foreign).await.0,
        403,
        "not its organization"
    );
    assert_eq!(
        propose(app, &curator, &mine, body.clone()).await.0,
        403,
        "curators edit directly"
    );
    assert_eq!(propose(app, &partner, &mine, body.clone()).await.0, 403);
    let (status, proposal) = propose(app, &rep, &mine, body).await;
    assert_eq!(status, 201, "{proposal}");
    let id = proposal["id"].as_str().unwrap();

    for (token, expected) in [(&other_rep, 404), (&partner, 403)] {
        for path in [
            format!("/v1/proposals/{id}"),
            format!("/v1/organizations/{mine}/proposals"),
        ] {
            let status = app
                .authed(Method::GET, &path, token)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16();
            assert_eq!(status, expected, "{path}");
        }
    }
    assert_eq!(
        decide(app, &rep, id, "approve", json!({})).await.0,
        403,
        "a firm cannot approve itself"
    );
    assert_eq!(decide(app, &other_rep, id, "withdraw", json!({})).await.0, 404);
    let (status, withdrawn) = decide(app, &rep, id, "withdraw", json!({})).await;
    assert_eq!(status, 200, "{withdrawn}");
    assert_eq!(withdrawn["status"], "withdrawn");
    assert_eq!(decide(app, &rep, id, "withdraw", json!({})).await.0, 409);
    let live = app
        .read_json(&format!("/v1/organizations/{mine}"), &partner)
        .await;
    assert_eq!(live["city"], "Dakar");
});

backend_test!(of_curators_approving_one_proposal_at_once_one_applies_it, |app| {
    let curator = app.token_for("curator").await;
    let org = firm_with_contact(app, &curator, "Course Approbation SA", true).await;
    let (_, rep) = representative_of(app, Some(&org)).await;
    let create =
        json!({"target": "markets", "operation": "create", "changes": {"country": "CA", "kind": "target"}});
    let (status, proposal) = propose(app, &rep, &org, create).await;
    assert_eq!(status, 201, "{proposal}");
    let id = proposal["id"].as_str().unwrap().to_owned();
    let mut curators = Vec::new();
    for _ in 0..6 {
        curators.push(app.token_for("curator").await);
    }
    let outcomes = concurrently(6, |i| {
        let (client, id) = (app.client_as(&curators[i]), id.clone());
        async move {
            let (status, _, _) = client
                .send(Method::POST, &format!("/v1/proposals/{id}/approve"), None, None)
                .await;
            (status, ())
        }
    })
    .await;
    outcomes.assert_no_server_error();
    assert_eq!(outcomes.count(200), 1, "{:?}", outcomes.statuses());
    assert_eq!(outcomes.count(409), 5, "{:?}", outcomes.statuses());
    let markets = app
        .read_json(&format!("/v1/organizations/{org}/markets"), &curator)
        .await;
    assert_eq!(
        markets["items"].as_array().unwrap().len(),
        1,
        "applied once: {markets}"
    );
});
