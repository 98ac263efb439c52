//! An id is an id: an organization named with another's id takes a slug of another form, and
//! lookups by id never match a slug, before and after edits.

use reqwest::Method;
use serde_json::{Value, json};

use super::{act, create_org, etag, every_organization, patch};
use crate::backend_test;

backend_test!(an_organization_named_with_an_id_shadows_nothing, |app| {
    let curator = app.token_for("curator").await;
    let original = create_org(
        app,
        &curator,
        &json!({"kind": "firm", "name": "Original Firm", "country": "SN"}),
    )
    .await;
    let id = original["id"].as_str().unwrap().to_owned();
    assert_eq!(act(app, &curator, &id, "publish").await, 200);
    for name in [id.clone(), id.to_uppercase()] {
        let impostor = create_org(
            app,
            &curator,
            &json!({"kind": "firm", "name": name, "country": "SN"}),
        )
        .await;
        let slug = impostor["slug"].as_str().unwrap();
        assert_ne!(slug.to_lowercase(), id, "a slug never takes the form of an id");
        assert!(!slug.contains('-') || slug.len() != 36, "{slug}");
        assert_eq!(
            act(app, &curator, impostor["id"].as_str().unwrap(), "publish").await,
            200
        );
        let by_slug: Value = app
            .read_json(&format!("/v1/organizations/{slug}"), &curator)
            .await;
        assert_eq!(
            by_slug["id"], impostor["id"],
            "the impostor is found by its own slug"
        );
    }

    let path = format!("/v1/organizations/{id}");
    for round in 0..3 {
        // An ordinary edit of the original, then every lookup by its id.
        let read = app.authed(Method::GET, &path, &curator).send().await.unwrap();
        let tag = etag(&read);
        let edited = patch(
            app,
            &curator,
            &path,
            &tag,
            &json!({"city": format!("Ville {round}")}),
        )
        .await;
        assert_eq!(edited.status(), 200, "a patch of the original applies");
        for _ in 0..5 {
            let found: Value = app.read_json(&path, &curator).await;
            assert_eq!(found["id"], id);
            assert_eq!(found["name"], "Original Firm");
        }
        let upper: Value = app
            .read_json(
                &path
                    .to_uppercase()
                    .replace("/V1/ORGANIZATIONS/", "/v1/organizations/"),
                &curator,
            )
            .await;
        assert_eq!(upper["id"], id, "an id in capitals is still that id");
    }
    let found = every_organization(app, &curator, "q=original&limit=100").await;
    assert!(
        found.iter().any(|o| o["id"] == id),
        "the original is still found by search"
    );
});

backend_test!(a_migration_repairs_slugs_of_an_id_form, |app| {
    let curator = app.token_for("curator").await;
    let a = create_org(
        app,
        &curator,
        &json!({"kind": "firm", "name": "Shadowed Firm", "country": "SN"}),
    )
    .await;
    let b = create_org(
        app,
        &curator,
        &json!({"kind": "firm", "name": "Shadowing Firm", "country": "SN"}),
    )
    .await;
    let (a_id, b_id) = (a["id"].as_str().unwrap(), b["id"].as_str().unwrap());
    // As an older version left it: b's slug is a's id, and the repair has not run yet.
    app.db.execute(&format!(
        "UPDATE organizations SET slug = '{a_id}' WHERE id = '{b_id}'; \
         DELETE FROM __diesel_schema_migrations WHERE version = '20261202000009'"
    ));
    let restarted = app.spawn_server(&[]).await;
    let read = |id: String| {
        let (client, url, token) = (
            app.client.clone(),
            restarted.url(&format!("/v1/organizations/{id}")),
            curator.clone(),
        );
        async move {
            client
                .get(url)
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    let b_now = read(b_id.to_owned()).await;
    assert_eq!(b_now["slug"], a_id.replace('-', ""), "the slug lost its id form");
    assert_eq!(read(a_id.to_owned()).await["name"], "Shadowed Firm");
    restarted.stop().await;
});
