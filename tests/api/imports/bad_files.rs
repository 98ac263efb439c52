//! Files that cannot be imported get a 4xx that names the place, never a 5xx, and nothing is
//! written.

use super::*;
use crate::backend_test;

fn organizations_with(header: Cell<'static>, value: Cell<'static>) -> Vec<u8> {
    workbook(&[(
        "organizations",
        vec![
            vec![Text("kind"), Text("name"), Text("country"), header],
            vec![Text("firm"), Text("Cas Limite"), Text("SN"), value],
        ],
    )])
}

backend_test!(bad_files_get_a_clear_4xx_and_write_nothing, |app| {
    let curator = app.token_for("curator").await;
    let before = organization_count(app, &curator).await;
    let refused = async |query: &str, content_type: &str, body: Vec<u8>, status: u16, wanted: &str| {
        let response = send(app, &curator, query, content_type, body).await;
        assert_eq!(response.status(), status, "{wanted}");
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json",
            "{wanted}"
        );
        let text = response.text().await.unwrap();
        assert!(text.contains(wanted), "{wanted} not in {text}");
    };
    refused(
        "mode=commit",
        "text/csv",
        b"%PDF-1.7 not a spreadsheet".to_vec(),
        415,
        "neither CSV nor XLSX",
    )
    .await;
    refused(
        "mode=commit",
        "image/png",
        super::firms_csv(1, 1),
        415,
        "Send a CSV file",
    )
    .await;
    let mut encrypted = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    encrypted.extend_from_slice(&[0; 504]);
    refused("mode=commit", XLSX, encrypted, 415, "encrypted workbook").await;
    let mut corrupt = workbook(&[("organizations", vec![vec![Text("name")]])]);
    corrupt.truncate(corrupt.len() / 2);
    refused("mode=commit", XLSX, corrupt, 422, "corrupt").await;
    refused(
        "mode=commit",
        XLSX,
        organizations_with(Text("city"), Formula("=1+1")),
        422,
        "holds a formula",
    )
    .await;

    let mut merged = rust_xlsxwriter::Workbook::new();
    let sheet = merged.add_worksheet().set_name("organizations").unwrap();
    sheet
        .merge_range(0, 0, 0, 1, "kind", &rust_xlsxwriter::Format::new())
        .unwrap();
    sheet.write_string(0, 2, "country").unwrap();
    refused(
        "mode=commit",
        XLSX,
        merged.save_to_buffer().unwrap(),
        422,
        "is merged",
    )
    .await;

    refused(
        "mode=commit",
        XLSX,
        organizations_with(Text("couleur"), Text("bleu")),
        422,
        "\\\"couleur\\\" is not a column",
    )
    .await;
    refused(
        "mode=commit",
        XLSX,
        workbook(&[("firms", vec![vec![Text("name")]])]),
        422,
        "a sheet named \\\"firms\\\"",
    )
    .await;
    let dates = |value| {
        workbook(&[
            (
                "organizations",
                vec![
                    vec![Text("key"), Text("kind"), Text("name"), Text("country")],
                    vec![Text("k"), Text("firm"), Text("Datée"), Text("SN")],
                ],
            ),
            (
                "certifications",
                vec![
                    vec![Text("organization"), Text("scheme"), Text("valid_until")],
                    vec![Text("k"), Text("iso_9001"), value],
                ],
            ),
        ])
    };
    refused(
        "mode=commit",
        XLSX,
        dates(Text("31/12/2027")),
        422,
        "is written dd/mm/yyyy",
    )
    .await;
    refused(
        "mode=commit",
        XLSX,
        dates(Number(46752.0)),
        422,
        "is a spreadsheet serial number",
    )
    .await;
    refused(
        "mode=commit&kind=organizations",
        "text/csv",
        b"kind,name,country\nfirm,\"unclosed,SN\n".to_vec(),
        422,
        "not well-formed CSV",
    )
    .await;
    refused(
        "mode=commit&kind=organizations",
        "text/csv",
        b"name,country\nCaf\xe9,SN\n".to_vec(),
        422,
        "is not UTF-8",
    )
    .await;
    refused(
        "mode=commit",
        "text/csv",
        super::firms_csv(1, 1),
        422,
        "name it with the kind parameter",
    )
    .await;

    let mut many = String::from("kind,name,country\n");
    for _ in 0..250_001 {
        many.push_str("firm,x,SN\n");
    }
    // So many rows make a job: its report says why the file is refused.
    let job = send(
        app,
        &curator,
        "mode=commit&kind=organizations",
        "text/csv",
        many.into_bytes(),
    )
    .await;
    let job = expect(job, 202).await;
    let job = wait_for_end(
        app,
        &curator,
        &format!("/v1/imports/{}", job["id"].as_str().unwrap()),
    )
    .await;
    assert_eq!(job["outcome"], "refused");
    assert!(
        problems(&job["report"])[0].contains("more than 250000"),
        "{:#}",
        job["report"]
    );
    let huge = vec![b'a'; 50 * 1024 * 1024 + 70 * 1024];
    let response = send(app, &curator, "kind=organizations", "text/csv", huge).await;
    assert_eq!(response.status(), 413);

    let bad_mode = send(app, &curator, "mode=maybe", "text/csv", super::firms_csv(1, 1)).await;
    assert_eq!(bad_mode.status(), 400);
    let bad_kind = send(app, &curator, "kind=firms", "text/csv", super::firms_csv(1, 1)).await;
    assert_eq!(bad_kind.status(), 400);
    assert_eq!(organization_count(app, &curator).await, before);
    app.assert_no_server_errors();
});
