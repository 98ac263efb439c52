//! Organizations and their registry identifiers.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

use super::audit::{self, Change};
use super::schema::{organizations, registry_identifiers};
use super::{DbConnection, now};
use crate::domain::caller::Caller;
use crate::domain::organization::{Bilingual, Organization, OrganizationFields, RegistryId, Verification};
use crate::domain::vocab::{LapseCause, Status};
use crate::error::ApiError;

/// The audit name of organizations.
pub const KIND: &str = "organization";

#[derive(Debug, Queryable, QueryableByName, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = organizations, treat_none_as_null = true)]
pub(super) struct Row {
    pub(super) id: String,
    pub(super) slug: String,
    pub(super) kind: String,
    pub(super) name: String,
    pub(super) acronym: Option<String>,
    pub(super) legal_name: Option<String>,
    pub(super) description_fr: Option<String>,
    pub(super) description_en: Option<String>,
    pub(super) country: String,
    pub(super) region: Option<String>,
    pub(super) city: Option<String>,
    pub(super) website: Option<String>,
    pub(super) email: Option<String>,
    pub(super) phone: Option<String>,
    pub(super) founded_year: Option<i32>,
    pub(super) employees: Option<i32>,
    pub(super) status: String,
    pub(super) is_sample: bool,
    pub(super) internal_notes: Option<String>,
    pub(super) verified_at: Option<NaiveDateTime>,
    pub(super) verified_by: Option<String>,
    pub(super) verification_method: Option<String>,
    pub(super) verification_note: Option<String>,
    pub(super) verified_until: Option<chrono::NaiveDate>,
    pub(super) verification_lapsed_by: Option<String>,
    pub(super) version: i32,
    pub(super) created_at: NaiveDateTime,
    pub(super) updated_at: NaiveDateTime,
}

impl Row {
    pub(super) fn from_domain(org: &Organization) -> Self {
        let f = &org.fields;
        let description = f.description.clone().unwrap_or_default();
        Row {
            id: org.id.clone(),
            slug: org.slug.clone(),
            kind: f.kind.as_str().to_owned(),
            name: f.name.clone(),
            acronym: f.acronym.clone(),
            legal_name: f.legal_name.clone(),
            description_fr: description.fr,
            description_en: description.en,
            country: f.country.clone(),
            region: f.region.clone(),
            city: f.city.clone(),
            website: f.website.clone(),
            email: f.email.clone(),
            phone: f.phone.clone(),
            founded_year: f.founded_year,
            employees: f.employees,
            status: org.status.as_str().to_owned(),
            is_sample: f.is_sample,
            internal_notes: f.internal_notes.clone(),
            verified_at: org.verification.as_ref().map(|v| v.verified_at.naive_utc()),
            verified_by: org.verification.as_ref().and_then(|v| v.verified_by.clone()),
            verification_method: org
                .verification
                .as_ref()
                .and_then(|v| v.method.map(|m| m.as_str().to_owned())),
            verification_note: org.verification.as_ref().and_then(|v| v.note.clone()),
            verified_until: org.verification.as_ref().map(|v| v.valid_until),
            verification_lapsed_by: org
                .verification
                .as_ref()
                .and_then(|v| v.lapsed_by.map(|c| c.as_str().to_owned())),
            version: org.version,
            created_at: org.created_at.naive_utc(),
            updated_at: org.updated_at.naive_utc(),
        }
    }

    fn into_domain(self, registry_ids: Vec<RegistryId>) -> Result<Organization, ApiError> {
        let description =
            (self.description_fr.is_some() || self.description_en.is_some()).then_some(Bilingual {
                fr: self.description_fr,
                en: self.description_en,
            });
        Ok(Organization {
            id: self.id,
            slug: self.slug,
            fields: OrganizationFields {
                kind: self.kind.parse().map_err(ApiError::internal)?,
                name: self.name,
                acronym: self.acronym,
                legal_name: self.legal_name,
                description,
                country: self.country,
                region: self.region,
                city: self.city,
                website: self.website,
                email: self.email,
                phone: self.phone,
                founded_year: self.founded_year,
                employees: self.employees,
                registry_ids,
                is_sample: self.is_sample,
                internal_notes: self.internal_notes,
            },
            status: self.status.parse().map_err(ApiError::internal)?,
            verification: match self.verified_at {
                None => None,
                Some(at) => Some(Verification {
                    verified_at: at.and_utc(),
                    verified_by: self.verified_by,
                    method: self
                        .verification_method
                        .map(|m| m.parse())
                        .transpose()
                        .map_err(ApiError::internal)?,
                    note: self.verification_note,
                    // Written with every verification since migration 21, which filled the older.
                    valid_until: self.verified_until.unwrap_or_else(|| at.date()),
                    lapsed_by: self
                        .verification_lapsed_by
                        .map(|c| c.parse())
                        .transpose()
                        .map_err(ApiError::internal)?,
                }),
            },
            version: self.version,
            created_at: self.created_at.and_utc(),
            updated_at: self.updated_at.and_utc(),
            records: Default::default(),
        })
    }
}

