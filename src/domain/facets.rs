//! Facet counts as the API shows them, and the facts of one organization they are counted
//! from (what the facet index keeps, as the store holds it).

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;
use utoipa::ToSchema;

/// A faceted filter: one a facet can leave out when counting its own values. SQL and the
/// facet index both count by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Facet {
    Kind,
    Country,
    Service,
    Language,
    Market,
    Certification,
}

impl Facet {
    /// Every facet, in the order of their discriminants.
    pub const ALL: [Facet; 6] = [
        Facet::Kind,
        Facet::Country,
        Facet::Service,
        Facet::Language,
        Facet::Market,
        Facet::Certification,
    ];
}

/// Counts per value of each facet.
#[derive(Debug, Serialize, ToSchema)]
pub struct Facets {
    /// Organizations per kind.
    pub kind: Vec<Count>,
    /// Per head-office country.
    pub country: Vec<Count>,
    /// Per top-level service category (a firm counts once under each category it offers).
    pub service_category: Vec<Count>,
    /// Per service.
    pub service: Vec<Count>,
    /// Per working language.
    pub language: Vec<Count>,
    /// Per market served or targeted.
    pub market: Vec<Count>,
    /// Per certification scheme held (valid ones unless `expired_certifications=include`).
    pub certification: Vec<Count>,
}

/// The count of organizations per value of one facet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Count {
    /// The value (a code).
    pub value: String,
    /// Organizations matching the other filters with this value.
    pub count: i64,
}

/// What the index keeps of one organization, as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Facts {
    pub id: String,
    pub status: String,
    pub kind: String,
    pub country: String,
    pub region: Option<String>,
    pub employees: Option<i32>,
    pub founded_year: Option<i32>,
    /// The last day its verification is in force, if it was ever verified.
    pub verified_until: Option<NaiveDate>,
    pub sample: bool,
    pub updated_at: NaiveDateTime,
    /// The service code of each capability.
    pub services: Vec<String>,
    /// The working languages of its capabilities.
    pub languages: Vec<String>,
    /// Countries served or targeted.
    pub markets: Vec<String>,
    /// Per certificate, its scheme and validity: first and last day (`None`: open).
    pub certificates: Vec<(String, Option<NaiveDate>, Option<NaiveDate>)>,
    /// The largest capability, in seats and in full-time equivalents.
    pub max_seats: Option<i32>,
    pub max_fte: Option<i32>,
    /// The rowid of its search document, on SQLite.
    pub document: Option<i64>,
    /// The words of its names in its search document, on PostgreSQL.
    pub name_words: Option<Vec<String>>,
}
