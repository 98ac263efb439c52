//! Hard constraints: which firms a request rules out, and why.

use super::*;

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
