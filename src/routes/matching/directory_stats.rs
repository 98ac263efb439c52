//! The directory's growth as the agency reports it: firms published, verified and updated per
//! period, and where published firms are now, by service category and region.

use actix_web::{HttpResponse, get, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::series_csv::{self, Range};
use crate::auth::guard::{Auth, Matchmakers};
use crate::db::{self, Pool, directory_stats};
use crate::domain::stats::{Coverage, DirectoryPeriod, Interval, SeriesFormat};
use crate::error::ApiError;

/// The series asked for.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DirectoryPeriodQuery {
    /// First day (default: a year before `to`).
    #[param(example = "2026-01-01")]
    pub from: Option<NaiveDate>,
    /// Last day (default: today).
    #[param(example = "2026-12-31")]
    pub to: Option<NaiveDate>,
    /// month (default), quarter or year; at most 600 periods.
    pub interval: Option<Interval>,
    /// json (default) or csv: the series, one line per period.
    pub format: Option<SeriesFormat>,
}

/// Published firms now, by service category and by region.
#[derive(Debug, Serialize, ToSchema)]
pub struct DirectoryCoverage {
    /// Per top-level service category (a firm counts once in each it offers), most first.
    pub by_service_category: Vec<Coverage>,
    /// Per region as recorded (empty for none), most first.
    pub by_region: Vec<Coverage>,
}

/// The directory's firms over time.
#[derive(Debug, Serialize, ToSchema)]
pub struct DirectoryStats {
    /// The series' interval.
    pub interval: Interval,
    /// One entry per calendar period, oldest first.
    pub series: Vec<DirectoryPeriod>,
    /// Where published firms are now.
    pub coverage: DirectoryCoverage,
}

/// Firms (organizations of kind `firm`) per period: published (from the audit trail; a firm
/// published twice in a period counts once), verified (by their latest verification) and
/// updated (any change to them or their records, their creation aside); and the published
/// firms now per service category and region. `format=csv` gives the series as CSV. Agency
/// and admins.
#[utoipa::path(
    tag = "matching",
    security(("bearer" = [])),
    params(DirectoryPeriodQuery),
    responses(
        (status = 200, description = "The series", content(
            (DirectoryStats = "application/json"),
            (String = "text/csv"),
        )),
        (status = 400, description = "A malformed date or interval, `to` before `from`, or more than 600 periods"),
    )
)]
#[get("/v1/stats/directory")]
pub async fn get_directory_stats(
    _auth: Auth<Matchmakers>,
    pool: web::Data<Pool>,
    query: web::Query<DirectoryPeriodQuery>,
) -> Result<HttpResponse, ApiError> {
    let DirectoryPeriodQuery {
        from,
        to,
        interval,
        format,
    } = query.into_inner();
    let interval = interval.unwrap_or(Interval::Month);
    let range = Range::checked(from, to)?;
    let year_before = to
        .unwrap_or_else(|| chrono::Utc::now().date_naive())
        .checked_sub_months(chrono::Months::new(12))
        .and_then(|d| d.succ_opt());
    let periods = range.periods(from.or(year_before), interval)?;
    let csv = format == Some(SeriesFormat::Csv);
    let (series, coverage) = db::run(&pool, move |conn| {
        let series = directory_stats::series(conn, &periods)?;
        let coverage = match csv {
            true => None,
            false => Some(DirectoryCoverage {
                by_service_category: directory_stats::by_category(conn)?,
                by_region: directory_stats::by_region(conn)?,
            }),
        };
        Ok((series, coverage))
    })
    .await?;
    match coverage {
        None => {
            let body = series_csv::directory(&series).map_err(ApiError::internal)?;
            Ok(series_csv::respond(body, "directory"))
        }
        Some(coverage) => Ok(HttpResponse::Ok().json(DirectoryStats {
            interval,
            series,
            coverage,
        })),
    }
}
