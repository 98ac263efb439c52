//! A published firm's match profile: everything matching reads of the firm, kept in one row
//! and rewritten whenever the firm or one of its records changes, so that ranking reads one
//! row per firm instead of four tables. Its terms index it: a narrow need finds its few
//! candidates by intersecting term lists, not by walking every firm that offers the service.
//!
//! The terms select a superset of the firms that meet a need (capacity is indexed in steps,
//! certificates by the years they are valid in); the matcher applies the exact constraints.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::candidate::{Candidate, Certificate, OfferedService, Presence};
use super::criteria::{CapacityNeed, MatchCriteria};
use super::scoring::FullMarks;
use crate::domain::items::{CapabilityFields, CertificationFields, MarketFields};
use crate::domain::vocab::CapacityUnit;

/// Capacities are indexed as "at least this much", at these steps.
const CAPACITY_STEPS: [i32; 8] = [10, 20, 50, 100, 200, 500, 1_000, 2_000];
/// Certificates are indexed by each year they are valid in, within these years: a need is
/// never dated before today, and a certificate without an end counts as lapsing in the last.
const FIRST_INDEXED_YEAR: i32 = 2020;
const LAST_INDEXED_YEAR: i32 = 2100;

/// What matching reads of a firm, stored as compact JSON: a million of them add up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchProfile {
    #[serde(rename = "s", default)]
    services: Vec<OfferedService>,
    #[serde(rename = "c", default)]
    certificates: Vec<Certificate>,
    #[serde(rename = "m", default)]
    markets: Vec<Presence>,
}

impl MatchProfile {
    /// The profile of a firm with these records; each capability with the day it last changed,
    /// which dates its capacity figures when they carry no `capacity_as_of`.
    pub fn new(
        capabilities: &[(&CapabilityFields, NaiveDate)],
        certifications: &[CertificationFields],
        markets: &[MarketFields],
    ) -> Self {
        MatchProfile {
            services: capabilities
                .iter()
                .map(|(c, changed)| OfferedService {
                    service_code: c.service_code.clone(),
                    delivery_modes: c.delivery_modes.clone(),
                    languages: c.languages.iter().map(|l| l.code.clone()).collect(),
                    seats: c.capacity_seats,
                    fte: c.capacity_fte,
                    as_of: c.capacity_date(*changed),
                })
                .collect(),
            certificates: certifications
                .iter()
                .map(|c| Certificate {
                    scheme: c.scheme.clone(),
                    valid_from: c.valid_from,
                    valid_until: c.valid_until,
                })
                .collect(),
            markets: markets
                .iter()
                .map(|m| Presence {
                    country: m.country.clone(),
                    kind: m.kind,
                })
                .collect(),
        }
    }

    /// The words the profile is indexed by, separated by spaces.
    pub fn terms(&self) -> String {
        let mut terms = Vec::new();
        for service in &self.services {
            let code = &service.service_code;
            terms.push(service_term(code));
            terms.extend(service.languages.iter().map(|l| language_term(code, l)));
            for (unit, amount) in [
                (CapacityUnit::Seats, service.seats),
                (CapacityUnit::Fte, service.fte),
            ] {
                let steps = CAPACITY_STEPS
                    .iter()
                    .filter(|&&step| amount.is_some_and(|a| a >= step));
                terms.extend(steps.map(|&step| capacity_term(code, unit, step)));
            }
        }
        for certificate in &self.certificates {
            let first = certificate.valid_from.map_or(FIRST_INDEXED_YEAR, |d| d.year());
            let last = certificate.valid_until.map_or(LAST_INDEXED_YEAR, |d| d.year());
            let years = first.max(FIRST_INDEXED_YEAR)..=last.min(LAST_INDEXED_YEAR);
            terms.extend(years.map(|year| certificate_term(&certificate.scheme, year)));
        }
        terms.sort();
        terms.dedup();
        terms.join(" ")
    }

    /// The firm as a candidate.
    pub fn into_candidate(
        self,
        organization_id: String,
        slug: String,
        name: String,
        verified_until: Option<NaiveDate>,
    ) -> Candidate {
        Candidate {
            organization_id,
            slug,
            name,
            verified_until,
            services: self.services,
            certificates: self.certificates,
            markets: self.markets,
        }
    }
}

