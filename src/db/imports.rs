//! Storage for spreadsheet imports: the batched lookups a plan makes, the bulk creation of new
//! organizations with their records (audit trail, search text, match profiles and stored
//! representations included, as the API's own writes leave them), and the imports themselves.

mod jobs;

use std::collections::HashMap;

use diesel::prelude::*;

use super::audit::{self, NewEvent};
use super::items::ItemStore;
use super::organizations::{self, Row};
use super::schema::{organizations as orgs, registry_identifiers};
use super::{DbConnection, match_profiles, representations, search};
use crate::domain::caller::Caller;
use crate::domain::items::{
    CapabilityFields, CertificationFields, ContactFields, Item, ItemFields, MarketFields, RelationshipFields,
};
use crate::domain::matching::profile::MatchProfile;
use crate::domain::organization::Organization;
use crate::domain::vocab::Status;
use crate::error::ApiError;

pub use jobs::{ImportRow, NewImport, find, finish, list, mark_interrupted, start, update_state};

/// Keys per `IN (…)` list: far below SQLite's bound on parameters.
const CHUNK: usize = 500;

/// The organization each of these registry identifier values belongs to, whatever the scheme.
pub fn registry_owners(
    conn: &mut DbConnection,
    values: &[String],
) -> Result<HashMap<String, String>, ApiError> {
    let mut owners = HashMap::new();
    for chunk in values.chunks(CHUNK) {
        let rows: Vec<(String, String)> = registry_identifiers::table
            .filter(registry_identifiers::value.eq_any(chunk))
            .select((registry_identifiers::value, registry_identifiers::organization_id))
            .load(conn)?;
        owners.extend(rows);
    }
    Ok(owners)
}

/// The organization each of these names is the slug or the id of.
pub fn slug_owners(conn: &mut DbConnection, names: &[String]) -> Result<HashMap<String, String>, ApiError> {
    let mut owners = HashMap::new();
    let ids: Vec<String> = names
        .iter()
        .filter(|n| crate::domain::checks::is_id_form(n))
        .map(|n| n.to_ascii_lowercase())
        .collect();
    for chunk in names.chunks(CHUNK) {
        let rows: Vec<(String, String)> = orgs::table
            .filter(orgs::slug.eq_any(chunk))
            .select((orgs::slug, orgs::id))
            .load(conn)?;
        owners.extend(rows);
    }
    for chunk in ids.chunks(CHUNK) {
        let rows: Vec<String> = orgs::table
            .filter(orgs::id.eq_any(chunk))
            .select(orgs::id)
            .load(conn)?;
        owners.extend(rows.into_iter().map(|id| (id.clone(), id)));
    }
    Ok(owners)
}

/// Whether an organization has this slug.
pub fn slug_taken(conn: &mut DbConnection, slug: &str) -> Result<bool, ApiError> {
    Ok(diesel::select(diesel::dsl::exists(orgs::table.filter(orgs::slug.eq(slug)))).get_result(conn)?)
}

/// The organizations with these ids, registry identifiers included.
pub fn organizations(conn: &mut DbConnection, ids: &[&str]) -> Result<Vec<Organization>, ApiError> {
    let mut found = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK) {
        found.extend(organizations::find_many(conn, chunk)?);
    }
    Ok(found)
}

/// New organizations and their records, with what the API's writes leave beside them.
pub struct NewOrganizations<'a> {
    /// The organizations.
    pub organizations: &'a [Organization],
    /// Their search texts, by organization id, as `domain::search::document` makes them.
    pub documents: Vec<(String, (String, String, String))>,
    /// Their capabilities.
    pub capabilities: Vec<&'a Item<CapabilityFields>>,
    /// Their market presences.
    pub markets: Vec<&'a Item<MarketFields>>,
    /// Their certifications.
    pub certifications: Vec<&'a Item<CertificationFields>>,
    /// Their contacts.
    pub contacts: Vec<&'a Item<ContactFields>>,
    /// Their relationships.
    pub relationships: Vec<&'a Item<RelationshipFields>>,
}

