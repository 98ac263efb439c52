//! What an import answers: per row, what would happen or happened, and every problem with
//! its place.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::columns::Sheet;

/// Most rows and problems a report lists one by one; its counts always cover the whole file.
pub const MAX_LISTED: usize = 10_000;

/// A problem with a file, with its place when it has one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(as = ImportProblem)]
pub struct Problem {
    /// The sheet (or the CSV file's kind).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "organizations")]
    pub sheet: Option<String>,
    /// The row, numbered as a spreadsheet shows it (the header is row 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = 3)]
    pub row: Option<usize>,
    /// The column, by its key (the API's field name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "country")]
    pub column: Option<String>,
    /// The cell, as in A1 notation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "L3")]
    pub cell: Option<String>,
    /// What is wrong.
    #[schema(example = "must be an ISO 3166-1 alpha-2 code")]
    pub message: String,
}

impl Problem {
    /// A problem of the whole file.
    pub fn file(message: impl Into<String>) -> Self {
        Problem {
            sheet: None,
            row: None,
            column: None,
            cell: None,
            message: message.into(),
        }
    }

    /// A problem of a row, or of one of its cells.
    pub fn at(sheet: Sheet, row: usize, cell: Option<String>, message: impl Into<String>) -> Self {
        Problem {
            sheet: Some(sheet.as_str().to_owned()),
            row: Some(row),
            column: None,
            cell,
            message: message.into(),
        }
    }
}

/// What a row does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = ImportRowAction)]
pub enum RowAction {
    /// A new organization or record.
    Created,
    /// An existing one changed; `changes` names the fields.
    Updated,
    /// An existing one that already says what the row says.
    Unchanged,
    /// The row has problems; nothing of the file is written.
    Refused,
}

/// One row's outcome.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = ImportRowOutcome)]
pub struct RowOutcome {
    /// The sheet.
    pub sheet: String,
    /// The row number.
    pub row: usize,
    /// What it does.
    pub action: RowAction,
    /// The organization or record it creates or changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The organization it belongs to (records).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<String>,
    /// The fields an update changes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<String>,
    /// Its problems (refused rows).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<Problem>,
}

/// Counts of rows by what they do.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[schema(as = ImportCounts)]
pub struct Counts {
    /// Rows read.
    pub rows: usize,
    /// Rows that create.
    pub created: usize,
    /// Rows that change something.
    pub updated: usize,
    /// Rows that change nothing.
    pub unchanged: usize,
    /// Rows refused.
    pub refused: usize,
}

impl Counts {
    fn add(&mut self, action: RowAction) {
        self.rows += 1;
        match action {
            RowAction::Created => self.created += 1,
            RowAction::Updated => self.updated += 1,
            RowAction::Unchanged => self.unchanged += 1,
            RowAction::Refused => self.refused += 1,
        }
    }
}

/// How an import ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[schema(as = ImportOutcome)]
pub enum Outcome {
    /// A dry run found no problem: a commit would write what the rows say.
    Valid,
    /// Some rows or the file have problems; nothing was written.
    Refused,
    /// Every row was written.
    Committed,
}

/// The report of an import.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = ImportReport)]
pub struct Report {
    /// How it ended.
    pub outcome: Outcome,
    /// Counts over the whole file.
    pub summary: Counts,
    /// Counts per sheet.
    pub sheets: BTreeMap<String, Counts>,
    /// Every problem (the first 10,000), with its place.
    pub errors: Vec<Problem>,
    /// How many problems there are in all.
    pub errors_total: usize,
    /// Each row's outcome (the first 10,000 rows).
    pub rows: Vec<RowOutcome>,
}

impl Report {
    /// The report of a file refused before any row was read.
    pub fn refused_file(problems: Vec<Problem>) -> Self {
        Report {
            outcome: Outcome::Refused,
            summary: Counts::default(),
            sheets: BTreeMap::new(),
            errors_total: problems.len(),
            errors: problems.into_iter().take(MAX_LISTED).collect(),
            rows: Vec::new(),
        }
    }
}

/// Row outcomes as they come: counted whole, listed up to [`MAX_LISTED`], so that a file of a
/// hundred thousand rows is not held twice over in its report.
#[derive(Debug, Default)]
pub struct Tally {
    summary: Counts,
    sheets: BTreeMap<String, Counts>,
    errors: Vec<Problem>,
    errors_total: usize,
    rows: Vec<RowOutcome>,
}

impl Tally {
    /// Counts one more row.
    pub fn push(&mut self, outcome: RowOutcome) {
        self.summary.add(outcome.action);
        match self.sheets.get_mut(&outcome.sheet) {
            Some(counts) => counts.add(outcome.action),
            None => {
                let mut counts = Counts::default();
                counts.add(outcome.action);
                self.sheets.insert(outcome.sheet.clone(), counts);
            }
        }
        self.errors_total += outcome.errors.len();
        let room = MAX_LISTED.saturating_sub(self.errors.len());
        self.errors.extend(outcome.errors.iter().take(room).cloned());
        if self.rows.len() < MAX_LISTED {
            self.rows.push(outcome);
        }
    }

    /// Whether any row is refused.
    pub fn refused(&self) -> bool {
        self.summary.refused > 0
    }

    /// The report: refused when any row is, else `ok`.
    pub fn report(self, ok: Outcome) -> Report {
        Report {
            outcome: if self.refused() { Outcome::Refused } else { ok },
            summary: self.summary,
            sheets: self.sheets,
            errors: self.errors,
            errors_total: self.errors_total,
            rows: self.rows,
        }
    }
}
