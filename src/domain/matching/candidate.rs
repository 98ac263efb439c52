//! A published firm as matching sees it: only what bears on a buyer's need.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::vocab::{DeliveryMode, MarketKind};

/// A firm that offers at least one wanted service, with its records.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// The organization's id.
    pub organization_id: String,
    /// Its readable id.
    pub slug: String,
    /// Its name.
    pub name: String,
    /// The day the agency last verified it.
    pub verified_until: Option<NaiveDate>,
    /// Its capabilities on the wanted services (and the services below them).
    pub services: Vec<OfferedService>,
    /// All its certificates, lapsed ones included.
    pub certificates: Vec<Certificate>,
    /// Its foreign markets.
    pub markets: Vec<Presence>,
}

/// One capability. Kept in match profiles, under short names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OfferedService {
    /// The taxonomy code.
    #[serde(rename = "s")]
    pub service_code: String,
    /// How it is delivered.
    #[serde(rename = "d", default, skip_serializing_if = "Vec::is_empty")]
    pub delivery_modes: Vec<DeliveryMode>,
    /// Working languages (ISO 639-1).
    #[serde(rename = "l", default, skip_serializing_if = "Vec::is_empty")]
    pub languages: Vec<String>,
    /// Capacity in seats.
    #[serde(rename = "k", default, skip_serializing_if = "Option::is_none")]
    pub seats: Option<i32>,
    /// Capacity in full-time equivalents.
    #[serde(rename = "f", default, skip_serializing_if = "Option::is_none")]
    pub fte: Option<i32>,
    /// The day the capacity figures hold for: their `capacity_as_of`, else the record's last
    /// change; `None` without figures (or in a profile written before it was kept).
    #[serde(rename = "a", default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<NaiveDate>,
}

/// One certificate. Kept in match profiles, under short names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Certificate {
    /// The scheme code.
    #[serde(rename = "s")]
    pub scheme: String,
    /// First valid day.
    #[serde(rename = "f", default, skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<NaiveDate>,
    /// Last valid day.
    #[serde(rename = "u", default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<NaiveDate>,
}

impl Certificate {
    /// Whether it is in force on `day`.
    pub fn valid_on(&self, day: NaiveDate) -> bool {
        crate::domain::validity::in_force(self.valid_from, self.valid_until, day)
    }
}

/// Presence in one foreign market. Kept in match profiles, under short names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Presence {
    /// ISO 3166-1 code.
    #[serde(rename = "c")]
    pub country: String,
    /// Served, target or office.
    #[serde(rename = "k")]
    pub kind: MarketKind,
}
