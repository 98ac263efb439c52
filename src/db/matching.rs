//! Candidates for a buyer's need: published firms offering a wanted service. When near misses
//! are not wanted, the hard constraints are checked here too, and only firms that pass them are
//! read. Candidates are read best verification band first and in name order within a band, a
//! window of organizations at a time, so that a ranking can stop as soon as no later firm can
//! enter its top; when the first window does not settle it and few firms meet the need, they
//! are read whole, from the capabilities of the wanted services.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{Nullable, Text, Timestamp};

use super::schema::{capabilities, capability_languages, certifications, market_presences};
use super::sql::{Sql, Value};
use super::{Backend, DbConnection};
use crate::domain::matching::candidate::{Candidate, Certificate, OfferedService, Presence};
use crate::domain::matching::criteria::MatchCriteria;
use crate::domain::matching::ranking::Ranking;
use crate::domain::matching::scoring::{Matcher, VerificationBand, verification_bands};
use crate::domain::vocab::{CapacityUnit, OrganizationKind, Status};
use crate::error::ApiError;

/// Candidates ranked all at once when there are no more than this many.
const SMALL_SET: usize = 2_000;
/// Organizations in the first window of a band, per result wanted (and at least
/// `SMALLEST_WINDOW`): enough for a broad need to fill the top at once. Each further window
/// holds four times more.
const WINDOW_PER_RESULT: usize = 4;
const SMALLEST_WINDOW: usize = 100;
const LARGEST_WINDOW: usize = 32_000;

/// A position in name order: the name and id of an organization.
type Key = (String, String);

/// What the candidate queries need to know of the request.
struct Need {
    criteria: MatchCriteria,
    services: Vec<String>,
    day: NaiveDate,
    hard: bool,
}

impl Need {
    fn new(matcher: &Matcher<'_>, hard: bool) -> Self {
        let mut services: Vec<String> = matcher
            .criteria()
            .services
            .iter()
            .flat_map(|code| matcher.reference().with_descendants(code))
            .collect();
        services.sort();
        services.dedup();
        Need {
            criteria: matcher.criteria().clone(),
            services,
            day: matcher.reference_date(),
            hard,
        }
    }
}

/// Feeds `ranking` with candidates until its top is settled or none are left.
pub fn rank(conn: &mut DbConnection, ranking: &mut Ranking<'_>) -> Result<(), ApiError> {
    let matcher = ranking.matcher();
    let today = matcher.today();
    let need = Need::new(matcher, !ranking.include_excluded());
    let mut probed = false;
    for band in verification_bands(today) {
        if ranking.complete(band.fit, ("", "")) {
            return Ok(());
        }
        if !populated(conn, &band)? {
            continue;
        }
        let mut after: Option<Key> = None;
        let mut size = (ranking.limit() * WINDOW_PER_RESULT).max(SMALLEST_WINDOW);
        loop {
            let (rows, end) = window(conn, &need, &band, after.as_ref(), size)?;
            ranking.consider(hydrate(conn, &need, rows)?);
            let Some(end) = end else {
                break;
            };
            if ranking.complete(band.fit, (&end.0, &end.1)) {
                return Ok(());
            }
            // The first window did not settle the top: the need is narrow, or the scores
            // spread. If few firms meet it, reading them all beats walking the directory.
            if !probed {
                probed = true;
                if let Some(rows) = few_candidates(conn, &need)? {
                    ranking.consider(hydrate(conn, &need, rows)?);
                    return Ok(());
                }
            }
            after = Some(end);
            size = (size * 4).min(LARGEST_WINDOW);
        }
    }
    Ok(())
}

/// One published firm as a candidate for `matcher`'s request, whatever it offers; `None` when
/// there is no such published firm.
pub fn candidate(
    conn: &mut DbConnection,
    matcher: &Matcher<'_>,
    organization_id: &str,
) -> Result<Option<Candidate>, ApiError> {
    let mut sql = Sql::new("SELECT o.id, o.slug, o.name, o.verified_at FROM organizations o WHERE o.id = ");
    sql.bind(Value::Text(organization_id.into()))
        .push(" AND o.kind = ")
        .bind(Value::Text(OrganizationKind::Firm.as_str().into()))
        .push(" AND o.status = ")
        .bind(Value::Text(Status::Published.as_str().into()));
    let rows: Vec<CandidateRow> = sql.load(conn)?;
    Ok(hydrate(conn, &Need::new(matcher, false), rows)?.pop())
}