/// A need as the terms see it.
pub struct TermNeed<'a> {
    criteria: &'a MatchCriteria,
    /// Each wanted service with the codes below it.
    wanted: Vec<Vec<String>>,
    /// Every code a wanted service covers.
    services: Vec<String>,
    /// The year certificates must be valid in, as indexed.
    year: i32,
}

impl<'a> TermNeed<'a> {
    /// `wanted` holds each wanted service with its descendants; certificates must be valid
    /// on `day`.
    pub fn new(criteria: &'a MatchCriteria, wanted: Vec<Vec<String>>, day: NaiveDate) -> Self {
        let mut services: Vec<String> = wanted.iter().flatten().cloned().collect();
        services.sort();
        services.dedup();
        TermNeed {
            criteria,
            wanted,
            services,
            year: day.year().clamp(FIRST_INDEXED_YEAR, LAST_INDEXED_YEAR),
        }
    }

    fn on_any_service(&self, term: impl Fn(&str) -> String) -> Vec<String> {
        self.services.iter().map(|code| term(code)).collect()
    }

    fn speaks(&self, language: &str) -> Vec<String> {
        self.on_any_service(|code| language_term(code, language))
    }

    fn holds(&self, scheme: &str) -> Vec<String> {
        vec![certificate_term(scheme, self.year)]
    }

    /// `None` when the need is below the smallest step: every firm may meet it.
    fn offers(&self, need: CapacityNeed) -> Option<Vec<String>> {
        let step = CAPACITY_STEPS.iter().rev().find(|&&step| step <= need.amount)?;
        Some(self.on_any_service(|code| capacity_term(code, need.unit, *step)))
    }
}

/// The terms a firm must hold to meet a need: at least one of each group.
#[derive(Debug, Clone, PartialEq)]
pub struct TermQuery {
    groups: Vec<Vec<String>>,
}

impl TermQuery {
    /// The terms of a firm that offers a wanted service and, when `hard`, may meet the hard
    /// constraints.
    pub fn new(need: &TermNeed<'_>, hard: bool) -> Self {
        let mut groups = vec![need.on_any_service(service_term)];
        if hard {
            let c = need.criteria;
            groups.extend(c.required_languages.iter().map(|l| need.speaks(l)));
            groups.extend(c.required_certifications.iter().map(|s| need.holds(s)));
            groups.extend(c.min_capacity.and_then(|capacity| need.offers(capacity)));
        }
        TermQuery { groups }
    }

    /// Narrowed to the firms that may also earn `marks`.
    pub fn with_full_marks(&self, need: &TermNeed<'_>, marks: FullMarks) -> Self {
        let c = need.criteria;
        let mut groups = self.groups.clone();
        if marks.services {
            let each = need.wanted.iter();
            groups.extend(each.map(|codes| codes.iter().map(|code| service_term(code)).collect()));
        }
        if marks.preferred_languages {
            groups.extend(c.preferred_languages.iter().map(|l| need.speaks(l)));
        }
        if marks.preferred_certifications {
            groups.extend(c.preferred_certifications.iter().map(|s| need.holds(s)));
        }
        groups.extend(marks.capacity.and_then(|capacity| need.offers(capacity)));
        groups.sort();
        groups.dedup();
        TermQuery { groups }
    }

    /// Groups of alternatives, all of which must be met.
    pub fn groups(&self) -> &[Vec<String>] {
        &self.groups
    }

    /// Whether a profile with these terms (as [`MatchProfile::terms`] writes them) meets it.
    pub fn matches(&self, terms: &str) -> bool {
        let words: Vec<&str> = terms.split(' ').collect();
        self.groups.iter().all(|group| {
            group
                .iter()
                .any(|term| words.binary_search(&term.as_str()).is_ok())
        })
    }
}

fn service_term(code: &str) -> String {
    format!("s:{code}")
}

fn language_term(code: &str, language: &str) -> String {
    format!("l:{code}:{language}")
}

fn capacity_term(code: &str, unit: CapacityUnit, step: i32) -> String {
    format!("k:{code}:{}:{step}", unit.as_str())
}

fn certificate_term(scheme: &str, year: i32) -> String {
    format!("c:{scheme}:{year}")
}
