//! The rows of the record sheets: each names its organization, and is matched to a record the
//! organization already has by what identifies it there (a capability by its service, a
//! market by country and kind, …), else creates one.

use std::collections::HashMap;

use serde_json::Value;

use super::cells::RowIn;
use super::columns::Sheet;
use super::plan::{self, Names, Options, Plan, Validated};
use super::report::{RowAction, RowOutcome, Tally};
use super::{Progress, Stopped};
use crate::db::DbConnection;
use crate::db::items::ItemStore;
use crate::domain::checks::fold;
use crate::domain::items::{
    CapabilityFields, CertificationFields, ContactFields, Item, MAX_PER_ORGANIZATION, MarketFields,
    RelationshipFields,
};
use crate::domain::merge_patch;
use crate::domain::reference::Reference;
use crate::domain::vocab::Status;
use crate::error::ApiError;

/// The records of one kind a file creates and changes.
pub struct KindChanges<F> {
    /// New records, of new and existing organizations.
    pub created: Vec<Item<F>>,
    /// Changed records: before and after.
    pub updated: Vec<(Item<F>, Item<F>)>,
}

impl<F> Default for KindChanges<F> {
    fn default() -> Self {
        KindChanges {
            created: Vec::new(),
            updated: Vec::new(),
        }
    }
}

/// The records of every kind a file creates and changes.
#[derive(Default)]
pub struct Changes {
    /// Export capabilities.
    pub capabilities: KindChanges<CapabilityFields>,
    /// Market presences.
    pub markets: KindChanges<MarketFields>,
    /// Certifications.
    pub certifications: KindChanges<CertificationFields>,
    /// Contacts.
    pub contacts: KindChanges<ContactFields>,
    /// Relationships.
    pub relationships: KindChanges<RelationshipFields>,
}

/// What identifies a record among its organization's records of the same kind.
pub trait Natural: ItemStore + Validated {
    /// Whether `self` and `other` are the same record, in other versions.
    fn same(&self, other: &Self) -> bool;

    /// The record as storage gives it back, so that a row read again compares equal.
    fn normalized(self) -> Self {
        self
    }
}

impl Natural for CapabilityFields {
    fn same(&self, other: &Self) -> bool {
        self.service_code == other.service_code
    }

    // Working languages are read back in code order.
    fn normalized(mut self) -> Self {
        self.languages.sort_by(|a, b| a.code.cmp(&b.code));
        self
    }
}

impl Natural for MarketFields {
    fn same(&self, other: &Self) -> bool {
        self.country == other.country && self.kind == other.kind
    }
}

impl Natural for CertificationFields {
    fn same(&self, other: &Self) -> bool {
        self.scheme == other.scheme && self.certificate_number == other.certificate_number
    }
}

impl Natural for ContactFields {
    fn same(&self, other: &Self) -> bool {
        match (&self.email, &other.email) {
            (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
            _ => fold(&self.name) == fold(&other.name),
        }
    }
}

impl Natural for RelationshipFields {
    fn same(&self, other: &Self) -> bool {
        self.kind == other.kind && self.target_id == other.target_id
    }
}

/// Plans the rows of one record sheet.
#[allow(clippy::too_many_arguments)]
pub fn sheet(
    conn: &mut DbConnection,
    reference: &Reference,
    sheet: Sheet,
    rows: Vec<RowIn>,
    options: &Options,
    names: &Names,
    plan: &mut Plan,
    progress: &dyn Progress,
) -> Result<Result<(), Stopped>, ApiError> {
    let mut kind = Kind {
        conn,
        reference,
        options,
        names,
        progress,
        outcomes: &mut plan.outcomes,
    };
    let changes = &mut plan.records;
    match sheet {
        Sheet::Capabilities => kind.rows(rows, &mut changes.capabilities),
        Sheet::Markets => kind.rows(rows, &mut changes.markets),
        Sheet::Certifications => kind.rows(rows, &mut changes.certifications),
        Sheet::Contacts => kind.rows(rows, &mut changes.contacts),
        Sheet::Relationships => kind.rows(rows, &mut changes.relationships),
        Sheet::Organizations => Ok(Ok(())),
    }
}

struct Kind<'a> {
    conn: &'a mut DbConnection,
    reference: &'a Reference,
    options: &'a Options,
    names: &'a Names,
    progress: &'a dyn Progress,
    outcomes: &'a mut Tally,
}

