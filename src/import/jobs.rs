//! Imports as jobs: run on the blocking pool one at a time, followed while they run (rows
//! read, validated and written, and the time left), cancelled on request. The state of a
//! finished import is in the imports table; a running one's is here, in memory.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde::Serialize;
use utoipa::ToSchema;

use super::columns::Sheet;
use super::report::Report;
use super::{Mode, Options, Progress};
use crate::db::{self, Pool};
use crate::domain::caller::Caller;
use crate::domain::reference::Reference;
use crate::error::ApiError;

/// Where an import is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = ImportState)]
pub enum JobState {
    /// Waiting for the import before it to end.
    Queued,
    /// Reading and checking the file.
    Validating,
    /// Writing it.
    Writing,
    /// Ended: see the report.
    Done,
    /// Ended by a fault or a restart; nothing was written.
    Failed,
    /// Cancelled; nothing was written.
    Cancelled,
}

impl JobState {
    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            JobState::Queued => "queued",
            JobState::Validating => "validating",
            JobState::Writing => "writing",
            JobState::Done => "done",
            JobState::Failed => "failed",
            JobState::Cancelled => "cancelled",
        }
    }
}

/// How far a running import has come.
pub struct Live {
    mode: Mode,
    state: Mutex<JobState>,
    rows: AtomicUsize,
    validated: AtomicUsize,
    written: AtomicUsize,
    cancel: AtomicBool,
    started: Instant,
}

/// A running import's progress, as its resource shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = ImportProgress)]
pub struct Snapshot {
    /// Its state.
    pub state: JobState,
    /// Data rows in the file (0 until it is read).
    pub rows_read: usize,
    /// Rows checked so far.
    pub rows_validated: usize,
    /// Organizations and records written so far.
    pub rows_written: usize,
    /// Share of the work done, 0 to 100.
    pub percent: f64,
    /// Estimated seconds left, once some work is done.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seconds_left: Option<f64>,
}

impl Live {
    /// A job about to be queued.
    pub fn new(mode: Mode) -> Self {
        Live {
            mode,
            state: Mutex::new(JobState::Queued),
            rows: AtomicUsize::new(0),
            validated: AtomicUsize::new(0),
            written: AtomicUsize::new(0),
            cancel: AtomicBool::new(false),
            started: Instant::now(),
        }
    }

    fn set(&self, state: JobState) {
        *self.state.lock().unwrap_or_else(|p| p.into_inner()) = state;
    }

    /// Asks the job to stop; it rolls back at its next check.
    pub fn cancel(&self) {
        self.cancel.store(true, Ordering::Release);
    }

    /// Where it is now. Writing is counted as much work as checking, until its size is known.
    pub fn snapshot(&self) -> Snapshot {
        let state = *self.state.lock().unwrap_or_else(|p| p.into_inner());
        let rows = self.rows.load(Ordering::Acquire);
        let validated = self.validated.load(Ordering::Acquire).min(rows);
        let written = self.written.load(Ordering::Acquire);
        // A commit checks each chunk of rows as it writes it: its rows are done once written.
        let done = match self.mode {
            Mode::DryRun => validated,
            Mode::Commit => written.min(rows),
        } as f64;
        let total = rows;
        let share = if total == 0 { 0.0 } else { done / total as f64 };
        let elapsed = self.started.elapsed().as_secs_f64();
        Snapshot {
            state,
            rows_read: rows,
            rows_validated: validated,
            rows_written: written,
            percent: (share * 1000.0).round() / 10.0,
            seconds_left: (share > 0.0).then(|| ((elapsed * (1.0 - share) / share) * 10.0).round() / 10.0),
        }
    }
}

impl Progress for Live {
    fn read(&self, rows: usize) {
        self.rows.fetch_add(rows, Ordering::AcqRel);
        self.set(JobState::Validating);
    }

    fn validated(&self, rows: usize) {
        self.validated.fetch_add(rows, Ordering::AcqRel);
    }

    fn writing(&self) {
        self.set(JobState::Writing);
    }

    fn written(&self, rows: usize) {
        self.written.fetch_add(rows, Ordering::AcqRel);
    }

    fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Acquire)
    }
}

/// An import to run.
pub struct Job {
    /// Its id, already recorded in the imports table.
    pub id: String,
    /// Who runs it; its `import_id` is `id`.
    pub actor: Caller,
    /// Dry run or commit.
    pub mode: Mode,
    /// Publish, guard.
    pub options: Options,
    /// The file as sent.
    pub bytes: Vec<u8>,
    /// What a CSV file holds.
    pub kind: Option<Sheet>,
}

