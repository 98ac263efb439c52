//! The records of many organizations at once, for bulk reads with `include=`: one query per
//! kind of record for a whole page, not one per organization.

use std::collections::HashMap;

use super::ItemStore;
use crate::db::{DbConnection, organizations};
use crate::domain::include::{Include, Records};
use crate::domain::items::{
    CapabilityFields, CertificationFields, ContactFields, Item, ItemFields, MarketFields,
    ParticipationFields, RelationshipFields,
};
use crate::domain::visibility::Viewer;
use crate::error::ApiError;

/// The included records of each of `organizations`, as `viewer` may see them: relationships to
/// organizations hidden from the viewer are left out, contacts only when `include` has them
/// (which it has for staff only).
pub fn records_of(
    conn: &mut DbConnection,
    organizations: &[&str],
    include: Include,
    viewer: Viewer,
) -> Result<HashMap<String, Records>, ApiError> {
    let mut records: HashMap<String, Records> = organizations
        .iter()
        .map(|id| ((*id).to_owned(), Records::default()))
        .collect();
    if include.is_empty() || organizations.is_empty() {
        return Ok(records);
    }
    if include.capabilities {
        fill::<CapabilityFields>(conn, organizations, &mut records, |r| &mut r.capabilities)?;
    }
    if include.markets {
        fill::<MarketFields>(conn, organizations, &mut records, |r| &mut r.markets)?;
    }
    if include.certifications {
        fill::<CertificationFields>(conn, organizations, &mut records, |r| &mut r.certifications)?;
    }
    if include.programmes {
        fill::<ParticipationFields>(conn, organizations, &mut records, |r| &mut r.programmes)?;
    }
    if include.contacts && viewer.sees_contacts() {
        fill::<ContactFields>(conn, organizations, &mut records, |r| &mut r.contacts)?;
    }
    if include.consultations || include.actions {
        let mut parts = super::super::strategy_parts::of_organizations(conn, organizations, viewer)?;
        for (id, record) in records.iter_mut() {
            let (consultations, actions) = parts.remove(id).unwrap_or_default();
            record.consultations = include.consultations.then_some(consultations);
            record.actions = include.actions.then_some(actions);
        }
    }
    if include.relationships {
        let links = RelationshipFields::load_many(conn, organizations)?;
        let targets: Vec<&str> = links
            .iter()
            .filter_map(|l| l.fields.linked_organization())
            .collect();
        let statuses = organizations::statuses(conn, &targets)?;
        for record in records.values_mut() {
            record.relationships = Some(Vec::new());
        }
        for link in links {
            let shown = link
                .fields
                .linked_organization()
                .is_none_or(|target| statuses.get(target).is_some_and(|status| viewer.sees(*status)));
            if shown
                && let Some(Some(list)) = records
                    .get_mut(&link.organization_id)
                    .map(|r| r.relationships.as_mut())
            {
                list.push(link.derive());
            }
        }
    }
    Ok(records)
}

fn fill<F: ItemStore>(
    conn: &mut DbConnection,
    organizations: &[&str],
    records: &mut HashMap<String, Records>,
    slot: fn(&mut Records) -> &mut Option<Vec<Item<F>>>,
) -> Result<(), ApiError> {
    for record in records.values_mut() {
        *slot(record) = Some(Vec::new());
    }
    for item in F::load_many(conn, organizations)? {
        if let Some(Some(list)) = records.get_mut(&item.organization_id).map(|r| slot(r).as_mut()) {
            list.push(item.derive());
        }
    }
    Ok(())
}
