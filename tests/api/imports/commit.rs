//! Commits: every row written with the API's own effects (history, change feed, facet index,
//! match profiles), existing organizations updated as merge patches, or nothing written.

use serde_json::{Value, json};

use super::*;
use crate::backend_test;
use crate::directory::{create_org, firm};

fn workbook_for(existing_ninea: &str) -> Vec<u8> {
    workbook(&[
        (
            "Organisations",
            vec![
                vec![
                    Text("Clé"),
                    Text("NINEA"),
                    Text("Type"),
                    Text("Nom"),
                    Text("Pays"),
                    Text("Ville"),
                    Text("Effectif"),
                ],
                vec![
                    Empty,
                    Text(existing_ninea),
                    Empty,
                    Empty,
                    Empty,
                    Text("Thiès"),
                    Number(220.0),
                ],
                vec![
                    Text("n1"),
                    Text("700000100"),
                    Text("firm"),
                    Text("Nouvelle Données Import"),
                    Text("SN"),
                    Text("Dakar"),
                    Number(40.0),
                ],
            ],
        ),
        (
            "Capacités",
            vec![
                vec![
                    Text("Organisation"),
                    Text("Code du service"),
                    Text("Modes de prestation"),
                    Text("Langues"),
                    Text("Capacité au"),
                ],
                vec![
                    Text("n1"),
                    Text("it.data_analytics"),
                    Text("offshore | nearshore"),
                    Text("fr:12|en:4"),
                    Text("2026-06-30"),
                ],
                vec![
                    Text(existing_ninea),
                    Text("bpo.data_entry"),
                    Text("offshore"),
                    Empty,
                    Empty,
                ],
            ],
        ),
        (
            "markets",
            vec![
                vec![
                    Text("organization"),
                    Text("country"),
                    Text("kind"),
                    Text("since_year"),
                ],
                vec![Text("700000100"), Text("CA"), Text("target"), Number(2024.0)],
            ],
        ),
        (
            "relations",
            vec![
                vec![Text("organization"), Text("kind"), Text("target")],
                vec![Text("n1"), Text("member_of"), Text("optic")],
            ],
        ),
    ])
}

