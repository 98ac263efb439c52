//! The shortlist a buyer reads: the agency's order, in three formats and two languages, with
//! contact persons only when asked for and only those the firms agreed to share.

use std::collections::HashMap;
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use reqwest::Method;
use serde_json::{Value, json};

use super::call;
use super::fixture::{FIRMS, enter_all, start_date};
use crate::backend_test;
use crate::directory::partner_key;
use crate::helpers::TestApp;

const SHARED_PERSON: &str = "Awa Ndiaye";
const PRIVATE_PERSON: &str = "Moussa Réservé";

pub(super) struct Desk {
    pub(super) agency: String,
    pub(super) request: String,
    pub(super) ids: HashMap<&'static str, String>,
    /// Firm keys in the order the buyer must see them.
    expected: Vec<&'static str>,
    shared_contact: String,
}

async fn add_contact(app: &TestApp, curator: &str, org: &str, name: &str, shareable: bool) -> String {
    let body = json!({"name": name, "role_title": "Directrice commerciale",
                      "email": "personne@example.sn", "shareable": shareable});
    let (status, created) = call(
        app,
        Method::POST,
        &format!("/v1/organizations/{org}/contacts"),
        curator,
        Some(&body),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["shareable"], shareable);
    created["id"].as_str().unwrap().to_owned()
}

/// Five firms saved for a request: F03 placed first and F01 second by the agency, F02
/// declined, F04 and F05 by score. F01 has a shareable and a private contact, F03 a private one.
pub(super) async fn desk(app: &TestApp) -> Desk {
    let curator = app.token_for("curator").await;
    let agency = app.token_for("agency").await;
    let ids = enter_all(app, &curator, &FIRMS[..5]).await;
    let shared_contact = add_contact(app, &curator, &ids["F01"], SHARED_PERSON, true).await;
    add_contact(app, &curator, &ids["F01"], PRIVATE_PERSON, false).await;
    add_contact(app, &curator, &ids["F03"], PRIVATE_PERSON, false).await;
    let body = json!({"buyer_name": "Assurances du Midi", "buyer_country": "FR", "deadline": "2027-01-15",
                      "criteria": {"services": ["bpo"], "required_languages": ["fr"], "start_date": start_date()}});
    let (status, created) = call(app, Method::POST, "/v1/buyer-requests", &agency, Some(&body)).await;
    assert_eq!(status, 201, "{created}");
    let request = created["id"].as_str().unwrap().to_owned();
    let firm = |key: &str| format!("/v1/buyer-requests/{request}/matches/{}", ids[key]);
    for key in ["F01", "F02", "F03", "F04", "F05"] {
        let (status, saved) = call(app, Method::PUT, &firm(key), &agency, None).await;
        assert_eq!(status, 201, "{saved}");
    }
    for (key, change) in [
        ("F03", json!({"position": 1})),
        ("F01", json!({"position": 2, "status": "shortlisted"})),
        ("F02", json!({"status": "declined"})),
    ] {
        let (status, moved) = call(app, Method::PATCH, &firm(key), &agency, Some(&change)).await;
        assert_eq!(status, 200, "{moved}");
    }
    let (_, saved) = call(
        app,
        Method::GET,
        &format!("/v1/buyer-requests/{request}/matches"),
        &agency,
        None,
    )
    .await;
    let score = |key: &str| {
        saved["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["organization_id"] == ids[key].as_str())
            .unwrap()["evaluation"]["score"]
            .as_f64()
            .unwrap()
    };
    let mut rest = vec!["F04", "F05"];
    rest.sort_by(|a, b| score(b).total_cmp(&score(a)).then_with(|| ids[a].cmp(&ids[b])));
    let expected = [vec!["F03", "F01"], rest].concat();
    Desk {
        agency,
        request,
        ids,
        expected,
        shared_contact,
    }
}

async fn fetch(app: &TestApp, desk: &Desk, query: &str, accept_language: Option<&str>) -> reqwest::Response {
    let mut request = app.authed(
        Method::GET,
        &format!("/v1/buyer-requests/{}/shortlist?{query}", desk.request),
        &desk.agency,
    );
    if let Some(language) = accept_language {
        request = request.header("Accept-Language", language);
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), 200, "{query}");
    response
}

fn name_of(key: &str) -> &'static str {
    FIRMS.iter().find(|f| f.key == key).unwrap().name
}

