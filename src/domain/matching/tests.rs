use chrono::NaiveDate;

use super::candidate::{Candidate, Certificate, OfferedService, Presence};
use super::criteria::{CapacityNeed, MatchCriteria, Weights};
use super::explain::{Constraint, explain};
use super::profile::{MatchProfile, TermNeed, TermQuery};
use super::ranking::Ranking;
use super::scoring::{Exclusion, FULL_MARKS, Matcher, verification_bands, verification_fit};
use crate::domain::items::{CapabilityFields, CertificationFields, MarketFields};
use crate::domain::reference::{CodedName, Reference, TaxonomyTerm};
use crate::domain::vocab::{CapacityUnit, DeliveryMode, MarketKind};

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

const TODAY: &str = "2026-11-29";

fn term(code: &str, parent: Option<&str>) -> TaxonomyTerm {
    TaxonomyTerm {
        code: code.into(),
        parent_code: parent.map(Into::into),
        level: if parent.is_some() { 2 } else { 1 },
        label_fr: format!("fr:{code}"),
        label_en: format!("en:{code}"),
        isic_class: String::new(),
        isic_label: String::new(),
        ebops_code: String::new(),
        ebops_label: String::new(),
    }
}

fn named(code: &str, fr: &str, en: &str) -> CodedName {
    CodedName {
        code: code.into(),
        name_fr: fr.into(),
        name_en: en.into(),
    }
}

fn reference() -> Reference {
    Reference::new(
        vec![
            term("bpo", None),
            term("bpo.contact_center_inbound", Some("bpo")),
            term("bpo.contact_center_outbound", Some("bpo")),
            term("it", None),
            term("it.software_development", Some("it")),
        ],
        vec![
            named("FR", "France", "France"),
            named("BE", "Belgique", "Belgium"),
        ],
        vec![
            named("fr", "français", "French"),
            named("en", "anglais", "English"),
        ],
        vec![
            named("iso_iec_27001", "Sécurité de l'information", "ISO/IEC 27001"),
            named("pci_dss", "Sécurité des cartes", "PCI DSS"),
        ],
    )
}

fn service(code: &str, languages: &[&str], seats: Option<i32>) -> OfferedService {
    OfferedService {
        service_code: code.into(),
        delivery_modes: vec![DeliveryMode::Offshore],
        languages: languages.iter().map(|l| (*l).into()).collect(),
        seats,
        fte: None,
    }
}

fn firm(id: &str, name: &str, services: Vec<OfferedService>) -> Candidate {
    Candidate {
        organization_id: id.into(),
        slug: id.into(),
        name: name.into(),
        verified_on: None,
        services,
        certificates: Vec::new(),
        markets: Vec::new(),
    }
}

fn certificate(scheme: &str, until: &str) -> Certificate {
    Certificate {
        scheme: scheme.into(),
        valid_from: None,
        valid_until: Some(day(until)),
    }
}

fn criteria(services: &[&str]) -> MatchCriteria {
    MatchCriteria {
        services: services.iter().map(|s| (*s).into()).collect(),
        required_languages: Vec::new(),
        preferred_languages: Vec::new(),
        required_certifications: Vec::new(),
        preferred_certifications: Vec::new(),
        min_capacity: None,
        delivery_modes: Vec::new(),
        markets: Vec::new(),
        start_date: None,
    }
}

#[test]
fn a_category_covers_its_services_and_a_firm_without_any_is_out() {
    let reference = reference();
    let wanted = criteria(&["bpo"]);
    let matcher = Matcher::new(&wanted, Weights::default(), &reference, day(TODAY));
    let inbound = firm(
        "a",
        "A",
        vec![service("bpo.contact_center_inbound", &["fr"], None)],
    );
    assert!(matcher.assess(&inbound).eligible());
    let software = firm("b", "B", vec![service("it.software_development", &["fr"], None)]);
    assert_eq!(matcher.assess(&software).exclusions, vec![Exclusion::NoService]);
}

