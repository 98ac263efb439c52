//! Whether a firm can serve a buyer at all (hard constraints), and how well (a weighted score).
//! Pure: the same request, firm and day always give the same assessment.

use std::cmp::Ordering;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::candidate::{Candidate, OfferedService};
use super::criteria::{CapacityNeed, MatchCriteria, Weights};
use super::verification::verification_fit;
use crate::domain::reference::Reference;
use crate::domain::vocab::{DeliveryMode, MarketKind};

/// Scores are kept in hundredths of a point, out of 100 points, so that a breakdown adds up
/// exactly to its total.
pub const FULL_MARKS: i64 = 10_000;

mod bounds;
mod fits;

pub use bounds::FullMarks;
use fits::{STALE_FIT, capacity_date, largest_capacity, points, share, spare_fit};

/// A kind of fit that earns points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Criterion {
    /// Share of the wanted services offered.
    ServiceFit,
    /// Share of the preferred languages worked in.
    PreferredLanguages,
    /// Share of the preferred certifications valid at the start date.
    PreferredCertifications,
    /// Share of the wanted markets with clients served or an office.
    MarketExperience,
    /// Capacity beyond the minimum.
    SpareCapacity,
    /// Share of the wanted delivery modes offered.
    DeliveryMode,
    /// How recently the record was verified.
    Verification,
}

/// A rule that rules a firm out.
#[derive(Debug, Clone, PartialEq)]
pub enum Exclusion {
    /// Offers none of the wanted services.
    NoService,
    /// Does not work in a required language on a wanted service.
    MissingLanguage(String),
    /// Holds no certificate of a required scheme valid on the start date; the last day of a
    /// lapsed one, if any.
    MissingCertification {
        scheme: String,
        lapsed_on: Option<NaiveDate>,
    },
    /// Has less capacity than needed on every wanted service (`None`: never stated).
    Capacity {
        needed: CapacityNeed,
        offered: Option<i32>,
    },
}

/// What a criterion found, kept to explain the points.
#[derive(Debug, Clone, PartialEq)]
pub enum Evidence {
    /// The firm's services that cover a wanted one, and how many wanted ones they cover.
    Services { offered: Vec<String>, covered: usize },
    /// The preferred languages it works in.
    Languages(Vec<String>),
    /// The preferred certificates valid at the start date, with their last day.
    Certificates(Vec<(String, Option<NaiveDate>)>),
    /// The wanted markets where it has experience.
    Markets(Vec<(String, MarketKind)>),
    /// Its largest capacity on a wanted service, against the need; the day the figure holds
    /// for when it is stale (older than 18 months), which halves its fit.
    Capacity {
        offered: i32,
        needed: CapacityNeed,
        stale_since: Option<NaiveDate>,
    },
    /// The wanted delivery modes it offers.
    DeliveryModes(Vec<DeliveryMode>),
    /// When it was verified.
    Verified(Option<NaiveDate>),
}

/// The points one criterion earned.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    /// Which criterion.
    pub criterion: Criterion,
    /// Its weight.
    pub weight: u32,
    /// How well the firm fits, 0 to 1.
    pub fit: f64,
    /// Hundredths of a point earned.
    pub points: i64,
    /// What was found.
    pub evidence: Evidence,
}

/// A firm measured against a request.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    /// Every hard constraint it fails; empty when it can serve the buyer.
    pub exclusions: Vec<Exclusion>,
    /// The points of each criterion the request uses.
    pub criteria: Vec<Scored>,
    /// The sum of the points, in hundredths.
    pub total: i64,
}

impl Assessment {
    /// Whether no hard constraint rules the firm out.
    pub fn eligible(&self) -> bool {
        self.exclusions.is_empty()
    }
}

/// A request, ready to assess firms on one day.
pub struct Matcher<'a> {
    criteria: &'a MatchCriteria,
    reference: &'a Reference,
    today: NaiveDate,
    /// The criteria the request uses, with their weights; fixed for the whole ranking.
    applicable: Vec<(Criterion, u32)>,
    weight_sum: u32,
}

