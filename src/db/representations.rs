//! Each organization as the API writes it, for partners and for staff: rewritten in the
//! transaction that changes the organization or one of its records, and read by the change
//! feed, whose page of a hundred records otherwise spent most of its time decoding columns and
//! writing them out again as JSON.

use diesel::prelude::*;

use super::schema::{organization_representations as stored, organizations};
use super::{DbConnection, organizations as organization_rows};
use crate::domain::organization::Organization;
use crate::domain::role::Role;
use crate::domain::visibility::Viewer;
use crate::domain::vocab::Status;
use crate::error::ApiError;

/// The shape of the stored JSON. Raise it whenever `Organization` serialises differently: rows
/// of another format are written again when the service starts (the test
/// `stored_shape_is_the_current_format` fails until then).
pub const FORMAT: i32 = 2;

/// Organizations whose representations are written per transaction at start-up.
const REBUILD_BATCH: i64 = 1_000;

/// An organization's stored JSON as one viewer sees it.
pub struct Representation {
    /// The organization's id.
    pub id: String,
    /// Its lifecycle status, which tells whether the viewer may see it at all: stored with the
    /// JSON, so that the feed reads one table and not the organizations too.
    pub status: Status,
    /// The organization as the viewer sees it, as JSON.
    pub json: String,
}

/// Writes the representations of these organizations as they now read, replacing older ones:
/// read back, so that they are what a read by id returns (identifiers in scheme order, say),
/// whatever order a write gave.
pub fn refresh(conn: &mut DbConnection, ids: &[&str]) -> Result<(), ApiError> {
    let orgs = organization_rows::find_many(conn, ids)?;
    store(conn, &orgs)
}

/// Writes the representations of organizations just read back (with their identifiers in
/// scheme order), replacing older ones.
pub fn store(conn: &mut DbConnection, orgs: &[Organization]) -> Result<(), ApiError> {
    let ids: Vec<&str> = orgs.iter().map(|org| org.id.as_str()).collect();
    diesel::delete(stored::table.filter(stored::organization_id.eq_any(&ids))).execute(conn)?;
    let rows = orgs
        .iter()
        .map(|org| {
            let write = |org: &Organization| serde_json::to_string(org).map_err(ApiError::internal);
            let staff = write(org)?;
            let partner = write(&org.clone().for_viewer(Viewer::new(Role::Partner)))?;
            Ok((
                stored::organization_id.eq(&org.id),
                stored::status.eq(org.status.as_str()),
                stored::format.eq(FORMAT),
                stored::staff.eq((staff != partner).then_some(staff)),
                stored::partner.eq(partner),
            ))
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    super::batch_insert!(conn, stored::table, rows)?;
    Ok(())
}

/// The stored representations of those of these organizations that exist, as `viewer` sees
/// them, in no particular order.
pub fn read(conn: &mut DbConnection, ids: &[&str], viewer: Viewer) -> Result<Vec<Representation>, ApiError> {
    let rows: Vec<(String, String, String, Option<String>)> = stored::table
        .filter(stored::organization_id.eq_any(ids))
        .select((
            stored::organization_id,
            stored::status,
            stored::partner,
            stored::staff,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, status, partner, staff)| {
            Ok(Representation {
                id,
                status: status.parse().map_err(ApiError::internal)?,
                json: staff.filter(|_| viewer.sees_internal()).unwrap_or(partner),
            })
        })
        .collect()
}

/// Writes the representations that organizations lack or hold in another format, as after
/// the migration that introduced them; returns how many. Each batch is a transaction of its
/// own, so an interrupted start resumes.
pub fn write_stale(conn: &mut DbConnection) -> Result<usize, ApiError> {
    let current: i64 = stored::table
        .filter(stored::format.eq(FORMAT))
        .count()
        .get_result(conn)?;
    if organization_rows::count(conn)? == current {
        return Ok(0);
    }
    let mut written = 0;
    // In id order from where the last batch ended: searching from the start each time read
    // every organization already done again, and took minutes at a million.
    let mut after = String::new();
    loop {
        let stale: Vec<String> = organizations::table
            .filter(organizations::id.gt(&after))
            .filter(diesel::dsl::not(diesel::dsl::exists(
                stored::table
                    .filter(stored::organization_id.eq(organizations::id))
                    .filter(stored::format.eq(FORMAT)),
            )))
            .order(organizations::id)
            .select(organizations::id)
            .limit(REBUILD_BATCH)
            .load(conn)?;
        let Some(last) = stale.last() else {
            return Ok(written);
        };
        let ids: Vec<&str> = stale.iter().map(String::as_str).collect();
        super::write_transaction(conn, |conn| refresh(conn, &ids))?;
        written += stale.len();
        after.clone_from(last);
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::domain::organization::{Bilingual, OrganizationFields, RegistryId, Verification};
    use crate::domain::vocab::{OrganizationKind, RegistryScheme};

    /// What `FORMAT` 2 stores for an organization with every field set.
    const FORMAT_2: &str = r#"{"id":"o1","slug":"exemple","kind":"firm","name":"Exemple","acronym":"EX","legal_name":"Exemple SA","description":{"fr":"Centre","en":"Centre"},"country":"SN","region":"Dakar","city":"Dakar","website":"https://example.sn","email":"info@example.sn","phone":"+221338890000","founded_year":2012,"employees":180,"registry_ids":[{"scheme":"ninea","value":"004567890 2G3"}],"is_sample":true,"internal_notes":"staff only","status":"published","verification":{"verified_at":"2026-11-30T08:05:09.123456Z","verified_by":"u1","method":"registry_lookup","note":"Registre","valid_until":"2027-11-30","lapsed_by":"name"},"version":3,"created_at":"2026-11-30T08:05:09Z","updated_at":"2026-11-30T08:05:09.123456Z"}"#;

    #[test]
    fn stored_shape_is_the_current_format() {
        let created = Utc.with_ymd_and_hms(2026, 11, 30, 8, 5, 9).unwrap();
        let changed = created + chrono::Duration::microseconds(123_456);
        let text = |s: &str| Some(s.to_owned());
        let org = Organization {
            id: "o1".into(),
            slug: "exemple".into(),
            fields: OrganizationFields {
                kind: OrganizationKind::Firm,
                name: "Exemple".into(),
                acronym: text("EX"),
                legal_name: text("Exemple SA"),
                description: Some(Bilingual {
                    fr: text("Centre"),
                    en: text("Centre"),
                }),
                country: "SN".into(),
                region: text("Dakar"),
                city: text("Dakar"),
                website: text("https://example.sn"),
                email: text("info@example.sn"),
                phone: text("+221338890000"),
                founded_year: Some(2012),
                employees: Some(180),
                registry_ids: vec![RegistryId {
                    scheme: RegistryScheme::Ninea,
                    value: "004567890 2G3".into(),
                }],
                is_sample: true,
                internal_notes: text("staff only"),
            },
            status: Status::Published,
            verification: Some(Verification {
                verified_at: changed,
                verified_by: text("u1"),
                method: Some(crate::domain::vocab::VerificationMethod::RegistryLookup),
                note: text("Registre"),
                valid_until: chrono::NaiveDate::from_ymd_opt(2027, 11, 30).unwrap(),
                lapsed_by: Some(crate::domain::vocab::LapseCause::Name),
            }),
            version: 3,
            created_at: created,
            updated_at: changed,
            records: Default::default(),
        };
        assert_eq!(
            serde_json::to_string(&org).unwrap(),
            FORMAT_2,
            "organizations serialise differently now: raise FORMAT, so that stored ones are \
             written again, and pin the new shape here"
        );
    }
}
