//! Reporting over time: requests and matches made through the API, dated by SQL to chosen
//! days, counted per period by the API and by brute force here; contracts' values per
//! currency; the directory's series; who may.

use std::collections::{BTreeMap, BTreeSet};

use reqwest::Method;
use serde_json::{Value, json};

use super::call;
use super::fixture::{FIRMS, enter_all};
use crate::backend_test;
use crate::helpers::TestApp;

/// A match: firm, final status, introduced on, status reached on, contract.
type MatchRow = (
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static str,
    Option<(i64, &'static str)>,
);

/// A request: services, buyer country, recorded on, final status and its day, matches.
struct Req {
    services: &'static [&'static str],
    country: &'static str,
    created: &'static str,
    closed: Option<(&'static str, &'static str)>,
    matches: &'static [MatchRow],
}

const REQUESTS: [Req; 5] = [
    Req {
        services: &["bpo.contact_center_inbound"],
        country: "FR",
        created: "2026-01-05",
        closed: Some(("closed_won", "2026-03-10")),
        matches: &[
            (
                "F01",
                "won",
                Some("2026-01-20"),
                "2026-03-10",
                Some((100_000, "EUR")),
            ),
            ("F02", "declined", None, "2026-01-15", None),
        ],
    },
    Req {
        services: &["it.software_development", "bpo.back_office"],
        country: "CA",
        created: "2026-01-25",
        closed: Some(("closed_lost", "2026-02-20")),
        matches: &[("F01", "lost", Some("2026-02-01"), "2026-02-20", None)],
    },
    Req {
        services: &["bpo.customer_support", "bpo.back_office"],
        country: "FR",
        created: "2026-02-10",
        closed: Some(("closed_won", "2026-04-15")),
        matches: &[
            (
                "F03",
                "won",
                Some("2026-03-01"),
                "2026-04-15",
                Some((5_000_000, "XOF")),
            ),
            (
                "F04",
                "won",
                Some("2026-03-05"),
                "2026-04-15",
                Some((20_000, "EUR")),
            ),
        ],
    },
    Req {
        services: &["it.web_development"],
        country: "SN",
        created: "2026-04-02",
        closed: None,
        matches: &[("F02", "shortlisted", None, "2026-04-03", None)],
    },
    Req {
        services: &["bpo.data_entry"],
        country: "BE",
        created: "2026-04-20",
        closed: Some(("cancelled", "2026-05-02")),
        matches: &[],
    },
];

/// Makes the fixture through the API, then dates it.
async fn fixture(app: &TestApp, agency: &str) {
    let curator = app.token_for("curator").await;
    let ids = enter_all(app, &curator, &FIRMS[..4]).await;
    for r in &REQUESTS {
        let body =
            json!({"buyer_name": "Buyer", "buyer_country": r.country, "criteria": {"services": r.services}});
        let (status, created) = call(app, Method::POST, "/v1/buyer-requests", agency, Some(&body)).await;
        assert_eq!(status, 201, "{created}");
        let id = created["id"].as_str().unwrap().to_owned();
        for (firm, end, introduced, changed, contract) in r.matches {
            let path = format!("/v1/buyer-requests/{id}/matches/{}", ids[firm]);
            assert_eq!(call(app, Method::PUT, &path, agency, None).await.0, 201);
            let steps: Vec<&str> = match *end {
                "declined" => vec!["declined"],
                "shortlisted" => vec!["shortlisted"],
                "won" => vec!["shortlisted", "introduced", "won"],
                _ => vec!["shortlisted", "introduced", "lost"],
            };
            for step in steps {
                let mut change = json!({"status": step});
                if let (Some((value, currency)), "won") = (contract, step) {
                    change["contract"] =
                        json!({"estimated_value": value, "currency": currency, "months": 12});
                }
                let (status, moved) = call(app, Method::PATCH, &path, agency, Some(&change)).await;
                assert_eq!(status, 200, "{moved}");
            }
            let introduced = introduced.map_or("NULL".to_owned(), |d| format!("'{d} 12:00:00'"));
            app.db.execute(&format!(
                "UPDATE buyer_matches SET status_changed_at = '{changed} 12:00:00', introduced_at = {introduced} \
                 WHERE request_id = '{id}' AND organization_id = '{}'",
                ids[firm]
            ));
        }
        if let Some((status, _)) = r.closed {
            let path = format!("/v1/buyer-requests/{id}");
            let version = app.read_json(&path, agency).await["version"].as_i64().unwrap();
            let response = app
                .authed(Method::PATCH, &path, agency)
                .header("If-Match", format!("\"{version}\""))
                .json(&json!({"status": status}))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200);
        }
        let closed = r
            .closed
            .map_or("NULL".to_owned(), |(_, d)| format!("'{d} 08:00:00'"));
        app.db.execute(&format!(
            "UPDATE buyer_requests SET created_at = '{} 08:00:00', closed_at = {closed} WHERE id = '{id}'",
            r.created
        ));
    }
}

