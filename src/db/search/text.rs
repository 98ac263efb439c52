//! What `q` becomes on each backend: one full-text condition for every organization it finds,
//! and one per relevance tier for pages sorted by relevance.
//!
//! Relevance is the narrowest reach that holds every term: the name or acronym; then those with
//! the legal name and service labels; then anywhere, descriptions included. A tier is a reach
//! less the one before it. Ranking by tier rather than by a score computed for every match lets
//! a page read each tier in index order and stop after `limit` rows, so a word that a hundred
//! thousand firms share costs what a rare one does.

use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Text};

use super::super::Backend;
use super::super::sql::Value;
use crate::error::ApiError;

use super::super::sql::Sql;

/// Relevance tiers, best first.
pub const TIERS: usize = 3;

/// A full-text condition: every term within one reach (0: names; 1: names, legal name and
/// service labels; 2: anywhere) and, for a tier past the first, not within the reach before.
/// The last term matches as a prefix.
#[derive(Clone)]
pub struct TextMatch<'a> {
    terms: &'a [String],
    reach: usize,
    outside_closer: bool,
}

impl<'a> TextMatch<'a> {
    /// Every organization `terms` finds, in any field; `None` without terms.
    pub fn anywhere(terms: &'a [String]) -> Option<Self> {
        (!terms.is_empty()).then_some(TextMatch {
            terms,
            reach: TIERS - 1,
            outside_closer: false,
        })
    }

    /// The organizations of relevance tier `tier` (0 is best).
    pub fn tier(terms: &'a [String], tier: usize) -> Self {
        TextMatch {
            terms,
            reach: tier,
            outside_closer: tier > 0,
        }
    }

    /// The terms, when the condition is that they are all within the names (the best tier).
    pub fn within_names(&self) -> Option<&'a [String]> {
        (self.reach == 0).then_some(self.terms)
    }

    /// ` AND` the condition, on `s` (the search document) or SQLite's `search_fts`.
    pub fn push(&self, sql: &mut Sql, backend: Backend) {
        match backend {
            Backend::Sqlite => {
                let within = |reach| sqlite_within(self.terms, reach);
                let query = if self.outside_closer {
                    format!("({}) NOT ({})", within(self.reach), within(self.reach - 1))
                } else {
                    within(self.reach)
                };
                sql.push(" AND search_fts MATCH ").bind(Value::Text(query));
            }
            Backend::Postgres => {
                let query = postgres_query(self.terms, "");
                sql.push(&format!(
                    " AND {} @@ to_tsquery('simple', ",
                    postgres_reach(self.reach)
                ))
                .bind(Value::Text(query.clone()))
                .push(")");
                if self.outside_closer {
                    sql.push(&format!(
                        " AND NOT {} @@ to_tsquery('simple', ",
                        postgres_reach(self.reach - 1)
                    ))
                    .bind(Value::Text(query))
                    .push(")");
                }
            }
        }
    }

    /// ` AND` the condition on PostgreSQL's `s`, written for a test of each row rather than an
    /// index lookup: the weights go into the query (`teranga:A & cont:*A`) instead of a
    /// filtered copy of every row's vector, which costs a third of a walk. Index lookups keep
    /// [`push`](TextMatch::push)'s form, the expressions the GIN indexes were built on.
    pub fn push_row_test(&self, sql: &mut Sql) {
        let within = |reach| Value::Text(postgres_query(self.terms, POSTGRES_WEIGHTS[reach]));
        sql.push(" AND s.document @@ to_tsquery('simple', ")
            .bind(within(self.reach))
            .push(")");
        if self.outside_closer {
            sql.push(" AND NOT s.document @@ to_tsquery('simple', ")
                .bind(within(self.reach - 1))
                .push(")");
        }
    }
}

