//! What a list of organizations may be narrowed and ordered by: the query parameters of
//! `/v1/organizations`, its facets and its export, parsed and checked in one place.
//!
//! Repeated parameters are OR within one name and AND across names. An unknown parameter, an
//! unknown code or a malformed value is a 400 naming the parameter.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::checks::fold;
use super::fieldset::{Fieldset, ORGANIZATION_PROPERTIES};
use super::include::Include;
use super::lookup;
use super::organization::RegistryId;
use super::reference::Reference;
use super::visibility::Viewer;
use super::vocab::{OrganizationKind, Status};
use crate::error::ApiError;

/// Longest `q` accepted.
pub const MAX_QUERY_CHARS: usize = 200;
/// Most words of `q` used.
const MAX_TERMS: usize = 8;
/// Most values of one repeated parameter.
const MAX_VALUES: usize = 50;

/// Whether sample (demonstration, synthetic) organizations are listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SampleFilter {
    /// Real and sample organizations (the default).
    Include,
    /// Real organizations only.
    Exclude,
    /// Sample organizations only.
    Only,
}

/// Orders of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SortKey {
    /// Best match first (the default with `q`; needs `q`).
    Relevance,
    /// By name.
    Name,
    /// By creation time (the default without `q`).
    Created,
    /// By last change.
    Updated,
}

/// Everything a list is narrowed by.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub kinds: Vec<OrganizationKind>,
    pub statuses: Vec<Status>,
    pub countries: Vec<String>,
    pub regions: Vec<String>,
    /// Service codes, each expanded to itself and its descendants.
    pub services: Vec<String>,
    pub languages: Vec<String>,
    pub markets: Vec<String>,
    pub certifications: Vec<String>,
    pub include_expired_certifications: bool,
    pub min_seats: Option<i32>,
    pub min_fte: Option<i32>,
    pub employees_min: Option<i32>,
    pub employees_max: Option<i32>,
    pub founded_from: Option<i32>,
    pub founded_to: Option<i32>,
    pub verified_only: bool,
    pub sample: Option<SampleFilter>,
    pub updated_since: Option<NaiveDateTime>,
    /// Folded words of `q`; the last one matches as a prefix.
    pub terms: Vec<String>,
    /// Exact lookups by registry identifier (any of them).
    pub registry_ids: Vec<RegistryId>,
    /// Exact lookups by website host, lowercase, without `www.` (any of them).
    pub domains: Vec<String>,
}

impl Filters {
    /// Whether the list is narrowed to a few organizations by an exact lookup; such a list is
    /// always read in SQL, in column order.
    pub fn is_lookup(&self) -> bool {
        !self.registry_ids.is_empty() || !self.domains.is_empty()
    }
}

/// A validated list request.
#[derive(Debug, Clone)]
pub struct ListQuery {
    pub filters: Filters,
    pub include: Include,
    pub fields: Option<Fieldset>,
    pub sort: SortKey,
    pub descending: bool,
    pub limit: u32,
    pub cursor: Option<String>,
}

fn bad(parameter: &str, message: impl std::fmt::Display) -> ApiError {
    ApiError::BadRequest(format!("parameter `{parameter}`: {message}"))
}

fn number<T>(parameter: &str, value: &str, low: T, high: T) -> Result<T, ApiError>
where
    T: std::str::FromStr + PartialOrd + std::fmt::Display + Copy,
{
    let parsed: T = value.parse().map_err(|_| bad(parameter, "not a number"))?;
    if parsed < low || parsed > high {
        return Err(bad(parameter, format!("must be between {low} and {high}")));
    }
    Ok(parsed)
}

fn flag(parameter: &str, value: &str) -> Result<bool, ApiError> {
    match value {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(bad(parameter, "must be true or false")),
    }
}

fn word<T: std::str::FromStr<Err = String>>(parameter: &str, value: &str) -> Result<T, ApiError> {
    value.parse().map_err(|e: String| bad(parameter, e))
}

