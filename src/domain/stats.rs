//! Series over time: calendar periods, and the agency's results counted per period from the
//! dated facts of its requests and matches.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Datelike, Months, NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::reference::Reference;
use super::vocab::{MatchStatus, RequestStatus};

/// Most periods in one series.
pub const MAX_PERIODS: usize = 600;

/// The forms of a statistics answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum SeriesFormat {
    /// JSON (the default).
    Json,
    /// The series as CSV.
    Csv,
}

/// The length of a series' periods: calendar months, quarters or years.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Interval {
    /// Calendar months.
    Month,
    /// Calendar quarters, from January, April, July and October.
    Quarter,
    /// Calendar years.
    Year,
}

impl Interval {
    fn months(self) -> u32 {
        match self {
            Interval::Month => 1,
            Interval::Quarter => 3,
            Interval::Year => 12,
        }
    }

    /// The first day of the period holding `day`.
    pub fn start_of(self, day: NaiveDate) -> NaiveDate {
        let month0 = day.month0() - day.month0() % self.months();
        NaiveDate::from_ymd_opt(day.year(), month0 + 1, 1).unwrap_or(day)
    }
}

/// One period of a series: it is named by its calendar start and counts what happened from
/// `from` (inclusive) to `until` (exclusive), the asked range cut to the period.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Period {
    pub start: NaiveDate,
    pub from: NaiveDateTime,
    pub until: NaiveDateTime,
}

impl Period {
    fn holds(&self, at: NaiveDateTime) -> bool {
        self.from <= at && at < self.until
    }
}

/// The periods from `first` to `last` (both days included); `None` when more than
/// [`MAX_PERIODS`].
pub fn periods(first: NaiveDate, last: NaiveDate, interval: Interval) -> Option<Vec<Period>> {
    let end = last.succ_opt()?.and_time(NaiveTime::MIN);
    let mut start = interval.start_of(first);
    let mut out = Vec::new();
    while start.and_time(NaiveTime::MIN) < end {
        let next = start.checked_add_months(Months::new(interval.months()))?;
        out.push(Period {
            start,
            from: start.max(first).and_time(NaiveTime::MIN),
            until: next.and_time(NaiveTime::MIN).min(end),
        });
        if out.len() > MAX_PERIODS {
            return None;
        }
        start = next;
    }
    Some(out)
}

/// The median of `values`, `None` for none; the mean of the middle two for an even count.
pub fn median(mut values: Vec<f64>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    let value = if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    };
    Some((value * 100.0).round() / 100.0)
}

fn days_between(from: NaiveDateTime, to: NaiveDateTime) -> f64 {
    (to - from).num_seconds() as f64 / 86_400.0
}

/// A request as the series read it.
#[derive(Debug, Clone)]
pub struct RequestFact {
    pub id: String,
    pub status: RequestStatus,
    pub buyer_country: String,
    pub services: Vec<String>,
    pub created_at: NaiveDateTime,
    pub closed_at: Option<NaiveDateTime>,
}

/// A saved match as the series read it.
#[derive(Debug, Clone)]
pub struct MatchFact {
    pub request_id: String,
    pub organization_id: String,
    pub status: MatchStatus,
    pub status_changed_at: NaiveDateTime,
    pub introduced_at: Option<NaiveDateTime>,
    /// Estimated value, currency, months, for a won match that recorded them.
    pub contract: Option<(i64, String, Option<i32>)>,
}

/// Counts by status, every status listed (zeros included).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Tally {
    /// The sum.
    pub total: i64,
    /// Per status.
    pub by_status: BTreeMap<String, i64>,
}