/// An FTS5 query for every term within `reach`.
fn sqlite_within(terms: &[String], reach: usize) -> String {
    let last = terms.len() - 1;
    let phrase = terms
        .iter()
        .enumerate()
        .map(|(i, t)| {
            if i == last {
                format!("\"{t}\"*")
            } else {
                format!("\"{t}\"")
            }
        })
        .collect::<Vec<_>>()
        .join(" ");
    match reach {
        0 => format!("{{primary_text}} : ({phrase})"),
        1 => format!("{{primary_text secondary_text}} : ({phrase})"),
        _ => format!("({phrase})"),
    }
}

/// A tsquery for every term, each restricted to the `weights` given, if any.
fn postgres_query(terms: &[String], weights: &str) -> String {
    let last = terms.len() - 1;
    terms
        .iter()
        .enumerate()
        .map(|(i, t)| match (i == last, weights.is_empty()) {
            (true, _) => format!("{t}:*{weights}"),
            (false, true) => t.clone(),
            (false, false) => format!("{t}:{weights}"),
        })
        .collect::<Vec<_>>()
        .join(" & ")
}

/// The weights of the document (A names, B legal name and service labels, C descriptions)
/// each reach covers; none for the whole document.
const POSTGRES_WEIGHTS: [&str; 3] = ["A", "AB", ""];

/// The part of the weighted document (A names, B legal name and service labels, C
/// descriptions) a reach covers, written as the expression its GIN index was built on.
fn postgres_reach(reach: usize) -> &'static str {
    [
        "ts_filter(s.document, '{a}')",
        "ts_filter(s.document, '{a,b}')",
        "s.document",
    ][reach]
}

/// The order a page reads document keys in.
#[derive(Clone, Copy)]
pub struct Direction {
    pub descending: bool,
}

impl Direction {
    pub fn order(self) -> &'static str {
        if self.descending { "DESC" } else { "ASC" }
    }

    pub fn beyond(self) -> &'static str {
        if self.descending { "<" } else { ">" }
    }
}

/// An organization a text matches, and its document key as text.
#[derive(Debug, QueryableByName)]
pub struct Match {
    #[diesel(sql_type = Text)]
    pub organization_id: String,
    #[diesel(sql_type = Text)]
    pub document_key: String,
}

impl Match {
    /// A match on PostgreSQL, whose document key is the organization id.
    pub fn by_id(organization_id: String) -> Self {
        Match {
            document_key: organization_id.clone(),
            organization_id,
        }
    }
}

/// The organizations `condition` matches, as [`Match`]es: up to `limit`, after `after`, in
/// key order; only those `among` names, if given.
pub fn in_key_order(
    backend: Backend,
    condition: &TextMatch<'_>,
    direction: Direction,
    after: Option<&Value>,
    limit: i64,
    among: Option<&[String]>,
) -> Sql {
    let key = document_key(backend);
    let mut sql = Sql::new(&format!(
        "SELECT s.organization_id AS organization_id, {} AS document_key",
        document_key_text(backend)
    ));
    sql.push(match backend {
        Backend::Sqlite => {
            " FROM search_fts JOIN search_documents s ON s.rowid = search_fts.rowid WHERE 1 = 1"
        }
        Backend::Postgres => " FROM search_documents s WHERE 1 = 1",
    });
    match (among, backend) {
        (None, _) => condition.push(&mut sql, backend),
        // Only the listed documents are joined and returned; FTS5 still walks the doclists of a
        // word many firms hold (0.1 to 0.2 s for one in every name, at a million firms).
        (Some(ids), Backend::Sqlite) => {
            condition.push(&mut sql, backend);
            sql.push(" AND search_fts.rowid IN (SELECT rowid FROM search_documents WHERE organization_id")
                .in_ids(backend, ids)
                .push(")");
        }
        // Each listed document is read and tested, rather than every match looked up in GIN.
        (Some(ids), Backend::Postgres) => {
            condition.push_row_test(&mut sql);
            sql.push(" AND s.organization_id").in_ids(backend, ids);
        }
    }
    after_in_key_order(&mut sql, key, direction, after, limit);
    sql
}

