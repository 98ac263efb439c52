//! The reports against a brute-force count of what the lists return, the service hierarchy
//! in barrier filters, and an archived lead.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::{get, org_id};
use crate::backend_test;
use crate::directory::{act, create_org, firm, post};
use crate::helpers::TestApp;

/// Every item of a list, page after page.
async fn every(app: &TestApp, token: &str, path: &str) -> Vec<Value> {
    let mut all = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let separator = if path.contains('?') { '&' } else { '?' };
        let mut page_path = format!("{path}{separator}limit=7");
        if let Some(cursor) = &cursor {
            page_path.push_str(&format!("&cursor={cursor}"));
        }
        let mut page = app.read_json(&page_path, token).await;
        all.append(page["items"].as_array_mut().unwrap());
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return all,
        }
    }
}

fn tally<'a>(items: impl Iterator<Item = &'a Value>, field: &str) -> BTreeMap<String, i64> {
    let mut counts = BTreeMap::new();
    for item in items {
        *counts
            .entry(item[field].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    counts
}

fn nonzero(counts: &Value) -> BTreeMap<String, i64> {
    counts
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_i64().unwrap()))
        .filter(|(_, v)| *v > 0)
        .collect()
}

backend_test!(summaries_and_progress_equal_a_brute_force_count, |app| {
    let curator = app.token_for("curator").await;
    let partner = app.token_for("partner").await;
    let taxonomy = app.read_json("/v1/taxonomy", &curator).await;
    let below: Vec<String> = taxonomy
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["parent_code"] == "bpo")
        .map(|t| t["code"].as_str().unwrap().to_owned())
        .collect();
    let (levels, themes) = (
        ["firm", "institutional", "regulatory"],
        ["skills", "finance", "taxation", "connectivity"],
    );
    let statuses = [
        "identified",
        "validated",
        "being_addressed",
        "resolved",
        "dropped",
    ];
    for i in 0..23usize {
        let services = match i % 4 {
            0 => json!(["bpo"]),
            1 => json!([below[0]]),
            2 => json!(["it"]),
            _ => json!([]),
        };
        let body = json!({
            "statement": {"fr": format!("Obstacle numéro {i}")},
            "level": levels[i % 3],
            "theme": themes[i % 4],
            "status": statuses[i % 5],
            "services": services,
            "visibility": if i % 3 == 0 { "draft" } else { "published" },
        });
        let (status, made) = post(app, &curator, "/v1/barriers", &body).await;
        assert_eq!(status, 201, "{made}");
    }
    for token in [&curator, &partner] {
        let all = every(app, token, "/v1/barriers").await;
        let summary = app.read_json("/v1/barriers/summary", token).await;
        assert_eq!(summary["barriers"], all.len() as i64);
        assert_eq!(nonzero(&summary["by_level"]), tally(all.iter(), "level"));
        assert_eq!(nonzero(&summary["by_theme"]), tally(all.iter(), "theme"));
        assert_eq!(nonzero(&summary["by_status"]), tally(all.iter(), "status"));
        let on_bpo = all.iter().filter(|b| b["services"] == json!(["bpo"])).count() as i64;
        let listed = summary["by_service"].as_array().unwrap();
        let bpo = listed.iter().find(|s| s["code"] == "bpo").unwrap();
        assert_eq!(bpo["barriers"], on_bpo);

        // A barrier on the category is found from a service below it, and the other way.
        let from_below = every(app, token, &format!("/v1/barriers?service={}", below[0])).await;
        let wanted = all
            .iter()
            .filter(|b| b["services"] == json!(["bpo"]) || b["services"] == json!([below[0]]))
            .count();
        assert_eq!(from_below.len(), wanted);
        assert_eq!(every(app, token, "/v1/barriers?service=bpo").await.len(), wanted);
        let filtered = app
            .read_json("/v1/barriers/summary?level=firm&theme=skills", token)
            .await;
        let brute = all
            .iter()
            .filter(|b| b["level"] == "firm" && b["theme"] == "skills")
            .count();
        assert_eq!(filtered["barriers"], brute as i64);
    }
    let curated = every(app, &curator, "/v1/barriers").await.len();
    assert_eq!(curated, 23);
    assert_eq!(
        every(app, &partner, "/v1/barriers").await.len(),
        15,
        "drafts are the staff's"
    );

    let strategies = app.read_json("/v1/strategies", &curator).await;
    let plan = strategies["items"][0]["id"].as_str().unwrap().to_owned();
    let path = format!("/v1/strategies/{plan}/actions");
    let leads = [
        org_id(app, &curator, "optic").await,
        org_id(app, &curator, "asepex").await,
    ];
    let action_statuses = ["planned", "in_progress", "done", "delayed", "dropped"];
    for i in 0..17usize {
        let due = if i % 2 == 0 { "2020-03-01" } else { "2099-03-01" };
        let mut body = json!({
            "title": {"en": format!("Action {i}")},
            "status": action_statuses[i % 5],
            "due_date": due,
            "visibility": if i % 4 == 0 { "draft" } else { "published" },
        });
        if i % 3 != 0 {
            body["lead_id"] = json!(leads[i % 2]);
        }
        assert_eq!(post(app, &curator, &path, &body).await.0, 201);
    }
    for token in [&curator, &partner] {
        let all = every(app, token, &path).await;
        let progress = app
            .read_json(&format!("/v1/strategies/{plan}/progress"), token)
            .await;
        assert_eq!(progress["actions"], all.len() as i64);
        assert_eq!(nonzero(&progress["by_status"]), tally(all.iter(), "status"));
        let overdue: Vec<&Value> = all.iter().filter(|a| a["overdue"] == true).collect();
        assert_eq!(progress["overdue"].as_array().unwrap().len(), overdue.len());
        assert_eq!(
            every(app, token, &format!("{path}?overdue=true")).await.len(),
            overdue.len()
        );
        assert_eq!(
            every(app, token, &format!("{path}?overdue=false")).await.len(),
            all.len() - overdue.len()
        );
        for lead in &leads {
            let brute = all.iter().filter(|a| a["lead_id"] == lead.as_str()).count() as i64;
            let row = progress["by_lead"]
                .as_array()
                .unwrap()
                .iter()
                .find(|l| l["lead_id"] == lead.as_str())
                .unwrap();
            assert_eq!(row["actions"], brute);
            assert_eq!(
                every(app, token, &format!("{path}?lead={lead}")).await.len() as i64,
                brute
            );
        }
    }
});

