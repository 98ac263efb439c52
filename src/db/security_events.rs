//! Security events, written by the transaction of what they describe (or, for an attempt
//! refused unchecked, a transaction of their own), read by administrators.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::security_events;
use crate::domain::security::SecurityEventKind;
use crate::error::ApiError;

/// An event as stored.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = security_events)]
pub struct EventRow {
    pub id: String,
    pub occurred_at: NaiveDateTime,
    pub kind: String,
    pub user_id: Option<String>,
    pub email: Option<String>,
    pub address: String,
    pub actor_id: Option<String>,
    pub detail: Option<String>,
}

/// An event to record: who it concerns, from where, who did it, and a short outcome.
#[derive(Debug, Clone, Default)]
pub struct NewEvent<'a> {
    /// The account concerned, when known.
    pub user_id: Option<&'a str>,
    /// The email tried, for logins (an unknown account has no id).
    pub email: Option<&'a str>,
    /// The client address, as the trusted-proxy rules derive it.
    pub address: &'a str,
    /// The user or key that acted, when not the account itself.
    pub actor_id: Option<&'a str>,
    /// A short outcome (`wrong_password`, `role: curator → admin`); never a secret.
    pub detail: Option<String>,
}

/// Records `event` of `kind`, now.
pub fn record(conn: &mut DbConnection, kind: SecurityEventKind, event: NewEvent<'_>) -> Result<(), ApiError> {
    let row = EventRow {
        id: uuid::Uuid::now_v7().to_string(),
        occurred_at: super::now(),
        kind: kind.as_str().to_owned(),
        user_id: event.user_id.map(str::to_owned),
        email: event.email.map(str::to_owned),
        address: event.address.to_owned(),
        actor_id: event.actor_id.map(str::to_owned),
        detail: event.detail,
    };
    diesel::insert_into(security_events::table)
        .values(&row)
        .execute(conn)?;
    Ok(())
}

/// What a listing is narrowed by.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    pub kinds: Vec<SecurityEventKind>,
    pub user_id: Option<String>,
    pub address: Option<String>,
    pub since: Option<NaiveDateTime>,
}

/// One page of events, newest first, before the id `before`.
pub fn list(
    conn: &mut DbConnection,
    filter: &EventFilter,
    before: Option<&str>,
    limit: i64,
) -> Result<Vec<EventRow>, ApiError> {
    let mut query = security_events::table
        .select(EventRow::as_select())
        .order(security_events::id.desc())
        .limit(limit)
        .into_boxed();
    if !filter.kinds.is_empty() {
        let kinds: Vec<&str> = filter.kinds.iter().map(|k| k.as_str()).collect();
        query = query.filter(security_events::kind.eq_any(kinds));
    }
    if let Some(user_id) = &filter.user_id {
        query = query.filter(security_events::user_id.eq(user_id.clone()));
    }
    if let Some(address) = &filter.address {
        query = query.filter(security_events::address.eq(address.clone()));
    }
    if let Some(since) = filter.since {
        query = query.filter(security_events::occurred_at.ge(since));
    }
    if let Some(before) = before {
        query = query.filter(security_events::id.lt(before.to_owned()));
    }
    Ok(query.load(conn)?)
}
