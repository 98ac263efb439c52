//! Counts of the directory's firms over time, from the audit trail, and its coverage now.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use super::DbConnection;
use super::sql::{Sql, Value};
use crate::domain::stats::{Coverage, DirectoryPeriod, Period};
use crate::error::ApiError;

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct Keyed {
    #[diesel(sql_type = Text)]
    key: String,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn count(
    conn: &mut DbConnection,
    text: &str,
    from: NaiveDateTime,
    until: NaiveDateTime,
) -> Result<i64, ApiError> {
    let mut sql = Sql::new("");
    let mut parts = text.split('?');
    sql.push(parts.next().unwrap_or_default());
    for (value, part) in [from, until].into_iter().zip(parts) {
        sql.bind(Value::Time(value)).push(part);
    }
    Ok(sql.load::<Count>(conn)?.first().map_or(0, |c| c.n))
}

/// Distinct firms with a `published` event in the period.
const PUBLISHED: &str = "SELECT COUNT(DISTINCT e.entity_id) AS n FROM audit_events e \
     JOIN organizations o ON o.id = e.entity_id \
     WHERE e.entity_kind = 'organization' AND e.action = 'published' \
       AND e.occurred_at >= ? AND e.occurred_at < ? AND o.kind = 'firm'";

/// Firms whose latest verification falls in the period.
const VERIFIED: &str = "SELECT COUNT(*) AS n FROM organizations \
     WHERE kind = 'firm' AND verified_at >= ? AND verified_at < ?";

/// Distinct firms with any event on them or their records in the period, creation aside.
const UPDATED: &str = "SELECT COUNT(DISTINCT e.organization_id) AS n FROM audit_events e \
     JOIN organizations o ON o.id = e.organization_id \
     WHERE e.occurred_at >= ? AND e.occurred_at < ? AND o.kind = 'firm' \
       AND NOT (e.entity_kind = 'organization' AND e.action = 'created')";

/// One entry per period.
pub fn series(conn: &mut DbConnection, periods: &[Period]) -> Result<Vec<DirectoryPeriod>, ApiError> {
    periods
        .iter()
        .map(|p| {
            Ok(DirectoryPeriod {
                period_start: p.start,
                published: count(conn, PUBLISHED, p.from, p.until)?,
                verified: count(conn, VERIFIED, p.from, p.until)?,
                updated: count(conn, UPDATED, p.from, p.until)?,
            })
        })
        .collect()
}

fn keyed(conn: &mut DbConnection, text: &str) -> Result<Vec<Coverage>, ApiError> {
    Ok(Sql::new(text)
        .load::<Keyed>(conn)?
        .into_iter()
        .map(|k| Coverage {
            key: k.key,
            firms: k.n,
        })
        .collect())
}

/// Published firms per top-level service category (a firm counts once per category), most
/// first.
pub fn by_category(conn: &mut DbConnection) -> Result<Vec<Coverage>, ApiError> {
    keyed(
        conn,
        "SELECT COALESCE(t.parent_code, t.code) AS key, COUNT(DISTINCT c.organization_id) AS n \
         FROM capabilities c JOIN organizations o ON o.id = c.organization_id \
         JOIN taxonomy_terms t ON t.code = c.service_code \
         WHERE o.status = 'published' AND o.kind = 'firm' \
         GROUP BY COALESCE(t.parent_code, t.code) ORDER BY n DESC, key",
    )
}

/// Published firms per region as recorded, most first.
pub fn by_region(conn: &mut DbConnection) -> Result<Vec<Coverage>, ApiError> {
    keyed(
        conn,
        "SELECT COALESCE(region, '') AS key, COUNT(*) AS n FROM organizations \
         WHERE status = 'published' AND kind = 'firm' \
         GROUP BY COALESCE(region, '') ORDER BY n DESC, key",
    )
}
