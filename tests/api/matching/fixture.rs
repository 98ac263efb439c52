//! A labelled set of firms, built through the API as curators would enter them.

use std::collections::HashMap;

use reqwest::Method;
use serde_json::{Value, json};

use crate::directory::{act, create_org};
use crate::helpers::TestApp;

/// A firm of the fixture: its services, languages, capacity, certificates and markets.
pub struct Firm {
    pub key: &'static str,
    pub name: &'static str,
    pub services: &'static [&'static str],
    pub languages: &'static [&'static str],
    pub seats: Option<i32>,
    pub fte: Option<i32>,
    pub modes: &'static [&'static str],
    /// Scheme and last valid day: a date, or [`LATER`] or [`BEFORE_START`] (days from today).
    pub certificates: &'static [(&'static str, &'static str)],
    /// Country and kind.
    pub markets: &'static [(&'static str, &'static str)],
    pub verified: bool,
}

/// A last valid day long after [`start_date`].
const LATER: &str = "+576";
/// A last valid day after today and before [`start_date`], after [`sooner_start`].
const BEFORE_START: &str = "+44";

/// The day `offset` days from today.
fn days_from_today(offset: i64) -> String {
    (chrono::Utc::now().date_naive() + chrono::Duration::days(offset)).to_string()
}

/// The start date of the fixture's requests, some months ahead whatever today is.
pub fn start_date() -> String {
    days_from_today(89)
}

/// A start date before [`BEFORE_START`] lapses.
pub fn sooner_start() -> String {
    days_from_today(30)
}

/// A certificate's last valid day: a fixed date, or days from today.
pub fn until(day: &str) -> String {
    match day.strip_prefix('+') {
        Some(offset) => days_from_today(offset.parse().unwrap()),
        None => day.to_owned(),
    }
}

const fn firm(key: &'static str, name: &'static str, services: &'static [&'static str]) -> Firm {
    Firm {
        key,
        name,
        services,
        languages: &["fr"],
        seats: None,
        fte: None,
        modes: &["offshore"],
        certificates: &[],
        markets: &[],
        verified: false,
    }
}

