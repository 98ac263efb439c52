//! `annuaire import FILE`: the same import from the command line, and multipart uploads.

use reqwest::Method;
use serde_json::Value;

use super::*;
use crate::backend_test;

async fn command(app: &TestApp, args: &[&str]) -> (bool, String) {
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_annuaire"))
        .arg("import")
        .args(args)
        .env_clear()
        .env("ANNUAIRE_DATABASE_URL", &app.db.url)
        .env("ANNUAIRE_LOG", "warn")
        .output()
        .await
        .unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

backend_test!(the_command_line_runs_the_same_import, |app| {
    let curator = app.token_for("curator").await;
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("firms.csv");
    std::fs::write(&good, firms_csv(3, 1)).unwrap();
    let before = organization_count(app, &curator).await;

    let (ok, out) = command(
        app,
        &[good.to_str().unwrap(), "--kind", "organizations", "--dry-run"],
    )
    .await;
    assert!(ok, "{out}");
    assert!(out.contains("Valid: 3 rows, 3 created"), "{out}");
    assert_eq!(organization_count(app, &curator).await, before);

    let (ok, out) = command(
        app,
        &[good.to_str().unwrap(), "--kind", "organizations", "--publish"],
    )
    .await;
    assert!(ok && out.contains("Committed: 3 rows, 3 created"), "{out}");
    assert_eq!(organization_count(app, &curator).await, before + 3);
    let listed = app.read_json("/v1/imports?limit=1", &curator).await;
    assert_eq!(listed["items"][0]["created_by"], "system");
    assert_eq!(listed["items"][0]["file_name"], "firms.csv");

    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "kind,name,country\nfirm,Sans Pays,XX\n").unwrap();
    let (ok, out) = command(app, &[bad.to_str().unwrap(), "--kind", "organizations"]).await;
    assert!(!ok, "a refused file exits non-zero");
    assert!(out.contains("organizations row 2 country C2"), "{out}");

    let (ok, out) = command(app, &["--columns"]).await;
    assert!(
        ok && out.contains("| `service_code` | Code du service / Service code |"),
        "{out}"
    );
});

backend_test!(a_file_may_come_as_multipart_form_data, |app| {
    let curator = app.token_for("curator").await;
    let boundary = "annuaire-test-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nignored\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"membres OPTIC.csv\"\r\n\
         Content-Type: text/csv\r\n\r\n"
    )
    .into_bytes();
    body.extend(firms_csv(2, 500));
    body.extend(format!("\r\n--{boundary}--\r\n").into_bytes());
    let response = app
        .authed(Method::POST, "/v1/imports?kind=organizations", &curator)
        .header(
            "Content-Type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    let answer: Value = expect(response, 200).await;
    assert_eq!(answer["file_name"], "membres OPTIC.csv");
    assert_eq!(answer["report"]["summary"]["created"], 2);

    let empty = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nx\r\n--{boundary}--\r\n"
    );
    let response = app
        .authed(Method::POST, "/v1/imports?kind=organizations", &curator)
        .header(
            "Content-Type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(empty)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
});
