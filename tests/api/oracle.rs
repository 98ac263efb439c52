//! A brute-force oracle for the directory's filters: every organization's rows read with plain
//! SQL, and each filter tested in Rust as the parameter's documentation states it, so that the
//! engine's lists are checked against something that shares none of their code.

use annuaire::db::DbConnection;
use annuaire::domain::search::{Filters, SampleFilter};
use chrono::NaiveDate;
use diesel::sql_types::{Bool, Date, Integer, Nullable, Text};
use diesel::{QueryableByName, RunQueryDsl};

#[derive(QueryableByName)]
struct Organization {
    #[diesel(sql_type = Text)]
    id: String,
    #[diesel(sql_type = Text)]
    kind: String,
    #[diesel(sql_type = Text)]
    status: String,
    #[diesel(sql_type = Text)]
    country: String,
    #[diesel(sql_type = Nullable<Text>)]
    region: Option<String>,
    #[diesel(sql_type = Nullable<Integer>)]
    employees: Option<i32>,
    #[diesel(sql_type = Nullable<Integer>)]
    founded_year: Option<i32>,
    #[diesel(sql_type = Bool)]
    is_sample: bool,
    #[diesel(sql_type = Bool)]
    verified: bool,
}

#[derive(QueryableByName)]
struct Capability {
    #[diesel(sql_type = Text)]
    organization_id: String,
    #[diesel(sql_type = Text)]
    service_code: String,
    #[diesel(sql_type = Nullable<Integer>)]
    capacity_seats: Option<i32>,
    #[diesel(sql_type = Nullable<Integer>)]
    capacity_fte: Option<i32>,
}

#[derive(QueryableByName)]
struct Coded {
    #[diesel(sql_type = Text)]
    organization_id: String,
    #[diesel(sql_type = Text)]
    code: String,
}

#[derive(QueryableByName)]
struct Certificate {
    #[diesel(sql_type = Text)]
    organization_id: String,
    #[diesel(sql_type = Text)]
    scheme: String,
    #[diesel(sql_type = Nullable<Date>)]
    valid_from: Option<NaiveDate>,
    #[diesel(sql_type = Nullable<Date>)]
    valid_until: Option<NaiveDate>,
}

fn load<T>(conn: &mut DbConnection, sql: &str) -> Vec<T>
where
    diesel::query_builder::SqlQuery: diesel::query_dsl::LoadQuery<'static, DbConnection, T>,
{
    diesel::sql_query(sql).load(conn).unwrap()
}

/// The ids of every organization `filters` let through, sorted; the text (`q`) is not read.
pub fn passing(conn: &mut DbConnection, filters: &Filters) -> Vec<String> {
    assert!(
        filters.updated_since.is_none(),
        "the oracle does not read update times"
    );
    let organizations: Vec<Organization> = load(
        conn,
        "SELECT id, kind, status, country, region, employees, founded_year, is_sample, \
         (verified_until IS NOT NULL AND verified_until >= CURRENT_DATE) AS verified FROM organizations",
    );
    let capabilities: Vec<Capability> = load(
        conn,
        "SELECT organization_id, service_code, capacity_seats, capacity_fte FROM capabilities",
    );
    let languages: Vec<Coded> = load(
        conn,
        "SELECT c.organization_id, l.language AS code FROM capability_languages l \
         JOIN capabilities c ON c.id = l.capability_id",
    );
    let markets: Vec<Coded> = load(
        conn,
        "SELECT organization_id, country AS code FROM market_presences WHERE kind IN ('served', 'target')",
    );
    let certificates: Vec<Certificate> = load(
        conn,
        "SELECT organization_id, scheme, valid_from, valid_until FROM certifications",
    );
    let today = chrono::Utc::now().date_naive();
    let f = filters;
    let within = |value: Option<i32>, low: Option<i32>, high: Option<i32>| {
        (low.is_none() && high.is_none())
            || value.is_some_and(|v| low.is_none_or(|l| v >= l) && high.is_none_or(|h| v <= h))
    };
    let one_of = |wanted: &[String], value: &str| wanted.is_empty() || wanted.iter().any(|w| w == value);
    let mut ids: Vec<String> = organizations
        .iter()
        .filter(|o| f.statuses.iter().any(|s| s.as_str() == o.status))
        .filter(|o| f.kinds.is_empty() || f.kinds.iter().any(|k| k.as_str() == o.kind))
        .filter(|o| one_of(&f.countries, &o.country))
        .filter(|o| f.regions.is_empty() || o.region.as_ref().is_some_and(|r| one_of(&f.regions, r)))
        .filter(|o| within(o.employees, f.employees_min, f.employees_max))
        .filter(|o| within(o.founded_year, f.founded_from, f.founded_to))
        .filter(|o| !f.verified_only || o.verified)
        .filter(|o| match f.sample {
            Some(SampleFilter::Exclude) => !o.is_sample,
            Some(SampleFilter::Only) => o.is_sample,
            _ => true,
        })
        .filter(|o| {
            let own = |id: &String| *id == o.id;
            let has = |rows: &[Coded], wanted: &[String]| {
                wanted.is_empty()
                    || rows
                        .iter()
                        .any(|r| own(&r.organization_id) && wanted.contains(&r.code))
            };
            let capable = |wanted: &dyn Fn(&Capability) -> bool| {
                capabilities.iter().any(|c| own(&c.organization_id) && wanted(c))
            };
            has(&markets, &f.markets)
                && has(&languages, &f.languages)
                && (f.services.is_empty() || capable(&|c| f.services.contains(&c.service_code)))
                && f.min_seats
                    .is_none_or(|m| capable(&|c| c.capacity_seats.is_some_and(|s| s >= m)))
                && f.min_fte
                    .is_none_or(|m| capable(&|c| c.capacity_fte.is_some_and(|s| s >= m)))
                && (f.certifications.is_empty()
                    || certificates.iter().any(|c| {
                        own(&c.organization_id)
                            && f.certifications.contains(&c.scheme)
                            && (f.include_expired_certifications
                                || (c.valid_from.is_none_or(|d| d <= today)
                                    && c.valid_until.is_none_or(|d| d >= today)))
                    }))
        })
        .map(|o| o.id.clone())
        .collect();
    ids.sort();
    ids
}
