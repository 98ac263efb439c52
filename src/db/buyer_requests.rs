//! Buyer requests: stored with their criteria as one JSON document, and their wanted services
//! again as rows, for statistics.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::DbConnection;
use super::audit::{self, Change};
use super::schema::{buyer_request_services, buyer_requests};
use crate::domain::buyer_request::{BuyerRequest, BuyerRequestFields};
use crate::domain::caller::Caller;
use crate::domain::checks::fold;
use crate::domain::request_query::{RequestQuery, RequestSort};
use crate::error::ApiError;

/// The audit name of buyer requests.
pub const KIND: &str = "buyer_request";

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = buyer_requests, treat_none_as_null = true)]
struct Row {
    id: String,
    owner_id: String,
    buyer_name: String,
    buyer_country: String,
    buyer_sector: Option<String>,
    criteria: String,
    notes: Option<String>,
    status: String,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    deadline: Option<NaiveDate>,
    closed_at: Option<NaiveDateTime>,
    search_text: Option<String>,
}

/// The folded text `q` is matched against.
fn search_text(buyer_name: &str, notes: Option<&str>) -> String {
    fold(&format!("{buyer_name} {}", notes.unwrap_or_default()))
}

impl Row {
    fn from_domain(r: &BuyerRequest) -> Result<Self, ApiError> {
        Ok(Row {
            id: r.id.clone(),
            owner_id: r.owner_id.clone(),
            buyer_name: r.fields.buyer_name.clone(),
            buyer_country: r.fields.buyer_country.clone(),
            buyer_sector: r.fields.buyer_sector.clone(),
            criteria: serde_json::to_string(&r.fields.criteria).map_err(ApiError::internal)?,
            notes: r.fields.notes.clone(),
            status: r.fields.status.as_str().to_owned(),
            version: r.version,
            created_at: r.created_at.naive_utc(),
            updated_at: r.updated_at.naive_utc(),
            deadline: r.fields.deadline,
            closed_at: r.closed_at.map(|at| at.naive_utc()),
            search_text: Some(search_text(&r.fields.buyer_name, r.fields.notes.as_deref())),
        })
    }

    fn into_domain(self) -> Result<BuyerRequest, ApiError> {
        Ok(BuyerRequest {
            id: self.id,
            owner_id: self.owner_id,
            fields: BuyerRequestFields {
                buyer_name: self.buyer_name,
                buyer_country: self.buyer_country,
                buyer_sector: self.buyer_sector,
                criteria: serde_json::from_str(&self.criteria).map_err(ApiError::internal)?,
                notes: self.notes,
                status: self.status.parse().map_err(ApiError::internal)?,
                deadline: self.deadline,
            },
            version: self.version,
            created_at: self.created_at.and_utc(),
            updated_at: self.updated_at.and_utc(),
            closed_at: self.closed_at.map(|at| at.and_utc()),
        })
    }
}

/// The request with this id.
pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<BuyerRequest>, ApiError> {
    let row: Option<Row> = buyer_requests::table
        .find(id)
        .select(Row::as_select())
        .first(conn)
        .optional()?;
    row.map(Row::into_domain).transpose()
}

/// One page of the requests `query` selects, in its order, after its cursor; one row more
/// than the page when another follows.
pub fn list(conn: &mut DbConnection, query: &RequestQuery) -> Result<Vec<BuyerRequest>, ApiError> {
    let f = &query.filters;
    let mut q = buyer_requests::table.select(Row::as_select()).into_boxed();
    if !f.statuses.is_empty() {
        q = q.filter(buyer_requests::status.eq_any(f.statuses.iter().map(|s| s.as_str())));
    }
    if !f.services.is_empty() {
        let wanting = buyer_request_services::table
            .filter(buyer_request_services::service_code.eq_any(f.services.clone()))
            .select(buyer_request_services::request_id);
        q = q.filter(buyer_requests::id.eq_any(wanting));
    }
    if !f.buyer_countries.is_empty() {
        q = q.filter(buyer_requests::buyer_country.eq_any(f.buyer_countries.clone()));
    }
    if !f.owners.is_empty() {
        q = q.filter(buyer_requests::owner_id.eq_any(f.owners.clone()));
    }
    if let Some(from) = f.created_from {
        q = q.filter(buyer_requests::created_at.ge(from));
    }
    if let Some(until) = f.created_until {
        q = q.filter(buyer_requests::created_at.lt(until));
    }
    if let Some(before) = f.deadline_before {
        q = q.filter(buyer_requests::deadline.lt(before));
    }
    for term in &f.terms {
        // Terms are runs of letters and digits, so they hold no LIKE wildcard.
        q = q.filter(buyer_requests::search_text.like(format!("%{term}%")));
    }
    let instant = |key: &Option<String>| -> Result<NaiveDateTime, ApiError> {
        let bad = || ApiError::BadRequest("cursor is not one this API returned".into());
        key.as_deref()
            .and_then(|k| NaiveDateTime::parse_from_str(k, "%Y-%m-%dT%H:%M:%S%.6f").ok())
            .ok_or_else(bad)
    };
    macro_rules! ordered_by {
        ($column:expr) => {{
            if let Some((key, id)) = &query.after {
                let at = instant(key)?;
                q = if query.descending {
                    q.filter(
                        $column
                            .lt(at)
                            .or($column.eq(at).and(buyer_requests::id.lt(id.clone()))),
                    )
                } else {
                    q.filter(
                        $column
                            .gt(at)
                            .or($column.eq(at).and(buyer_requests::id.gt(id.clone()))),
                    )
                };
            }
            q = if query.descending {
                q.order(($column.desc(), buyer_requests::id.desc()))
            } else {
                q.order(($column.asc(), buyer_requests::id.asc()))
            };
        }};
    }
    match query.sort {
        RequestSort::Created => ordered_by!(buyer_requests::created_at),
        RequestSort::Updated => ordered_by!(buyer_requests::updated_at),
        // Requests without a deadline come last in either direction.
        RequestSort::Deadline => {
            let deadline = buyer_requests::deadline;
            let id = buyer_requests::id;
            match (&query.after, query.descending) {
                (None, _) => {}
                (Some((None, last)), false) => q = q.filter(deadline.is_null().and(id.gt(last.clone()))),
                (Some((None, last)), true) => q = q.filter(deadline.is_null().and(id.lt(last.clone()))),
                (Some((Some(day), last)), descending) => {
                    let day: NaiveDate = day
                        .parse()
                        .map_err(|_| ApiError::BadRequest("cursor is not one this API returned".into()))?;
                    let (last, missing) = (last.clone(), deadline.is_null());
                    q = if descending {
                        q.filter(deadline.lt(day).or(deadline.eq(day).and(id.lt(last))).or(missing))
                    } else {
                        q.filter(deadline.gt(day).or(deadline.eq(day).and(id.gt(last))).or(missing))
                    };
                }
            }
            q = if query.descending {
                q.order((deadline.is_null(), deadline.desc(), id.desc()))
            } else {
                q.order((deadline.is_null(), deadline.asc(), id.asc()))
            };
        }
    }
    q.limit(i64::from(query.limit) + 1)
        .load(conn)?
        .into_iter()
        .map(Row::into_domain)
        .collect()
}