fn code(
    parameter: &str,
    value: &str,
    check: impl Fn(&str) -> Result<(), String>,
) -> Result<String, ApiError> {
    check(value).map_err(|e| bad(parameter, e))?;
    Ok(value.to_owned())
}

/// The words of `q`, folded; at most eight.
pub fn terms(q: &str) -> Result<Vec<String>, ApiError> {
    if q.chars().count() > MAX_QUERY_CHARS {
        return Err(bad("q", format!("at most {MAX_QUERY_CHARS} characters")));
    }
    Ok(fold(q)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(MAX_TERMS)
        .map(|w| w.chars().take(50).collect())
        .collect())
}

/// Which route a query string is for: lists page and sort, exports choose a format, facets
/// take filters only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// `/v1/organizations`.
    List,
    /// `/v1/organizations/facets`.
    Facets,
    /// `/v1/organizations/export`.
    Export,
}

/// Formats of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// One JSON object per line.
    Ndjson,
    /// Comma-separated values with a header line.
    Csv,
}

impl ListQuery {
    /// Parses a raw query string for `purpose`; an export's format comes back beside it.
    pub fn parse(
        query: &str,
        reference: &Reference,
        viewer: Viewer,
        purpose: Purpose,
    ) -> Result<(Self, ExportFormat), ApiError> {
        let mut f = Filters::default();
        let (mut sort, mut order, mut limit, mut cursor) = (None, None, 20, None);
        let mut format = ExportFormat::Ndjson;
        let mut include = Include::default();
        let mut fields = None;
        let paged = purpose == Purpose::List;
        let mut counts = std::collections::HashMap::<String, usize>::new();
        for (name, value) in form_urlencoded::parse(query.as_bytes()) {
            let (name, value) = (name.as_ref(), value.as_ref());
            let count = counts.entry(name.to_owned()).or_default();
            *count += 1;
            if *count > MAX_VALUES {
                return Err(bad(name, format!("at most {MAX_VALUES} values")));
            }
            match name {
                "q" => f.terms = terms(value)?,
                "kind" => f.kinds.push(word(name, value)?),
                "status" => {
                    let status: Status = word(name, value)?;
                    if !viewer.sees(status) {
                        return Err(bad(name, "partners see published organizations only"));
                    }
                    f.statuses.push(status);
                }
                "country" => f.countries.push(code(name, value, |v| reference.country(v))?),
                "region" => f
                    .regions
                    .push(code(name, value, |v| super::validation::text(v, 1, 100))?),
                "service" => {
                    code(name, value, |v| reference.service(v))?;
                    f.services.extend(reference.with_descendants(value));
                }
                "language" => f.languages.push(code(name, value, |v| reference.language(v))?),
                "market" => f.markets.push(code(name, value, |v| reference.country(v))?),
                "certification" => f.certifications.push(code(name, value, |v| reference.scheme(v))?),
                "expired_certifications" => {
                    f.include_expired_certifications = match value {
                        "include" => true,
                        "exclude" => false,
                        _ => return Err(bad(name, "must be include or exclude")),
                    }
                }
                "min_seats" => f.min_seats = Some(number(name, value, 0, 1_000_000)?),
                "min_fte" => f.min_fte = Some(number(name, value, 0, 1_000_000)?),
                "employees_min" => f.employees_min = Some(number(name, value, 0, 10_000_000)?),
                "employees_max" => f.employees_max = Some(number(name, value, 0, 10_000_000)?),
                "founded_from" => f.founded_from = Some(number(name, value, 1800, 2200)?),
                "founded_to" => f.founded_to = Some(number(name, value, 1800, 2200)?),
                "verified" => f.verified_only = flag(name, value)?,
                "sample" => {
                    f.sample = Some(match value {
                        "include" => SampleFilter::Include,
                        "exclude" => SampleFilter::Exclude,
                        "only" => SampleFilter::Only,
                        _ => return Err(bad(name, "must be include, exclude or only")),
                    })
                }
                "updated_since" => {
                    let instant = DateTime::parse_from_rfc3339(value)
                        .map_err(|_| bad(name, "must be an RFC 3339 instant"))?;
                    f.updated_since = Some(instant.naive_utc());
                }
                "sort" if paged => sort = Some(word_sort(value)?),
                "order" if paged => {
                    order = Some(match value {
                        "asc" => false,
                        "desc" => true,
                        _ => return Err(bad(name, "must be asc or desc")),
                    })
                }
                "limit" if paged => limit = number(name, value, 1, 100)?,
                "cursor" if paged => cursor = Some(value.to_owned()),
                "format" if purpose == Purpose::Export => {
                    format = match value {
                        "ndjson" => ExportFormat::Ndjson,
                        "csv" => ExportFormat::Csv,
                        _ => return Err(bad(name, "must be ndjson or csv")),
                    }
                }
                "include" if purpose != Purpose::Facets => include.add(value, viewer)?,
                "fields" if purpose != Purpose::Facets => {
                    Fieldset::add(&mut fields, value, &[ORGANIZATION_PROPERTIES])?
                }
                "registry_id" if purpose != Purpose::Facets => {
                    f.registry_ids.push(lookup::registry_id(value)?)
                }
                "domain" if purpose != Purpose::Facets => f.domains.push(lookup::domain(value)?),
                other => return Err(bad(other, "unknown parameter")),
            }
        }
        if f.statuses.is_empty() {
            f.statuses = viewer.visible_statuses();
        }
        f.services.sort();
        f.services.dedup();
        let sort = match (sort, f.terms.is_empty() || f.is_lookup()) {
            (Some(SortKey::Relevance), true) => {
                return Err(bad("sort", "relevance needs q, and does not apply to a lookup"));
            }
            (Some(sort), _) => sort,
            (None, false) => SortKey::Relevance,
            (None, true) => SortKey::Created,
        };
        let descending = order.unwrap_or(sort == SortKey::Relevance);
        Ok((
            ListQuery {
                filters: f,
                include,
                fields,
                sort,
                descending,
                limit,
                cursor,
            },
            format,
        ))
    }
}