impl<'a> Matcher<'a> {
    /// Assesses firms for `criteria` with `weights`, as of `today`.
    pub fn new(
        criteria: &'a MatchCriteria,
        weights: Weights,
        reference: &'a Reference,
        today: NaiveDate,
    ) -> Self {
        let applicable = applicable(criteria, weights);
        Matcher {
            criteria,
            reference,
            today,
            weight_sum: applicable.iter().map(|(_, weight)| weight).sum(),
            applicable,
        }
    }

    /// The request.
    pub fn criteria(&self) -> &MatchCriteria {
        self.criteria
    }

    /// The day the assessment is made.
    pub fn today(&self) -> NaiveDate {
        self.today
    }

    /// The controlled lists.
    pub fn reference(&self) -> &Reference {
        self.reference
    }

    /// The day certificates must be valid on: the start date, or today if that is later
    /// (a certificate that has already lapsed does not count for a past start).
    pub fn reference_date(&self) -> NaiveDate {
        self.criteria
            .start_date
            .map_or(self.today, |start| start.max(self.today))
    }

    /// Checks the hard constraints and scores every criterion the request uses.
    pub fn assess(&self, candidate: &Candidate) -> Assessment {
        let relevant: Vec<&OfferedService> = candidate
            .services
            .iter()
            .filter(|s| {
                self.criteria
                    .services
                    .iter()
                    .any(|w| self.reference.covers(w, &s.service_code))
            })
            .collect();
        let criteria: Vec<Scored> = self
            .applicable
            .iter()
            .map(|&(criterion, weight)| {
                let (fit, evidence) = self.measure(criterion, candidate, &relevant);
                Scored {
                    criterion,
                    weight,
                    fit,
                    points: points(weight, fit, self.weight_sum),
                    evidence,
                }
            })
            .collect();
        Assessment {
            exclusions: self.exclusions(candidate, &relevant),
            total: criteria.iter().map(|c| c.points).sum(),
            criteria,
        }
    }

    fn exclusions(&self, candidate: &Candidate, relevant: &[&OfferedService]) -> Vec<Exclusion> {
        if relevant.is_empty() {
            return vec![Exclusion::NoService];
        }
        let mut exclusions = Vec::new();
        for language in &self.criteria.required_languages {
            if !relevant.iter().any(|s| s.languages.contains(language)) {
                exclusions.push(Exclusion::MissingLanguage(language.clone()));
            }
        }
        let day = self.reference_date();
        for scheme in &self.criteria.required_certifications {
            let held = candidate.certificates.iter().filter(|c| &c.scheme == scheme);
            if !held.clone().any(|c| c.valid_on(day)) {
                exclusions.push(Exclusion::MissingCertification {
                    scheme: scheme.clone(),
                    lapsed_on: held.filter_map(|c| c.valid_until).max(),
                });
            }
        }
        if let Some(needed) = self.criteria.min_capacity {
            let offered = largest_capacity(relevant, needed.unit);
            if offered.is_none_or(|offered| offered < needed.amount) {
                exclusions.push(Exclusion::Capacity { needed, offered });
            }
        }
        exclusions
    }

