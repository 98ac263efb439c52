//! Pages sorted by relevance: each tier (see `text`) in turn, its matches read in the order of
//! their document key a batch at a time and screened against the other filters (see
//! [`Screen`]), until the page is full.
//!
//! SQLite's FTS5 yields a tier's matches in that order itself; a PostgreSQL tier takes bounded
//! steps instead (see `postgres_tier`), and its best tier is first told from the words of the
//! names the facet index holds, with no statement at all when they fill the page.

use std::collections::HashSet;

use super::super::sql::{Sql, Value};
use super::super::{Backend, DbConnection};
use super::postgres_tier::PostgresTier;
use super::text::{self, Direction, Match, OrganizationId, TextMatch};
use super::{Named, PageRequest, Passing, Position, Screen, conditions};
use crate::domain::search::Filters;
use crate::error::ApiError;

/// A batch reads this many times the matches expected to fill the page, so that one usually
/// does: each batch matches the text again, which costs as much as reading thousands of keys.
const BATCH_MARGIN: f64 = 1.2;
/// After a batch where no match passed, the next reads this many times more.
const BATCH_GROWTH: i64 = 8;
const LARGEST_BATCH: i64 = 8_192;

/// A PostgreSQL tier probes the firms passing the filters, in key order, for the text rather
/// than walk the text's matches for those passing, when at most this share of firms pass.
const PROBE_SHARE: f64 = 0.25;
/// The share of probed firms the text is expected to match before any is probed.
const PROBE_DENSITY: f64 = 0.25;
/// Firms passing the filters whose names the best tier tests in memory, in key order, before it
/// turns to the walk and the index: a firm's words are told in about 0.1 µs, where a walk costs
/// PostgreSQL about 0.7 µs per document, but a text rare among the names is found sooner from
/// the index. A text no name holds costs 2 ms more at this budget.
const NAMES_BUDGET: usize = 20_000;
/// Firms a tier probes before it turns to the walk and the index instead, also as soon as a
/// batch of probes finds none: enough to fill a page when one probed firm in twenty matches; a
/// sparser text is found sooner from its matches (a probe costs what reading two or three
/// matches in key order does).
const PROBE_BUDGET: usize = 500;

/// Whether a page's tiers start by probing the firms that pass (see [`PROBE_SHARE`]).
fn probes_passing(backend: Backend, screen: &Screen<'_>) -> bool {
    matches!((backend, screen), (Backend::Postgres, Screen::Memory { share, .. }) if *share <= PROBE_SHARE)
}