#[test]
fn a_required_language_counts_only_on_a_wanted_service() {
    let reference = reference();
    let mut wanted = criteria(&["bpo.contact_center_inbound"]);
    wanted.required_languages = vec!["en".into()];
    let matcher = Matcher::new(&wanted, Weights::default(), &reference, day(TODAY));
    let elsewhere = firm(
        "a",
        "A",
        vec![
            service("bpo.contact_center_inbound", &["fr"], None),
            service("it.software_development", &["en"], None),
        ],
    );
    assert_eq!(
        matcher.assess(&elsewhere).exclusions,
        vec![Exclusion::MissingLanguage("en".into())]
    );
}

#[test]
fn a_required_certificate_must_be_valid_on_the_start_date() {
    let reference = reference();
    let mut wanted = criteria(&["bpo"]);
    wanted.required_certifications = vec!["iso_iec_27001".into()];
    wanted.start_date = Some(day("2027-03-01"));
    let matcher = Matcher::new(&wanted, Weights::default(), &reference, day(TODAY));
    let mut lapsing = firm(
        "a",
        "A",
        vec![service("bpo.contact_center_inbound", &["fr"], None)],
    );
    lapsing.certificates = vec![certificate("iso_iec_27001", "2027-02-28")];
    let assessment = matcher.assess(&lapsing);
    assert_eq!(
        assessment.exclusions,
        vec![Exclusion::MissingCertification {
            scheme: "iso_iec_27001".into(),
            lapsed_on: Some(day("2027-02-28")),
        }]
    );
    let result = explain(&matcher, &lapsing, &assessment);
    assert_eq!(
        result.excluded_by[0].constraint,
        Constraint::RequiredCertification
    );
    assert_eq!(
        result.excluded_by[0].reason.en.as_deref(),
        Some("ISO/IEC 27001 certificate expired on 2027-02-28, not valid on 2027-03-01")
    );
    lapsing
        .certificates
        .push(certificate("iso_iec_27001", "2029-01-01"));
    assert!(matcher.assess(&lapsing).eligible());
}

#[test]
fn too_little_or_unstated_capacity_rules_a_firm_out() {
    let reference = reference();
    let mut wanted = criteria(&["bpo"]);
    wanted.min_capacity = Some(CapacityNeed {
        amount: 40,
        unit: CapacityUnit::Seats,
    });
    let matcher = Matcher::new(&wanted, Weights::default(), &reference, day(TODAY));
    for (seats, eligible) in [(Some(39), false), (None, false), (Some(40), true)] {
        let candidate = firm(
            "a",
            "A",
            vec![service("bpo.contact_center_inbound", &["fr"], seats)],
        );
        assert_eq!(matcher.assess(&candidate).eligible(), eligible, "{seats:?}");
    }
}

fn full_request() -> MatchCriteria {
    let mut wanted = criteria(&["bpo.contact_center_inbound", "bpo.contact_center_outbound"]);
    wanted.preferred_languages = vec!["en".into()];
    wanted.preferred_certifications = vec!["iso_iec_27001".into(), "pci_dss".into()];
    wanted.markets = vec!["FR".into(), "BE".into()];
    wanted.delivery_modes = vec![DeliveryMode::Offshore, DeliveryMode::Remote];
    wanted.min_capacity = Some(CapacityNeed {
        amount: 40,
        unit: CapacityUnit::Seats,
    });
    wanted
}

fn rich_firm() -> Candidate {
    let mut candidate = firm(
        "a",
        "A",
        vec![
            service("bpo.contact_center_inbound", &["fr", "en"], Some(100)),
            service("bpo.contact_center_outbound", &["fr"], Some(60)),
        ],
    );
    candidate.certificates = vec![certificate("iso_iec_27001", "2027-03-01")];
    candidate.markets = vec![
        Presence {
            country: "FR".into(),
            kind: MarketKind::Served,
        },
        Presence {
            country: "BE".into(),
            kind: MarketKind::Target,
        },
    ];
    candidate.verified_on = Some(day("2025-06-01"));
    candidate
}