fn word_sort(value: &str) -> Result<SortKey, ApiError> {
    match value {
        "relevance" => Ok(SortKey::Relevance),
        "name" => Ok(SortKey::Name),
        "created" => Ok(SortKey::Created),
        "updated" => Ok(SortKey::Updated),
        _ => Err(bad("sort", "must be relevance, name, created or updated")),
    }
}

/// Today, for certificate validity.
pub fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// The three weighted texts an organization is found by, folded: its names weigh most, then
/// its legal name and the labels of the services it offers, then every description.
pub fn document(
    organization: &super::organization::OrganizationFields,
    capabilities: &[super::items::CapabilityFields],
    service_labels: &[(String, String)],
) -> (String, String, String) {
    let join = |parts: Vec<&str>| fold(&parts.join(" "));
    let primary = join(
        [Some(organization.name.as_str()), organization.acronym.as_deref()]
            .into_iter()
            .flatten()
            .collect(),
    );
    let mut secondary: Vec<&str> = organization.legal_name.as_deref().into_iter().collect();
    for (fr, en) in service_labels {
        secondary.extend([fr.as_str(), en.as_str()]);
    }
    let mut body: Vec<&str> = Vec::new();
    let descriptions = organization
        .description
        .iter()
        .chain(capabilities.iter().filter_map(|c| c.description.as_ref()));
    for description in descriptions {
        body.extend(description.fr.as_deref());
        body.extend(description.en.as_deref());
    }
    (primary, join(secondary), join(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_are_folded_and_special_characters_dropped() {
        assert_eq!(terms("Télécom  SÉNÉGAL").unwrap(), ["telecom", "senegal"]);
        assert_eq!(
            terms("'; DROP TABLE organizations; --\"*:&|!()").unwrap(),
            ["drop", "table", "organizations"]
        );
        assert!(terms("").unwrap().is_empty());
        assert!(terms(&"a".repeat(201)).is_err());
    }
}
