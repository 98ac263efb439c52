//! Review decisions: approve, request changes with a reason, the thread, the queue, and the
//! four-eyes rule, as curators working together would meet them.

use reqwest::Method;
use serde_json::{Value, json};

use super::{act, create_org, etag, firm, partner_key, patch};
use crate::backend_test;
use crate::helpers::{TestApp, concurrently};

async fn decide(app: &TestApp, token: &str, id: &str, action: &str, body: Option<Value>) -> (u16, Value) {
    let mut request = app.authed(Method::POST, &format!("/v1/organizations/{id}/{action}"), token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn thread(app: &TestApp, token: &str, id: &str) -> Vec<Value> {
    let answer = app
        .read_json(&format!("/v1/organizations/{id}/reviews"), token)
        .await;
    answer["items"].as_array().unwrap().clone()
}

fn kinds(thread: &[Value]) -> Vec<&str> {
    thread.iter().map(|e| e["kind"].as_str().unwrap()).collect()
}

backend_test!(the_submitter_cannot_approve_and_another_curator_can, |app| {
    let author = app.token_for("curator").await;
    let reviewer = app.token_for("curator").await;
    let org = create_org(app, &author, &firm("Quatre Yeux SARL")).await;
    let id = org["id"].as_str().unwrap();
    assert_eq!(
        decide(app, &author, id, "approve", None).await.0,
        409,
        "not in review yet"
    );
    assert_eq!(act(app, &author, id, "submit").await, 200);

    for action in ["approve", "publish"] {
        let (status, problem) = decide(app, &author, id, action, None).await;
        assert_eq!(status, 409, "{action} by the submitter: {problem}");
        assert!(
            problem["detail"].as_str().unwrap().contains("four-eyes"),
            "{problem}"
        );
    }
    let still = app.read_json(&format!("/v1/organizations/{id}"), &author).await;
    assert_eq!(still["status"], "in_review", "a refused approval changes nothing");

    let agency = app.token_for("agency").await;
    assert_eq!(
        decide(app, &agency, id, "approve", None).await.0,
        403,
        "the agency does not review"
    );

    let (status, approved) = decide(
        app,
        &reviewer,
        id,
        "approve",
        Some(json!({"comment": "Conforme au registre."})),
    )
    .await;
    assert_eq!(status, 200, "{approved}");
    assert_eq!(approved["status"], "published");

    let entries = thread(app, &agency, id).await;
    assert_eq!(kinds(&entries), ["submitted", "approved"]);
    assert_eq!(entries[1]["comment"], "Conforme au registre.");
    assert_ne!(entries[0]["author"]["id"], entries[1]["author"]["id"]);
    assert!(
        entries[0]["author"]["email"]
            .as_str()
            .unwrap()
            .starts_with("curator-")
    );
    assert_eq!(entries[1]["version"], approved["version"]);

    // Mirrors see the approval as the publication it is.
    let history = app
        .read_json(&format!("/v1/organizations/{id}/history"), &agency)
        .await;
    let actions: Vec<&str> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions.last(), Some(&"published"), "{actions:?}");
});

backend_test!(changes_are_requested_with_a_reason_and_go_back_to_draft, |app| {
    let author = app.token_for("curator").await;
    let reviewer = app.token_for("curator").await;
    let org = create_org(app, &author, &firm("Renvoi Services")).await;
    let id = org["id"].as_str().unwrap();
    assert_eq!(act(app, &author, id, "submit").await, 200);

    for body in [
        json!({}),
        json!({"comment": "   "}),
        json!({"comment": "x".repeat(5001)}),
        json!({"comment": "ok", "extra": 1}),
    ] {
        let (status, problem) = decide(app, &reviewer, id, "request_changes", Some(body.clone())).await;
        assert!(status == 422 || status == 400, "{body}: {status} {problem}");
    }
    assert_eq!(
        decide(app, &reviewer, id, "request_changes", None).await.0,
        415,
        "the comment is required"
    );
    let still = app.read_json(&format!("/v1/organizations/{id}"), &author).await;
    assert_eq!(
        (still["status"].as_str(), still["version"].as_i64()),
        (Some("in_review"), org["version"].as_i64().map(|v| v + 1))
    );

    let reason = "Le NINEA est absent.\nMerci de l'ajouter.";
    let (status, sent_back) = decide(
        app,
        &reviewer,
        id,
        "request_changes",
        Some(json!({"comment": reason})),
    )
    .await;
    assert_eq!(status, 200, "{sent_back}");
    assert_eq!(sent_back["status"], "draft");
    assert_eq!(
        decide(
            app,
            &reviewer,
            id,
            "request_changes",
            Some(json!({"comment": reason}))
        )
        .await
        .0,
        409
    );

    // The author answers in the thread, fixes and submits again; the reviewer approves.
    let remark = app
        .authed(Method::POST, &format!("/v1/organizations/{id}/reviews"), &author)
        .json(&json!({"comment": "Ajouté."}))
        .send()
        .await
        .unwrap();
    assert_eq!(remark.status(), 201);
    assert_eq!(act(app, &author, id, "submit").await, 200);
    assert_eq!(decide(app, &reviewer, id, "approve", None).await.0, 200);
    let entries = thread(app, &author, id).await;
    assert_eq!(
        kinds(&entries),
        [
            "submitted",
            "changes_requested",
            "comment",
            "submitted",
            "approved"
        ]
    );
    assert_eq!(entries[1]["comment"], reason);

    // Partners never see a thread; the thread of an unknown organization does not exist.
    let partner = partner_key(app, &app.admin_token().await).await;
    let hidden = app
        .authed(Method::GET, &format!("/v1/organizations/{id}/reviews"), &partner)
        .send()
        .await
        .unwrap();
    assert_eq!(hidden.status(), 403);
    let missing = app
        .authed(Method::GET, "/v1/organizations/no-such-org/reviews", &author)
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
});

backend_test!(the_queue_lists_what_waits_oldest_first_with_its_changes, |app| {
    let author = app.token_for("curator").await;
    let reviewer = app.token_for("curator").await;
    let first = create_org(app, &author, &firm("File Premier")).await;
    let first = first["id"].as_str().unwrap().to_owned();
    let mut other = firm("File Second");
    other["registry_ids"] = json!([]);
    let second = create_org(app, &author, &other).await;
    let second = second["id"].as_str().unwrap().to_owned();
    // The first was published, withdrawn and changed: its changes are against what partners saw.
    assert_eq!(act(app, &author, &first, "publish").await, 200);
    assert_eq!(act(app, &author, &first, "unpublish").await, 200);
    let path = format!("/v1/organizations/{first}");
    let read = app.authed(Method::GET, &path, &author).send().await.unwrap();
    let tag = etag(&read);
    assert_eq!(
        patch(app, &author, &path, &tag, &json!({"city": "Thiès"}))
            .await
            .status(),
        200
    );
    assert_eq!(act(app, &author, &first, "submit").await, 200);
    assert_eq!(act(app, &author, &second, "submit").await, 200);

    let page = app.read_json("/v1/review-queue?limit=1", &reviewer).await;
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["organization"]["id"], first.as_str());
    assert_eq!(items[0]["reason"], "in_review");
    assert_eq!(items[0]["published_version"], 2);
    assert_eq!(
        items[0]["changes"],
        json!([{"field": "city", "published": "Dakar", "proposed": "Thiès"}])
    );
    assert!(
        items[0]["submitted_by"]["email"]
            .as_str()
            .unwrap()
            .starts_with("curator-")
    );
    let cursor = page["next_cursor"].as_str().unwrap();
    let next = app
        .read_json(&format!("/v1/review-queue?limit=1&cursor={cursor}"), &reviewer)
        .await;
    assert_eq!(next["items"][0]["organization"]["id"], second.as_str());
    assert!(
        next["items"][0].get("published_version").is_none(),
        "never published"
    );
    assert!(
        next["items"][0]["changes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["field"] == "name")
    );
    assert!(next["next_cursor"].is_null());

    assert_eq!(decide(app, &reviewer, &first, "approve", None).await.0, 200);
    let left = app.read_json("/v1/review-queue", &reviewer).await;
    assert_eq!(
        left["items"].as_array().unwrap().len(),
        1,
        "decided entries leave the queue"
    );
    for bad in ["limit=0", "limit=101", "cursor=nonsense", "cursor=djE6eHl6"] {
        let refused = app
            .authed(Method::GET, &format!("/v1/review-queue?{bad}"), &reviewer)
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), 400, "{bad}");
    }
    let agency = app.token_for("agency").await;
    let refused = app
        .authed(Method::GET, "/v1/review-queue", &agency)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
});