fn month_of(day: &str) -> &str {
    &day[..7]
}

fn days(from: &str, to: &str) -> f64 {
    let parse = |d: &str| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
    (parse(to) - parse(from)).num_days() as f64
}

fn median(mut v: Vec<f64>) -> Value {
    if v.is_empty() {
        return Value::Null;
    }
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    json!(if v.len().is_multiple_of(2) {
        (v[m - 1] + v[m]) / 2.0
    } else {
        v[m]
    })
}

/// The brute-force entry of one month.
fn expected(month: &str) -> Value {
    let in_month = |day: &str| month_of(day) == month;
    let opened = REQUESTS.iter().filter(|r| in_month(r.created)).count();
    let closed: Vec<&Req> = REQUESTS
        .iter()
        .filter(|r| r.closed.is_some_and(|(_, d)| in_month(d)))
        .collect();
    let won: Vec<&&Req> = closed
        .iter()
        .filter(|r| r.closed.unwrap().0 == "closed_won")
        .collect();
    let matches: Vec<(&Req, &MatchRow)> = REQUESTS
        .iter()
        .flat_map(|r| r.matches.iter().map(move |m| (r, m)))
        .collect();
    let introduced: Vec<&(&Req, &MatchRow)> = matches
        .iter()
        .filter(|(_, m)| m.2.is_some_and(in_month))
        .collect();
    let firsts: Vec<f64> = REQUESTS
        .iter()
        .filter_map(|r| r.matches.iter().filter_map(|m| m.2).min().map(|first| (r, first)))
        .filter(|(_, first)| in_month(first))
        .map(|(r, first)| days(r.created, first) + 4.0 / 24.0)
        .collect();
    let mut by_category = BTreeMap::new();
    for r in &won {
        for c in r
            .services
            .iter()
            .map(|s| s.split('.').next().unwrap())
            .collect::<BTreeSet<_>>()
        {
            *by_category.entry(c).or_insert(0) += 1;
        }
    }
    let mut by_country = BTreeMap::new();
    for r in &won {
        *by_country.entry(r.country).or_insert(0) += 1;
    }
    let mut values: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
    for (_, m) in matches.iter().filter(|(_, m)| m.1 == "won" && in_month(m.3)) {
        let (value, currency) = m.4.unwrap();
        let entry = values.entry(currency).or_default();
        *entry = (entry.0 + value, entry.1 + 1);
    }
    json!({
        "requests_opened": opened,
        "requests_closed": closed.len(),
        "matches": matches.iter().filter(|(_, m)| in_month(m.3)).count(),
        "introductions": introduced.len(),
        "firms_introduced": introduced.iter().map(|(_, m)| m.0).collect::<BTreeSet<_>>().len(),
        "median_days_to_first_introduction": median(firsts),
        "median_days_to_won": median(won.iter().map(|r| days(r.created, r.closed.unwrap().1)).collect()),
        "won_by_service_category": by_category,
        "won_by_buyer_country": by_country,
        "contract_value": values.iter().map(|(c, (v, n))| json!({"currency": c, "estimated_value": v, "contracts": n, "months": 12 * n})).collect::<Vec<_>>(),
    })
}

