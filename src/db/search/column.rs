//! Pages in the order of an organizations column (name, created or updated time), with the id
//! as tie-break.
//!
//! Filters on the records (services, languages, markets, certifications, capacity) can be
//! held in the database, as correlated probes, or against the facet index in memory. PostgreSQL
//! took a millisecond to plan the probes, their service codes expanded, twice what running them
//! took; in memory, a page reads keys along the column's index, which plans in a tenth of
//! that, and keeps those that pass.

use chrono::NaiveDateTime;
use diesel::QueryableByName;
use diesel::sql_types::{Text, Timestamp};

use super::super::DbConnection;
use super::super::organizations::{self, Row};
use super::super::sql::{Sql, Value};
use super::text::TextMatch;
use super::{PageRequest, Passing, Position, Screen, conditions, from};
use crate::domain::organization::Organization;
use crate::domain::search::{Filters, SortKey};
use crate::error::ApiError;

/// A walk reads this many times the keys expected to fill the page, so that one batch usually
/// does.
const BATCH_MARGIN: f64 = 1.25;
/// Keys a walk reads at most per batch.
const LARGEST_BATCH: i64 = 8_192;
/// A batch that leaves the page short is followed by one this many times larger: the share
/// passing is an average, and the keys ahead may hold fewer.
const BATCH_GROWTH: i64 = 8;

/// Where an organization stands in each column order.
#[derive(QueryableByName)]
struct Key {
    #[diesel(sql_type = Text)]
    id: String,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Timestamp)]
    created_at: NaiveDateTime,
    #[diesel(sql_type = Timestamp)]
    updated_at: NaiveDateTime,
}

impl Key {
    fn of(row: &Row) -> Self {
        Key {
            id: row.id.clone(),
            name: row.name.clone(),
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }

    fn position(&self, sort: SortKey) -> Position {
        let value = match sort {
            SortKey::Name => Value::Text(self.name.clone()),
            SortKey::Updated => Value::Time(self.updated_at),
            SortKey::Created | SortKey::Relevance => Value::Time(self.created_at),
        };
        Position {
            value,
            id: self.id.clone(),
        }
    }
}

/// Whether a page of `filters` in column order is best screened by the facet index: when it
/// filters on records and searches no text (a text is matched in the database either way).
pub fn screens_in_memory(filters: &Filters) -> bool {
    let on_records = !filters.services.is_empty()
        || !filters.languages.is_empty()
        || !filters.markets.is_empty()
        || !filters.certifications.is_empty()
        || filters.min_seats.is_some()
        || filters.min_fte.is_some();
    on_records && filters.terms.is_empty()
}

/// One page in column order, its filters held by `screen` when [`screens_in_memory`] and the
/// screen is not the database; by the database otherwise.
pub fn sorted(
    conn: &mut DbConnection,
    filters: &Filters,
    page: PageRequest<'_>,
    screen: &Screen<'_>,
) -> Result<(Vec<Organization>, Option<Position>), ApiError> {
    let (rows, next) = match screen {
        Screen::Among(ids) if screens_in_memory(filters) => among(conn, ids, page)?,
        Screen::Memory { passing, share } if screens_in_memory(filters) => {
            if let Some((ids, next)) = walk(conn, *passing, *share, page)? {
                let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
                return Ok((organizations::find_many(conn, &ids)?, next));
            }
            filtered_in_database(conn, filters, page)?
        }
        _ => filtered_in_database(conn, filters, page)?,
    };
    Ok((organizations::hydrate(conn, rows)?, next))
}

/// `ORDER BY` the page's column and the id, in its direction, and ` LIMIT` `limit` rows.
fn order_and_limit(sql: &mut Sql, page: PageRequest<'_>, limit: i64) {
    let direction = if page.descending { "DESC" } else { "ASC" };
    sql.push(&format!(
        " ORDER BY {column} {direction}, o.id {direction} LIMIT ",
        column = column(page.sort)
    ))
    .bind(Value::Int(limit as i32));
}

fn column(sort: SortKey) -> &'static str {
    match sort {
        SortKey::Name => "o.name",
        SortKey::Updated => "o.updated_at",
        SortKey::Created | SortKey::Relevance => "o.created_at",
    }
}

/// ` AND` the rows beyond `after` in the page's order.
fn beyond(sql: &mut Sql, page: PageRequest<'_>, after: Option<&Position>) {
    if let Some(after) = after {
        let comparison = if page.descending { "<" } else { ">" };
        sql.push(&format!(" AND ({}, o.id) {comparison} (", column(page.sort)))
            .bind(after.value.clone())
            .push(", ")
            .bind(Value::Text(after.id.clone()))
            .push(")");
    }
}

