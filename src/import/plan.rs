//! What a file would do to the directory: organizations matched by registry identifier, then
//! by slug; new ones given ids and slugs; every field checked by the API's own rules. Reads
//! only; the commit writes what the plan says.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::cells::{self, RowIn};
use super::columns::Sheet;
use super::read::Table;
use super::records::{self, Changes};
use super::report::{Problem, RowAction, RowOutcome, Tally};
use super::{Progress, Stopped};
use crate::db::{self, DbConnection};
use crate::domain::checks::slugify;
use crate::domain::merge_patch;
use crate::domain::organization::{Organization, OrganizationFields, RegistryId};
use crate::domain::reference::Reference;
use crate::domain::vocab::{RegistryScheme, Status};
use crate::error::ApiError;

/// How an import is to be applied.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Publish the organizations it creates (else they start as drafts).
    pub publish: bool,
    /// Refuse rows that would change an organization modified after this instant.
    pub if_unmodified_since: Option<DateTime<Utc>>,
}

/// Everything a file would write, and each row's outcome.
#[derive(Default)]
pub struct Plan {
    /// Organizations to create, with their ids and slugs.
    pub created: Vec<Organization>,
    /// Organizations to change: before and after.
    pub updated: Vec<(Organization, Organization)>,
    /// Records to create or change, of new and existing organizations.
    pub records: Changes,
    /// Per row.
    pub outcomes: Tally,
}