impl Tally {
    /// Zeros for `statuses`, then one for each of `seen`.
    pub fn new<'a>(statuses: impl Iterator<Item = &'a str>, seen: impl Iterator<Item = &'a str>) -> Self {
        Self::from_counts(statuses, seen.map(|s| (s.to_owned(), 1)))
    }

    /// Zeros for `statuses`, then each count added to its status.
    pub fn from_counts<'a>(
        statuses: impl Iterator<Item = &'a str>,
        counts: impl Iterator<Item = (String, i64)>,
    ) -> Self {
        let mut by_status: BTreeMap<String, i64> = statuses.map(|s| (s.to_owned(), 0)).collect();
        for (status, count) in counts {
            *by_status.entry(status).or_default() += count;
        }
        Tally {
            total: by_status.values().sum(),
            by_status,
        }
    }
}

/// Won contracts' estimated values in one currency: never added across currencies.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct CurrencyTotal {
    /// ISO 4217 code.
    pub currency: String,
    /// The sum of estimated values, in whole units.
    pub estimated_value: i64,
    /// How many won contracts.
    pub contracts: i64,
    /// The sum of the months they cover, over those that said.
    pub months: i64,
}

/// Estimated values per currency, currencies in code order.
pub fn contract_totals<'a>(won: impl Iterator<Item = &'a MatchFact>) -> Vec<CurrencyTotal> {
    let mut totals: BTreeMap<&str, CurrencyTotal> = BTreeMap::new();
    for (value, currency, months) in won.filter_map(|m| m.contract.as_ref()) {
        let total = totals.entry(currency).or_insert_with(|| CurrencyTotal {
            currency: currency.clone(),
            estimated_value: 0,
            contracts: 0,
            months: 0,
        });
        total.estimated_value = total.estimated_value.saturating_add(*value);
        total.contracts += 1;
        total.months += i64::from(months.unwrap_or(0));
    }
    totals.into_values().collect()
}

/// What the agency's desk produced in one period.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct MatchingPeriod {
    /// The first day of the calendar period.
    pub period_start: NaiveDate,
    /// Requests recorded in the period, by their status now.
    pub requests_opened: Tally,
    /// Requests that reached a final status in the period, by that status.
    pub requests_closed: Tally,
    /// Matches that reached their current status in the period, by status.
    pub matches: Tally,
    /// Matches introduced to their buyer for the first time in the period.
    pub introductions: i64,
    /// Distinct firms among those introductions.
    pub firms_introduced: i64,
    /// Over requests whose first introduction fell in the period: the median days from the
    /// request's recording to it.
    pub median_days_to_first_introduction: Option<f64>,
    /// Over requests won in the period: the median days from recording to `closed_won`.
    pub median_days_to_won: Option<f64>,
    /// Requests won in the period per category of their wanted services (a request counts
    /// once per category).
    pub won_by_service_category: BTreeMap<String, i64>,
    /// Requests won in the period per buyer country.
    pub won_by_buyer_country: BTreeMap<String, i64>,
    /// Estimated values of the matches won in the period, per currency.
    pub contract_value: Vec<CurrencyTotal>,
}

fn category(reference: &Reference, code: &str) -> String {
    let mut current = code;
    while let Some(parent) = reference.term(current).and_then(|t| t.parent_code.as_deref()) {
        current = parent;
    }
    current.to_owned()
}

