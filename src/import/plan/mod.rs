//! What a file does to the directory, planned one table and one chunk of rows at a time:
//! organizations matched by registry identifier, then by slug; new ones given ids and slugs;
//! every field checked by the API's own rules. The planner reads only; each planned chunk goes
//! to a sink, which writes it (commit) or drops it (dry run), so that a large file is never
//! held whole in memory.

mod duplicates;
mod organizations;
mod rules;
mod slugs;

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};

pub use rules::{Validated, changed_fields, outcome, read_new, refused_fields, stale};

use super::cells::{self, RowIn};
use super::columns::Sheet;
use super::read::Table;
use super::records::{self, Changes};
use super::report::Tally;
use super::{Progress, Stopped};
use crate::db::{self, DbConnection};
use crate::domain::organization::Organization;
use crate::domain::reference::Reference;
use crate::error::ApiError;

/// Rows planned per chunk handed to the sink.
pub const CHUNK_ROWS: usize = 2_000;

/// How an import is to be applied.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Publish the organizations it creates (else they start as drafts).
    pub publish: bool,
    /// Refuse rows that would change an organization modified after this instant.
    pub if_unmodified_since: Option<DateTime<Utc>>,
    /// Create organizations even when they resemble others (else such rows are refused).
    pub allow_duplicate: bool,
}

/// What a chunk of rows writes.
#[derive(Default)]
pub struct Plan {
    /// Organizations to create, with their ids and slugs.
    pub created: Vec<Organization>,
    /// Organizations to change: before and after.
    pub updated: Vec<(Organization, Organization)>,
    /// Records to create or change, of new and existing organizations.
    pub records: Changes,
}

impl Plan {
    fn is_empty(&self) -> bool {
        self.created.is_empty() && self.updated.is_empty() && self.records.is_empty()
    }
}

/// Where planned chunks go.
pub trait Sink {
    /// Takes a chunk; `new` holds the ids of every organization the file creates so far.
    fn take(&mut self, conn: &mut DbConnection, chunk: Plan, new: &HashSet<String>) -> Result<(), ApiError>;
}

/// A sink that writes nothing: the dry run's.
pub struct Nowhere;

impl Sink for Nowhere {
    fn take(&mut self, _: &mut DbConnection, _: Plan, _: &HashSet<String>) -> Result<(), ApiError> {
        Ok(())
    }
}

/// What the rows may name an organization by, resolved against the file and the directory.
#[derive(Default)]
pub struct Names {
    /// Row keys of the organizations sheet.
    keys: HashMap<String, String>,
    /// Registry identifiers, by value (the format tells the scheme).
    registry: HashMap<String, String>,
    /// Slugs and ids.
    slugs: HashMap<String, String>,
    /// The organizations that exist, by id, as this file leaves them so far.
    pub existing: HashMap<String, Organization>,
    /// Ids of the organizations the file creates.
    pub new: HashSet<String>,
}

impl Names {
    /// The id of the organization `name` names: a row key, a registry identifier, a slug or an id.
    pub fn resolve(&self, name: &str) -> Option<&str> {
        self.keys
            .get(name)
            .or_else(|| self.registry.get(name))
            .or_else(|| self.slugs.get(name))
            .or_else(|| self.slugs.get(&name.to_ascii_lowercase()))
            .map(String::as_str)
    }
}

/// Plans a file table by table.
pub struct Planner<'a> {
    /// The reference lists the rules check codes against.
    pub reference: &'a Reference,
    /// Publish, guard.
    pub options: &'a Options,
    /// Who follows, and may stop it.
    pub progress: &'a dyn Progress,
    /// Every row's outcome.
    pub tally: Tally,
    /// What rows may name organizations by.
    pub names: Names,
    organizations: organizations::State,
    /// The records of the file so far, by kind and organization: each one's row and key.
    pub seen_records: HashMap<String, Vec<(usize, String)>>,
    /// Time spent in the sink for the current table, for the log.
    sunk: std::time::Duration,
}

impl<'a> Planner<'a> {
    /// A planner for one file.
    pub fn new(reference: &'a Reference, options: &'a Options, progress: &'a dyn Progress) -> Self {
        Planner {
            reference,
            options,
            progress,
            tally: Tally::default(),
            names: Names::default(),
            organizations: organizations::State::default(),
            seen_records: HashMap::new(),
            sunk: std::time::Duration::ZERO,
        }
    }

    /// Plans one table, handing each chunk to `sink`. A stop asked for ends it early.
    pub fn table(
        &mut self,
        conn: &mut DbConnection,
        table: &Table,
        sink: &mut dyn Sink,
    ) -> Result<Result<(), Stopped>, ApiError> {
        self.progress.read(table.rows.len());
        let started = std::time::Instant::now();
        let keys: &[&str] = match table.sheet {
            Sheet::Organizations => &["ninea", "rccm", "lei", "slug"],
            Sheet::Relationships => &["organization", "target"],
            _ => &["organization"],
        };
        let mut wanted: HashSet<String> = HashSet::new();
        let mut names_of_new = Vec::new();
        for row in cells::rows(table) {
            wanted.extend(keys.iter().filter_map(|k| row.text(k)).map(str::to_owned));
            if table.sheet == Sheet::Organizations {
                names_of_new.extend(row.text("name").map(crate::domain::checks::slugify));
            }
        }
        self.look_up(conn, wanted.into_iter().collect())?;
        self.organizations.slugs.prefetch(conn, names_of_new)?;
        let mut rows = cells::rows(table).peekable();
        while rows.peek().is_some() {
            if self.progress.cancelled() {
                return Ok(Err(Stopped));
            }
            let chunk: Vec<RowIn> = rows.by_ref().take(CHUNK_ROWS).collect();
            let mut plan = Plan::default();
            match table.sheet {
                Sheet::Organizations => self.organizations_rows(conn, chunk, &mut plan)?,
                sheet => records::rows(self, conn, sheet, chunk, &mut plan)?,
            }
            if !plan.is_empty() && !self.tally.refused() {
                let writing = std::time::Instant::now();
                sink.take(conn, plan, &self.names.new)?;
                self.sunk += writing.elapsed();
            }
        }
        tracing::info!(
            sheet = table.sheet.as_str(),
            rows = table.rows.len(),
            seconds = started.elapsed().as_secs_f64(),
            sink_seconds = self.sunk.as_secs_f64(),
            "import table planned"
        );
        self.sunk = std::time::Duration::ZERO;
        Ok(Ok(()))
    }

    /// Finds, in batched reads, the organizations of the directory these names may mean.
    fn look_up(&mut self, conn: &mut DbConnection, wanted: Vec<String>) -> Result<(), ApiError> {
        let registry = db::imports::registry_owners(conn, &wanted)?;
        let slugs = db::imports::slug_owners(conn, &wanted)?;
        let mut ids: Vec<&str> = registry
            .values()
            .chain(slugs.values())
            .map(String::as_str)
            .filter(|id| !self.names.existing.contains_key(*id) && !self.names.new.contains(*id))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        for org in db::imports::organizations(conn, &ids)? {
            self.names.existing.insert(org.id.clone(), org);
        }
        for (value, id) in registry {
            self.names.registry.entry(value).or_insert(id);
        }
        for (slug, id) in slugs {
            self.names.slugs.entry(slug).or_insert(id);
        }
        Ok(())
    }
}
