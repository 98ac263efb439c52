//! Counts of buyer requests and their matches, for the agency's view of its results.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::dsl::count_star;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{buyer_matches, buyer_request_services, buyer_requests};
use crate::domain::stats::{MatchFact, RequestFact};
use crate::error::ApiError;

/// Counts over the requests recorded in a period, grouped as the agency reads them.
#[derive(Debug, Default)]
pub struct Counts {
    /// Requests per status.
    pub requests: Vec<(String, i64)>,
    /// Matches per status.
    pub matches: Vec<(String, i64)>,
    /// Requests per wanted service.
    pub requests_by_service: Vec<(String, i64)>,
    /// Matches per wanted service of their request, and status.
    pub matches_by_service: Vec<(String, String, i64)>,
    /// Requests per buyer country.
    pub requests_by_country: Vec<(String, i64)>,
    /// Matches per buyer country and status.
    pub matches_by_country: Vec<(String, String, i64)>,
}

/// The counts over requests recorded from `from` (inclusive) to `until` (exclusive).
pub fn counts(
    conn: &mut DbConnection,
    from: NaiveDateTime,
    until: NaiveDateTime,
) -> Result<Counts, ApiError> {
    macro_rules! recorded_in_period {
        ($query:expr) => {
            $query
                .filter(buyer_requests::created_at.ge(from))
                .filter(buyer_requests::created_at.lt(until))
        };
    }
    let requests = recorded_in_period!(buyer_requests::table)
        .group_by(buyer_requests::status)
        .select((buyer_requests::status, count_star()))
        .load(conn)?;
    let matches = recorded_in_period!(buyer_matches::table.inner_join(buyer_requests::table))
        .group_by(buyer_matches::status)
        .select((buyer_matches::status, count_star()))
        .load(conn)?;
    let requests_by_service =
        recorded_in_period!(buyer_request_services::table.inner_join(buyer_requests::table))
            .group_by(buyer_request_services::service_code)
            .select((buyer_request_services::service_code, count_star()))
            .load(conn)?;
    let matches_by_service = recorded_in_period!(
        buyer_request_services::table.inner_join(buyer_requests::table.inner_join(buyer_matches::table))
    )
    .group_by((buyer_request_services::service_code, buyer_matches::status))
    .select((
        buyer_request_services::service_code,
        buyer_matches::status,
        count_star(),
    ))
    .load(conn)?;
    let requests_by_country = recorded_in_period!(buyer_requests::table)
        .group_by(buyer_requests::buyer_country)
        .select((buyer_requests::buyer_country, count_star()))
        .load(conn)?;
    let matches_by_country = recorded_in_period!(buyer_matches::table.inner_join(buyer_requests::table))
        .group_by((buyer_requests::buyer_country, buyer_matches::status))
        .select((buyer_requests::buyer_country, buyer_matches::status, count_star()))
        .load(conn)?;
    Ok(Counts {
        requests,
        matches,
        requests_by_service,
        matches_by_service,
        requests_by_country,
        matches_by_country,
    })
}

/// The dated facts of every request recorded before `until`, with their wanted services, and
/// of their matches: what the series count.
pub fn facts(
    conn: &mut DbConnection,
    until: NaiveDateTime,
) -> Result<(Vec<RequestFact>, Vec<MatchFact>), ApiError> {
    type RequestRow = (String, String, String, NaiveDateTime, Option<NaiveDateTime>);
    let rows: Vec<RequestRow> = buyer_requests::table
        .filter(buyer_requests::created_at.lt(until))
        .select((
            buyer_requests::id,
            buyer_requests::status,
            buyer_requests::buyer_country,
            buyer_requests::created_at,
            buyer_requests::closed_at,
        ))
        .load(conn)?;
    let mut services: HashMap<String, Vec<String>> = HashMap::new();
    let pairs: Vec<(String, String)> = buyer_request_services::table
        .inner_join(buyer_requests::table)
        .filter(buyer_requests::created_at.lt(until))
        .select((
            buyer_request_services::request_id,
            buyer_request_services::service_code,
        ))
        .load(conn)?;
    for (request, code) in pairs {
        services.entry(request).or_default().push(code);
    }
    let requests = rows
        .into_iter()
        .map(|(id, status, buyer_country, created_at, closed_at)| {
            Ok(RequestFact {
                services: services.remove(&id).unwrap_or_default(),
                id,
                status: status.parse().map_err(ApiError::internal)?,
                buyer_country,
                created_at,
                closed_at,
            })
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    type MatchRow = (
        String,
        String,
        String,
        NaiveDateTime,
        Option<NaiveDateTime>,
        Option<i64>,
        Option<String>,
        Option<i32>,
    );
    let rows: Vec<MatchRow> = buyer_matches::table
        .inner_join(buyer_requests::table)
        .filter(buyer_requests::created_at.lt(until))
        .select((
            buyer_matches::request_id,
            buyer_matches::organization_id,
            buyer_matches::status,
            buyer_matches::status_changed_at,
            buyer_matches::introduced_at,
            buyer_matches::contract_value,
            buyer_matches::contract_currency,
            buyer_matches::contract_months,
        ))
        .load(conn)?;
    let matches = rows
        .into_iter()
        .map(
            |(
                request_id,
                organization_id,
                status,
                status_changed_at,
                introduced_at,
                value,
                currency,
                months,
            )| {
                Ok(MatchFact {
                    request_id,
                    organization_id,
                    status: status.parse().map_err(ApiError::internal)?,
                    status_changed_at,
                    introduced_at,
                    contract: value.zip(currency).map(|(v, c)| (v, c, months)),
                })
            },
        )
        .collect::<Result<Vec<_>, ApiError>>()?;
    Ok((requests, matches))
}

/// The day the first request was recorded, if any.
pub fn first_request_day(conn: &mut DbConnection) -> Result<Option<chrono::NaiveDate>, ApiError> {
    let first: Option<NaiveDateTime> = buyer_requests::table
        .select(diesel::dsl::min(buyer_requests::created_at))
        .first(conn)?;
    Ok(first.map(|at| at.date()))
}