/// Thirty published firms across the sector's trades.
pub const FIRMS: [Firm; 30] = [
    Firm {
        languages: &["fr", "en"],
        seats: Some(200),
        modes: &["offshore", "nearshore"],
        certificates: &[("iso_iec_27001", LATER), ("pci_dss", LATER)],
        markets: &[("FR", "served"), ("BE", "served")],
        verified: true,
        ..firm("F01", "Atlantique Contact", &["bpo.contact_center_inbound"])
    },
    Firm {
        seats: Some(60),
        certificates: &[("iso_iec_27001", LATER)],
        markets: &[("FR", "served")],
        ..firm("F02", "Baobab Appels", &["bpo.contact_center_inbound"])
    },
    Firm {
        languages: &["fr", "wo"],
        seats: Some(45),
        certificates: &[("iso_iec_27001", "2025-02-28")],
        markets: &[("FR", "served")],
        ..firm(
            "F03",
            "Casamance Relation Client",
            &["bpo.contact_center_inbound"],
        )
    },
    Firm {
        languages: &["fr", "en"],
        seats: Some(120),
        certificates: &[("copc", LATER)],
        markets: &[("FR", "target"), ("CA", "served")],
        ..firm("F04", "Dakar Voice", &["bpo.contact_center_outbound"])
    },
    Firm {
        languages: &["fr", "en", "es"],
        seats: Some(80),
        modes: &["offshore", "remote"],
        certificates: &[("iso_iec_27001", BEFORE_START)],
        markets: &[("ES", "served"), ("FR", "served")],
        ..firm("F05", "Gorée Support", &["bpo.customer_support"])
    },
    Firm {
        seats: Some(30),
        certificates: &[("iso_iec_27001", LATER)],
        markets: &[("FR", "served")],
        ..firm("F06", "Lac Rose Centre d'appels", &["bpo.contact_center_inbound"])
    },
    Firm {
        languages: &["fr", "en"],
        seats: Some(300),
        certificates: &[("iso_iec_27001", "2029-06-30"), ("pci_dss", "2029-06-30")],
        markets: &[("FR", "served"), ("GB", "served"), ("US", "target")],
        verified: true,
        ..firm(
            "F07",
            "Ngor Contact",
            &["bpo.contact_center_inbound", "bpo.contact_center_outbound"],
        )
    },
    Firm {
        languages: &["en"],
        seats: Some(100),
        certificates: &[("iso_iec_27001", LATER)],
        markets: &[("GB", "served"), ("US", "served")],
        ..firm("F08", "Saloum Assistance", &["bpo.contact_center_inbound"])
    },
    Firm {
        seats: Some(50),
        markets: &[("FR", "served")],
        verified: true,
        ..firm("F09", "Téranga Call", &["bpo.contact_center_inbound"])
    },
    Firm {
        languages: &["fr", "wo"],
        seats: Some(150),
        markets: &[("FR", "target")],
        ..firm("F10", "Thiès Téléservices", &["bpo.contact_center_outbound"])
    },
    Firm {
        languages: &["fr", "en"],
        fte: Some(40),
        modes: &["remote", "offshore"],
        certificates: &[("cmmi_dev", LATER), ("iso_9001", LATER)],
        markets: &[("FR", "served"), ("CA", "served")],
        ..firm("F11", "Sahel Soft", &["it.software_development"])
    },
    Firm {
        languages: &["fr", "en"],
        fte: Some(15),
        modes: &["remote"],
        markets: &[("CA", "served")],
        ..firm("F12", "Almadies Apps", &["it.mobile_development"])
    },
    Firm {
        fte: Some(80),
        certificates: &[("iso_iec_27001", LATER), ("iso_9001", LATER)],
        markets: &[("FR", "served"), ("BE", "served")],
        verified: true,
        ..firm("F13", "Cap-Vert Code", &["it.software_development"])
    },
    Firm {
        fte: Some(10),
        markets: &[("ML", "served")],
        ..firm("F14", "Ndar Web", &["it.web_development"])
    },
    Firm {
        languages: &["fr", "en"],
        fte: Some(25),
        certificates: &[("iso_iec_27001", LATER)],
        markets: &[("FR", "served")],
        ..firm("F15", "Kaolack Cloud", &["it.hosting_cloud"])
    },
    Firm {
        languages: &["fr", "en"],
        fte: Some(20),
        certificates: &[("iso_iec_27001", LATER)],
        markets: &[("FR", "served"), ("BE", "served")],
        verified: true,
        ..firm("F16", "Ziguinchor Cyber", &["it.cybersecurity"])
    },
    Firm {
        languages: &["en", "fr"],
        fte: Some(30),
        certificates: &[("iso_9001", "2024-06-30")],
        markets: &[("GB", "served")],
        ..firm("F17", "Rufisque Testing", &["it.software_testing"])
    },
    Firm {
        languages: &["en"],
        fte: Some(60),
        certificates: &[("iso_9001", LATER)],
        markets: &[("US", "served"), ("GB", "served")],
        ..firm("F18", "Mbour Dev", &["it.software_development"])
    },
    Firm {
        languages: &["fr", "en", "es", "pt"],
        fte: Some(25),
        modes: &["remote"],
        markets: &[("PT", "served"), ("FR", "served")],
        ..firm(
            "F19",
            "Saint-Louis Traduction",
            &["digital.translation_localisation"],
        )
    },
    Firm {
        languages: &["fr", "en"],
        fte: Some(120),
        certificates: &[("iso_iec_27001", LATER)],
        markets: &[("US", "served"), ("FR", "served")],
        ..firm("F20", "Fatick Annotation", &["digital.data_annotation"])
    },
    Firm {
        languages: &["fr", "en", "ar"],
        fte: Some(90),
        certificates: &[("iso_iec_27001", LATER)],
        markets: &[("FR", "served")],
        ..firm("F21", "Louga Modération", &["digital.content_moderation"])
    },
    Firm {
        fte: Some(8),
        markets: &[("FR", "target")],
        ..firm("F22", "Kolda Design", &["digital.graphic_design"])
    },
    Firm {
        languages: &["fr", "en"],
        fte: Some(12),
        markets: &[("CI", "served")],
        ..firm("F23", "Matam Marketing", &["digital.digital_marketing"])
    },
    Firm {
        fte: Some(200),
        certificates: &[("iso_iec_27001", LATER)],
        markets: &[("FR", "served")],
        ..firm("F24", "Diourbel Saisie", &["bpo.data_entry"])
    },
    Firm {
        fte: Some(35),
        certificates: &[("iso_9001", LATER)],
        markets: &[("FR", "served"), ("BE", "served")],
        verified: true,
        ..firm("F25", "Kédougou Finance", &["bpo.finance_accounting"])
    },
    Firm {
        fte: Some(15),
        markets: &[("FR", "served")],
        ..firm("F26", "Sédhiou Paie", &["bpo.payroll"])
    },
    Firm {
        languages: &["fr", "en"],
        fte: Some(150),
        certificates: &[("iso_iec_27001", LATER), ("iso_9001", LATER)],
        markets: &[("FR", "served"), ("CA", "served")],
        ..firm("F27", "Tambacounda Back-Office", &["bpo.back_office"])
    },
    Firm {
        languages: &["fr", "en"],
        fte: Some(20),
        markets: &[("FR", "served"), ("CI", "served")],
        ..firm("F28", "Podor Études", &["kpo.market_research"])
    },
    Firm {
        fte: Some(10),
        certificates: &[("iso_9001", LATER)],
        markets: &[("CI", "served")],
        ..firm("F29", "Richard-Toll Conseil", &["kpo.management_consulting"])
    },
    Firm {
        languages: &["fr", "en"],
        fte: Some(25),
        certificates: &[("iso_iec_27001", LATER)],
        markets: &[("FR", "served"), ("CA", "target")],
        ..firm("F30", "Joal Analytics", &["it.data_analytics"])
    },
];

