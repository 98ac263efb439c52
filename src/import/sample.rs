//! `annuaire import --generate N FILE`: a workbook of N sample firms, each with two
//! capabilities, two markets and a certification, for the import benchmark. Deterministic:
//! firm `n` is always the same, its NINEA unique, its name plainly marked as sample data.

use std::path::Path;

use rust_xlsxwriter::{Workbook, Worksheet, XlsxError};

use super::columns::Sheet;

const SERVICES: [&str; 8] = [
    "bpo.contact_center_inbound",
    "bpo.contact_center_outbound",
    "bpo.data_entry",
    "bpo.finance_accounting",
    "it.software_development",
    "it.web_development",
    "digital.data_annotation",
    "kpo.market_research",
];
const MARKETS: [&str; 6] = ["FR", "BE", "CA", "CI", "MA", "US"];
const CITIES: [(&str, &str); 4] = [
    ("Dakar", "Dakar"),
    ("Thiès", "Thiès"),
    ("Saint-Louis", "Saint-Louis"),
    ("Rufisque", "Dakar"),
];
const SCHEMES: [&str; 3] = ["iso_9001", "iso_iec_27001", "pci_dss"];

/// Writes the workbook of `firms` sample firms to `path`.
pub fn write(firms: u64, path: &Path) -> Result<(), XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = |workbook: &mut Workbook, kind: Sheet, headers: &[&str]| -> Result<(), XlsxError> {
        let worksheet = workbook.add_worksheet();
        worksheet.set_name(kind.as_str())?;
        for (i, header) in headers.iter().enumerate() {
            worksheet.write_string(0, i as u16, *header)?;
        }
        Ok(())
    };
    sheet(
        &mut workbook,
        Sheet::Organizations,
        &[
            "key",
            "ninea",
            "kind",
            "name",
            "description_fr",
            "country",
            "region",
            "city",
            "phone",
            "founded_year",
            "employees",
        ],
    )?;
    sheet(
        &mut workbook,
        Sheet::Capabilities,
        &[
            "organization",
            "service_code",
            "delivery_modes",
            "languages",
            "capacity_seats",
        ],
    )?;
    sheet(
        &mut workbook,
        Sheet::Markets,
        &["organization", "country", "kind", "since_year"],
    )?;
    sheet(
        &mut workbook,
        Sheet::Certifications,
        &[
            "organization",
            "scheme",
            "certificate_number",
            "valid_from",
            "valid_until",
        ],
    )?;
    for n in 0..firms {
        let i = n as usize;
        let row = n as u32 + 1;
        let key = format!("f{n}");
        let (city, region) = CITIES[i % CITIES.len()];
        let orgs = workbook.worksheet_from_index(0)?;
        strings(
            orgs,
            row,
            &[
                &key,
                &format!("7{n:08}"),
                "firm",
                &format!("Démo Import {n} Services"),
                "Données de démonstration pour le banc d'essai d'import.",
                "SN",
                region,
                city,
                &format!("+22133{:07}", n % 10_000_000),
            ],
        )?;
        orgs.write_number(row, 9, 1990.0 + (n % 35) as f64)?;
        orgs.write_number(row, 10, 10.0 + (n % 900) as f64)?;
        let capabilities = workbook.worksheet_from_index(1)?;
        for c in 0..2u32 {
            let service = SERVICES[(i + c as usize * 3) % SERVICES.len()];
            strings(
                capabilities,
                row * 2 - 1 + c,
                &[&key, service, "offshore|nearshore", "fr:40|en:10"],
            )?;
            capabilities.write_number(row * 2 - 1 + c, 4, 20.0 + (n % 300) as f64)?;
        }
        let markets = workbook.worksheet_from_index(2)?;
        for m in 0..2u32 {
            let country = MARKETS[(i + m as usize * 2) % MARKETS.len()];
            strings(
                markets,
                row * 2 - 1 + m,
                &[&key, country, if m == 0 { "served" } else { "target" }],
            )?;
            markets.write_number(row * 2 - 1 + m, 3, 2010.0 + (n % 15) as f64)?;
        }
        let certifications = workbook.worksheet_from_index(3)?;
        strings(
            certifications,
            row,
            &[
                &key,
                SCHEMES[i % SCHEMES.len()],
                &format!("CERT-{n}"),
                "2024-01-15",
                "2027-01-14",
            ],
        )?;
    }
    workbook.save(path)
}

fn strings(worksheet: &mut Worksheet, row: u32, values: &[&str]) -> Result<(), XlsxError> {
    for (i, value) in values.iter().enumerate() {
        worksheet.write_string(row, i as u16, *value)?;
    }
    Ok(())
}
