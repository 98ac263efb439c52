//! Filtered, searched, sorted and counted lists of organizations. The queries are built as SQL
//! text with bound values (never interpolated input) because full-text search differs by
//! backend: PostgreSQL matches a weighted `tsvector` with `to_tsquery`, SQLite an FTS5 table.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use super::organizations;
use super::sql::{Sql, Value};
use super::{Backend, DbConnection};
use crate::domain::facets::{Count, Facet, Facets};
use crate::domain::organization::Organization;
use crate::domain::search::{self, Filters, SampleFilter, SortKey};
use crate::domain::vocab::Status;
use crate::error::ApiError;

mod column;
mod documents;
mod lookup;
mod postgres_tier;
mod relevance;
mod text;

pub use column::{screens_in_memory, sorted};
pub use documents::{insert_documents, refresh};
use text::{Direction, TextMatch};

/// `FROM` with the full-text joins when searching; on SQLite the FTS5 table comes first, so that
/// its rowid order can drive a page.
fn from(sql: &mut Sql, backend: Backend, searching: bool) {
    match (searching, backend) {
        (false, _) => sql.push(" FROM organizations o"),
        (true, Backend::Sqlite) => sql.push(
            " FROM search_fts JOIN search_documents s ON s.rowid = search_fts.rowid \
             JOIN organizations o ON o.id = s.organization_id",
        ),
        (true, Backend::Postgres) => {
            sql.push(" FROM organizations o JOIN search_documents s ON s.organization_id = o.id")
        }
    };
}

/// `WHERE` with every filter but `skip`'s. Conditions on records are correlated `EXISTS`
/// probes on `organization_id` indexes, so that a sorted page stops after `limit` matches;
/// SQLite needs its statistics for that plan (see `db::pool`), PostgreSQL picks semi-joins.
fn conditions(sql: &mut Sql, backend: Backend, f: &Filters, skip: Option<Facet>, text: Option<TextMatch>) {
    // For a page (no facet skipped), SQLite would rather drive the query from the index of a
    // barely selective column (status, country: nearly every firm is Senegalese) and sort
    // everything; a unary `+` keeps such columns out of index choice, so the sort index drives
    // and the page stops early. Facets count everything anyway and keep those indexes.
    let paged = skip.is_none();
    let column = |name: &str| match backend {
        Backend::Sqlite if paged => format!("+o.{name}"),
        _ => format!("o.{name}"),
    };
    sql.push(" WHERE 1 = 1");
    if !paged || f.statuses.len() < Status::ALL.len() {
        let statuses: Vec<String> = f.statuses.iter().map(|s| s.as_str().to_owned()).collect();
        sql.push(&format!(" AND {} IN ", column("status")))
            .bind_list(&statuses);
    }
    if let Some(text) = text {
        text.push(sql, backend);
    }
    let kinds: Vec<String> = f.kinds.iter().map(|k| k.as_str().to_owned()).collect();
    for (facet, name, values) in [
        (Some(Facet::Kind), "kind", &kinds),
        (Some(Facet::Country), "country", &f.countries),
        (None, "region", &f.regions),
    ] {
        if !values.is_empty() && (facet.is_none() || skip != facet) {
            sql.push(&format!(" AND {} IN ", column(name))).bind_list(values);
        }
    }
    let bounds = [
        ("o.employees >= ", f.employees_min),
        ("o.employees <= ", f.employees_max),
        ("o.founded_year >= ", f.founded_from),
        ("o.founded_year <= ", f.founded_to),
    ];
    for (condition, bound) in bounds {
        if let Some(bound) = bound {
            sql.push(" AND ").push(condition).bind(Value::Int(bound));
        }
    }
    if f.verified_only {
        // In force today, as `domain::verification::in_force` has it.
        sql.push(" AND o.verified_until >= ")
            .bind(Value::Date(search::today()));
    }
    match f.sample {
        Some(SampleFilter::Exclude) => sql.push(" AND o.is_sample = ").bind(Value::Bool(false)),
        Some(SampleFilter::Only) => sql.push(" AND o.is_sample = ").bind(Value::Bool(true)),
        _ => sql,
    };
    if let Some(since) = f.updated_since {
        sql.push(" AND o.updated_at >= ").bind(Value::Time(since));
    }
    lookup::conditions(sql, f);
    // SQLite tests conditions in the order written, row by row along the driving index: the
    // row's own columns first, then the probes, rarer traits first (a firm serves few markets
    // and holds few certificates, but most offer BPO or speak English), so that most rows are
    // turned down by a single probe.
    if !f.markets.is_empty() && skip != Some(Facet::Market) {
        sql.push(
            " AND EXISTS (SELECT 1 FROM market_presences m WHERE m.organization_id = o.id \
             AND m.kind IN ('served', 'target') AND m.country IN ",
        )
        .bind_list(&f.markets)
        .push(")");
    }
    if !f.certifications.is_empty() && skip != Some(Facet::Certification) {
        sql.push(
            " AND EXISTS (SELECT 1 FROM certifications x WHERE x.organization_id = o.id AND x.scheme IN ",
        )
        .bind_list(&f.certifications);
        valid_certificates(sql, f);
        sql.push(")");
    }
    if !f.services.is_empty() && skip != Some(Facet::Service) {
        sql.push(
            " AND EXISTS (SELECT 1 FROM capabilities c WHERE c.organization_id = o.id AND c.service_code IN ",
        )
        .bind_list(&f.services)
        .push(")");
    }
    if !f.languages.is_empty() && skip != Some(Facet::Language) {
        sql.push(
            " AND EXISTS (SELECT 1 FROM capabilities c JOIN capability_languages l ON l.capability_id = c.id \
             WHERE c.organization_id = o.id AND l.language IN ",
        )
        .bind_list(&f.languages)
        .push(")");
    }
    for (column, minimum) in [("capacity_seats", f.min_seats), ("capacity_fte", f.min_fte)] {
        if let Some(minimum) = minimum {
            sql.push(&format!(
                " AND EXISTS (SELECT 1 FROM capabilities c WHERE c.organization_id = o.id AND c.{column} >= "
            ))
            .bind(Value::Int(minimum))
            .push(")");
        }
    }
}

