//! Match profiles: what is stored for matching, and the terms that preselect firms.

use super::*;

fn records<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> Vec<T> {
    serde_json::from_value(value).unwrap()
}

fn profile() -> MatchProfile {
    let capabilities: Vec<CapabilityFields> = records(serde_json::json!([
        {"service_code": "bpo.inbound", "languages": [{"code": "en"}, {"code": "fr"}],
         "delivery_modes": ["offshore"], "capacity_seats": 120},
        {"service_code": "it.dev", "languages": [{"code": "fr"}], "delivery_modes": [], "capacity_fte": 30}
    ]));
    let certifications: Vec<CertificationFields> =
        records(serde_json::json!([{"scheme": "iso_iec_27001", "valid_until": "2020-01-01"}]));
    let markets: Vec<MarketFields> = records(serde_json::json!([{"country": "FR", "kind": "served"}]));
    MatchProfile::new(&dated(&capabilities), &certifications, &markets)
}

/// Capabilities as last changed on a day of the tests.
fn dated(capabilities: &[CapabilityFields]) -> Vec<(&CapabilityFields, chrono::NaiveDate)> {
    capabilities.iter().map(|c| (c, day("2026-11-01"))).collect()
}

#[test]
fn a_profile_keeps_what_matching_reads_and_survives_storage() {
    let stored = serde_json::to_string(&profile()).unwrap();
    let read: MatchProfile = serde_json::from_str(&stored).unwrap();
    assert_eq!(read, profile());
    let candidate = read.into_candidate("o1".into(), "atlantique".into(), "Atlantique".into(), None);
    let dated = OfferedService {
        as_of: Some(day("2026-11-01")),
        ..service("bpo.inbound", &["en", "fr"], Some(120))
    };
    assert_eq!(
        candidate.services[0], dated,
        "figures dated by the record's last change"
    );
    assert_eq!(candidate.services[1].fte, Some(30));
    assert_eq!(
        candidate.certificates,
        [certificate("iso_iec_27001", "2020-01-01")]
    );
    assert_eq!(candidate.markets[0].kind, MarketKind::Served);
}

#[test]
fn terms_select_every_firm_that_may_meet_the_hard_constraints_and_no_other() {
    let terms = profile().terms();
    let today = day("2026-11-29");
    let query_on = |criteria: &MatchCriteria, codes: &[&str], day: NaiveDate, hard: bool| {
        let wanted = vec![codes.iter().map(|c| c.to_string()).collect()];
        TermQuery::new(&TermNeed::new(criteria, wanted, day), hard)
    };
    let query = |criteria: &MatchCriteria, codes: &[&str]| query_on(criteria, codes, today, true);
    let mut wanted = criteria(&["bpo"]);
    assert!(query(&wanted, &["bpo", "bpo.inbound"]).matches(&terms));
    assert!(
        !query(&wanted, &["bpo", "bpo.outbound"]).matches(&terms),
        "another service"
    );
    wanted.required_languages = vec!["en".into()];
    assert!(query(&wanted, &["bpo.inbound"]).matches(&terms));
    assert!(
        !query(&wanted, &["it.dev"]).matches(&terms),
        "English only on another service"
    );
    wanted.min_capacity = Some(CapacityNeed {
        amount: 120,
        unit: CapacityUnit::Seats,
    });
    assert!(query(&wanted, &["bpo.inbound"]).matches(&terms), "exactly enough");
    wanted.min_capacity = Some(CapacityNeed {
        amount: 300,
        unit: CapacityUnit::Seats,
    });
    assert!(
        !query(&wanted, &["bpo.inbound"]).matches(&terms),
        "120 seats for 300"
    );
    wanted.min_capacity = Some(CapacityNeed {
        amount: 10,
        unit: CapacityUnit::Fte,
    });
    assert!(
        !query(&wanted, &["bpo.inbound"]).matches(&terms),
        "FTE only on another service"
    );
    wanted.min_capacity = None;
    // The certificate lapsed on 2020-01-01: selected for a day in 2020 (the matcher rules on
    // the exact date), not for one in 2026.
    wanted.required_certifications = vec!["iso_iec_27001".into()];
    assert!(!query(&wanted, &["bpo.inbound"]).matches(&terms), "lapsed");
    let in_2020 = query_on(&wanted, &["bpo.inbound"], day("2020-06-30"), true);
    assert!(in_2020.matches(&terms));
    let near_misses = query_on(&wanted, &["bpo.inbound"], today, false);
    assert!(near_misses.matches(&terms));
    wanted.required_certifications = vec!["pci_dss".into()];
    assert!(!query_on(&wanted, &["bpo.inbound"], day("2020-06-30"), true).matches(&terms));
}

#[test]
fn full_marks_need_the_least_capacity_that_earns_every_point() {
    let reference = reference();
    let mut wanted = criteria(&["bpo"]);
    wanted.min_capacity = Some(CapacityNeed {
        amount: 100,
        unit: CapacityUnit::Seats,
    });
    wanted.preferred_languages = vec!["en".into(), "es".into()];
    let matcher = Matcher::new(&wanted, Weights::default(), &reference, day("2026-11-29"));
    let marks = matcher
        .full_marks()
        .expect("default weights separate every share");
    assert!(marks.services && marks.preferred_languages && !marks.preferred_certifications);
    let least = marks.capacity.unwrap().amount;
    let at = |seats: i32| {
        let firm = firm(
            "o1",
            "Atlantique",
            vec![service("bpo.contact_center_inbound", &["en", "es"], Some(seats))],
        );
        matcher.assess(&firm).total
    };
    assert_eq!(at(least), at(200), "{least} seats earn full marks");
    assert!(at(least - 1) < at(200), "{} seats do not", least - 1);
    let need = TermNeed::new(
        &wanted,
        vec![vec!["bpo.contact_center_inbound".into()]],
        day("2026-11-29"),
    );
    let full_terms = TermQuery::new(&need, true).with_full_marks(&need, marks);
    let spoken = |languages: &[&str], seats: i32| {
        let capability = serde_json::json!([{"service_code": "bpo.contact_center_inbound", "delivery_modes": [],
            "languages": languages.iter().map(|code| serde_json::json!({"code": code})).collect::<Vec<_>>(),
            "capacity_seats": seats}]);
        let capabilities: Vec<CapabilityFields> = records(capability);
        MatchProfile::new(&dated(&capabilities), &[], &[]).terms()
    };
    assert!(full_terms.matches(&spoken(&["en", "es"], 200)));
    assert!(
        !full_terms.matches(&spoken(&["en"], 200)),
        "a preferred language missing"
    );
    assert!(
        !full_terms.matches(&spoken(&["en", "es"], 150)),
        "spare capacity short of full"
    );
}

#[test]
fn no_full_marks_bound_when_a_partial_share_could_round_up() {
    let reference = reference();
    let mut wanted = criteria(&["bpo"]);
    wanted.markets = (0..200).map(|n| format!("M{n}")).collect();
    let weights = Weights {
        service_fit: 100,
        market_experience: 1,
        verification: 100,
        ..Weights::default()
    };
    let matcher = Matcher::new(&wanted, weights, &reference, day("2026-11-29"));
    assert_eq!(
        matcher.full_marks(),
        None,
        "199 of 200 markets earn as much as 200"
    );
}
