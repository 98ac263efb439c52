//! What the agency finds its buyer requests by: the query parameters of
//! `GET /v1/buyer-requests`, parsed and checked in one place.
//!
//! As in the directory's lists, a repeated parameter is OR within its name and AND across
//! names; an unknown parameter or a malformed value is a 400 naming the parameter.

use chrono::{Days, NaiveDate, NaiveDateTime, NaiveTime};
use utoipa::IntoParams;

use super::reference::Reference;
use super::search::terms;
use super::vocab::RequestStatus;
use crate::error::ApiError;

/// Most values of one repeated parameter.
const MAX_VALUES: usize = 50;

/// The orders of the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestSort {
    /// By when it was recorded (the default).
    Created,
    /// By the buyer's deadline; requests without one come last, in either order.
    Deadline,
    /// By its last change.
    Updated,
}

/// Everything the list is narrowed by.
#[derive(Debug, Clone, Default)]
pub struct RequestFilters {
    pub statuses: Vec<RequestStatus>,
    /// Service codes, each expanded to itself and its descendants.
    pub services: Vec<String>,
    pub buyer_countries: Vec<String>,
    /// User ids.
    pub owners: Vec<String>,
    /// Recorded at or after.
    pub created_from: Option<NaiveDateTime>,
    /// Recorded before.
    pub created_until: Option<NaiveDateTime>,
    /// A deadline strictly before this day.
    pub deadline_before: Option<NaiveDate>,
    /// Folded words that must all appear in the buyer's name or the notes.
    pub terms: Vec<String>,
}

/// A validated list request.
#[derive(Debug, Clone)]
pub struct RequestQuery {
    pub filters: RequestFilters,
    pub sort: RequestSort,
    pub descending: bool,
    pub limit: u32,
    /// The cursor as sent.
    pub cursor: Option<String>,
    /// What the cursor holds once decoded ([`RequestQuery::start_after`]): the sort key of the
    /// last row served (`None` for a request without a deadline) and its id.
    pub after: Option<(Option<String>, String)>,
}

/// The query parameters of `GET /v1/buyer-requests` (documentation; parsing is by hand,
/// since parameters repeat).
#[derive(Debug, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct RequestQueryParams {
    /// Status; repeat for several.
    status: Option<Vec<RequestStatus>>,
    /// A wanted service: a taxonomy code, covering itself and every service below it.
    #[param(example = json!(["bpo"]))]
    service: Option<Vec<String>>,
    /// ISO 3166-1 alpha-2 country of the buyer.
    #[param(example = json!(["FR"]))]
    buyer_country: Option<Vec<String>>,
    /// The agency user who recorded it, by id, or `me`.
    owner: Option<Vec<String>>,
    /// Recorded on or after this day.
    #[param(example = "2026-01-01")]
    created_from: Option<NaiveDate>,
    /// Recorded on or before this day.
    #[param(example = "2026-12-31")]
    created_to: Option<NaiveDate>,
    /// With a deadline before this day (requests without a deadline are left out).
    deadline_before: Option<NaiveDate>,
    /// Words that must all appear in the buyer's name or the notes, case- and
    /// accent-insensitively. At most 200 characters.
    #[param(example = "assurances")]
    q: Option<String>,
    /// created (default), deadline or updated.
    sort: Option<String>,
    /// asc (default) or desc.
    order: Option<String>,
    /// Items per page, 1 to 100 (default 20); more is a 400.
    #[param(minimum = 1, maximum = 100)]
    limit: Option<u32>,
    /// The `next_cursor` of the previous page, with the same parameters.
    cursor: Option<String>,
}

fn bad(parameter: &str, message: impl std::fmt::Display) -> ApiError {
    ApiError::BadRequest(format!("parameter `{parameter}`: {message}"))
}

fn day(parameter: &str, value: &str) -> Result<NaiveDate, ApiError> {
    let date = NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .map_err(|_| bad(parameter, "must be a date, YYYY-MM-DD"))?;
    super::checks::plausible_date(date).map_err(|e| bad(parameter, e))?;
    Ok(date)
}

