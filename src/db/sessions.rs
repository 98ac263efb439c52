//! Refresh-token sessions, stored as digests, grouped in families (one family per login).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::sessions;
use crate::error::ApiError;

/// A stored refresh token.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = sessions)]
pub struct SessionRow {
    pub id: String,
    pub family_id: String,
    pub user_id: String,
    pub token_hash: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut DbConnection, session: &SessionRow) -> Result<(), ApiError> {
    diesel::insert_into(sessions::table)
        .values(session)
        .execute(conn)?;
    Ok(())
}

pub fn find_by_hash(conn: &mut DbConnection, token_hash: &str) -> Result<Option<SessionRow>, ApiError> {
    Ok(sessions::table
        .filter(sessions::token_hash.eq(token_hash))
        .select(SessionRow::as_select())
        .first(conn)
        .optional()?)
}

/// Marks a live token used; `false` when another request used or revoked it first.
pub fn mark_used(conn: &mut DbConnection, id: &str, now: NaiveDateTime) -> Result<bool, ApiError> {
    let updated = diesel::update(
        sessions::table
            .find(id)
            .filter(sessions::used_at.is_null())
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::used_at.eq(now))
    .execute(conn)?;
    Ok(updated == 1)
}

/// When the login a session family belongs to happened: its first token's creation.
pub fn family_started(conn: &mut DbConnection, family_id: &str) -> Result<Option<NaiveDateTime>, ApiError> {
    Ok(sessions::table
        .filter(sessions::family_id.eq(family_id))
        .select(diesel::dsl::min(sessions::created_at))
        .first(conn)?)
}

/// Revokes every token of a login.
pub fn revoke_family(conn: &mut DbConnection, family_id: &str, now: NaiveDateTime) -> Result<(), ApiError> {
    diesel::update(
        sessions::table
            .filter(sessions::family_id.eq(family_id))
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(now))
    .execute(conn)?;
    Ok(())
}
