//! The agency's view of its results: requests and introductions counted over a period.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, get, web};
use chrono::{Days, NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::guard::{Auth, Matchmakers};
use crate::db::{self, Pool, buyer_stats};
use crate::domain::vocab::{MatchStatus, RequestStatus};
use crate::error::ApiError;

/// The period: requests recorded from `from` to `to`, both days included.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct Period {
    /// First day (default: the first request ever).
    #[param(example = "2026-01-01")]
    pub from: Option<NaiveDate>,
    /// Last day (default: today and beyond).
    #[param(example = "2026-12-31")]
    pub to: Option<NaiveDate>,
}

/// Counts per status, every status listed (zeros included).
#[derive(Debug, Serialize, ToSchema)]
pub struct Tally {
    /// The sum.
    pub total: i64,
    /// Per status.
    pub by_status: BTreeMap<String, i64>,
}

impl Tally {
    fn new<'a>(statuses: impl Iterator<Item = &'a str>, counts: impl Iterator<Item = (String, i64)>) -> Self {
        let mut by_status: BTreeMap<String, i64> = statuses.map(|s| (s.to_owned(), 0)).collect();
        for (status, count) in counts {
            *by_status.entry(status).or_default() += count;
        }
        Tally {
            total: by_status.values().sum(),
            by_status,
        }
    }

    fn of_matches(counts: impl Iterator<Item = (String, i64)>) -> Self {
        Tally::new(MatchStatus::ALL.iter().map(|s| s.as_str()), counts)
    }
}

/// Requests and their matches for one value of a grouping (a service, a buyer country).
#[derive(Debug, Serialize, ToSchema)]
pub struct Group {
    /// The service code or country code.
    pub key: String,
    /// Requests that name it.
    pub requests: i64,
    /// Their matches, by outcome.
    pub matches: Tally,
}

/// Requests by status and matches by outcome, overall, by wanted service and by buyer country.
#[derive(Debug, Serialize, ToSchema)]
pub struct MatchingStats {
    /// First day counted, if bounded.
    pub from: Option<NaiveDate>,
    /// Last day counted, if bounded.
    pub to: Option<NaiveDate>,
    /// Requests recorded in the period, by status.
    pub requests: Tally,
    /// Their matches, by outcome.
    pub matches: Tally,
    /// Per wanted service (a request naming two services counts in both), most requests first.
    pub by_service: Vec<Group>,
    /// Per buyer country, most requests first.
    pub by_buyer_country: Vec<Group>,
}

fn groups(requests: Vec<(String, i64)>, matches: Vec<(String, String, i64)>) -> Vec<Group> {
    let mut groups: Vec<Group> = requests
        .into_iter()
        .map(|(key, requests)| {
            let counts = matches
                .iter()
                .filter(|(k, _, _)| *k == key)
                .map(|(_, status, count)| (status.clone(), *count));
            Group {
                matches: Tally::of_matches(counts),
                key,
                requests,
            }
        })
        .collect();
    groups.sort_by(|a, b| b.requests.cmp(&a.requests).then_with(|| a.key.cmp(&b.key)));
    groups
}

/// Counts buyer requests and their matches for a period. By status and by outcome, overall,
/// by wanted service and by buyer country, for the requests recorded in the period. Agency and
/// admins.
#[utoipa::path(
    tag = "matching",
    security(("bearer" = [])),
    params(Period),
    responses(
        (status = 200, description = "The counts", body = MatchingStats),
        (status = 400, description = "A malformed date, or `to` before `from`"),
    )
)]
#[get("/v1/stats/matching")]
pub async fn matching_stats(
    _auth: Auth<Matchmakers>,
    pool: web::Data<Pool>,
    period: web::Query<Period>,
) -> Result<HttpResponse, ApiError> {
    let Period { from, to } = period.into_inner();
    if let (Some(from), Some(to)) = (from, to)
        && to < from
    {
        return Err(ApiError::BadRequest("`to` must not be before `from`".into()));
    }
    // Open ends become dates both databases store and compare like any other.
    let earliest = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
    let latest = NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or_default();
    let start = from.unwrap_or(earliest).and_time(NaiveTime::MIN);
    let end = to
        .and_then(|to| to.checked_add_days(Days::new(1)))
        .unwrap_or(latest)
        .and_time(NaiveTime::MIN);
    let counts = db::run(&pool, move |conn| buyer_stats::counts(conn, start, end)).await?;
    Ok(HttpResponse::Ok().json(MatchingStats {
        from,
        to,
        requests: Tally::new(
            RequestStatus::ALL.iter().map(|s| s.as_str()),
            counts.requests.into_iter(),
        ),
        matches: Tally::of_matches(counts.matches.into_iter()),
        by_service: groups(counts.requests_by_service, counts.matches_by_service),
        by_buyer_country: groups(counts.requests_by_country, counts.matches_by_country),
    }))
}
