//! The agency's desk: finding buyer requests by every filter, alone and together, in every
//! order, a page at a time; what is refused; who may.

use reqwest::Method;
use serde_json::{Value, json};

use super::call;
use crate::backend_test;
use crate::directory::partner_key;
use crate::helpers::TestApp;

/// One request of the fixture, as the test knows it.
struct Known {
    id: String,
    buyer: &'static str,
    country: &'static str,
    service: &'static str,
    status: &'static str,
    owner: usize,
    created: &'static str,
    deadline: Option<&'static str>,
    notes: &'static str,
}

/// Buyer, country, service, status, owner, recorded on, deadline, notes.
type Row = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    usize,
    &'static str,
    Option<&'static str>,
    &'static str,
);

const ROWS: [Row; 7] = [
    (
        "Assurances du Midi",
        "FR",
        "bpo.contact_center_inbound",
        "open",
        0,
        "2026-01-10",
        Some("2026-02-01"),
        "Salon de Paris",
    ),
    (
        "Société Générale d'Édition",
        "FR",
        "it.software_development",
        "shortlisting",
        1,
        "2026-02-15",
        Some("2026-03-01"),
        "Wants French editors",
    ),
    (
        "Maple Claims Ltd",
        "CA",
        "bpo.contact_center_inbound",
        "cancelled",
        0,
        "2026-03-05",
        None,
        "Québec office",
    ),
    (
        "Nordic Ledger",
        "SE",
        "it.software_development",
        "open",
        1,
        "2026-03-20",
        Some("2026-02-20"),
        "Referred by ITC",
    ),
    (
        "Atlas Télécom",
        "MA",
        "bpo.contact_center_outbound",
        "closed_won",
        0,
        "2026-04-01",
        Some("2026-05-01"),
        "Appels sortants",
    ),
    (
        "Brussels Care",
        "BE",
        "bpo.contact_center_inbound",
        "open",
        1,
        "2026-04-02",
        None,
        "Société belge d'assurance",
    ),
    (
        "Lisbon Data",
        "PT",
        "it.data_analytics",
        "shortlisting",
        0,
        "2026-04-02",
        Some("2026-06-30"),
        "Analytics, fast",
    ),
];

async fn user_id(app: &TestApp, token: &str) -> String {
    app.read_json("/v1/me", token).await["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Records the fixture as two agency users, moves it to its statuses and dates it.
async fn fixture(app: &TestApp) -> (Vec<String>, Vec<String>, Vec<Known>) {
    let tokens = vec![app.token_for("agency").await, app.token_for("agency").await];
    let owners = vec![user_id(app, &tokens[0]).await, user_id(app, &tokens[1]).await];
    let mut known = Vec::new();
    for (n, (buyer, country, service, status, owner, created, deadline, notes)) in
        ROWS.into_iter().enumerate()
    {
        let mut body = json!({"buyer_name": buyer, "buyer_country": country, "notes": notes,
                              "criteria": {"services": [service]}});
        if let Some(deadline) = deadline {
            body["deadline"] = json!(deadline);
        }
        let (code, created_body) = call(
            app,
            Method::POST,
            "/v1/buyer-requests",
            &tokens[owner],
            Some(&body),
        )
        .await;
        assert_eq!(code, 201, "{created_body}");
        let id = created_body["id"].as_str().unwrap().to_owned();
        if status != "open" {
            let response = app
                .authed(Method::PATCH, &format!("/v1/buyer-requests/{id}"), &tokens[owner])
                .header("If-Match", "\"1\"")
                .json(&json!({"status": status}))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200);
        }
        // Dated fixtures: recorded on the day the row says, changed in reverse order.
        app.db.execute(&format!(
            "UPDATE buyer_requests SET created_at = '{created} 09:00:00', \
             updated_at = '2026-06-{:02} 10:00:00' WHERE id = '{id}'",
            20 - n
        ));
        known.push(Known {
            id,
            buyer,
            country,
            service,
            status,
            owner,
            created,
            deadline,
            notes,
        });
    }
    (tokens, owners, known)
}

/// Every id the list gives for `query`, walking its pages two at a time.
async fn walk(app: &TestApp, token: &str, query: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = format!("/v1/buyer-requests?limit=2&{query}");
        if let Some(cursor) = &cursor {
            path.push_str(&format!("&cursor={cursor}"));
        }
        let (status, page) = call(app, Method::GET, &path, token, None).await;
        assert_eq!(status, 200, "{query}: {page}");
        ids.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["id"].as_str().unwrap().to_owned()),
        );
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return ids,
        }
        assert!(ids.len() <= ROWS.len(), "{query}: pages never end");
    }
}

fn ids<'a>(rows: impl Iterator<Item = &'a Known>) -> Vec<String> {
    rows.map(|k| k.id.clone()).collect()
}

/// The fixture in recording order (ids break the tie of the two requests of 2 April).
fn by_created(known: &[Known]) -> Vec<&Known> {
    let mut rows: Vec<&Known> = known.iter().collect();
    rows.sort_by(|a, b| (a.created, &a.id).cmp(&(b.created, &b.id)));
    rows
}

