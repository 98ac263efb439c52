//! The connection pool, with per-backend connection set-up.

use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::r2d2::{self, ManageConnection};
use diesel::{Connection, ConnectionError, PgConnection, SqliteConnection};

use super::DbConnection;
use crate::config::DatabaseUrl;

/// The shared pool of connections.
pub type Pool = r2d2::Pool<Manager>;
/// A connection checked out of the pool.
pub type PooledConnection = r2d2::PooledConnection<Manager>;

/// How long a request waits for a free connection before it is answered 503.
const CHECKOUT_TIMEOUT: Duration = Duration::from_secs(5);

/// Durability and integrity settings every SQLite connection needs: WAL for concurrent readers,
/// `synchronous=FULL` so an acknowledged write survives a power loss, foreign keys enforced, and
/// a busy timeout so that concurrent writers wait instead of failing.
const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; \
     PRAGMA synchronous = FULL; \
     PRAGMA foreign_keys = ON; \
     PRAGMA busy_timeout = 5000;";

/// PostgreSQL connections abandon a statement after this long, so that a burst of expensive
/// queries cannot hold every connection (the request gets a 503 instead).
pub(super) const POSTGRES_SETTINGS: &str = "SET statement_timeout = '10s'";

/// Run once at start-up on SQLite: gathers planner statistics where they are missing or stale
/// (sampled, so it stays fast on large files). Without them SQLite may drive a filtered list
/// from the wrong index and take seconds instead of milliseconds.
pub const SQLITE_OPTIMIZE: &str = "PRAGMA analysis_limit = 1000; PRAGMA optimize = 0x10002;";

/// Opens connections of the backend the URL names.
#[derive(Debug)]
pub struct Manager {
    url: DatabaseUrl,
}

/// Why a connection could not be made or kept.
#[derive(Debug, thiserror::Error)]
pub enum PoolError {
    /// The database refused or could not be reached.
    #[error(transparent)]
    Connection(#[from] ConnectionError),
    /// A query on a fresh or checked-out connection failed.
    #[error(transparent)]
    Query(#[from] diesel::result::Error),
    /// The SQLite file's folder could not be created.
    #[error("cannot create the database folder: {0}")]
    Folder(#[from] std::io::Error),
}

impl ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = PoolError;

    fn connect(&self) -> Result<DbConnection, PoolError> {
        match &self.url {
            DatabaseUrl::Postgres(url) => {
                let mut conn = PgConnection::establish(url)?;
                conn.batch_execute(POSTGRES_SETTINGS)?;
                Ok(DbConnection::Postgresql(conn))
            }
            DatabaseUrl::Sqlite(path) => {
                let mut conn = SqliteConnection::establish(&path.to_string_lossy())?;
                conn.batch_execute(SQLITE_PRAGMAS)?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), PoolError> {
        Ok(conn.batch_execute("SELECT 1")?)
    }

    fn has_broken(&self, _conn: &mut DbConnection) -> bool {
        false
    }
}

/// Logs the pool's background connection failures instead of printing them to stderr.
#[derive(Debug)]
struct LogErrors;

impl r2d2::HandleError<PoolError> for LogErrors {
    fn handle_error(&self, error: PoolError) {
        tracing::warn!(%error, "database connection failed");
    }
}

/// Builds the pool and opens its first connection, so that a wrong URL fails at start-up.
/// A SQLite file's folder is created when missing.
pub fn connect(url: &DatabaseUrl, size: u32) -> Result<Pool, PoolError> {
    if let DatabaseUrl::Sqlite(path) = url
        && let Some(folder) = path.parent().filter(|p| !p.as_os_str().is_empty())
    {
        std::fs::create_dir_all(folder)?;
    }
    let manager = Manager { url: url.clone() };
    // Fail fast on a bad URL with the real cause, which r2d2's timeout error would hide.
    manager.connect()?;
    let pool = r2d2::Pool::builder()
        .max_size(size)
        .min_idle(Some(1))
        .connection_timeout(CHECKOUT_TIMEOUT)
        .error_handler(Box::new(LogErrors))
        .build_unchecked(manager);
    Ok(pool)
}
