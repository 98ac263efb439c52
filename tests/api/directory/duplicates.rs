//! Likely duplicates, as curators entering the sector's firms meet them: a second entry for a
//! firm refused with what it resembles, the suspected pairs listed, imports checked alike.

use reqwest::Method;
use serde_json::{Value, json};

use super::{act, create_org, every_organization, partner_key};
use crate::backend_test;
use crate::helpers::{TestApp, concurrently};
use crate::imports::{expect, problems, send};

async fn post(app: &TestApp, token: &str, query: &str, body: &Value) -> (u16, Value) {
    super::post(app, token, &format!("/v1/organizations?{query}"), body).await
}

fn firm(name: &str, extra: Value) -> Value {
    let mut body = json!({"kind": "firm", "name": name, "country": "SN"});
    body.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    body
}

fn evidence_kinds(candidate: &Value) -> Vec<&str> {
    candidate["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect()
}

backend_test!(a_second_entry_for_a_firm_is_refused_with_its_candidates, |app| {
    let curator = app.token_for("curator").await;
    let stakeholders = every_organization(app, &curator, "limit=100").await.len();
    let first = create_org(
        app,
        &curator,
        &firm(
            "Teranga Services SARL",
            json!({"website": "https://www.teranga.sn/", "email": "contact@teranga.sn", "phone": "+221338001122"}),
        ),
    )
    .await;
    let id = first["id"].as_str().unwrap();
    let cases = [
        (firm("TÉRANGA-SERVICES", json!({})), "name"),
        (
            firm("Autre Nom", json!({"website": "http://teranga.sn/contact"})),
            "website_domain",
        ),
        (firm("Autre Nom", json!({"phone": "+221338001122"})), "phone"),
        (firm("Autre Nom", json!({"email": "CONTACT@teranga.sn"})), "email"),
        (firm("Terranga Services", json!({})), "similar_name"),
    ];
    for (body, kind) in &cases {
        let (status, problem) = post(app, &curator, "", body).await;
        assert_eq!(status, 409, "{body}: {problem}");
        assert_eq!(problem["type"], "urn:annuaire:problem:conflict");
        let candidates = problem["candidates"].as_array().unwrap();
        assert_eq!(candidates.len(), 1, "{problem}");
        assert_eq!(candidates[0]["organization"]["id"], id);
        assert_eq!(candidates[0]["organization"]["status"], "draft");
        assert!(evidence_kinds(&candidates[0]).contains(kind), "{kind}: {problem}");
    }
    let (_, similar) = post(app, &curator, "", &cases[4].0).await;
    let score = similar["candidates"][0]["evidence"][0]["similarity"]
        .as_f64()
        .unwrap();
    assert!((0.85..1.0).contains(&score), "{similar}");
    assert_eq!(
        every_organization(app, &curator, "limit=100").await.len(),
        stakeholders + 1,
        "a refused entry writes nothing"
    );

    // Distinct firms pass: a host many share, names whose numbers differ, another name.
    for body in [
        firm(
            "Dakar Call Centre 2",
            json!({"website": "https://facebook.com/dakarcall2"}),
        ),
        firm(
            "Dakar Call Centre 3",
            json!({"website": "https://www.facebook.com/dakarcall3"}),
        ),
        firm("Sahel Data", json!({})),
    ] {
        let (status, answer) = post(app, &curator, "", &body).await;
        assert_eq!(status, 201, "{body}: {answer}");
    }
    let french = app
        .authed(Method::POST, "/v1/organizations", &curator)
        .header("Accept-Language", "fr")
        .json(&cases[0].0)
        .send()
        .await
        .unwrap();
    assert_eq!(french.status(), 409);
    let problem: Value = french.json().await.unwrap();
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .starts_with("Cette organisation ressemble"),
        "{problem}"
    );
    assert_eq!(
        problem["candidates"][0]["organization"]["id"], id,
        "candidates survive translation"
    );
    let (status, answer) = post(app, &curator, "allow_duplicate=true", &cases[0].0).await;
    assert_eq!(status, 201, "allowed: {answer}");
    for query in ["allow_duplicate=maybe", "duplicate=true"] {
        assert_eq!(post(app, &curator, query, &cases[1].0).await.0, 400, "{query}");
    }
});

