//! Buyer requests: stored with their criteria as one JSON document, and their wanted services
//! again as rows, for statistics.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::audit::{self, Change};
use super::schema::{buyer_request_services, buyer_requests};
use crate::domain::buyer_request::{BuyerRequest, BuyerRequestFields};
use crate::domain::caller::Caller;
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
            },
            version: self.version,
            created_at: self.created_at.and_utc(),
            updated_at: self.updated_at.and_utc(),
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

/// One page of requests in id (so creation) order, after `after`.
pub fn list(conn: &mut DbConnection, after: Option<&str>, limit: i64) -> Result<Vec<BuyerRequest>, ApiError> {
    let mut query = buyer_requests::table
        .order(buyer_requests::id)
        .limit(limit)
        .select(Row::as_select())
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(buyer_requests::id.gt(after.to_owned()));
    }
    query.load(conn)?.into_iter().map(Row::into_domain).collect()
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
