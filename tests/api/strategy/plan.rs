//! A strategy's action plan as the steering committee follows it: objectives, actions with
//! leads, partners, barriers and indicators, the filters, the progress report and the export.

use reqwest::Method;
use serde_json::{Value, json};

use super::{barrier, get, org_id, patch};
use crate::backend_test;
use crate::directory::post;

fn ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect()
}

backend_test!(an_action_plan_reports_its_progress_and_exports, |app| {
    let agency = app.token_for("agency").await;
    let partner = app.token_for("partner").await;
    let optic = org_id(app, &agency, "optic").await;
    let asepex = org_id(app, &agency, "asepex").await;
    let (status, plan) = post(
        app,
        &agency,
        "/v1/strategies",
        &json!({
            "title": {"fr": "Plan d'essai", "en": "Trial plan"},
            "framework": "Plan Sénégal Numérique 2016-2025",
            "objectives": [{"code": "SO1", "title": {"en": "Certified firms"}}],
            "visibility": "published",
        }),
    )
    .await;
    assert_eq!(status, 201, "{plan}");
    let plan_id = plan["id"].as_str().unwrap().to_owned();
    let actions = format!("/v1/strategies/{plan_id}/actions");
    let mut body = barrier("Peu d'entreprises certifiées");
    body["visibility"] = json!("published");
    let (_, answered) = post(app, &agency, "/v1/barriers", &body).await;
    let barrier_id = answered["id"].as_str().unwrap().to_owned();

    let late = json!({
        "objective": "SO1",
        "title": {"fr": "Accompagner vers l'ISO/IEC 27001", "en": "Support firms towards ISO/IEC 27001"},
        "barriers": [barrier_id],
        "lead_id": optic,
        "partner_ids": [asepex],
        "start_date": "2024-01-01",
        "due_date": "2025-06-30",
        "status": "in_progress",
        "priority": "high",
        "budget": {"amount": 25000000, "currency": "XOF"},
        "indicators": [{"name": "Firms certified", "unit": "firms", "baseline": 2, "target": 12,
                        "measurements": [{"on": "2025-01-15", "value": 4}, {"on": "2025-06-01", "value": 7}]}],
        "visibility": "published",
    });
    let (status, made) = post(app, &agency, &actions, &late).await;
    assert_eq!(status, 201, "{made}");
    assert_eq!(made["overdue"], true);
    let late_id = made["id"].as_str().unwrap().to_owned();
    let mut wrong = late.clone();
    wrong["objective"] = json!("SO9");
    let (status, problem) = post(app, &agency, &actions, &wrong).await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "objective");
    let (status, done) = post(
        app,
        &agency,
        &actions,
        &json!({
            "title": {"en": "Publish a directory of exporters"},
            "due_date": "2020-01-01",
            "status": "done",
            "visibility": "published",
        }),
    )
    .await;
    assert_eq!(status, 201, "{done}");
    assert_eq!(done["overdue"], false, "done is never overdue");
    let (status, draft) = post(
        app,
        &agency,
        &actions,
        &json!({"title": {"en": "Not yet public"}}),
    )
    .await;
    assert_eq!(status, 201, "{draft}");

    let query = |q: &str| format!("{actions}?{q}");
    assert_eq!(
        ids(&app.read_json(&query("overdue=true"), &agency).await),
        vec![late_id.clone()]
    );
    assert_eq!(
        ids(&app.read_json(&query(&format!("lead={optic}")), &agency).await),
        vec![late_id.clone()]
    );
    assert_eq!(
        ids(&app.read_json(&query(&format!("partner={asepex}")), &agency).await),
        vec![late_id.clone()]
    );
    assert_eq!(
        ids(&app
            .read_json(&query(&format!("barrier={barrier_id}")), &agency)
            .await),
        vec![late_id.clone()]
    );
    assert_eq!(
        ids(&app.read_json(&query("q=iso%2Fiec%2027001"), &agency).await),
        vec![late_id.clone()]
    );
    assert_eq!(
        ids(&app
            .read_json(&query("objective=SO1&priority=high"), &agency)
            .await),
        vec![late_id.clone()]
    );
    assert_eq!(ids(&app.read_json(&query("limit=100"), &agency).await).len(), 3);
    assert_eq!(
        ids(&app.read_json(&query("limit=100"), &partner).await).len(),
        2,
        "drafts hidden"
    );
    let first = app.read_json(&query("limit=1"), &agency).await;
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = app
        .read_json(&query(&format!("limit=1&cursor={cursor}")), &agency)
        .await;
    assert_ne!(ids(&first), ids(&second), "keyset pages move on");

    let led = app
        .read_json("/v1/organizations/optic?include=actions", &partner)
        .await;
    assert_eq!(
        led["actions"],
        json!([{"action_id": late_id, "strategy_id": plan_id}]),
        "{led}"
    );

    let progress = app
        .read_json(&format!("/v1/strategies/{plan_id}/progress"), &partner)
        .await;
    assert_eq!(progress["actions"], 2, "{progress}");
    assert_eq!(progress["by_status"]["in_progress"], 1);
    assert_eq!(progress["by_status"]["done"], 1);
    assert_eq!(
        progress["by_status"]["planned"], 0,
        "the draft is not the partner's"
    );
    assert_eq!(progress["overdue"][0]["id"], late_id.as_str());
    assert!(progress["overdue"][0]["days_overdue"].as_i64().unwrap() > 500);
    let optic_row = progress["by_lead"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["lead_id"] == optic.as_str())
        .cloned()
        .unwrap();
    assert_eq!(optic_row["overdue"], 1);
    assert_eq!(progress["indicators"][0]["achieved"], 0.5, "from 2 to 12, at 7");
    assert_eq!(progress["indicators"][0]["latest"]["on"], "2025-06-01");

    let export = app
        .authed(Method::GET, &format!("{actions}/export?format=csv"), &partner)
        .send()
        .await
        .unwrap();
    assert_eq!(export.status(), 200);
    assert!(
        export.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let text = export.text().await.unwrap();
    let mut lines = text.lines();
    assert!(
        lines.next().unwrap().contains("Objective,Action,Status"),
        "{text}"
    );
    assert_eq!(text.lines().count(), 3, "a heading and two actions: {text}");
    assert!(
        text.contains("Organisation des Professionnels des TIC"),
        "leads by name: {text}"
    );
    let xlsx = app
        .authed(
            Method::GET,
            &format!("{actions}/export?format=xlsx&status=done"),
            &agency,
        )
        .header("Accept-Language", "fr")
        .send()
        .await
        .unwrap();
    assert_eq!(xlsx.status(), 200);
    assert_eq!(xlsx.headers()["content-language"], "fr");
    assert!(xlsx.bytes().await.unwrap().starts_with(b"PK"), "a zip container");
    let (status, _, _) = get(app, &agency, &format!("{actions}/export?format=pdf")).await;
    assert_eq!(status, 400);

    let (_, tag, _) = get(app, &agency, &format!("/v1/strategies/{plan_id}")).await;
    let (status, problem) = patch(
        app,
        &agency,
        &format!("/v1/strategies/{plan_id}"),
        Some(&tag),
        &json!({"objectives": []}),
    )
    .await;
    assert_eq!(status, 422, "an action still serves SO1: {problem}");
    let delete = |path: String| {
        app.authed(Method::DELETE, &path, &agency)
            .header("If-Match", "*")
            .send()
    };
    assert_eq!(
        delete(format!("/v1/strategies/{plan_id}"))
            .await
            .unwrap()
            .status(),
        409
    );
    assert_eq!(
        delete(format!("/v1/barriers/{barrier_id}"))
            .await
            .unwrap()
            .status(),
        409
    );
    assert_eq!(
        delete(format!("{actions}/{late_id}")).await.unwrap().status(),
        204
    );
    assert_eq!(
        delete(format!("/v1/barriers/{barrier_id}"))
            .await
            .unwrap()
            .status(),
        204
    );
    assert_eq!(get(app, &agency, &format!("{actions}/{late_id}")).await.0, 404);
    let other = app.read_json("/v1/strategies", &agency).await["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let done_id = done["id"].as_str().unwrap();
    assert_eq!(
        get(app, &agency, &format!("/v1/strategies/{other}/actions/{done_id}"))
            .await
            .0,
        404,
        "an action is read under its own strategy"
    );
    app.assert_no_server_errors();
});
