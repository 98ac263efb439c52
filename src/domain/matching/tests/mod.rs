//! Matching's rules on hand-made firms: the fixtures here, the rules by topic below.

use chrono::NaiveDate;

use super::candidate::{Candidate, Certificate, OfferedService, Presence};
use super::criteria::{CapacityNeed, MatchCriteria, Weights};
use super::explain::{Constraint, explain};
use super::profile::{MatchProfile, TermNeed, TermQuery};
use super::ranking::Ranking;
use super::scoring::{Exclusion, FULL_MARKS, Matcher};
use super::verification::{verification_bands, verification_fit};
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
        as_of: None,
    }
}

fn firm(id: &str, name: &str, services: Vec<OfferedService>) -> Candidate {
    Candidate {
        organization_id: id.into(),
        slug: id.into(),
        name: name.into(),
        verified_until: None,
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

mod eligibility;
mod profiles;
mod scoring;
