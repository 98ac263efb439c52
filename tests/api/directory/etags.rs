//! An ETag changes whenever the representation the caller gets changes, also when the
//! record's own version does not: a linked organization leaving the caller's view, a
//! certificate lapsing as days pass, a programme's participants.

use reqwest::Method;
use serde_json::{Value, json};

use super::{act, create_org, partner_key, patch};
use crate::backend_test;
use crate::helpers::TestApp;

/// A GET as `token` with `If-None-Match: held`: the status, the new tag and the body.
async fn revalidate(app: &TestApp, token: &str, path: &str, held: &str) -> (u16, String, Value) {
    let response = app
        .authed(Method::GET, path, token)
        .header("If-None-Match", held)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let tag = response.headers()["etag"].to_str().unwrap().to_owned();
    (status, tag, response.json().await.unwrap_or(Value::Null))
}

async fn published(app: &TestApp, curator: &str, name: &str) -> String {
    let org = create_org(
        app,
        curator,
        &json!({"kind": "firm", "name": name, "country": "SN"}),
    )
    .await;
    let id = org["id"].as_str().unwrap().to_owned();
    assert_eq!(act(app, curator, &id, "publish").await, 200);
    id
}

backend_test!(a_linked_organization_leaving_the_view_changes_the_tag, |app| {
    let curator = app.token_for("curator").await;
    let partner = partner_key(app, &app.admin_token().await).await;
    let (a, b) = (
        published(app, &curator, "Linking Firm").await,
        published(app, &curator, "Linked Firm").await,
    );
    let link = json!({"kind": "partner_of", "target_id": b});
    let response = app
        .authed(
            Method::POST,
            &format!("/v1/organizations/{a}/relationships"),
            &curator,
        )
        .json(&link)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let path = format!("/v1/organizations/{a}");
    let (status, mut held, body) = revalidate(app, &partner, &path, "\"none\"").await;
    assert_eq!(
        (status, body["relationships"].as_array().unwrap().len()),
        (200, 1)
    );
    assert_eq!(
        revalidate(app, &partner, &path, &held).await.0,
        304,
        "nothing changed"
    );

    for (action, links) in [("unpublish", 0), ("publish", 1), ("archive", 0)] {
        assert_eq!(act(app, &curator, &b, action).await, 200);
        let (status, tag, body) = revalidate(app, &partner, &path, &held).await;
        assert_eq!(status, 200, "after {action} of the linked organization");
        assert_eq!(
            body["relationships"].as_array().unwrap().len(),
            links,
            "after {action}"
        );
        assert_ne!(tag, held);
        assert_eq!(revalidate(app, &partner, &path, &tag).await.0, 304);
        held = tag;
    }
});

backend_test!(
    a_certificate_lapsing_changes_the_tags_and_if_match_takes_them,
    |app| {
        let curator = app.token_for("curator").await;
        let id = published(app, &curator, "Certified Firm").await;
        let cert = json!({"scheme": "iso_9001", "valid_from": "2020-01-01", "valid_until": "2999-12-31"});
        let response = app
            .authed(
                Method::POST,
                &format!("/v1/organizations/{id}/certifications"),
                &curator,
            )
            .json(&cert)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
        let cert_id = response.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let (org_path, cert_path) = (
            format!("/v1/organizations/{id}"),
            format!("/v1/organizations/{id}/certifications/{cert_id}"),
        );
        let (_, org_tag, body) = revalidate(app, &curator, &org_path, "\"none\"").await;
        assert_eq!(body["certifications"][0]["expired"], false);
        let (_, cert_tag, _) = revalidate(app, &curator, &cert_path, "\"none\"").await;

        // Time passes: the certificate's last day is now behind us, its version unchanged.
        app.db.execute(&format!(
            "UPDATE certifications SET valid_until = '2021-01-01' WHERE id = '{cert_id}'"
        ));
        let (status, new_org_tag, body) = revalidate(app, &curator, &org_path, &org_tag).await;
        assert_eq!(
            (status, &body["certifications"][0]["expired"]),
            (200, &json!(true))
        );
        assert_ne!(new_org_tag, org_tag);
        let (status, new_cert_tag, body) = revalidate(app, &curator, &cert_path, &cert_tag).await;
        assert_eq!((status, &body["expired"]), (200, &json!(true)));
        assert_ne!(new_cert_tag, cert_tag);

        // The tag of a read names its version for a write.
        let response = patch(app, &curator, &org_path, &new_org_tag, &json!({"city": "Thiès"})).await;
        assert_eq!(response.status(), 200);
        let response = patch(
            app,
            &curator,
            &org_path,
            &new_org_tag,
            &json!({"city": "Saint-Louis"}),
        )
        .await;
        assert_eq!(response.status(), 412, "the version it names is gone");
    }
);

backend_test!(a_programme_tag_follows_its_participants, |app| {
    let curator = app.token_for("curator").await;
    let partner = partner_key(app, &app.admin_token().await).await;
    let path = "/v1/programmes/ntf-iv";
    let (status, held, before) = revalidate(app, &partner, path, "\"none\"").await;
    assert_eq!(status, 200);
    assert_eq!(revalidate(app, &partner, path, &held).await.0, 304);
    let id = published(app, &curator, "Participating Firm").await;
    let joined = json!({"programme_id": before["id"], "role": "partner"});
    let response = app
        .authed(
            Method::POST,
            &format!("/v1/organizations/{id}/programmes"),
            &curator,
        )
        .json(&joined)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let (status, tag, after) = revalidate(app, &partner, path, &held).await;
    assert_eq!(status, 200);
    assert_ne!(tag, held);
    assert_eq!(
        after["participants"].as_array().unwrap().len(),
        before["participants"].as_array().unwrap().len() + 1
    );
});
