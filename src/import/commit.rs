//! Writes a plan inside the caller's transaction: new organizations and their records in bulk,
//! changes to existing ones through the same storage functions as the API's own writes.

use std::collections::{HashMap, HashSet};

use super::Progress;
use super::plan::Plan;
use super::records::KindChanges;
use crate::db::imports::{self, NewOrganizations};
use crate::db::items::{self, ItemStore};
use crate::db::{DbConnection, organizations};
use crate::domain::caller::Caller;
use crate::domain::items::{CapabilityFields, Item};
use crate::domain::reference::Reference;
use crate::domain::search;
use crate::error::ApiError;

/// Writes everything `plan` says; returns how many organizations and records it wrote.
pub fn write(
    conn: &mut DbConnection,
    reference: &Reference,
    plan: &Plan,
    actor: &Caller,
    progress: &dyn Progress,
) -> Result<usize, ApiError> {
    let new: HashSet<&str> = plan.created.iter().map(|o| o.id.as_str()).collect();
    let r = &plan.records;
    let total = plan.created.len()
        + plan.updated.len()
        + count(&r.capabilities)
        + count(&r.markets)
        + count(&r.certifications)
        + count(&r.contacts)
        + count(&r.relationships);
    progress.writing(total);
    let (capabilities, _) = split(&r.capabilities, &new);
    let mut by_org: HashMap<&str, Vec<CapabilityFields>> = HashMap::new();
    for item in &capabilities {
        by_org
            .entry(item.organization_id.as_str())
            .or_default()
            .push(item.fields.clone());
    }
    let documents = plan
        .created
        .iter()
        .map(|org| {
            let offered = by_org.remove(org.id.as_str()).unwrap_or_default();
            let labels: Vec<(String, String)> = offered
                .iter()
                .filter_map(|c| reference.term(&c.service_code))
                .map(|t| (t.label_fr.clone(), t.label_en.clone()))
                .collect();
            (org.id.clone(), search::document(&org.fields, &offered, &labels))
        })
        .collect();
    let records_of_new = split(&r.markets, &new).0.len()
        + split(&r.certifications, &new).0.len()
        + split(&r.contacts, &new).0.len()
        + split(&r.relationships, &new).0.len()
        + capabilities.len();
    let bulk = NewOrganizations {
        organizations: &plan.created,
        documents,
        capabilities,
        markets: split(&r.markets, &new).0,
        certifications: split(&r.certifications, &new).0,
        contacts: split(&r.contacts, &new).0,
        relationships: split(&r.relationships, &new).0,
    };
    imports::create_many(conn, &bulk, actor, &|n| {
        progress.written(n);
        if progress.cancelled() {
            Err(super::cancelled())
        } else {
            Ok(())
        }
    })?;
    progress.written(records_of_new);
    if progress.cancelled() {
        return Err(super::cancelled());
    }
    for (before, after) in &plan.updated {
        organizations::save(conn, before, after, "updated", actor)?;
        progress.written(1);
    }
    existing(conn, &r.capabilities, &new, actor, progress)?;
    existing(conn, &r.markets, &new, actor, progress)?;
    existing(conn, &r.certifications, &new, actor, progress)?;
    existing(conn, &r.contacts, &new, actor, progress)?;
    existing(conn, &r.relationships, &new, actor, progress)?;
    Ok(total)
}

fn count<F>(changes: &KindChanges<F>) -> usize {
    changes.created.len() + changes.updated.len()
}

/// The created records of new organizations, and those of existing ones.
fn split<'a, F>(changes: &'a KindChanges<F>, new: &HashSet<&str>) -> (Vec<&'a Item<F>>, Vec<&'a Item<F>>) {
    changes
        .created
        .iter()
        .partition(|item| new.contains(item.organization_id.as_str()))
}

/// Writes the records of existing organizations one by one, as the API does: each raises its
/// organization's version and refreshes its search text and match profile.
fn existing<F: ItemStore>(
    conn: &mut DbConnection,
    changes: &KindChanges<F>,
    new: &HashSet<&str>,
    actor: &Caller,
    progress: &dyn Progress,
) -> Result<(), ApiError> {
    for item in split(changes, new).1 {
        items::create(conn, item, actor)?;
        progress.written(1);
    }
    for (before, after) in &changes.updated {
        items::update(conn, before, after, actor)?;
        progress.written(1);
    }
    Ok(())
}
