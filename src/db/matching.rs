//! Candidates for a buyer's need, read from the match profiles of published firms, while the
//! server's in-memory copy of them (`crate::facets`) is loading, and for one firm. They are
//! read best verification band first and in name order within a band, a window of profiles at
//! a time, so that a ranking can stop as soon as no later firm can enter its top. When the
//! first window does not settle it, the term index is asked first for the firms of the band
//! that may earn full marks, in name order, which often settles a narrow need; failing that,
//! if few firms hold the need's terms, they are read whole.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{Nullable, Text, Timestamp};

use super::schema::match_profiles;
use super::sql::{Sql, Value};
use super::{Backend, DbConnection};
use crate::domain::matching::candidate::Candidate;
use crate::domain::matching::profile::{MatchProfile, TermNeed, TermQuery};
use crate::domain::matching::ranking::Ranking;
use crate::domain::matching::scoring::Matcher;
use crate::domain::matching::verification::{VerificationBand, verification_bands};
use crate::error::ApiError;

/// Candidates ranked all at once when there are no more than this many.
const SMALL_SET: usize = 10_000;
/// Profiles in the first window of a band, per result wanted (and at least
/// `SMALLEST_WINDOW`): enough for a broad need to fill the top at once. Each further window
/// holds four times more.
const WINDOW_PER_RESULT: usize = 4;
const SMALLEST_WINDOW: usize = 100;
const LARGEST_WINDOW: usize = 32_000;
/// Firms that may earn full marks read at a time, per result wanted: a few of them miss.
const FULL_MARKS_PAGE_PER_RESULT: usize = 2;

/// The columns of a profile, as [`ProfileRow`] reads them.
const PROFILE: &str = "SELECT p.organization_id, p.slug, p.name, p.verified_until, p.records, p.terms \
                       FROM match_profiles p";

/// A position in name order: the name and id of an organization.
type Key = (String, String);

/// Feeds `ranking` with candidates until its top is settled or none are left.
pub fn rank(conn: &mut DbConnection, ranking: &mut Ranking<'_>) -> Result<(), ApiError> {
    let matcher = ranking.matcher();
    let search = Search::new(matcher, !ranking.include_excluded());
    let mut probed = false;
    'bands: for band in verification_bands(matcher.today()) {
        if ranking.complete(band.fit, ("", "")) {
            return Ok(());
        }
        if !populated(conn, &band)? {
            continue;
        }
        let mut after: Option<Key> = None;
        let mut size = (ranking.limit() * WINDOW_PER_RESULT).max(SMALLEST_WINDOW);
        let mut first_window = true;
        loop {
            let rows = window(conn, &band, after.as_ref(), size, ranking.include_samples())?;
            let end = (rows.len() == size)
                .then(|| rows.last().map(ProfileRow::key))
                .flatten();
            // At the rate the first window holds them, would walking to `limit` firms that may
            // earn full marks read more than SMALL_SET? Then the term index is the better bet.
            let full_marks = search.full_marks.as_ref().filter(|terms| {
                let seen = rows.iter().filter(|row| terms.matches(&row.terms)).count();
                first_window && seen * SMALL_SET <= ranking.limit() * size
            });
            let found = candidates(&search.terms, rows)?;
            // Fewer candidates than results in a window sized for four times more.
            let few = found.len() < ranking.limit();
            ranking.consider(found);
            let Some(end) = end else {
                continue 'bands;
            };
            if ranking.complete(band.fit, (&end.0, &end.1)) {
                continue 'bands;
            }
            // The first window did not settle the top: the need is narrow, or the scores
            // spread. When few of its firms may earn full marks, those of the band are asked
            // for in name order, and may settle it; else, if few firms hold the need's terms,
            // reading them all beats walking the directory.
            if let Some(full_marks) = full_marks
                && settled_by_full_marks(conn, ranking, full_marks, &band)?
            {
                continue 'bands;
            }
            if first_window && few && !probed {
                probed = true;
                if let Some(rows) = few_candidates(conn, &search.terms, ranking.include_samples())? {
                    ranking.consider(decoded(rows)?);
                    return Ok(());
                }
            }
            first_window = false;
            after = Some(end);
            size = (size * 4).min(LARGEST_WINDOW);
        }
    }
    Ok(())
}

