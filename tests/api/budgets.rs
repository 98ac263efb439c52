//! Request budgets per credential and per client address, with the IETF RateLimit fields.

use reqwest::Method;
use serde_json::json;

use crate::backend_test;
use crate::directory::partner_key;
use crate::helpers::concurrently;

fn field(response: &reqwest::Response, name: &str) -> String {
    response.headers()[name].to_str().unwrap().to_owned()
}

backend_test!(
    each_key_has_its_own_budget_and_expensive_routes_cost_more,
    |app| {
        let admin = app.admin_token().await;
        let (first, second) = (partner_key(app, &admin).await, partner_key(app, &admin).await);
        let server = app
            .spawn_server(&["--rate-limit-per-minute", "1", "--rate-limit-burst", "12"])
            .await;
        let get = |key: String, path: &'static str| {
            let (client, url) = (app.client.clone(), server.url(path));
            async move { client.get(url).bearer_auth(key).send().await.unwrap() }
        };
        let export = get(first.clone(), "/v1/organizations/export").await;
        assert_eq!(export.status(), 200);
        assert_eq!(field(&export, "ratelimit-policy"), "\"credential\";q=12;w=720");
        assert_eq!(
            field(&export, "ratelimit"),
            "\"credential\";r=2;t=600",
            "an export costs 10"
        );
        let text_facets = get(first.clone(), "/v1/organizations/facets?q=sahel").await;
        assert_eq!(text_facets.status(), 429, "counting a text costs 5, 2 are left");
        assert!(text_facets.headers().contains_key("retry-after"));
        assert_eq!(field(&text_facets, "ratelimit"), "\"credential\";r=0;t=720");
        let read = get(first.clone(), "/v1/organizations?limit=1").await;
        assert_eq!(
            (read.status().as_u16(), field(&read, "ratelimit")),
            (200, "\"credential\";r=1;t=660".into())
        );

        // Another key is untouched by the first one's spending.
        let other = get(second.clone(), "/v1/organizations?limit=1").await;
        assert_eq!(
            (other.status().as_u16(), field(&other, "ratelimit")),
            (200, "\"credential\";r=11;t=60".into())
        );

        // At once, a budget lets exactly its burst through.
        let url = server.url("/v1/me");
        let outcomes = concurrently(30, |_| {
            let (client, url, key) = (app.client.clone(), url.clone(), second.clone());
            async move {
                (
                    client
                        .get(url)
                        .bearer_auth(key)
                        .send()
                        .await
                        .unwrap()
                        .status()
                        .as_u16(),
                    (),
                )
            }
        })
        .await;
        outcomes.assert_no_server_error();
        assert_eq!(
            (outcomes.count(200), outcomes.count(429)),
            (11, 19),
            "{:?}",
            outcomes.statuses()
        );
        let refused = get(second, "/v1/me").await;
        let problem: serde_json::Value = refused.json().await.unwrap();
        assert_eq!(problem["status"], 429);
        server.stop().await;
    }
);

backend_test!(requests_without_a_credential_are_budgeted_per_address, |app| {
    let server = app
        .spawn_server(&[
            "--anonymous-rate-limit-per-minute",
            "1",
            "--anonymous-rate-limit-burst",
            "3",
        ])
        .await;
    let login = || {
        let (client, url) = (app.client.clone(), server.url("/v1/auth/login"));
        async move {
            client
                .post(url)
                .json(&json!({"email": "someone@annuaire.test", "password": "whatever it is"}))
                .send()
                .await
                .unwrap()
        }
    };
    for _ in 0..3 {
        assert_eq!(login().await.status(), 401);
    }
    let refused = login().await;
    assert_eq!(refused.status(), 429);
    assert_eq!(field(&refused, "ratelimit-policy"), "\"address\";q=3;w=180");
    // A made-up token is no credential: it draws on the address's budget too.
    let forged = app
        .client
        .request(Method::GET, server.url("/v1/organizations"))
        .bearer_auth("not.a.token")
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 429);
    // Probes are free.
    for _ in 0..10 {
        assert_eq!(
            app.client
                .get(server.url("/readyz"))
                .send()
                .await
                .unwrap()
                .status(),
            200
        );
    }
    server.stop().await;
});

backend_test!(a_key_may_have_a_budget_of_its_own, |app| {
    let admin = app.admin_token().await;
    let create = |body: serde_json::Value| {
        let admin = admin.clone();
        async move {
            let response = app
                .authed(Method::POST, "/v1/api-keys", &admin)
                .json(&body)
                .send()
                .await
                .unwrap();
            (
                response.status().as_u16(),
                response.json::<serde_json::Value>().await.unwrap(),
            )
        }
    };
    let (status, problem) =
        create(json!({"label": "Huge", "rate_limit": {"per_minute": 0, "burst": 5}})).await;
    assert_eq!(
        (status, &problem["errors"][0]["field"]),
        (422, &json!("rate_limit.per_minute"))
    );
    let (status, key) =
        create(json!({"label": "Small portal", "rate_limit": {"per_minute": 1, "burst": 3}})).await;
    assert_eq!(status, 201);
    assert_eq!(key["rate_limit"], json!({"per_minute": 1, "burst": 3}));
    let secret = key["key"].as_str().unwrap().to_owned();
    let server = app.spawn_server(&[]).await;
    let read = || {
        let (client, url, secret) = (app.client.clone(), server.url("/v1/me"), secret.clone());
        async move { client.get(url).bearer_auth(secret).send().await.unwrap() }
    };
    // The first request reads the key's row, which tells the instance its budget.
    assert_eq!(read().await.status(), 200);
    let statuses: Vec<u16> = {
        let mut all = Vec::new();
        for _ in 0..4 {
            all.push(read().await.status().as_u16());
        }
        all
    };
    assert_eq!(statuses, [200, 200, 200, 429]);
    let refused = read().await;
    assert_eq!(field(&refused, "ratelimit-policy"), "\"key\";q=3;w=180");
    server.stop().await;
});
