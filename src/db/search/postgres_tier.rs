//! A relevance tier on PostgreSQL, whose GIN index yields matches in no order and whose planner
//! cannot tell how dense a tier is once weights apply: a tier with few matches is fetched whole
//! from the index and sorted; a larger one is walked in key order over a window of documents,
//! where dense matches fill a batch early; past the window, the index again. A word no firm has,
//! or words no name holds together, never walks the whole directory.

use diesel::prelude::*;

use super::super::sql::{Sql, Value};
use super::super::{Backend, DbConnection};
use super::relevance::filled;
use super::text::{Direction, Match, OrganizationId, TextMatch};
use crate::error::ApiError;

/// Documents a PostgreSQL tier walks in key order before it asks the index how many match: a
/// batch fills here when one document in 500 matches.
const SHORT_WALK: i32 = 10_000;
/// Below this many matches, a PostgreSQL tier is fetched whole from the index and sorted.
const FEW_MATCHES: i32 = 500;
/// Documents a PostgreSQL tier walks in key order before it turns back to the index.
const LONG_WALK: i32 = 50_000;
/// Matches in a short walk (one document in 500) that make a tier dense enough for the next
/// batch to walk on from where the walk ended.
const DENSE_WALK: usize = 20;

/// One tier on PostgreSQL, read in bounded steps. Its document key is the organization id.
pub(super) struct PostgresTier<'a> {
    pub condition: &'a TextMatch<'a>,
    pub direction: Direction,
}

impl PostgresTier<'_> {
    /// A short walk first: a tier that matches densely there is read on from the walk's end
    /// by the next batch, if the page needs one. A sparser tier is fetched from the index when
    /// it holds few matches past the walk, else walked further, then looked up in the index
    /// past that: scattered matches never make a page walk the whole directory.
    pub fn matches(
        &self,
        conn: &mut DbConnection,
        after: Option<&Value>,
        wanted: i64,
    ) -> Result<(Vec<Match>, Option<Value>), ApiError> {
        let mut matches = self.walk(conn, after, SHORT_WALK, wanted)?;
        if let Some(full) = filled(Backend::Postgres, &matches, wanted)? {
            return Ok((matches, Some(full)));
        }
        let Some(end) = self.window_end(conn, after, SHORT_WALK)? else {
            return Ok((matches, None));
        };
        if matches.len() >= DENSE_WALK {
            return Ok((matches, Some(end)));
        }
        let rest = (wanted - matches.len() as i64) as usize;
        if let Some(mut few) = self.few_matches(conn, &end)? {
            few.sort_unstable();
            if self.direction.descending {
                few.reverse();
            }
            let more = few.len() > rest;
            matches.extend(few.into_iter().take(rest).map(|id| Match {
                document_key: id.clone(),
                organization_id: id,
            }));
            let read_on = filled(Backend::Postgres, &matches, wanted)?.filter(|_| more);
            return Ok((matches, read_on));
        }
        matches.extend(self.walk(conn, Some(&end), LONG_WALK, rest as i64)?);
        if let Some(full) = filled(Backend::Postgres, &matches, wanted)? {
            return Ok((matches, Some(full)));
        }
        let Some(end) = self.window_end(conn, Some(&end), LONG_WALK)? else {
            return Ok((matches, None));
        };
        let rest = wanted - matches.len() as i64;
        matches.extend(self.past(conn, &end, rest)?);
        let read_on = filled(Backend::Postgres, &matches, wanted)?;
        Ok((matches, read_on))
    }

    /// Matches among the next `window` documents in key order.
    fn walk(
        &self,
        conn: &mut DbConnection,
        after: Option<&Value>,
        window: i32,
        wanted: i64,
    ) -> Result<Vec<Match>, ApiError> {
        let mut sql = Sql::new(SELECT_MATCHES);
        sql.push(" FROM (SELECT organization_id, document FROM search_documents");
        self.starting_after(&mut sql, after, " WHERE ");
        sql.push(&format!(
            " ORDER BY organization_id {} LIMIT ",
            self.direction.order()
        ))
        .bind(Value::Int(window))
        .push(") s WHERE 1 = 1");
        self.condition.push_row_test(&mut sql);
        self.order_and_limit(&mut sql, wanted);
        sql.load(conn)
    }

    /// The key of the last document of a window, or `None` when the documents run out first.
    fn window_end(
        &self,
        conn: &mut DbConnection,
        after: Option<&Value>,
        window: i32,
    ) -> Result<Option<Value>, ApiError> {
        let mut sql = Sql::new("SELECT organization_id FROM search_documents");
        self.starting_after(&mut sql, after, " WHERE ");
        sql.push(&format!(
            " ORDER BY organization_id {} OFFSET ",
            self.direction.order()
        ))
        .bind(Value::Int(window - 1))
        .push(" LIMIT 1");
        Ok(sql
            .load::<OrganizationId>(conn)?
            .pop()
            .map(|d| Value::Text(d.organization_id)))
    }

    /// Every match after `after`, from the index, when there are fewer than `FEW_MATCHES`. The
    /// planner, misled by prefixes and negations, may expect a scan to find them sooner.
    fn few_matches(&self, conn: &mut DbConnection, after: &Value) -> Result<Option<Vec<String>>, ApiError> {
        let mut sql = Sql::new("SELECT s.organization_id FROM search_documents s WHERE 1 = 1");
        self.condition.push(&mut sql, Backend::Postgres);
        self.starting_after(&mut sql, Some(after), " AND s.");
        sql.push(" LIMIT ").bind(Value::Int(FEW_MATCHES));
        let found: Vec<OrganizationId> = conn.transaction(|conn| {
            diesel::sql_query("SET LOCAL enable_seqscan = off").execute(conn)?;
            sql.load(conn)
        })?;
        Ok((found.len() < FEW_MATCHES as usize)
            .then(|| found.into_iter().map(|d| d.organization_id).collect()))
    }

    /// Matches after `after`, from the index, sorted.
    fn past(&self, conn: &mut DbConnection, after: &Value, wanted: i64) -> Result<Vec<Match>, ApiError> {
        let mut sql = Sql::new(SELECT_MATCHES);
        sql.push(" FROM (SELECT s.organization_id FROM search_documents s WHERE 1 = 1");
        self.condition.push(&mut sql, Backend::Postgres);
        self.starting_after(&mut sql, Some(after), " AND s.");
        // OFFSET 0 keeps the planner from turning the index lookup back into a walk.
        sql.push(" OFFSET 0) s");
        self.order_and_limit(&mut sql, wanted);
        sql.load(conn)
    }

    fn starting_after(&self, sql: &mut Sql, after: Option<&Value>, prefix: &str) {
        if let Some(after) = after {
            sql.push(&format!("{prefix}organization_id {} ", self.direction.beyond()))
                .bind(after.clone());
        }
    }

    fn order_and_limit(&self, sql: &mut Sql, wanted: i64) {
        sql.push(&format!(
            " ORDER BY s.organization_id {} LIMIT ",
            self.direction.order()
        ))
        .bind(Value::Int(wanted as i32));
    }
}

/// The columns of a [`Match`] from a PostgreSQL source `s` of search documents.
const SELECT_MATCHES: &str = "SELECT s.organization_id AS organization_id, s.organization_id AS document_key";