#[derive(QueryableByName)]
struct CandidateRow {
    #[diesel(sql_type = Text)]
    id: String,
    #[diesel(sql_type = Text)]
    slug: String,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Nullable<Timestamp>)]
    verified_at: Option<NaiveDateTime>,
}

/// Every candidate, if there are at most [`SMALL_SET`]: read from the capabilities of the
/// wanted services (the capacity need checked on the same row), so that a narrow need costs in
/// proportion to the firms offering those services, not to the whole directory.
fn few_candidates(conn: &mut DbConnection, need: &Need) -> Result<Option<Vec<CandidateRow>>, ApiError> {
    // The capability that offers a wanted service also carries the capacity need.
    let capacity = need.criteria.min_capacity.filter(|_| need.hard);
    let offering = |sql: &mut Sql| {
        sql.push("d.service_code IN ").bind_list(&need.services);
        if let Some(capacity) = capacity {
            sql.push(&format!(" AND d.{} >= ", capacity_column(capacity.unit)))
                .bind(Value::Int(capacity.amount));
        }
    };
    let mut sql = match conn.backend() {
        // SQLite takes a CROSS JOIN's left table as the outer loop: the capabilities drive,
        // and DISTINCT streams, so LIMIT stops the walk.
        Backend::Sqlite => {
            let mut sql = Sql::new(
                "SELECT DISTINCT o.id, o.slug, o.name, o.verified_at \
                 FROM capabilities d CROSS JOIN organizations o WHERE ",
            );
            offering(&mut sql);
            sql.push(" AND o.id = d.organization_id");
            sql
        }
        // PostgreSQL would hash a DISTINCT whole before LIMIT; a semi-join streams.
        Backend::Postgres => {
            let mut sql = Sql::new(
                "SELECT o.id, o.slug, o.name, o.verified_at FROM organizations o \
                 WHERE EXISTS (SELECT 1 FROM capabilities d WHERE d.organization_id = o.id AND ",
            );
            offering(&mut sql);
            sql.push(")");
            sql
        }
    };
    published_firm(&mut sql, "o.");
    if need.hard {
        hard_constraints(&mut sql, need, capacity.is_none());
    }
    sql.push(" LIMIT ").bind(Value::Int(SMALL_SET as i32 + 1));
    let rows: Vec<CandidateRow> = sql.load(conn)?;
    Ok((rows.len() <= SMALL_SET).then_some(rows))
}

/// Whether any organization was verified within the band (the last band, with the never
/// verified, always counts as populated).
fn populated(conn: &mut DbConnection, band: &VerificationBand) -> Result<bool, ApiError> {
    let Some(since) = band.since else {
        return Ok(true);
    };
    let mut sql =
        Sql::new("SELECT o.id, o.slug, o.name, o.verified_at FROM organizations o WHERE o.verified_at >= ");
    sql.bind(Value::Time(since.into()));
    if let Some(before) = band.before {
        sql.push(" AND o.verified_at < ").bind(Value::Time(before.into()));
    }
    sql.push(" LIMIT 1");
    let rows: Vec<CandidateRow> = sql.load(conn)?;
    Ok(!rows.is_empty())
}

/// `kind` and `status` conditions on `o`, with `column_prefix` before the column names.
fn published_firm(sql: &mut Sql, column_prefix: &str) {
    sql.push(&format!(" AND {column_prefix}kind = "))
        .bind(Value::Text(OrganizationKind::Firm.as_str().into()))
        .push(&format!(" AND {column_prefix}status = "))
        .bind(Value::Text(Status::Published.as_str().into()));
}

/// The next `size` organizations of a band in name order after `after`: the candidates among
/// them, and the key of the last one unless the band ends within the window. A window bounds
/// the rows a query scans, not the candidates it finds, so a need few firms meet cannot make
/// one query walk the whole directory.
fn window(
    conn: &mut DbConnection,
    need: &Need,
    band: &VerificationBand,
    after: Option<&Key>,
    size: usize,
) -> Result<(Vec<CandidateRow>, Option<Key>), ApiError> {
    let backend = conn.backend();
    // OFFSET here measures a window on the name index; it never pages an API list.
    let mut sql = Sql::new("SELECT o.id, o.slug, o.name, o.verified_at FROM organizations o WHERE 1 = 1");
    in_band(&mut sql, backend, band);
    edge(&mut sql, Edge::After, after);
    sql.push(" ORDER BY o.name, o.id LIMIT 1 OFFSET ")
        .bind(Value::Int(size as i32 - 1));
    let end = sql
        .load::<CandidateRow>(conn)?
        .pop()
        .map(|row| (row.name, row.id));
    // On SQLite a unary `+` keeps the barely selective kind and status columns out of index
    // choice, so that the name index drives.
    let prefix = match backend {
        Backend::Sqlite => "+o.",
        Backend::Postgres => "o.",
    };
    let mut sql = Sql::new("SELECT o.id, o.slug, o.name, o.verified_at FROM organizations o WHERE 1 = 1");
    published_firm(&mut sql, prefix);
    offers_wanted_service(&mut sql, need, |_| {});
    if need.hard {
        hard_constraints(&mut sql, need, true);
    }
    in_band(&mut sql, backend, band);
    edge(&mut sql, Edge::After, after);
    edge(&mut sql, Edge::UpTo, end.as_ref());
    sql.push(" ORDER BY o.name, o.id");
    Ok((sql.load(conn)?, end))
}

