//! Pairs of organizations a curator judged not to be duplicates.

use std::collections::HashSet;

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::DbConnection;
use super::schema::duplicate_dismissals as d;
use crate::domain::caller::Caller;
use crate::error::ApiError;

/// A pair judged not to be one organization.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Dismissal {
    /// The organization with the smaller id.
    #[serde(rename = "first")]
    pub first_id: String,
    /// The other.
    #[serde(rename = "second")]
    pub second_id: String,
    /// Why they are two, if the curator said.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Who judged.
    pub dismissed_by: String,
    /// When.
    pub dismissed_at: chrono::DateTime<chrono::Utc>,
}

/// The stored pair: its time is kept without an offset, in UTC.
#[derive(Queryable, Selectable)]
#[diesel(table_name = d)]
struct Row {
    first_id: String,
    second_id: String,
    reason: Option<String>,
    dismissed_by: String,
    dismissed_at: chrono::NaiveDateTime,
}

impl From<Row> for Dismissal {
    fn from(row: Row) -> Self {
        Dismissal {
            first_id: row.first_id,
            second_id: row.second_id,
            reason: row.reason,
            dismissed_by: row.dismissed_by,
            dismissed_at: row.dismissed_at.and_utc(),
        }
    }
}

fn ordered<'a>(a: &'a str, b: &'a str) -> (&'a str, &'a str) {
    if a < b { (a, b) } else { (b, a) }
}

/// Records that `a` and `b` are two organizations; dismissing a pair again keeps the first
/// judgment. Returns the dismissal and whether it is new.
pub fn dismiss(
    conn: &mut DbConnection,
    a: &str,
    b: &str,
    reason: Option<&str>,
    by: &Caller,
) -> Result<(Dismissal, bool), ApiError> {
    let (first, second) = ordered(a, b);
    let find = |conn: &mut DbConnection| {
        d::table
            .find((first, second))
            .select(Row::as_select())
            .first(conn)
            .optional()
            .map(|row| row.map(Dismissal::from))
    };
    if let Some(stored) = find(conn)? {
        return Ok((stored, false));
    }
    diesel::insert_into(d::table)
        .values((
            d::first_id.eq(first),
            d::second_id.eq(second),
            d::reason.eq(reason),
            d::dismissed_by.eq(&by.id),
            d::dismissed_at.eq(super::now()),
        ))
        .execute(conn)?;
    let stored = find(conn)?.ok_or_else(|| ApiError::internal("a dismissal vanished"))?;
    Ok((stored, true))
}

/// Lifts a dismissal: the pair is listed again if it still looks alike. Whether there was one.
pub fn lift(conn: &mut DbConnection, a: &str, b: &str) -> Result<bool, ApiError> {
    let (first, second) = ordered(a, b);
    Ok(diesel::delete(d::table.find((first, second))).execute(conn)? == 1)
}

/// The dismissed pairs whose first organization is among `firsts`.
pub fn among(conn: &mut DbConnection, firsts: &[String]) -> Result<HashSet<(String, String)>, ApiError> {
    let mut pairs = HashSet::new();
    for chunk in firsts.chunks(500) {
        let rows: Vec<(String, String)> = d::table
            .filter(d::first_id.eq_any(chunk))
            .select((d::first_id, d::second_id))
            .load(conn)?;
        pairs.extend(rows);
    }
    Ok(pairs)
}
