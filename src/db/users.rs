//! Users: accounts of people who log in.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{sessions, users};
use crate::error::ApiError;

/// A stored user.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: String,
    pub email: String,
    pub password_hash: String,
    pub role: String,
    pub organization_id: Option<String>,
    pub active: bool,
    pub token_generation: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A user to create; the email is already normalised and the password hashed.
#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser {
    pub id: String,
    pub email: String,
    pub password_hash: String,
    pub role: String,
    pub organization_id: Option<String>,
    pub active: bool,
    pub token_generation: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Administrative changes to a user; `None` leaves a field as it is.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = users)]
pub struct UserChanges {
    pub role: Option<String>,
    pub active: Option<bool>,
    pub organization_id: Option<Option<String>>,
}

pub fn count(conn: &mut DbConnection) -> Result<i64, ApiError> {
    Ok(users::table.count().get_result(conn)?)
}

/// Inserts a user; an email already taken is a 409.
pub fn insert(conn: &mut DbConnection, user: &NewUser) -> Result<UserRow, ApiError> {
    diesel::insert_into(users::table)
        .values(user)
        .execute(conn)
        .map_err(|e| match e {
            diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _) => {
                ApiError::Conflict("A user with this email already exists.".into())
            }
            other => other.into(),
        })?;
    find(conn, &user.id)?.ok_or(ApiError::NotFound)
}

/// The id of the organization a user is bound to, named by its id or slug: a 422 when the
/// directory has no such organization, since a representative's rights follow the binding.
pub fn bound_organization(conn: &mut DbConnection, key: Option<String>) -> Result<Option<String>, ApiError> {
    let Some(key) = key else { return Ok(None) };
    let found = super::organizations::find(conn, &key)?
        .ok_or_else(|| ApiError::invalid("organization_id", "no such organization"))?;
    Ok(Some(found.id))
}

pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<UserRow>, ApiError> {
    Ok(users::table
        .find(id)
        .select(UserRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn find_by_email(conn: &mut DbConnection, email: &str) -> Result<Option<UserRow>, ApiError> {
    Ok(users::table
        .filter(users::email.eq(email))
        .select(UserRow::as_select())
        .first(conn)
        .optional()?)
}

/// One page of users in creation order (ids are time-ordered), after the id `after`.
pub fn list(conn: &mut DbConnection, after: Option<&str>, limit: i64) -> Result<Vec<UserRow>, ApiError> {
    let mut query = users::table
        .select(UserRow::as_select())
        .order(users::id)
        .limit(limit)
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(users::id.gt(after.to_owned()));
    }
    Ok(query.load(conn)?)
}

/// Applies `changes`; deactivating a user also ends every session and access token of theirs.
/// Run inside a write transaction, so that both land together.
pub fn update(
    conn: &mut DbConnection,
    id: &str,
    changes: &UserChanges,
    now: NaiveDateTime,
) -> Result<UserRow, ApiError> {
    let updated = diesel::update(users::table.find(id))
        .set((changes, users::updated_at.eq(now)))
        .execute(conn)?;
    if updated == 0 {
        return Err(ApiError::NotFound);
    }
    if changes.active == Some(false) {
        end_all_sessions(conn, id, now)?;
        super::api_keys::revoke_for_user(conn, id, now)?;
    }
    find(conn, id)?.ok_or(ApiError::NotFound)
}

/// Replaces the password hash and ends every session and access token of the user. Run
/// inside a write transaction, so that both land together.
pub fn set_password(
    conn: &mut DbConnection,
    id: &str,
    hash: &str,
    now: NaiveDateTime,
) -> Result<(), ApiError> {
    diesel::update(users::table.find(id))
        .set((users::password_hash.eq(hash), users::updated_at.eq(now)))
        .execute(conn)?;
    end_all_sessions(conn, id, now)
}

/// Raises the user's token generation: every access token already issued is refused from
/// the next request on, while refresh tokens keep working (their holders get new ones).
pub fn end_access_tokens(conn: &mut DbConnection, id: &str) -> Result<(), ApiError> {
    diesel::update(users::table.find(id))
        .set(users::token_generation.eq(users::token_generation + 1))
        .execute(conn)?;
    Ok(())
}

/// Revokes the user's refresh tokens and raises their token generation, which invalidates
/// every access token already issued.
fn end_all_sessions(conn: &mut DbConnection, id: &str, now: NaiveDateTime) -> Result<(), ApiError> {
    end_access_tokens(conn, id)?;
    diesel::update(
        sessions::table
            .filter(sessions::user_id.eq(id))
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(now))
    .execute(conn)?;
    Ok(())
}