/// Stores a new request and records it.
pub fn insert(conn: &mut DbConnection, request: &BuyerRequest, actor: &Caller) -> Result<(), ApiError> {
    diesel::insert_into(buyer_requests::table)
        .values(Row::from_domain(request)?)
        .execute(conn)?;
    write_services(conn, request)?;
    audit::record(conn, change(request, actor, "created"), None, Some(request))
}

/// Replaces `before` by `after` unless it changed meanwhile (412), and records it.
pub fn save(
    conn: &mut DbConnection,
    before: &BuyerRequest,
    after: &BuyerRequest,
    actor: &Caller,
) -> Result<(), ApiError> {
    let updated = diesel::update(
        buyer_requests::table
            .filter(buyer_requests::id.eq(&before.id))
            .filter(buyer_requests::version.eq(before.version)),
    )
    .set(Row::from_domain(after)?)
    .execute(conn)?;
    if updated == 0 {
        return Err(ApiError::PreconditionFailed);
    }
    if before.fields.criteria.services != after.fields.criteria.services {
        diesel::delete(
            buyer_request_services::table.filter(buyer_request_services::request_id.eq(&after.id)),
        )
        .execute(conn)?;
        write_services(conn, after)?;
    }
    let action = if before.fields.status == after.fields.status {
        "updated".to_owned()
    } else {
        after.fields.status.as_str().to_owned()
    };
    audit::record(conn, change(after, actor, &action), Some(before), Some(after))
}

/// Deletes a request and its matches unless it changed meanwhile (412), and records it.
pub fn delete(conn: &mut DbConnection, request: &BuyerRequest, actor: &Caller) -> Result<(), ApiError> {
    let deleted = diesel::delete(
        buyer_requests::table
            .filter(buyer_requests::id.eq(&request.id))
            .filter(buyer_requests::version.eq(request.version)),
    )
    .execute(conn)?;
    if deleted == 0 {
        return Err(ApiError::PreconditionFailed);
    }
    audit::record(conn, change(request, actor, "deleted"), Some(request), None)
}

/// Raises the version of a request whose matches changed, so that its ETag changes.
pub fn touch(conn: &mut DbConnection, id: &str) -> Result<(), ApiError> {
    diesel::update(buyer_requests::table.find(id))
        .set((
            buyer_requests::version.eq(buyer_requests::version + 1),
            buyer_requests::updated_at.eq(super::now()),
        ))
        .execute(conn)?;
    Ok(())
}

fn write_services(conn: &mut DbConnection, request: &BuyerRequest) -> Result<(), ApiError> {
    let rows: Vec<_> = request
        .fields
        .criteria
        .services
        .iter()
        .map(|code| {
            (
                buyer_request_services::request_id.eq(&request.id),
                buyer_request_services::service_code.eq(code),
            )
        })
        .collect();
    super::batch_insert!(conn, buyer_request_services::table, rows)?;
    Ok(())
}

fn change<'a>(request: &'a BuyerRequest, actor: &'a Caller, action: &'a str) -> Change<'a> {
    Change {
        actor,
        entity_kind: KIND,
        entity_id: &request.id,
        organization_id: None,
        programme_id: None,
        buyer_request_id: Some(&request.id),
        action,
    }
}

/// Writes the folded search text of requests stored before it existed; how many.
pub fn write_missing_search_text(conn: &mut DbConnection) -> Result<usize, ApiError> {
    let rows: Vec<Row> = buyer_requests::table
        .filter(buyer_requests::search_text.is_null())
        .select(Row::as_select())
        .load(conn)?;
    for row in &rows {
        diesel::update(buyer_requests::table.find(&row.id))
            .set(buyer_requests::search_text.eq(search_text(&row.buyer_name, row.notes.as_deref())))
            .execute(conn)?;
    }
    Ok(rows.len())
}