backend_test!(
    every_filter_alone_and_together_matches_a_brute_force_selection,
    |app| {
        let (tokens, owners, known) = fixture(app).await;
        let agency = &tokens[0];
        let ordered = by_created(&known);
        let select = |keep: &dyn Fn(&Known) -> bool| ids(ordered.iter().copied().filter(|k| keep(k)));
        let fold = |s: &str| s.to_lowercase().replace(['é', 'É'], "e").replace('è', "e");
        let cases: Vec<(String, Vec<String>)> = vec![
            ("".into(), select(&|_| true)),
            ("status=open".into(), select(&|k| k.status == "open")),
            (
                "status=open&status=shortlisting".into(),
                select(&|k| matches!(k.status, "open" | "shortlisting")),
            ),
            ("service=bpo".into(), select(&|k| k.service.starts_with("bpo."))),
            (
                "service=bpo.contact_center_inbound".into(),
                select(&|k| k.service == "bpo.contact_center_inbound"),
            ),
            (
                "buyer_country=FR&buyer_country=BE".into(),
                select(&|k| matches!(k.country, "FR" | "BE")),
            ),
            (format!("owner={}", owners[1]), select(&|k| k.owner == 1)),
            ("owner=me".into(), select(&|k| k.owner == 0)),
            (
                "created_from=2026-03-05".into(),
                select(&|k| k.created >= "2026-03-05"),
            ),
            (
                "created_to=2026-03-05".into(),
                select(&|k| k.created <= "2026-03-05"),
            ),
            (
                "created_from=2026-02-01&created_to=2026-04-01".into(),
                select(&|k| ("2026-02-01"..="2026-04-01").contains(&k.created)),
            ),
            (
                "deadline_before=2026-03-01".into(),
                select(&|k| k.deadline.is_some_and(|d| d < "2026-03-01")),
            ),
            (
                "q=societe".into(),
                select(&|k| fold(k.buyer).contains("societe") || fold(k.notes).contains("societe")),
            ),
            (
                "q=ASSURANCE".into(),
                select(&|k| fold(k.buyer).contains("assurance") || fold(k.notes).contains("assurance")),
            ),
            (
                "q=soci%C3%A9t%C3%A9+belge".into(),
                select(&|k| k.buyer == "Brussels Care"),
            ),
            (
                "service=bpo&status=open&buyer_country=FR&buyer_country=BE".into(),
                select(&|k| {
                    k.service.starts_with("bpo.") && k.status == "open" && matches!(k.country, "FR" | "BE")
                }),
            ),
            (
                format!("owner={}&created_from=2026-03-01&q=ledger", owners[1]),
                select(&|k| k.buyer == "Nordic Ledger"),
            ),
        ];
        for (query, expected) in cases {
            assert!(!expected.is_empty(), "{query} selects nothing in the fixture");
            assert_eq!(walk(app, agency, &query).await, expected, "{query}");
        }
    }
);

backend_test!(lists_sort_by_created_deadline_and_updated_in_pages, |app| {
    let (tokens, _, known) = fixture(app).await;
    let agency = &tokens[0];
    let created = ids(by_created(&known).into_iter());
    let mut reversed = created.clone();
    reversed.reverse();
    assert_eq!(walk(app, agency, "sort=created").await, created);
    assert_eq!(walk(app, agency, "sort=created&order=desc").await, reversed);
    // Updated was dated in reverse order of the rows.
    let mut updated = ids(known.iter());
    updated.reverse();
    assert_eq!(walk(app, agency, "sort=updated").await, updated);
    // Deadlines first by day, the two without one last in either direction, by id.
    let mut dated: Vec<&Known> = known.iter().filter(|k| k.deadline.is_some()).collect();
    dated.sort_by_key(|k| k.deadline);
    let mut undated: Vec<&Known> = known.iter().filter(|k| k.deadline.is_none()).collect();
    undated.sort_by(|a, b| a.id.cmp(&b.id));
    let ascending: Vec<String> = ids(dated.iter().copied().chain(undated.iter().copied()));
    assert_eq!(walk(app, agency, "sort=deadline").await, ascending);
    undated.reverse();
    let descending: Vec<String> = ids(dated.iter().rev().copied().chain(undated.iter().copied()));
    assert_eq!(walk(app, agency, "sort=deadline&order=desc").await, descending);
    assert_eq!(
        walk(app, agency, "sort=deadline&status=open").await,
        ascending
            .iter()
            .filter(|id| known.iter().any(|k| &k.id == *id && k.status == "open"))
            .cloned()
            .collect::<Vec<_>>()
    );
});

backend_test!(bad_values_are_400s_and_only_the_agency_finds_requests, |app| {
    let agency = app.token_for("agency").await;
    for query in [
        "status=won",
        "service=nothing",
        "buyer_country=XX",
        "buyer_country=fr",
        "owner=someone",
        "created_from=2026-02-30",
        "created_from=2026-03-01&created_to=2026-02-01",
        "deadline_before=soon",
        "sort=name",
        "order=sideways",
        "limit=0",
        "limit=500",
        "cursor=forged",
        "q=x&q=y",
        "budget=1",
        "sort=deadline&cursor=djE6MjAyNi0wMS0wMVQwMDowMDowMC4wMDAwMDB8eA",
    ] {
        let response = app
            .authed(Method::GET, &format!("/v1/buyer-requests?{query}"), &agency)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400, "{query}");
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json",
            "{query}"
        );
        let problem: Value = response.json().await.unwrap();
        assert!(
            problem["detail"].as_str().is_some_and(|d| !d.is_empty()),
            "{query}: {problem}"
        );
    }
    let admin = app.admin_token().await;
    let partner = partner_key(app, &admin).await;
    let curator = app.token_for("curator").await;
    for token in [&partner, &curator] {
        let (status, _) = call(app, Method::GET, "/v1/buyer-requests?status=open", token, None).await;
        assert_eq!(status, 403);
    }
});
