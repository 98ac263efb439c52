//! The checks a row goes through, shared by organizations and records: the API's own
//! deserialisation and rules, problems placed in their columns, and the outcome they make.

use serde_json::Value;

use crate::domain::organization::{Organization, OrganizationFields};
use crate::domain::reference::Reference;
use crate::error::ApiError;
use crate::import::cells::{self, RowIn};
use crate::import::report::{Problem, RowAction, RowOutcome};

use super::Options;

/// Reads a new record of type `T` from the row's values and checks it by the API's rules;
/// `None` when it is refused, every problem listed. A required cell that is empty or could
/// not be read is listed once, and stood in for by a placeholder so that the rules still run
/// on every other cell: one unreadable cell does not hide the others' problems.
pub fn read_new<T: serde::de::DeserializeOwned + Validated>(
    row: &mut RowIn,
    reference: &Reference,
    registry_columns: &[&'static str],
    problems: &mut Vec<Problem>,
) -> Option<T> {
    let missing = row.missing_required();
    let mut placed: Vec<String> = problems.iter().filter_map(|p| p.column.clone()).collect();
    for problem in missing {
        if !problem.column.as_ref().is_some_and(|c| placed.contains(c)) {
            placed.extend(problem.column.clone());
            problems.push(problem);
        }
    }
    for column in row
        .sheet
        .columns()
        .iter()
        .filter(|c| c.required && placed.iter().any(|p| p == c.key))
    {
        row.values
            .insert(column.key.to_owned(), cells::placeholder(column));
    }
    let read = serde_path_to_error::deserialize::<_, T>(Value::Object(std::mem::take(&mut row.values)))
        .map_err(|e| ApiError::invalid(e.path().to_string(), e.into_inner().to_string()))
        .and_then(|fields| fields.check(reference).map(|()| fields));
    match read {
        Ok(fields) if problems.is_empty() => Some(fields),
        Ok(_) => None,
        Err(err) => {
            let before = problems.len();
            refused_fields(row, err, registry_columns, problems);
            let mut found = problems.split_off(before);
            found.retain(|p| !p.column.as_ref().is_some_and(|c| placed.contains(c)));
            problems.extend(found);
            None
        }
    }
}

/// A record the API validates.
pub trait Validated {
    /// Every rule, all violations at once.
    fn check(&self, reference: &Reference) -> Result<(), ApiError>;
}

impl Validated for OrganizationFields {
    fn check(&self, reference: &Reference) -> Result<(), ApiError> {
        self.validate(reference)
    }
}

impl<F: crate::domain::items::ItemFields> Validated for F {
    fn check(&self, reference: &Reference) -> Result<(), ApiError> {
        self.validate(reference)
    }
}

/// Whether `org` changed after the caller's `if_unmodified_since`.
pub fn stale(org: &Organization, options: &Options) -> bool {
    options
        .if_unmodified_since
        .is_some_and(|since| org.updated_at > since)
}

/// A row's outcome: refused whenever it has problems.
pub fn outcome(
    row: &RowIn,
    action: RowAction,
    id: &str,
    changes: Vec<String>,
    errors: Vec<Problem>,
) -> RowOutcome {
    let refused = !errors.is_empty();
    RowOutcome {
        sheet: row.sheet.as_str().to_owned(),
        row: row.line,
        action: if refused { RowAction::Refused } else { action },
        id: (!refused).then(|| id.to_owned()),
        organization_id: None,
        changes: if refused { Vec::new() } else { changes },
        errors,
    }
}

/// The problems of a 422 the API's rules gave, placed in their columns.
pub fn refused_fields(
    row: &RowIn,
    err: ApiError,
    registry_columns: &[&'static str],
    problems: &mut Vec<Problem>,
) {
    match err {
        ApiError::Validation(errors) => {
            for error in errors {
                problems.push(row.problem(&cells::column_of(&error.field, registry_columns), error.message));
            }
        }
        other => problems.push(row.problem("", other.problem().detail)),
    }
}

/// The top-level fields that differ between two versions of a record.
pub fn changed_fields<T: serde::Serialize>(before: &T, after: &T) -> Result<Vec<String>, ApiError> {
    let (Value::Object(before), Value::Object(after)) = (
        serde_json::to_value(before).map_err(ApiError::internal)?,
        serde_json::to_value(after).map_err(ApiError::internal)?,
    ) else {
        return Ok(Vec::new());
    };
    let mut keys: Vec<String> = before
        .keys()
        .chain(after.keys())
        .filter(|k| before.get(*k) != after.get(*k))
        .cloned()
        .collect();
    keys.sort();
    keys.dedup();
    Ok(keys)
}
