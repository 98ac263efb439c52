//! Ranking by relevance: the field that holds every word comes first, and a ranked list pages
//! through each tier once, in either direction, while firms are being added and edited.

use reqwest::Method;
use serde_json::{Value, json};

use crate::backend_test;
use crate::directory::{create_org, every_organization, facets};
use crate::helpers::TestApp;

/// The relevance tier a firm of this test was written for, by its name: the word in the name,
/// in the legal name, or only in the description.
fn tier(name: &str) -> usize {
    ["Zebrafinch", "Legal", "Described"]
        .iter()
        .position(|prefix| name.starts_with(prefix))
        .unwrap_or_else(|| panic!("{name} was not written by this test"))
}

/// One firm of each tier, numbered `n`.
async fn add_one_of_each(app: &TestApp, token: &str, n: &str) -> [String; 3] {
    let bodies = [
        json!({"kind": "firm", "name": format!("Zebrafinch Services {n}"), "country": "SN"}),
        json!({"kind": "firm", "name": format!("Legal {n}"), "legal_name": format!("Zébrafinch Holding {n} SA"), "country": "SN"}),
        json!({"kind": "firm", "name": format!("Described {n}"), "country": "SN",
               "description": {"fr": "Partenaire de Zebrafinch au Sénégal."}}),
    ];
    let mut names = Vec::new();
    for body in bodies {
        create_org(app, token, &body).await;
        names.push(body["name"].as_str().unwrap().to_owned());
    }
    names.try_into().unwrap()
}

/// Changes a firm without touching its words: its document is written again.
async fn edit(app: &TestApp, token: &str, organization: &Value) {
    let response = app
        .authed(
            Method::PATCH,
            &format!("/v1/organizations/{}", organization["id"].as_str().unwrap()),
            token,
        )
        .header("If-Match", format!("\"{}\"", organization["version"]))
        .json(&json!({"employees": 10 + organization["version"].as_i64().unwrap()}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
}

/// Every name of `q` by relevance, two at a time, adding one firm of each tier (to `present`)
/// between the first pages and editing one already seen between all.
async fn page_while_adding(
    app: &TestApp,
    token: &str,
    q: &str,
    order: &str,
    present: &mut Vec<String>,
) -> Vec<String> {
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    // A firm that moved behind the cursor each time it was edited would keep the list going.
    for page in 0..50 {
        let mut path = format!("/v1/organizations?q={q}&order={order}&limit=2");
        if let Some(cursor) = &cursor {
            path.push_str(&format!("&cursor={cursor}"));
        }
        let response = app.authed(Method::GET, &path, token).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        let body: Value = response.json().await.unwrap();
        let items = body["items"].as_array().unwrap();
        seen.extend(items.iter().map(|o| o["name"].as_str().unwrap().to_owned()));
        match body["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return seen,
        }
        if page < 4 {
            present.extend(add_one_of_each(app, token, &format!("{order}-{page}")).await);
        }
        edit(app, token, &items[0]).await;
    }
    panic!("{order}: still paging after 50 pages: {seen:?}")
}

backend_test!(
    relevance_ranks_names_first_and_pages_through_every_tier_once,
    |app| {
        let curator = app.token_for("curator").await;
        let mut present = Vec::new();
        for n in 0..3 {
            present.extend(add_one_of_each(app, &curator, &n.to_string()).await);
        }
        for (order, q) in [("desc", "zebrafinch"), ("asc", "zebraf")] {
            let before = present.clone();
            let seen = page_while_adding(app, &curator, q, order, &mut present).await;
            for name in &before {
                let times = seen.iter().filter(|s| *s == name).count();
                assert_eq!(times, 1, "{order}: {name} seen {times} times in {seen:?}");
            }
            let mut unique = seen.clone();
            unique.sort();
            unique.dedup();
            assert_eq!(unique.len(), seen.len(), "{order}: a firm repeated in {seen:?}");
            let tiers: Vec<usize> = seen.iter().map(|name| tier(name)).collect();
            let mut ranked = tiers.clone();
            ranked.sort();
            if order == "asc" {
                ranked.reverse();
            }
            assert_eq!(tiers, ranked, "{order}: tiers out of order in {seen:?}");
        }
    }
);

/// Every id of a query, a hundred a page.
async fn ids(app: &TestApp, token: &str, query: &str) -> Vec<String> {
    every_organization(app, token, &format!("limit=100&{query}"))
        .await
        .iter()
        .map(|o| o["id"].as_str().unwrap().to_owned())
        .collect()
}

backend_test!(a_ranked_search_over_thousands_returns_every_match_once, |app| {
    // More firms than a tier walks before asking the index, so that every step of a ranked
    // page runs: dense tiers, sparse ones, pages that resume past the first window.
    app.seed_synthetic(12_000).await;
    let curator = app.token_for("curator").await;
    for filters in [
        "q=teranga",
        "q=sahel&service=bpo&language=en&market=FR",
        "q=demo&market=FR&certification=iso_9001&language=de",
        "q=xyzzy",
    ] {
        let ranked = ids(app, &curator, filters).await;
        let mut by_name = ids(app, &curator, &format!("{filters}&sort=name")).await;
        let mut unique = ranked.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), ranked.len(), "{filters}: a firm came twice");
        by_name.sort();
        assert_eq!(unique, by_name, "{filters}: ranked and unranked sets differ");
        // Seeded firms are numbered, indexed and identified in one order, so each tier reads
        // as one descending run of ids: at most three runs in all.
        let runs = 1 + ranked.windows(2).filter(|pair| pair[0] < pair[1]).count();
        assert!(runs <= 3, "{filters}: {runs} runs");
    }
    // Every seeded firm is a "Démo": its matches are read from the database over several pages
    // before they are counted.
    for filters in ["q=demo", "q=demo&language=de&service=it"] {
        let facets = facets(app, &curator, filters).await;
        let counted: i64 = facets["kind"]
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["count"].as_i64().unwrap())
            .sum();
        let listed = ids(app, &curator, filters).await.len() as i64;
        assert!(listed > 0, "{filters}");
        assert_eq!(counted, listed, "facets?{filters}");
    }
});
