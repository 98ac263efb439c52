//! A published firm as matching sees it: only what bears on a buyer's need.

use chrono::NaiveDate;

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
    pub verified_on: Option<NaiveDate>,
    /// Its capabilities on the wanted services (and the services below them).
    pub services: Vec<OfferedService>,
    /// All its certificates, lapsed ones included.
    pub certificates: Vec<Certificate>,
    /// Its foreign markets.
    pub markets: Vec<Presence>,
}

/// One capability.
#[derive(Debug, Clone, PartialEq)]
pub struct OfferedService {
    /// The taxonomy code.
    pub service_code: String,
    /// How it is delivered.
    pub delivery_modes: Vec<DeliveryMode>,
    /// Working languages (ISO 639-1).
    pub languages: Vec<String>,
    /// Capacity in seats.
    pub seats: Option<i32>,
    /// Capacity in full-time equivalents.
    pub fte: Option<i32>,
}

/// One certificate.
#[derive(Debug, Clone, PartialEq)]
pub struct Certificate {
    /// The scheme code.
    pub scheme: String,
    /// First valid day.
    pub valid_from: Option<NaiveDate>,
    /// Last valid day.
    pub valid_until: Option<NaiveDate>,
}

impl Certificate {
    /// Whether it is in force on `day`.
    pub fn valid_on(&self, day: NaiveDate) -> bool {
        self.valid_from.is_none_or(|from| from <= day) && self.valid_until.is_none_or(|until| until >= day)
    }
}

/// Presence in one foreign market.
#[derive(Debug, Clone, PartialEq)]
pub struct Presence {
    /// ISO 3166-1 code.
    pub country: String,
    /// Served, target or office.
    pub kind: MarketKind,
}