/// How an import ended.
pub enum Ended {
    /// With a report (valid, refused or committed).
    Report(Report),
    /// Cancelled before it wrote anything.
    Cancelled,
}

/// The running imports, one at a time.
pub struct Jobs {
    live: Mutex<HashMap<String, Arc<Live>>>,
    turn: Arc<tokio::sync::Semaphore>,
}

impl Default for Jobs {
    fn default() -> Self {
        Jobs {
            live: Mutex::new(HashMap::new()),
            turn: Arc::new(tokio::sync::Semaphore::new(1)),
        }
    }
}

impl Jobs {
    /// The progress of import `id`, while it runs.
    pub fn live(&self, id: &str) -> Option<Arc<Live>> {
        self.live
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(id)
            .cloned()
    }

    /// Queues `job` and returns at once; it runs after the jobs before it.
    pub fn submit(self: &Arc<Self>, pool: Pool, reference: Arc<Reference>, job: Job) {
        let live = Arc::new(Live::new(job.mode));
        let id = job.id.clone();
        self.live
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(id.clone(), live.clone());
        let jobs = self.clone();
        actix_web::rt::spawn(async move {
            let turn = jobs.turn.clone().acquire_owned().await;
            run(&pool, reference, job, live).await;
            drop(turn);
            jobs.live.lock().unwrap_or_else(|p| p.into_inner()).remove(&id);
        });
    }
}

/// Runs `job` to its end and records that end, whatever it is.
pub async fn run(pool: &Pool, reference: Arc<Reference>, job: Job, live: Arc<Live>) -> Option<Ended> {
    let id = job.id.clone();
    let ended = execute(pool, reference, job, live).await;
    let (state, message) = match &ended {
        Ok(Ended::Report(_)) => return ended.ok(),
        Ok(Ended::Cancelled) => (JobState::Cancelled, "Cancelled on request; nothing was written."),
        Err(ApiError::Unavailable(cause)) => {
            tracing::warn!(import = %id, %cause, "import ended: the database was unavailable");
            (
                JobState::Failed,
                "The database was busy or unavailable; nothing was written. Send the file again.",
            )
        }
        Err(err) => {
            tracing::error!(import = %id, error = %err, "import failed");
            (JobState::Failed, "The import failed; nothing was written.")
        }
    };
    let recorded = db::transaction(pool, move |conn| {
        db::imports::finish(conn, &id, state.as_str(), None, 0, Some(message), None)
    })
    .await;
    if let Err(err) = recorded {
        tracing::error!(error = %err, "the end of an import could not be recorded");
    }
    ended.ok()
}

async fn execute(
    pool: &Pool,
    reference: Arc<Reference>,
    job: Job,
    live: Arc<Live>,
) -> Result<Ended, ApiError> {
    let Job {
        id,
        actor,
        mode,
        options,
        bytes,
        kind,
    } = job;
    db::transaction(pool, move |conn| {
        db::imports::update_state(conn, &id, "validating", 0)
    })
    .await?;
    live.set(JobState::Validating);
    let bytes = Arc::new(bytes);
    let (b, r, o, l) = (bytes.clone(), reference.clone(), options.clone(), live.clone());
    if mode == Mode::DryRun {
        let checked = db::run(pool, move |conn| super::check(conn, &r, (&b, kind), &o, &*l)).await?;
        let Ok(report) = checked else {
            return Ok(Ended::Cancelled);
        };
        let (done, by) = (report.clone(), actor.clone());
        db::transaction(pool, move |conn| super::finish(conn, &by, &done, 0)).await?;
        return Ok(Ended::Report(report));
    }
    drop((b, r, o, l));
    let refused = Arc::new(Mutex::new(None));
    let (slot, by) = (refused.clone(), actor.clone());
    let written = db::transaction(pool, move |conn| {
        super::commit(conn, &reference, (&bytes, kind), &options, &by, &*live, &slot)
    })
    .await;
    let late = refused.lock().unwrap_or_else(|p| p.into_inner()).take();
    match (written, late) {
        (Ok(report), _) => Ok(Ended::Report(report)),
        (Err(err), _) if super::is_cancelled(&err) => Ok(Ended::Cancelled),
        (Err(_), Some(report)) => {
            let done = report.clone();
            db::transaction(pool, move |conn| super::finish(conn, &actor, &done, 0)).await?;
            Ok(Ended::Report(report))
        }
        (Err(err), None) => Err(err),
    }
}