/// Reads the firms of `band` that may earn full marks in name order, until the top is settled
/// (`true`) or none are left. Some that the terms let through still miss (a certificate that
/// lapses earlier in the year), so it reads on rather than stop at the first page.
fn settled_by_full_marks(
    conn: &mut DbConnection,
    ranking: &mut Ranking<'_>,
    full_marks: &TermQuery,
    band: &VerificationBand,
) -> Result<bool, ApiError> {
    let page = ranking.limit() * FULL_MARKS_PAGE_PER_RESULT;
    let mut after: Option<Key> = None;
    loop {
        let rows = best_first(
            conn,
            full_marks,
            band,
            after.as_ref(),
            page,
            ranking.include_samples(),
        )?;
        let last = (rows.len() == page)
            .then(|| rows.last().map(ProfileRow::key))
            .flatten();
        // The full-marks terms include the hard ones.
        ranking.consider(decoded(rows)?);
        let Some(last) = last else {
            return Ok(false);
        };
        if ranking.complete(band.fit, (&last.0, &last.1)) {
            return Ok(true);
        }
        after = Some(last);
    }
}

/// What the candidate queries look for.
struct Search {
    /// The terms of every candidate: a wanted service and, unless near misses are wanted, the
    /// hard constraints.
    terms: TermQuery,
    /// The terms of the candidates that may earn full marks, when such a bound is exact.
    full_marks: Option<TermQuery>,
}

impl Search {
    fn new(matcher: &Matcher<'_>, hard: bool) -> Self {
        let wanted = matcher
            .criteria()
            .services
            .iter()
            .map(|code| matcher.reference().with_descendants(code))
            .collect();
        let need = TermNeed::new(matcher.criteria(), wanted, matcher.reference_date());
        let terms = TermQuery::new(&need, hard);
        let full_marks = matcher
            .full_marks()
            .filter(|_| hard)
            .map(|marks| terms.with_full_marks(&need, marks));
        Search { terms, full_marks }
    }
}

/// Which of these firms are demonstration firms.
pub fn samples_among(
    conn: &mut DbConnection,
    ids: &[&str],
) -> Result<std::collections::HashSet<String>, ApiError> {
    let found: Vec<String> = match_profiles::table
        .filter(match_profiles::organization_id.eq_any(ids))
        .filter(match_profiles::is_sample)
        .select(match_profiles::organization_id)
        .load(conn)?;
    Ok(found.into_iter().collect())
}

/// One published firm as a candidate, whatever it offers; `None` when there is no such
/// published firm.
pub fn candidate(conn: &mut DbConnection, organization_id: &str) -> Result<Option<Candidate>, ApiError> {
    let mut sql = Sql::new(PROFILE);
    sql.push(" WHERE p.organization_id = ")
        .bind(Value::Text(organization_id.into()));
    let rows: Vec<ProfileRow> = sql.load(conn)?;
    rows.into_iter()
        .map(ProfileRow::into_candidate)
        .next()
        .transpose()
}

#[derive(QueryableByName)]
struct ProfileRow {
    #[diesel(sql_type = Text)]
    organization_id: String,
    #[diesel(sql_type = Text)]
    slug: String,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Nullable<Timestamp>)]
    verified_until: Option<NaiveDateTime>,
    #[diesel(sql_type = Text)]
    records: String,
    #[diesel(sql_type = Text)]
    terms: String,
}

impl ProfileRow {
    fn key(&self) -> Key {
        (self.name.clone(), self.organization_id.clone())
    }

    fn into_candidate(self) -> Result<Candidate, ApiError> {
        let profile: MatchProfile = serde_json::from_str(&self.records).map_err(ApiError::internal)?;
        Ok(profile.into_candidate(
            self.organization_id,
            self.slug,
            self.name,
            self.verified_until.map(|at| at.date()),
        ))
    }
}

/// The rows of a window that hold the need's terms, as candidates; the matcher applies the
/// exact rules.
fn candidates(terms: &TermQuery, rows: Vec<ProfileRow>) -> Result<Vec<Candidate>, ApiError> {
    decoded(rows.into_iter().filter(|row| terms.matches(&row.terms)).collect())
}

/// Rows as candidates, without checking their terms: the term index already did.
fn decoded(rows: Vec<ProfileRow>) -> Result<Vec<Candidate>, ApiError> {
    rows.into_iter().map(ProfileRow::into_candidate).collect()
}

/// Every profile that holds the need's terms, if there are at most [`SMALL_SET`]: the term
/// index intersects their lists, so a narrow need costs in proportion to the firms that may
/// meet it, not to those offering the service.
fn few_candidates(
    conn: &mut DbConnection,
    terms: &TermQuery,
    samples: bool,
) -> Result<Option<Vec<ProfileRow>>, ApiError> {
    let mut sql = Sql::new(PROFILE);
    holding(&mut sql, conn.backend(), terms);
    real_only(&mut sql, samples);
    sql.push(" LIMIT ").bind(Value::Int(SMALL_SET as i32 + 1));
    let rows: Vec<ProfileRow> = sql.load(conn)?;
    Ok((rows.len() <= SMALL_SET).then_some(rows))
}