/// The same fields of the API's entry.
fn answered(entry: &Value) -> Value {
    json!({
        "requests_opened": entry["requests_opened"]["total"],
        "requests_closed": entry["requests_closed"]["total"],
        "matches": entry["matches"]["total"],
        "introductions": entry["introductions"],
        "firms_introduced": entry["firms_introduced"],
        "median_days_to_first_introduction": entry["median_days_to_first_introduction"].as_f64().map(|d| (d * 100.0).round() / 100.0),
        "median_days_to_won": entry["median_days_to_won"],
        "won_by_service_category": entry["won_by_service_category"],
        "won_by_buyer_country": entry["won_by_buyer_country"],
        "contract_value": entry["contract_value"],
    })
}

backend_test!(
    monthly_series_equal_brute_force_counts_and_add_up_to_quarters,
    |app| {
        let agency = app.token_for("agency").await;
        fixture(app, &agency).await;
        let (status, stats) = call(
            app,
            Method::GET,
            "/v1/stats/matching?from=2026-01-01&to=2026-05-31&interval=month",
            &agency,
            None,
        )
        .await;
        assert_eq!(status, 200, "{stats}");
        let series = stats["series"].as_array().unwrap();
        let months: Vec<&str> = series
            .iter()
            .map(|e| e["period_start"].as_str().unwrap())
            .collect();
        assert_eq!(
            months,
            [
                "2026-01-01",
                "2026-02-01",
                "2026-03-01",
                "2026-04-01",
                "2026-05-01"
            ]
        );
        for entry in series {
            let month = &entry["period_start"].as_str().unwrap()[..7];
            let mut want = expected(month);
            if let Some(d) = want["median_days_to_first_introduction"].as_f64() {
                want["median_days_to_first_introduction"] = json!((d * 100.0).round() / 100.0);
            }
            assert_eq!(answered(entry), want, "{month}");
        }
        assert_eq!(series[2]["requests_closed"]["by_status"]["closed_won"], 1);
        assert_eq!(series[1]["requests_closed"]["by_status"]["closed_lost"], 1);
        assert_eq!(
            stats["contract_value"],
            json!([
                {"currency": "EUR", "estimated_value": 120_000, "contracts": 2, "months": 24},
                {"currency": "XOF", "estimated_value": 5_000_000, "contracts": 1, "months": 12},
            ]),
            "never added across currencies"
        );

        let (_, quarters) = call(
            app,
            Method::GET,
            "/v1/stats/matching?from=2026-01-01&to=2026-06-30&interval=quarter",
            &agency,
            None,
        )
        .await;
        let quarters = quarters["series"].as_array().unwrap();
        assert_eq!(quarters.len(), 2);
        let monthly: i64 = series[..3]
            .iter()
            .map(|e| e["introductions"].as_i64().unwrap())
            .sum();
        assert_eq!(quarters[0]["introductions"].as_i64().unwrap(), monthly);
        let opened = |e: &Value| e["requests_opened"]["total"].as_i64().unwrap();
        assert_eq!(opened(&quarters[1]), series[3..].iter().map(opened).sum::<i64>());

        let response = app
            .authed(
                Method::GET,
                "/v1/stats/matching?from=2026-01-01&to=2026-05-31&format=csv",
                &agency,
            )
            .send()
            .await
            .unwrap();
        assert_eq!(response.headers()["content-type"], "text/csv; charset=utf-8");
        let text = response.text().await.unwrap();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let headers = reader.headers().unwrap().clone();
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 5, "monthly by default: {text}");
        let column = |name: &str| {
            headers
                .iter()
                .position(|h| h == name)
                .unwrap_or_else(|| panic!("{name} in {headers:?}"))
        };
        for (row, entry) in rows.iter().zip(series) {
            assert_eq!(
                row[column("requests_opened.total")],
                entry["requests_opened"]["total"].to_string()
            );
            assert_eq!(row[column("introductions")], entry["introductions"].to_string());
        }
        assert_eq!(&rows[3][column("contract_value.XOF")], "5000000");
        assert_eq!(&rows[3][column("won_by_service_category.bpo")], "1");
    }
);
