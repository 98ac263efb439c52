//! Spreadsheet imports: a CSV file or an XLSX workbook read into rows, planned against the
//! directory with the API's own rules, and either reported (dry run) or written in one
//! transaction (commit). The HTTP routes and the command line both run it from here.

pub mod cells;
pub mod columns;
pub mod command;
mod commit;
pub mod jobs;
pub mod plan;
pub mod read;
pub mod records;
pub mod report;
pub mod sample;
pub mod template;

use columns::Sheet;
use read::{FileFormat, Table};
use report::{Outcome, Problem, Report};

use crate::db::imports::NewImport;
use crate::db::{self, DbConnection};
use crate::domain::caller::Caller;
use crate::domain::reference::Reference;
use crate::error::ApiError;

pub use plan::Options;

/// Whether an import only reports or also writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Validate and report; write nothing.
    DryRun,
    /// Write every row, or none.
    Commit,
}

impl Mode {
    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::DryRun => "dry_run",
            Mode::Commit => "commit",
        }
    }
}

/// An import stopped on request before it wrote anything.
#[derive(Debug, Clone, Copy)]
pub struct Stopped;

/// Who hears how far an import has come, and may ask it to stop.
pub trait Progress: Sync {
    /// The file holds this many data rows.
    fn read(&self, _rows: usize) {}
    /// This many more rows were checked.
    fn validated(&self, _rows: usize) {}
    /// Writing begins: this many organizations and records are to be written.
    fn writing(&self, _total: usize) {}
    /// This many more organizations or records were written.
    fn written(&self, _rows: usize) {}
    /// Whether a stop was asked for.
    fn cancelled(&self) -> bool {
        false
    }
}

/// Progress nobody follows.
pub struct Unobserved;
impl Progress for Unobserved {}

/// Reads a file: a workbook's sheets, or a CSV file of kind `kind`.
pub fn read_file(bytes: &[u8], kind: Option<Sheet>) -> Result<(FileFormat, Vec<Table>), Vec<Problem>> {
    if bytes.len() > read::MAX_FILE_BYTES {
        return Err(vec![Problem::file("The file is larger than 50 MB: split it.")]);
    }
    let format = FileFormat::sniff(bytes).map_err(|p| vec![p])?;
    let tables = match format {
        FileFormat::Xlsx => read::xlsx(bytes)?,
        FileFormat::Csv => {
            let Some(kind) = kind else {
                return Err(vec![Problem::file(
                    "A CSV file holds one kind of row: name it with the kind parameter (organizations, capabilities, markets, certifications, contacts or relationships).",
                )]);
            };
            vec![read::csv(bytes, kind)?]
        }
    };
    Ok((format, tables))
}

/// The data rows of these tables.
pub fn row_count(tables: &[Table]) -> usize {
    tables.iter().map(|t| t.rows.len()).sum()
}

/// A file planned against the directory as it stood at an audit position.
pub struct Planned {
    /// What the file would do.
    pub plan: plan::Plan,
    /// The last audit position when it was planned: a commit that finds the same one writes
    /// the plan as is; any write since, and it plans again under the write lock.
    position: i64,
}

/// Plans a file, reading only: the dry run's whole work, and a commit's first step, taken
/// before the write lock so that other writers wait only for the writing itself.
pub fn prepare(
    conn: &mut DbConnection,
    reference: &Reference,
    tables: &[Table],
    options: &Options,
    progress: &dyn Progress,
) -> Result<Result<Planned, Stopped>, ApiError> {
    progress.read(row_count(tables));
    let position = db::facet_facts::latest_position(conn)?;
    Ok(plan::plan(conn, reference, tables, options, progress)?.map(|plan| Planned { plan, position }))
}

/// Ends a dry run: its report, recorded.
pub fn dry_run(conn: &mut DbConnection, actor: &Caller, planned: Planned) -> Result<Report, ApiError> {
    let report = planned.plan.outcomes.report(Outcome::Valid);
    finish(conn, actor, &report, 0)?;
    Ok(report)
}

/// Writes a planned file, inside the caller's write transaction, as `actor` (whose
/// `import_id` names the import in every event); a refused file writes nothing but its
/// report. A stop asked for rolls the transaction back.
#[allow(clippy::too_many_arguments)]
pub fn commit(
    conn: &mut DbConnection,
    reference: &Reference,
    tables: &[Table],
    options: &Options,
    actor: &Caller,
    progress: &dyn Progress,
    planned: Planned,
) -> Result<Report, ApiError> {
    let plan = if db::facet_facts::latest_position(conn)? == planned.position {
        planned.plan
    } else {
        plan::plan(conn, reference, tables, options, progress)?.map_err(|Stopped| cancelled())?
    };
    if plan.refused() {
        let report = plan.outcomes.report(Outcome::Committed);
        finish(conn, actor, &report, 0)?;
        return Ok(report);
    }
    let written = commit::write(conn, reference, &plan, actor, progress)?;
    let report = plan.outcomes.report(Outcome::Committed);
    finish(conn, actor, &report, written as i64)?;
    Ok(report)
}

/// The error that rolls back a commit asked to stop.
pub fn cancelled() -> ApiError {
    ApiError::Conflict(CANCELLED.into())
}

/// Whether `err` is a commit's rollback on request.
pub fn is_cancelled(err: &ApiError) -> bool {
    matches!(err, ApiError::Conflict(why) if why == CANCELLED)
}

const CANCELLED: &str = "The import was cancelled; nothing was written.";

/// The imports row of a file just received.
pub fn received(
    id: &str,
    actor: &Caller,
    file_name: Option<String>,
    format: FileFormat,
    kind: Option<Sheet>,
    mode: Mode,
    publish: bool,
) -> NewImport {
    let now = db::now();
    NewImport {
        id: id.to_owned(),
        created_by: actor.id.clone(),
        created_at: now,
        updated_at: now,
        file_name,
        format: format.as_str().to_owned(),
        kind: kind
            .filter(|_| format == FileFormat::Csv)
            .map(|k| k.as_str().to_owned()),
        mode: mode.as_str().to_owned(),
        publish,
        state: jobs::JobState::Queued.as_str().to_owned(),
    }
}

/// Records the end of an import with its report.
pub fn finish(
    conn: &mut DbConnection,
    actor: &Caller,
    report: &Report,
    written: i64,
) -> Result<(), ApiError> {
    let Some(import_id) = actor.import_id.as_deref() else {
        return Ok(());
    };
    let json = serde_json::to_string(report).map_err(ApiError::internal)?;
    let outcome = match report.outcome {
        Outcome::Valid => "valid",
        Outcome::Refused => "refused",
        Outcome::Committed => "committed",
    };
    db::imports::finish(conn, import_id, "done", Some(outcome), written, None, Some(&json))
}
