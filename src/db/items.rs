//! Storage of an organization's records (capabilities, markets, certifications, contacts,
//! relationships): one generic set of transactional writes, one small store per table.

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
use crate::auth::Caller;
use crate::domain::items::{
    CapabilityFields, CertificationFields, ContactFields, Item, ItemFields, MAX_PER_ORGANIZATION,
    MarketFields, ParticipationFields, RelationshipFields, WorkingLanguage,
};
use crate::domain::organization::Bilingual;
use crate::error::ApiError;

/// The table behind a kind of record.
pub trait ItemStore: ItemFields {
    /// Every record of the organization, in creation order.
    fn load(conn: &mut DbConnection, organization_id: &str) -> Result<Vec<Item<Self>>, ApiError>;
    /// How many records the organization has.
    fn count(conn: &mut DbConnection, organization_id: &str) -> Result<i64, ApiError>;
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
    changed(conn, after)?;
    audit::record(conn, change(after, actor, "updated"), Some(before), Some(after))
}

/// Deletes the record unless it changed meanwhile (412), and records the change.
pub fn delete<F: ItemStore>(conn: &mut DbConnection, item: &Item<F>, actor: &Caller) -> Result<(), ApiError> {
    if !F::remove(conn, &item.id, item.version)? {
        return Err(ApiError::PreconditionFailed);
    }
    changed(conn, item)?;
    if F::PERSONAL {
        // The history keeps that the record existed, changed and was removed, by whom and
        // when; what it said about the person goes with it.
        audit::erase_states(conn, F::KIND, &item.id)?;
        return audit::record::<Item<F>>(conn, change(item, actor, "deleted"), None, None);
    }
    audit::record(conn, change(item, actor, "deleted"), Some(item), None)
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
                super::batch_insert!(conn, $table::table, rows)?;
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
        version,
        created_at: created.and_utc(),
        updated_at: updated.and_utc(),
    }
}

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = capabilities, treat_none_as_null = true)]
struct CapabilityRow {
    id: String,
    organization_id: String,
    service_code: String,
    description_fr: Option<String>,
    description_en: Option<String>,
    delivery_modes: String,
    capacity_seats: Option<i32>,
    capacity_fte: Option<i32>,
    capacity_as_of: Option<chrono::NaiveDate>,
    min_engagement_months: Option<i32>,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl Row for CapabilityRow {
    type Fields = CapabilityFields;

    fn from_item(item: &Item<CapabilityFields>) -> Self {
        let f = &item.fields;
        let description = f.description.clone().unwrap_or_default();
        let modes: Vec<&str> = f.delivery_modes.iter().map(|m| m.as_str()).collect();
        CapabilityRow {
            id: item.id.clone(),
            organization_id: item.organization_id.clone(),
            service_code: f.service_code.clone(),
            description_fr: description.fr,
            description_en: description.en,
            delivery_modes: modes.join(","),
            capacity_seats: f.capacity_seats,
            capacity_fte: f.capacity_fte,
            capacity_as_of: f.capacity_as_of,
            min_engagement_months: f.min_engagement_months,
            version: item.version,
            created_at: item.created_at.naive_utc(),
            updated_at: item.updated_at.naive_utc(),
        }
    }

    fn into_item(self) -> Result<Item<CapabilityFields>, ApiError> {
        let delivery_modes = self
            .delivery_modes
            .split(',')
            .filter(|m| !m.is_empty())
            .map(parse)
            .collect::<Result<_, _>>()?;
        let fields = CapabilityFields {
            service_code: self.service_code,
            description: bilingual(self.description_fr, self.description_en),
            delivery_modes,
            languages: Vec::new(),
            capacity_seats: self.capacity_seats,
            capacity_fte: self.capacity_fte,
            capacity_as_of: self.capacity_as_of,
            min_engagement_months: self.min_engagement_months,
        };
        Ok(item(
            self.id,
            self.organization_id,
            fields,
            self.version,
            self.created_at,
            self.updated_at,
        ))
    }

    fn hydrate(conn: &mut DbConnection, rows: Vec<Self>) -> Result<Vec<Item<CapabilityFields>>, ApiError> {
        let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
        let languages: Vec<(String, String, Option<i32>)> = capability_languages::table
            .filter(capability_languages::capability_id.eq_any(&ids))
            .select((
                capability_languages::capability_id,
                capability_languages::language,
                capability_languages::seats,
            ))
            .order((
                capability_languages::capability_id,
                capability_languages::language,
            ))
            .load(conn)?;
        let mut by_capability: HashMap<String, Vec<WorkingLanguage>> = HashMap::new();
        for (capability_id, code, seats) in languages {
            by_capability
                .entry(capability_id)
                .or_default()
                .push(WorkingLanguage { code, seats });
        }
        rows.into_iter()
            .map(|row| {
                let languages = by_capability.remove(&row.id).unwrap_or_default();
                row.into_item().map(|mut item| {
                    item.fields.languages = languages;
                    item
                })
            })
            .collect()
    }

    fn after_write(conn: &mut DbConnection, item: &Item<CapabilityFields>) -> Result<(), ApiError> {
        diesel::delete(capability_languages::table.filter(capability_languages::capability_id.eq(&item.id)))
            .execute(conn)?;
        Self::after_write_many(conn, std::slice::from_ref(item))
    }

    fn after_write_many(conn: &mut DbConnection, items: &[Item<CapabilityFields>]) -> Result<(), ApiError> {
        let rows: Vec<LanguageRow> = items
            .iter()
            .flat_map(|item| {
                item.fields.languages.iter().map(|language| LanguageRow {
                    capability_id: &item.id,
                    language: &language.code,
                    seats: language.seats,
                })
            })
            .collect();
        super::batch_insert!(conn, capability_languages::table, rows)?;
        Ok(())
    }
}
row_store!(CapabilityFields, capabilities, CapabilityRow);

#[derive(Insertable)]
#[diesel(table_name = capability_languages)]
struct LanguageRow<'a> {
    capability_id: &'a str,
    language: &'a str,
    seats: Option<i32>,
}

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = market_presences, treat_none_as_null = true)]
struct MarketRow {
    id: String,
    organization_id: String,
    country: String,
    kind: String,
    since_year: Option<i32>,
    reference_clients: Option<i32>,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl Row for MarketRow {
    type Fields = MarketFields;

    fn from_item(item: &Item<MarketFields>) -> Self {
        let f = &item.fields;
        MarketRow {
            id: item.id.clone(),
            organization_id: item.organization_id.clone(),
            country: f.country.clone(),
            kind: f.kind.as_str().to_owned(),
            since_year: f.since_year,
            reference_clients: f.reference_clients,
            version: item.version,
            created_at: item.created_at.naive_utc(),
            updated_at: item.updated_at.naive_utc(),
        }
    }

    fn into_item(self) -> Result<Item<MarketFields>, ApiError> {
        let fields = MarketFields {
            country: self.country,
            kind: parse(&self.kind)?,
            since_year: self.since_year,
            reference_clients: self.reference_clients,
        };
        Ok(item(
            self.id,
            self.organization_id,
            fields,
            self.version,
            self.created_at,
            self.updated_at,
        ))
    }
}
row_store!(MarketFields, market_presences, MarketRow);

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = certifications, treat_none_as_null = true)]
struct CertificationRow {
    id: String,
    organization_id: String,
    scheme: String,
    certificate_number: Option<String>,
    issuer: Option<String>,
    valid_from: Option<chrono::NaiveDate>,
    valid_until: Option<chrono::NaiveDate>,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl Row for CertificationRow {
    type Fields = CertificationFields;

    fn from_item(item: &Item<CertificationFields>) -> Self {
        let f = item.fields.clone();
        CertificationRow {
            id: item.id.clone(),
            organization_id: item.organization_id.clone(),
            scheme: f.scheme,
            certificate_number: f.certificate_number,
            issuer: f.issuer,
            valid_from: f.valid_from,
            valid_until: f.valid_until,
            version: item.version,
            created_at: item.created_at.naive_utc(),
            updated_at: item.updated_at.naive_utc(),
        }
    }

    fn into_item(self) -> Result<Item<CertificationFields>, ApiError> {
        let fields = CertificationFields {
            scheme: self.scheme,
            certificate_number: self.certificate_number,
            issuer: self.issuer,
            valid_from: self.valid_from,
            valid_until: self.valid_until,
        };
        Ok(item(
            self.id,
            self.organization_id,
            fields,
            self.version,
            self.created_at,
            self.updated_at,
        ))
    }
}
row_store!(CertificationFields, certifications, CertificationRow);

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = contacts, treat_none_as_null = true)]
struct ContactRow {
    id: String,
    organization_id: String,
    name: String,
    role_title: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl Row for ContactRow {
    type Fields = ContactFields;

    fn from_item(item: &Item<ContactFields>) -> Self {
        let f = item.fields.clone();
        ContactRow {
            id: item.id.clone(),
            organization_id: item.organization_id.clone(),
            name: f.name,
            role_title: f.role_title,
            email: f.email,
            phone: f.phone,
            version: item.version,
            created_at: item.created_at.naive_utc(),
            updated_at: item.updated_at.naive_utc(),
        }
    }

    fn into_item(self) -> Result<Item<ContactFields>, ApiError> {
        let fields = ContactFields {
            name: self.name,
            role_title: self.role_title,
            email: self.email,
            phone: self.phone,
        };
        Ok(item(
            self.id,
            self.organization_id,
            fields,
            self.version,
            self.created_at,
            self.updated_at,
        ))
    }
}
row_store!(ContactFields, contacts, ContactRow);

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = relationships, treat_none_as_null = true)]
struct RelationshipRow {
    id: String,
    organization_id: String,
    kind: String,
    target_id: String,
    since: Option<chrono::NaiveDate>,
    until: Option<chrono::NaiveDate>,
    source: Option<String>,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl Row for RelationshipRow {
    type Fields = RelationshipFields;

    fn from_item(item: &Item<RelationshipFields>) -> Self {
        let f = item.fields.clone();
        RelationshipRow {
            id: item.id.clone(),
            organization_id: item.organization_id.clone(),
            kind: f.kind.as_str().to_owned(),
            target_id: f.target_id,
            since: f.since,
            until: f.until,
            source: f.source,
            version: item.version,
            created_at: item.created_at.naive_utc(),
            updated_at: item.updated_at.naive_utc(),
        }
    }

    fn into_item(self) -> Result<Item<RelationshipFields>, ApiError> {
        let fields = RelationshipFields {
            kind: parse(&self.kind)?,
            target_id: self.target_id,
            since: self.since,
            until: self.until,
            source: self.source,
        };
        Ok(item(
            self.id,
            self.organization_id,
            fields,
            self.version,
            self.created_at,
            self.updated_at,
        ))
    }
}
row_store!(RelationshipFields, relationships, RelationshipRow);

/// Relationships pointing at an organization from others.
pub fn relationships_to(
    conn: &mut DbConnection,
    organization_id: &str,
) -> Result<Vec<Item<RelationshipFields>>, ApiError> {
    let rows: Vec<RelationshipRow> = relationships::table
        .filter(relationships::target_id.eq(organization_id))
        .order(relationships::id)
        .select(RelationshipRow::as_select())
        .load(conn)?;
    rows.into_iter().map(Row::into_item).collect()
}

#[derive(Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = programme_participants, treat_none_as_null = true)]
struct ParticipationRow {
    id: String,
    programme_id: String,
    organization_id: String,
    role: String,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl Row for ParticipationRow {
    type Fields = ParticipationFields;

    fn from_item(item: &Item<ParticipationFields>) -> Self {
        ParticipationRow {
            id: item.id.clone(),
            programme_id: item.fields.programme_id.clone(),
            organization_id: item.organization_id.clone(),
            role: item.fields.role.as_str().to_owned(),
            version: item.version,
            created_at: item.created_at.naive_utc(),
            updated_at: item.updated_at.naive_utc(),
        }
    }

    fn into_item(self) -> Result<Item<ParticipationFields>, ApiError> {
        let fields = ParticipationFields {
            programme_id: self.programme_id,
            role: parse(&self.role)?,
        };
        Ok(item(
            self.id,
            self.organization_id,
            fields,
            self.version,
            self.created_at,
            self.updated_at,
        ))
    }
}
row_store!(ParticipationFields, programme_participants, ParticipationRow);

/// The participants of a programme.
pub fn participants_of(
    conn: &mut DbConnection,
    programme_id: &str,
) -> Result<Vec<Item<ParticipationFields>>, ApiError> {
    let rows: Vec<ParticipationRow> = programme_participants::table
        .filter(programme_participants::programme_id.eq(programme_id))
        .order(programme_participants::id)
        .select(ParticipationRow::as_select())
        .load(conn)?;
    rows.into_iter().map(Row::into_item).collect()
}
