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
use read::{FileFormat, Source};
use report::{Outcome, Report};

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
    /// Writing begins.
    fn writing(&self) {}
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

/// Runs every table of a file through one planner into `sink`, in order. A file that cannot
/// be read, or a table that cannot, refuses the file with every such problem.
fn run_file(
    conn: &mut DbConnection,
    reference: &Reference,
    file: (&[u8], Option<Sheet>),
    options: &Options,
    progress: &dyn Progress,
    sink: &mut dyn plan::Sink,
) -> Result<Result<Report, Stopped>, ApiError> {
    let (_, mut source) = match Source::open(file.0, file.1) {
        Ok(opened) => opened,
        Err(problems) => return Ok(Ok(Report::refused_file(problems))),
    };
    let mut planner = plan::Planner::new(reference, options, progress);
    let mut unreadable = Vec::new();
    while let Some(table) = source.next_table() {
        match table {
            Ok(table) if unreadable.is_empty() => {
                if let Err(stopped) = planner.table(conn, &table, sink)? {
                    return Ok(Err(stopped));
                }
            }
            Ok(_) => {}
            Err(problems) => unreadable.extend(problems),
        }
    }
    if !unreadable.is_empty() {
        return Ok(Ok(Report::refused_file(unreadable)));
    }
    Ok(Ok(planner.tally.report(Outcome::Committed)))
}

/// Checks a file, reading only: the dry run. The report's outcome is `valid` or `refused`.
pub fn check(
    conn: &mut DbConnection,
    reference: &Reference,
    file: (&[u8], Option<Sheet>),
    options: &Options,
    progress: &dyn Progress,
) -> Result<Result<Report, Stopped>, ApiError> {
    Ok(
        run_file(conn, reference, file, options, progress, &mut plan::Nowhere)?.map(|mut report| {
            if report.outcome == Outcome::Committed {
                report.outcome = Outcome::Valid;
            }
            report
        }),
    )
}

/// The progress of a commit: its rows count as written once their chunk is.
struct Writing<'a>(&'a dyn Progress);

impl Progress for Writing<'_> {
    fn read(&self, rows: usize) {
        self.0.read(rows);
    }

    fn validated(&self, rows: usize) {
        self.0.written(rows);
    }

    fn cancelled(&self) -> bool {
        self.0.cancelled()
    }
}

/// Writes a file inside the caller's write transaction, as `actor` (whose `import_id` names
/// the import in every event), planning it chunk by chunk and writing each chunk as it goes,
/// so that what is checked is what is written and the file is never held whole. A refused
/// row stops the writing (the rest is still checked, for the report) and rolls the
/// transaction back, leaving the report in `refused`; so does a stop asked for.
#[allow(clippy::too_many_arguments)]
pub fn commit(
    conn: &mut DbConnection,
    reference: &Reference,
    file: (&[u8], Option<Sheet>),
    options: &Options,
    actor: &Caller,
    progress: &dyn Progress,
    refused: &std::sync::Mutex<Option<Report>>,
) -> Result<Report, ApiError> {
    progress.writing();
    // A large transaction's dirty pages spill from SQLite's page cache (2 MB by default) to
    // the WAL and are read back for every index they touch; a larger cache for this
    // transaction keeps them in memory.
    db::imports::fit_for_import(conn, true)?;
    let writing = Writing(progress);
    let mut writer = commit::Writer {
        reference,
        actor,
        progress: &writing,
        created: Vec::new(),
        written: 0,
    };
    let report =
        run_file(conn, reference, file, options, &writing, &mut writer)?.map_err(|Stopped| cancelled())?;
    if report.outcome == Outcome::Refused {
        *refused.lock().unwrap_or_else(|p| p.into_inner()) = Some(report);
        return Err(ApiError::Conflict(REFUSED.into()));
    }
    let derived = std::time::Instant::now();
    writer.finish(conn)?;
    tracing::info!(
        organizations = writer.created.len(),
        seconds = derived.elapsed().as_secs_f64(),
        "import derived writes done"
    );
    db::import_events::publish(conn)?;
    finish(conn, actor, &report, writer.written as i64)?;
    db::imports::fit_for_import(conn, false)?;
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
const REFUSED: &str = "The file was refused while writing; nothing was written.";

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