backend_test!(
    a_json_shortlist_follows_the_agency_order_in_either_language,
    |app| {
        let desk = desk(app).await;
        let english = fetch(app, &desk, "", None).await;
        assert_eq!(english.headers()["content-language"], "en");
        let english: Value = english.json().await.unwrap();
        let names: Vec<&str> = english["firms"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap())
            .collect();
        let expected: Vec<&str> = desk.expected.iter().map(|k| name_of(k)).collect();
        assert_eq!(names, expected, "declined firms are left out");
        let first = &english["firms"][1];
        assert_eq!(
            (first["rank"].as_u64(), first["organization_id"].as_str()),
            (Some(2), Some(desk.ids["F01"].as_str()))
        );
        assert_eq!(first["country"]["label"], "Senegal");
        assert_eq!(first["services"][0]["label"], "Inbound contact centre");
        assert_eq!(first["services"][0]["seats"], 200);
        assert_eq!(first["services"][0]["languages"], json!(["en", "fr"]));
        assert_eq!(first["markets"], json!(["FR", "BE"]));
        let schemes: Vec<&str> = first["certifications"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["scheme"].as_str().unwrap())
            .collect();
        assert_eq!(schemes.len(), 2, "{first}");
        assert!(first.get("contacts").is_none(), "no contact persons unless asked");
        assert_eq!(
            english["firms"][0]["certifications"],
            json!([]),
            "F03's certificate expired in 2025"
        );
        let f05 = english["firms"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == name_of("F05"))
            .unwrap();
        assert_eq!(
            f05["certifications"],
            json!([]),
            "F05's lapses before the start date"
        );
        assert_eq!(english["request"]["deadline"], "2027-01-15");
        assert_eq!(
            english["request"]["services"][0]["label"],
            "Business process outsourcing"
        );

        for (query, header) in [("lang=fr", None), ("", Some("fr-SN,fr;q=0.9,en;q=0.5"))] {
            let french = fetch(app, &desk, query, header).await;
            assert_eq!(french.headers()["content-language"], "fr");
            let french: Value = french.json().await.unwrap();
            assert_eq!(french["language"], "fr");
            assert_eq!(french["firms"][1]["country"]["label"], "Sénégal");
            assert_eq!(
                french["firms"][1]["services"][0]["label"],
                "Centre de contacts entrant"
            );
            let (fr, en) = (
                french["firms"][1]["reasons"].as_array().unwrap(),
                english["firms"][1]["reasons"].as_array().unwrap(),
            );
            assert_eq!(fr.len(), en.len());
            assert_ne!(fr, en, "reasons follow the language");
            assert!(
                fr.iter()
                    .any(|r| r.as_str().unwrap().contains("services demandés")),
                "{fr:?}"
            );
        }
        let english_anyway: Value = fetch(app, &desk, "lang=en", Some("fr"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(english_anyway["language"], "en", "lang wins over Accept-Language");
    }
);

backend_test!(
    contacts_leave_only_when_asked_and_shared_and_the_history_says_so,
    |app| {
        let desk = desk(app).await;
        let history = format!("/v1/buyer-requests/{}/history", desk.request);
        let shared_events = |history: &Value| -> Vec<Value> {
            history["items"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|e| e["action"] == "contacts_shared")
                .cloned()
                .collect()
        };
        for query in ["", "format=csv", "format=xlsx", "contacts=false"] {
            let body = fetch(app, &desk, query, None).await.bytes().await.unwrap();
            let text = String::from_utf8_lossy(&body);
            assert!(
                !text.contains("Ndiaye") && !text.contains("Moussa"),
                "{query}: no persons"
            );
        }
        let (_, before) = call(app, Method::GET, &history, &desk.agency, None).await;
        assert!(
            shared_events(&before).is_empty(),
            "nothing left the directory yet"
        );

        let response = fetch(app, &desk, "contacts=true", None).await;
        assert!(
            response.headers()["cache-control"]
                .to_str()
                .unwrap()
                .contains("no-store")
        );
        let list: Value = response.json().await.unwrap();
        assert_eq!(list["firms"][1]["contacts"].as_array().unwrap().len(), 1);
        assert_eq!(list["firms"][1]["contacts"][0]["name"], SHARED_PERSON);
        assert_eq!(
            list["firms"][0]["contacts"],
            json!([]),
            "F03's person did not agree"
        );
        assert!(!list.to_string().contains("Moussa"));
        let csv = fetch(app, &desk, "contacts=true&format=csv", None)
            .await
            .text()
            .await
            .unwrap();
        assert!(csv.contains(SHARED_PERSON) && !csv.contains("Moussa"), "{csv}");

        let (_, after) = call(app, Method::GET, &history, &desk.agency, None).await;
        let events = shared_events(&after);
        assert_eq!(events.len(), 2, "one per shortlist that carried persons: {after}");
        let state = events[1]["after"].clone();
        assert_eq!(state["format"], "csv");
        assert_eq!(
            state["contacts"],
            json!([{"organization_id": desk.ids["F01"], "contact_id": desk.shared_contact}])
        );
    }
);

fn sheet_rows(bytes: &[u8]) -> (String, Vec<Vec<String>>) {
    let mut workbook: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes.to_vec())).unwrap();
    let name = workbook.sheet_names()[0].clone();
    let range = workbook.worksheet_range(&name).unwrap();
    let rows = range
        .rows()
        .map(|row| {
            row.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect()
        })
        .collect();
    (name, rows)
}