/// The next `limit` profiles of a band in name order after `after` among those holding `terms`.
fn best_first(
    conn: &mut DbConnection,
    terms: &TermQuery,
    band: &VerificationBand,
    after: Option<&Key>,
    limit: usize,
    samples: bool,
) -> Result<Vec<ProfileRow>, ApiError> {
    let backend = conn.backend();
    let mut sql = Sql::new(PROFILE);
    holding(&mut sql, backend, terms);
    real_only(&mut sql, samples);
    in_band(&mut sql, backend, band);
    after_key(&mut sql, after);
    sql.push(" ORDER BY p.name, p.organization_id LIMIT ")
        .bind(Value::Int(limit as i32));
    sql.load(conn)
}

/// Leaves demonstration firms out unless `samples` asks for them.
fn real_only(sql: &mut Sql, samples: bool) {
    if !samples {
        sql.push(" AND NOT p.is_sample");
    }
}

/// Restricts `p` to the profiles holding `terms`, through the term index, and opens the
/// `WHERE` clause.
fn holding(sql: &mut Sql, backend: Backend, terms: &TermQuery) {
    match backend {
        Backend::Sqlite => {
            // Terms are taxonomy and vocabulary codes, validated on the way in; quoted, each is
            // one word to FTS5 whatever it holds.
            let quoted = |term: &String| format!("\"{}\"", term.replace('"', "\"\""));
            let query: Vec<String> = terms
                .groups()
                .iter()
                .map(|group| format!("({})", group.iter().map(quoted).collect::<Vec<_>>().join(" OR ")))
                .collect();
            sql.push(" JOIN match_terms t ON t.rowid = p.id WHERE match_terms MATCH ")
                .bind(Value::Text(query.join(" AND ")));
        }
        Backend::Postgres => {
            sql.push(" WHERE TRUE");
            for group in terms.groups() {
                // The same expression as the GIN index, so that the index answers it.
                sql.push(" AND string_to_array(p.terms, ' ') && ARRAY[");
                for (n, term) in group.iter().enumerate() {
                    if n > 0 {
                        sql.push(", ");
                    }
                    sql.bind(Value::Text(term.clone()));
                }
                sql.push("]::text[]");
            }
        }
    }
}

/// Whether any firm was verified within the band (the last band, with the never verified,
/// always counts as populated).
fn populated(conn: &mut DbConnection, band: &VerificationBand) -> Result<bool, ApiError> {
    let Some(since) = band.since else {
        return Ok(true);
    };
    let mut verified = match_profiles::table
        .filter(match_profiles::verified_until.ge(NaiveDateTime::from(since)))
        .into_boxed();
    if let Some(before) = band.before {
        verified = verified.filter(match_profiles::verified_until.lt(NaiveDateTime::from(before)));
    }
    let found: Option<String> = verified
        .select(match_profiles::organization_id)
        .first(conn)
        .optional()?;
    Ok(found.is_some())
}

/// The next `size` profiles of a band in name order after `after`.
fn window(
    conn: &mut DbConnection,
    band: &VerificationBand,
    after: Option<&Key>,
    size: usize,
    samples: bool,
) -> Result<Vec<ProfileRow>, ApiError> {
    let mut sql = Sql::new(PROFILE);
    sql.push(" WHERE 1 = 1");
    real_only(&mut sql, samples);
    in_band(&mut sql, conn.backend(), band);
    after_key(&mut sql, after);
    sql.push(" ORDER BY p.name, p.organization_id LIMIT ")
        .bind(Value::Int(size as i32));
    sql.load(conn)
}

/// Keeps `p` after `key` in name order, when there is one. The row-value comparison is exact;
/// the redundant bound on the name alone lets PostgreSQL estimate the range from its histogram
/// and walk the name index.
fn after_key(sql: &mut Sql, key: Option<&Key>) {
    if let Some((name, id)) = key {
        sql.push(" AND p.name >= ")
            .bind(Value::Text(name.clone()))
            .push(" AND (p.name, p.organization_id) > (")
            .bind(Value::Text(name.clone()))
            .push(", ")
            .bind(Value::Text(id.clone()))
            .push(")");
    }
}

/// Restricts `p` to a verification band. The last band holds nearly everyone, so on SQLite its
/// `verified_until` stays out of index choice and the name index drives.
fn in_band(sql: &mut Sql, backend: Backend, band: &VerificationBand) {
    match (band.since, band.before) {
        (Some(since), before) => {
            sql.push(" AND p.verified_until >= ")
                .bind(Value::Time(since.into()));
            if let Some(before) = before {
                sql.push(" AND p.verified_until < ")
                    .bind(Value::Time(before.into()));
            }
        }
        (None, Some(before)) => {
            let column = match backend {
                Backend::Sqlite => "+p.verified_until",
                Backend::Postgres => "p.verified_until",
            };
            sql.push(&format!(" AND (p.verified_until IS NULL OR {column} < "))
                .bind(Value::Time(before.into()))
                .push(")");
        }
        (None, None) => {}
    }
}
