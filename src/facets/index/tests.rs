//! The index against small hand-made directories.

use super::*;
use crate::domain::reference::TaxonomyTerm;
use crate::domain::search::Filters;
use crate::domain::vocab::{OrganizationKind, Status};
use crate::facets::Count;
use chrono::NaiveDateTime;

fn term(code: &str, parent: Option<&str>) -> TaxonomyTerm {
    TaxonomyTerm {
        code: code.into(),
        parent_code: parent.map(Into::into),
        level: if parent.is_some() { 2 } else { 1 },
        label_fr: code.into(),
        label_en: code.into(),
        isic_class: String::new(),
        isic_label: String::new(),
        ebops_code: String::new(),
        ebops_label: String::new(),
    }
}

fn firm(n: u128, country: &str, services: &[&str], until: Option<&str>) -> Facts {
    Facts {
        id: uuid::Uuid::from_u128(n).to_string(),
        status: "published".into(),
        kind: "firm".into(),
        country: country.into(),
        region: None,
        employees: Some(n as i32 * 10),
        founded_year: None,
        verified_until: None,
        sample: false,
        updated_at: NaiveDateTime::MIN,
        services: services.iter().map(|s| s.to_string()).collect(),
        languages: vec!["fr".into()],
        markets: Vec::new(),
        certificates: until
            .map(|u| ("iso_9001".to_owned(), None, u.parse().ok()))
            .into_iter()
            .collect(),
        max_seats: None,
        max_fte: None,
        document: Some(n as i64),
        name_words: None,
    }
}

fn counts(counts: &[Count]) -> Vec<(&str, i64)> {
    counts.iter().map(|c| (c.value.as_str(), c.count)).collect()
}

fn published() -> Filters {
    Filters {
        statuses: vec![Status::Published],
        ..Filters::default()
    }
}

#[test]
fn counts_leave_out_their_own_filter_and_follow_changes() {
    let taxonomy = vec![
        term("bpo", None),
        term("bpo.inbound", Some("bpo")),
        term("it", None),
    ];
    let mut index = Index::new(&Reference::new(taxonomy, vec![], vec![], vec![]));
    index.move_to("2019-06-01".parse().unwrap());
    index
        .put(&firm(1, "SN", &["bpo.inbound"], Some("2027-01-01")))
        .unwrap();
    index.put(&firm(2, "SN", &["it"], Some("2020-01-01"))).unwrap();
    index.put(&firm(3, "CI", &["bpo.inbound", "it"], None)).unwrap();

    let f = Filters {
        countries: vec!["SN".into()],
        ..published()
    };
    assert_eq!(
        counts(&index.facets(&f, None).certification),
        [("iso_9001", 2)],
        "valid on 2019-06-01"
    );
    index.move_to("2026-06-01".parse().unwrap());
    let facets = index.facets(&f, None);
    assert_eq!(counts(&facets.country), [("SN", 2), ("CI", 1)]);
    assert_eq!(counts(&facets.service_category), [("bpo", 1), ("it", 1)]);
    assert_eq!(counts(&facets.service), [("bpo.inbound", 1)]);
    assert_eq!(
        counts(&facets.certification),
        [("iso_9001", 1)],
        "2020 has expired"
    );

    let f = Filters {
        certifications: vec!["iso_9001".into()],
        employees_max: Some(15),
        ..published()
    };
    assert_eq!(counts(&index.facets(&f, None).kind), [("firm", 1)]);
    let expired_too = Filters {
        include_expired_certifications: true,
        employees_max: None,
        ..f
    };
    assert_eq!(counts(&index.facets(&expired_too, None).kind), [("firm", 2)]);

    let mut moved = firm(1, "ML", &["it"], None);
    moved.kind = OrganizationKind::Association.as_str().into();
    index.put(&moved).unwrap();
    index.remove(&uuid::Uuid::from_u128(3).to_string());
    let facets = index.facets(&published(), None);
    assert_eq!(counts(&facets.country), [("ML", 1), ("SN", 1)]);
    assert_eq!(counts(&facets.kind), [("association", 1), ("firm", 1)]);
    assert_eq!(counts(&facets.service_category), [("it", 2)]);
    assert!(facets.certification.is_empty());
}