impl Plan {
    /// Whether any row is refused.
    pub fn refused(&self) -> bool {
        self.outcomes.refused()
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
    /// The organizations that exist, by id.
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

/// Plans the whole file. A stop asked for (cancellation) ends it early.
pub fn plan(
    conn: &mut DbConnection,
    reference: &Reference,
    tables: &[Table],
    options: &Options,
    progress: &dyn Progress,
) -> Result<Result<Plan, Stopped>, ApiError> {
    let mut plan = Plan::default();
    let mut names = Names::default();
    let rows: Vec<(Sheet, Vec<RowIn>)> = tables
        .iter()
        .map(|t| (t.sheet, cells::rows(t).collect()))
        .collect();
    look_up_names(conn, &rows, &mut names)?;
    for (sheet, rows) in rows {
        let done = match sheet {
            Sheet::Organizations => {
                organizations_sheet(conn, reference, rows, options, &mut names, &mut plan, progress)?
            }
            _ => records::sheet(conn, reference, sheet, rows, options, &names, &mut plan, progress)?,
        };
        if let Err(stopped) = done {
            return Ok(Err(stopped));
        }
    }
    Ok(Ok(plan))
}

/// Finds, in one pass of batched reads, every organization the file may name.
fn look_up_names(
    conn: &mut DbConnection,
    rows: &[(Sheet, Vec<RowIn>)],
    names: &mut Names,
) -> Result<(), ApiError> {
    let mut wanted: HashSet<String> = HashSet::new();
    for (sheet, rows) in rows {
        let keys: &[&str] = match sheet {
            Sheet::Organizations => &["ninea", "rccm", "lei", "slug"],
            Sheet::Relationships => &["organization", "target"],
            _ => &["organization"],
        };
        for row in rows {
            wanted.extend(keys.iter().filter_map(|k| row.text(k)).map(str::to_owned));
        }
    }
    let wanted: Vec<String> = wanted.into_iter().collect();
    let registry = db::imports::registry_owners(conn, &wanted)?;
    let slugs = db::imports::slug_owners(conn, &wanted)?;
    let ids: Vec<&str> = registry
        .values()
        .chain(slugs.values())
        .map(String::as_str)
        .collect();
    let mut unique: Vec<&str> = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    for org in db::imports::organizations(conn, &unique)? {
        names.existing.insert(org.id.clone(), org);
    }
    names.registry = registry;
    names.slugs = slugs;
    Ok(())
}

fn organizations_sheet(
    conn: &mut DbConnection,
    reference: &Reference,
    rows: Vec<RowIn>,
    options: &Options,
    names: &mut Names,
    plan: &mut Plan,
    progress: &dyn Progress,
) -> Result<Result<(), Stopped>, ApiError> {
    let mut seen_ids: HashMap<String, usize> = HashMap::new();
    let mut seen_keys: HashMap<String, usize> = HashMap::new();
    let mut seen_orgs: HashMap<String, usize> = HashMap::new();
    let mut slugs = Slugs::default();
    slugs.prefetch(
        conn,
        rows.iter().filter_map(|r| r.text("name")).map(slugify).collect(),
    )?;
    let now = db::now().and_utc();
    for (n, mut row) in rows.into_iter().enumerate() {
        if n % 1000 == 0 && progress.cancelled() {
            return Ok(Err(Stopped));
        }
        progress.validated(1);
        let mut problems = std::mem::take(&mut row.problems);
        let key = row.take_text("key");
        let slug = row.take_text("slug");
        let mut given: Vec<(&'static str, RegistryId)> = Vec::new();
        for (column, scheme) in [
            ("ninea", RegistryScheme::Ninea),
            ("rccm", RegistryScheme::Rccm),
            ("lei", RegistryScheme::Lei),
        ] {
            if let Some(value) = row.take_text(column) {
                if let Some(earlier) = seen_ids.insert(value.clone(), row.line) {
                    problems.push(row.problem(column, format!("is also the identifier of row {earlier}")));
                }
                given.push((column, RegistryId { scheme, value }));
            }
        }
        if let Some(key) = &key
            && let Some(earlier) = seen_keys.insert(key.clone(), row.line)
        {
            problems.push(row.problem("key", format!("is also the key of row {earlier}")));
        }
        row.gather_bilingual("description");
        let owners: HashSet<&String> = given
            .iter()
            .filter_map(|(_, id)| names.registry.get(&id.value))
            .collect();
        let by_slug = slug.as_ref().map(|s| {
            names
                .slugs
                .get(s)
                .or_else(|| names.slugs.get(&s.to_ascii_lowercase()))
        });
        let matched: Option<String> = match (owners.len(), by_slug) {
            (0, None) => None,
            (0, Some(Some(id))) => Some(id.clone()),
            (0, Some(None)) => {
                problems.push(row.problem("slug", "names no organization of the directory"));
                None
            }
            (1, found) => {
                let owner = (*owners.iter().next().unwrap_or(&&String::new())).clone();
                if let Some(Some(id)) = found
                    && *id != owner
                {
                    problems.push(row.problem(
                        "slug",
                        "names another organization than the registry identifiers do",
                    ));
                }
                Some(owner)
            }
            _ => {
                problems.push(row.problem(
                    "ninea",
                    "the registry identifiers of this row belong to different organizations",
                ));
                None
            }
        };
        if let Some(id) = &matched
            && let Some(earlier) = seen_orgs.insert(id.clone(), row.line)
        {
            problems.push(row.problem("key", format!("is the same organization as row {earlier}")));
        }
        if let (Some(key), Some(id)) = (&key, &matched) {
            names.keys.insert(key.clone(), id.clone());
        }
        let existing = matched.as_ref().and_then(|id| names.existing.get(id)).cloned();
        let registry_columns: Vec<&'static str>;
        let outcome = match existing {
            Some(before) => {
                let mut ids = before.fields.registry_ids.clone();
                for (_, id) in &given {
                    ids.retain(|old| old.scheme != id.scheme);
                    ids.push(id.clone());
                }
                registry_columns = registry_column_order(&ids);
                if before.fields.registry_ids != ids {
                    row.values.insert(
                        "registry_ids".into(),
                        serde_json::to_value(&ids).map_err(ApiError::internal)?,
                    );
                }
                let after =
                    merge_patch::apply(&before.fields, Value::Object(std::mem::take(&mut row.values)))
                        .and_then(|fields| fields.validate(reference).map(|()| fields));
                match after {
                    Err(err) => refused_fields(&row, err, &registry_columns, &mut problems),
                    Ok(_) if before.status == Status::Archived => problems
                        .push(row.problem("key", "names an archived organization, which cannot be changed")),
                    Ok(fields) if fields == before.fields => {}
                    Ok(_) if stale(&before, options) => problems.push(row.problem(
                        "key",
                        format!(
                            "was changed at {} after if_unmodified_since",
                            before.updated_at.to_rfc3339()
                        ),
                    )),
                    Ok(fields) => {
                        let changes = changed_fields(&before.fields, &fields)?;
                        let after = Organization {
                            fields,
                            version: before.version + 1,
                            updated_at: now,
                            ..before.clone()
                        };
                        if problems.is_empty() {
                            names.existing.insert(after.id.clone(), after.clone());
                            plan.updated.push((before.clone(), after));
                        }
                        plan.outcomes
                            .push(outcome(&row, RowAction::Updated, &before.id, changes, problems));
                        continue;
                    }
                }
                outcome(
                    &row,
                    RowAction::Unchanged,
                    &before.id,
                    Vec::new(),
                    std::mem::take(&mut problems),
                )
            }
            None => {
                let ids: Vec<RegistryId> = given.iter().map(|(_, id)| id.clone()).collect();
                registry_columns = given.iter().map(|(c, _)| *c).collect();
                if !ids.is_empty() {
                    row.values.insert(
                        "registry_ids".into(),
                        serde_json::to_value(&ids).map_err(ApiError::internal)?,
                    );
                }
                let id = uuid::Uuid::now_v7().to_string();
                if let Some(fields) =
                    read_new::<OrganizationFields>(&mut row, reference, &registry_columns, &mut problems)
                {
                    let slug = slugs.free(conn, &slugify(&fields.name))?;
                    plan.created.push(Organization {
                        id: id.clone(),
                        slug,
                        fields,
                        status: if options.publish {
                            Status::Published
                        } else {
                            Status::Draft
                        },
                        verification: None,
                        version: 1,
                        created_at: now,
                        updated_at: now,
                        records: Default::default(),
                    });
                    names.new.insert(id.clone());
                }
                for (_, given) in &given {
                    names
                        .registry
                        .entry(given.value.clone())
                        .or_insert_with(|| id.clone());
                }
                if let Some(key) = &key {
                    names.keys.insert(key.clone(), id.clone());
                }
                outcome(&row, RowAction::Created, &id, Vec::new(), problems)
            }
        };
        plan.outcomes.push(outcome);
    }
    Ok(Ok(()))
}

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

fn registry_column_order(ids: &[RegistryId]) -> Vec<&'static str> {
    ids.iter()
        .map(|id| match id.scheme {
            RegistryScheme::Ninea => "ninea",
            RegistryScheme::Rccm => "rccm",
            RegistryScheme::Lei => "lei",
        })
        .collect()
}

/// Slugs handed out to new organizations, free in the directory and within the file.
#[derive(Default)]
struct Slugs {
    /// Handed out to this file's rows.
    taken: HashSet<String>,
    /// Looked up in the directory beforehand.
    checked: HashSet<String>,
    /// Of those, the ones the directory has.
    in_directory: HashSet<String>,
}

impl Slugs {
    /// Notes which of these slugs the directory already has, in batched reads, so that only
    /// the names that collide cost a query of their own.
    fn prefetch(&mut self, conn: &mut DbConnection, bases: Vec<String>) -> Result<(), ApiError> {
        let owners = db::imports::slug_owners(conn, &bases)?;
        self.in_directory = owners.into_keys().collect();
        self.checked = bases.into_iter().collect();
        Ok(())
    }

    fn free(&mut self, conn: &mut DbConnection, base: &str) -> Result<String, ApiError> {
        let mut n = 1;
        loop {
            let slug = if n == 1 {
                base.to_owned()
            } else {
                format!("{base}-{n}")
            };
            let in_directory = if self.checked.contains(&slug) {
                self.in_directory.contains(&slug)
            } else {
                db::imports::slug_taken(conn, &slug)?
            };
            if !in_directory && self.taken.insert(slug.clone()) {
                return Ok(slug);
            }
            n += 1;
        }
    }
}