backend_test!(concurrent_decisions_on_one_entry_take_turns, |app| {
    let author = app.token_for("curator").await;
    let mut reviewers = Vec::new();
    for _ in 0..6 {
        reviewers.push(app.token_for("curator").await);
    }
    let org = create_org(app, &author, &firm("Course Décision")).await;
    let id = org["id"].as_str().unwrap().to_owned();
    assert_eq!(act(app, &author, &id, "submit").await, 200);
    let outcomes = concurrently(6, |i| {
        let (client, id) = (app.client_as(&reviewers[i]), id.clone());
        let action = if i % 2 == 0 { "approve" } else { "request_changes" };
        async move {
            let path = format!("/v1/organizations/{id}/{action}");
            let body = json!({"comment": "décision"});
            let (status, _, _) = client.send(Method::POST, &path, Some(&body), None).await;
            (status, ())
        }
    })
    .await;
    outcomes.assert_no_server_error();
    assert_eq!(outcomes.count(200), 1, "{:?}", outcomes.statuses());
    assert_eq!(outcomes.count(409), 5, "{:?}", outcomes.statuses());
    let entries = thread(app, &author, &id).await;
    assert_eq!(entries.len(), 2, "one submission and one decision: {entries:?}");
});

backend_test!(the_four_eyes_rule_can_be_turned_off, |app| {
    let server = app.spawn_server(&["--four-eyes", "false"]).await;
    let curator = app.token_for("curator").await;
    let org = create_org(app, &curator, &firm("Seul Curateur")).await;
    let id = org["id"].as_str().unwrap();
    assert_eq!(act(app, &curator, id, "submit").await, 200);
    let approve = app
        .client
        .post(server.url(&format!("/v1/organizations/{id}/approve")))
        .bearer_auth(&curator)
        .send()
        .await
        .unwrap();
    assert_eq!(approve.status(), 200);
    server.stop().await;
});
