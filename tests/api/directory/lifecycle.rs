//! Status moves only by explicit actions, each recorded in the history.

use reqwest::Method;
use serde_json::{Value, json};

use super::{act, create_org, etag, firm};
use crate::backend_test;

backend_test!(actions_follow_the_lifecycle, |app| {
    let curator = app.token_for("curator").await;
    let org = create_org(app, &curator, &firm("Lifecycle Firm")).await;
    let id = org["id"].as_str().unwrap();
    assert_eq!(
        act(app, &curator, id, "unpublish").await,
        409,
        "a draft is not published"
    );
    assert_eq!(act(app, &curator, id, "submit").await, 200);
    let reviewer = app.token_for("curator").await;
    assert_eq!(act(app, &reviewer, id, "publish").await, 200);
    assert_eq!(act(app, &curator, id, "verify").await, 200);
    assert_eq!(act(app, &curator, id, "unpublish").await, 200);
    assert_eq!(act(app, &curator, id, "archive").await, 200);
    assert_eq!(act(app, &curator, id, "publish").await, 409, "archived is final");
    assert_eq!(act(app, &curator, "no-such-org", "publish").await, 404);

    let path = format!("/v1/organizations/{id}");
    let archived = app.authed(Method::GET, &path, &curator).send().await.unwrap();
    let tag = etag(&archived);
    let archived: Value = archived.json().await.unwrap();
    assert_eq!(archived["status"], "archived");
    assert!(archived["verification"]["verified_by"].is_string());
    let edit = app
        .authed(Method::PATCH, &path, &curator)
        .header("If-Match", tag)
        .json(&json!({"city": "Thiès"}))
        .send()
        .await
        .unwrap();
    assert_eq!(edit.status(), 409, "archived records are read-only");

    // An action with a stale If-Match is refused.
    let other = create_org(
        app,
        &curator,
        &json!({"kind": "association", "name": "Stale Assoc", "country": "SN"}),
    )
    .await;
    let path = format!("/v1/organizations/{}/publish", other["id"].as_str().unwrap());
    let stale = app
        .authed(Method::POST, &path, &curator)
        .header("If-Match", "\"7\"")
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), 412);
});

backend_test!(history_records_every_change_with_before_and_after, |app| {
    let curator = app.token_for("curator").await;
    let org = create_org(app, &curator, &firm("History Firm")).await;
    let id = org["id"].as_str().unwrap();
    let path = format!("/v1/organizations/{id}");
    app.authed(Method::PATCH, &path, &curator)
        .header("If-Match", "\"1\"")
        .json(&json!({"city": "Thiès"}))
        .send()
        .await
        .unwrap();
    let capability = json!({"service_code": "it.software_development", "delivery_modes": ["offshore"]});
    let created = app
        .authed(Method::POST, &format!("{path}/capabilities"), &curator)
        .json(&capability)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    act(app, &curator, id, "publish").await;

    let agency = app.token_for("agency").await;
    let history: Value = app
        .authed(Method::GET, &format!("{path}/history"), &agency)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let entries = history["items"].as_array().unwrap();
    let actions: Vec<(&str, &str)> = entries
        .iter()
        .map(|e| (e["entity_kind"].as_str().unwrap(), e["action"].as_str().unwrap()))
        .collect();
    assert_eq!(
        actions,
        [
            ("organization", "created"),
            ("organization", "updated"),
            ("capability", "created"),
            ("organization", "published")
        ]
    );
    let update = &entries[1];
    assert_eq!(
        (
            update["before"]["city"].as_str(),
            update["after"]["city"].as_str()
        ),
        (Some("Dakar"), Some("Thiès"))
    );
    assert!(entries[0]["before"].is_null() && entries[0]["after"]["name"] == "History Firm");
    assert_eq!(entries[3]["after"]["status"], "published");
    assert!(
        entries
            .iter()
            .all(|e| e["actor_kind"] == "user" && e["actor_id"].is_string())
    );

    let page: Value = app
        .authed(Method::GET, &format!("{path}/history?limit=2"), &agency)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let next = page["next_cursor"].as_str().unwrap();
    let rest: Value = app
        .authed(Method::GET, &format!("{path}/history?cursor={next}"), &agency)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(rest["items"].as_array().unwrap().len(), 2);

    let partner = app.token_for("partner").await;
    assert_eq!(
        app.authed(Method::GET, &format!("{path}/history"), &partner)
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
});
