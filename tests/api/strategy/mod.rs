//! The sector's export strategy as the agency, curators and partner portals use it:
//! consultations, barriers, strategies and action plans, their reports, export and feed.

mod feed;
mod plan;
mod reports;

use reqwest::Method;
use serde_json::{Value, json};

use crate::backend_test;
use crate::directory::post;
use crate::helpers::{TestApp, concurrently};

/// The id of the organization with this slug.
pub async fn org_id(app: &TestApp, token: &str, slug: &str) -> String {
    app.read_json(&format!("/v1/organizations/{slug}"), token).await["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Status, ETag and body of a GET.
pub async fn get(app: &TestApp, token: &str, path: &str) -> (u16, String, Value) {
    let response = app.authed(Method::GET, path, token).send().await.unwrap();
    let status = response.status().as_u16();
    let tag = response
        .headers()
        .get("etag")
        .map(|t| t.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, tag, response.json().await.unwrap_or(Value::Null))
}

/// A merge patch with `If-Match`: status and body.
pub async fn patch(app: &TestApp, token: &str, path: &str, tag: Option<&str>, body: &Value) -> (u16, Value) {
    let mut request = app
        .authed(Method::PATCH, path, token)
        .header("content-type", "application/merge-patch+json")
        .body(body.to_string());
    if let Some(tag) = tag {
        request = request.header("If-Match", tag);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// A barrier's create body.
pub fn barrier(statement: &str) -> Value {
    json!({
        "statement": {"fr": statement, "en": statement},
        "level": "institutional",
        "theme": "connectivity",
        "services": ["bpo"],
        "severity": "high",
        "internal_notes": "Raised by two firms in private.",
    })
}

fn ids(page: &Value) -> Vec<&str> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect()
}

backend_test!(the_sectors_record_is_loaded_as_fact, |app| {
    let partner = app.token_for("partner").await;
    let consultations = app.read_json("/v1/consultations", &partner).await;
    let items = consultations["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{consultations}");
    let (first, second) = (&items[0], &items[1]);
    assert_eq!(first["stage"], "diagnostic");
    assert_eq!(first["status"], "held");
    assert_eq!(first["starts_on"], "2018-07-04");
    assert_eq!(first["ends_on"], "2018-07-05");
    assert_eq!(first["place"], "Dakar");
    let role_of = |slug_id: &str| {
        first["organizers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["organization_id"] == slug_id)
            .map(|o| o["role"].as_str().unwrap().to_owned())
    };
    let itc = org_id(app, &partner, "itc").await;
    let ministry = org_id(app, &partner, "ministere-commerce-pme").await;
    assert_eq!(role_of(&itc).as_deref(), Some("convener"));
    assert_eq!(role_of(&ministry).as_deref(), Some("under_the_aegis_of"));
    assert_eq!(
        role_of(&org_id(app, &partner, "asepex").await).as_deref(),
        Some("co_organizer")
    );
    let ntf = app.read_json("/v1/programmes/ntf-iv", &partner).await;
    assert_eq!(first["programme_id"], ntf["id"]);
    assert_eq!(second["stage"], "validation");
    assert_eq!(second["status"], "planned");
    assert_eq!(second["date_precision"], "month");
    assert_eq!(second["starts_on"], "2018-09-01");
    assert!(
        first["unlisted_participants"]["firms"].is_null(),
        "no count the record lacks"
    );

    let itc_read = app
        .read_json("/v1/organizations/itc?include=consultations,actions", &partner)
        .await;
    assert_eq!(
        itc_read["consultations"],
        json!([{"consultation_id": first["id"], "part": "organizer", "role": "convener"}]),
        "{itc_read}"
    );
    assert_eq!(itc_read["actions"], json!([]));
    assert!(
        app.read_json("/v1/organizations/itc", &partner)
            .await
            .get("consultations")
            .is_none()
    );

    let strategies = app.read_json("/v1/strategies", &partner).await;
    let strategy = &strategies["items"][0];
    assert_eq!(strategy["framework"], "Plan Sénégal Numérique 2016-2025");
    assert_eq!(strategy["is_sample"], false);
    assert_eq!(strategies["items"].as_array().unwrap().len(), 1);
    assert!(
        ids(&app.read_json("/v1/barriers", &partner).await).is_empty(),
        "no invented barrier"
    );
    let id = strategy["id"].as_str().unwrap();
    let actions = app
        .read_json(&format!("/v1/strategies/{id}/actions"), &partner)
        .await;
    assert!(ids(&actions).is_empty(), "no invented action");
    let themes = app.read_json("/v1/barrier-themes", &partner).await;
    assert_eq!(themes.as_array().unwrap().len(), 8);
    assert_eq!(themes[2]["code"], "connectivity");
    assert_eq!(themes[2]["name_fr"], "Connectivité et coût de la bande passante");
});

backend_test!(
    staff_write_partners_and_representatives_read_what_is_published,
    |app| {
        let agency = app.token_for("agency").await;
        let partner = app.token_for("partner").await;
        let representative = app.token_for("representative").await;
        let (status, made) = post(app, &partner, "/v1/barriers", &barrier("Refusé")).await;
        assert_eq!(status, 403, "{made}");
        assert_eq!(
            post(app, &representative, "/v1/barriers", &barrier("Refusé"))
                .await
                .0,
            403
        );

        let (status, made) = post(app, &agency, "/v1/barriers", &barrier("Bande passante chère")).await;
        assert_eq!(status, 201, "{made}");
        assert_eq!(made["visibility"], "draft", "new entries start as drafts");
        let path = format!("/v1/barriers/{}", made["id"].as_str().unwrap());
        for token in [&partner, &representative] {
            assert_eq!(
                get(app, token, &path).await.0,
                404,
                "a draft does not exist for them"
            );
            assert!(ids(&app.read_json("/v1/barriers", token).await).is_empty());
        }
        let (status, tag, read) = get(app, &agency, &path).await;
        assert_eq!(status, 200);
        assert_eq!(read["internal_notes"], "Raised by two firms in private.");
        let cached = app
            .authed(Method::GET, &path, &agency)
            .header("If-None-Match", &tag)
            .send()
            .await
            .unwrap();
        assert_eq!(cached.status(), 304);

        let publish = json!({"visibility": "published"});
        assert_eq!(patch(app, &agency, &path, None, &publish).await.0, 428);
        assert_eq!(patch(app, &agency, &path, Some("\"7\""), &publish).await.0, 412);
        let (status, published) = patch(app, &agency, &path, Some(&tag), &publish).await;
        assert_eq!(status, 200, "{published}");
        assert_eq!(published["version"], 2);
        assert_eq!(
            patch(app, &agency, &path, Some(&tag), &json!({"severity": "low"}))
                .await
                .0,
            412
        );
        for token in [&partner, &representative] {
            let (status, _, seen) = get(app, token, &path).await;
            assert_eq!(status, 200, "{seen}");
            assert!(
                seen.get("internal_notes").is_none(),
                "internal notes stay with staff: {seen}"
            );
        }
        assert_eq!(
            patch(app, &partner, &path, Some("*"), &json!({"severity": "low"}))
                .await
                .0,
            403
        );
        let history = app.read_json(&format!("{path}/history"), &agency).await;
        let actions: Vec<&str> = history["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        assert_eq!(actions, vec!["created", "published"], "{history}");
        assert_eq!(history["items"][1]["before"]["visibility"], "draft");
        assert_eq!(history["items"][1]["after"]["visibility"], "published");
        assert_eq!(get(app, &partner, &format!("{path}/history")).await.0, 403);
        app.assert_no_server_errors();
    }
);

backend_test!(bad_entries_are_refused_whole_with_every_error_named, |app| {
    let curator = app.token_for("curator").await;
    let mut body = barrier("Fiscalité");
    body["services"] = json!(["bpo", "no.such.service", "bpo"]);
    body["consultations"] = json!(["01a252ca-b5f2-7114-98bd-a1404c4b76dd"]);
    body["statement"] = json!({"fr": ""});
    let (status, problem) = post(app, &curator, "/v1/barriers", &body).await;
    assert_eq!(status, 422, "{problem}");
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    for field in ["statement.fr", "services[1]", "services[2]"] {
        assert!(fields.contains(&field), "{field} in {problem}");
    }
    body["statement"] = json!({"fr": "Fiscalité"});
    body["services"] = json!(["bpo"]);
    let (status, problem) = post(app, &curator, "/v1/barriers", &body).await;
    assert_eq!(status, 422, "an unknown consultation: {problem}");
    assert_eq!(problem["errors"][0]["field"], "consultations[0]");
    let (status, problem) = post(app, &curator, "/v1/barriers", &json!({"level": "galactic"})).await;
    assert!(status == 400 || status == 422, "{status} {problem}");
    let mut action = json!({"title": {"en": "Late"}, "start_date": "2027-05-01", "due_date": "2027-01-01"});
    let strategies = app.read_json("/v1/strategies", &curator).await;
    let plan = strategies["items"][0]["id"].as_str().unwrap().to_owned();
    let (status, problem) = post(app, &curator, &format!("/v1/strategies/{plan}/actions"), &action).await;
    assert_eq!(status, 422, "{problem}");
    action["due_date"] = json!("2027-06-01");
    action["lead_id"] = json!("asepex");
    let (status, problem) = post(app, &curator, &format!("/v1/strategies/{plan}/actions"), &action).await;
    assert_eq!(status, 422, "a slug is not an id: {problem}");
    assert_eq!(problem["errors"][0]["field"], "lead_id");
    assert!(
        ids(&app.read_json("/v1/barriers", &curator).await).is_empty(),
        "nothing written"
    );
    for query in [
        "service=nope",
        "q=",
        "level=galactic",
        "consultation=not-an-id",
        "limit=0",
    ] {
        let (status, _, body) = get(app, &curator, &format!("/v1/barriers?{query}")).await;
        if query == "q=" {
            assert_eq!(status, 200, "{query}: {body}");
        } else {
            assert_eq!(status, 400, "{query}: {body}");
        }
    }
    app.assert_no_server_errors();
});

backend_test!(a_draft_consultation_stays_out_of_a_published_barrier, |app| {
    let curator = app.token_for("curator").await;
    let partner = app.token_for("partner").await;
    let optic = org_id(app, &curator, "optic").await;
    let consultation = json!({
        "title": {"fr": "Atelier de Thiès"},
        "stage": "follow_up",
        "starts_on": "2026-11-02",
        "participants": [{"organization_id": optic, "role": "panelist"}],
        "unlisted_participants": {"firms": 31, "experts": 4},
    });
    let (status, draft) = post(app, &curator, "/v1/consultations", &consultation).await;
    assert_eq!(status, 201, "{draft}");
    assert_eq!(draft["unlisted_participants"], json!({"firms": 31, "experts": 4}));
    let draft_id = draft["id"].as_str().unwrap();
    let with_optic = app
        .read_json(&format!("/v1/consultations?organization={optic}"), &curator)
        .await;
    assert_eq!(
        ids(&with_optic).len(),
        2,
        "co-organizer of the first, participant here: {with_optic}"
    );
    assert_eq!(ids(&with_optic)[1], draft_id);
    let parts = app
        .read_json("/v1/organizations/optic?include=consultations", &curator)
        .await;
    assert_eq!(parts["consultations"][1]["part"], "participant");
    assert_eq!(parts["consultations"][1]["role"], "panelist");
    let mut body = barrier("Peu de financement");
    body["consultations"] = json!([draft_id]);
    body["visibility"] = json!("published");
    let (status, made) = post(app, &curator, "/v1/barriers", &body).await;
    assert_eq!(status, 201, "{made}");
    let path = format!("/v1/barriers/{}", made["id"].as_str().unwrap());
    let (_, before, seen) = get(app, &partner, &path).await;
    assert_eq!(seen["consultations"], json!([]), "the draft is hidden: {seen}");
    let filtered = app
        .read_json(&format!("/v1/barriers?consultation={draft_id}"), &curator)
        .await;
    assert_eq!(ids(&filtered), vec![made["id"].as_str().unwrap()]);

    let (_, tag, _) = get(app, &curator, &format!("/v1/consultations/{draft_id}")).await;
    let (status, _) = patch(
        app,
        &curator,
        &format!("/v1/consultations/{draft_id}"),
        Some(&tag),
        &json!({"visibility": "published"}),
    )
    .await;
    assert_eq!(status, 200);
    let (_, after, seen) = get(app, &partner, &path).await;
    assert_eq!(seen["consultations"], json!([draft_id]));
    assert_ne!(before, after, "the representation changed, so does its tag");
    let stale = app
        .authed(Method::GET, &path, &partner)
        .header("If-None-Match", &before)
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), 200);

    let response = app
        .authed(Method::DELETE, &format!("/v1/consultations/{draft_id}"), &curator)
        .header("If-Match", "*")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 409, "a barrier names it");
});

backend_test!(concurrent_writers_all_land, |app| {
    let agency = app.token_for("agency").await;
    let client = app.client_as(&agency);
    let outcomes = concurrently(12, |i| {
        let client = client.clone();
        async move {
            let (status, tag, body) = client
                .send(
                    Method::POST,
                    "/v1/barriers",
                    Some(&barrier(&format!("Obstacle {i}"))),
                    None,
                )
                .await;
            let id = body["id"].as_str().unwrap_or_default().to_owned();
            if status != 201 {
                return (status, id);
            }
            let path = format!("/v1/barriers/{id}");
            let patch = json!({"status": "validated"});
            let (status, _, _) = client
                .send(Method::PATCH, &path, Some(&patch), tag.as_deref())
                .await;
            (status, id)
        }
    })
    .await;
    outcomes.assert_all_succeeded();
    let listed = app
        .read_json("/v1/barriers?status=validated&limit=100", &agency)
        .await;
    assert_eq!(ids(&listed).len(), 12, "{listed}");
    let summary = app.read_json("/v1/barriers/summary", &agency).await;
    assert_eq!(summary["barriers"], 12);
    assert_eq!(summary["by_status"]["validated"], 12);
    assert_eq!(summary["by_service"][0], json!({"code": "bpo", "barriers": 12}));
});
