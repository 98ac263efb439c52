//! Derived data a migration queues (in `pending_backfills`) because SQL cannot compute it:
//! computed once when the service starts.

use diesel::prelude::*;

use super::DbConnection;
use super::schema::pending_backfills;
use crate::error::ApiError;

/// Runs `work` if a migration queued the backfill `name`: in one write transaction that holds
/// other starting instances off (a PostgreSQL advisory lock; SQLite's write lock), which also
/// removes the queue entry, so that it runs exactly once. Returns what `work` returns.
pub fn run_once(
    conn: &mut DbConnection,
    name: &str,
    work: impl FnOnce(&mut DbConnection) -> Result<usize, ApiError>,
) -> Result<usize, ApiError> {
    let queued = |conn: &mut DbConnection| -> Result<bool, ApiError> {
        let count: i64 = pending_backfills::table
            .filter(pending_backfills::name.eq(name))
            .count()
            .get_result(conn)?;
        Ok(count > 0)
    };
    if !queued(conn)? {
        return Ok(0);
    }
    super::write_transaction(conn, |conn| {
        if let DbConnection::Postgresql(pg) = conn {
            diesel::sql_query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
                .bind::<diesel::sql_types::Text, _>(format!("backfill:{name}"))
                .execute(pg)?;
        }
        // Another instance may have done it while this one waited.
        if !queued(conn)? {
            return Ok(0);
        }
        let done = work(conn)?;
        diesel::delete(pending_backfills::table.filter(pending_backfills::name.eq(name))).execute(conn)?;
        Ok(done)
    })
}
