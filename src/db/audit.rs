//! The audit trail: who changed what, when, before and after. Written by the same transaction
//! as the change it records.

use std::collections::HashSet;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::DbConnection;
use super::schema::audit_events;
use crate::domain::caller::{Caller, CallerKind};
use crate::error::ApiError;

/// One change, ready to record.
pub struct Change<'a> {
    /// Who made it.
    pub actor: &'a Caller,
    /// What kind of record: organization, capability, …
    pub entity_kind: &'static str,
    /// The record's id.
    pub entity_id: &'a str,
    /// The organization the record belongs to, if any.
    pub organization_id: Option<&'a str>,
    /// The programme the record belongs to, if any.
    pub programme_id: Option<&'a str>,
    /// The buyer request the record belongs to, if any.
    pub buyer_request_id: Option<&'a str>,
    /// created, updated, deleted, published, …
    pub action: &'a str,
}

/// A stored event.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_events)]
pub struct EventRow {
    pub position: i64,
    pub occurred_at: NaiveDateTime,
    pub actor_id: String,
    pub actor_kind: String,
    pub entity_kind: String,
    pub entity_id: String,
    pub organization_id: Option<String>,
    pub programme_id: Option<String>,
    pub action: String,
    pub before_state: Option<String>,
    pub after_state: Option<String>,
    pub buyer_request_id: Option<String>,
    pub import_id: Option<String>,
}

/// The transaction-scoped advisory lock under which PostgreSQL positions are drawn.
const FEED_LOCK: i64 = 0x616e_6e75_6169_0001; // "annuai" and 1: not the migrations' key

/// Makes the positions this transaction draws come after those of every transaction that
/// committed before it, and before those of every transaction that commits after it: the
/// change feed and the in-memory indexes read the trail by position and must never pass a
/// position that a slower transaction could still fill in.
///
/// A sequence alone hands positions out before commit, so on PostgreSQL the position is
/// drawn under a transaction-scoped advisory lock, held until this transaction ends: the
/// next writer draws its position only once this one is visible or rolled back. On SQLite a
/// write transaction holds the database's one write lock from `BEGIN IMMEDIATE` to its end,
/// which orders positions the same way. Call it only inside a write transaction, after the
/// transaction's other writes (a row lock taken while holding it could deadlock).
pub(super) fn in_commit_order(conn: &mut DbConnection) -> Result<(), ApiError> {
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    if let DbConnection::Postgresql(pg) = conn {
        let depth = AnsiTransactionManager::transaction_manager_status_mut(pg).transaction_depth()?;
        if depth.is_none() {
            return Err(ApiError::internal("an audit event written outside a transaction"));
        }
        diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
            .bind::<diesel::sql_types::BigInt, _>(FEED_LOCK)
            .execute(pg)?;
    }
    Ok(())
}

/// The stored name of the kind of caller `actor` is.
pub(super) fn actor_kind(actor: &Caller) -> &'static str {
    match actor.kind {
        CallerKind::User => "user",
        CallerKind::ApiKey => "api_key",
        CallerKind::System => "system",
    }
}

