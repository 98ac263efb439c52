//! Likely duplicates: each organization's keys, kept beside it, and the organizations a new
//! entry shares them with.

use std::collections::HashMap;

use diesel::prelude::*;

use super::schema::{duplicate_keys, organizations};
use super::{DbConnection, batch_insert};
use crate::domain::duplicates::{
    self, Candidate, Evidence, Facts, Key, KeyKind, OrganizationRef, SuspectedPair,
};
use crate::domain::organization::{Organization, OrganizationFields};
use crate::domain::vocab::Status;
use crate::error::ApiError;

/// Organizations read per exact key: more sharing one phone would be a list, not duplicates.
const PER_EXACT_KEY: i64 = 50;
/// Organizations whose names are compared per name block.
const PER_BLOCK: i64 = 500;
/// Organizations scanned per page of suspected pairs, however few pairs they give.
const SCAN_PER_PAGE: i64 = 1_000;
/// Organizations whose keys the backfill computes per statement.
const BACKFILL_BATCH: i64 = 2_000;
/// The backfill's name in `pending_backfills`.
const BACKFILL: &str = "duplicate_keys";

/// The keys of these fields.
pub fn keys_of(fields: &OrganizationFields) -> Vec<Key> {
    duplicates::keys(facts_of(fields))
}

fn facts_of(fields: &OrganizationFields) -> Facts<'_> {
    Facts {
        name: &fields.name,
        website: fields.website.as_deref(),
        email: fields.email.as_deref(),
        phone: fields.phone.as_deref(),
    }
}