impl RequestQuery {
    /// Parses a raw query string; `me` as an owner is `caller_id`.
    pub fn parse(query: &str, reference: &Reference, caller_id: &str) -> Result<Self, ApiError> {
        let mut f = RequestFilters::default();
        let (mut sort, mut descending, mut limit, mut cursor) = (RequestSort::Created, false, 20, None);
        let (mut created_from, mut created_to) = (None, None);
        let mut counts = std::collections::HashMap::<String, usize>::new();
        for (name, value) in form_urlencoded::parse(query.as_bytes()) {
            let (name, value) = (name.as_ref(), value.as_ref());
            let count = counts.entry(name.to_owned()).or_default();
            *count += 1;
            if *count > MAX_VALUES {
                return Err(bad(name, format!("at most {MAX_VALUES} values")));
            }
            let single = *count == 1;
            match name {
                "status" => f.statuses.push(value.parse().map_err(|e: String| bad(name, e))?),
                "service" => {
                    reference.service(value).map_err(|e| bad(name, e))?;
                    f.services.extend(reference.with_descendants(value));
                }
                "buyer_country" => {
                    reference.country(value).map_err(|e| bad(name, e))?;
                    f.buyer_countries.push(value.to_owned());
                }
                "owner" if value == "me" => f.owners.push(caller_id.to_owned()),
                "owner" => {
                    uuid::Uuid::parse_str(value).map_err(|_| bad(name, "must be a user id or me"))?;
                    f.owners.push(value.to_ascii_lowercase());
                }
                "created_from" if single => created_from = Some(day(name, value)?),
                "created_to" if single => created_to = Some(day(name, value)?),
                "deadline_before" if single => f.deadline_before = Some(day(name, value)?),
                "q" if single => f.terms = terms(value)?,
                "sort" if single => {
                    sort = match value {
                        "created" => RequestSort::Created,
                        "deadline" => RequestSort::Deadline,
                        "updated" => RequestSort::Updated,
                        _ => return Err(bad(name, "must be created, deadline or updated")),
                    }
                }
                "order" if single => {
                    descending = match value {
                        "asc" => false,
                        "desc" => true,
                        _ => return Err(bad(name, "must be asc or desc")),
                    }
                }
                "limit" if single => {
                    limit = value
                        .parse()
                        .ok()
                        .filter(|l| (1..=100).contains(l))
                        .ok_or_else(|| bad(name, "must be between 1 and 100"))?
                }
                "cursor" if single => cursor = Some(value.to_owned()),
                "created_from" | "created_to" | "deadline_before" | "q" | "sort" | "order" | "limit"
                | "cursor" => return Err(bad(name, "give it once")),
                other => return Err(bad(other, "unknown parameter")),
            }
        }
        if let (Some(from), Some(to)) = (created_from, created_to)
            && to < from
        {
            return Err(bad("created_to", "must not be before created_from"));
        }
        f.created_from = created_from.map(|d| d.and_time(NaiveTime::MIN));
        f.created_until = created_to
            .and_then(|d| d.checked_add_days(Days::new(1)))
            .map(|d| d.and_time(NaiveTime::MIN));
        f.services.sort();
        f.services.dedup();
        Ok(RequestQuery {
            filters: f,
            sort,
            descending,
            limit,
            cursor,
            after: None,
        })
    }

    /// Starts after the row whose key a decoded cursor holds; a 400 for a key this list does
    /// not make.
    pub fn start_after(&mut self, key: &str) -> Result<(), ApiError> {
        self.after = Some(decode_after(key, self.sort)?);
        Ok(())
    }
}

/// The sort key of a row as a cursor holds it: instants with microseconds, days as dates.
pub fn sort_key(sort: RequestSort, request: &super::buyer_request::BuyerRequest) -> Option<String> {
    match sort {
        RequestSort::Created => Some(request.created_at.naive_utc().format(INSTANT).to_string()),
        RequestSort::Updated => Some(request.updated_at.naive_utc().format(INSTANT).to_string()),
        RequestSort::Deadline => request.fields.deadline.map(|d| d.to_string()),
    }
}

/// The cursor of a row: its sort key (`-` when it has none) and its id.
pub fn encode_after(sort: RequestSort, request: &super::buyer_request::BuyerRequest) -> String {
    format!(
        "{}|{}",
        sort_key(sort, request).unwrap_or_else(|| "-".into()),
        request.id
    )
}

const INSTANT: &str = "%Y-%m-%dT%H:%M:%S%.6f";

fn decode_after(key: &str, sort: RequestSort) -> Result<(Option<String>, String), ApiError> {
    let invalid = || ApiError::BadRequest("cursor is not one this API returned".into());
    let (value, id) = key.split_once('|').ok_or_else(invalid)?;
    uuid::Uuid::parse_str(id).map_err(|_| invalid())?;
    let value = match (sort, value) {
        (RequestSort::Deadline, "-") => None,
        (RequestSort::Deadline, v) => Some(
            NaiveDate::parse_from_str(v, "%Y-%m-%d")
                .map_err(|_| invalid())?
                .to_string(),
        ),
        (_, v) => Some(
            NaiveDateTime::parse_from_str(v, INSTANT)
                .map_err(|_| invalid())?
                .format(INSTANT)
                .to_string(),
        ),
    };
    Ok((value, id.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(query: &str) -> Result<RequestQuery, ApiError> {
        use crate::domain::reference::{CodedName, TaxonomyTerm};
        let term = |code: &str, parent: Option<&str>| TaxonomyTerm {
            code: code.into(),
            parent_code: parent.map(Into::into),
            level: if parent.is_some() { 2 } else { 1 },
            label_fr: code.into(),
            label_en: code.into(),
            isic_class: String::new(),
            isic_label: String::new(),
            ebops_code: String::new(),
            ebops_label: String::new(),
        };
        let france = CodedName {
            code: "FR".into(),
            name_fr: "France".into(),
            name_en: "France".into(),
        };
        let reference = Reference::new(
            vec![term("bpo", None), term("bpo.inbound", Some("bpo"))],
            vec![france],
            vec![],
            vec![],
        );
        RequestQuery::parse(query, &reference, "0193a0a4-7b1e-7c35-9c8e-3f1a2b4c5d6e")
    }

    #[test]
    fn repeated_values_add_up_and_bad_ones_are_refused() {
        let query =
            parse("status=open&status=shortlisting&service=bpo&owner=me&q=Soci%C3%A9t%C3%A9").unwrap();
        assert_eq!(query.filters.statuses.len(), 2);
        assert!(query.filters.services.len() > 1, "a category covers its services");
        assert_eq!(query.filters.owners, ["0193a0a4-7b1e-7c35-9c8e-3f1a2b4c5d6e"]);
        assert_eq!(query.filters.terms, ["societe"]);
        for bad in [
            "status=won",
            "service=nope",
            "buyer_country=XX",
            "owner=bob",
            "created_from=2026-13-01",
            "created_from=2026-02-01&created_to=2026-01-01",
            "deadline_before=yesterday",
            "sort=name",
            "order=up",
            "limit=0",
            "limit=101",
            "q=a&q=b",
            "colour=red",
        ] {
            assert!(parse(bad).is_err(), "{bad} should be refused");
        }
    }
}
