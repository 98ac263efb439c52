//! Merging an organization into another: its records, links, participations, matches,
//! accounts and spare registry identifiers move to the survivor in one transaction; the merged
//! one is archived, points to the survivor, and both histories say what moved.

use std::collections::BTreeMap;

use diesel::prelude::*;
use diesel::sql_types::Text;

use super::DbConnection;
use super::audit::{self, Change};
use super::organizations::{self, find_for_update};
use super::sql::{Sql, Value};
use crate::domain::caller::Caller;
use crate::domain::duplicates::MergeRecord;
use crate::domain::organization::Organization;
use crate::domain::vocab::Status;
use crate::error::ApiError;

/// A table whose rows belong to an organization and move with it.
struct Moving {
    /// The kind named in the merge's record.
    kind: &'static str,
    table: &'static str,
    /// The column that identifies a row in the record.
    id: &'static str,
    /// Columns that, with the organization, are unique: the merged one's row is dropped when
    /// the survivor has one with the same values.
    unique: &'static [&'static str],
}

const MOVING: &[Moving] = &[
    Moving {
        kind: "capability",
        table: "capabilities",
        id: "id",
        unique: &[],
    },
    Moving {
        kind: "market",
        table: "market_presences",
        id: "id",
        unique: &["country", "kind"],
    },
    Moving {
        kind: "certification",
        table: "certifications",
        id: "id",
        unique: &[],
    },
    Moving {
        kind: "contact",
        table: "contacts",
        id: "id",
        unique: &[],
    },
    Moving {
        kind: "relationship",
        table: "relationships",
        id: "id",
        unique: &["kind", "target_id"],
    },
    Moving {
        kind: "participation",
        table: "programme_participants",
        id: "id",
        unique: &["programme_id", "role"],
    },
    Moving {
        kind: "buyer_match",
        table: "buyer_matches",
        id: "request_id",
        unique: &["request_id"],
    },
];

#[derive(QueryableByName)]
struct Id {
    #[diesel(sql_type = Text)]
    id: String,
}

fn ids(conn: &mut DbConnection, sql: Sql) -> Result<Vec<String>, ApiError> {
    Ok(sql.load::<Id>(conn)?.into_iter().map(|row| row.id).collect())
}

fn text(value: &str) -> Value {
    Value::Text(value.to_owned())
}