    fn measure(
        &self,
        criterion: Criterion,
        candidate: &Candidate,
        relevant: &[&OfferedService],
    ) -> (f64, Evidence) {
        let c = self.criteria;
        match criterion {
            Criterion::ServiceFit => {
                let covered = c
                    .services
                    .iter()
                    .filter(|w| relevant.iter().any(|s| self.reference.covers(w, &s.service_code)))
                    .count();
                let mut offered: Vec<String> = relevant.iter().map(|s| s.service_code.clone()).collect();
                offered.sort();
                offered.dedup();
                (
                    share(covered, c.services.len()),
                    Evidence::Services { offered, covered },
                )
            }
            Criterion::PreferredLanguages => {
                let spoken: Vec<String> = c
                    .preferred_languages
                    .iter()
                    .filter(|l| relevant.iter().any(|s| s.languages.contains(l)))
                    .cloned()
                    .collect();
                (
                    share(spoken.len(), c.preferred_languages.len()),
                    Evidence::Languages(spoken),
                )
            }
            Criterion::PreferredCertifications => {
                let day = self.reference_date();
                let valid: Vec<(String, Option<NaiveDate>)> = c
                    .preferred_certifications
                    .iter()
                    .filter_map(|scheme| {
                        let in_force = candidate
                            .certificates
                            .iter()
                            .filter(|x| &x.scheme == scheme && x.valid_on(day));
                        // The one that lasts longest; `None` (no end) outlasts any date.
                        in_force
                            .map(|x| x.valid_until)
                            .max_by(|a, b| a.is_none().cmp(&b.is_none()).then(a.cmp(b)))
                            .map(|until| (scheme.clone(), until))
                    })
                    .collect();
                (
                    share(valid.len(), c.preferred_certifications.len()),
                    Evidence::Certificates(valid),
                )
            }
            Criterion::MarketExperience => {
                let found: Vec<(String, MarketKind)> = c
                    .markets
                    .iter()
                    .filter_map(|country| {
                        candidate
                            .markets
                            .iter()
                            .filter(|m| &m.country == country && m.kind != MarketKind::Target)
                            .map(|m| (country.clone(), m.kind))
                            .min_by_key(|(_, kind)| *kind)
                    })
                    .collect();
                (share(found.len(), c.markets.len()), Evidence::Markets(found))
            }
            Criterion::SpareCapacity => {
                let needed = c.min_capacity.expect("applies only with a capacity need");
                let offered = largest_capacity(relevant, needed.unit).unwrap_or(0);
                let stale_since = capacity_date(relevant, needed.unit, offered)
                    .filter(|as_of| crate::domain::items::is_stale(*as_of, self.today));
                let fit = spare_fit(offered, needed) * if stale_since.is_some() { STALE_FIT } else { 1.0 };
                let evidence = Evidence::Capacity {
                    offered,
                    needed,
                    stale_since,
                };
                (fit, evidence)
            }
            Criterion::DeliveryMode => {
                let offered: Vec<DeliveryMode> = c
                    .delivery_modes
                    .iter()
                    .filter(|m| relevant.iter().any(|s| s.delivery_modes.contains(m)))
                    .copied()
                    .collect();
                (
                    share(offered.len(), c.delivery_modes.len()),
                    Evidence::DeliveryModes(offered),
                )
            }
            Criterion::Verification => (
                verification_fit(candidate.verified_until, self.today),
                Evidence::Verified(candidate.verified_until),
            ),
        }
    }
}

/// Best first; equal totals by name, then id, so that the same data always gives the same list.
pub fn ranking_order(a: (&Assessment, &Candidate), b: (&Assessment, &Candidate)) -> Ordering {
    b.0.total
        .cmp(&a.0.total)
        .then_with(|| a.1.name.cmp(&b.1.name))
        .then_with(|| a.1.organization_id.cmp(&b.1.organization_id))
}

/// The criteria a request uses, with their weights: the ones it leaves empty are left out.
fn applicable(c: &MatchCriteria, w: Weights) -> Vec<(Criterion, u32)> {
    [
        (Criterion::ServiceFit, w.service_fit, true),
        (
            Criterion::PreferredLanguages,
            w.preferred_languages,
            !c.preferred_languages.is_empty(),
        ),
        (
            Criterion::PreferredCertifications,
            w.preferred_certifications,
            !c.preferred_certifications.is_empty(),
        ),
        (
            Criterion::MarketExperience,
            w.market_experience,
            !c.markets.is_empty(),
        ),
        (
            Criterion::SpareCapacity,
            w.spare_capacity,
            c.min_capacity.is_some(),
        ),
        (
            Criterion::DeliveryMode,
            w.delivery_mode,
            !c.delivery_modes.is_empty(),
        ),
        (Criterion::Verification, w.verification, true),
    ]
    .into_iter()
    .filter(|(_, _, applies)| *applies)
    .map(|(criterion, weight, _)| (criterion, weight))
    .collect()
}
