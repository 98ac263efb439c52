//! Storage of claims to represent an organization. Approval binds the account in the same
//! transaction, guarded on both rows, so that a claim is approved once and an account is bound
//! to one organization only.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{organization_claims as c, users};
use crate::domain::caller::Caller;
use crate::domain::claim::{Claim, ClaimStatus};
use crate::domain::role::Role;
use crate::error::ApiError;

/// A stored claim.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = c)]
pub struct ClaimRow {
    /// Id.
    pub id: String,
    /// The organization claimed.
    pub organization_id: String,
    /// The claimant's user id.
    pub user_id: String,
    evidence: String,
    status: String,
    /// When it was made.
    pub created_at: NaiveDateTime,
    decided_by: Option<String>,
    decided_at: Option<NaiveDateTime>,
    decision_comment: Option<String>,
}

impl ClaimRow {
    /// The status.
    pub fn status(&self) -> Result<ClaimStatus, ApiError> {
        ClaimStatus::parse(&self.status)
    }

    /// The evidence.
    pub fn evidence(&self) -> &str {
        &self.evidence
    }
}

/// Representations of `rows`, with the people's emails.
pub fn represent(conn: &mut DbConnection, rows: Vec<ClaimRow>) -> Result<Vec<Claim>, ApiError> {
    let mut people: Vec<&str> = rows.iter().map(|row| row.user_id.as_str()).collect();
    people.extend(rows.iter().filter_map(|row| row.decided_by.as_deref()));
    let emails: HashMap<String, String> = super::reviews::emails(conn, &people)?;
    rows.into_iter()
        .map(|row| {
            let person = |id: String| super::reviews::author(&emails, id, "user");
            Ok(Claim {
                status: row.status()?,
                id: row.id,
                organization_id: row.organization_id,
                claimant: person(row.user_id),
                evidence: row.evidence,
                created_at: row.created_at.and_utc(),
                decided_by: row.decided_by.map(person),
                decided_at: row.decided_at.map(|at| at.and_utc()),
                decision_comment: row.decision_comment,
            })
        })
        .collect()
}

/// Stores a pending claim; a 409 when the person has one pending for this organization.
pub fn insert(
    conn: &mut DbConnection,
    organization_id: &str,
    evidence: &str,
    claimant: &Caller,
) -> Result<String, ApiError> {
    let id = uuid::Uuid::now_v7().to_string();
    diesel::insert_into(c::table)
        .values((
            c::id.eq(&id),
            c::organization_id.eq(organization_id),
            c::user_id.eq(&claimant.id),
            c::evidence.eq(evidence),
            c::status.eq(ClaimStatus::Pending.as_str()),
            c::created_at.eq(super::now()),
        ))
        .execute(conn)
        .map_err(|e| match e {
            diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _) => {
                ApiError::Conflict("You have a pending claim on this organization already.".into())
            }
            other => other.into(),
        })?;
    Ok(id)
}

/// One claim.
pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<ClaimRow>, ApiError> {
    Ok(c::table
        .find(id)
        .select(ClaimRow::as_select())
        .first(conn)
        .optional()?)
}

/// Up to `limit` claims in `status`, oldest first, after the (time, id) key `after`.
pub fn list(
    conn: &mut DbConnection,
    status: ClaimStatus,
    after: Option<&super::reviews::QueueKey>,
    limit: i64,
) -> Result<Vec<ClaimRow>, ApiError> {
    let mut query = c::table.filter(c::status.eq(status.as_str())).into_boxed();
    if let Some((at, id)) = after {
        query = query.filter(
            c::created_at
                .gt(*at)
                .or(c::created_at.eq(*at).and(c::id.gt(id.clone()))),
        );
    }
    Ok(query
        .order((c::created_at, c::id))
        .limit(limit)
        .select(ClaimRow::as_select())
        .load(conn)?)
}

fn close(
    conn: &mut DbConnection,
    id: &str,
    status: ClaimStatus,
    comment: Option<&str>,
    by: &Caller,
) -> Result<usize, ApiError> {
    Ok(diesel::update(
        c::table
            .find(id)
            .filter(c::status.eq(ClaimStatus::Pending.as_str())),
    )
    .set((
        c::status.eq(status.as_str()),
        c::decided_by.eq(&by.id),
        c::decided_at.eq(super::now()),
        c::decision_comment.eq(comment),
    ))
    .execute(conn)?)
}

/// Denies a pending claim: a 409 when it was decided meanwhile.
pub fn deny(conn: &mut DbConnection, id: &str, comment: &str, by: &Caller) -> Result<(), ApiError> {
    match close(conn, id, ClaimStatus::Denied, Some(comment), by)? {
        1 => Ok(()),
        _ => Err(ApiError::Conflict("The claim was decided already.".into())),
    }
}

/// Approves a pending claim and binds its claimant's account to the organization; the
/// claimant's other pending claims close. A 409 when the claim was decided meanwhile, or the
/// account is no longer an active, unbound representative's.
pub fn approve(
    conn: &mut DbConnection,
    claim: &ClaimRow,
    comment: Option<&str>,
    by: &Caller,
) -> Result<(), ApiError> {
    // The account's row is locked first: two approvals for one account then queue on it,
    // rather than each holding its own claim and waiting for the other's.
    let bound = diesel::update(
        users::table
            .find(&claim.user_id)
            .filter(users::role.eq(Role::Representative.as_str()))
            .filter(users::active.eq(true))
            .filter(users::organization_id.is_null()),
    )
    .set((
        users::organization_id.eq(&claim.organization_id),
        users::updated_at.eq(super::now()),
    ))
    .execute(conn)?;
    if bound != 1 {
        return Err(ApiError::Conflict(
            "The claimant's account already represents an organization, or is no longer an active representative's."
                .into(),
        ));
    }
    if close(conn, &claim.id, ClaimStatus::Approved, comment, by)? != 1 {
        return Err(ApiError::Conflict("The claim was decided already.".into()));
    }
    let others: Vec<String> = c::table
        .filter(c::user_id.eq(&claim.user_id))
        .filter(c::status.eq(ClaimStatus::Pending.as_str()))
        .select(c::id)
        .load(conn)?;
    for other in others {
        close(
            conn,
            &other,
            ClaimStatus::Withdrawn,
            Some("Another claim of this account was approved."),
            by,
        )?;
    }
    Ok(())
}

/// Moves the claims on a merged organization to the survivor; a pending one whose claimant
/// has one pending on the survivor already is dropped as the same request.
pub fn move_for_merge(conn: &mut DbConnection, from: &str, to: &str) -> Result<(), ApiError> {
    let pending_there: Vec<String> = c::table
        .filter(c::organization_id.eq(to))
        .filter(c::status.eq(ClaimStatus::Pending.as_str()))
        .select(c::user_id)
        .load(conn)?;
    diesel::delete(
        c::table
            .filter(c::organization_id.eq(from))
            .filter(c::status.eq(ClaimStatus::Pending.as_str()))
            .filter(c::user_id.eq_any(&pending_there)),
    )
    .execute(conn)?;
    diesel::update(c::table.filter(c::organization_id.eq(from)))
        .set(c::organization_id.eq(to))
        .execute(conn)?;
    Ok(())
}