impl Kind<'_> {
    fn rows<F: Natural>(
        &mut self,
        rows: Vec<RowIn>,
        changes: &mut KindChanges<F>,
    ) -> Result<Result<(), Stopped>, ApiError> {
        let mut ids: Vec<&str> = rows
            .iter()
            .filter_map(|r| r.text("organization"))
            .filter_map(|n| self.names.resolve(n))
            .filter(|id| self.names.existing.contains_key(*id))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        let mut held: HashMap<String, Vec<Item<F>>> = HashMap::new();
        for chunk in ids.chunks(500) {
            for item in F::load_many(self.conn, chunk)? {
                held.entry(item.organization_id.clone()).or_default().push(item);
            }
        }
        // This file's records so far, per organization: the row that wrote each.
        let mut written: HashMap<String, Vec<(usize, F)>> = HashMap::new();
        let now = crate::db::now().and_utc();
        for (n, mut row) in rows.into_iter().enumerate() {
            if n % 1000 == 0 && self.progress.cancelled() {
                return Ok(Err(Stopped));
            }
            self.progress.validated(1);
            let mut problems = std::mem::take(&mut row.problems);
            let org = row
                .take_text("organization")
                .map(|name| (self.names.resolve(&name).map(str::to_owned), name));
            let org_id = match org {
                Some((Some(id), _)) => Some(id),
                Some((None, name)) => {
                    problems.push(row.problem(
                        "organization",
                        format!("\"{name}\" names no organization of the file or the directory"),
                    ));
                    None
                }
                None => {
                    problems.push(row.problem("organization", "is required"));
                    None
                }
            };
            let target = row.take_text("target");
            if target.is_none() && row.sheet == Sheet::Relationships {
                problems.push(row.problem("target", "is required"));
            }
            if let Some(target) = target {
                match self.names.resolve(&target) {
                    Some(id) if Some(id) == org_id.as_deref() => {
                        problems.push(row.problem("target", "must be another organization"))
                    }
                    Some(id) => {
                        row.values
                            .insert("target_id".into(), Value::String(id.to_owned()));
                    }
                    None => problems.push(row.problem(
                        "target",
                        format!("\"{target}\" names no organization of the file or the directory"),
                    )),
                }
            }
            row.gather_bilingual("description");
            let Some(org_id) = org_id else {
                self.refuse(&row, problems);
                continue;
            };
            let existing_org = self.names.existing.get(&org_id);
            if existing_org.is_some_and(|o| o.status == Status::Archived) {
                problems.push(row.problem(
                    "organization",
                    "names an archived organization, which cannot be changed",
                ));
            }
            let stale = existing_org.is_some_and(|o| plan::stale(o, self.options));
            let values = Value::Object(row.values.clone());
            // The record the row is about: one whose identifying fields the row leaves as they are.
            let before = held.get(&org_id).and_then(|items| {
                items.iter().find_map(|item| {
                    let patched = merge_patch::apply(&item.fields, values.clone())
                        .ok()?
                        .normalized();
                    patched.same(&item.fields).then_some((item, patched))
                })
            });
            let mine = written.entry(org_id.clone()).or_default();
            let outcome = match before {
                Some((before, after)) => {
                    if let Some((earlier, _)) = mine.iter().find(|(_, f)| f.same(&after)) {
                        problems.push(
                            row.problem("organization", format!("is the same record as row {earlier}")),
                        );
                    }
                    mine.push((row.line, after.clone()));
                    match after.check(self.reference) {
                        Err(err) => {
                            plan::refused_fields(&row, err, &[], &mut problems);
                            plan::outcome(&row, RowAction::Refused, &before.id, Vec::new(), problems)
                        }
                        Ok(()) if after == before.fields => {
                            plan::outcome(&row, RowAction::Unchanged, &before.id, Vec::new(), problems)
                        }
                        Ok(()) => {
                            if stale {
                                problems.push(
                                    row.problem("organization", "was changed after if_unmodified_since"),
                                );
                            }
                            let changed = plan::changed_fields(&before.fields, &after)?;
                            let item = Item {
                                fields: after,
                                version: before.version + 1,
                                updated_at: now,
                                ..before.clone()
                            };
                            if problems.is_empty() {
                                changes.updated.push((before.clone(), item));
                            }
                            plan::outcome(&row, RowAction::Updated, &before.id, changed, problems)
                        }
                    }
                }
                None => match plan::read_new::<F>(&mut row, self.reference, &[], &mut problems) {
                    Some(fields) => {
                        let fields = fields.normalized();
                        if let Some((earlier, _)) = mine.iter().find(|(_, f)| f.same(&fields)) {
                            problems.push(
                                row.problem("organization", format!("is the same record as row {earlier}")),
                            );
                        }
                        let count = held.get(&org_id).map_or(0, Vec::len) + mine.len();
                        if count as i64 >= MAX_PER_ORGANIZATION {
                            problems.push(row.problem(
                                "organization",
                                format!("would hold more than {MAX_PER_ORGANIZATION} records of this kind"),
                            ));
                        }
                        if stale {
                            problems
                                .push(row.problem("organization", "was changed after if_unmodified_since"));
                        }
                        mine.push((row.line, fields.clone()));
                        let item = Item::new(&org_id, fields, now);
                        let id = item.id.clone();
                        if problems.is_empty() {
                            changes.created.push(item);
                        }
                        plan::outcome(&row, RowAction::Created, &id, Vec::new(), problems)
                    }
                    None => {
                        self.refuse(&row, problems);
                        continue;
                    }
                },
            };
            self.outcomes.push(RowOutcome {
                organization_id: (outcome.action != RowAction::Refused).then_some(org_id),
                ..outcome
            });
        }
        Ok(Ok(()))
    }

    fn refuse(&mut self, row: &RowIn, problems: Vec<super::report::Problem>) {
        self.outcomes
            .push(plan::outcome(row, RowAction::Refused, "", Vec::new(), problems));
    }
}
