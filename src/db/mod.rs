//! Storage: the only module that knows diesel and SQL.
//!
//! One code base serves SQLite (the embedded default) and PostgreSQL (production) through a
//! diesel `MultiConnection`; the backend is picked from the URL scheme, never guessed.

pub mod api_keys;
pub mod audit;
pub mod buyer_matches;
pub mod buyer_requests;
pub mod buyer_stats;
pub mod facet_facts;
pub mod items;
pub mod match_profiles;
pub mod matching;
mod migrations;
pub mod organizations;
pub(crate) mod pool;
pub mod programmes;
pub mod reference;
pub mod representations;
pub mod schema;
pub mod search;
pub mod sessions;
pub mod signing_keys;
pub mod sql;
pub mod throttle;
pub mod users;

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

/// Like [`run`], inside one transaction: everything `work` writes lands, or nothing does.
pub async fn transaction<T, F>(pool: &Pool, work: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    run(pool, move |conn| conn.transaction(work)).await
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
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::ClosedConnection,
                info,
            ) => ApiError::unavailable(info.message()),
            other => ApiError::internal(other),
        }
    }
}
