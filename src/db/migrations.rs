//! Schema migrations, embedded in the binary: one folder per backend, with the same names.

use diesel::connection::SimpleConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use super::DbConnection;

const SQLITE: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Key of the PostgreSQL advisory lock that serialises migrations when several instances start
/// at once on one database.
const MIGRATION_LOCK: i64 = 0x616e_6e75_6169_7265; // "annuaire"

/// The version of the first migration: applying it means the database was new.
pub const FIRST_MIGRATION: &str = "20261129000001";

type MigrationError = Box<dyn std::error::Error + Send + Sync>;

/// Applies every pending migration and returns the versions applied.
pub fn run_pending(conn: &mut DbConnection) -> Result<Vec<String>, MigrationError> {
    let versions = |applied: Vec<_>| applied.iter().map(ToString::to_string).collect();
    match conn {
        DbConnection::Sqlite(conn) => {
            let applied = versions(conn.run_pending_migrations(SQLITE)?);
            conn.batch_execute(super::pool::SQLITE_OPTIMIZE)?;
            Ok(applied)
        }
        DbConnection::Postgresql(conn) => {
            // A migration may build an index over every row, and another instance may hold the
            // lock while it does: the per-request statement timeout is not for either.
            conn.batch_execute(&format!(
                "SET statement_timeout = 0; SELECT pg_advisory_lock({MIGRATION_LOCK})"
            ))?;
            let applied = conn.run_pending_migrations(POSTGRES).map(versions);
            conn.batch_execute(&format!(
                "SELECT pg_advisory_unlock({MIGRATION_LOCK}); {}",
                super::pool::POSTGRES_SETTINGS
            ))?;
            applied
        }
    }
}