backend_test!(
    csv_and_xlsx_shortlists_carry_the_same_firms_with_a_summary,
    |app| {
        let desk = desk(app).await;
        let expected: Vec<&str> = desk.expected.iter().map(|k| name_of(k)).collect();
        let response = fetch(app, &desk, "format=csv&lang=fr", None).await;
        assert_eq!(response.headers()["content-type"], "text/csv; charset=utf-8");
        assert!(
            response.headers()["content-disposition"]
                .to_str()
                .unwrap()
                .contains(".csv")
        );
        let bytes = response.bytes().await.unwrap();
        assert!(
            bytes.starts_with(b"\xEF\xBB\xBF"),
            "a byte order mark for spreadsheets"
        );
        let mut reader = csv::Reader::from_reader(&bytes[3..]);
        let headers = reader.headers().unwrap().clone();
        assert_eq!(&headers[0], "Rang");
        assert_eq!(&headers[1], "Entreprise");
        assert!(!headers.iter().any(|h| h == "Contacts"));
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        let names: Vec<&str> = rows.iter().map(|r| &r[1]).collect();
        assert_eq!(names, expected);
        assert!(
            rows[1][6].contains("Centre de contacts entrant (200 places; en, fr)"),
            "{:?}",
            &rows[1]
        );

        let response = fetch(app, &desk, "format=xlsx&contacts=true", None).await;
        assert_eq!(
            response.headers()["content-type"],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        let (sheet, rows) = sheet_rows(&response.bytes().await.unwrap());
        assert_eq!(sheet, "Shortlist");
        assert_eq!(
            rows[0][..2],
            ["Buyer".to_owned(), "Assurances du Midi".to_owned()]
        );
        assert_eq!(rows[4][..2], ["Deadline".to_owned(), "2027-01-15".to_owned()]);
        let header = rows
            .iter()
            .position(|r| r[0] == "Rank")
            .expect("a header row under the summary");
        assert_eq!(rows[header].last().unwrap(), "Contacts");
        let names: Vec<&str> = rows[header + 1..].iter().map(|r| r[1].as_str()).collect();
        assert_eq!(names, expected);
        assert!(rows[header + 2].last().unwrap().contains(SHARED_PERSON));
        let (french, _) = sheet_rows(
            &fetch(app, &desk, "format=xlsx&lang=fr", None)
                .await
                .bytes()
                .await
                .unwrap(),
        );
        assert_eq!(french, "Liste restreinte");
    }
);

backend_test!(shortlists_refuse_bad_values_and_everyone_but_the_agency, |app| {
    let desk = desk(app).await;
    let path = format!("/v1/buyer-requests/{}/shortlist", desk.request);
    for query in ["format=pdf", "lang=de", "contacts=maybe", "colour=red"] {
        let (status, problem) = call(app, Method::GET, &format!("{path}?{query}"), &desk.agency, None).await;
        assert_eq!(status, 400, "{query}: {problem}");
    }
    let (status, _) = call(
        app,
        Method::GET,
        "/v1/buyer-requests/0193a0a4-7b1e-7c35-9c8e-3f1a2b4c5d6e/shortlist",
        &desk.agency,
        None,
    )
    .await;
    assert_eq!(status, 404);
    let admin = app.admin_token().await;
    let partner = partner_key(app, &admin).await;
    let curator = app.token_for("curator").await;
    for token in [&partner, &curator] {
        for query in ["", "?format=csv", "?contacts=true&format=xlsx"] {
            let (status, _) = call(app, Method::GET, &format!("{path}{query}"), token, None).await;
            assert_eq!(status, 403, "{query}");
        }
    }
    let (status, _) = call(app, Method::GET, &format!("{path}?format=csv"), &admin, None).await;
    assert_eq!(status, 200, "admins may");
});
