//! Demonstration firms never reach a buyer by accident: rankings leave them out unless asked,
//! and flag them when included.

use reqwest::Method;
use serde_json::{Value, json};

use super::fixture::{FIRMS, enter};
use super::{call, create_request, ranked_ids};
use crate::backend_test;
use crate::directory::patch;

async fn preview(app: &crate::helpers::TestApp, token: &str, options: Value) -> Value {
    let body = json!({"criteria": {"services": [FIRMS[0].services[0]]}, "options": options});
    let (status, answer) = call(app, Method::POST, "/v1/matches/preview", token, Some(&body)).await;
    assert_eq!(status, 200, "{answer}");
    answer
}

backend_test!(sample_firms_are_ranked_only_when_asked_and_then_flagged, |app| {
    let curator = app.token_for("curator").await;
    let agency = app.token_for("agency").await;
    let real = enter(app, &curator, &FIRMS[0], true).await;
    let demo = enter(app, &curator, &FIRMS[1], true).await;
    let path = format!("/v1/organizations/{demo}");
    let read = app.authed(Method::GET, &path, &curator).send().await.unwrap();
    let tag = crate::directory::etag(&read);
    let marked = patch(app, &curator, &path, &tag, &json!({"is_sample": true})).await;
    assert_eq!(marked.status(), 200);

    let by_default = preview(app, &agency, json!({"include_excluded": true})).await;
    assert!(ranked_ids(&by_default, "results").contains(&real), "{by_default}");
    for list in ["results", "excluded"] {
        assert!(
            !ranked_ids(&by_default, list).contains(&demo),
            "{list}: {by_default}"
        );
    }
    let with_samples = preview(
        app,
        &agency,
        json!({"include_samples": true, "include_excluded": true}),
    )
    .await;
    let all: Vec<&Value> = ["results", "excluded"]
        .iter()
        .flat_map(|list| with_samples[list].as_array().unwrap())
        .collect();
    let flagged: Vec<&str> = all
        .iter()
        .filter(|r| r["sample"] == true)
        .map(|r| r["organization_id"].as_str().unwrap())
        .collect();
    assert_eq!(flagged, [demo.as_str()], "{with_samples}");
    assert!(
        all.iter()
            .any(|r| r["organization_id"] == real.as_str() && r.get("sample").is_none())
    );

    // A recorded request ranks the same way; the option is checked like the others.
    let request = create_request(app, &agency, json!({"services": [FIRMS[0].services[0]]})).await;
    let rank = format!("/v1/buyer-requests/{request}/matches");
    let (status, ranked) = call(app, Method::POST, &rank, &agency, None).await;
    assert_eq!(status, 200, "{ranked}");
    assert!(!ranked_ids(&ranked, "results").contains(&demo));
    let body = json!({"include_samples": "yes"});
    let (status, problem) = call(app, Method::POST, &rank, &agency, Some(&body)).await;
    assert!(status == 400 || status == 422, "{status} {problem}");

    // A sample turned real is ranked again.
    let read = app.authed(Method::GET, &path, &curator).send().await.unwrap();
    let tag = crate::directory::etag(&read);
    assert_eq!(
        patch(app, &curator, &path, &tag, &json!({"is_sample": false}))
            .await
            .status(),
        200
    );
    let again = preview(app, &agency, json!({"include_excluded": true})).await;
    let found = ["results", "excluded"]
        .iter()
        .any(|l| ranked_ids(&again, l).contains(&demo));
    assert!(found, "{again}");
});