/// Restricts `o` to a verification band. The last band holds nearly everyone, so on SQLite its
/// `verified_at` stays out of index choice and the name index drives.
fn in_band(sql: &mut Sql, backend: Backend, band: &VerificationBand) {
    match (band.since, band.before) {
        (Some(since), before) => {
            sql.push(" AND o.verified_at >= ").bind(Value::Time(since.into()));
            if let Some(before) = before {
                sql.push(" AND o.verified_at < ").bind(Value::Time(before.into()));
            }
        }
        (None, Some(before)) => {
            let column = match backend {
                Backend::Sqlite => "+o.verified_at",
                Backend::Postgres => "o.verified_at",
            };
            sql.push(&format!(" AND (o.verified_at IS NULL OR {column} < "))
                .bind(Value::Time(before.into()))
                .push(")");
        }
        (None, None) => {}
    }
}

/// Which side of a key a window edge keeps.
#[derive(Clone, Copy)]
enum Edge {
    /// Strictly after the key.
    After,
    /// Up to the key, included.
    UpTo,
}

/// Keeps `o` on one side of `key`, when there is one. The row-value comparison is exact; the
/// redundant bound on the name alone lets PostgreSQL estimate the range from its histogram and
/// walk the name index instead of scanning the table.
fn edge(sql: &mut Sql, edge: Edge, key: Option<&Key>) {
    if let Some((name, id)) = key {
        let (row, scalar) = match edge {
            Edge::After => (">", ">="),
            Edge::UpTo => ("<=", "<="),
        };
        sql.push(&format!(" AND o.name {scalar} "))
            .bind(Value::Text(name.clone()))
            .push(&format!(" AND (o.name, o.id) {row} ("))
            .bind(Value::Text(name.clone()))
            .push(", ")
            .bind(Value::Text(id.clone()))
            .push(")");
    }
}

/// `EXISTS` a capability `c` of `o` on a wanted service, with the conditions `and` adds.
fn offers_wanted_service(sql: &mut Sql, need: &Need, and: impl FnOnce(&mut Sql)) {
    sql.push(
        " AND EXISTS (SELECT 1 FROM capabilities c WHERE c.organization_id = o.id AND c.service_code IN ",
    )
    .bind_list(&need.services);
    and(sql);
    sql.push(")");
}

/// The required certifications, the capacity unless `with_capacity` is off (the query checked
/// it already), and the required languages: cheapest probe first, since SQLite tries them in
/// the order written and the first to fail spares the others.
fn hard_constraints(sql: &mut Sql, need: &Need, with_capacity: bool) {
    for scheme in &need.criteria.required_certifications {
        let day = Value::Date(need.day);
        sql.push(
            " AND EXISTS (SELECT 1 FROM certifications x WHERE x.organization_id = o.id AND x.scheme = ",
        )
        .bind(Value::Text(scheme.clone()))
        .push(" AND (x.valid_from IS NULL OR x.valid_from <= ")
        .bind(day.clone())
        .push(") AND (x.valid_until IS NULL OR x.valid_until >= ")
        .bind(day)
        .push("))");
    }
    if let Some(capacity) = need.criteria.min_capacity.filter(|_| with_capacity) {
        offers_wanted_service(sql, need, |sql| {
            sql.push(&format!(" AND c.{} >= ", capacity_column(capacity.unit)))
                .bind(Value::Int(capacity.amount));
        });
    }
    for language in &need.criteria.required_languages {
        offers_wanted_service(sql, need, |sql| {
            sql.push(" AND EXISTS (SELECT 1 FROM capability_languages l WHERE l.capability_id = c.id AND l.language = ")
                .bind(Value::Text(language.clone()))
                .push(")");
        });
    }
}