/// Records `change` with the states before and after (absent for creations and deletions).
pub fn record<T: Serialize>(
    conn: &mut DbConnection,
    change: Change<'_>,
    before: Option<&T>,
    after: Option<&T>,
) -> Result<(), ApiError> {
    let state = |value: Option<&T>| {
        value
            .map(serde_json::to_string)
            .transpose()
            .map_err(ApiError::internal)
    };
    if super::import_events::staged(conn, change.actor) {
        let event = super::import_events::Staged {
            actor_kind: actor_kind(change.actor),
            entity_kind: change.entity_kind,
            entity_id: change.entity_id,
            organization_id: change.organization_id,
            programme_id: change.programme_id,
            buyer_request_id: change.buyer_request_id,
            action: change.action,
            before: state(before)?,
            after: state(after)?,
        };
        return super::import_events::stage(conn, change.actor, &[event]);
    }
    in_commit_order(conn)?;
    diesel::insert_into(audit_events::table)
        .values((
            audit_events::occurred_at.eq(super::now()),
            audit_events::actor_id.eq(&change.actor.id),
            audit_events::actor_kind.eq(actor_kind(change.actor)),
            audit_events::entity_kind.eq(change.entity_kind),
            audit_events::entity_id.eq(change.entity_id),
            audit_events::organization_id.eq(change.organization_id),
            audit_events::programme_id.eq(change.programme_id),
            audit_events::buyer_request_id.eq(change.buyer_request_id),
            audit_events::action.eq(change.action),
            audit_events::before_state.eq(state(before)?),
            audit_events::after_state.eq(state(after)?),
            audit_events::import_id.eq(change.actor.import_id.as_deref()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Erases the states before and after from every event of one record (personal data being
/// deleted); the events themselves stay. Run inside the deleting transaction.
pub fn erase_states(conn: &mut DbConnection, entity_kind: &str, entity_id: &str) -> Result<(), ApiError> {
    diesel::update(
        audit_events::table
            .filter(audit_events::entity_kind.eq(entity_kind))
            .filter(audit_events::entity_id.eq(entity_id)),
    )
    .set((
        audit_events::before_state.eq(None::<String>),
        audit_events::after_state.eq(None::<String>),
    ))
    .execute(conn)?;
    Ok(())
}

/// The events of organizations and their records (one, with those merged into it), oldest
/// first, after `after`.
pub fn of_organization(
    conn: &mut DbConnection,
    organization_ids: &[String],
    after: Option<i64>,
    limit: i64,
) -> Result<Vec<EventRow>, ApiError> {
    Ok(audit_events::table
        .filter(audit_events::organization_id.eq_any(organization_ids))
        .filter(audit_events::position.gt(after.unwrap_or(0)))
        .order(audit_events::position)
        .limit(limit)
        .select(EventRow::as_select())
        .load(conn)?)
}

/// The events of one entity (a strategy entry), oldest first, after `after`.
pub fn of_entity(
    conn: &mut DbConnection,
    entity_id: &str,
    after: Option<i64>,
    limit: i64,
) -> Result<Vec<EventRow>, ApiError> {
    Ok(audit_events::table
        .filter(audit_events::entity_id.eq(entity_id))
        .filter(audit_events::position.gt(after.unwrap_or(0)))
        .order(audit_events::position)
        .limit(limit)
        .select(EventRow::as_select())
        .load(conn)?)
}

/// The events of a buyer request and its matches, oldest first, after `after`.
pub fn of_buyer_request(
    conn: &mut DbConnection,
    request_id: &str,
    after: Option<i64>,
    limit: i64,
) -> Result<Vec<EventRow>, ApiError> {
    Ok(audit_events::table
        .filter(audit_events::buyer_request_id.eq(request_id))
        .filter(audit_events::position.gt(after.unwrap_or(0)))
        .order(audit_events::position)
        .limit(limit)
        .select(EventRow::as_select())
        .load(conn)?)
}

/// An event of the change feed: its position, what it concerns and the action.
#[derive(Debug, Clone)]
pub struct FeedEvent {
    /// Its position.
    pub position: i64,
    /// The organization concerned (the organization or one of its records), if any.
    pub organization_id: Option<String>,
    /// The kind of record written.
    pub entity_kind: String,
    /// The record's id.
    pub entity_id: String,
    /// created, updated, published, …
    pub action: String,
}

/// A page of the feed's events after `after`, in position order: those that concern
/// organizations when `organizations`, and those of the entities of `entity_kinds` that
/// belong to no organization (the strategy's entries).
pub fn feed_events(
    conn: &mut DbConnection,
    after: i64,
    limit: i64,
    organizations: bool,
    entity_kinds: &[&str],
) -> Result<Vec<FeedEvent>, ApiError> {
    use audit_events as a;
    let mut query = a::table
        .filter(a::position.gt(after))
        .order(a::position)
        .limit(limit)
        .select((
            a::position,
            a::organization_id,
            a::entity_kind,
            a::entity_id,
            a::action,
        ))
        .into_boxed();
    let entries = a::organization_id
        .is_null()
        .and(a::entity_kind.eq_any(entity_kinds.to_vec()));
    query = match (organizations, entity_kinds.is_empty()) {
        (true, true) => query.filter(a::organization_id.is_not_null()),
        (true, false) => query.filter(a::organization_id.is_not_null().or(entries)),
        (false, _) => query.filter(entries),
    };
    let rows: Vec<(i64, Option<String>, String, String, String)> = query.load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(position, organization_id, entity_kind, entity_id, action)| FeedEvent {
                position,
                organization_id,
                entity_kind,
                entity_id,
                action,
            },
        )
        .collect())
}

/// Which of these entities were ever readable by partners: published, or created published.
pub fn ever_public(conn: &mut DbConnection, entity_ids: &[&str]) -> Result<HashSet<String>, ApiError> {
    let rows: Vec<(String, String, Option<String>)> = audit_events::table
        .filter(audit_events::entity_id.eq_any(entity_ids))
        .filter(audit_events::action.eq_any(["created", "published"]))
        .select((
            audit_events::entity_id,
            audit_events::action,
            audit_events::after_state,
        ))
        .load(conn)?;
    let published = |state: &Option<String>| {
        state
            .as_deref()
            .and_then(|s| serde_json::from_str::<serde_json::Value>(s).ok())
            .is_some_and(|v| v["visibility"] == "published")
    };
    Ok(rows
        .into_iter()
        .filter(|(_, action, state)| action == "published" || published(state))
        .map(|(id, _, _)| id)
        .collect())
}

/// Which of these organizations were ever published.
pub fn ever_published(conn: &mut DbConnection, organization_ids: &[&str]) -> Result<Vec<String>, ApiError> {
    Ok(audit_events::table
        .filter(audit_events::organization_id.eq_any(organization_ids))
        .filter(audit_events::entity_kind.eq(super::organizations::KIND))
        .filter(audit_events::action.eq("published"))
        .select(audit_events::organization_id.assume_not_null())
        .distinct()
        .load(conn)?)
}

/// An event of a bulk write, with its states already serialised.
pub struct NewEvent<'a> {
    /// What kind of record.
    pub entity_kind: &'static str,
    /// The record's id.
    pub entity_id: &'a str,
    /// The organization it belongs to.
    pub organization_id: &'a str,
    /// created, published, …
    pub action: &'static str,
    /// The state before, as JSON.
    pub before: Option<String>,
    /// The state after, as JSON.
    pub after: Option<String>,
}

/// Records many changes of one caller at once, in the order given, in multi-row statements.
pub fn record_many(conn: &mut DbConnection, actor: &Caller, events: &[NewEvent<'_>]) -> Result<(), ApiError> {
    if super::import_events::staged(conn, actor) {
        let staged: Vec<_> = events
            .iter()
            .map(|e| super::import_events::Staged {
                actor_kind: actor_kind(actor),
                entity_kind: e.entity_kind,
                entity_id: e.entity_id,
                organization_id: Some(e.organization_id),
                programme_id: None,
                buyer_request_id: None,
                action: e.action,
                before: e.before.clone(),
                after: e.after.clone(),
            })
            .collect();
        return super::import_events::stage(conn, actor, &staged);
    }
    let now = super::now();
    let kind = actor_kind(actor);
    let rows: Vec<_> = events
        .iter()
        .map(|e| {
            (
                audit_events::occurred_at.eq(now),
                audit_events::actor_id.eq(&actor.id),
                audit_events::actor_kind.eq(kind),
                audit_events::entity_kind.eq(e.entity_kind),
                audit_events::entity_id.eq(e.entity_id),
                audit_events::organization_id.eq(Some(e.organization_id)),
                audit_events::action.eq(e.action),
                audit_events::before_state.eq(e.before.as_deref()),
                audit_events::after_state.eq(e.after.as_deref()),
                audit_events::import_id.eq(actor.import_id.as_deref()),
            )
        })
        .collect();
    in_commit_order(conn)?;
    super::batch_insert!(conn, audit_events::table, rows)?;
    Ok(())
}

/// Records the creation of many organizations at once (synthetic data), without their states.
pub fn record_created_many(
    conn: &mut DbConnection,
    organization_ids: &[String],
    action: &str,
) -> Result<(), ApiError> {
    let now = super::now();
    let rows: Vec<_> = organization_ids
        .iter()
        .map(|id| {
            (
                audit_events::occurred_at.eq(now),
                audit_events::actor_id.eq("system"),
                audit_events::actor_kind.eq("system"),
                audit_events::entity_kind.eq(super::organizations::KIND),
                audit_events::entity_id.eq(id),
                audit_events::organization_id.eq(Some(id)),
                audit_events::action.eq(action),
            )
        })
        .collect();
    in_commit_order(conn)?;
    super::batch_insert!(conn, audit_events::table, rows)?;
    Ok(())
}