/// Certificates in force today, as `domain::validity::in_force` has it, unless expired ones are
/// asked for too.
fn valid_certificates(sql: &mut Sql, f: &Filters) {
    if !f.include_expired_certifications {
        let today = search::today();
        sql.push(" AND (x.valid_from IS NULL OR x.valid_from <= ")
            .bind(Value::Date(today))
            .push(") AND (x.valid_until IS NULL OR x.valid_until >= ")
            .bind(Value::Date(today))
            .push(")");
    }
}

/// Where a page starts: the sort value and id of the last row of the previous page (for
/// relevance, its tier and document key).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Position {
    pub value: Value,
    pub id: String,
}

/// Which page of a list to read: its order, where it starts, and how many rows it holds.
#[derive(Debug, Clone, Copy)]
pub struct PageRequest<'a> {
    pub sort: SortKey,
    pub descending: bool,
    /// The position after the previous page's last row; `None` for the first page.
    pub after: Option<&'a Position>,
    pub limit: i64,
}

/// How a page by relevance holds the organizations its text matches to the other filters.
pub enum Screen<'a> {
    /// One query per batch of matches: while the facet index loads.
    Database,
    /// A test of each match against the organizations found passing in memory.
    Memory {
        passing: &'a dyn Passing,
        /// The share of all organizations that pass.
        share: f64,
    },
    /// The organizations that pass, when they are few: a page asks which of them the text
    /// matches, rather than read matches until enough pass.
    Among(&'a [String]),
}

/// The organizations found passing a search's filters in memory.
pub trait Passing {
    /// Whether organization `id` passes.
    fn passes(&self, id: &str) -> bool;
    /// The id of the organization SQLite's search document `rowid` belongs to, if it passes.
    fn document_passes(&self, rowid: i64) -> Option<String>;
    /// Up to `limit` ids of organizations that pass, beyond `after` in id order (downwards when
    /// `descending`): PostgreSQL's document key, whose text sorts as the ids do (lower-case hex,
    /// hyphens in the same places). `None` when `after` is no id.
    fn ids_in_order(&self, after: Option<&str>, descending: bool, limit: usize) -> Option<Vec<String>>;
    /// Up to `wanted` organizations that pass and whose names (PostgreSQL's lexemes of weight
    /// A) hold every term, the last as a prefix, read in the order of
    /// [`ids_in_order`](Passing::ids_in_order) from `after`, reading at most `budget` of those
    /// that pass: the best relevance tier, told without the database. `None` when the screen
    /// does not know the names, as by default, or `after` is no id.
    fn names_in_order(
        &self,
        _after: Option<&str>,
        _descending: bool,
        _wanted: usize,
        _budget: usize,
        _terms: &[String],
    ) -> Option<Named> {
        None
    }
}

/// Organizations passing the filters whose names hold a text, read in id order.
#[derive(Debug, Default, PartialEq)]
pub struct Named {
    /// Their ids, in the order read.
    pub holding: Vec<String>,
    /// The id of the last organization read, when more that pass may follow it.
    pub read_on: Option<String>,
}

impl Screen<'_> {
    /// The share of a text's matches expected to pass, taking the text and the filters as
    /// independent.
    fn expected_share(&self) -> f64 {
        match self {
            Screen::Database => 1.0,
            Screen::Memory { share, .. } => *share,
            Screen::Among([]) => 0.0,
            Screen::Among(_) => 1.0,
        }
    }
}

