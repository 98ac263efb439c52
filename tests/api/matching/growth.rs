//! The directory's series: firms published, verified and updated per period, counted from the
//! audit trail dated by SQL; coverage now against every published firm read through the list;
//! what both series refuse, and who may read them.

use std::collections::{BTreeMap, BTreeSet};

use reqwest::Method;
use serde_json::Value;

use super::call;
use super::fixture::{FIRMS, enter_all};
use crate::backend_test;
use crate::directory::partner_key;

backend_test!(
    the_directory_series_counts_the_audit_trail_and_coverage_the_firms,
    |app| {
        let curator = app.token_for("curator").await;
        let agency = app.token_for("agency").await;
        let ids = enter_all(app, &curator, &FIRMS[..4]).await;
        // Published in January, February, February and April 2025; F01 verified in March.
        for (key, day) in [
            ("F01", "2025-01-10"),
            ("F02", "2025-02-03"),
            ("F03", "2025-02-28"),
            ("F04", "2025-04-30"),
        ] {
            app.db.execute(&format!(
                "UPDATE audit_events SET occurred_at = '{day} 10:00:00' WHERE organization_id = '{}'",
                ids[key]
            ));
        }
        app.db.execute(&format!(
            "UPDATE organizations SET verified_at = '2025-03-15 10:00:00' WHERE id = '{}'",
            ids["F01"]
        ));
        let (status, stats) = call(
            app,
            Method::GET,
            "/v1/stats/directory?from=2025-01-01&to=2025-04-30",
            &agency,
            None,
        )
        .await;
        assert_eq!(status, 200, "{stats}");
        let column = |name: &str| -> Vec<i64> {
            stats["series"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e[name].as_i64().unwrap())
                .collect()
        };
        assert_eq!(column("published"), [1, 2, 0, 1]);
        assert_eq!(column("verified"), [0, 0, 1, 0]);
        assert_eq!(
            column("updated"),
            [1, 2, 0, 1],
            "their records' creations are changes"
        );
        let (_, quarters) = call(
            app,
            Method::GET,
            "/v1/stats/directory?from=2025-01-01&to=2025-06-30&interval=quarter",
            &agency,
            None,
        )
        .await;
        assert_eq!(quarters["series"][0]["published"], 3);

        // Coverage against every published firm read through the list.
        let mut categories: BTreeMap<String, i64> = BTreeMap::new();
        let mut regions: BTreeMap<String, i64> = BTreeMap::new();
        let mut cursor = String::new();
        loop {
            let page = app
                .read_json(
                    &format!(
                        "/v1/organizations?kind=firm&status=published&include=capabilities&limit=100{cursor}"
                    ),
                    &agency,
                )
                .await;
            for org in page["items"].as_array().unwrap() {
                let codes: BTreeSet<String> = org["capabilities"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| {
                        c["service_code"]
                            .as_str()
                            .unwrap()
                            .split('.')
                            .next()
                            .unwrap()
                            .to_owned()
                    })
                    .collect();
                for code in codes {
                    *categories.entry(code).or_default() += 1;
                }
                *regions
                    .entry(org["region"].as_str().unwrap_or("").to_owned())
                    .or_default() += 1;
            }
            match page["next_cursor"].as_str() {
                Some(next) => cursor = format!("&cursor={next}"),
                None => break,
            }
        }
        let answered = |list: &Value| -> BTreeMap<String, i64> {
            list.as_array()
                .unwrap()
                .iter()
                .map(|c| {
                    (
                        c["key"].as_str().unwrap().to_owned(),
                        c["firms"].as_i64().unwrap(),
                    )
                })
                .collect()
        };
        assert_eq!(answered(&stats["coverage"]["by_service_category"]), categories);
        assert_eq!(answered(&stats["coverage"]["by_region"]), regions);

        let csv = app
            .authed(
                Method::GET,
                "/v1/stats/directory?from=2025-01-01&to=2025-04-30&format=csv",
                &agency,
            )
            .send()
            .await
            .unwrap();
        let text = csv.text().await.unwrap();
        assert_eq!(
            text.lines().next(),
            Some("period_start,published,verified,updated")
        );
        assert_eq!(text.lines().nth(2), Some("2025-02-01,2,0,2"));
    }
);

backend_test!(series_refuse_bad_values_and_everyone_but_the_agency, |app| {
    let agency = app.token_for("agency").await;
    for path in ["/v1/stats/matching", "/v1/stats/directory"] {
        for query in [
            "interval=week",
            "format=pdf",
            "from=2026-02-30",
            "from=2026-03-01&to=2026-02-01",
            "from=1900-01-01&to=2099-01-01&interval=month",
            "colour=red",
        ] {
            let (status, problem) = call(app, Method::GET, &format!("{path}?{query}"), &agency, None).await;
            assert_eq!(status, 400, "{path}?{query}: {problem}");
        }
    }
    let admin = app.admin_token().await;
    let partner = partner_key(app, &admin).await;
    let curator = app.token_for("curator").await;
    for token in [&partner, &curator] {
        for path in [
            "/v1/stats/matching?interval=month",
            "/v1/stats/matching?format=csv",
            "/v1/stats/directory",
            "/v1/stats/directory?format=csv",
        ] {
            assert_eq!(call(app, Method::GET, path, token, None).await.0, 403, "{path}");
        }
    }
});
