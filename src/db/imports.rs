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
use crate::domain::items::{CapabilityFields, CertificationFields, Item, ItemFields, MarketFields};
use crate::domain::matching::profile::MatchProfile;
use crate::domain::organization::Organization;
use crate::domain::reference::Reference;
use crate::domain::vocab::Status;
use crate::error::ApiError;

pub use jobs::{ImportRow, NewImport, find, finish, list, mark_interrupted, start, update_state};

/// Keys per `IN (…)` list: far below SQLite's bound on parameters.
const CHUNK: usize = 500;

/// Pages of SQLite's cache for an import's write transaction (64 MiB), and the default.
const IMPORT_CACHE_KIB: i64 = 64 * 1024;
const DEFAULT_CACHE_KIB: i64 = 2_000;

/// Fits this connection to an import's transaction, or back to requests: on SQLite a page
/// cache with room for it; on PostgreSQL, for this transaction only, a statement timeout meant
/// for an import (moving its staged events is one statement) instead of a request's.
pub fn fit_for_import(conn: &mut DbConnection, large: bool) -> Result<(), ApiError> {
    use diesel::connection::SimpleConnection;
    match conn.backend() {
        super::Backend::Sqlite => {
            let kib = if large {
                IMPORT_CACHE_KIB
            } else {
                DEFAULT_CACHE_KIB
            };
            conn.batch_execute(&format!("PRAGMA cache_size = -{kib}"))?;
        }
        super::Backend::Postgres if large => conn.batch_execute("SET LOCAL statement_timeout = '15min'")?,
        super::Backend::Postgres => {}
    }
    Ok(())
}

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

/// Stores new organizations in multi-row statements, with their registry identifiers and one
/// audit event each (and `published` for those created published), as one caller. What is
/// derived from them and their records (search text, match profiles, stored representations)
/// is written by [`derive`] once their records are in.
pub fn insert_organizations(
    conn: &mut DbConnection,
    orgs: &[Organization],
    actor: &Caller,
) -> Result<(), ApiError> {
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
    super::duplicates::insert_for(conn, orgs)?;
    let mut events = Vec::with_capacity(orgs.len());
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
    audit::record_many(conn, actor, &events)
}

/// Stores new records of new organizations in multi-row statements, one audit event each.
pub fn insert_records<F: ItemStore>(
    conn: &mut DbConnection,
    items: &[Item<F>],
    actor: &Caller,
) -> Result<(), ApiError> {
    F::insert_many(conn, items)?;
    let events = items
        .iter()
        .map(|item| {
            event(
                F::KIND,
                &item.id,
                &item.organization_id,
                "created",
                None,
                Some(item),
            )
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    audit::record_many(conn, actor, &events)
}

/// Writes what is derived from new organizations and their records, read back in batches:
/// search documents, the match profiles of published firms, stored representations.
pub fn derive(conn: &mut DbConnection, reference: &Reference, ids: &[String]) -> Result<(), ApiError> {
    fn by_org<F: ItemFields>(items: Vec<Item<F>>) -> HashMap<String, Vec<F>> {
        let mut map: HashMap<String, Vec<F>> = HashMap::new();
        for item in items {
            map.entry(item.organization_id).or_default().push(item.fields);
        }
        map
    }
    for chunk in ids.chunks(CHUNK) {
        let chunk: Vec<&str> = chunk.iter().map(String::as_str).collect();
        let orgs = organizations::find_many(conn, &chunk)?;
        let capabilities = by_org(CapabilityFields::load_many(conn, &chunk)?);
        let certifications = by_org(CertificationFields::load_many(conn, &chunk)?);
        let markets = by_org(MarketFields::load_many(conn, &chunk)?);
        let none = Vec::new();
        let documents: Vec<_> = orgs
            .iter()
            .map(|org| {
                let offered = capabilities.get(&org.id).unwrap_or(&none);
                let labels: Vec<(String, String)> = offered
                    .iter()
                    .filter_map(|c| reference.term(&c.service_code))
                    .map(|t| (t.label_fr.clone(), t.label_en.clone()))
                    .collect();
                (
                    org.id.clone(),
                    crate::domain::search::document(&org.fields, offered, &labels),
                )
            })
            .collect();
        search::insert_documents(conn, &documents)?;
        let profiles: Vec<(&Organization, MatchProfile)> = orgs
            .iter()
            .filter(|org| match_profiles::matched(org))
            .map(|org| {
                // Records of an import are new: their figures are dated today unless they say.
                let today = super::now().date();
                let dated: Vec<(&CapabilityFields, chrono::NaiveDate)> = capabilities
                    .get(&org.id)
                    .map_or(&[][..], Vec::as_slice)
                    .iter()
                    .map(|c| (c, today))
                    .collect();
                let profile = MatchProfile::new(
                    &dated,
                    certifications.get(&org.id).map_or(&[][..], Vec::as_slice),
                    markets.get(&org.id).map_or(&[][..], Vec::as_slice),
                );
                (org, profile)
            })
            .collect();
        match_profiles::insert_many(conn, &profiles)?;
        representations::store(conn, &orgs)?;
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
