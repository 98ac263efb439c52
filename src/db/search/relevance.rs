//! Pages sorted by relevance: each tier (see `text`) in turn, read in the order of its document
//! key and left as soon as the page is full.
//!
//! SQLite's FTS5 yields a tier's matches in that order itself. PostgreSQL's GIN index yields
//! them in no order, and its planner cannot tell how dense a tier is once weights and filters
//! apply, so a tier there takes bounded steps instead: a tier with few matches is fetched
//! whole from the index and sorted; a larger one is walked in key order over a window of
//! documents, where dense matches fill the page early; past the window, the index again. A
//! word no firm has, or words no name holds together, never walks the whole directory.

use diesel::prelude::*;
use diesel::sql_types::Text;

use super::super::organizations::Row;
use super::super::sql::{Sql, Value};
use super::super::{Backend, DbConnection};
use super::text::{self, TextMatch};
use super::{PageRequest, Position, conditions, from};
use crate::domain::search::Filters;
use crate::error::ApiError;

/// Documents a PostgreSQL tier walks in key order before it asks the index how many match:
/// a page of 20 fills here when one document in 500 matches, filters included (a name and
/// three filters, at a million firms), for about 7 ms.
const SHORT_WALK: i32 = 10_000;
/// Below this many matches, a PostgreSQL tier is fetched whole from the index and sorted.
const FEW_MATCHES: i32 = 500;
/// Documents a PostgreSQL tier walks in key order before it turns back to the index.
const LONG_WALK: i32 = 50_000;

#[derive(QueryableByName)]
struct Keyed {
    #[diesel(embed)]
    organization: Row,
    #[diesel(sql_type = Text)]
    document_key: String,
}

#[derive(QueryableByName)]
struct DocumentId {
    #[diesel(sql_type = Text)]
    organization_id: String,
}

/// The reading direction of a page.
#[derive(Clone, Copy)]
struct Direction {
    descending: bool,
}

impl Direction {
    fn order(self) -> &'static str {
        if self.descending { "DESC" } else { "ASC" }
    }

    fn beyond(self) -> &'static str {
        if self.descending { "<" } else { ">" }
    }
}

/// One page by relevance, best tier first when descending, from the cursor's tier and document
/// on. The position holds the tier and the document key.
pub(super) fn page(
    conn: &mut DbConnection,
    filters: &Filters,
    page: PageRequest<'_>,
) -> Result<(Vec<Row>, Option<Position>), ApiError> {
    let PageRequest {
        descending,
        after,
        limit,
        ..
    } = page;
    let backend = conn.backend();
    let direction = Direction { descending };
    let tiers: Vec<usize> = if descending {
        (0..text::TIERS).collect()
    } else {
        (0..text::TIERS).rev().collect()
    };
    let resume = match after {
        Some(Position {
            value: Value::Int(tier),
            id,
        }) if (*tier as usize) < text::TIERS => {
            Some((*tier as usize, text::document_key_value(backend, id)?))
        }
        Some(_) => {
            return Err(ApiError::BadRequest(
                "parameter `cursor`: issued for another sort order".into(),
            ));
        }
        None => None,
    };
    let first = resume.as_ref().map_or(tiers[0], |(tier, _)| *tier);
    let mut found: Vec<(usize, Keyed)> = Vec::new();
    for tier in tiers.into_iter().skip_while(|t| *t != first) {
        let after = resume.as_ref().filter(|(t, _)| *t == tier).map(|(_, key)| key);
        let wanted = limit + 1 - found.len() as i64;
        let rows = tier_rows(conn, filters, tier, direction, after, wanted)?;
        found.extend(rows.into_iter().map(|row| (tier, row)));
        if found.len() as i64 > limit {
            break;
        }
    }
    let more = found.len() as i64 > limit;
    found.truncate(limit as usize);
    let next = match found.last() {
        Some((tier, last)) if more => Some(Position {
            value: Value::Int(*tier as i32),
            id: last.document_key.clone(),
        }),
        _ => None,
    };
    Ok((
        found.into_iter().map(|(_, keyed)| keyed.organization).collect(),
        next,
    ))
}

/// Up to `wanted` rows of `tier` after `after`, in key order.
fn tier_rows(
    conn: &mut DbConnection,
    filters: &Filters,
    tier: usize,
    direction: Direction,
    after: Option<&Value>,
    wanted: i64,
) -> Result<Vec<Keyed>, ApiError> {
    let backend = conn.backend();
    let condition = TextMatch::tier(&filters.terms, tier);
    match backend {
        Backend::Sqlite => {
            let mut sql = select(backend);
            from(&mut sql, backend, true);
            conditions(&mut sql, backend, filters, None, Some(condition));
            order_and_limit(&mut sql, backend, direction, after, wanted);
            sql.load(conn)
        }
        Backend::Postgres => {
            let tier = PostgresTier {
                filters,
                condition,
                direction,
            };
            tier.rows(conn, after, wanted)
        }
    }
}

/// One tier on PostgreSQL, read in bounded steps.
struct PostgresTier<'a> {
    filters: &'a Filters,
    condition: TextMatch<'a>,
    direction: Direction,
}

