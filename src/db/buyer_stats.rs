//! Counts of buyer requests and their matches, for the agency's view of its results.

use chrono::NaiveDateTime;
use diesel::dsl::count_star;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{buyer_matches, buyer_request_services, buyer_requests};
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
