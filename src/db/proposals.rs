//! Storage of change proposals. Deciding is a guarded update (`status = 'pending'`), so that of
//! two curators deciding at once one wins and the other is told it was decided.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::change_proposals as p;
use crate::domain::caller::Caller;
use crate::domain::proposal::{CheckedProposal, Proposal, ProposalOperation, ProposalStatus, ProposalTarget};
use crate::error::ApiError;

/// A stored proposal, before its authors' emails and its conflict state are known.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = p)]
pub struct ProposalRow {
    /// Id.
    pub id: String,
    /// The organization.
    pub organization_id: String,
    target: String,
    operation: String,
    /// The record, for a record's update or removal.
    pub record_id: Option<String>,
    /// The version it was made against.
    pub base_version: Option<i32>,
    changes: Option<String>,
    comment: Option<String>,
    status: String,
    /// Its author's user id.
    pub proposed_by: String,
    /// When.
    pub proposed_at: NaiveDateTime,
    decided_by: Option<String>,
    decided_at: Option<NaiveDateTime>,
    decision_comment: Option<String>,
    applied_record_id: Option<String>,
}

impl ProposalRow {
    /// The target.
    pub fn target(&self) -> Result<ProposalTarget, ApiError> {
        ProposalTarget::parse(&self.target)
    }

    /// The operation.
    pub fn operation(&self) -> Result<ProposalOperation, ApiError> {
        ProposalOperation::parse(&self.operation)
    }

    /// The status.
    pub fn status(&self) -> Result<ProposalStatus, ApiError> {
        ProposalStatus::parse(&self.status)
    }

    /// Who decided or withdrew it.
    pub fn decider(&self) -> Option<&str> {
        self.decided_by.as_deref()
    }

    /// The patch or the new record's fields.
    pub fn changes(&self) -> Result<Option<serde_json::Value>, ApiError> {
        self.changes
            .as_deref()
            .map(serde_json::from_str)
            .transpose()
            .map_err(ApiError::internal)
    }

    /// The representation, with `in_conflict` as judged by the caller.
    pub fn into_proposal(
        self,
        emails: &HashMap<String, String>,
        in_conflict: bool,
        field_changes: Vec<crate::domain::review::FieldChange>,
    ) -> Result<Proposal, ApiError> {
        let author = |id: String| super::reviews::author(emails, id, "user");
        Ok(Proposal {
            target: self.target()?,
            operation: self.operation()?,
            status: self.status()?,
            changes: self.changes()?,
            id: self.id,
            organization_id: self.organization_id,
            record_id: self.record_id,
            base_version: self.base_version,
            comment: self.comment,
            in_conflict,
            field_changes,
            proposed_by: author(self.proposed_by),
            proposed_at: self.proposed_at.and_utc(),
            decided_by: self.decided_by.map(author),
            decided_at: self.decided_at.map(|at| at.and_utc()),
            decision_comment: self.decision_comment,
            applied_record_id: self.applied_record_id,
        })
    }
}

/// Stores a new pending proposal for `organization_id`; returns its id.
pub fn insert(
    conn: &mut DbConnection,
    organization_id: &str,
    proposal: &CheckedProposal,
    author: &Caller,
) -> Result<String, ApiError> {
    let id = uuid::Uuid::now_v7().to_string();
    let changes = proposal.changes.as_ref().map(serde_json::Value::to_string);
    diesel::insert_into(p::table)
        .values((
            p::id.eq(&id),
            p::organization_id.eq(organization_id),
            p::target.eq(proposal.target.as_str()),
            p::operation.eq(proposal.operation.as_str()),
            p::record_id.eq(&proposal.record_id),
            p::base_version.eq(proposal.base_version),
            p::changes.eq(changes),
            p::comment.eq(&proposal.comment),
            p::status.eq(ProposalStatus::Pending.as_str()),
            p::proposed_by.eq(&author.id),
            p::proposed_at.eq(super::now()),
        ))
        .execute(conn)?;
    Ok(id)
}

/// One proposal.
pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<ProposalRow>, ApiError> {
    Ok(p::table
        .find(id)
        .select(ProposalRow::as_select())
        .first(conn)
        .optional()?)
}

/// The proposals for one organization, newest first, at most `limit`.
pub fn of_organization(
    conn: &mut DbConnection,
    organization_id: &str,
    limit: i64,
) -> Result<Vec<ProposalRow>, ApiError> {
    Ok(p::table
        .filter(p::organization_id.eq(organization_id))
        .order((p::proposed_at.desc(), p::id.desc()))
        .limit(limit)
        .select(ProposalRow::as_select())
        .load(conn)?)
}

/// Up to `limit` pending proposals, oldest first, after the (time, id) key `after`.
pub fn pending(
    conn: &mut DbConnection,
    after: Option<&super::reviews::QueueKey>,
    limit: i64,
) -> Result<Vec<ProposalRow>, ApiError> {
    let mut query = p::table
        .filter(p::status.eq(ProposalStatus::Pending.as_str()))
        .into_boxed();
    if let Some((at, id)) = after {
        query = query.filter(
            p::proposed_at
                .gt(*at)
                .or(p::proposed_at.eq(*at).and(p::id.gt(id.clone()))),
        );
    }
    Ok(query
        .order((p::proposed_at, p::id))
        .limit(limit)
        .select(ProposalRow::as_select())
        .load(conn)?)
}

/// Records the decision on a pending proposal: a 409 when it was decided meanwhile.
pub fn decide(
    conn: &mut DbConnection,
    id: &str,
    status: ProposalStatus,
    comment: Option<&str>,
    applied_record_id: Option<&str>,
    by: &Caller,
) -> Result<(), ApiError> {
    let updated = diesel::update(
        p::table
            .find(id)
            .filter(p::status.eq(ProposalStatus::Pending.as_str())),
    )
    .set((
        p::status.eq(status.as_str()),
        p::decided_by.eq(&by.id),
        p::decided_at.eq(super::now()),
        p::decision_comment.eq(comment),
        p::applied_record_id.eq(applied_record_id),
    ))
    .execute(conn)?;
    match updated {
        1 => Ok(()),
        _ => Err(ApiError::Conflict("The proposal was decided already.".into())),
    }
}

/// Closes the pending proposals of an organization merged into another: they were made
/// against versions of an entry that no longer stands on its own.
pub fn close_for_merge(
    conn: &mut DbConnection,
    organization_id: &str,
    by: &Caller,
) -> Result<usize, ApiError> {
    Ok(diesel::update(
        p::table
            .filter(p::organization_id.eq(organization_id))
            .filter(p::status.eq(ProposalStatus::Pending.as_str())),
    )
    .set((
        p::status.eq(ProposalStatus::Rejected.as_str()),
        p::decided_by.eq(&by.id),
        p::decided_at.eq(super::now()),
        p::decision_comment.eq("The organization was merged into another; propose again there."),
    ))
    .execute(conn)?)
}
