//! Failed-login counters, in the database so that every instance shares them.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{Integer, Text, Timestamp};

use super::DbConnection;
use super::schema::login_throttle;
use crate::error::ApiError;

/// The time a counter's window started and its failures so far.
pub fn state(conn: &mut DbConnection, scope_key: &str) -> Result<Option<(NaiveDateTime, i32)>, ApiError> {
    Ok(login_throttle::table
        .find(scope_key)
        .select((login_throttle::window_started_at, login_throttle::failures))
        .first(conn)
        .optional()?)
}

/// Counts one failure; a window that started before `window_start_cutoff` starts over.
/// One statement, so that concurrent failures are all counted.
pub fn record_failure(
    conn: &mut DbConnection,
    scope_key: &str,
    now: NaiveDateTime,
    window_start_cutoff: NaiveDateTime,
) -> Result<(), ApiError> {
    diesel::sql_query(
        "INSERT INTO login_throttle (scope_key, failures, window_started_at) VALUES ($1, $2, $3) \
         ON CONFLICT (scope_key) DO UPDATE SET \
           failures = CASE WHEN login_throttle.window_started_at < $4 THEN 1 \
                           ELSE login_throttle.failures + 1 END, \
           window_started_at = CASE WHEN login_throttle.window_started_at < $4 THEN $3 \
                                    ELSE login_throttle.window_started_at END",
    )
    .bind::<Text, _>(scope_key)
    .bind::<Integer, _>(1)
    .bind::<Timestamp, _>(now)
    .bind::<Timestamp, _>(window_start_cutoff)
    .execute(conn)?;
    Ok(())
}

/// Forgets the failures of a scope (after a successful login).
pub fn clear(conn: &mut DbConnection, scope_key: &str) -> Result<(), ApiError> {
    diesel::delete(login_throttle::table.find(scope_key)).execute(conn)?;
    Ok(())
}