backend_test!(a_commit_writes_every_row_with_the_effects_of_api_writes, |app| {
    let curator = app.token_for("curator").await;
    let existing = create_org(app, &curator, &firm("Déjà Là Services")).await;
    let existing_id = existing["id"].as_str().unwrap().to_owned();

    let answer = expect(
        send(
            app,
            &curator,
            "mode=commit&publish=true",
            XLSX,
            workbook_for("004567890 2G3"),
        )
        .await,
        200,
    )
    .await;
    let import_id = answer["id"].as_str().unwrap().to_owned();
    assert_eq!(answer["outcome"], "committed", "{:#}", answer["report"]);
    let summary = &answer["report"]["summary"];
    assert_eq!(
        (summary["created"].as_u64(), summary["updated"].as_u64()),
        (Some(5), Some(1)),
        "{summary}"
    );
    let rows = answer["report"]["rows"].as_array().unwrap();
    assert_eq!(rows[0]["action"], "updated");
    assert_eq!(rows[0]["changes"], json!(["city", "employees"]));

    let updated = app
        .read_json(&format!("/v1/organizations/{existing_id}"), &curator)
        .await;
    assert_eq!(
        (updated["city"].as_str(), updated["employees"].as_i64()),
        (Some("Thiès"), Some(220))
    );
    assert_eq!(
        updated["name"], "Déjà Là Services",
        "absent cells keep what is there"
    );
    assert_eq!(
        updated["status"], "draft",
        "publish applies to new organizations only"
    );
    let history = app
        .read_json(&format!("/v1/organizations/{existing_id}/history"), &curator)
        .await;
    let imported: Vec<&Value> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["import_id"] == import_id.as_str())
        .collect();
    assert_eq!(
        imported.len(),
        2,
        "the update and the new capability: {history:#}"
    );

    let new_id = rows[1]["id"].as_str().unwrap();
    let new = app
        .read_json(
            &format!("/v1/organizations/{new_id}?include=capabilities,markets,relationships"),
            &curator,
        )
        .await;
    assert_eq!(new["status"], "published");
    assert_eq!(
        new["capabilities"][0]["delivery_modes"],
        json!(["offshore", "nearshore"])
    );
    assert_eq!(new["markets"][0]["country"], "CA");
    let optic = app.read_json("/v1/organizations/optic", &curator).await;
    assert_eq!(new["relationships"][0]["target_id"], optic["id"]);

    // The change feed, the facet index and matching see the new firm as they see API writes.
    let feed = app.read_json("/v1/changes?limit=1000", &curator).await;
    assert!(
        feed["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["organization_id"] == new_id),
        "{feed:#}"
    );
    let partner = crate::directory::partner_key(app, &app.admin_token().await).await;
    let found = app
        .read_json("/v1/organizations?service=it.data_analytics&market=CA", &partner)
        .await;
    assert_eq!(found["items"].as_array().unwrap().len(), 1, "{found:#}");
    assert_eq!(found["items"][0]["id"], new_id);
    let counts = app
        .read_json("/v1/organizations/facets?service=it.data_analytics", &partner)
        .await;
    assert!(counts.to_string().contains("\"CA\""), "{counts:#}");

    let agency = app.token_for("agency").await;
    let body =
        json!({"criteria": {"services": ["it.data_analytics"], "required_languages": ["fr"]}, "options": {}});
    let ranked = app
        .authed(reqwest::Method::POST, "/v1/matches/preview", &agency)
        .json(&body)
        .send()
        .await
        .unwrap();
    let ranked: Value = ranked.json().await.unwrap();
    assert_eq!(
        ranked["results"][0]["organization_id"], new_id,
        "matching ranks the imported firm: {ranked:#}"
    );

    // The same file again changes nothing.
    let again = expect(
        send(
            app,
            &curator,
            "mode=commit&publish=true",
            XLSX,
            workbook_for("004567890 2G3"),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        again["report"]["summary"]["unchanged"], 6,
        "{:#}",
        again["report"]
    );
});

backend_test!(one_refused_row_refuses_the_whole_file, |app| {
    let curator = app.token_for("curator").await;
    create_org(app, &curator, &firm("Déjà Là Services")).await;
    let before = organization_count(app, &curator).await;
    let mut file = workbook_for("004567890 2G3");
    let answer = expect(send(app, &curator, "mode=commit", XLSX, file.clone()).await, 200).await;
    assert_eq!(answer["outcome"], "committed");
    let after_first = organization_count(app, &curator).await;
    assert_eq!(after_first, before + 1);

    // A second file whose last row names an unknown service: nothing of it lands.
    file = workbook(&[
        (
            "organizations",
            vec![
                vec![Text("key"), Text("kind"), Text("name"), Text("country")],
                vec![Text("a"), Text("firm"), Text("Première Bonne"), Text("SN")],
                vec![Text("b"), Text("firm"), Text("Seconde Bonne"), Text("SN")],
            ],
        ),
        (
            "capabilities",
            vec![
                vec![Text("organization"), Text("service_code"), Text("delivery_modes")],
                vec![Text("a"), Text("bpo.data_entry"), Text("offshore")],
                vec![Text("b"), Text("bpo.teleportation"), Text("offshore")],
            ],
        ),
    ]);
    let response = send(app, &curator, "mode=commit", XLSX, file).await;
    assert_eq!(response.status(), 422);
    assert_eq!(response.headers()["content-type"], "application/problem+json");
    let problem: Value = response.json().await.unwrap();
    assert_eq!(problem["import"]["outcome"], "refused");
    let places = problems(&problem["import"]["report"]);
    assert_eq!(places.len(), 1, "{places:#?}");
    assert!(
        places[0].starts_with("capabilities 3 service_code:"),
        "{places:#?}"
    );
    assert!(
        problem["errors"][0]["field"]
            .as_str()
            .unwrap()
            .contains("capabilities row 3 service_code B3"),
        "{problem:#}"
    );
    assert_eq!(
        organization_count(app, &curator).await,
        after_first,
        "nothing of a refused file is written"
    );

    let guarded = expect(
        send(
            app,
            &curator,
            "mode=dry_run&if_unmodified_since=2020-01-01T00:00:00Z",
            XLSX,
            workbook_for("004567890 2G3"),
        )
        .await,
        200,
    )
    .await;
    // The file's changes are already there: unchanged rows are not guarded.
    assert_eq!(
        guarded["report"]["summary"]["refused"],
        0,
        "{:#?}",
        problems(&guarded["report"])
    );
    let city_change = workbook(&[(
        "organizations",
        vec![
            vec![Text("ninea"), Text("city")],
            vec![Text("004567890 2G3"), Text("Mbour")],
        ],
    )]);
    let guarded = expect(
        send(
            app,
            &curator,
            "mode=dry_run&if_unmodified_since=2020-01-01T00:00:00Z",
            XLSX,
            city_change,
        )
        .await,
        200,
    )
    .await;
    assert!(
        problems(&guarded["report"])[0].contains("after if_unmodified_since"),
        "{:#}",
        guarded["report"]
    );
});
