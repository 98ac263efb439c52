//! Storage of an organization's records (capabilities, markets, certifications, contacts,
//! relationships): one generic set of transactional writes here, one small store per table in
//! the modules below (capabilities in `offered`, since the table module has that name).

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::audit::{self, Change};
use super::organizations;
use super::schema::{
    capabilities, capability_languages, certifications, contacts, market_presences, programme_participants,
    relationships,
};
use crate::domain::caller::Caller;
use crate::domain::items::{
    CapabilityFields, CertificationFields, ContactFields, Item, ItemFields, MAX_PER_ORGANIZATION,
    MarketFields, ParticipationFields, RelationshipFields, WorkingLanguage,
};
use crate::domain::organization::Bilingual;
use crate::domain::vocab::LapseCause;
use crate::error::ApiError;

/// The table behind a kind of record.
pub trait ItemStore: ItemFields {
    /// Every record of the organization, in creation order.
    fn load(conn: &mut DbConnection, organization_id: &str) -> Result<Vec<Item<Self>>, ApiError>;
    /// How many records the organization has.
    fn count(conn: &mut DbConnection, organization_id: &str) -> Result<i64, ApiError>;
    /// The records of several organizations, by organization then id.
    fn load_many(conn: &mut DbConnection, organization_ids: &[&str]) -> Result<Vec<Item<Self>>, ApiError>;
    /// Stores a new record.
    fn insert(conn: &mut DbConnection, item: &Item<Self>) -> Result<(), ApiError>;
    /// Replaces the record if it is still at `expected` version.
    fn replace(conn: &mut DbConnection, item: &Item<Self>, expected: i32) -> Result<bool, ApiError>;
    /// Deletes the record if it is still at `expected` version.
    fn remove(conn: &mut DbConnection, id: &str, expected: i32) -> Result<bool, ApiError>;
    /// Stores many records at once, without audit events: for synthetic benchmark data.
    fn insert_many(conn: &mut DbConnection, items: &[Item<Self>]) -> Result<(), ApiError>;
}

/// One record of an organization.
pub fn find<F: ItemStore>(
    conn: &mut DbConnection,
    organization_id: &str,
    id: &str,
) -> Result<Option<Item<F>>, ApiError> {
    Ok(F::load(conn, organization_id)?
        .into_iter()
        .find(|item| item.id == id))
}

/// Stores a new record, raises the organization's version and records the change.
pub fn create<F: ItemStore>(conn: &mut DbConnection, item: &Item<F>, actor: &Caller) -> Result<(), ApiError> {
    if F::count(conn, &item.organization_id)? >= MAX_PER_ORGANIZATION {
        return Err(ApiError::Conflict(format!(
            "An organization holds at most {MAX_PER_ORGANIZATION} records of this kind."
        )));
    }
    F::insert(conn, item).map_err(already_recorded)?;
    lapse_if(conn, item, F::lapses_verification(None, Some(&item.fields)))?;
    changed(conn, item)?;
    audit::record(conn, change(item, actor, "created"), None, Some(item))
}

/// Replaces `before` by `after` unless it changed meanwhile (412), and records the change.
pub fn update<F: ItemStore>(
    conn: &mut DbConnection,
    before: &Item<F>,
    after: &Item<F>,
    actor: &Caller,
) -> Result<(), ApiError> {
    if !F::replace(conn, after, before.version).map_err(already_recorded)? {
        return Err(ApiError::PreconditionFailed);
    }
    lapse_if(
        conn,
        after,
        F::lapses_verification(Some(&before.fields), Some(&after.fields)),
    )?;
    changed(conn, after)?;
    audit::record(conn, change(after, actor, "updated"), Some(before), Some(after))
}

/// Deletes the record unless it changed meanwhile (412), and records the change.
pub fn delete<F: ItemStore>(conn: &mut DbConnection, item: &Item<F>, actor: &Caller) -> Result<(), ApiError> {
    if !F::remove(conn, &item.id, item.version)? {
        return Err(ApiError::PreconditionFailed);
    }
    lapse_if(conn, item, F::lapses_verification(Some(&item.fields), None))?;
    changed(conn, item)?;
    if F::PERSONAL {
        // The history keeps that the record existed, changed and was removed, by whom and
        // when; what it said about the person goes with it.
        audit::erase_states(conn, F::KIND, &item.id)?;
        return audit::record::<Item<F>>(conn, change(item, actor, "deleted"), None, None);
    }
    audit::record(conn, change(item, actor, "deleted"), Some(item), None)
}

/// Ends the organization's verification when the record's change touched what it vouched for.
fn lapse_if<F: ItemFields>(conn: &mut DbConnection, item: &Item<F>, lapses: bool) -> Result<(), ApiError> {
    if lapses {
        organizations::lapse_verification(conn, &item.organization_id, LapseCause::Capacity)?;
    }
    Ok(())
}

/// What follows any change to a record: the organization's version rises, and its search
/// text and match profile are recomputed when the record is part of them.
fn changed<F: ItemFields>(conn: &mut DbConnection, item: &Item<F>) -> Result<(), ApiError> {
    organizations::touch(conn, &item.organization_id)?;
    if F::SEARCHED {
        super::search::refresh(conn, &item.organization_id)?;
    }
    if F::MATCHED {
        super::match_profiles::refresh(conn, &item.organization_id)?;
    }
    Ok(())
}

