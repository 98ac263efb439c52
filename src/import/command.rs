//! `annuaire import FILE`: the same import as `POST /v1/imports`, run against the database
//! directly as the service itself, with a progress bar on the terminal.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};

use super::columns::Sheet;
use super::report::{Outcome, Report};
use super::{Mode, Options, Progress, Stopped};
use crate::db::{self, Pool};
use crate::domain::caller::Caller;

/// The terminal's progress bar, fed by the import.
struct Bar {
    bar: ProgressBar,
    writing: AtomicBool,
}

impl Progress for Bar {
    fn read(&self, rows: usize) {
        self.bar.inc_length(rows as u64);
        self.bar.set_message("checking");
    }

    fn validated(&self, rows: usize) {
        self.bar.inc(rows as u64);
    }

    fn writing(&self) {
        self.writing.store(true, Ordering::Release);
        self.bar.set_position(0);
        self.bar.set_message("writing");
    }

    fn written(&self, rows: usize) {
        if self.writing.load(Ordering::Acquire) {
            self.bar.inc(rows as u64);
        }
    }

    fn cancelled(&self) -> bool {
        false
    }
}

/// Imports `path`; returns whether the file was accepted (valid, or committed).
pub fn run(
    pool: &Pool,
    path: &Path,
    kind: Option<&str>,
    mode: Mode,
    publish: bool,
    allow_duplicate: bool,
) -> anyhow::Result<bool> {
    let kind = kind
        .map(|k| Sheet::named(k).with_context(|| format!("--kind {k}: not a kind of row")))
        .transpose()?;
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut conn = pool.get()?;
    let reference = db::reference::load(&mut conn).map_err(|e| anyhow::anyhow!("{e}"))?;
    let bar = Bar {
        bar: ProgressBar::new(0),
        writing: AtomicBool::new(false),
    };
    bar.bar.set_style(
        ProgressStyle::with_template("{msg:>9} [{bar:40}] {pos}/{len} rows, {eta} left")
            .map_err(|e| anyhow::anyhow!("{e}"))?
            .progress_chars("=> "),
    );
    bar.bar.set_message("reading");
    let mut actor = Caller::system();
    let id = uuid::Uuid::now_v7().to_string();
    actor.import_id = Some(id.clone());
    let options = Options {
        publish,
        if_unmodified_since: None,
        allow_duplicate,
    };
    let failed = |e: crate::error::ApiError| anyhow::anyhow!("{e}");
    let format = super::read::FileFormat::sniff(&bytes).map_err(|p| anyhow::anyhow!("{}", p.message))?;
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned());
    let new = super::received(&id, &actor, file_name, format, kind, mode, publish);
    db::write_transaction(&mut conn, |c| db::imports::start(c, &new)).map_err(failed)?;
    let report = if mode == Mode::DryRun {
        let Ok(report) =
            super::check(&mut conn, &reference, (&bytes, kind), &options, &bar).map_err(failed)?
        else {
            return Err(anyhow::anyhow!("{Stopped:?}"));
        };
        db::write_transaction(&mut conn, |c| super::finish(c, &actor, &report, 0)).map_err(failed)?;
        report
    } else {
        let refused = std::sync::Mutex::new(None);
        let written = db::write_transaction(&mut conn, |c| {
            super::commit(c, &reference, (&bytes, kind), &options, &actor, &bar, &refused)
        });
        match (written, refused.into_inner().unwrap_or_else(|p| p.into_inner())) {
            (Ok(report), _) => report,
            (Err(_), Some(report)) => {
                db::write_transaction(&mut conn, |c| super::finish(c, &actor, &report, 0)).map_err(failed)?;
                report
            }
            (Err(err), None) => return Err(failed(err)),
        }
    };
    bar.bar.finish_and_clear();
    print(&report, &id);
    Ok(report.outcome != Outcome::Refused)
}

fn print(report: &Report, id: &str) {
    let s = &report.summary;
    println!(
        "import {id}: {:?}: {} rows, {} created, {} updated, {} unchanged, {} refused",
        report.outcome, s.rows, s.created, s.updated, s.unchanged, s.refused
    );
    for problem in report.errors.iter().take(100) {
        let place: Vec<String> = [
            problem.sheet.clone(),
            problem.row.map(|r| format!("row {r}")),
            problem.column.clone(),
            problem.cell.clone(),
        ]
        .into_iter()
        .flatten()
        .collect();
        println!("  {}: {}", place.join(" "), problem.message);
    }
    if report.errors_total > 100 {
        println!("  … and {} more problems", report.errors_total - 100);
    }
}