/// The ids of one page by relevance, best tier first when descending, from the cursor's tier
/// and document on. The position holds the tier and the document key.
pub(super) fn page(
    conn: &mut DbConnection,
    filters: &Filters,
    page: PageRequest<'_>,
    screen: &Screen<'_>,
) -> Result<(Vec<String>, Option<Position>), ApiError> {
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
    if screen.expected_share() == 0.0 {
        // Nothing passes the filters: no need to read what the text matches.
        return Ok((Vec::new(), None));
    }
    let first = resume.as_ref().map_or(tiers[0], |(tier, _)| *tier);
    let mut found: Vec<(usize, Match)> = Vec::new();
    'tiers: for tier in tiers.into_iter().skip_while(|t| *t != first) {
        let reading = Tier {
            condition: TextMatch::tier(&filters.terms, tier),
            direction,
        };
        let mut after = resume
            .as_ref()
            .filter(|(t, _)| *t == tier)
            .map(|(_, key)| key.clone());
        let mut probing = probes_passing(backend, screen);
        if let Some(named) = reading.named(backend, screen, after.as_ref(), limit + 1 - found.len() as i64) {
            for id in named.holding {
                found.push((tier, Match::by_id(id)));
                if found.len() as i64 > limit {
                    break 'tiers;
                }
            }
            let Some(read_on) = named.read_on else {
                continue;
            };
            // Past the names' budget, the walk and the index find what is left of a sparse text
            // sooner than probes would.
            after = Some(Value::Text(read_on));
            probing = false;
        }
        let mut yields = Yield::expecting(if probing {
            PROBE_DENSITY
        } else {
            screen.expected_share()
        });
        let mut probed = 0;
        loop {
            let wanted = yields.batch(limit + 1 - found.len() as i64);
            let batch = match screen {
                Screen::Memory { passing, .. } if probing => {
                    let wanted = wanted.min((PROBE_BUDGET - probed) as i64);
                    reading.probe(conn, after.as_ref(), wanted, *passing)?
                }
                _ => reading.batch(conn, filters, after.as_ref(), wanted, screen)?,
            };
            after = batch.read_on;
            yields.read += batch.read as i64;
            if probing {
                probed += batch.read;
                if probed >= PROBE_BUDGET || batch.passed.is_empty() {
                    // A text this sparse among the passing firms is left to the walk and the
                    // index, which find rare matches without probing every passing firm.
                    probing = false;
                    yields = Yield::expecting(screen.expected_share());
                }
            }
            for passing in batch.passed {
                yields.passed += 1;
                found.push((tier, passing));
                if found.len() as i64 > limit {
                    break 'tiers;
                }
            }
            if after.is_none() {
                break;
            }
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
    Ok((found.into_iter().map(|(_, m)| m.organization_id).collect(), next))
}

/// How many of a tier's matches have passed the filters so far.
struct Yield {
    /// The share of matches expected to pass before any is read.
    expected: f64,
    read: i64,
    passed: i64,
}

impl Yield {
    fn expecting(expected: f64) -> Self {
        Yield {
            expected,
            read: 0,
            passed: 0,
        }
    }

    /// The matches to read next for `wanted` more to pass.
    fn batch(&self, wanted: i64) -> i64 {
        let batch = match (self.read, self.passed) {
            (0, _) => wanted as f64 / self.expected.max(1.0 / LARGEST_BATCH as f64) * BATCH_MARGIN,
            (read, 0) => (read * BATCH_GROWTH) as f64,
            (read, passed) => (wanted * read) as f64 / passed as f64 * BATCH_MARGIN,
        };
        (batch.ceil() as i64).clamp(wanted, LARGEST_BATCH)
    }
}

/// A batch of one tier's matches.
struct Batch {
    /// How many matches were read.
    read: usize,
    /// Those that pass the filters, in the order read.
    passed: Vec<Match>,
    /// The key to read on from, or `None` when the tier holds no more.
    read_on: Option<Value>,
}

/// One tier of a page, read in the page's direction.
struct Tier<'a> {
    condition: TextMatch<'a>,
    direction: Direction,
}

