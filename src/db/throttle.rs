//! Failed-login counters, in the database so that every instance shares them.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{Integer, Text, Timestamp};

use super::DbConnection;
use super::schema::login_throttle;
use crate::error::ApiError;

/// A counter as one attempt left it.
#[derive(QueryableByName)]
pub struct Counter {
    /// Attempts counted in the window, this one included.
    #[diesel(sql_type = Integer)]
    pub failures: i32,
    /// When the window started.
    #[diesel(sql_type = Timestamp)]
    pub window_started_at: NaiveDateTime,
}

/// Counts one attempt before its password is checked and answers the counter as it now
/// stands; a window that started before `window_start_cutoff` starts over. One statement, so
/// that of any number of concurrent attempts, on any number of instances, each sees its own
/// rank and no two see the same.
pub fn reserve(
    conn: &mut DbConnection,
    scope_key: &str,
    now: NaiveDateTime,
    window_start_cutoff: NaiveDateTime,
) -> Result<Counter, ApiError> {
    Ok(diesel::sql_query(
        "INSERT INTO login_throttle (scope_key, failures, window_started_at) VALUES ($1, 1, $2) \
         ON CONFLICT (scope_key) DO UPDATE SET \
           failures = CASE WHEN login_throttle.window_started_at < $3 THEN 1 \
                           ELSE login_throttle.failures + 1 END, \
           window_started_at = CASE WHEN login_throttle.window_started_at < $3 THEN $2 \
                                    ELSE login_throttle.window_started_at END \
         RETURNING failures, window_started_at",
    )
    .bind::<Text, _>(scope_key)
    .bind::<Timestamp, _>(now)
    .bind::<Timestamp, _>(window_start_cutoff)
    .get_result(conn)?)
}

/// Gives back one attempt that turned out to be the right password, so that successful
/// logins from a shared address never count toward its limit.
pub fn release(conn: &mut DbConnection, scope_key: &str) -> Result<(), ApiError> {
    diesel::sql_query(
        "UPDATE login_throttle SET failures = failures - 1 WHERE scope_key = $1 AND failures > 0",
    )
    .bind::<Text, _>(scope_key)
    .execute(conn)?;
    Ok(())
}

/// Forgets the failures of a scope (after a successful login).
pub fn clear(conn: &mut DbConnection, scope_key: &str) -> Result<(), ApiError> {
    diesel::delete(login_throttle::table.find(scope_key)).execute(conn)?;
    Ok(())
}
