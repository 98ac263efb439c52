//! What `q` becomes on each backend: one full-text condition for every organization it finds,
//! and one per relevance tier for pages sorted by relevance.
//!
//! Relevance is the narrowest reach that holds every term: the name or acronym; then those with
//! the legal name and service labels; then anywhere, descriptions included. A tier is a reach
//! less the one before it. Ranking by tier rather than by a score computed for every match lets
//! a page read each tier in index order and stop after `limit` rows, so a word that a hundred
//! thousand firms share costs what a rare one does.

use super::super::Backend;
use super::super::sql::Value;
use crate::error::ApiError;

/// Relevance tiers, best first.
pub const TIERS: usize = 3;

/// The condition every term of `terms` meets, within `reach` (0: names; 1: names, legal name
/// and service labels; 2: anywhere). The last term matches as a prefix.
fn within(backend: Backend, terms: &[String], reach: usize) -> String {
    let last = terms.len() - 1;
    match backend {
        Backend::Postgres => {
            // tsquery weights: A names, B legal name and service labels, C descriptions.
            let weights = ["A", "AB", ""][reach];
            terms
                .iter()
                .enumerate()
                .map(|(i, t)| match (i == last, weights) {
                    (true, _) => format!("{t}:*{weights}"),
                    (false, "") => t.clone(),
                    (false, _) => format!("{t}:{weights}"),
                })
                .collect::<Vec<_>>()
                .join(" & ")
        }
        Backend::Sqlite => {
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
    }
}

/// Every organization `terms` finds, in any field; `None` without terms.
pub fn anywhere(backend: Backend, terms: &[String]) -> Option<String> {
    (!terms.is_empty()).then(|| within(backend, terms, TIERS - 1))
}

/// The organizations of relevance tier `tier` (0 is best): found within its reach and not
/// within the reach before it.
pub fn tier(backend: Backend, terms: &[String], tier: usize) -> String {
    let reach = within(backend, terms, tier);
    if tier == 0 {
        return reach;
    }
    let closer = within(backend, terms, tier - 1);
    match backend {
        Backend::Postgres => format!("({reach}) & !({closer})"),
        Backend::Sqlite => format!("({reach}) NOT ({closer})"),
    }
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

    #[test]
    fn tiers_narrow_the_reach_and_exclude_the_closer_one() {
        let words = terms(&["teranga", "cont"]);
        assert_eq!(tier(Backend::Postgres, &words, 0), "teranga:A & cont:*A");
        assert_eq!(
            tier(Backend::Postgres, &words, 1),
            "(teranga:AB & cont:*AB) & !(teranga:A & cont:*A)"
        );
        assert_eq!(
            tier(Backend::Postgres, &words, 2),
            "(teranga & cont:*) & !(teranga:AB & cont:*AB)"
        );
        assert_eq!(
            tier(Backend::Sqlite, &words, 0),
            "{primary_text} : (\"teranga\" \"cont\"*)"
        );
        assert_eq!(
            tier(Backend::Sqlite, &words, 2),
            "((\"teranga\" \"cont\"*)) NOT ({primary_text secondary_text} : (\"teranga\" \"cont\"*))"
        );
        assert_eq!(anywhere(Backend::Postgres, &words).unwrap(), "teranga & cont:*");
        assert!(anywhere(Backend::Sqlite, &[]).is_none());
    }
}