impl PostgresTier<'_> {
    /// A short walk first (dense tiers fill the page there), then the index when it holds few
    /// matches, then a long walk, then the index for whatever lies past it.
    fn rows(
        &self,
        conn: &mut DbConnection,
        after: Option<&Value>,
        wanted: i64,
    ) -> Result<Vec<Keyed>, ApiError> {
        let mut rows = self.walk(conn, after, SHORT_WALK, wanted)?;
        if rows.len() as i64 == wanted {
            return Ok(rows);
        }
        let Some(end) = self.window_end(conn, after, SHORT_WALK)? else {
            return Ok(rows);
        };
        let end = Value::Text(end);
        if let Some(few) = self.few_matches(conn, &end)? {
            rows.extend(self.among(conn, &few, wanted - rows.len() as i64)?);
            return Ok(rows);
        }
        rows.extend(self.walk(conn, Some(&end), LONG_WALK, wanted - rows.len() as i64)?);
        if rows.len() as i64 == wanted {
            return Ok(rows);
        }
        let Some(end) = self.window_end(conn, Some(&end), LONG_WALK)? else {
            return Ok(rows);
        };
        rows.extend(self.past(conn, &Value::Text(end), wanted - rows.len() as i64)?);
        Ok(rows)
    }

    /// Matches among the next `window` documents in key order.
    fn walk(
        &self,
        conn: &mut DbConnection,
        after: Option<&Value>,
        window: i32,
        wanted: i64,
    ) -> Result<Vec<Keyed>, ApiError> {
        let backend = Backend::Postgres;
        let mut sql = select(backend);
        sql.push(" FROM (SELECT organization_id, document FROM search_documents");
        self.starting_after(&mut sql, after, " WHERE ");
        sql.push(&format!(
            " ORDER BY organization_id {} LIMIT ",
            self.direction.order()
        ))
        .bind(Value::Int(window))
        .push(") s JOIN organizations o ON o.id = s.organization_id");
        conditions(
            &mut sql,
            backend,
            self.filters,
            None,
            Some(self.condition.clone()),
        );
        order_and_limit(&mut sql, backend, self.direction, None, wanted);
        sql.load(conn)
    }

    /// The key of the last document of a window, or `None` when the documents run out first.
    fn window_end(
        &self,
        conn: &mut DbConnection,
        after: Option<&Value>,
        window: i32,
    ) -> Result<Option<String>, ApiError> {
        let mut sql = Sql::new("SELECT organization_id FROM search_documents");
        self.starting_after(&mut sql, after, " WHERE ");
        sql.push(&format!(
            " ORDER BY organization_id {} OFFSET ",
            self.direction.order()
        ))
        .bind(Value::Int(window - 1))
        .push(" LIMIT 1");
        Ok(sql.load::<DocumentId>(conn)?.pop().map(|d| d.organization_id))
    }

    /// Every match after `after`, from the index, when there are fewer than `FEW_MATCHES`. The
    /// planner, misled by prefixes and negations, may expect a scan to find them sooner.
    fn few_matches(&self, conn: &mut DbConnection, after: &Value) -> Result<Option<Vec<String>>, ApiError> {
        let mut sql = Sql::new("SELECT s.organization_id FROM search_documents s WHERE 1 = 1");
        self.condition.push(&mut sql, Backend::Postgres);
        self.starting_after(&mut sql, Some(after), " AND s.");
        sql.push(" LIMIT ").bind(Value::Int(FEW_MATCHES));
        let found: Vec<DocumentId> = conn.transaction(|conn| {
            diesel::sql_query("SET LOCAL enable_seqscan = off").execute(conn)?;
            sql.load(conn)
        })?;
        Ok((found.len() < FEW_MATCHES as usize)
            .then(|| found.into_iter().map(|d| d.organization_id).collect()))
    }

    /// The organizations of `ids` that pass the filters, in key order.
    fn among(&self, conn: &mut DbConnection, ids: &[String], wanted: i64) -> Result<Vec<Keyed>, ApiError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let backend = Backend::Postgres;
        let mut sql = select(backend);
        from(&mut sql, backend, true);
        conditions(&mut sql, backend, self.filters, None, None);
        sql.push(" AND s.organization_id IN ").bind_list(ids);
        order_and_limit(&mut sql, backend, self.direction, None, wanted);
        sql.load(conn)
    }

    /// Matches after `after`, from the index, sorted.
    fn past(&self, conn: &mut DbConnection, after: &Value, wanted: i64) -> Result<Vec<Keyed>, ApiError> {
        let backend = Backend::Postgres;
        let mut sql = select(backend);
        sql.push(" FROM (SELECT s.organization_id FROM search_documents s WHERE 1 = 1");
        self.condition.push(&mut sql, backend);
        self.starting_after(&mut sql, Some(after), " AND s.");
        // OFFSET 0 keeps the planner from turning the index lookup back into a walk.
        sql.push(" OFFSET 0) s JOIN organizations o ON o.id = s.organization_id");
        conditions(&mut sql, backend, self.filters, None, None);
        order_and_limit(&mut sql, backend, self.direction, None, wanted);
        sql.load(conn)
    }

    fn starting_after(&self, sql: &mut Sql, after: Option<&Value>, prefix: &str) {
        if let Some(after) = after {
            sql.push(&format!("{prefix}organization_id {} ", self.direction.beyond()))
                .bind(after.clone());
        }
    }
}

fn select(backend: Backend) -> Sql {
    let mut sql = Sql::new("SELECT o.*, ");
    sql.push(text::document_key_text(backend))
        .push(" AS document_key");
    sql
}

fn order_and_limit(
    sql: &mut Sql,
    backend: Backend,
    direction: Direction,
    after: Option<&Value>,
    wanted: i64,
) {
    let key = text::document_key(backend);
    if let Some(after) = after {
        sql.push(&format!(" AND {key} {} ", direction.beyond()))
            .bind(after.clone());
    }
    sql.push(&format!(" ORDER BY {key} {} LIMIT ", direction.order()))
        .bind(Value::Int(wanted as i32));
}