/// Stores new organizations and their records in multi-row statements: rows, registry
/// identifiers, records, search documents, the match profiles of published firms, stored
/// representations, and one audit event per organization and record (plus `published` for
/// those created published), as one caller. `written` hears how many organizations are done, and may stop it.
pub fn create_many(
    conn: &mut DbConnection,
    new: &NewOrganizations<'_>,
    actor: &Caller,
    written: &dyn Fn(usize) -> Result<(), ApiError>,
) -> Result<(), ApiError> {
    let batch = 2_000;
    for (n, orgs) in new.organizations.chunks(batch).enumerate() {
        let rows: Vec<Row> = orgs.iter().map(Row::from_domain).collect();
        super::batch_insert!(conn, orgs::table, rows)?;
        let identifiers: Vec<_> = orgs
            .iter()
            .flat_map(|org| {
                org.fields.registry_ids.iter().map(|id| {
                    (
                        registry_identifiers::organization_id.eq(&org.id),
                        registry_identifiers::scheme.eq(id.scheme.as_str()),
                        registry_identifiers::value.eq(&id.value),
                    )
                })
            })
            .collect();
        super::batch_insert!(conn, registry_identifiers::table, identifiers)?;
        let start = n * batch;
        search::insert_documents(conn, &new.documents[start..start + orgs.len()])?;
        let mut events = Vec::new();
        for org in orgs {
            let draft = Organization {
                status: Status::Draft,
                ..org.clone()
            };
            events.push(event(
                organizations::KIND,
                &org.id,
                &org.id,
                "created",
                None,
                Some(&draft),
            )?);
            if org.status == Status::Published {
                events.push(event(
                    organizations::KIND,
                    &org.id,
                    &org.id,
                    "published",
                    Some(&draft),
                    Some(org),
                )?);
            }
        }
        audit::record_many(conn, actor, &events)?;
        written(orgs.len())?;
    }
    records(conn, &new.capabilities, actor)?;
    records(conn, &new.markets, actor)?;
    records(conn, &new.certifications, actor)?;
    records(conn, &new.contacts, actor)?;
    records(conn, &new.relationships, actor)?;
    let ids: Vec<&str> = new.organizations.iter().map(|o| o.id.as_str()).collect();
    for chunk in ids.chunks(CHUNK) {
        representations::refresh(conn, chunk)?;
    }
    profiles(conn, new)
}

fn records<F: ItemStore>(
    conn: &mut DbConnection,
    items: &[&Item<F>],
    actor: &Caller,
) -> Result<(), ApiError> {
    for chunk in items.chunks(2_000) {
        let owned: Vec<Item<F>> = chunk.iter().map(|i| (*i).clone()).collect();
        F::insert_many(conn, &owned)?;
        let events = chunk
            .iter()
            .map(|item| {
                event(
                    F::KIND,
                    &item.id,
                    &item.organization_id,
                    "created",
                    None,
                    Some(*item),
                )
            })
            .collect::<Result<Vec<_>, ApiError>>()?;
        audit::record_many(conn, actor, &events)?;
    }
    Ok(())
}

fn profiles(conn: &mut DbConnection, new: &NewOrganizations<'_>) -> Result<(), ApiError> {
    fn by_org<'a, F: ItemFields>(items: &[&'a Item<F>]) -> HashMap<&'a str, Vec<F>> {
        let mut map: HashMap<&str, Vec<F>> = HashMap::new();
        for item in items {
            map.entry(item.organization_id.as_str())
                .or_default()
                .push(item.fields.clone());
        }
        map
    }
    let matched: Vec<&Organization> = new
        .organizations
        .iter()
        .filter(|o| match_profiles::matched(o))
        .collect();
    if matched.is_empty() {
        return Ok(());
    }
    let (capabilities, certifications, markets) = (
        by_org(&new.capabilities),
        by_org(&new.certifications),
        by_org(&new.markets),
    );
    for chunk in matched.chunks(2_000) {
        let profiles: Vec<(&Organization, MatchProfile)> = chunk
            .iter()
            .map(|org| {
                let id = org.id.as_str();
                let profile = MatchProfile::new(
                    capabilities.get(id).map_or(&[][..], Vec::as_slice),
                    certifications.get(id).map_or(&[][..], Vec::as_slice),
                    markets.get(id).map_or(&[][..], Vec::as_slice),
                );
                (*org, profile)
            })
            .collect();
        match_profiles::insert_many(conn, &profiles)?;
    }
    Ok(())
}

fn event<'a, T: serde::Serialize>(
    entity_kind: &'static str,
    entity_id: &'a str,
    organization_id: &'a str,
    action: &'static str,
    before: Option<&T>,
    after: Option<&T>,
) -> Result<NewEvent<'a>, ApiError> {
    let json = |v: Option<&T>| {
        v.map(serde_json::to_string)
            .transpose()
            .map_err(ApiError::internal)
    };
    Ok(NewEvent {
        entity_kind,
        entity_id,
        organization_id,
        action,
        before: json(before)?,
        after: json(after)?,
    })
}
