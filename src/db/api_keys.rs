//! API keys of partner portals, stored as digests.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{api_keys, users};
use crate::error::ApiError;

/// How stale `last_used_at` may get before a request refreshes it; spares a write per request.
const LAST_USED_RESOLUTION_SECONDS: i64 = 60;

/// A stored API key.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = api_keys)]
pub struct ApiKeyRow {
    pub id: String,
    pub prefix: String,
    pub key_hash: String,
    pub label: String,
    pub role: String,
    pub user_id: Option<String>,
    pub organization_id: Option<String>,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
    pub expires_at: Option<NaiveDateTime>,
    pub rate_limit_per_minute: Option<i32>,
    pub rate_limit_burst: Option<i32>,
}

pub fn insert(conn: &mut DbConnection, key: &ApiKeyRow) -> Result<(), ApiError> {
    diesel::insert_into(api_keys::table).values(key).execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<ApiKeyRow>, ApiError> {
    Ok(api_keys::table
        .find(id)
        .select(ApiKeyRow::as_select())
        .first(conn)
        .optional()?)
}

/// One page of keys in creation order, after the id `after`.
pub fn list(conn: &mut DbConnection, after: Option<&str>, limit: i64) -> Result<Vec<ApiKeyRow>, ApiError> {
    let mut query = api_keys::table
        .select(ApiKeyRow::as_select())
        .order(api_keys::id)
        .limit(limit)
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(api_keys::id.gt(after.to_owned()));
    }
    Ok(query.load(conn)?)
}

/// The live key with this digest (not revoked, not expired), whose owning user (if any) is
/// active; records its use.
pub fn authenticate(
    conn: &mut DbConnection,
    key_hash: &str,
    now: NaiveDateTime,
) -> Result<Option<ApiKeyRow>, ApiError> {
    let key: Option<ApiKeyRow> = api_keys::table
        .left_join(users::table.on(users::id.nullable().eq(api_keys::user_id)))
        .filter(api_keys::key_hash.eq(key_hash))
        .filter(api_keys::revoked_at.is_null())
        .filter(api_keys::expires_at.is_null().or(api_keys::expires_at.gt(now)))
        .filter(users::active.is_null().or(users::active.eq(true)))
        .select(ApiKeyRow::as_select())
        .first(conn)
        .optional()?;
    if let Some(key) = &key {
        let stale = now - chrono::Duration::seconds(LAST_USED_RESOLUTION_SECONDS);
        if key.last_used_at.is_none_or(|used| used < stale) {
            diesel::update(api_keys::table.find(&key.id))
                .set(api_keys::last_used_at.eq(now))
                .execute(conn)?;
        }
    }
    Ok(key)
}

/// Revokes a key; `false` when there is no such key.
pub fn revoke(conn: &mut DbConnection, id: &str, now: NaiveDateTime) -> Result<bool, ApiError> {
    let updated = diesel::update(api_keys::table.find(id).filter(api_keys::revoked_at.is_null()))
        .set(api_keys::revoked_at.eq(now))
        .execute(conn)?;
    Ok(updated == 1 || find(conn, id)?.is_some())
}

/// Revokes the keys made for a user (their own keys, not their organizations' portals), as
/// their deactivation does.
pub fn revoke_for_user(conn: &mut DbConnection, user_id: &str, now: NaiveDateTime) -> Result<(), ApiError> {
    diesel::update(
        api_keys::table
            .filter(api_keys::user_id.eq(user_id))
            .filter(api_keys::revoked_at.is_null()),
    )
    .set(api_keys::revoked_at.eq(now))
    .execute(conn)?;
    Ok(())
}
