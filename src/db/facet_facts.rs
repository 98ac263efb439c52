//! What the facet index (`crate::facets`) is built from: each organization's facet values and
//! filtered columns, and the audit positions that say which organizations changed since.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::schema::{
    audit_events, capabilities, capability_languages, certifications, market_presences, organizations,
    search_documents,
};
use super::{Backend, DbConnection};
use crate::domain::facets::Facts;
use crate::error::ApiError;

/// The columns of an organization the index keeps.
#[derive(Queryable, Selectable)]
#[diesel(table_name = organizations)]
struct OrganizationRow {
    id: String,
    status: String,
    kind: String,
    country: String,
    region: Option<String>,
    employees: Option<i32>,
    founded_year: Option<i32>,
    verified_until: Option<NaiveDate>,
    is_sample: bool,
    updated_at: NaiveDateTime,
}

/// The last position of the audit trail (0 when empty).
pub fn latest_position(conn: &mut DbConnection) -> Result<i64, ApiError> {
    let latest: Option<i64> = audit_events::table
        .select(diesel::dsl::max(audit_events::position))
        .first(conn)?;
    Ok(latest.unwrap_or(0))
}

/// Up to `limit` audit events after `position`, in order: their positions, and the
/// organization each concerns, if any.
pub fn changes_after(
    conn: &mut DbConnection,
    position: i64,
    limit: i64,
) -> Result<Vec<(i64, Option<String>)>, ApiError> {
    Ok(audit_events::table
        .filter(audit_events::position.gt(position))
        .order(audit_events::position)
        .limit(limit)
        .select((audit_events::position, audit_events::organization_id))
        .load(conn)?)
}

/// Up to `limit` organizations in id order, from the one after `after`.
pub fn page(conn: &mut DbConnection, after: Option<&str>, limit: i64) -> Result<Vec<Facts>, ApiError> {
    let mut query = organizations::table
        .order(organizations::id)
        .limit(limit)
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(organizations::id.gt(after.to_owned()));
    }
    let rows: Vec<OrganizationRow> = query.select(OrganizationRow::as_select()).load(conn)?;
    with_records(conn, rows)
}

/// The organizations among `ids` that exist.
pub fn of(conn: &mut DbConnection, ids: &[&str]) -> Result<Vec<Facts>, ApiError> {
    let rows: Vec<OrganizationRow> = organizations::table
        .filter(organizations::id.eq_any(ids))
        .select(OrganizationRow::as_select())
        .load(conn)?;
    with_records(conn, rows)
}

/// Adds to each organization its capabilities, languages, markets and certificates.
fn with_records(conn: &mut DbConnection, rows: Vec<OrganizationRow>) -> Result<Vec<Facts>, ApiError> {
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let capabilities: Vec<(String, String, Option<i32>, Option<i32>)> = capabilities::table
        .filter(capabilities::organization_id.eq_any(&ids))
        .select((
            capabilities::organization_id,
            capabilities::service_code,
            capabilities::capacity_seats,
            capabilities::capacity_fte,
        ))
        .load(conn)?;
    let languages: Vec<(String, String)> = capability_languages::table
        .inner_join(capabilities::table.on(capabilities::id.eq(capability_languages::capability_id)))
        .filter(capabilities::organization_id.eq_any(&ids))
        .select((capabilities::organization_id, capability_languages::language))
        .load(conn)?;
    let markets: Vec<(String, String)> = market_presences::table
        .filter(market_presences::organization_id.eq_any(&ids))
        .filter(market_presences::kind.eq_any(["served", "target"]))
        .select((market_presences::organization_id, market_presences::country))
        .load(conn)?;
    let certificates: Vec<(String, String, Option<NaiveDate>, Option<NaiveDate>)> = certifications::table
        .filter(certifications::organization_id.eq_any(&ids))
        .select((
            certifications::organization_id,
            certifications::scheme,
            certifications::valid_from,
            certifications::valid_until,
        ))
        .load(conn)?;
    let documents = documents(conn, &ids)?;
    let name_words = name_words(conn, &ids)?;

    let mut facts: Vec<Facts> = rows.into_iter().map(facts_of).collect();
    let at: HashMap<String, usize> = facts.iter().enumerate().map(|(i, f)| (f.id.clone(), i)).collect();
    let of = |id: &str| at.get(id).copied();
    for (id, service, seats, fte) in capabilities {
        if let Some(i) = of(&id) {
            let f = &mut facts[i];
            f.services.push(service);
            f.max_seats = f.max_seats.max(seats);
            f.max_fte = f.max_fte.max(fte);
        }
    }
    for (id, language) in languages {
        if let Some(i) = of(&id) {
            facts[i].languages.push(language);
        }
    }
    for (id, country) in markets {
        if let Some(i) = of(&id) {
            facts[i].markets.push(country);
        }
    }
    for (id, scheme, from, until) in certificates {
        if let Some(i) = of(&id) {
            facts[i].certificates.push((scheme, from, until));
        }
    }
    for (id, rowid) in documents {
        if let Some(i) = of(&id) {
            facts[i].document = Some(rowid);
        }
    }
    if let Some(name_words) = name_words {
        // A firm without a search document has no words: no text finds it.
        facts.iter_mut().for_each(|f| f.name_words = Some(Vec::new()));
        for (id, words) in name_words {
            if let Some(i) = of(&id) {
                facts[i].name_words = Some(words.split_whitespace().map(str::to_owned).collect());
            }
        }
    }
    Ok(facts)
}

/// The rowid of each organization's search document, on SQLite (none on PostgreSQL, whose
/// document key is the organization id).
fn documents(conn: &mut DbConnection, ids: &[&str]) -> Result<Vec<(String, i64)>, ApiError> {
    if conn.backend() != Backend::Sqlite {
        return Ok(Vec::new());
    }
    Ok(search_documents::table
        .filter(search_documents::organization_id.eq_any(ids))
        .select((
            search_documents::organization_id,
            diesel::dsl::sql::<diesel::sql_types::BigInt>("search_documents.rowid"),
        ))
        .load(conn)?)
}

/// The words of each organization's names, as its PostgreSQL search document holds them
/// (the lexemes of weight A, which the best relevance tier matches), separated by spaces;
/// `None` on SQLite.
fn name_words(conn: &mut DbConnection, ids: &[&str]) -> Result<Option<Vec<(String, String)>>, ApiError> {
    if conn.backend() != Backend::Postgres {
        return Ok(None);
    }
    let words = "array_to_string(tsvector_to_array(ts_filter(search_documents.document, '{a}')), ' ')";
    Ok(Some(
        search_documents::table
            .filter(search_documents::organization_id.eq_any(ids))
            .select((
                search_documents::organization_id,
                diesel::dsl::sql::<diesel::sql_types::Text>(words),
            ))
            .load(conn)?,
    ))
}

fn facts_of(row: OrganizationRow) -> Facts {
    Facts {
        id: row.id,
        status: row.status,
        kind: row.kind,
        country: row.country,
        region: row.region,
        employees: row.employees,
        founded_year: row.founded_year,
        verified_until: row.verified_until,
        sample: row.is_sample,
        updated_at: row.updated_at,
        services: Vec::new(),
        languages: Vec::new(),
        markets: Vec::new(),
        certificates: Vec::new(),
        max_seats: None,
        max_fte: None,
        document: None,
        name_words: None,
    }
}