backend_test!(an_archived_lead_keeps_its_link_and_flags_the_action, |app| {
    let curator = app.token_for("curator").await;
    let partner = app.token_for("partner").await;
    let mut body = firm("Chef de File Éphémère SARL");
    body.as_object_mut().unwrap().remove("registry_ids");
    let lead = create_org(app, &curator, &body).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(act(app, &curator, &lead, "publish").await, 200);
    let strategies = app.read_json("/v1/strategies", &curator).await;
    let plan = strategies["items"][0]["id"].as_str().unwrap().to_owned();
    let path = format!("/v1/strategies/{plan}/actions");
    let (status, open) = post(
        app,
        &curator,
        &path,
        &json!({
            "title": {"fr": "Former 500 agents bilingues"},
            "lead_id": lead,
            "status": "in_progress",
            "visibility": "published",
        }),
    )
    .await;
    assert_eq!(status, 201, "{open}");
    let (status, closed) = post(
        app,
        &curator,
        &path,
        &json!({
            "title": {"fr": "Étude terminée"},
            "lead_id": lead,
            "status": "done",
            "visibility": "published",
        }),
    )
    .await;
    assert_eq!(status, 201, "{closed}");
    let progress = |token: String| {
        let path = format!("/v1/strategies/{plan}/progress");
        async move { app.read_json(&path, &token).await }
    };
    assert!(
        progress(curator.clone()).await["without_active_lead"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    assert_eq!(act(app, &curator, &lead, "archive").await, 200);
    for token in [&curator, &partner] {
        let report = progress(token.clone()).await;
        let flagged: Vec<&str> = report["without_active_lead"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["id"].as_str().unwrap())
            .collect();
        assert_eq!(
            flagged,
            vec![open["id"].as_str().unwrap()],
            "the done one needs no lead: {report}"
        );
    }
    let action = format!("{path}/{}", open["id"].as_str().unwrap());
    let (_, _, staff) = get(app, &curator, &action).await;
    assert_eq!(staff["lead_id"], lead.as_str(), "the link is kept");
    let (_, _, public) = get(app, &partner, &action).await;
    assert!(
        public.get("lead_id").is_none(),
        "an archived organization is not the partner's: {public}"
    );
});