/// The page's rows and the position after its last when more follow, from `rows` read with
/// one row more than the page holds.
fn cut(mut rows: Vec<Row>, page: PageRequest<'_>) -> (Vec<Row>, Option<Position>) {
    let more = rows.len() as i64 > page.limit;
    rows.truncate(page.limit as usize);
    let next = rows
        .last()
        .filter(|_| more)
        .map(|last| Key::of(last).position(page.sort));
    (rows, next)
}

/// A page whose filters the database applies, reading one row more than the page holds to
/// tell whether another follows.
fn filtered_in_database(
    conn: &mut DbConnection,
    filters: &Filters,
    page: PageRequest<'_>,
) -> Result<(Vec<Row>, Option<Position>), ApiError> {
    let backend = conn.backend();
    let mut sql = Sql::new("SELECT o.*");
    from(&mut sql, backend, !filters.terms.is_empty());
    conditions(
        &mut sql,
        backend,
        filters,
        None,
        TextMatch::anywhere(&filters.terms),
    );
    beyond(&mut sql, page, page.after);
    order_and_limit(&mut sql, page, page.limit + 1);
    Ok(cut(sql.load(conn)?, page))
}

/// The few organizations that pass, sorted by the database.
fn among(
    conn: &mut DbConnection,
    ids: &[String],
    page: PageRequest<'_>,
) -> Result<(Vec<Row>, Option<Position>), ApiError> {
    if ids.is_empty() {
        return Ok((Vec::new(), None));
    }
    let backend = conn.backend();
    let mut sql = Sql::new("SELECT o.* FROM organizations o WHERE o.id");
    sql.in_ids(backend, ids);
    beyond(&mut sql, page, page.after);
    order_and_limit(&mut sql, page, page.limit + 1);
    Ok(cut(sql.load(conn)?, page))
}

/// The ids of a page, and the position after its last when more follow.
type PageOfIds = (Vec<String>, Option<Position>);

/// The ids of the page, read as keys in its order a batch at a time and kept when `passing`
/// holds them, until the page is full or the keys run out. `None` when so few pass (`share`)
/// that a batch of the largest size would not be expected to fill the page: the database's
/// plan is better then.
fn walk(
    conn: &mut DbConnection,
    passing: &dyn Passing,
    share: f64,
    page: PageRequest<'_>,
) -> Result<Option<PageOfIds>, ApiError> {
    let wanted = page.limit + 1;
    let expected_keys = wanted as f64 / share.max(f64::MIN_POSITIVE);
    if expected_keys > LARGEST_BATCH as f64 {
        return Ok(None);
    }
    let mut batch = ((expected_keys * BATCH_MARGIN).ceil() as i64).clamp(wanted, LARGEST_BATCH);
    let mut kept: Vec<Key> = Vec::new();
    let mut after = page.after.cloned();
    loop {
        let keys = keys_after(conn, page, after.as_ref(), batch)?;
        let exhausted = (keys.len() as i64) < batch;
        after = keys.last().map(|last| last.position(page.sort));
        kept.extend(keys.into_iter().filter(|key| passing.passes(&key.id)));
        if kept.len() as i64 >= wanted || exhausted {
            break;
        }
        batch = (batch * BATCH_GROWTH).min(LARGEST_BATCH);
    }
    let more = kept.len() as i64 > page.limit;
    kept.truncate(page.limit as usize);
    let next = kept.last().filter(|_| more).map(|last| last.position(page.sort));
    Ok(Some((kept.into_iter().map(|key| key.id).collect(), next)))
}

/// Up to `limit` keys beyond `after` in the page's order, read along the column's index.
fn keys_after(
    conn: &mut DbConnection,
    page: PageRequest<'_>,
    after: Option<&Position>,
    limit: i64,
) -> Result<Vec<Key>, ApiError> {
    let mut sql =
        Sql::new("SELECT o.id, o.name, o.created_at, o.updated_at FROM organizations o WHERE 1 = 1");
    beyond(&mut sql, page, after);
    order_and_limit(&mut sql, page, limit);
    sql.load(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_record_filters_without_text_are_screened_in_memory() {
        let services = Filters {
            services: vec!["bpo".into()],
            ..Filters::default()
        };
        assert!(screens_in_memory(&services));
        let capacity = Filters {
            min_fte: Some(10),
            ..Filters::default()
        };
        assert!(screens_in_memory(&capacity));
        let countries = Filters {
            countries: vec!["SN".into()],
            ..Filters::default()
        };
        assert!(!screens_in_memory(&countries));
        let searched = Filters {
            terms: vec!["sahel".into()],
            ..services
        };
        assert!(!screens_in_memory(&searched));
    }
}
