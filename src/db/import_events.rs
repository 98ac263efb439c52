//! The audit events of an import on PostgreSQL, staged in a temporary table until the import's
//! transaction is about to commit. Positions are drawn under a transaction-scoped lock (see
//! `audit::in_commit_order`) that every writer takes for its own events: drawn at the first
//! event, it would make every other writer wait for the whole import. Staged, the lock is
//! taken only to move the events, in their order, at the end. SQLite's write transaction holds
//! the one write lock anyway, so its events go straight in.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use super::DbConnection;
use crate::domain::caller::Caller;
use crate::error::ApiError;

diesel::table! {
    import_events (seq) {
        seq -> BigInt,
        occurred_at -> Timestamp,
        actor_id -> Text,
        actor_kind -> Text,
        entity_kind -> Text,
        entity_id -> Text,
        organization_id -> Nullable<Text>,
        programme_id -> Nullable<Text>,
        buyer_request_id -> Nullable<Text>,
        action -> Text,
        before_state -> Nullable<Text>,
        after_state -> Nullable<Text>,
        import_id -> Nullable<Text>,
    }
}

const CREATE: &str = "CREATE TEMP TABLE IF NOT EXISTS import_events (seq BIGSERIAL PRIMARY KEY, \
    occurred_at TIMESTAMP NOT NULL, actor_id TEXT NOT NULL, actor_kind TEXT NOT NULL, \
    entity_kind TEXT NOT NULL, entity_id TEXT NOT NULL, organization_id TEXT, programme_id TEXT, \
    buyer_request_id TEXT, action TEXT NOT NULL, before_state TEXT, after_state TEXT, \
    import_id TEXT) ON COMMIT DROP";

const COLUMNS: &str = "occurred_at, actor_id, actor_kind, entity_kind, entity_id, organization_id, \
    programme_id, buyer_request_id, action, before_state, after_state, import_id";

/// One event to stage.
pub struct Staged<'a> {
    pub actor_kind: &'static str,
    pub entity_kind: &'a str,
    pub entity_id: &'a str,
    pub organization_id: Option<&'a str>,
    pub programme_id: Option<&'a str>,
    pub buyer_request_id: Option<&'a str>,
    pub action: &'a str,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// Whether `actor`'s events wait in the stage: an import's, on PostgreSQL.
pub fn staged(conn: &DbConnection, actor: &Caller) -> bool {
    actor.import_id.is_some() && conn.backend() == super::Backend::Postgres
}

/// Adds events to the stage, in order.
pub fn stage(conn: &mut DbConnection, actor: &Caller, events: &[Staged<'_>]) -> Result<(), ApiError> {
    conn.batch_execute(CREATE)?;
    let now = super::now();
    let rows: Vec<_> = events
        .iter()
        .map(|e| {
            (
                import_events::occurred_at.eq(now),
                import_events::actor_id.eq(&actor.id),
                import_events::actor_kind.eq(e.actor_kind),
                import_events::entity_kind.eq(e.entity_kind),
                import_events::entity_id.eq(e.entity_id),
                import_events::organization_id.eq(e.organization_id),
                import_events::programme_id.eq(e.programme_id),
                import_events::buyer_request_id.eq(e.buyer_request_id),
                import_events::action.eq(e.action),
                import_events::before_state.eq(e.before.as_deref()),
                import_events::after_state.eq(e.after.as_deref()),
                import_events::import_id.eq(actor.import_id.as_deref()),
            )
        })
        .collect();
    super::batch_insert!(conn, import_events::table, rows)?;
    Ok(())
}

/// Moves the staged events into the audit trail, in the order they were staged, drawing their
/// positions now. Run last in the import's transaction; nothing on SQLite.
pub fn publish(conn: &mut DbConnection) -> Result<(), ApiError> {
    if conn.backend() != super::Backend::Postgres {
        return Ok(());
    }
    conn.batch_execute(CREATE)?;
    super::audit::in_commit_order(conn)?;
    conn.batch_execute(&format!(
        "INSERT INTO audit_events ({COLUMNS}) SELECT {COLUMNS} FROM import_events ORDER BY seq; \
         DROP TABLE import_events"
    ))?;
    Ok(())
}
