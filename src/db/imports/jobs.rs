//! The imports table: one row per file sent, its state while it runs and its report after.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::error::ApiError;

diesel::table! {
    imports (id) {
        id -> Text,
        created_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        file_name -> Nullable<Text>,
        format -> Text,
        kind -> Nullable<Text>,
        mode -> Text,
        publish -> Bool,
        state -> Text,
        outcome -> Nullable<Text>,
        rows_total -> BigInt,
        rows_written -> BigInt,
        message -> Nullable<Text>,
        report -> Nullable<Text>,
    }
}

/// A stored import.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = imports)]
pub struct ImportRow {
    pub id: String,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub file_name: Option<String>,
    pub format: String,
    pub kind: Option<String>,
    pub mode: String,
    pub publish: bool,
    pub state: String,
    pub outcome: Option<String>,
    pub rows_total: i64,
    pub rows_written: i64,
    pub message: Option<String>,
    pub report: Option<String>,
}

/// What is known of an import when it is received.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = imports)]
pub struct NewImport {
    pub id: String,
    pub created_by: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub file_name: Option<String>,
    pub format: String,
    pub kind: Option<String>,
    pub mode: String,
    pub publish: bool,
    pub state: String,
}

/// Records an import as received.
pub fn start(conn: &mut DbConnection, new: &NewImport) -> Result<(), ApiError> {
    diesel::insert_into(imports::table).values(new).execute(conn)?;
    Ok(())
}

/// Moves an import to `state`, with the rows it holds once they are known.
pub fn update_state(conn: &mut DbConnection, id: &str, state: &str, rows_total: i64) -> Result<(), ApiError> {
    diesel::update(imports::table.find(id))
        .set((
            imports::state.eq(state),
            imports::rows_total.eq(rows_total),
            imports::updated_at.eq(crate::db::now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Records how an import ended. Run inside the import's own write transaction when it
/// commits, so that a file written is never shown as failed, nor the reverse.
pub fn finish(
    conn: &mut DbConnection,
    id: &str,
    state: &str,
    outcome: Option<&str>,
    rows_written: i64,
    message: Option<&str>,
    report: Option<&str>,
) -> Result<(), ApiError> {
    diesel::update(imports::table.find(id))
        .set((
            imports::state.eq(state),
            imports::outcome.eq(outcome),
            imports::rows_written.eq(rows_written),
            imports::message.eq(message),
            imports::report.eq(report),
            imports::updated_at.eq(crate::db::now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// One import.
pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<ImportRow>, ApiError> {
    Ok(imports::table
        .find(id)
        .select(ImportRow::as_select())
        .first(conn)
        .optional()?)
}

/// Imports newest first (ids are time-ordered), after the id `before`, reports left out.
pub fn list(conn: &mut DbConnection, before: Option<&str>, limit: i64) -> Result<Vec<ImportRow>, ApiError> {
    let mut query = imports::table.into_boxed();
    if let Some(before) = before {
        query = query.filter(imports::id.lt(before.to_owned()));
    }
    type Listed = (
        String,
        String,
        NaiveDateTime,
        NaiveDateTime,
        Option<String>,
        String,
        Option<String>,
        String,
        bool,
        String,
        Option<String>,
        i64,
        i64,
        Option<String>,
    );
    // Reports stay in the database: a list shows how each import ended, not every row.
    let rows: Vec<Listed> = query
        .order(imports::id.desc())
        .limit(limit)
        .select((
            imports::id,
            imports::created_by,
            imports::created_at,
            imports::updated_at,
            imports::file_name,
            imports::format,
            imports::kind,
            imports::mode,
            imports::publish,
            imports::state,
            imports::outcome,
            imports::rows_total,
            imports::rows_written,
            imports::message,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| ImportRow {
            id: r.0,
            created_by: r.1,
            created_at: r.2,
            updated_at: r.3,
            file_name: r.4,
            format: r.5,
            kind: r.6,
            mode: r.7,
            publish: r.8,
            state: r.9,
            outcome: r.10,
            rows_total: r.11,
            rows_written: r.12,
            message: r.13,
            report: None,
        })
        .collect())
}

/// Ends as failed every import a previous run of the server left unfinished. Its writes were
/// one transaction, which ended with that process, so nothing of it was written.
pub fn mark_interrupted(conn: &mut DbConnection) -> Result<usize, ApiError> {
    Ok(
        diesel::update(imports::table.filter(imports::state.eq_any(["queued", "validating", "writing"])))
            .set((
                imports::state.eq("failed"),
                imports::message.eq("Interrupted by a restart of the server; nothing was written."),
                imports::updated_at.eq(crate::db::now()),
            ))
            .execute(conn)?,
    )
}
