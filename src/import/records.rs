//! The rows of the record sheets: each names its organization, and is matched to a record the
//! organization already has by what identifies it there (a capability by its service, a
//! market by country and kind, …), else creates one.

use std::collections::HashMap;

use serde_json::Value;

use super::cells::RowIn;
use super::columns::Sheet;
use super::plan::{self, Plan, Planner, Validated};
use super::report::{RowAction, RowOutcome};
use crate::db::DbConnection;
use crate::db::items::ItemStore;
use crate::domain::checks::fold;
use crate::domain::items::{
    CapabilityFields, CertificationFields, ContactFields, Item, MAX_PER_ORGANIZATION, MarketFields,
    RelationshipFields,
};
use crate::domain::merge_patch;
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

impl Changes {
    /// Whether there is nothing to write.
    pub fn is_empty(&self) -> bool {
        fn none<F>(c: &KindChanges<F>) -> bool {
            c.created.is_empty() && c.updated.is_empty()
        }
        none(&self.capabilities)
            && none(&self.markets)
            && none(&self.certifications)
            && none(&self.contacts)
            && none(&self.relationships)
    }
}

/// What identifies a record among its organization's records of the same kind.
pub trait Natural: ItemStore + Validated {
    /// What identifies the record among its organization's records of its kind.
    fn key(&self) -> String;

    /// Whether `self` and `other` are the same record, in other versions.
    fn same(&self, other: &Self) -> bool {
        self.key() == other.key()
    }

    /// The record as storage gives it back, so that a row read again compares equal.
    fn normalized(self) -> Self {
        self
    }
}

impl Natural for CapabilityFields {
    fn key(&self) -> String {
        self.service_code.clone()
    }

    // Working languages are read back in code order.
    fn normalized(mut self) -> Self {
        self.languages.sort_by(|a, b| a.code.cmp(&b.code));
        self
    }
}

impl Natural for MarketFields {
    fn key(&self) -> String {
        format!("{} {}", self.country, self.kind.as_str())
    }
}

impl Natural for CertificationFields {
    fn key(&self) -> String {
        format!(
            "{} {}",
            self.scheme,
            self.certificate_number.as_deref().unwrap_or_default()
        )
    }
}

impl Natural for ContactFields {
    fn key(&self) -> String {
        match &self.email {
            Some(email) => email.to_ascii_lowercase(),
            None => fold(&self.name),
        }
    }

    fn same(&self, other: &Self) -> bool {
        match (&self.email, &other.email) {
            (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
            _ => fold(&self.name) == fold(&other.name),
        }
    }
}

impl Natural for RelationshipFields {
    fn key(&self) -> String {
        format!("{} {}", self.kind.as_str(), self.target_id)
    }
}

/// Plans a chunk of a record sheet.
pub fn rows(
    planner: &mut Planner<'_>,
    conn: &mut DbConnection,
    sheet: Sheet,
    rows: Vec<RowIn>,
    plan: &mut Plan,
) -> Result<(), ApiError> {
    let changes = &mut plan.records;
    match sheet {
        Sheet::Capabilities => kind(planner, conn, rows, &mut changes.capabilities),
        Sheet::Markets => kind(planner, conn, rows, &mut changes.markets),
        Sheet::Certifications => kind(planner, conn, rows, &mut changes.certifications),
        Sheet::Contacts => kind(planner, conn, rows, &mut changes.contacts),
        Sheet::Relationships => kind(planner, conn, rows, &mut changes.relationships),
        Sheet::Organizations => Ok(()),
    }
}

fn kind<F: Natural>(
    planner: &mut Planner<'_>,
    conn: &mut DbConnection,
    rows: Vec<RowIn>,
    changes: &mut KindChanges<F>,
) -> Result<(), ApiError> {
    let names = &planner.names;
    let mut ids: Vec<&str> = rows
        .iter()
        .filter_map(|r| r.text("organization"))
        .filter_map(|n| names.resolve(n))
        .filter(|id| names.existing.contains_key(*id))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let mut held: HashMap<String, Vec<Item<F>>> = HashMap::new();
    for chunk in ids.chunks(500) {
        for item in F::load_many(conn, chunk)? {
            held.entry(item.organization_id.clone()).or_default().push(item);
        }
    }
    let now = crate::db::now().and_utc();
    for mut row in rows {
        planner.progress.validated(1);
        let mut problems = std::mem::take(&mut row.problems);
        let org = row
            .take_text("organization")
            .map(|name| (names.resolve(&name).map(str::to_owned), name));
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
            match names.resolve(&target) {
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
            planner
                .tally
                .push(plan::outcome(&row, RowAction::Refused, "", Vec::new(), problems));
            continue;
        };
        let existing_org = names.existing.get(&org_id);
        if existing_org.is_some_and(|o| o.status == Status::Archived) {
            problems.push(row.problem(
                "organization",
                "names an archived organization, which cannot be changed",
            ));
        }
        let stale = existing_org.is_some_and(|o| plan::stale(o, planner.options));
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
        let mine = planner
            .seen_records
            .entry(format!("{} {}", F::KIND, org_id))
            .or_default();
        let outcome = match before {
            Some((before, after)) => {
                if let Some((earlier, _)) = mine.iter().find(|(_, k)| *k == after.key()) {
                    problems
                        .push(row.problem("organization", format!("is the same record as row {earlier}")));
                }
                mine.push((row.line, after.key()));
                match after.check(planner.reference) {
                    Err(err) => {
                        plan::refused_fields(&row, err, &[], &mut problems);
                        plan::outcome(&row, RowAction::Refused, &before.id, Vec::new(), problems)
                    }
                    Ok(()) if after == before.fields => {
                        plan::outcome(&row, RowAction::Unchanged, &before.id, Vec::new(), problems)
                    }
                    Ok(()) => {
                        if stale {
                            problems
                                .push(row.problem("organization", "was changed after if_unmodified_since"));
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
            None => match plan::read_new::<F>(&mut row, planner.reference, &[], &mut problems) {
                Some(fields) => {
                    let fields = fields.normalized();
                    if let Some((earlier, _)) = mine.iter().find(|(_, k)| *k == fields.key()) {
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
                        problems.push(row.problem("organization", "was changed after if_unmodified_since"));
                    }
                    mine.push((row.line, fields.key()));
                    let item = Item::new(&org_id, fields, now);
                    let id = item.id.clone();
                    if problems.is_empty() {
                        changes.created.push(item);
                    }
                    plan::outcome(&row, RowAction::Created, &id, Vec::new(), problems)
                }
                None => {
                    planner
                        .tally
                        .push(plan::outcome(&row, RowAction::Refused, "", Vec::new(), problems));
                    continue;
                }
            },
        };
        planner.tally.push(RowOutcome {
            organization_id: (outcome.action != RowAction::Refused).then_some(org_id),
            ..outcome
        });
    }
    Ok(())
}