backend_test!(keys_follow_edits_and_archiving, |app| {
    let curator = app.token_for("curator").await;
    let response = app
        .authed(Method::POST, "/v1/organizations", &curator)
        .json(&firm("Alpha Numérique", json!({"website": "https://alpha.sn"})))
        .send()
        .await
        .unwrap();
    let tag = crate::directory::etag(&response);
    let alpha: Value = response.json().await.unwrap();
    let id = alpha["id"].as_str().unwrap();
    let path = format!("/v1/organizations/{id}");
    let changed = crate::directory::patch(
        app,
        &curator,
        &path,
        &tag,
        &json!({"website": "https://alpha-group.sn"}),
    )
    .await;
    assert_eq!(changed.status(), 200);

    let old_site = firm("Beta Conseil", json!({"website": "https://alpha.sn"}));
    assert_eq!(
        post(app, &curator, "", &old_site).await.0,
        201,
        "the old website is free"
    );
    let new_site = firm("Gamma Conseil", json!({"website": "https://alpha-group.sn"}));
    assert_eq!(
        post(app, &curator, "", &new_site).await.0,
        409,
        "the new one is taken"
    );
    assert_eq!(act(app, &curator, id, "archive").await, 200);
    assert_eq!(
        post(app, &curator, "", &new_site).await.0,
        201,
        "an archived organization is nobody's duplicate"
    );
});

backend_test!(concurrent_entries_for_one_firm_make_one_organization, |app| {
    let curator = app.token_for("curator").await;
    let stakeholders = every_organization(app, &curator, "limit=100").await.len();
    let outcomes = concurrently(6, |i| {
        let client = app.client_as(&curator);
        async move {
            let body = firm(
                &format!("Concurrent Kora {}", ["SA", "SARL"][i % 2]),
                json!({"phone": "+221338887766"}),
            );
            let (status, _, _) = client
                .send(Method::POST, "/v1/organizations", Some(&body), None)
                .await;
            (status, ())
        }
    })
    .await;
    outcomes.assert_no_server_error();
    assert_eq!(outcomes.count(201), 1, "{:?}", outcomes.statuses());
    assert_eq!(outcomes.count(409), 5, "{:?}", outcomes.statuses());
    assert_eq!(
        every_organization(app, &curator, "limit=100").await.len(),
        stakeholders + 1
    );
});