#[test]
fn the_breakdown_adds_up_to_the_total_and_says_why() {
    let reference = reference();
    let wanted = full_request();
    let matcher = Matcher::new(&wanted, Weights::default(), &reference, day(TODAY));
    let candidate = rich_firm();
    let assessment = matcher.assess(&candidate);
    assert!(assessment.eligible());
    // By hand, out of 10,000 with weights summing to 100: both services (30 → 3,000), English
    // (15 → 1,500), one of two certificates (15 → 750), one of two markets served (15 → 750),
    // 100 seats for 40 asked, past twice the need (10 → 1,000), offshore of offshore and
    // remote (10 → 500), verified 18 months ago, within two years (5 → 250).
    let mut points: Vec<i64> = assessment.criteria.iter().map(|c| c.points).collect();
    points.sort();
    assert_eq!(points, [250, 500, 750, 750, 1_000, 1_500, 3_000]);
    assert_eq!(assessment.total, 7_750);
    assert!(assessment.total < FULL_MARKS);
    let result = explain(&matcher, &candidate, &assessment);
    let reasons: Vec<&str> = result
        .breakdown
        .iter()
        .map(|c| c.reason.fr.as_deref().unwrap())
        .collect();
    assert!(
        reasons.contains(&"ISO/IEC 27001 valide jusqu'au 2027-03-01"),
        "{reasons:?}"
    );
    assert!(
        reasons.contains(&"Expérience sur 1 des 2 marchés : France (clients)"),
        "{reasons:?}"
    );
    assert!(reasons.contains(&"100 places pour 40 demandées"), "{reasons:?}");
    assert!(reasons.contains(&"Vérifiée le 2025-06-01"), "{reasons:?}");
    let shown: f64 = result.breakdown.iter().map(|c| c.points).sum();
    assert!((shown - result.score).abs() < 1e-9, "{shown} vs {}", result.score);
}

#[test]
fn a_firm_that_fits_every_criterion_gets_full_marks() {
    let reference = reference();
    let wanted = criteria(&["bpo"]);
    let matcher = Matcher::new(&wanted, Weights::default(), &reference, day(TODAY));
    let mut candidate = firm(
        "a",
        "A",
        vec![service("bpo.contact_center_inbound", &["fr"], None)],
    );
    candidate.verified_on = Some(day("2026-10-01"));
    let assessment = matcher.assess(&candidate);
    assert_eq!(assessment.total, FULL_MARKS);
    let used: Vec<_> = assessment.criteria.iter().map(|c| c.criterion).collect();
    assert_eq!(
        used.len(),
        2,
        "criteria the request leaves empty are left out: {used:?}"
    );
}

#[test]
fn weights_change_the_order() {
    let reference = reference();
    let mut wanted = criteria(&["bpo"]);
    wanted.preferred_languages = vec!["en".into()];
    let english = firm(
        "a",
        "A",
        vec![service("bpo.contact_center_inbound", &["en"], None)],
    );
    let mut verified = firm(
        "b",
        "B",
        vec![service("bpo.contact_center_inbound", &["fr"], None)],
    );
    verified.verified_on = Some(day("2026-11-01"));
    let order = |weights: Weights| {
        let matcher = Matcher::new(&wanted, weights, &reference, day(TODAY));
        let mut ranking = Ranking::new(&matcher, 10, false);
        ranking.consider(vec![english.clone(), verified.clone()]);
        let (results, _) = ranking.finish();
        results.into_iter().map(|r| r.organization_id).collect::<Vec<_>>()
    };
    assert_eq!(order(Weights::default()), ["a", "b"]);
    let trust = Weights {
        verification: 100,
        ..Weights::default()
    };
    assert_eq!(order(trust), ["b", "a"]);
}

