//! What a buyer asks for, and how much each kind of fit weighs in a ranking.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::checks;
use crate::domain::reference::Reference;
use crate::domain::validation::Violations;
use crate::domain::vocab::{CapacityUnit, DeliveryMode};

/// Most codes in one list of a request.
const MAX_CODES: usize = 10;

/// A capacity a buyer needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"amount": 40, "unit": "seats"}))]
pub struct CapacityNeed {
    /// How many, 1 to 100,000.
    pub amount: i32,
    /// Seats or full-time equivalents.
    pub unit: CapacityUnit,
}

/// A buyer's need, as matching reads it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "services": ["bpo.contact_center_inbound"],
    "required_languages": ["fr"],
    "preferred_languages": ["en"],
    "required_certifications": ["iso_iec_27001"],
    "preferred_certifications": ["pci_dss"],
    "min_capacity": {"amount": 40, "unit": "seats"},
    "delivery_modes": ["offshore"],
    "markets": ["FR"],
    "start_date": "2027-03-01"
}))]
pub struct MatchCriteria {
    /// Wanted services, 1 to 10 taxonomy codes; a category covers every service below it.
    pub services: Vec<String>,
    /// Languages (ISO 639-1) a firm must work in, on a wanted service.
    #[serde(default)]
    pub required_languages: Vec<String>,
    /// Languages that count in a firm's favour.
    #[serde(default)]
    pub preferred_languages: Vec<String>,
    /// Certification schemes a firm must hold, valid on the start date.
    #[serde(default)]
    pub required_certifications: Vec<String>,
    /// Certification schemes that count in a firm's favour when valid on the start date.
    #[serde(default)]
    pub preferred_certifications: Vec<String>,
    /// The capacity a firm must have on one wanted service.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_capacity: Option<CapacityNeed>,
    /// Delivery modes that count in a firm's favour.
    #[serde(default)]
    pub delivery_modes: Vec<DeliveryMode>,
    /// Countries (ISO 3166-1) where experience counts in a firm's favour.
    #[serde(default)]
    pub markets: Vec<String>,
    /// When the work would start; certificates must be valid then. Today when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_date: Option<NaiveDate>,
}

impl MatchCriteria {
    /// Every rule, violations reported under `prefix` (such as `criteria.`).
    pub fn check(&self, prefix: &str, reference: &Reference, v: &mut Violations) {
        let field = |name: &str| format!("{prefix}{name}");
        if self.services.is_empty() {
            v.add(&field("services"), "give at least one service code");
        }
        codes(&field("services"), &self.services, |c| reference.service(c), v);
        let lists = [
            ("required_languages", &self.required_languages, None),
            (
                "preferred_languages",
                &self.preferred_languages,
                Some(&self.required_languages),
            ),
        ];
        for (name, list, required) in lists {
            codes(&field(name), list, |c| reference.language(c), v);
            overlap(&field(name), list, required, v);
        }
        let lists = [
            ("required_certifications", &self.required_certifications, None),
            (
                "preferred_certifications",
                &self.preferred_certifications,
                Some(&self.required_certifications),
            ),
        ];
        for (name, list, required) in lists {
            codes(&field(name), list, |c| reference.scheme(c), v);
            overlap(&field(name), list, required, v);
        }
        codes(&field("markets"), &self.markets, |c| reference.country(c), v);
        for (i, mode) in self.delivery_modes.iter().enumerate() {
            if self.delivery_modes[..i].contains(mode) {
                v.add(&field(&format!("delivery_modes[{i}]")), "appears twice");
            }
        }
        if let Some(need) = self.min_capacity {
            v.check(&field("min_capacity.amount"), checks::count(need.amount, 100_000));
            if need.amount == 0 {
                v.add(&field("min_capacity.amount"), "must be at least 1");
            }
        }
        if let Some(date) = self.start_date {
            v.check(&field("start_date"), checks::plausible_date(date));
        }
    }
}

/// Checks a list of codes: known, not repeated, not too many.
fn codes(field: &str, list: &[String], known: impl Fn(&str) -> Result<(), String>, v: &mut Violations) {
    if list.len() > MAX_CODES {
        v.add(field, format!("at most {MAX_CODES} codes"));
        return;
    }
    for (i, code) in list.iter().enumerate() {
        v.check(&format!("{field}[{i}]"), known(code));
        if list[..i].contains(code) {
            v.add(&format!("{field}[{i}]"), "appears twice");
        }
    }
}

/// A preference that is also a requirement says nothing more, and is likely a slip.
fn overlap(field: &str, list: &[String], required: Option<&Vec<String>>, v: &mut Violations) {
    for (i, code) in list.iter().enumerate() {
        if required.is_some_and(|r| r.contains(code)) {
            v.add(&format!("{field}[{i}]"), "is already required");
        }
    }
}

/// How much each kind of fit weighs, 0 to 100 each; a ranking divides by their sum, over the
/// criteria the request uses. A criterion the request leaves empty (no preferred language, no
/// market) is left out, so that it neither helps nor hurts anyone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Weights {
    /// Share of the wanted services the firm offers.
    pub service_fit: u32,
    /// Share of the preferred languages it works in.
    pub preferred_languages: u32,
    /// Share of the preferred certifications it holds, valid at the start date.
    pub preferred_certifications: u32,
    /// Share of the wanted markets where it serves clients or has an office.
    pub market_experience: u32,
    /// Capacity beyond the minimum asked: full marks at twice the minimum.
    pub spare_capacity: u32,
    /// Share of the wanted delivery modes it offers.
    pub delivery_mode: u32,
    /// How recently the agency verified the record: full within a year, half within two,
    /// a quarter within three.
    pub verification: u32,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            service_fit: 30,
            preferred_languages: 15,
            preferred_certifications: 15,
            market_experience: 15,
            spare_capacity: 10,
            delivery_mode: 10,
            verification: 5,
        }
    }
}

impl Weights {
    /// Each weight 0 to 100, not all zero.
    pub fn check(&self, field: &str, v: &mut Violations) {
        let all = [
            ("service_fit", self.service_fit),
            ("preferred_languages", self.preferred_languages),
            ("preferred_certifications", self.preferred_certifications),
            ("market_experience", self.market_experience),
            ("spare_capacity", self.spare_capacity),
            ("delivery_mode", self.delivery_mode),
            ("verification", self.verification),
        ];
        for (name, weight) in all {
            if weight > 100 {
                v.add(&format!("{field}.{name}"), "must be from 0 to 100");
            }
        }
        if all.iter().all(|(_, weight)| *weight == 0) {
            v.add(field, "at least one weight must be above 0");
        }
    }
}