/// One page of organizations, and the position after its last row when more follow. A page
/// by relevance is screened in the database: see [`ranked`] for the other screens.
pub fn list(
    conn: &mut DbConnection,
    filters: &Filters,
    page: PageRequest<'_>,
) -> Result<(Vec<Organization>, Option<Position>), ApiError> {
    match page.sort {
        SortKey::Relevance => ranked(conn, filters, page, &Screen::Database),
        _ => sorted(conn, filters, page, &Screen::Database),
    }
}

/// One page by relevance whose matches `screen` holds to the other filters, and the position
/// after its last row when more follow.
pub fn ranked(
    conn: &mut DbConnection,
    filters: &Filters,
    page: PageRequest<'_>,
    screen: &Screen<'_>,
) -> Result<(Vec<Organization>, Option<Position>), ApiError> {
    let (ids, next) = relevance::page(conn, filters, page, screen)?;
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    Ok((organizations::find_many(conn, &ids)?, next))
}

/// Hands to `visit` the id of each organization, whatever its status, whose search text holds
/// every word of `terms`: up to `limit` of them, after the one at `after` in document key
/// order. Returns the key to read on from when `limit` were read.
pub fn text_matches(
    conn: &mut DbConnection,
    terms: &[String],
    after: Option<&str>,
    limit: i64,
    visit: &mut dyn FnMut(&str),
) -> Result<Option<String>, ApiError> {
    let backend = conn.backend();
    let Some(matching) = TextMatch::anywhere(terms) else {
        return Ok(None);
    };
    let after = after
        .map(|key| text::document_key_value(backend, key))
        .transpose()?;
    let ascending = Direction { descending: false };
    let sql = text::in_key_order(backend, &matching, ascending, after.as_ref(), limit, None);
    let (mut read, mut last) = (0, None);
    sql.for_each(conn, |found: text::Match| {
        visit(&found.organization_id);
        read += 1;
        last = Some(found.document_key);
    })?;
    Ok(last.filter(|_| read == limit))
}

/// A facet count as SQL groups it.
#[derive(QueryableByName)]
struct CountRow {
    #[diesel(sql_type = Text)]
    value: String,
    #[diesel(sql_type = BigInt)]
    count: i64,
}

/// Counts per value of each facet, in SQL: while the facet index loads.
pub fn facets(conn: &mut DbConnection, filters: &Filters) -> Result<Facets, ApiError> {
    Ok(Facets {
        kind: facet(conn, filters, Facet::Kind, false)?,
        country: facet(conn, filters, Facet::Country, false)?,
        service_category: facet(conn, filters, Facet::Service, false)?,
        service: facet(conn, filters, Facet::Service, true)?,
        language: facet(conn, filters, Facet::Language, false)?,
        market: facet(conn, filters, Facet::Market, false)?,
        certification: facet(conn, filters, Facet::Certification, false)?,
    })
}

/// Counts per value of `facet`, computed with every filter but the facet's own.
fn facet(
    conn: &mut DbConnection,
    filters: &Filters,
    facet: Facet,
    leaf_services: bool,
) -> Result<Vec<Count>, ApiError> {
    let backend = conn.backend();
    let (value, joins) = match facet {
        Facet::Kind => ("o.kind", ""),
        Facet::Country => ("o.country", ""),
        Facet::Service if leaf_services => (
            "c.service_code",
            " JOIN capabilities c ON c.organization_id = o.id JOIN taxonomy_terms t ON t.code = c.service_code AND t.level = 2",
        ),
        Facet::Service => (
            "COALESCE(t.parent_code, t.code)",
            " JOIN capabilities c ON c.organization_id = o.id JOIN taxonomy_terms t ON t.code = c.service_code",
        ),
        Facet::Language => (
            "l.language",
            " JOIN capabilities c ON c.organization_id = o.id JOIN capability_languages l ON l.capability_id = c.id",
        ),
        Facet::Market => (
            "m.country",
            " JOIN market_presences m ON m.organization_id = o.id AND m.kind IN ('served', 'target')",
        ),
        Facet::Certification => ("x.scheme", " JOIN certifications x ON x.organization_id = o.id"),
    };
    let mut sql = Sql::new(&format!("SELECT {value} AS value, COUNT(DISTINCT o.id) AS count"));
    from(&mut sql, backend, !filters.terms.is_empty());
    sql.push(joins);
    conditions(
        &mut sql,
        backend,
        filters,
        Some(facet),
        TextMatch::anywhere(&filters.terms),
    );
    if facet == Facet::Certification {
        valid_certificates(&mut sql, filters);
    }
    sql.push(&format!(" GROUP BY {value} ORDER BY count DESC, value ASC"));
    let rows: Vec<CountRow> = sql.load(conn)?;
    Ok(rows
        .into_iter()
        .map(|row| Count {
            value: row.value,
            count: row.count,
        })
        .collect())
}