#[test]
fn equal_scores_are_ordered_by_name_then_id_whatever_the_input_order() {
    let reference = reference();
    let wanted = criteria(&["bpo"]);
    let matcher = Matcher::new(&wanted, Weights::default(), &reference, day(TODAY));
    let firms = vec![
        firm("3", "Beta", vec![service("bpo", &["fr"], None)]),
        firm("2", "Alpha", vec![service("bpo", &["fr"], None)]),
        firm("1", "Beta", vec![service("bpo", &["fr"], None)]),
    ];
    for rotation in 0..firms.len() {
        let mut batch = firms.clone();
        batch.rotate_left(rotation);
        let mut ranking = Ranking::new(&matcher, 10, false);
        ranking.consider(batch);
        let ids: Vec<String> = ranking
            .finish()
            .0
            .into_iter()
            .map(|r| r.organization_id)
            .collect();
        assert_eq!(ids, ["2", "1", "3"]);
    }
}

#[test]
fn the_upper_bound_holds_and_a_ranking_stops_only_when_nothing_later_can_enter() {
    let reference = reference();
    let wanted = full_request();
    let matcher = Matcher::new(&wanted, Weights::default(), &reference, day(TODAY));
    let candidate = rich_firm();
    let fit = verification_fit(candidate.verified_on, day(TODAY));
    assert!(matcher.assess(&candidate).total <= matcher.upper_bound(fit));

    let plain = criteria(&["bpo"]);
    let matcher = Matcher::new(&plain, Weights::default(), &reference, day(TODAY));
    let mut ranking = Ranking::new(&matcher, 1, false);
    ranking.consider(vec![firm("1", "Alpha", vec![service("bpo", &["fr"], None)])]);
    assert!(
        ranking.complete(0.0, ("Alpha", "1")),
        "no unverified firm after Alpha beats it"
    );
    assert!(!ranking.complete(1.0, ("Alpha", "1")), "a verified one could");
    let mut open = Ranking::new(&matcher, 2, false);
    open.consider(vec![firm("1", "Alpha", vec![service("bpo", &["fr"], None)])]);
    assert!(!open.complete(0.0, ("Alpha", "1")), "the top is not full yet");
}

#[test]
fn verification_bands_agree_with_the_fit() {
    let today = day(TODAY);
    let bands = verification_bands(today);
    for days_ago in [0, 1, 365, 366, 730, 731, 1095, 1096, 4000] {
        let verified = today - chrono::Days::new(days_ago);
        let band = bands
            .iter()
            .find(|b| b.since.is_none_or(|s| verified >= s) && b.before.is_none_or(|e| verified < e))
            .unwrap();
        assert_eq!(
            band.fit,
            verification_fit(Some(verified), today),
            "{days_ago} days ago"
        );
    }
    assert_eq!(bands.last().unwrap().fit, verification_fit(None, today));
}

#[test]
fn a_firm_read_twice_is_ranked_once() {
    let reference = reference();
    let wanted = criteria(&["bpo"]);
    let matcher = Matcher::new(&wanted, Weights::default(), &reference, day(TODAY));
    let mut ranking = Ranking::new(&matcher, 10, false);
    let alpha = firm("1", "Alpha", vec![service("bpo", &["fr"], None)]);
    ranking.consider(vec![alpha.clone()]);
    ranking.consider(vec![
        alpha,
        firm("2", "Beta", vec![service("bpo", &["fr"], None)]),
    ]);
    let ids: Vec<String> = ranking
        .finish()
        .0
        .into_iter()
        .map(|r| r.organization_id)
        .collect();
    assert_eq!(ids, ["1", "2"]);
}

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
    MatchProfile::new(&capabilities, &certifications, &markets)
}

#[test]
fn a_profile_keeps_what_matching_reads_and_survives_storage() {
    let stored = serde_json::to_string(&profile()).unwrap();
    let read: MatchProfile = serde_json::from_str(&stored).unwrap();
    assert_eq!(read, profile());
    let candidate = read.into_candidate("o1".into(), "atlantique".into(), "Atlantique".into(), None);
    assert_eq!(
        candidate.services[0],
        service("bpo.inbound", &["en", "fr"], Some(120))
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
        MatchProfile::new(&records(capability), &[], &[]).terms()
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