/// An organization's id.
#[derive(QueryableByName)]
pub struct OrganizationId {
    #[diesel(sql_type = Text)]
    pub organization_id: String,
}

/// The rowid of a SQLite search document.
#[derive(QueryableByName)]
pub struct Document {
    #[diesel(sql_type = BigInt)]
    pub rowid: i64,
}

/// The SQLite search documents `condition` matches, as [`Document`]s: up to `limit`, after
/// `after`, in key order. FTS5 answers from its index alone.
pub fn sqlite_documents_in_key_order(
    condition: &TextMatch<'_>,
    direction: Direction,
    after: Option<&Value>,
    limit: i64,
) -> Sql {
    let mut sql = Sql::new("SELECT search_fts.rowid AS rowid FROM search_fts WHERE 1 = 1");
    condition.push(&mut sql, Backend::Sqlite);
    after_in_key_order(&mut sql, document_key(Backend::Sqlite), direction, after, limit);
    sql
}

/// ` AND` the documents after `after`, then the order of `key` and the limit.
fn after_in_key_order(sql: &mut Sql, key: &str, direction: Direction, after: Option<&Value>, limit: i64) {
    if let Some(after) = after {
        sql.push(&format!(" AND {key} {} ", direction.beyond()))
            .bind(after.clone());
    }
    sql.push(&format!(" ORDER BY {key} {} LIMIT ", direction.order()))
        .bind(Value::Int(limit as i32));
}

/// A document's place within its tier, in an order each backend reads from an index: the FTS5
/// rowid on SQLite, the organization id on PostgreSQL.
pub fn document_key(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "search_fts.rowid",
        Backend::Postgres => "s.organization_id",
    }
}

/// `document_key` as text, for a cursor.
pub fn document_key_text(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "CAST(search_fts.rowid AS TEXT)",
        Backend::Postgres => "s.organization_id",
    }
}

/// A cursor's document key, bound as its column's type.
pub fn document_key_value(backend: Backend, key: &str) -> Result<Value, ApiError> {
    match backend {
        Backend::Sqlite => key
            .parse()
            .map(Value::BigInt)
            .map_err(|_| ApiError::BadRequest("parameter `cursor`: not issued by this service".into())),
        Backend::Postgres => Ok(Value::Text(key.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    fn rendered(backend: Backend, condition: TextMatch) -> String {
        let mut sql = Sql::new("");
        condition.push(&mut sql, backend);
        sql.text().to_owned()
    }

    #[test]
    fn tiers_narrow_the_reach_and_exclude_the_closer_one() {
        let words = terms(&["teranga", "cont"]);
        assert_eq!(postgres_query(&words, ""), "teranga & cont:*");
        assert_eq!(postgres_query(&words, "AB"), "teranga:AB & cont:*AB");
        assert_eq!(
            rendered(Backend::Postgres, TextMatch::tier(&words, 1)),
            " AND ts_filter(s.document, '{a,b}') @@ to_tsquery('simple', $1) \
             AND NOT ts_filter(s.document, '{a}') @@ to_tsquery('simple', $2)"
        );
        let mut row_test = Sql::new("");
        TextMatch::tier(&words, 1).push_row_test(&mut row_test);
        assert_eq!(
            row_test.text(),
            " AND s.document @@ to_tsquery('simple', $1) AND NOT s.document @@ to_tsquery('simple', $2)"
        );
        assert_eq!(
            rendered(Backend::Postgres, TextMatch::anywhere(&words).unwrap()),
            " AND s.document @@ to_tsquery('simple', $1)"
        );
        assert_eq!(
            sqlite_within(&words, 0),
            "{primary_text} : (\"teranga\" \"cont\"*)"
        );
        assert_eq!(sqlite_within(&words, 2), "(\"teranga\" \"cont\"*)");
        assert!(TextMatch::anywhere(&[]).is_none());
    }
}
