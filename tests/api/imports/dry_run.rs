//! Templates and dry runs: the template imports as is; a dry run lists every problem of the
//! file with its place and writes nothing.

use reqwest::Method;

use super::*;
use crate::backend_test;

backend_test!(the_templates_round_trip, |app| {
    let curator = app.token_for("curator").await;
    let response = app
        .authed(Method::GET, "/v1/imports/template.xlsx", &curator)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], XLSX);
    let template = response.bytes().await.unwrap().to_vec();

    let before = organization_count(app, &curator).await;
    let report = expect(
        send(app, &curator, "mode=dry_run", XLSX, template.clone()).await,
        200,
    )
    .await;
    assert_eq!(report["state"], "done");
    assert_eq!(report["outcome"], "valid", "{:#}", report["report"]);
    for sheet in [
        "organizations",
        "capabilities",
        "markets",
        "certifications",
        "contacts",
        "relationships",
    ] {
        assert_eq!(
            report["report"]["sheets"][sheet]["created"], 1,
            "{sheet}: {:#}",
            report["report"]
        );
    }
    assert_eq!(
        organization_count(app, &curator).await,
        before,
        "a dry run writes nothing"
    );

    let committed = expect(send(app, &curator, "mode=commit", XLSX, template).await, 200).await;
    assert_eq!(committed["outcome"], "committed");
    assert_eq!(organization_count(app, &curator).await, before + 1);
    let created = &committed["report"]["rows"][0];
    let org = app
        .read_json(
            &format!("/v1/organizations/{}", created["id"].as_str().unwrap()),
            &curator,
        )
        .await;
    assert_eq!(org["name"], "Exemple Télé-Services");
    assert_eq!(org["status"], "draft", "imports start as drafts");
    assert_eq!(org["registry_ids"][0]["value"], "004567890 2G3");
    let capabilities = app
        .read_json(
            &format!("/v1/organizations/{}/capabilities", org["id"].as_str().unwrap()),
            &curator,
        )
        .await;
    assert_eq!(capabilities["items"][0]["languages"][1]["seats"], 20);

    for kind in ["organizations", "markets"] {
        let path = format!("/v1/imports/template.csv?kind={kind}");
        let response = app.authed(Method::GET, &path, &curator).send().await.unwrap();
        assert_eq!(response.status(), 200);
        let csv = response.bytes().await.unwrap().to_vec();
        assert!(csv.starts_with(b"\xEF\xBB\xBF"));
        let answer = expect(
            send(app, &curator, &format!("kind={kind}"), "text/csv", csv).await,
            200,
        )
        .await;
        // The organizations example is now in the directory: the same row changes nothing.
        let summary = &answer["report"]["summary"];
        assert_eq!(summary["refused"], 0, "{kind}: {:#}", answer["report"]);
        assert_eq!(summary["rows"], 1);
    }
    let unknown = app
        .authed(Method::GET, "/v1/imports/template.csv?kind=firms", &curator)
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 400);
});

backend_test!(
    a_dry_run_lists_every_problem_with_its_place_and_writes_nothing,
    |app| {
        let curator = app.token_for("curator").await;
        let before = organization_count(app, &curator).await;
        let file = "\u{feff}Type;Nom;Pays;NINEA;Année de création;Site web\n\
                firm;Bonne Firme;SN;700000001;2012;https://bonne.sn\n\
                firm;Mauvais Pays;XX;700000002;deux mille;\n\
                firm;;SN;700000003;;\n\
                agency;Doublon;SN;700000001;;ftp://x\n";
        let answer = expect(
            send(
                app,
                &curator,
                "kind=organizations",
                "text/csv",
                file.as_bytes().to_vec(),
            )
            .await,
            200,
        )
        .await;
        let report = &answer["report"];
        assert_eq!(answer["outcome"], "refused");
        assert_eq!(report["summary"]["rows"], 4);
        assert_eq!(report["summary"]["created"], 1);
        assert_eq!(report["summary"]["refused"], 3);
        let found = problems(report);
        for wanted in [
            "organizations 3 country:",
            "organizations 3 founded_year: must be a whole number",
            "organizations 4 name: is required",
            "organizations 5 ninea: is also the identifier of row 2",
            "organizations 5 kind:",
            "organizations 5 website:",
        ] {
            assert!(
                found.iter().any(|p| p.starts_with(wanted)),
                "{wanted} not in {found:#?}"
            );
        }
        let country = report["errors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["column"] == "country")
            .unwrap();
        assert_eq!(country["cell"], "C3");
        assert_eq!(report["rows"][0]["action"], "created");
        assert_eq!(
            organization_count(app, &curator).await,
            before,
            "a dry run writes nothing"
        );

        let listed = app.read_json("/v1/imports", &curator).await;
        assert_eq!(listed["items"][0]["id"], answer["id"]);
        assert_eq!(listed["items"][0]["outcome"], "refused");
        assert!(listed["items"][0].get("report").is_none());
    }
);

backend_test!(partners_and_the_agency_may_not_import, |app| {
    for role in ["partner", "agency"] {
        let token = app.token_for(role).await;
        let response = send(
            app,
            &token,
            "kind=organizations",
            "text/csv",
            super::firms_csv(1, 1),
        )
        .await;
        assert_eq!(response.status(), 403, "{role}");
        for path in [
            "/v1/imports",
            "/v1/imports/template.xlsx",
            "/v1/imports/template.csv?kind=markets",
        ] {
            let response = app.authed(Method::GET, path, &token).send().await.unwrap();
            assert_eq!(response.status(), 403, "{role} {path}");
        }
    }
    let anonymous = app
        .client
        .post(app.url("/v1/imports"))
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
});
