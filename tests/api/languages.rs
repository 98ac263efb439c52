//! Problems in the caller's language: French or English following `Accept-Language`, with
//! `Content-Language`; `type`, `status` and field paths the same in both.

use reqwest::Method;
use serde_json::{Value, json};

use crate::backend_test;
use crate::helpers::TestApp;

const FRENCH: &str = "fr-SN,fr;q=0.9,en;q=0.5";

async fn problem(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    body: Option<&Value>,
    language: Option<&str>,
) -> (String, Value) {
    let mut request = app.authed(method, path, token);
    if let Some(language) = language {
        request = request.header("Accept-Language", language);
    }
    if let Some(body) = body {
        request = request.json(body);
    }
    let response = request.send().await.unwrap();
    assert!(response.status().as_u16() >= 400, "{path}");
    assert_eq!(response.headers()["content-type"], "application/problem+json");
    let content_language = response.headers()["content-language"]
        .to_str()
        .unwrap()
        .to_owned();
    (content_language, response.json().await.unwrap())
}

backend_test!(problems_come_in_french_when_asked, |app| {
    let curator = app.token_for("curator").await;
    let (language, fr) = problem(
        app,
        Method::GET,
        "/v1/organizations?limit=0",
        &curator,
        None,
        Some(FRENCH),
    )
    .await;
    assert_eq!(language, "fr");
    assert_eq!(fr["title"], "Requête incorrecte");
    assert_eq!(fr["detail"], "paramètre `limit` : doit être entre 1 et 100");
    let (language, en) = problem(
        app,
        Method::GET,
        "/v1/organizations?limit=0",
        &curator,
        None,
        None,
    )
    .await;
    assert_eq!(language, "en");
    assert_eq!(en["detail"], "parameter `limit`: must be between 1 and 100");
    assert_eq!((&fr["type"], &fr["status"]), (&en["type"], &en["status"]));

    // Every validation message, each under its untranslated field path.
    let bad = json!({"kind": "firm", "name": " ", "country": "XX", "website": "ftp://x", "phone": "12",
                     "founded_year": 1500, "registry_ids": [{"scheme": "ninea", "value": "1"}]});
    let (_, fr) = problem(
        app,
        Method::POST,
        "/v1/organizations",
        &curator,
        Some(&bad),
        Some(FRENCH),
    )
    .await;
    let (_, en) = problem(
        app,
        Method::POST,
        "/v1/organizations",
        &curator,
        Some(&bad),
        Some("en"),
    )
    .await;
    assert_eq!(fr["title"], "Champs invalides");
    assert_eq!(fr["detail"], "Certains champs sont invalides ; voir `errors`.");
    let (fr_errors, en_errors) = (fr["errors"].as_array().unwrap(), en["errors"].as_array().unwrap());
    assert!(en_errors.len() >= 6, "{en}");
    for (fr, en) in fr_errors.iter().zip(en_errors) {
        assert_eq!(fr["field"], en["field"]);
        assert_ne!(fr["message"], en["message"], "untranslated: {en}");
    }
});

backend_test!(every_common_refusal_is_translated, |app| {
    let curator = app.token_for("curator").await;
    let partner = app.token_for("partner").await;
    let created: Value = app
        .authed(Method::POST, "/v1/organizations", &curator)
        .json(&json!({"kind": "firm", "name": "Langue SA", "country": "SN"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["id"].as_str().unwrap();
    let archive = format!("/v1/organizations/{id}/archive");
    assert_eq!(
        app.authed(Method::POST, &archive, &curator)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let cases: Vec<(Method, String, &str, Option<Value>)> = vec![
        (Method::GET, "/v1/nothing-here".into(), curator.as_str(), None),
        (Method::DELETE, "/v1/organizations".into(), &curator, None),
        (Method::GET, "/v1/organizations?kind=bank".into(), &curator, None),
        (Method::GET, "/v1/organizations?country=XX".into(), &curator, None),
        (Method::GET, "/v1/organizations?color=blue".into(), &curator, None),
        (
            Method::GET,
            "/v1/organizations?cursor=forged".into(),
            &curator,
            None,
        ),
        (
            Method::GET,
            "/v1/organizations?status=draft".into(),
            &partner,
            None,
        ),
        (
            Method::GET,
            "/v1/organizations?include=contacts".into(),
            &partner,
            None,
        ),
        (Method::GET, "/v1/organizations?fields=nom".into(), &curator, None),
        (Method::GET, "/v1/changes?limit=0".into(), &curator, None),
        (
            Method::POST,
            "/v1/organizations".into(),
            &partner,
            Some(json!({})),
        ),
        (
            Method::PATCH,
            format!("/v1/organizations/{id}"),
            &curator,
            Some(json!({"city": "Thiès"})),
        ),
        (
            Method::POST,
            format!("/v1/organizations/{id}/publish"),
            &curator,
            None,
        ),
        (Method::GET, "/v1/me".into(), "not-a-token", None),
    ];
    for (method, path, token, body) in cases {
        let (fr_language, fr) = problem(app, method.clone(), &path, token, body.as_ref(), Some(FRENCH)).await;
        let (_, en) = problem(app, method.clone(), &path, token, body.as_ref(), None).await;
        assert_eq!(fr_language, "fr");
        assert_eq!(fr["status"], en["status"], "{method} {path}");
        assert_ne!(fr["title"], en["title"], "{method} {path}");
        assert_ne!(
            fr["detail"], en["detail"],
            "{method} {path}: untranslated {}",
            en["detail"]
        );
    }
});