type KeyRow = (String, &'static str, String);

fn rows_of(org: &Organization) -> Vec<KeyRow> {
    rows_for(&org.id, org.status, facts_of(&org.fields))
}

/// The stored keys of organization `id`: none once archived.
fn rows_for(id: &str, status: Status, facts: Facts<'_>) -> Vec<KeyRow> {
    if status == Status::Archived {
        return Vec::new();
    }
    duplicates::keys(facts)
        .into_iter()
        .map(|key| (id.to_owned(), key.kind.as_str(), key.value))
        .collect()
}

fn insert_rows(conn: &mut DbConnection, rows: &[KeyRow]) -> Result<(), ApiError> {
    let values: Vec<_> = rows
        .iter()
        .map(|(id, kind, value)| {
            (
                duplicate_keys::organization_id.eq(id),
                duplicate_keys::kind.eq(*kind),
                duplicate_keys::value.eq(value),
            )
        })
        .collect();
    batch_insert!(conn, duplicate_keys::table, values)?;
    Ok(())
}

/// Writes the keys of new organizations.
pub fn insert_for(conn: &mut DbConnection, orgs: &[Organization]) -> Result<(), ApiError> {
    let rows: Vec<KeyRow> = orgs.iter().flat_map(rows_of).collect();
    insert_rows(conn, &rows)
}

/// Writes again the keys of an organization that changed from `before` to `after`, when they
/// differ (a change of employees or a publication leaves them as they are).
pub fn follow(conn: &mut DbConnection, before: &Organization, after: &Organization) -> Result<(), ApiError> {
    let rows = rows_of(after);
    if rows == rows_of(before) {
        return Ok(());
    }
    diesel::delete(duplicate_keys::table.filter(duplicate_keys::organization_id.eq(&after.id)))
        .execute(conn)?;
    insert_rows(conn, &rows)
}

/// Makes concurrent creates of one organization take turns (PostgreSQL advisory locks on each
/// key, in key order, until the transaction ends), so that the second sees the first's keys.
/// SQLite's write transaction already holds the whole database.
pub fn lock(conn: &mut DbConnection, keys: &[Key]) -> Result<(), ApiError> {
    if let DbConnection::Postgresql(pg) = conn {
        for key in keys.iter().filter(|key| key.kind.is_exact()) {
            diesel::sql_query("SELECT pg_advisory_xact_lock(hashtextextended($1, 18))")
                .bind::<diesel::sql_types::Text, _>(format!("{}:{}", key.kind.as_str(), key.value))
                .execute(pg)?;
        }
    }
    Ok(())
}

/// The organizations sharing `keys` with an entry named `name`, other than `except` and (for
/// pairs, each listed once) only those with ids above `above`; by id.
pub fn candidates(
    conn: &mut DbConnection,
    keys: &[Key],
    name: &str,
    except: Option<&str>,
    above: Option<&str>,
) -> Result<Vec<Candidate>, ApiError> {
    let mut shared: HashMap<String, Vec<Key>> = HashMap::new();
    for key in keys {
        let mut query = duplicate_keys::table
            .filter(duplicate_keys::kind.eq(key.kind.as_str()))
            .filter(duplicate_keys::value.eq(&key.value))
            .select(duplicate_keys::organization_id)
            .order(duplicate_keys::organization_id)
            .limit(if key.kind.is_exact() {
                PER_EXACT_KEY
            } else {
                PER_BLOCK
            })
            .into_boxed();
        if let Some(above) = above {
            query = query.filter(duplicate_keys::organization_id.gt(above));
        }
        for id in query.load::<String>(conn)? {
            if Some(id.as_str()) != except {
                shared.entry(id).or_default().push(key.clone());
            }
        }
    }
    let ids: Vec<&str> = shared.keys().map(String::as_str).collect();
    let mut found = Vec::new();
    for chunk in ids.chunks(500) {
        for other in refs(conn, chunk)? {
            let evidence: Vec<Evidence> = duplicates::evidence(&shared[&other.id], name, &other.name);
            if !evidence.is_empty() {
                found.push(Candidate {
                    organization: other,
                    evidence,
                });
            }
        }
    }
    found.sort_by(|a, b| a.organization.id.cmp(&b.organization.id));
    Ok(found)
}

/// The candidates of a new entry that refuse it, most evidence first, at most ten; a 409
/// naming them when there are any.
pub fn refuse_likely(
    conn: &mut DbConnection,
    fields: &OrganizationFields,
    except: Option<&str>,
) -> Result<(), ApiError> {
    let keys = keys_of(fields);
    lock(conn, &keys)?;
    let mut found = candidates(conn, &keys, &fields.name, except, None)?;
    if found.is_empty() {
        return Ok(());
    }
    found.sort_by(|a, b| {
        b.evidence
            .len()
            .cmp(&a.evidence.len())
            .then_with(|| a.evidence[0].kind.cmp(&b.evidence[0].kind))
            .then_with(|| a.organization.name.cmp(&b.organization.name))
    });
    found.truncate(10);
    Err(ApiError::LikelyDuplicate(
        serde_json::to_value(&found).map_err(ApiError::internal)?,
    ))
}

/// What these organizations are, for lists of duplicates.
pub fn refs(conn: &mut DbConnection, ids: &[&str]) -> Result<Vec<OrganizationRef>, ApiError> {
    let rows: Vec<(String, String, String, String)> = organizations::table
        .filter(organizations::id.eq_any(ids))
        .select((
            organizations::id,
            organizations::slug,
            organizations::name,
            organizations::status,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, slug, name, status)| {
            Ok(OrganizationRef {
                id,
                slug,
                name,
                status: status.parse().map_err(ApiError::internal)?,
            })
        })
        .collect()
}

/// The organizations that have each of these keys, in batched reads: for the many rows of an
/// import at once. Unbounded per key, unlike [`candidates`]: name blocks carry the name's
/// digits, so generated names ("Démo 12", "Démo 13") share none.
pub fn owners_of(conn: &mut DbConnection, keys: &[Key]) -> Result<HashMap<Key, Vec<String>>, ApiError> {
    let mut owners: HashMap<Key, Vec<String>> = HashMap::new();
    for kind in KeyKind::ALL {
        let values: Vec<&str> = keys
            .iter()
            .filter(|key| key.kind == kind)
            .map(|key| key.value.as_str())
            .collect();
        for chunk in values.chunks(500) {
            let rows: Vec<(String, String)> = duplicate_keys::table
                .filter(duplicate_keys::kind.eq(kind.as_str()))
                .filter(duplicate_keys::value.eq_any(chunk))
                .select((duplicate_keys::value, duplicate_keys::organization_id))
                .load(conn)?;
            for (value, id) in rows {
                owners.entry(Key { kind, value }).or_default().push(id);
            }
        }
    }
    Ok(owners)
}

/// Where a page of pairs starts: after organization `first`, or within it after `second`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PairCursor {
    /// The first organization of the last pair listed (or the last scanned).
    pub first: String,
    /// The second organization of the last pair listed; `None` when `first` is done.
    pub second: Option<String>,
}

