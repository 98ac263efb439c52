//! Invitations and password resets: one-time tokens kept as digests. Spending one is a single
//! conditional update, so that of two concurrent uses exactly one succeeds.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::one_time_tokens;
use crate::error::ApiError;

/// What a token is for.
pub const INVITATION: &str = "invitation";
/// See [`INVITATION`].
pub const PASSWORD_RESET: &str = "password_reset";

/// A stored token.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = one_time_tokens)]
pub struct TokenRow {
    pub id: String,
    pub purpose: String,
    pub token_hash: String,
    pub email: String,
    pub role: Option<String>,
    pub organization_id: Option<String>,
    pub user_id: Option<String>,
    pub created_by: Option<String>,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub used_at: Option<NaiveDateTime>,
}

/// Stores a new token; earlier unspent tokens of the same purpose for the same email stop
/// working, so that only the newest one sent can be used.
pub fn issue(conn: &mut DbConnection, row: &TokenRow) -> Result<(), ApiError> {
    diesel::delete(
        one_time_tokens::table
            .filter(one_time_tokens::purpose.eq(&row.purpose))
            .filter(one_time_tokens::email.eq(&row.email))
            .filter(one_time_tokens::used_at.is_null()),
    )
    .execute(conn)?;
    diesel::insert_into(one_time_tokens::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// The unspent, unexpired token of `purpose` with this digest.
pub fn find_usable(
    conn: &mut DbConnection,
    purpose: &str,
    token_hash: &str,
    now: NaiveDateTime,
) -> Result<Option<TokenRow>, ApiError> {
    Ok(one_time_tokens::table
        .filter(one_time_tokens::purpose.eq(purpose))
        .filter(one_time_tokens::token_hash.eq(token_hash))
        .filter(one_time_tokens::used_at.is_null())
        .filter(one_time_tokens::expires_at.gt(now))
        .select(TokenRow::as_select())
        .first(conn)
        .optional()?)
}

/// Spends the token `id` if it is still unspent and unexpired; `false` when another use won.
pub fn spend(conn: &mut DbConnection, id: &str, now: NaiveDateTime) -> Result<bool, ApiError> {
    let spent = diesel::update(
        one_time_tokens::table
            .filter(one_time_tokens::id.eq(id))
            .filter(one_time_tokens::used_at.is_null())
            .filter(one_time_tokens::expires_at.gt(now)),
    )
    .set(one_time_tokens::used_at.eq(now))
    .execute(conn)?;
    Ok(spent == 1)
}