/// Enters `firm` as `curator`, publishes it (and verifies it when marked); returns its id.
pub async fn enter(app: &TestApp, curator: &str, firm: &Firm, publish: bool) -> String {
    let org = create_org(
        app,
        curator,
        &json!({"kind": "firm", "name": firm.name, "country": "SN"}),
    )
    .await;
    let id = org["id"].as_str().unwrap().to_owned();
    let mut records: Vec<(&str, Value)> = Vec::new();
    for service in firm.services {
        let languages: Vec<Value> = firm.languages.iter().map(|l| json!({"code": l})).collect();
        records.push((
            "capabilities",
            json!({"service_code": service, "delivery_modes": firm.modes, "languages": languages,
                   "capacity_seats": firm.seats, "capacity_fte": firm.fte}),
        ));
    }
    for (scheme, until_day) in firm.certificates {
        records.push((
            "certifications",
            json!({"scheme": scheme, "valid_from": "2022-01-01", "valid_until": until(until_day)}),
        ));
    }
    for (country, kind) in firm.markets {
        records.push(("markets", json!({"country": country, "kind": kind})));
    }
    for (path, body) in records {
        let response = app
            .authed(Method::POST, &format!("/v1/organizations/{id}/{path}"), curator)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    }
    if publish {
        assert_eq!(act(app, curator, &id, "publish").await, 200);
    }
    if firm.verified {
        assert_eq!(act(app, curator, &id, "verify").await, 200);
    }
    id
}

/// Enters every firm of `firms`; returns their ids by key.
pub async fn enter_all(app: &TestApp, curator: &str, firms: &[Firm]) -> HashMap<&'static str, String> {
    let mut ids = HashMap::new();
    for firm in firms {
        ids.insert(firm.key, enter(app, curator, firm, true).await);
    }
    ids
}