/// The organizations with these ids, registry identifiers included, in the order given.
pub(super) fn hydrate(conn: &mut DbConnection, rows: Vec<Row>) -> Result<Vec<Organization>, ApiError> {
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let identifiers: Vec<(String, String, String)> = registry_identifiers::table
        .filter(registry_identifiers::organization_id.eq_any(&ids))
        .select((
            registry_identifiers::organization_id,
            registry_identifiers::scheme,
            registry_identifiers::value,
        ))
        .order((registry_identifiers::scheme, registry_identifiers::value))
        .load(conn)?;
    let mut by_org: HashMap<String, Vec<RegistryId>> = HashMap::new();
    for (organization_id, scheme, value) in identifiers {
        let scheme = scheme.parse().map_err(ApiError::internal)?;
        by_org
            .entry(organization_id)
            .or_default()
            .push(RegistryId { scheme, value });
    }
    rows.into_iter()
        .map(|row| {
            let ids = by_org.remove(&row.id).unwrap_or_default();
            row.into_domain(ids)
        })
        .collect()
}

/// The organization with this id, or with this slug when `key` has not the form of an id: a
/// lookup by id never matches a slug, so no organization can shadow another.
pub fn find(conn: &mut DbConnection, key: &str) -> Result<Option<Organization>, ApiError> {
    let row: Option<Row> = if crate::domain::checks::is_id_form(key) {
        organizations::table
            .find(key.to_ascii_lowercase())
            .select(Row::as_select())
            .first(conn)
            .optional()?
    } else {
        organizations::table
            .filter(organizations::slug.eq(key))
            .select(Row::as_select())
            .first(conn)
            .optional()?
    };
    Ok(hydrate(conn, row.into_iter().collect())?.pop())
}

/// Like [`find`], holding the organization's row until the transaction ends (PostgreSQL's
/// `FOR UPDATE`; on SQLite the write transaction already holds the whole database), so that a
/// change decided on what was read cannot be overtaken by a concurrent one.
pub fn find_for_update(conn: &mut DbConnection, key: &str) -> Result<Option<Organization>, ApiError> {
    let Some(found) = find(conn, key)? else {
        return Ok(None);
    };
    if conn.backend() == super::Backend::Postgres {
        super::hold_row(conn, "organizations", &found.id)?;
        // Read again under the lock: a transaction that committed meanwhile is seen.
        return find(conn, &found.id);
    }
    Ok(Some(found))
}

/// The organizations with these ids that exist, in the order given.
pub fn find_many(conn: &mut DbConnection, ids: &[&str]) -> Result<Vec<Organization>, ApiError> {
    let mut rows: Vec<Row> = organizations::table
        .filter(organizations::id.eq_any(ids))
        .select(Row::as_select())
        .load(conn)?;
    let place: HashMap<&str, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    // Each row's place looked up once: rows are large to move and hashing per comparison cost
    // a twentieth of a change-feed page.
    rows.sort_by_cached_key(|row| place.get(row.id.as_str()).copied());
    hydrate(conn, rows)
}

/// The slug of `name`, with a number appended when another organization has it.
pub fn free_slug(conn: &mut DbConnection, base: &str) -> Result<String, ApiError> {
    let taken: Vec<String> = organizations::table
        .filter(
            organizations::slug
                .eq(base)
                .or(organizations::slug.like(format!("{base}-%"))),
        )
        .select(organizations::slug)
        .load(conn)?;
    let slug = (1..)
        .map(|n| {
            if n == 1 {
                base.to_owned()
            } else {
                format!("{base}-{n}")
            }
        })
        .find(|candidate| !taken.contains(candidate))
        .unwrap_or_else(|| base.to_owned());
    Ok(slug)
}

/// Stores a new organization and records its creation.
pub fn insert(conn: &mut DbConnection, org: &Organization, actor: &Caller) -> Result<(), ApiError> {
    diesel::insert_into(organizations::table)
        .values(Row::from_domain(org))
        .execute(conn)?;
    write_registry_ids(conn, org)?;
    super::duplicates::insert_for(conn, std::slice::from_ref(org))?;
    super::representations::refresh(conn, &[&org.id])?;
    super::search::refresh(conn, &org.id)?;
    super::match_profiles::refresh(conn, &org.id)?;
    audit::record(conn, change(org, actor, "created"), None, Some(org))
}

