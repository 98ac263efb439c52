//! The rows of the organizations sheet: matched by registry identifier, then by slug, and
//! updated as merge patches; or new, with an id and a free slug.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use super::slugs::Slugs;
use super::{Plan, Planner, changed_fields, outcome, read_new, refused_fields, stale};
use crate::db::{self, DbConnection};
use crate::domain::checks::slugify;
use crate::domain::merge_patch;
use crate::domain::organization::{Organization, OrganizationFields, RegistryId};
use crate::domain::vocab::{RegistryScheme, Status};
use crate::error::ApiError;
use crate::import::cells::RowIn;
use crate::import::report::RowAction;

/// What the sheet's earlier rows said, for the checks of the rows after them.
#[derive(Default)]
pub struct State {
    seen_ids: HashMap<String, usize>,
    seen_keys: HashMap<String, usize>,
    seen_orgs: HashMap<String, usize>,
    /// Keys of likely duplicates, in the directory and in earlier rows.
    duplicates: super::duplicates::Seen,
    /// Slugs handed out so far.
    pub slugs: Slugs,
}

impl Planner<'_> {
    /// Plans a chunk of the organizations sheet.
    pub(super) fn organizations_rows(
        &mut self,
        conn: &mut DbConnection,
        rows: Vec<RowIn>,
        plan: &mut Plan,
    ) -> Result<(), ApiError> {
        let mut state = std::mem::take(&mut self.organizations);
        let planned = self.organization_chunk(conn, rows, plan, &mut state);
        self.organizations = state;
        planned
    }

    fn organization_chunk(
        &mut self,
        conn: &mut DbConnection,
        rows: Vec<RowIn>,
        plan: &mut Plan,
        state: &mut State,
    ) -> Result<(), ApiError> {
        let now = db::now().and_utc();
        if !self.options.allow_duplicate {
            state.duplicates.prefetch(conn, &rows)?;
        }
        for mut row in rows {
            self.progress.validated(1);
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
                    if let Some(earlier) = state.seen_ids.insert(value.clone(), row.line) {
                        problems
                            .push(row.problem(column, format!("is also the identifier of row {earlier}")));
                    }
                    given.push((column, RegistryId { scheme, value }));
                }
            }
            if let Some(key) = &key
                && let Some(earlier) = state.seen_keys.insert(key.clone(), row.line)
            {
                problems.push(row.problem("key", format!("is also the key of row {earlier}")));
            }
            row.gather_bilingual("description");
            let owners: HashSet<&String> = given
                .iter()
                .filter_map(|(_, id)| self.names.registry.get(&id.value))
                .collect();
            let by_slug = slug.as_ref().map(|s| {
                self.names
                    .slugs
                    .get(s)
                    .or_else(|| self.names.slugs.get(&s.to_ascii_lowercase()))
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
                && let Some(earlier) = state.seen_orgs.insert(id.clone(), row.line)
            {
                problems.push(row.problem("key", format!("is the same organization as row {earlier}")));
            }
            if let (Some(key), Some(id)) = (&key, &matched) {
                self.names.keys.insert(key.clone(), id.clone());
            }
            let existing = matched
                .as_ref()
                .and_then(|id| self.names.existing.get(id))
                .cloned();
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
                            .and_then(|fields| fields.validate(self.reference).map(|()| fields));
                    match after {
                        Err(err) => refused_fields(&row, err, &registry_columns, &mut problems),
                        Ok(_) if before.status == Status::Archived => problems.push(
                            row.problem("key", "names an archived organization, which cannot be changed"),
                        ),
                        Ok(fields) if fields == before.fields => {}
                        Ok(_) if stale(&before, self.options) => problems.push(row.problem(
                            "key",
                            format!(
                                "was changed at {} after if_unmodified_since",
                                before.updated_at.to_rfc3339()
                            ),
                        )),
                        Ok(fields) => {
                            let changes = changed_fields(&before.fields, &fields)?;
                            let changed = Organization {
                                fields,
                                version: before.version + 1,
                                updated_at: now,
                                ..before.clone()
                            };
                            let after =
                                crate::domain::verification::after_change(&before, changed, now.date_naive());
                            if problems.is_empty() {
                                self.names.existing.insert(after.id.clone(), after.clone());
                                plan.updated.push((before.clone(), after));
                            }
                            self.tally
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
                    if let Some(fields) = read_new::<OrganizationFields>(
                        &mut row,
                        self.reference,
                        &registry_columns,
                        &mut problems,
                    ) {
                        if !self.options.allow_duplicate {
                            problems.extend(state.duplicates.check(conn, &row, &fields, &self.names.new)?);
                        }
                        let slug = state.slugs.free(conn, &slugify(&fields.name))?;
                        plan.created.push(Organization {
                            id: id.clone(),
                            slug,
                            fields,
                            status: if self.options.publish {
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
                        self.names.new.insert(id.clone());
                    }
                    for (_, given) in &given {
                        self.names
                            .registry
                            .entry(given.value.clone())
                            .or_insert_with(|| id.clone());
                    }
                    if let Some(key) = &key {
                        self.names.keys.insert(key.clone(), id.clone());
                    }
                    outcome(&row, RowAction::Created, &id, Vec::new(), problems)
                }
            };
            self.tally.push(outcome);
        }
        Ok(())
    }
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
