//! The agency's view of its results: requests and introductions counted over a period.

use std::collections::HashSet;

use actix_web::{HttpResponse, get, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::series_csv::{self, Range};
use crate::auth::guard::{Auth, Matchmakers};
use crate::db::{self, Pool, buyer_stats};
use crate::domain::reference::Reference;
use crate::domain::stats::{
    CurrencyTotal, Interval, MatchingPeriod, SeriesFormat, Tally, contract_totals, matching_series,
};
use crate::domain::vocab::{MatchStatus, RequestStatus};
use crate::error::ApiError;

/// The period: requests recorded from `from` to `to`, both days included; with `interval`,
/// a series over it.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct Period {
    /// First day (default: the first request ever).
    #[param(example = "2026-01-01")]
    pub from: Option<NaiveDate>,
    /// Last day (default: today and beyond; today for a series).
    #[param(example = "2026-12-31")]
    pub to: Option<NaiveDate>,
    /// month, quarter or year: adds `series`, one entry per calendar period (at most 600).
    pub interval: Option<Interval>,
    /// json (default) or csv: the series, one line per period (monthly unless `interval`
    /// says otherwise).
    pub format: Option<SeriesFormat>,
}

fn of_matches(counts: impl Iterator<Item = (String, i64)>) -> Tally {
    Tally::from_counts(MatchStatus::ALL.iter().map(|s| s.as_str()), counts)
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
    /// Estimated values of their won matches, per currency (never added across currencies).
    pub contract_value: Vec<CurrencyTotal>,
    /// The series' interval, when one was asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval: Option<Interval>,
    /// With `interval`: what happened in each period, oldest first. A period counts the events
    /// that fell in it (a request recorded, closed, a match moved), whenever the request was
    /// recorded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub series: Option<Vec<MatchingPeriod>>,
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
                matches: of_matches(counts),
                key,
                requests,
            }
        })
        .collect();
    groups.sort_by(|a, b| b.requests.cmp(&a.requests).then_with(|| a.key.cmp(&b.key)));
    groups
}

/// Counts buyer requests and their matches for a period. By status and by outcome, overall,
/// by wanted service and by buyer country, for the requests recorded in the period, with the
/// estimated values of their won contracts per currency. With `interval=month|quarter|year`,
/// adds a `series`: per calendar period, requests opened and closed by status, matches by the
/// status they reached, introductions and the firms introduced, the median days from opening
/// to first introduction and to won, won requests by service category and buyer country, and
/// contract values per currency. `format=csv` gives the series as CSV. Agency and admins.
#[utoipa::path(
    tag = "matching",
    security(("bearer" = [])),
    params(Period),
    responses(
        (status = 200, description = "The counts", content(
            (MatchingStats = "application/json"),
            (String = "text/csv"),
        )),
        (status = 400, description = "A malformed date, `to` before `from`, or more than 600 periods"),
    )
)]
#[get("/v1/stats/matching")]
pub async fn matching_stats(
    _auth: Auth<Matchmakers>,
    pool: web::Data<Pool>,
    reference: web::Data<Reference>,
    period: web::Query<Period>,
) -> Result<HttpResponse, ApiError> {
    let Period {
        from,
        to,
        interval,
        format,
    } = period.into_inner();
    let range = Range::checked(from, to)?;
    let (start, end) = range.bounds();
    let csv = format == Some(SeriesFormat::Csv);
    let interval = interval.or(csv.then_some(Interval::Month));
    let (counts, first_day, (requests, matches)) = db::run(&pool, move |conn| {
        Ok((
            buyer_stats::counts(conn, start, end)?,
            buyer_stats::first_request_day(conn)?,
            buyer_stats::facts(conn, end)?,
        ))
    })
    .await?;
    let series = match interval {
        Some(interval) => {
            let periods = range.periods(first_day, interval)?;
            Some(matching_series(&requests, &matches, &periods, &reference))
        }
        None => None,
    };
    if csv {
        let body = series_csv::matching(series.as_deref().unwrap_or_default()).map_err(ApiError::internal)?;
        return Ok(series_csv::respond(body, "matching"));
    }
    let recorded: HashSet<&str> = requests
        .iter()
        .filter(|r| start <= r.created_at && r.created_at < end)
        .map(|r| r.id.as_str())
        .collect();
    let contract_value = contract_totals(
        matches
            .iter()
            .filter(|m| m.status == MatchStatus::Won && recorded.contains(m.request_id.as_str())),
    );
    Ok(HttpResponse::Ok().json(MatchingStats {
        from,
        to,
        requests: Tally::from_counts(
            RequestStatus::ALL.iter().map(|s| s.as_str()),
            counts.requests.into_iter(),
        ),
        matches: of_matches(counts.matches.into_iter()),
        by_service: groups(counts.requests_by_service, counts.matches_by_service),
        by_buyer_country: groups(counts.requests_by_country, counts.matches_by_country),
        contract_value,
        interval,
        series,
    }))
}