#[test]
fn a_category_filter_passes_the_firms_of_every_service_under_it_and_the_other_codes_listed() {
    let taxonomy = vec![
        term("bpo", None),
        term("bpo.inbound", Some("bpo")),
        term("bpo.outbound", Some("bpo")),
        term("it", None),
        term("it.web", Some("it")),
    ];
    let reference = Reference::new(taxonomy, vec![], vec![], vec![]);
    let mut index = Index::new(&reference);
    index.put(&firm(1, "SN", &["bpo.inbound"], None)).unwrap();
    index.put(&firm(2, "SN", &["bpo"], None)).unwrap();
    index.put(&firm(3, "SN", &["bpo.outbound", "it"], None)).unwrap();
    index.put(&firm(4, "SN", &["it.web"], None)).unwrap();
    index.put(&firm(5, "SN", &["it"], None)).unwrap();
    let passing = |codes: &[&str]| {
        let services = codes.iter().flat_map(|c| reference.with_descendants(c)).collect();
        index
            .passing(&Filters {
                services,
                ..published()
            })
            .len()
    };
    assert_eq!(passing(&["bpo"]), 3);
    assert_eq!(passing(&["bpo", "it.web"]), 4);
    assert_eq!(passing(&["bpo.outbound", "it.web"]), 2);
    assert_eq!(passing(&["it"]), 3);
}

#[test]
fn names_are_read_in_id_order_until_enough_hold_the_text_or_the_budget_is_spent() {
    let mut index = Index::new(&Reference::new(vec![], vec![], vec![], vec![]));
    for n in 1..=10 {
        let words = if n % 2 == 1 {
            "sahel digital"
        } else {
            "teranga conseil"
        };
        let mut facts = firm(n, if n == 3 { "ML" } else { "SN" }, &[], None);
        facts.name_words = Some(words.split(' ').map(str::to_owned).collect());
        index.put(&facts).unwrap();
    }
    let senegalese = index.passing(&Filters {
        countries: vec!["SN".into()],
        ..published()
    });
    let id = |n: u128| uuid::Uuid::from_u128(n).to_string();
    let ids = |ns: &[u128]| ns.iter().map(|&n| id(n)).collect::<Vec<_>>();
    let terms = |q: &str| q.split(' ').map(str::to_owned).collect::<Vec<_>>();
    let named = |after: Option<u128>, descending, wanted, budget, q: &str| {
        let after = after.map(id);
        index
            .names_in_order(
                &senegalese,
                after.as_deref(),
                descending,
                wanted,
                budget,
                &terms(q),
            )
            .unwrap()
    };

    let enough = named(None, false, 2, 100, "sahel");
    assert_eq!(enough.holding, ids(&[1, 5]), "3 does not pass");
    assert_eq!(enough.read_on, Some(id(5)));
    let spent = named(None, false, 10, 4, "teranga con");
    assert_eq!(spent.holding, ids(&[2, 4]));
    assert_eq!(spent.read_on, Some(id(5)), "four read: 1, 2, 4 and 5");
    let rest = named(Some(5), false, 10, 100, "teranga con");
    assert_eq!(rest.holding, ids(&[6, 8, 10]));
    assert_eq!(rest.read_on, None, "no firm left");
    let downwards = named(Some(9), true, 2, 100, "conseil");
    assert_eq!(downwards.holding, ids(&[8, 6]));
    assert!(
        named(None, false, 5, 100, "digi sahel").holding.is_empty(),
        "only the last term is a prefix"
    );

    let unnamed = firm(11, "SN", &[], None);
    index.put(&unnamed).unwrap();
    let all = index.passing(&published());
    assert_eq!(
        index.names_in_order(&all, Some(&id(10)), false, 5, 100, &terms("sahel")),
        None,
        "the names of 11 are unknown"
    );
}