impl Tier<'_> {
    /// Up to `wanted` matches after `after`, screened.
    fn batch(
        &self,
        conn: &mut DbConnection,
        filters: &Filters,
        after: Option<&Value>,
        wanted: i64,
        screen: &Screen<'_>,
    ) -> Result<Batch, ApiError> {
        let Tier { condition, direction } = self;
        if let (Backend::Sqlite, Screen::Memory { passing, .. }) = (conn.backend(), screen) {
            // Documents tested by rowid: no organization id read for the matches that fail.
            let documents: Vec<text::Document> =
                text::sqlite_documents_in_key_order(condition, *direction, after, wanted).load(conn)?;
            let read_on = match documents.last() {
                Some(last) if documents.len() as i64 == wanted => Some(Value::BigInt(last.rowid)),
                _ => None,
            };
            let passed = documents
                .iter()
                .filter_map(|d| {
                    Some(Match {
                        organization_id: passing.document_passes(d.rowid)?,
                        document_key: d.rowid.to_string(),
                    })
                })
                .collect();
            return Ok(Batch {
                read: documents.len(),
                passed,
                read_on,
            });
        }
        let (matches, read_on) = self.matches(conn, after, wanted, screen)?;
        Ok(Batch {
            read: matches.len(),
            passed: screened(conn, filters, screen, matches)?,
            read_on,
        })
    }

    /// For the best tier on PostgreSQL, when the screen holds the names of the firms that pass:
    /// up to `wanted` of them whose names hold the text, beyond `after` in key order, reading
    /// at most [`NAMES_BUDGET`] of them. `None` otherwise.
    fn named(
        &self,
        backend: Backend,
        screen: &Screen<'_>,
        after: Option<&Value>,
        wanted: i64,
    ) -> Option<Named> {
        let terms = self.condition.within_names()?;
        let (Backend::Postgres, Screen::Memory { passing, .. }) = (backend, screen) else {
            return None;
        };
        let after = match after {
            Some(Value::Text(id)) => Some(id.as_str()),
            Some(_) => return None,
            None => None,
        };
        passing.names_in_order(
            after,
            self.direction.descending,
            wanted as usize,
            NAMES_BUDGET,
            terms,
        )
    }

    /// Up to `wanted` of the organizations passing the filters, beyond `after` in PostgreSQL's
    /// key order, and those of them the tier's text matches, each one read by its key.
    fn probe(
        &self,
        conn: &mut DbConnection,
        after: Option<&Value>,
        wanted: i64,
        passing: &dyn Passing,
    ) -> Result<Batch, ApiError> {
        let Tier { condition, direction } = self;
        let after = match after {
            Some(Value::Text(id)) => Some(id.as_str()),
            _ => None,
        };
        let ids = passing
            .ids_in_order(after, direction.descending, wanted as usize)
            .ok_or_else(|| ApiError::BadRequest("parameter `cursor`: not issued by this service".into()))?;
        let passed = if ids.is_empty() {
            Vec::new()
        } else {
            text::in_key_order(Backend::Postgres, condition, *direction, None, wanted, Some(&ids))
                .load(conn)?
        };
        let read_on = ids
            .last()
            .filter(|_| ids.len() as i64 == wanted)
            .map(|last| Value::Text(last.clone()));
        Ok(Batch {
            read: ids.len(),
            read_on,
            passed,
        })
    }

    /// Matches after `after`, in key order (only those the screen lists, if it does): up to
    /// `wanted`, and fewer when PostgreSQL reached the end of a window first. Also returns the
    /// key to read on from, or `None` when the tier holds no more.
    fn matches(
        &self,
        conn: &mut DbConnection,
        after: Option<&Value>,
        wanted: i64,
        screen: &Screen<'_>,
    ) -> Result<(Vec<Match>, Option<Value>), ApiError> {
        let Tier { condition, direction } = self;
        let direction = *direction;
        let backend = conn.backend();
        let among = match screen {
            Screen::Among(ids) => Some(*ids),
            _ => None,
        };
        match (backend, among) {
            (Backend::Postgres, None) => PostgresTier { condition, direction }.matches(conn, after, wanted),
            _ => {
                let matches: Vec<Match> =
                    text::in_key_order(backend, condition, direction, after, wanted, among).load(conn)?;
                let read_on = filled(backend, &matches, wanted)?;
                Ok((matches, read_on))
            }
        }
    }
}

/// The matches that pass the filters, in the order read.
fn screened(
    conn: &mut DbConnection,
    filters: &Filters,
    screen: &Screen<'_>,
    mut matches: Vec<Match>,
) -> Result<Vec<Match>, ApiError> {
    match screen {
        Screen::Memory { passing, .. } => matches.retain(|m| passing.passes(&m.organization_id)),
        Screen::Among(_) => {}
        Screen::Database if matches.is_empty() => {}
        Screen::Database => {
            let backend = conn.backend();
            let ids: Vec<String> = matches.iter().map(|m| m.organization_id.clone()).collect();
            let mut sql = Sql::new("SELECT o.id AS organization_id FROM organizations o");
            conditions(&mut sql, backend, filters, None, None);
            sql.push(" AND o.id").in_ids(backend, &ids);
            let passing: HashSet<String> = sql
                .load::<OrganizationId>(conn)?
                .into_iter()
                .map(|d| d.organization_id)
                .collect();
            matches.retain(|m| passing.contains(&m.organization_id));
        }
    }
    Ok(matches)
}

/// The key of the last of `matches` when they are `wanted` many: where a next batch reads on.
pub(super) fn filled(backend: Backend, matches: &[Match], wanted: i64) -> Result<Option<Value>, ApiError> {
    match matches.last() {
        Some(last) if matches.len() as i64 == wanted => {
            Ok(Some(text::document_key_value(backend, &last.document_key)?))
        }
        _ => Ok(None),
    }
}