backend_test!(suspected_pairs_are_listed_with_their_evidence, |app| {
    let curator = app.token_for("curator").await;
    let mut ids = Vec::new();
    for (name, extra) in [
        ("Baobab Digital", json!({"website": "https://baobab.sn"})),
        ("Baobab Digital SA", json!({})),
        ("Kora Solutions", json!({"phone": "+221339990011"})),
        ("Kora Conseil", json!({"phone": "+221339990011"})),
        ("Firme Unique", json!({})),
    ] {
        let (status, org) = post(app, &curator, "allow_duplicate=true", &firm(name, extra)).await;
        assert_eq!(status, 201, "{org}");
        ids.push(org["id"].as_str().unwrap().to_owned());
    }
    let listed = app.read_json("/v1/duplicates", &curator).await;
    let pairs = listed["items"].as_array().unwrap();
    assert_eq!(pairs.len(), 2, "{listed:#}");
    assert!(listed["next_cursor"].is_null());
    let mut found: Vec<(String, String, Vec<&str>)> = pairs
        .iter()
        .map(|p| {
            let (a, b) = (
                p["first"]["id"].as_str().unwrap(),
                p["second"]["id"].as_str().unwrap(),
            );
            assert!(a < b, "each pair once, by id: {p}");
            let mut names = [
                p["first"]["name"].as_str().unwrap(),
                p["second"]["name"].as_str().unwrap(),
            ];
            names.sort();
            (names[0].to_owned(), names[1].to_owned(), evidence_kinds(p))
        })
        .collect();
    found.sort();
    assert_eq!(
        found[0],
        ("Baobab Digital".into(), "Baobab Digital SA".into(), vec!["name"])
    );
    assert_eq!(
        found[1],
        ("Kora Conseil".into(), "Kora Solutions".into(), vec!["phone"])
    );

    let first = app.read_json("/v1/duplicates?limit=1", &curator).await;
    assert_eq!(first["items"].as_array().unwrap().len(), 1);
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = app
        .read_json(&format!("/v1/duplicates?limit=1&cursor={cursor}"), &curator)
        .await;
    assert_eq!(second["items"].as_array().unwrap().len(), 1);
    assert_ne!(first["items"][0], second["items"][0]);
    for bad in ["/v1/duplicates?cursor=nope", "/v1/duplicates?limit=0"] {
        let status = app
            .authed(Method::GET, bad, &curator)
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status, 400, "{bad}");
    }
    let admin = app.admin_token().await;
    let partner = partner_key(app, &admin).await;
    let agency = app.token_for("agency").await;
    for token in [&partner, &agency] {
        let status = app
            .authed(Method::GET, "/v1/duplicates", token)
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status, 403);
    }

    assert_eq!(act(app, &curator, &ids[1], "archive").await, 200);
    let listed = app.read_json("/v1/duplicates", &curator).await;
    assert_eq!(
        listed["items"].as_array().unwrap().len(),
        1,
        "archived entries leave the list"
    );
});

backend_test!(imports_refuse_likely_duplicates_unless_allowed, |app| {
    let curator = app.token_for("curator").await;
    let stakeholders = every_organization(app, &curator, "limit=100").await.len();
    create_org(
        app,
        &curator,
        &firm("Teranga Services", json!({"website": "https://teranga.sn"})),
    )
    .await;
    let file = "kind,name,country,website\n\
                firm,Teranga Services SARL,SN,\n\
                firm,Nouvelle Firme,SN,https://nouvelle.sn\n\
                firm,Autre Firme,SN,https://www.nouvelle.sn/\n\
                firm,Firme Distincte,SN,\n";
    let csv = |query: &'static str| send(app, &curator, query, "text/csv", file.as_bytes().to_vec());
    let answer = expect(csv("kind=organizations").await, 200).await;
    assert_eq!(answer["outcome"], "refused");
    let report = &answer["report"];
    assert_eq!(report["summary"]["refused"], 2, "{report:#}");
    let found = problems(report);
    for wanted in [
        "organizations 2 name: is likely a duplicate of `teranga-services` (Teranga Services)",
        "organizations 4 website: resembles row 3: the same website domain nouvelle.sn",
    ] {
        assert!(
            found.iter().any(|p| p.starts_with(wanted)),
            "{wanted} not in {found:#?}"
        );
    }
    expect(csv("kind=organizations&mode=commit").await, 422).await;
    assert_eq!(
        every_organization(app, &curator, "limit=100").await.len(),
        stakeholders + 1
    );

    let committed = expect(
        csv("kind=organizations&mode=commit&allow_duplicate=true").await,
        200,
    )
    .await;
    assert_eq!(committed["outcome"], "committed", "{committed:#}");
    assert_eq!(
        every_organization(app, &curator, "limit=100").await.len(),
        stakeholders + 5
    );
    let listed = app.read_json("/v1/duplicates", &curator).await;
    assert_eq!(
        listed["items"].as_array().unwrap().len(),
        2,
        "imported keys are kept: {listed:#}"
    );
});