/// One entry per period, counted from the facts.
pub fn matching_series(
    requests: &[RequestFact],
    matches: &[MatchFact],
    periods: &[Period],
    reference: &Reference,
) -> Vec<MatchingPeriod> {
    let request_statuses = || RequestStatus::ALL.iter().map(|s| s.as_str());
    let final_statuses = || ["closed_won", "closed_lost", "cancelled"].into_iter();
    let match_statuses = || MatchStatus::ALL.iter().map(|s| s.as_str());
    let by_id: HashMap<&str, &RequestFact> = requests.iter().map(|r| (r.id.as_str(), r)).collect();
    let mut first_introduction: HashMap<&str, NaiveDateTime> = HashMap::new();
    for m in matches {
        if let Some(at) = m.introduced_at {
            let first = first_introduction.entry(m.request_id.as_str()).or_insert(at);
            *first = (*first).min(at);
        }
    }
    periods
        .iter()
        .map(|p| {
            let opened = requests.iter().filter(|r| p.holds(r.created_at));
            let closed: Vec<&RequestFact> = requests
                .iter()
                .filter(|r| r.closed_at.is_some_and(|at| p.holds(at)))
                .filter(|r| !matches!(r.status, RequestStatus::Open | RequestStatus::Shortlisting))
                .collect();
            let won: Vec<&&RequestFact> = closed
                .iter()
                .filter(|r| r.status == RequestStatus::ClosedWon)
                .collect();
            let introduced: Vec<&MatchFact> = matches
                .iter()
                .filter(|m| m.introduced_at.is_some_and(|at| p.holds(at)))
                .collect();
            let mut by_category = BTreeMap::new();
            let mut by_country = BTreeMap::new();
            for r in &won {
                let categories: BTreeSet<String> =
                    r.services.iter().map(|s| category(reference, s)).collect();
                for c in categories {
                    *by_category.entry(c).or_default() += 1;
                }
                *by_country.entry(r.buyer_country.clone()).or_default() += 1;
            }
            MatchingPeriod {
                period_start: p.start,
                requests_opened: Tally::new(request_statuses(), opened.map(|r| r.status.as_str())),
                requests_closed: Tally::new(final_statuses(), closed.iter().map(|r| r.status.as_str())),
                matches: Tally::new(
                    match_statuses(),
                    matches
                        .iter()
                        .filter(|m| p.holds(m.status_changed_at))
                        .map(|m| m.status.as_str()),
                ),
                introductions: introduced.len() as i64,
                firms_introduced: introduced
                    .iter()
                    .map(|m| &m.organization_id)
                    .collect::<BTreeSet<_>>()
                    .len() as i64,
                median_days_to_first_introduction: median(
                    first_introduction
                        .iter()
                        .filter(|(_, at)| p.holds(**at))
                        .filter_map(|(id, at)| by_id.get(id).map(|r| days_between(r.created_at, *at)))
                        .collect(),
                ),
                median_days_to_won: median(
                    won.iter()
                        .filter_map(|r| r.closed_at.map(|at| days_between(r.created_at, at)))
                        .collect(),
                ),
                won_by_service_category: by_category,
                won_by_buyer_country: by_country,
                contract_value: contract_totals(
                    matches
                        .iter()
                        .filter(|m| m.status == MatchStatus::Won && p.holds(m.status_changed_at)),
                ),
            }
        })
        .collect()
}

/// The directory's firms in one period.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct DirectoryPeriod {
    /// The first day of the calendar period.
    pub period_start: NaiveDate,
    /// Firms published in the period (a firm published twice counts once).
    pub published: i64,
    /// Firms whose latest verification falls in the period.
    pub verified: i64,
    /// Firms changed in the period (themselves or their records), their creation aside.
    pub updated: i64,
}

/// Published firms of one service category or region, now.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Coverage {
    /// The category's taxonomy code, or the region as recorded (empty when none is).
    pub key: String,
    /// Published firms.
    pub firms: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn periods_are_calendar_aligned_and_cut_to_the_range() {
        let quarters = periods(day("2026-02-15"), day("2026-07-03"), Interval::Quarter).unwrap();
        let starts: Vec<String> = quarters.iter().map(|p| p.start.to_string()).collect();
        assert_eq!(starts, ["2026-01-01", "2026-04-01", "2026-07-01"]);
        assert_eq!(quarters[0].from, day("2026-02-15").and_time(NaiveTime::MIN));
        assert_eq!(quarters[2].until, day("2026-07-04").and_time(NaiveTime::MIN));
        assert_eq!(
            periods(day("2026-12-31"), day("2026-12-31"), Interval::Year)
                .unwrap()
                .len(),
            1
        );
        assert!(periods(day("1900-01-01"), day("2100-01-01"), Interval::Month).is_none());
    }

    #[test]
    fn medians_of_odd_and_even_counts() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(vec![4.0, 1.0, 2.0, 3.0]), Some(2.5));
    }
}
