//! An assessment put into words, in French and English, for the agency to pass on.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::candidate::Candidate;
use super::scoring::{Assessment, Criterion, Evidence, Exclusion, FULL_MARKS, Matcher, Scored};
use crate::domain::organization::Bilingual;
use crate::domain::reference::Reference;
use crate::domain::vocab::{CapacityUnit, DeliveryMode, MarketKind};

/// A hard constraint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Constraint {
    /// At least one wanted service.
    Service,
    /// Every required language.
    RequiredLanguage,
    /// Every required certification, valid at the start date.
    RequiredCertification,
    /// The minimum capacity.
    Capacity,
}

/// Why a firm was ruled out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ExclusionReason {
    /// The constraint it fails.
    pub constraint: Constraint,
    /// The code it fails on (a language or a scheme), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// In words.
    pub reason: Bilingual,
}

/// The points a firm earned on one criterion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CriterionScore {
    /// Which criterion.
    pub criterion: Criterion,
    /// Its weight in this ranking.
    pub weight: u32,
    /// How well the firm fits, from 0 to 1.
    pub fit: f64,
    /// Points earned; a result's points add up to its score.
    pub points: f64,
    /// Why, in French and English.
    pub reason: Bilingual,
}

/// One firm in a ranking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "organization_id": "01936f0e-8a4b-7c2d-9e1f-2a3b4c5d6e7f",
    "slug": "teleservices-atlantique",
    "name": "Téléservices Atlantique",
    "score": 87.5,
    "breakdown": [
        {"criterion": "service_fit", "weight": 30, "fit": 1.0, "points": 37.5,
         "reason": {"fr": "Offre 1 des 1 services demandés : Centre de contacts entrant", "en": "Offers 1 of the 1 services asked for: Inbound contact centre"}},
        {"criterion": "preferred_certifications", "weight": 15, "fit": 1.0, "points": 18.75,
         "reason": {"fr": "ISO/IEC 27001 valide jusqu'au 2027-03-01", "en": "ISO/IEC 27001 valid until 2027-03-01"}},
        {"criterion": "market_experience", "weight": 15, "fit": 1.0, "points": 18.75,
         "reason": {"fr": "Expérience sur 1 des 1 marchés : France (clients)", "en": "Experience in 1 of the 1 markets: France (clients)"}},
        {"criterion": "spare_capacity", "weight": 10, "fit": 1.0, "points": 12.5,
         "reason": {"fr": "120 places pour 40 demandées", "en": "120 seats for the 40 asked for"}},
        {"criterion": "verification", "weight": 5, "fit": 0.0, "points": 0.0,
         "reason": {"fr": "Jamais vérifiée", "en": "Never verified"}}
    ]
}))]
pub struct MatchResult {
    /// The firm's id.
    pub organization_id: String,
    /// Its readable id.
    pub slug: String,
    /// Its name.
    pub name: String,
    /// Out of 100: the sum of the breakdown's points.
    pub score: f64,
    /// The points of each criterion the request uses.
    pub breakdown: Vec<CriterionScore>,
    /// For a firm ruled out: every constraint it fails.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub excluded_by: Vec<ExclusionReason>,
    /// A demonstration firm, not a real company: ranked only when `include_samples` asked.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sample: bool,
}

/// Puts `assessment` of `candidate` into words.
pub fn explain(matcher: &Matcher<'_>, candidate: &Candidate, assessment: &Assessment) -> MatchResult {
    let words = Words {
        reference: matcher.reference(),
        day: matcher.reference_date(),
    };
    let c = matcher.criteria();
    MatchResult {
        organization_id: candidate.organization_id.clone(),
        slug: candidate.slug.clone(),
        name: candidate.name.clone(),
        score: hundredths(assessment.total),
        breakdown: assessment
            .criteria
            .iter()
            .map(|scored| CriterionScore {
                criterion: scored.criterion,
                weight: scored.weight,
                fit: (scored.fit * 1000.0).round() / 1000.0,
                points: hundredths(scored.points),
                reason: words.criterion(scored, c),
            })
            .collect(),
        excluded_by: assessment.exclusions.iter().map(|e| words.exclusion(e)).collect(),
        // Known to the route, which looks the ranked firms up.
        sample: false,
    }
}