/// Merges `merged` into `into` (ids or slugs); `check` judges the two as read under their row
/// locks, taken in id order so that crossed merges cannot deadlock. Returns the survivor.
pub fn merge(
    conn: &mut DbConnection,
    merged: &str,
    into: &str,
    actor: &Caller,
    check: impl FnOnce(&Organization, &Organization) -> Result<(), ApiError>,
) -> Result<(Organization, MergeRecord), ApiError> {
    let (a, b) = (resolve(conn, merged)?, resolve(conn, into)?);
    let (first, second) = if a <= b { (&a, &b) } else { (&b, &a) };
    let mut held = Vec::new();
    for id in [first, second] {
        held.push(find_for_update(conn, id)?.ok_or(ApiError::NotFound)?);
    }
    if a > b {
        held.reverse();
    }
    let survivor = held.pop().ok_or(ApiError::NotFound)?;
    let gone = held.pop().ok_or(ApiError::NotFound)?;
    check(&gone, &survivor)?;
    let mut record = MergeRecord {
        merged: gone.id.clone(),
        into: survivor.id.clone(),
        ..MergeRecord::default()
    };
    let (from, to) = (gone.id.as_str(), survivor.id.as_str());
    // Links between the two would become an organization's link to itself.
    let mut between = Sql::new("DELETE FROM relationships WHERE (organization_id = ");
    between.bind(text(from)).push(" AND target_id = ").bind(text(to));
    between
        .push(") OR (organization_id = ")
        .bind(text(to))
        .push(" AND target_id = ")
        .bind(text(from));
    between.push(") RETURNING id");
    let links = ids(conn, between)?;
    if !links.is_empty() {
        record.dropped.insert("relationship".into(), links);
    }
    for moving in MOVING {
        if !moving.unique.is_empty() {
            let mut sql = Sql::new(&format!(
                "DELETE FROM {t} WHERE organization_id = ",
                t = moving.table
            ));
            sql.bind(text(from));
            sql.push(&format!(
                " AND EXISTS (SELECT 1 FROM {t} s WHERE s.organization_id = ",
                t = moving.table
            ));
            sql.bind(text(to));
            for column in moving.unique {
                sql.push(&format!(" AND s.{column} = {t}.{column}", t = moving.table));
            }
            sql.push(&format!(") RETURNING {}", moving.id));
            let dropped = ids(conn, sql)?;
            if !dropped.is_empty() {
                record
                    .dropped
                    .entry(moving.kind.into())
                    .or_default()
                    .extend(dropped);
            }
        }
        let mut sql = Sql::new(&format!("UPDATE {} SET organization_id = ", moving.table));
        sql.bind(text(to))
            .push(" WHERE organization_id = ")
            .bind(text(from));
        sql.push(&format!(" RETURNING {}", moving.id));
        let moved = ids(conn, sql)?;
        if !moved.is_empty() {
            record.moved.insert(moving.kind.into(), moved);
        }
    }
    // Links of others to the merged one now point to the survivor, unless they already do.
    let mut sql = Sql::new("DELETE FROM relationships WHERE target_id = ");
    sql.bind(text(from))
        .push(" AND EXISTS (SELECT 1 FROM relationships s WHERE s.target_id = ");
    sql.bind(text(to)).push(" AND s.organization_id = relationships.organization_id AND s.kind = relationships.kind) RETURNING id");
    let dropped = ids(conn, sql)?;
    record
        .dropped
        .entry("relationship".into())
        .or_default()
        .extend(dropped);
    let mut sql = Sql::new("UPDATE relationships SET target_id = ");
    sql.bind(text(to))
        .push(" WHERE target_id = ")
        .bind(text(from))
        .push(" RETURNING id");
    let retargeted = ids(conn, sql)?;
    record
        .moved
        .entry("relationship".into())
        .or_default()
        .extend(retargeted);
    record.dropped.retain(|_, rows| !rows.is_empty());
    record.moved.retain(|_, rows| !rows.is_empty());
    // Accounts of the merged organization's people and portals now speak for the survivor.
    for table in ["users", "api_keys", "one_time_tokens"] {
        let mut sql = Sql::new(&format!("UPDATE {table} SET organization_id = "));
        sql.bind(text(to))
            .push(" WHERE organization_id = ")
            .bind(text(from));
        execute(conn, sql)?;
    }
    super::proposals::close_for_merge(conn, from, actor)?;
    super::claims::move_for_merge(conn, from, to)?;

    let mut gone_after = Organization {
        status: Status::Archived,
        version: gone.version + 1,
        updated_at: super::now().and_utc(),
        ..gone.clone()
    };
    let mut survivor_after = Organization {
        version: survivor.version + 1,
        updated_at: gone_after.updated_at,
        ..survivor.clone()
    };
    let (spare, kept): (Vec<_>, Vec<_>) = gone.fields.registry_ids.iter().cloned().partition(|id| {
        !survivor
            .fields
            .registry_ids
            .iter()
            .any(|own| own.scheme == id.scheme)
    });
    record.registry_ids = spare.iter().map(|id| id.value.clone()).collect();
    gone_after.fields.registry_ids = kept;
    survivor_after.fields.registry_ids.extend(spare);
    let survivor_after = crate::domain::verification::after_change(
        &survivor,
        survivor_after,
        gone_after.updated_at.date_naive(),
    );
    // The merged one lets go of its identifiers before the survivor takes them.
    organizations::save(conn, &gone, &gone_after, "merged", actor)?;
    let mut pointing = Sql::new("UPDATE organizations SET merged_into = ");
    pointing.bind(text(to)).push(" WHERE id = ").bind(text(from));
    pointing.push(" OR merged_into = ").bind(text(from));
    execute(conn, pointing)?;
    organizations::save(conn, &survivor, &survivor_after, "merged", actor)?;
    super::search::refresh(conn, to)?;
    audit::record(
        conn,
        Change {
            actor,
            entity_kind: "merge",
            entity_id: from,
            organization_id: Some(to),
            programme_id: None,
            buyer_request_id: None,
            action: "merged",
        },
        None,
        Some(&record),
    )?;
    Ok((survivor_after, record))
}

fn resolve(conn: &mut DbConnection, key: &str) -> Result<String, ApiError> {
    organizations::find(conn, key)?
        .map(|org| org.id)
        .ok_or(ApiError::NotFound)
}

fn execute(conn: &mut DbConnection, sql: Sql) -> Result<(), ApiError> {
    sql.execute(conn)?;
    Ok(())
}

/// The organization `id` was merged into, if it was.
pub fn merged_into(conn: &mut DbConnection, id: &str) -> Result<Option<String>, ApiError> {
    use super::schema::organizations as o;
    Ok(o::table
        .find(id)
        .select(o::merged_into)
        .first::<Option<String>>(conn)
        .optional()?
        .flatten())
}

/// Of these organizations, those merged into another, with the survivor.
pub fn survivors(conn: &mut DbConnection, ids: &[&str]) -> Result<BTreeMap<String, String>, ApiError> {
    use super::schema::organizations as o;
    if ids.is_empty() {
        return Ok(BTreeMap::new());
    }
    let rows: Vec<(String, Option<String>)> = o::table
        .filter(o::id.eq_any(ids))
        .filter(o::merged_into.is_not_null())
        .select((o::id, o::merged_into))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, into)| into.map(|into| (id, into)))
        .collect())
}

/// The organizations merged into `id`, whose histories its history includes.
pub fn absorbed(conn: &mut DbConnection, id: &str) -> Result<Vec<String>, ApiError> {
    use super::schema::organizations as o;
    Ok(o::table.filter(o::merged_into.eq(id)).select(o::id).load(conn)?)
}
