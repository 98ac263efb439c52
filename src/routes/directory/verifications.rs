//! What curators must verify again.

use actix_web::{HttpResponse, get, web};
use chrono::{Days, NaiveDate};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::guard::{Auth, Staff};
use crate::db::{self, Pool};
use crate::domain::verification::DueVerification;
use crate::error::ApiError;
use crate::http::pagination::{Page, PageQuery, PageRequest, decode_cursor};

/// The window of a list of due verifications, with its page.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DueQuery {
    /// Also list verifications whose last day in force is within this many days, 0 to 365
    /// (default 30; 0: lapsed ones only, and those lapsing today).
    #[param(minimum = 0, maximum = 365, example = 30)]
    pub within_days: Option<u32>,
    /// Items per page, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100, example = 20)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page; omit for the first page.
    pub cursor: Option<String>,
}

/// Lists the verifications that are due, soonest first: lapsed ones (by date, or early because
/// the name, registry identifiers or a capacity changed) and those whose last day in force is
/// within `within_days`. Organizations never verified are not listed; archived ones neither.
/// Curators, agency and admins.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = [])),
    params(DueQuery),
    responses(
        (status = 200, description = "A page of due verifications", body = Page<DueVerification>),
        (status = 400, description = "Bad window, limit or cursor"),
    )
)]
#[get("/v1/verifications/due")]
pub async fn due_verifications(
    _auth: Auth<Staff>,
    query: web::Query<DueQuery>,
    pool: web::Data<Pool>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let within = query.within_days.unwrap_or(30);
    if within > 365 {
        return Err(ApiError::BadRequest(
            "within_days must be between 0 and 365".into(),
        ));
    }
    let page: PageRequest = PageQuery {
        limit: query.limit,
        cursor: None,
    }
    .validate()?;
    let after = query.cursor.as_deref().map(due_key).transpose()?;
    let today = db::now().date();
    let by = today
        .checked_add_days(Days::new(u64::from(within)))
        .unwrap_or(today);
    let fetch = page.fetch();
    let rows = db::run(&pool, move |conn| {
        db::verifications::due(conn, by, today, after, fetch)
    })
    .await?;
    let key = |due: &DueVerification| format!("{}|{}", due.valid_until, due.organization.id);
    Ok(HttpResponse::Ok().json(page.page(rows, key, |due| due)))
}

/// The last day and organization id a cursor holds.
fn due_key(cursor: &str) -> Result<(NaiveDate, String), ApiError> {
    let invalid = || ApiError::BadRequest("cursor is not one this API returned".into());
    let key = decode_cursor(cursor)?;
    let (day, id) = key.split_once('|').ok_or_else(invalid)?;
    let day = day.parse().map_err(|_| invalid())?;
    if !crate::domain::checks::is_id_form(id) {
        return Err(invalid());
    }
    Ok((day, id.to_owned()))
}
