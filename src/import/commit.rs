//! Writes planned chunks inside the caller's transaction: new organizations and their
//! records in bulk, changes to existing ones through the same storage functions as the API's
//! own writes; then what is derived from the new ones.

use std::collections::HashSet;

use super::Progress;
use super::plan::{Plan, Sink};
use super::records::KindChanges;
use crate::db::imports;
use crate::db::items::{self, ItemStore};
use crate::db::{DbConnection, organizations};
use crate::domain::caller::Caller;
use crate::domain::items::Item;
use crate::domain::reference::Reference;
use crate::error::ApiError;

/// The commit's sink.
pub struct Writer<'a> {
    /// Checks codes (the search text's service labels).
    pub reference: &'a Reference,
    /// Who writes, with the import's id.
    pub actor: &'a Caller,
    /// Asked between chunks whether to stop.
    pub progress: &'a dyn Progress,
    /// The organizations created so far, for [`Writer::finish`].
    pub created: Vec<String>,
    /// Organizations and records written.
    pub written: usize,
}

impl Sink for Writer<'_> {
    fn take(&mut self, conn: &mut DbConnection, chunk: Plan, new: &HashSet<String>) -> Result<(), ApiError> {
        if self.progress.cancelled() {
            return Err(super::cancelled());
        }
        imports::insert_organizations(conn, &chunk.created, self.actor)?;
        self.created.extend(chunk.created.iter().map(|o| o.id.clone()));
        for (before, after) in &chunk.updated {
            organizations::save(conn, before, after, "updated", self.actor)?;
        }
        let r = chunk.records;
        self.written += chunk.created.len()
            + chunk.updated.len()
            + records(conn, r.capabilities, new, self.actor)?
            + records(conn, r.markets, new, self.actor)?
            + records(conn, r.certifications, new, self.actor)?
            + records(conn, r.contacts, new, self.actor)?
            + records(conn, r.relationships, new, self.actor)?;
        Ok(())
    }
}

impl Writer<'_> {
    /// Writes what is derived from the organizations created: search text, match profiles,
    /// stored representations.
    pub fn finish(&self, conn: &mut DbConnection) -> Result<(), ApiError> {
        imports::derive(conn, self.reference, &self.created)
    }
}

/// Writes one kind's records: those of new organizations in bulk, those of existing ones one
/// by one as the API does (each raises its organization's version and refreshes its search
/// text and match profile). Returns how many.
fn records<F: ItemStore>(
    conn: &mut DbConnection,
    changes: KindChanges<F>,
    new: &HashSet<String>,
    actor: &Caller,
) -> Result<usize, ApiError> {
    let count = changes.created.len() + changes.updated.len();
    let (of_new, of_existing): (Vec<Item<F>>, Vec<Item<F>>) = changes
        .created
        .into_iter()
        .partition(|item| new.contains(&item.organization_id));
    imports::insert_records(conn, &of_new, actor)?;
    for item in &of_existing {
        items::create(conn, item, actor)?;
    }
    for (before, after) in &changes.updated {
        items::update(conn, before, after, actor)?;
    }
    Ok(count)
}
