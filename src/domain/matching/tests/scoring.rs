//! Points, totals, ties and the bounds a ranking stops on.

use super::*;

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
    candidate.verified_until = Some(day("2027-06-01"));
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
    // remote (10 → 500), a verification in force (5 → 500).
    let mut points: Vec<i64> = assessment.criteria.iter().map(|c| c.points).collect();
    points.sort();
    assert_eq!(points, [500, 500, 750, 750, 1_000, 1_500, 3_000]);
    assert_eq!(assessment.total, 8_000);
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
    assert!(
        reasons.contains(&"Vérification en vigueur jusqu'au 2027-06-01"),
        "{reasons:?}"
    );
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
    candidate.verified_until = Some(day("2027-10-01"));
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
    verified.verified_until = Some(day("2027-11-01"));
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
    let fit = verification_fit(candidate.verified_until, day(TODAY));
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

#[test]
fn stale_capacity_counts_at_half_and_says_so() {
    let reference = reference();
    let wanted = full_request();
    let matcher = Matcher::new(&wanted, Weights::default(), &reference, day(TODAY));
    let fresh = rich_firm();
    let mut stale = rich_firm();
    for service in &mut stale.services {
        service.as_of = Some(day("2025-05-28"));
    }
    let capacity = |candidate: &Candidate| {
        let assessment = matcher.assess(candidate);
        let result = explain(&matcher, candidate, &assessment);
        let row = result
            .breakdown
            .iter()
            .find(|c| c.reason.en.as_deref().unwrap().contains("seats for the 40"))
            .cloned()
            .unwrap();
        (assessment.total, row.points, row.reason)
    };
    let (fresh_total, fresh_points, _) = capacity(&fresh);
    let (stale_total, stale_points, reason) = capacity(&stale);
    assert!(
        (stale_points * 2.0 - fresh_points).abs() < 1e-9,
        "{stale_points} vs {fresh_points}"
    );
    assert_eq!(fresh_total - stale_total, 500, "half of the 1,000 points");
    assert_eq!(
        reason.en.as_deref(),
        Some("100 seats for the 40 asked for, a figure from 2025-05-28, over 18 months old, counted at half")
    );
    assert!(reason.fr.as_deref().unwrap().contains("compté à moitié"));
    // Eighteen months to the day is not yet stale.
    for service in &mut stale.services {
        service.as_of = Some(day("2025-05-29"));
    }
    assert_eq!(capacity(&stale).0, fresh_total);
}