/// Points in hundredths, as shown.
pub fn hundredths(points: i64) -> f64 {
    points as f64 * 100.0 / FULL_MARKS as f64
}

struct Words<'a> {
    reference: &'a Reference,
    day: NaiveDate,
}

impl Words<'_> {
    fn criterion(&self, scored: &Scored, c: &super::criteria::MatchCriteria) -> Bilingual {
        let r = self.reference;
        match &scored.evidence {
            Evidence::Services { offered, covered } => {
                let (fr, en) = labels(offered.iter().map(|code| {
                    r.term(code).map_or((code.clone(), code.clone()), |t| {
                        (t.label_fr.clone(), t.label_en.clone())
                    })
                }));
                let wanted = c.services.len();
                both(
                    format!("Offre {covered} des {wanted} services demandés : {fr}"),
                    format!("Offers {covered} of the {wanted} services asked for: {en}"),
                )
            }
            Evidence::Languages(spoken) => {
                let wanted = c.preferred_languages.len();
                if spoken.is_empty() {
                    return both("Aucune des langues souhaitées", "None of the preferred languages");
                }
                let (fr, en) = labels(spoken.iter().map(|code| self.language(code)));
                both(
                    format!(
                        "Travaille en {fr} ({} sur {wanted} langues souhaitées)",
                        spoken.len()
                    ),
                    format!("Works in {en} ({} of {wanted} preferred languages)", spoken.len()),
                )
            }
            Evidence::Certificates(valid) => {
                if valid.is_empty() {
                    let day = self.day;
                    return both(
                        format!("Aucune des certifications souhaitées valide au {day}"),
                        format!("None of the preferred certifications valid on {day}"),
                    );
                }
                let (fr, en) = join(valid.iter().map(|(scheme, until)| {
                    let name = r.scheme_title(scheme);
                    match until {
                        Some(until) => (
                            format!("{name} valide jusqu'au {until}"),
                            format!("{name} valid until {until}"),
                        ),
                        None => (
                            format!("{name} valide, sans date de fin"),
                            format!("{name} valid, no end date"),
                        ),
                    }
                }));
                both(fr, en)
            }
            Evidence::Markets(found) => {
                let wanted = c.markets.len();
                if found.is_empty() {
                    return both(
                        "Aucune expérience sur les marchés visés",
                        "No experience in the markets sought",
                    );
                }
                let (fr, en) = labels(found.iter().map(|(code, kind)| {
                    let (country_fr, country_en) = self.country(code);
                    let (what_fr, what_en) = match kind {
                        MarketKind::Office => ("bureau", "office"),
                        _ => ("clients", "clients"),
                    };
                    (
                        format!("{country_fr} ({what_fr})"),
                        format!("{country_en} ({what_en})"),
                    )
                }));
                both(
                    format!("Expérience sur {} des {wanted} marchés : {fr}", found.len()),
                    format!("Experience in {} of the {wanted} markets: {en}", found.len()),
                )
            }
            Evidence::Capacity {
                offered,
                needed,
                stale_since,
            } => {
                let (unit_fr, unit_en) = unit(needed.unit);
                let amount = needed.amount;
                match stale_since {
                    None => both(
                        format!("{offered} {unit_fr} pour {amount} demandées"),
                        format!("{offered} {unit_en} for the {amount} asked for"),
                    ),
                    Some(day) => both(
                        format!(
                            "{offered} {unit_fr} pour {amount} demandées, chiffre du {day} datant de plus de 18 mois, compté à moitié"
                        ),
                        format!(
                            "{offered} {unit_en} for the {amount} asked for, a figure from {day}, over 18 months old, counted at half"
                        ),
                    ),
                }
            }
            Evidence::DeliveryModes(modes) => {
                let wanted = c.delivery_modes.len();
                if modes.is_empty() {
                    return both(
                        "Aucun des modes de prestation souhaités",
                        "None of the preferred delivery modes",
                    );
                }
                let (fr, en) = labels(modes.iter().map(|m| delivery_mode(*m)));
                both(
                    format!("Modes offerts : {fr} ({} sur {wanted})", modes.len()),
                    format!("Delivery modes offered: {en} ({} of {wanted})", modes.len()),
                )
            }
            Evidence::Verified(Some(until)) if scored.fit > 0.0 => both(
                format!("Vérification en vigueur jusqu'au {until}"),
                format!("Verification in force until {until}"),
            ),
            Evidence::Verified(Some(until)) => both(
                format!("Vérification échue (en vigueur jusqu'au {until})"),
                format!("Verification lapsed (in force until {until})"),
            ),
            Evidence::Verified(None) => both("Jamais vérifiée", "Never verified"),
        }
    }

    fn exclusion(&self, exclusion: &Exclusion) -> ExclusionReason {
        let day = self.day;
        let (constraint, code, reason) = match exclusion {
            Exclusion::NoService => (
                Constraint::Service,
                None,
                both(
                    "N'offre aucun des services demandés",
                    "Offers none of the services asked for",
                ),
            ),
            Exclusion::MissingLanguage(code) => {
                let (fr, en) = self.language(code);
                (
                    Constraint::RequiredLanguage,
                    Some(code.clone()),
                    both(
                        format!("Ne travaille pas en {fr} sur les services demandés"),
                        format!("Does not work in {en} on the services asked for"),
                    ),
                )
            }
            Exclusion::MissingCertification { scheme, lapsed_on } => {
                let name = self.reference.scheme_title(scheme);
                let reason = match lapsed_on {
                    Some(last) if *last < day => both(
                        format!("Certificat {name} expiré le {last}, non valide au {day}"),
                        format!("{name} certificate expired on {last}, not valid on {day}"),
                    ),
                    _ => both(
                        format!("Aucun certificat {name} valide au {day}"),
                        format!("No {name} certificate valid on {day}"),
                    ),
                };
                (Constraint::RequiredCertification, Some(scheme.clone()), reason)
            }
            Exclusion::Capacity { needed, offered } => {
                let (unit_fr, unit_en) = unit(needed.unit);
                let amount = needed.amount;
                let reason = match offered {
                    Some(offered) => both(
                        format!("Capacité de {offered} {unit_fr} pour {amount} demandées"),
                        format!("Capacity of {offered} {unit_en} for the {amount} asked for"),
                    ),
                    None => both(
                        format!("Capacité en {unit_fr} non renseignée ({amount} demandées)"),
                        format!("Capacity in {unit_en} not stated ({amount} asked for)"),
                    ),
                };
                (Constraint::Capacity, None, reason)
            }
        };
        ExclusionReason {
            constraint,
            code,
            reason,
        }
    }

    fn language(&self, code: &str) -> (String, String) {
        self.reference
            .language_named(code)
            .map_or((code.to_owned(), code.to_owned()), |l| {
                (l.name_fr.clone(), l.name_en.clone())
            })
    }

    fn country(&self, code: &str) -> (String, String) {
        self.reference
            .country_named(code)
            .map_or((code.to_owned(), code.to_owned()), |c| {
                (c.name_fr.clone(), c.name_en.clone())
            })
    }
}

fn unit(unit: CapacityUnit) -> (&'static str, &'static str) {
    match unit {
        CapacityUnit::Seats => ("places", "seats"),
        CapacityUnit::Fte => ("ETP", "FTE"),
    }
}

fn delivery_mode(mode: DeliveryMode) -> (String, String) {
    let fr = match mode {
        DeliveryMode::Offshore => "offshore",
        DeliveryMode::Nearshore => "nearshore",
        DeliveryMode::Onsite => "sur site",
        DeliveryMode::Remote => "à distance",
    };
    (fr.to_owned(), mode.as_str().to_owned())
}

fn labels(pairs: impl Iterator<Item = (String, String)>) -> (String, String) {
    let (fr, en): (Vec<String>, Vec<String>) = pairs.unzip();
    (fr.join(", "), en.join(", "))
}

fn join(pairs: impl Iterator<Item = (String, String)>) -> (String, String) {
    let (fr, en): (Vec<String>, Vec<String>) = pairs.unzip();
    (fr.join(" ; "), en.join("; "))
}

fn both(fr: impl Into<String>, en: impl Into<String>) -> Bilingual {
    Bilingual {
        fr: Some(fr.into()),
        en: Some(en.into()),
    }
}