fn change<'a, F: ItemFields>(item: &'a Item<F>, actor: &'a Caller, action: &'a str) -> Change<'a> {
    Change {
        actor,
        entity_kind: F::KIND,
        entity_id: &item.id,
        organization_id: Some(&item.organization_id),
        programme_id: None,
        buyer_request_id: None,
        action,
    }
}

fn already_recorded(err: ApiError) -> ApiError {
    match err {
        ApiError::Conflict(_) => {
            ApiError::Conflict("The same record already exists for this organization.".into())
        }
        other => other,
    }
}

fn bilingual(fr: Option<String>, en: Option<String>) -> Option<Bilingual> {
    (fr.is_some() || en.is_some()).then_some(Bilingual { fr, en })
}

fn parse<T: std::str::FromStr<Err = String>>(word: &str) -> Result<T, ApiError> {
    word.parse().map_err(ApiError::internal)
}

/// Implements [`ItemStore`] for a table whose row converts to and from the record.
macro_rules! row_store {
    ($fields:ty, $table:ident, $row:ty) => {
        impl ItemStore for $fields {
            fn load(conn: &mut DbConnection, organization_id: &str) -> Result<Vec<Item<Self>>, ApiError> {
                let rows: Vec<$row> = $table::table
                    .filter($table::organization_id.eq(organization_id))
                    .order($table::id)
                    .select(<$row>::as_select())
                    .load(conn)?;
                <$row>::hydrate(conn, rows)
            }

            fn load_many(
                conn: &mut DbConnection,
                organization_ids: &[&str],
            ) -> Result<Vec<Item<Self>>, ApiError> {
                let mut items = Vec::new();
                // Keeps each statement's bound parameters, children's included, far below
                // SQLite's limit.
                for chunk in organization_ids.chunks(200) {
                    let rows: Vec<$row> = $table::table
                        .filter($table::organization_id.eq_any(chunk))
                        .order(($table::organization_id, $table::id))
                        .select(<$row>::as_select())
                        .load(conn)?;
                    items.extend(<$row>::hydrate(conn, rows)?);
                }
                Ok(items)
            }

            fn count(conn: &mut DbConnection, organization_id: &str) -> Result<i64, ApiError> {
                Ok($table::table
                    .filter($table::organization_id.eq(organization_id))
                    .count()
                    .get_result(conn)?)
            }

            fn insert(conn: &mut DbConnection, item: &Item<Self>) -> Result<(), ApiError> {
                diesel::insert_into($table::table)
                    .values(<$row>::from_item(item))
                    .execute(conn)?;
                <$row>::after_write(conn, item)
            }

            fn replace(conn: &mut DbConnection, item: &Item<Self>, expected: i32) -> Result<bool, ApiError> {
                let updated = diesel::update(
                    $table::table
                        .filter($table::id.eq(&item.id))
                        .filter($table::version.eq(expected)),
                )
                .set(<$row>::from_item(item))
                .execute(conn)?;
                if updated == 1 {
                    <$row>::after_write(conn, item)?;
                }
                Ok(updated == 1)
            }

            fn insert_many(conn: &mut DbConnection, items: &[Item<Self>]) -> Result<(), ApiError> {
                let rows: Vec<$row> = items.iter().map(<$row>::from_item).collect();
                crate::db::batch_insert!(conn, $table::table, rows)?;
                <$row>::after_write_many(conn, items)
            }

            fn remove(conn: &mut DbConnection, id: &str, expected: i32) -> Result<bool, ApiError> {
                let deleted = diesel::delete(
                    $table::table
                        .filter($table::id.eq(id))
                        .filter($table::version.eq(expected)),
                )
                .execute(conn)?;
                Ok(deleted == 1)
            }
        }
    };
}

/// Conversions between a row and a record, and what else a write touches.
trait Row: Sized {
    type Fields: ItemFields;
    fn from_item(item: &Item<Self::Fields>) -> Self;
    fn into_item(self) -> Result<Item<Self::Fields>, ApiError>;

    /// Completes loaded records (child tables).
    fn hydrate(_conn: &mut DbConnection, rows: Vec<Self>) -> Result<Vec<Item<Self::Fields>>, ApiError> {
        rows.into_iter().map(Self::into_item).collect()
    }

    /// Writes child tables after the row.
    fn after_write(_conn: &mut DbConnection, _item: &Item<Self::Fields>) -> Result<(), ApiError> {
        Ok(())
    }

    /// Writes child tables after many new rows.
    fn after_write_many(_conn: &mut DbConnection, _items: &[Item<Self::Fields>]) -> Result<(), ApiError> {
        Ok(())
    }
}

fn item<F>(
    id: String,
    organization_id: String,
    fields: F,
    version: i32,
    created: NaiveDateTime,
    updated: NaiveDateTime,
) -> Item<F> {
    Item {
        id,
        organization_id,
        fields,
        expired: None,
        stale: None,
        version,
        created_at: created.and_utc(),
        updated_at: updated.and_utc(),
    }
}

// After the macro and the trait, which the stores below use.
mod bulk;
mod links;
mod offered;
mod records;

pub use bulk::records_of;
pub use links::{participants_of, relationships_to};