/// Replaces `before` by `after` if nobody changed it meanwhile (else 412), and records it.
pub fn save(
    conn: &mut DbConnection,
    before: &Organization,
    after: &Organization,
    action: &str,
    actor: &Caller,
) -> Result<(), ApiError> {
    let updated = diesel::update(
        organizations::table
            .filter(organizations::id.eq(&before.id))
            .filter(organizations::version.eq(before.version)),
    )
    .set(Row::from_domain(after))
    .execute(conn)?;
    if updated == 0 {
        return Err(ApiError::PreconditionFailed);
    }
    if before.fields.registry_ids != after.fields.registry_ids {
        diesel::delete(
            registry_identifiers::table.filter(registry_identifiers::organization_id.eq(&after.id)),
        )
        .execute(conn)?;
        write_registry_ids(conn, after)?;
    }
    super::representations::refresh(conn, &[&after.id])?;
    if before.fields != after.fields {
        super::search::refresh(conn, &after.id)?;
    }
    super::duplicates::follow(conn, before, after)?;
    // Status, verification and name all bear on matching; a profile costs a few reads.
    super::match_profiles::refresh(conn, &after.id)?;
    audit::record(conn, change(after, actor, action), Some(before), Some(after))
}

/// Raises the version of an organization whose records changed, so that its ETag changes, and
/// writes its representation again.
pub fn touch(conn: &mut DbConnection, id: &str) -> Result<(), ApiError> {
    diesel::update(organizations::table.find(id))
        .set((
            organizations::version.eq(organizations::version + 1),
            organizations::updated_at.eq(now()),
        ))
        .execute(conn)?;
    super::representations::refresh(conn, &[id])
}

/// Ends the verification of organization `id` if it is in force, because of `cause`, as
/// `domain::verification::lapse` does (in SQL: the caller holds a record, not the organization).
pub fn lapse_verification(conn: &mut DbConnection, id: &str, cause: LapseCause) -> Result<(), ApiError> {
    let today = now().date();
    diesel::update(
        organizations::table
            .find(id)
            .filter(organizations::verified_until.ge(today)),
    )
    .set((
        organizations::verified_until.eq(crate::domain::verification::last_day_when_lapsed(today)),
        organizations::verification_lapsed_by.eq(cause.as_str()),
    ))
    .execute(conn)?;
    Ok(())
}

fn write_registry_ids(conn: &mut DbConnection, org: &Organization) -> Result<(), ApiError> {
    for (i, id) in org.fields.registry_ids.iter().enumerate() {
        diesel::insert_into(registry_identifiers::table)
            .values((
                registry_identifiers::organization_id.eq(&org.id),
                registry_identifiers::scheme.eq(id.scheme.as_str()),
                registry_identifiers::value.eq(&id.value),
            ))
            .execute(conn)
            .map_err(|e| match e {
                DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => ApiError::invalid(
                    format!("registry_ids[{i}].value"),
                    "is already the identifier of another organization",
                ),
                other => other.into(),
            })?;
    }
    Ok(())
}

fn change<'a>(org: &'a Organization, actor: &'a Caller, action: &'a str) -> Change<'a> {
    Change {
        actor,
        entity_kind: KIND,
        entity_id: &org.id,
        organization_id: Some(&org.id),
        programme_id: None,
        buyer_request_id: None,
        action,
    }
}

/// The status of each of these organizations that exists.
pub fn statuses(conn: &mut DbConnection, ids: &[&str]) -> Result<HashMap<String, Status>, ApiError> {
    let rows: Vec<(String, String)> = organizations::table
        .filter(organizations::id.eq_any(ids))
        .select((organizations::id, organizations::status))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, status)| Ok((id, status.parse().map_err(ApiError::internal)?)))
        .collect()
}

/// Stores many organizations at once, without audit events: for synthetic benchmark data.
pub fn insert_many(conn: &mut DbConnection, orgs: &[Organization]) -> Result<(), ApiError> {
    let rows: Vec<Row> = orgs.iter().map(Row::from_domain).collect();
    super::batch_insert!(conn, organizations::table, rows)?;
    super::duplicates::insert_for(conn, orgs)?;
    let ids: Vec<&str> = orgs.iter().map(|org| org.id.as_str()).collect();
    super::representations::refresh(conn, &ids)
}

/// How many organizations there are.
pub fn count(conn: &mut DbConnection) -> Result<i64, ApiError> {
    Ok(organizations::table.count().get_result(conn)?)
}

/// The names of these organizations (unknown ids are absent).
pub fn names(conn: &mut DbConnection, ids: &[&str]) -> Result<HashMap<String, String>, ApiError> {
    let rows: Vec<(String, String)> = organizations::table
        .filter(organizations::id.eq_any(ids))
        .select((organizations::id, organizations::name))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}
