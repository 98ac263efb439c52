//! Storage: the only module that knows diesel and SQL.
//!
//! One code base serves SQLite (the embedded default) and PostgreSQL (production) through a
//! diesel `MultiConnection`; the backend is picked from the URL scheme, never guessed.

pub mod api_keys;
pub mod audit;
pub mod backfills;
pub mod buyer_matches;
pub mod buyer_requests;
pub mod buyer_stats;
pub mod claims;
pub mod directory_stats;
pub mod dismissals;
pub mod duplicates;
pub mod facet_facts;
pub mod import_events;
pub mod imports;
pub mod items;
pub mod match_profiles;
pub mod matching;
pub mod merges;
mod migrations;
pub mod one_time_tokens;
pub mod organizations;
pub(crate) mod pool;
pub mod programmes;
pub mod proposals;
pub mod reference;
pub mod representations;
pub mod reviews;
pub mod schema;
pub mod search;
pub mod security_events;
pub mod sessions;
pub mod shortlists;
pub mod signing_keys;
pub mod sql;
pub mod strategy;
pub mod strategy_parts;
pub mod throttle;
pub mod users;
pub mod verifications;

use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::{PgConnection, SqliteConnection};

pub use migrations::{FIRST_MIGRATION, run_pending as run_migrations};
pub use pool::{Pool, PooledConnection, connect};

use crate::error::ApiError;

/// A connection to either backend.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    /// A PostgreSQL connection.
    Postgresql(PgConnection),
    /// A SQLite connection.
    Sqlite(SqliteConnection),
}

/// Which database engine a connection talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite, embedded.
    Sqlite,
    /// PostgreSQL, over the network.
    Postgres,
}

impl DbConnection {
    /// The engine behind this connection.
    pub fn backend(&self) -> Backend {
        match self {
            DbConnection::Postgresql(_) => Backend::Postgres,
            DbConnection::Sqlite(_) => Backend::Sqlite,
        }
    }
}

/// Inserts many rows in multi-row statements of `CHUNK` rows. Multi-row inserts do not go
/// through the `MultiConnection` enum, so this picks the concrete connection.
macro_rules! batch_insert {
    ($conn:expr, $table:expr, $rows:expr) => {{
        const CHUNK: usize = 400;
        let mut written = 0;
        for chunk in $rows.chunks(CHUNK) {
            written += match &mut *$conn {
                $crate::db::DbConnection::Postgresql(c) => {
                    diesel::insert_into($table).values(chunk).execute(c)
                }
                $crate::db::DbConnection::Sqlite(c) => diesel::insert_into($table).values(chunk).execute(c),
            }?;
        }
        Ok::<usize, $crate::error::ApiError>(written)
    }};
}
pub(crate) use batch_insert;

/// The current time as stored: UTC, to the microsecond, which both backends keep exactly.
pub fn now() -> chrono::NaiveDateTime {
    use chrono::{DurationRound, TimeDelta};
    let now = chrono::Utc::now().naive_utc();
    now.duration_trunc(TimeDelta::microseconds(1)).unwrap_or(now)
}

/// Runs `work` with a pooled connection on the blocking thread pool, inside the caller's span,
/// so that diesel never stalls an async worker and its log lines keep the request id.
pub async fn run<T, F>(pool: &Pool, work: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    let _turn = pool.turn().await?;
    let pool = pool.clone();
    let span = tracing::Span::current();
    actix_web::web::block(move || {
        let _entered = span.enter();
        let mut conn = pool.get().map_err(ApiError::unavailable)?;
        let done = work(&mut conn);
        // A refusal of the request (404, 409, 422…) says nothing of the connection; a fault may.
        if let Err(ApiError::Internal(_) | ApiError::Unavailable(_)) = done {
            conn.doubt();
        }
        done
    })
    .await
    .map_err(ApiError::internal)?
}

/// Like [`run`], inside one write transaction: everything `work` writes lands, or nothing
/// does. Every write of a request goes through here: on SQLite it first waits its turn among
/// this server's writers, in arrival order, then takes the write lock at `BEGIN`.
pub async fn transaction<T, F>(pool: &Pool, work: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    let _writer = pool.write_turn().await?;
    run(pool, move |conn| write_transaction(conn, work)).await
}

