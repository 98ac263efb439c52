//! Spreadsheet imports, as a curator sends them: real CSV and XLSX files made here.

mod bad_files;
mod command;
mod commit;
mod dry_run;
mod jobs;

use reqwest::{Method, Response};
use rust_xlsxwriter::Workbook;
use serde_json::Value;

use crate::helpers::TestApp;

pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A cell of a workbook made in a test.
pub enum Cell<'a> {
    Text(&'a str),
    Number(f64),
    Formula(&'a str),
    Empty,
}

pub use Cell::{Empty, Formula, Number, Text};

/// A workbook with these sheets, each a list of rows (the first the headers).
pub fn workbook(sheets: &[(&str, Vec<Vec<Cell<'_>>>)]) -> Vec<u8> {
    let mut book = Workbook::new();
    for (name, rows) in sheets {
        let sheet = book.add_worksheet();
        sheet.set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match cell {
                    Text(text) => {
                        sheet.write_string(r, c, *text).unwrap();
                    }
                    Number(n) => {
                        sheet.write_number(r, c, *n).unwrap();
                    }
                    Formula(f) => {
                        sheet.write_formula(r, c, *f).unwrap();
                    }
                    Empty => {}
                }
            }
        }
    }
    book.save_to_buffer().unwrap()
}

/// Sends a file to `POST /v1/imports?{query}`.
pub async fn send(app: &TestApp, token: &str, query: &str, content_type: &str, body: Vec<u8>) -> Response {
    app.authed(Method::POST, &format!("/v1/imports?{query}"), token)
        .header("Content-Type", content_type)
        .body(body)
        .send()
        .await
        .unwrap()
}

/// The JSON of an import answered with `status`.
pub async fn expect(response: Response, status: u16) -> Value {
    let got = response.status().as_u16();
    let body: Value = response.json().await.unwrap();
    assert_eq!(got, status, "{body:#}");
    body
}

/// How many organizations the directory holds, as staff see it.
pub async fn organization_count(app: &TestApp, token: &str) -> usize {
    crate::directory::every_organization(app, token, "limit=100")
        .await
        .len()
}

/// The places of a report's problems, as `sheet row column: message`.
pub fn problems(report: &Value) -> Vec<String> {
    report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{} {} {}: {}",
                e["sheet"].as_str().unwrap_or("-"),
                e["row"].as_u64().map_or("-".into(), |r| r.to_string()),
                e["column"].as_str().unwrap_or("-"),
                e["message"].as_str().unwrap()
            )
        })
        .collect()
}

/// Waits for an import job to end; returns its resource.
pub async fn wait_for_end(app: &TestApp, token: &str, location: &str) -> Value {
    for _ in 0..1200 {
        let job = app.read_json(location, token).await;
        if ["done", "failed", "cancelled"].contains(&job["state"].as_str().unwrap()) {
            return job;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("{location} did not end in a minute");
}

/// A CSV file of `n` new firms, NINEAs numbered from `first`.
pub fn firms_csv(n: usize, first: usize) -> Vec<u8> {
    let mut file = String::from("kind,name,country,ninea,city\n");
    for i in first..first + n {
        file.push_str(&format!("firm,Import Test {i},SN,8{i:08},Dakar\n"));
    }
    file.into_bytes()
}