fn capacity_column(unit: CapacityUnit) -> &'static str {
    match unit {
        CapacityUnit::Seats => "capacity_seats",
        CapacityUnit::Fte => "capacity_fte",
    }
}

/// A capability: id, organization, service, delivery modes, seats, FTE.
type OfferedRow = (String, String, String, String, Option<i32>, Option<i32>);

/// The records of a page of candidates that bear on the request, four queries whatever its size.
fn hydrate(
    conn: &mut DbConnection,
    need: &Need,
    rows: Vec<CandidateRow>,
) -> Result<Vec<Candidate>, ApiError> {
    let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
    let offered: Vec<OfferedRow> = capabilities::table
        .filter(capabilities::organization_id.eq_any(&ids))
        .filter(capabilities::service_code.eq_any(&need.services))
        .select((
            capabilities::id,
            capabilities::organization_id,
            capabilities::service_code,
            capabilities::delivery_modes,
            capabilities::capacity_seats,
            capabilities::capacity_fte,
        ))
        .load(conn)?;
    let capability_ids: Vec<&str> = offered.iter().map(|c| c.0.as_str()).collect();
    let mut languages: HashMap<String, Vec<String>> = HashMap::new();
    let spoken: Vec<(String, String)> = capability_languages::table
        .filter(capability_languages::capability_id.eq_any(&capability_ids))
        .select((
            capability_languages::capability_id,
            capability_languages::language,
        ))
        .load(conn)?;
    for (capability, language) in spoken {
        languages.entry(capability).or_default().push(language);
    }
    let mut services: HashMap<String, Vec<OfferedService>> = HashMap::new();
    for (id, organization, service_code, modes, seats, fte) in offered {
        let delivery_modes = modes.split(',').filter_map(|mode| mode.parse().ok()).collect();
        services.entry(organization).or_default().push(OfferedService {
            service_code,
            delivery_modes,
            languages: languages.remove(&id).unwrap_or_default(),
            seats,
            fte,
        });
    }
    let mut certificates = certificates_of(conn, need, &ids)?;
    let mut markets = markets_of(conn, need, &ids)?;
    Ok(rows
        .into_iter()
        .map(|row| Candidate {
            services: services.remove(&row.id).unwrap_or_default(),
            certificates: certificates.remove(&row.id).unwrap_or_default(),
            markets: markets.remove(&row.id).unwrap_or_default(),
            verified_on: row.verified_at.map(|at| at.date()),
            organization_id: row.id,
            slug: row.slug,
            name: row.name,
        })
        .collect())
}

/// The certificates of the schemes the request names, lapsed ones included (they explain an
/// exclusion).
fn certificates_of(
    conn: &mut DbConnection,
    need: &Need,
    ids: &[&str],
) -> Result<HashMap<String, Vec<Certificate>>, ApiError> {
    let c = &need.criteria;
    let schemes: Vec<&String> = c
        .required_certifications
        .iter()
        .chain(&c.preferred_certifications)
        .collect();
    let mut found: HashMap<String, Vec<Certificate>> = HashMap::new();
    if schemes.is_empty() {
        return Ok(found);
    }
    let rows: Vec<(String, String, Option<NaiveDate>, Option<NaiveDate>)> = certifications::table
        .filter(certifications::organization_id.eq_any(ids))
        .filter(certifications::scheme.eq_any(schemes))
        .select((
            certifications::organization_id,
            certifications::scheme,
            certifications::valid_from,
            certifications::valid_until,
        ))
        .load(conn)?;
    for (organization, scheme, valid_from, valid_until) in rows {
        found.entry(organization).or_default().push(Certificate {
            scheme,
            valid_from,
            valid_until,
        });
    }
    Ok(found)
}

/// The presences in the markets the request names.
fn markets_of(
    conn: &mut DbConnection,
    need: &Need,
    ids: &[&str],
) -> Result<HashMap<String, Vec<Presence>>, ApiError> {
    let mut found: HashMap<String, Vec<Presence>> = HashMap::new();
    if need.criteria.markets.is_empty() {
        return Ok(found);
    }
    let rows: Vec<(String, String, String)> = market_presences::table
        .filter(market_presences::organization_id.eq_any(ids))
        .filter(market_presences::country.eq_any(&need.criteria.markets))
        .select((
            market_presences::organization_id,
            market_presences::country,
            market_presences::kind,
        ))
        .load(conn)?;
    for (organization, country, kind) in rows {
        if let Ok(kind) = kind.parse() {
            found
                .entry(organization)
                .or_default()
                .push(Presence { country, kind });
        }
    }
    Ok(found)
}
