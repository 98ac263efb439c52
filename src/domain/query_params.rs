//! The documented query parameters of the organization lists (parsing is by hand, in
//! [`super::search`], since parameters repeat).

use chrono::{DateTime, Utc};
use utoipa::IntoParams;

use super::search::{SampleFilter, SortKey};
use super::vocab::{OrganizationKind, Status};

/// The query parameters of `/v1/organizations` (documentation; parsing is by hand, since
/// parameters repeat).
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct OrganizationQueryParams {
    /// Full-text search over names, acronyms, legal names, descriptions (fr and en), capability
    /// descriptions and service labels; case- and accent-insensitive; the last word matches as
    /// a prefix. At most 200 characters.
    #[param(example = "teleservices dak")]
    q: Option<String>,
    /// Organization kind; repeat for several.
    kind: Option<Vec<OrganizationKind>>,
    /// Status (staff only; partners see published records only).
    status: Option<Vec<Status>>,
    /// ISO 3166-1 alpha-2 country of the head office.
    #[param(example = json!(["SN"]))]
    country: Option<Vec<String>>,
    /// Region, exactly as recorded.
    region: Option<Vec<String>>,
    /// Taxonomy code; matches itself and all its descendants.
    #[param(example = json!(["bpo"]))]
    service: Option<Vec<String>>,
    /// ISO 639-1 working language of a capability.
    #[param(example = json!(["fr"]))]
    language: Option<Vec<String>>,
    /// ISO 3166-1 country where the organization serves clients or aims to.
    #[param(example = json!(["FR"]))]
    market: Option<Vec<String>>,
    /// Certification scheme held, valid today (see `expired_certifications`).
    #[param(example = json!(["iso_iec_27001"]))]
    certification: Option<Vec<String>>,
    /// `include` to count expired certificates too.
    expired_certifications: Option<String>,
    /// A capability with at least this many seats.
    #[param(minimum = 0)]
    min_seats: Option<i32>,
    /// A capability with at least this many full-time equivalents.
    #[param(minimum = 0)]
    min_fte: Option<i32>,
    /// At least this many employees.
    #[param(minimum = 0)]
    employees_min: Option<i32>,
    /// At most this many employees.
    #[param(minimum = 0)]
    employees_max: Option<i32>,
    /// Founded in or after this year.
    founded_from: Option<i32>,
    /// Founded in or before this year.
    founded_to: Option<i32>,
    /// `true`: verified records only.
    verified: Option<bool>,
    /// Sample data: include (default), exclude or only.
    sample: Option<SampleFilter>,
    /// Changed at or after this instant (RFC 3339).
    #[param(example = "2026-11-01T00:00:00Z")]
    updated_since: Option<DateTime<Utc>>,
    /// relevance (default with q: the name or acronym holding every word first, then the legal
    /// name or service labels, then anywhere), name, created (default without q), updated.
    sort: Option<SortKey>,
    /// asc or desc (default: desc for relevance, asc otherwise).
    order: Option<String>,
    /// Items per page, 1 to 100 (default 20); more is a 400.
    #[param(minimum = 1, maximum = 100)]
    limit: Option<u32>,
    /// The `next_cursor` of the previous page, with the same parameters.
    cursor: Option<String>,
}

/// The parameters of the list and the export beyond the filters the facets share.
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct BulkReadParams {
    /// Records to carry inside each organization, comma-separated: `capabilities`, `markets`,
    /// `certifications`, `relationships`, `programmes`, and `contacts` for staff (a partner
    /// asking for contacts gets 403). Not with `format=csv`.
    #[param(example = "capabilities,markets,certifications")]
    include: Option<String>,
    /// Comma-separated properties of each organization to send (`id` always comes); not with
    /// `format=csv`.
    #[param(example = "name,city,website")]
    fields: Option<String>,
    /// Exact lookup by registry identifier, `SCHEME:VALUE` (scheme `ninea`, `rccm` or `lei`, in
    /// any case; the value in its scheme's format); repeat for several. Results come in
    /// creation order (not by relevance).
    #[param(example = json!(["ninea:004567890 2G3"]))]
    registry_id: Option<Vec<String>>,
    /// Exact lookup by website host (`example.sn` finds `https://www.example.sn/fr`, never
    /// `example.sn.other.com`); repeat for several. Results come in creation order.
    #[param(example = json!(["example.sn"]))]
    domain: Option<Vec<String>>,
}