backend_test!(a_database_from_before_duplicate_keys_gets_them_at_start, |app| {
    let curator = app.token_for("curator").await;
    create_org(
        app,
        &curator,
        &firm("Ancienne Firme", json!({"phone": "+221337770000"})),
    )
    .await;
    // As the migration leaves a database that had organizations: no keys, the backfill pending.
    app.db.execute(
        "DELETE FROM duplicate_keys; INSERT INTO pending_backfills (name) VALUES ('duplicate_keys');",
    );
    let copy = firm("Autre Firme", json!({"phone": "+221337770000"}));
    assert_eq!(
        post(app, &curator, "", &copy).await.0,
        201,
        "no keys, no evidence"
    );
    let server = app.spawn_server(&[]).await;
    let response = app
        .client
        .post(server.url("/v1/organizations"))
        .bearer_auth(&curator)
        .json(&firm("Troisième Firme", json!({"phone": "+221337770000"})))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 409, "the restarted service computed every key");
    let problem: Value = response.json().await.unwrap();
    assert_eq!(problem["candidates"].as_array().unwrap().len(), 2, "{problem}");
    server.stop().await;
});

backend_test!(a_pair_a_curator_dismissed_is_no_longer_listed, |app| {
    let curator = app.token_for("curator").await;
    let mut slugs = Vec::new();
    for (name, extra) in [
        ("Sahel Data", json!({"phone": "+221338880011"})),
        ("Sahel Dev", json!({"phone": "+221338880011"})),
        ("Niayes Tech", json!({"website": "https://niayes.sn"})),
        (
            "Niayes Tech SARL",
            json!({"website": "https://niayes.sn/contact"}),
        ),
    ] {
        let (status, org) = post(app, &curator, "allow_duplicate=true", &firm(name, extra)).await;
        assert_eq!(status, 201, "{org}");
        slugs.push(org["slug"].as_str().unwrap().to_owned());
    }
    let names = |listed: &Value| -> Vec<String> {
        listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["first"]["name"].as_str().unwrap()[..5].to_owned())
            .collect()
    };
    assert_eq!(names(&app.read_json("/v1/duplicates", &curator).await).len(), 2);

    let body = json!({"first": slugs[1], "second": slugs[0], "reason": "Deux sociétés, deux NINEA."});
    let (status, dismissed) = crate::directory::post(app, &curator, "/v1/duplicates/dismissals", &body).await;
    assert_eq!(status, 201, "{dismissed}");
    assert!(
        dismissed["first"].as_str().unwrap() < dismissed["second"].as_str().unwrap(),
        "{dismissed}"
    );
    let at = dismissed["dismissed_at"].as_str().unwrap();
    assert!(
        chrono::DateTime::parse_from_rfc3339(at).is_ok(),
        "an RFC 3339 time: {at}"
    );
    assert_eq!(
        crate::directory::post(app, &curator, "/v1/duplicates/dismissals", &body)
            .await
            .0,
        200,
        "once is enough"
    );
    assert_eq!(
        names(&app.read_json("/v1/duplicates", &curator).await),
        ["Niaye"],
        "the other pair stays"
    );

    for (body, status) in [
        (json!({"first": slugs[0], "second": slugs[0]}), 422),
        (json!({"first": slugs[0], "second": "nobody-here"}), 404),
        (json!({"first": slugs[0], "second": slugs[2], "reason": " "}), 422),
    ] {
        assert_eq!(
            crate::directory::post(app, &curator, "/v1/duplicates/dismissals", &body)
                .await
                .0,
            status,
            "{body}"
        );
    }
    for role in ["agency", "partner"] {
        let token = app.token_for(role).await;
        assert_eq!(
            crate::directory::post(app, &token, "/v1/duplicates/dismissals", &body)
                .await
                .0,
            403,
            "{role}"
        );
    }

    let lift = format!("/v1/duplicates/dismissals/{}/{}", slugs[0], slugs[1]);
    let lifted = app.authed(Method::DELETE, &lift, &curator).send().await.unwrap();
    assert_eq!(lifted.status(), 204);
    assert_eq!(
        names(&app.read_json("/v1/duplicates", &curator).await).len(),
        2,
        "listed again"
    );
    assert_eq!(
        app.authed(Method::DELETE, &lift, &curator)
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
});