/// Suspected pairs by the first organization's id, then the second's: up to `limit` after
/// `after`, and where to go on (`None` at the end). A page scans at most a thousand
/// organizations, so it may hold fewer pairs than `limit` while more follow.
pub fn pairs(
    conn: &mut DbConnection,
    after: Option<PairCursor>,
    limit: usize,
) -> Result<(Vec<SuspectedPair>, Option<PairCursor>), ApiError> {
    let mut query = duplicate_keys::table
        .select(duplicate_keys::organization_id)
        .distinct()
        .order(duplicate_keys::organization_id)
        .limit(SCAN_PER_PAGE)
        .into_boxed();
    if let Some(after) = &after {
        query = match after.second {
            Some(_) => query.filter(duplicate_keys::organization_id.ge(after.first.clone())),
            None => query.filter(duplicate_keys::organization_id.gt(after.first.clone())),
        };
    }
    let scanned: Vec<String> = query.load(conn)?;
    let mut key_rows: Vec<(String, String, String)> = Vec::new();
    for chunk in scanned.chunks(500) {
        key_rows.extend(
            duplicate_keys::table
                .filter(duplicate_keys::organization_id.eq_any(chunk))
                .select((
                    duplicate_keys::organization_id,
                    duplicate_keys::kind,
                    duplicate_keys::value,
                ))
                .load::<(String, String, String)>(conn)?,
        );
    }
    let mut keys: HashMap<String, Vec<Key>> = HashMap::new();
    for (id, kind, value) in key_rows {
        let kind = KeyKind::parse(&kind).ok_or_else(|| ApiError::internal(format!("key kind {kind}")))?;
        keys.entry(id).or_default().push(Key { kind, value });
    }
    let mut mine: HashMap<String, OrganizationRef> = HashMap::new();
    for chunk in scanned.chunks(500) {
        let chunk: Vec<&str> = chunk.iter().map(String::as_str).collect();
        mine.extend(refs(conn, &chunk)?.into_iter().map(|r| (r.id.clone(), r)));
    }
    let dismissed = super::dismissals::among(conn, &scanned)?;
    let mut found = Vec::new();
    for first in &scanned {
        let resume = after
            .as_ref()
            .filter(|after| after.first == *first)
            .and_then(|after| after.second.clone());
        let (Some(me), Some(keys)) = (mine.get(first), keys.get(first)) else {
            continue;
        };
        let above = resume.unwrap_or_else(|| first.clone());
        for candidate in candidates(conn, keys, &me.name, None, Some(&above))? {
            if dismissed.contains(&(first.clone(), candidate.organization.id.clone())) {
                continue;
            }
            if found.len() == limit {
                let last: &SuspectedPair = found.last().expect("limit is at least 1");
                let cursor = PairCursor {
                    first: last.first.id.clone(),
                    second: Some(last.second.id.clone()),
                };
                return Ok((found, Some(cursor)));
            }
            found.push(SuspectedPair {
                first: me.clone(),
                second: candidate.organization,
                evidence: candidate.evidence,
            });
        }
    }
    let more = scanned.len() as i64 == SCAN_PER_PAGE;
    let cursor = scanned.last().filter(|_| more).map(|last| PairCursor {
        first: last.clone(),
        second: None,
    });
    Ok((found, cursor))
}

/// Computes the keys of every organization when a migration left them to compute. Returns how
/// many organizations it covered.
pub fn write_pending(conn: &mut DbConnection) -> Result<usize, ApiError> {
    super::backfills::run_once(conn, BACKFILL, |conn| {
        diesel::delete(duplicate_keys::table).execute(conn)?;
        let mut last = String::new();
        let mut covered = 0;
        loop {
            type FactRow = (
                String,
                String,
                Option<String>,
                Option<String>,
                Option<String>,
                String,
            );
            let batch: Vec<FactRow> = organizations::table
                .filter(organizations::id.gt(&last))
                .order(organizations::id)
                .select((
                    organizations::id,
                    organizations::name,
                    organizations::website,
                    organizations::email,
                    organizations::phone,
                    organizations::status,
                ))
                .limit(BACKFILL_BATCH)
                .load(conn)?;
            let Some((end, ..)) = batch.last() else { break };
            last = end.clone();
            covered += batch.len();
            let mut rows: Vec<KeyRow> = Vec::new();
            for (id, name, website, email, phone, status) in &batch {
                let status = status.parse().map_err(ApiError::internal)?;
                let facts = Facts {
                    name,
                    website: website.as_deref(),
                    email: email.as_deref(),
                    phone: phone.as_deref(),
                };
                rows.extend(rows_for(id, status, facts));
            }
            insert_rows(conn, &rows)?;
        }
        Ok(covered)
    })
}
