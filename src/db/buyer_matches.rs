//! Firms saved for a buyer request, with the assessment they had when saved.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::audit::{self, Change};
use super::schema::buyer_matches;
use crate::domain::buyer_request::{Contract, SavedMatch};
use crate::domain::caller::Caller;
use crate::error::ApiError;

/// The audit name of matches.
pub const KIND: &str = "buyer_match";

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = buyer_matches, treat_none_as_null = true)]
struct Row {
    request_id: String,
    organization_id: String,
    status: String,
    note: Option<String>,
    score: f64,
    evaluation: String,
    status_changed_by: String,
    status_changed_at: NaiveDateTime,
    version: i32,
    created_at: NaiveDateTime,
    introduced_at: Option<NaiveDateTime>,
    shortlist_position: Option<i32>,
    contract_value: Option<i64>,
    contract_currency: Option<String>,
    contract_months: Option<i32>,
}

impl Row {
    fn from_domain(m: &SavedMatch) -> Result<Self, ApiError> {
        Ok(Row {
            request_id: m.request_id.clone(),
            organization_id: m.organization_id.clone(),
            status: m.status.as_str().to_owned(),
            note: m.note.clone(),
            score: m.evaluation.score,
            evaluation: serde_json::to_string(&m.evaluation).map_err(ApiError::internal)?,
            status_changed_by: m.status_changed_by.clone(),
            status_changed_at: m.status_changed_at.naive_utc(),
            version: m.version,
            created_at: m.created_at.naive_utc(),
            introduced_at: m.introduced_at.map(|at| at.naive_utc()),
            shortlist_position: m.position,
            contract_value: m.contract.as_ref().map(|c| c.estimated_value),
            contract_currency: m.contract.as_ref().map(|c| c.currency.clone()),
            contract_months: m.contract.as_ref().and_then(|c| c.months),
        })
    }

    fn into_domain(self) -> Result<SavedMatch, ApiError> {
        Ok(SavedMatch {
            request_id: self.request_id,
            organization_id: self.organization_id,
            status: self.status.parse().map_err(ApiError::internal)?,
            note: self.note,
            evaluation: serde_json::from_str(&self.evaluation).map_err(ApiError::internal)?,
            position: self.shortlist_position,
            contract: match (self.contract_value, self.contract_currency) {
                (Some(estimated_value), Some(currency)) => Some(Contract {
                    estimated_value,
                    currency,
                    months: self.contract_months,
                }),
                _ => None,
            },
            introduced_at: self.introduced_at.map(|at| at.and_utc()),
            status_changed_by: self.status_changed_by,
            status_changed_at: self.status_changed_at.and_utc(),
            version: self.version,
            created_at: self.created_at.and_utc(),
        })
    }
}

/// The match of `organization_id` on `request_id`.
pub fn find(
    conn: &mut DbConnection,
    request_id: &str,
    organization_id: &str,
) -> Result<Option<SavedMatch>, ApiError> {
    let row: Option<Row> = buyer_matches::table
        .find((request_id, organization_id))
        .select(Row::as_select())
        .first(conn)
        .optional()?;
    row.map(Row::into_domain).transpose()
}

/// Every match of a request in the agency's order: by the position it gave, then best score
/// first, then by firm id.
pub fn of_request(conn: &mut DbConnection, request_id: &str) -> Result<Vec<SavedMatch>, ApiError> {
    buyer_matches::table
        .filter(buyer_matches::request_id.eq(request_id))
        .order((
            buyer_matches::shortlist_position.is_null(),
            buyer_matches::shortlist_position,
            buyer_matches::score.desc(),
            buyer_matches::organization_id,
        ))
        .select(Row::as_select())
        .load(conn)?
        .into_iter()
        .map(Row::into_domain)
        .collect()
}

/// Most firms saved for one request: a shortlist, not a copy of the directory.
pub const MAX_PER_REQUEST: i64 = 100;

/// Stores a new match (one per firm and request, at most [`MAX_PER_REQUEST`]: 409 otherwise)
/// and records it.
pub fn insert(conn: &mut DbConnection, saved: &SavedMatch, actor: &Caller) -> Result<(), ApiError> {
    let saved_already: i64 = buyer_matches::table
        .filter(buyer_matches::request_id.eq(&saved.request_id))
        .count()
        .get_result(conn)?;
    if saved_already >= MAX_PER_REQUEST {
        return Err(ApiError::Conflict(format!(
            "a request holds at most {MAX_PER_REQUEST} saved firms"
        )));
    }
    diesel::insert_into(buyer_matches::table)
        .values(Row::from_domain(saved)?)
        .execute(conn)
        .map_err(|err| match ApiError::from(err) {
            ApiError::Conflict(_) => ApiError::Conflict("this firm is already saved for this request".into()),
            other => other,
        })?;
    super::buyer_requests::touch(conn, &saved.request_id)?;
    audit::record(conn, change(saved, actor, "created"), None, Some(saved))
}

/// Replaces `before` by `after` unless it changed meanwhile (412), and records it.
pub fn save(
    conn: &mut DbConnection,
    before: &SavedMatch,
    after: &SavedMatch,
    actor: &Caller,
) -> Result<(), ApiError> {
    let updated = diesel::update(
        buyer_matches::table
            .find((&before.request_id, &before.organization_id))
            .filter(buyer_matches::version.eq(before.version)),
    )
    .set(Row::from_domain(after)?)
    .execute(conn)?;
    if updated == 0 {
        return Err(ApiError::PreconditionFailed);
    }
    super::buyer_requests::touch(conn, &after.request_id)?;
    let action = if before.status == after.status {
        "updated"
    } else {
        after.status.as_str()
    };
    audit::record(conn, change(after, actor, action), Some(before), Some(after))
}

fn change<'a>(saved: &'a SavedMatch, actor: &'a Caller, action: &'a str) -> Change<'a> {
    Change {
        actor,
        entity_kind: KIND,
        entity_id: &saved.organization_id,
        organization_id: None,
        programme_id: None,
        buyer_request_id: Some(&saved.request_id),
        action,
    }
}
