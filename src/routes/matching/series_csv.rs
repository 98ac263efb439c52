//! What the statistics routes share: the asked range of days, and their series as CSV, one
//! line per period, nested counts spelled out as `group.key` columns.

use std::collections::BTreeSet;

use actix_web::HttpResponse;
use actix_web::http::header;
use chrono::{Days, NaiveDate, NaiveDateTime, NaiveTime};

use crate::domain::stats::{DirectoryPeriod, Interval, MAX_PERIODS, MatchingPeriod, Period, periods};
use crate::error::ApiError;

/// The days asked for, both included; either end may be open.
pub struct Range {
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
}

impl Range {
    /// A 400 when `to` is before `from`.
    pub fn checked(from: Option<NaiveDate>, to: Option<NaiveDate>) -> Result<Self, ApiError> {
        if let (Some(from), Some(to)) = (from, to)
            && to < from
        {
            return Err(ApiError::BadRequest("`to` must not be before `from`".into()));
        }
        Ok(Range { from, to })
    }

    /// The instants from (inclusive) and until (exclusive); open ends become instants both
    /// databases store and compare like any other.
    pub fn bounds(&self) -> (NaiveDateTime, NaiveDateTime) {
        let earliest = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default();
        let latest = NaiveDate::from_ymd_opt(9999, 12, 31).unwrap_or_default();
        let start = self.from.unwrap_or(earliest).and_time(NaiveTime::MIN);
        let end = self
            .to
            .and_then(|to| to.checked_add_days(Days::new(1)))
            .unwrap_or(latest)
            .and_time(NaiveTime::MIN);
        (start, end)
    }

    /// The periods of a series: from `from` (or `first_day`, or today) to `to` (or today).
    pub fn periods(&self, first_day: Option<NaiveDate>, interval: Interval) -> Result<Vec<Period>, ApiError> {
        let today = chrono::Utc::now().date_naive();
        let to = self.to.unwrap_or(today);
        let from = self.from.or(first_day).unwrap_or(today).min(to);
        periods(from, to, interval)
            .ok_or_else(|| ApiError::BadRequest(format!("a series holds at most {MAX_PERIODS} periods")))
    }
}

/// A CSV attachment.
pub fn respond(body: Vec<u8>, name: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}-series.csv\""),
        ))
        .body(body)
}

fn write(header: Vec<String>, rows: Vec<Vec<String>>) -> Result<Vec<u8>, csv::Error> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(&header)?;
    for row in rows {
        out.write_record(&row)?;
    }
    out.into_inner().map_err(|e| e.into_error().into())
}

fn optional(value: Option<f64>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

/// The matching series: fixed columns, then one per service category, buyer country and
/// currency seen in any period.
pub fn matching(series: &[MatchingPeriod]) -> Result<Vec<u8>, csv::Error> {
    let Some(first) = series.first() else {
        return write(vec!["period_start".into()], Vec::new());
    };
    let keys = |pick: &dyn Fn(&MatchingPeriod) -> Vec<String>| -> Vec<String> {
        series
            .iter()
            .flat_map(pick)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect()
    };
    let categories = keys(&|p| p.won_by_service_category.keys().cloned().collect());
    let countries = keys(&|p| p.won_by_buyer_country.keys().cloned().collect());
    let currencies = keys(&|p| p.contract_value.iter().map(|c| c.currency.clone()).collect());
    let mut header = vec!["period_start".to_owned(), "requests_opened.total".into()];
    header.extend(
        first
            .requests_opened
            .by_status
            .keys()
            .map(|s| format!("requests_opened.{s}")),
    );
    header.push("requests_closed.total".into());
    header.extend(
        first
            .requests_closed
            .by_status
            .keys()
            .map(|s| format!("requests_closed.{s}")),
    );
    header.push("matches.total".into());
    header.extend(first.matches.by_status.keys().map(|s| format!("matches.{s}")));
    header.extend(
        [
            "introductions",
            "firms_introduced",
            "median_days_to_first_introduction",
            "median_days_to_won",
        ]
        .map(String::from),
    );
    header.extend(categories.iter().map(|c| format!("won_by_service_category.{c}")));
    header.extend(countries.iter().map(|c| format!("won_by_buyer_country.{c}")));
    for currency in &currencies {
        header.extend([
            format!("contract_value.{currency}"),
            format!("contracts.{currency}"),
        ]);
    }
    let rows = series
        .iter()
        .map(|p| {
            let mut row = vec![p.period_start.to_string(), p.requests_opened.total.to_string()];
            row.extend(p.requests_opened.by_status.values().map(i64::to_string));
            row.push(p.requests_closed.total.to_string());
            row.extend(p.requests_closed.by_status.values().map(i64::to_string));
            row.push(p.matches.total.to_string());
            row.extend(p.matches.by_status.values().map(i64::to_string));
            row.extend([
                p.introductions.to_string(),
                p.firms_introduced.to_string(),
                optional(p.median_days_to_first_introduction),
                optional(p.median_days_to_won),
            ]);
            row.extend(
                categories
                    .iter()
                    .map(|c| p.won_by_service_category.get(c).copied().unwrap_or(0).to_string()),
            );
            row.extend(
                countries
                    .iter()
                    .map(|c| p.won_by_buyer_country.get(c).copied().unwrap_or(0).to_string()),
            );
            for currency in &currencies {
                let total = p.contract_value.iter().find(|t| &t.currency == currency);
                row.push(total.map_or(0, |t| t.estimated_value).to_string());
                row.push(total.map_or(0, |t| t.contracts).to_string());
            }
            row
        })
        .collect();
    write(header, rows)
}

/// The directory series.
pub fn directory(series: &[DirectoryPeriod]) -> Result<Vec<u8>, csv::Error> {
    let header = ["period_start", "published", "verified", "updated"]
        .map(String::from)
        .to_vec();
    let rows = series
        .iter()
        .map(|p| {
            vec![
                p.period_start.to_string(),
                p.published.to_string(),
                p.verified.to_string(),
                p.updated.to_string(),
            ]
        })
        .collect();
    write(header, rows)
}
