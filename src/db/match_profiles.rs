//! Match profiles (`crate::domain::matching::profile`): one row per published firm, rewritten
//! in the transaction that changes the firm or one of its records, and read by
//! [`super::matching`] and by the index that holds them in memory (`crate::facets`).

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::items::ItemStore;
use super::organizations;
use super::schema::match_profiles;
use crate::domain::items::{CapabilityFields, CertificationFields, MarketFields};
use crate::domain::matching::candidate::Candidate;
use crate::domain::matching::profile::MatchProfile;
use crate::domain::organization::Organization;
use crate::domain::vocab::{OrganizationKind, Status};
use crate::error::ApiError;

/// Firms whose missing profiles are written per transaction at start-up.
const REBUILD_BATCH: i64 = 1_000;

/// Rewrites the profile of an organization after it or its records changed: a published firm
/// has one, any other organization none.
pub fn refresh(conn: &mut DbConnection, organization_id: &str) -> Result<(), ApiError> {
    diesel::delete(match_profiles::table.filter(match_profiles::organization_id.eq(organization_id)))
        .execute(conn)?;
    let Some(org) = organizations::find(conn, organization_id)? else {
        return Ok(());
    };
    if !matched(&org) {
        return Ok(());
    }
    let capabilities = <CapabilityFields as ItemStore>::load(conn, &org.id)?;
    let dated: Vec<(&CapabilityFields, chrono::NaiveDate)> = capabilities
        .iter()
        .map(|item| (&item.fields, item.updated_at.date_naive()))
        .collect();
    let profile = MatchProfile::new(
        &dated,
        &fields_of::<CertificationFields>(conn, &org.id)?,
        &fields_of::<MarketFields>(conn, &org.id)?,
    );
    insert_many(conn, &[(&org, profile)])
}

/// Stores the profiles of new published firms.
pub fn insert_many(
    conn: &mut DbConnection,
    profiles: &[(&Organization, MatchProfile)],
) -> Result<(), ApiError> {
    let rows = profiles
        .iter()
        .map(|(org, profile)| {
            Ok((
                match_profiles::organization_id.eq(&org.id),
                match_profiles::slug.eq(&org.slug),
                match_profiles::name.eq(&org.fields.name),
                match_profiles::verified_until.eq(org
                    .verification
                    .as_ref()
                    .map(|v| NaiveDateTime::from(v.valid_until))),
                match_profiles::records.eq(serde_json::to_string(profile).map_err(ApiError::internal)?),
                match_profiles::terms.eq(profile.terms()),
                match_profiles::is_sample.eq(org.fields.is_sample),
            ))
        })
        .collect::<Result<Vec<_>, ApiError>>()?;
    super::batch_insert!(conn, match_profiles::table, rows)?;
    Ok(())
}

/// Writes the profiles that published firms lack, as after the migration that introduced them;
/// returns how many. Each batch is a transaction of its own, so an interrupted start resumes.
pub fn write_missing(conn: &mut DbConnection) -> Result<usize, ApiError> {
    use super::schema::organizations as o;
    let published_firms = || {
        o::table
            .filter(o::kind.eq(OrganizationKind::Firm.as_str()))
            .filter(o::status.eq(Status::Published.as_str()))
    };
    // Only published firms have a profile, so equal counts mean none is missing. At a million
    // firms on PostgreSQL the two counts take 1 s of each start, the search for missing ones 2 s.
    let profiles: i64 = match_profiles::table.count().get_result(conn)?;
    if published_firms().count().get_result::<i64>(conn)? == profiles {
        return Ok(0);
    }
    let mut written = 0;
    loop {
        let missing: Vec<String> = published_firms()
            .filter(diesel::dsl::not(diesel::dsl::exists(
                match_profiles::table.filter(match_profiles::organization_id.eq(o::id)),
            )))
            .select(o::id)
            .limit(REBUILD_BATCH)
            .load(conn)?;
        if missing.is_empty() {
            return Ok(written);
        }
        super::write_transaction(conn, |conn| missing.iter().try_for_each(|id| refresh(conn, id)))?;
        written += missing.len();
    }
}

/// Writes every profile again when a migration asked for it (their format gained a field).
/// Returns how many.
pub fn rewrite_pending(conn: &mut DbConnection) -> Result<usize, ApiError> {
    super::backfills::run_once(conn, "match_profiles", |conn| {
        let mut last = String::new();
        let mut written = 0;
        loop {
            let ids: Vec<String> = match_profiles::table
                .filter(match_profiles::organization_id.gt(&last))
                .order(match_profiles::organization_id)
                .select(match_profiles::organization_id)
                .limit(REBUILD_BATCH)
                .load(conn)?;
            let Some(end) = ids.last() else { break };
            last = end.clone();
            written += ids.len();
            ids.iter().try_for_each(|id| refresh(conn, id))?;
        }
        Ok(written)
    })
}

/// The columns a profile is read back from.
type Stored = (String, String, String, Option<NaiveDateTime>, String);

const STORED: (
    match_profiles::organization_id,
    match_profiles::slug,
    match_profiles::name,
    match_profiles::verified_until,
    match_profiles::records,
) = (
    match_profiles::organization_id,
    match_profiles::slug,
    match_profiles::name,
    match_profiles::verified_until,
    match_profiles::records,
);

/// Up to `limit` profiles in organization id order, from the one after `after`, as candidates.
pub fn page(conn: &mut DbConnection, after: Option<&str>, limit: i64) -> Result<Vec<Candidate>, ApiError> {
    let mut query = match_profiles::table
        .order(match_profiles::organization_id)
        .limit(limit)
        .select(STORED)
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(match_profiles::organization_id.gt(after));
    }
    decoded(query.load(conn)?)
}

/// The profiles of these organizations (those that have one), as candidates.
pub fn of(conn: &mut DbConnection, ids: &[&str]) -> Result<Vec<Candidate>, ApiError> {
    let rows = match_profiles::table
        .filter(match_profiles::organization_id.eq_any(ids))
        .select(STORED)
        .load(conn)?;
    decoded(rows)
}

/// The slugs of these firms, by id.
pub fn slugs(conn: &mut DbConnection, ids: &[&str]) -> Result<HashMap<String, String>, ApiError> {
    let rows: Vec<(String, String)> = match_profiles::table
        .filter(match_profiles::organization_id.eq_any(ids))
        .select((match_profiles::organization_id, match_profiles::slug))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

fn decoded(rows: Vec<Stored>) -> Result<Vec<Candidate>, ApiError> {
    rows.into_iter()
        .map(|(id, slug, name, verified_until, records)| {
            let profile: MatchProfile = serde_json::from_str(&records).map_err(ApiError::internal)?;
            Ok(profile.into_candidate(id, slug, name, verified_until.map(|at| at.date())))
        })
        .collect()
}

fn fields_of<F: ItemStore>(conn: &mut DbConnection, organization_id: &str) -> Result<Vec<F>, ApiError> {
    Ok(F::load(conn, organization_id)?
        .into_iter()
        .map(|item| item.fields)
        .collect())
}

/// Whether an organization has a match profile: a published firm.
pub fn matched(org: &Organization) -> bool {
    org.fields.kind == OrganizationKind::Firm && org.status == Status::Published
}