/// Runs `work` in a write transaction on a connection already held. On SQLite it begins
/// with `BEGIN IMMEDIATE`: a deferred transaction that has read cannot wait for the write
/// lock (SQLite answers `SQLITE_BUSY` at once rather than risk a deadlock), where an
/// immediate one waits on `busy_timeout` like any other writer.
pub fn write_transaction<T, F>(conn: &mut DbConnection, work: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut DbConnection) -> Result<T, ApiError>,
{
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    type Manager = <DbConnection as Connection>::TransactionManager;
    match conn {
        DbConnection::Sqlite(c) => AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?,
        DbConnection::Postgresql(c) => AnsiTransactionManager::begin_transaction(c)?,
    }
    match work(conn) {
        Ok(value) => {
            Manager::commit_transaction(conn)?;
            Ok(value)
        }
        Err(refused) => match Manager::rollback_transaction(conn) {
            Ok(()) | Err(diesel::result::Error::BrokenTransactionManager) => Err(refused),
            Err(failed) => Err(failed.into()),
        },
    }
}

/// Holds row `id` of `table` until the transaction ends, so that a decision taken on what was
/// read cannot be overtaken by a concurrent transaction: PostgreSQL's `FOR UPDATE`; on SQLite
/// the write transaction already holds the whole database.
pub fn hold_row(conn: &mut DbConnection, table: &'static str, id: &str) -> Result<(), ApiError> {
    if let DbConnection::Postgresql(pg) = conn {
        diesel::sql_query(format!("SELECT 1 FROM {table} WHERE id = $1 FOR UPDATE"))
            .bind::<diesel::sql_types::Text, _>(id)
            .execute(pg)?;
    }
    Ok(())
}

/// Refreshes the query planner's statistics after a bulk load. On PostgreSQL it also merges
/// the pending entries of GIN indexes, which every search would otherwise scan one by one; at
/// a million firms that outlasts the timeout meant for requests, so it is lifted here.
pub fn analyze(conn: &mut DbConnection) -> Result<(), ApiError> {
    match conn.backend() {
        Backend::Sqlite => conn.batch_execute("ANALYZE")?,
        Backend::Postgres => conn.transaction(|conn| {
            conn.batch_execute(
                "SET LOCAL statement_timeout = 0; ANALYZE; \
                 SELECT gin_clean_pending_list(c.oid) FROM pg_class c JOIN pg_am a ON a.oid = c.relam \
                 WHERE a.amname = 'gin' AND c.relnamespace = current_schema()::regnamespace",
            )
        })?,
    }
    Ok(())
}

/// Whether the database answers a query that reads a table within `timeout`. Reading a table
/// (not just `SELECT 1`) also catches a SQLite file locked by another process.
pub async fn ping(pool: &Pool, timeout: Duration) -> Result<(), ApiError> {
    let pool = pool.clone();
    let check = actix_web::web::block(move || -> Result<(), ApiError> {
        let mut conn = pool.get_timeout(timeout).map_err(ApiError::unavailable)?;
        conn.batch_execute("SELECT count(*) FROM __diesel_schema_migrations")
            .map_err(|failure| {
                conn.doubt();
                ApiError::unavailable(failure)
            })
    });
    match tokio::time::timeout(timeout, check).await {
        Ok(Ok(result)) => result,
        Ok(Err(join)) => Err(ApiError::internal(join)),
        Err(_) => Err(ApiError::unavailable("database did not answer in time")),
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(err: diesel::result::Error) -> Self {
        match err {
            diesel::result::Error::NotFound => ApiError::NotFound,
            diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _) => {
                ApiError::Conflict("A record with the same unique value already exists.".into())
            }
            diesel::result::Error::DatabaseError(_, info) if info.message().contains("statement timeout") => {
                ApiError::unavailable(info.message())
            }
            // A deadlock or serialization failure aborts one transaction whole; retrying it
            // succeeds, so the caller is told to.
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::SerializationFailure,
                info,
            ) => ApiError::unavailable(info.message()),
            diesel::result::Error::DatabaseError(_, info) if info.message().contains("deadlock detected") => {
                ApiError::unavailable(info.message())
            }
            // SQLITE_BUSY or SQLITE_LOCKED past `busy_timeout` (another process holds the
            // write lock): the caller may retry, so 503 with Retry-After, never 500.
            diesel::result::Error::DatabaseError(_, info)
                if info.message().contains("database is locked")
                    || info.message().contains("database table is locked")
                    || info.message().contains("database is busy") =>
            {
                ApiError::unavailable(info.message())
            }
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::ClosedConnection,
                info,
            ) => ApiError::unavailable(info.message()),
            other => ApiError::internal(other),
        }
    }
}
