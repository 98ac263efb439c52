//! Likely duplicates: the pairs of organizations the directory suspects are one.

use actix_web::{HttpResponse, delete, get, post, web};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::auth::guard::{Auth, Curators};
use crate::db::dismissals::Dismissal;
use crate::db::duplicates::PairCursor;
use crate::db::{self, Pool, organizations};
use crate::domain::duplicates::SuspectedPair;
use crate::domain::validation::{Violations, text};
use crate::error::ApiError;
use crate::http::json::Json;
use crate::http::pagination::{Page, PageQuery, encode_cursor};

/// Lists the pairs of organizations (archived ones aside, and pairs a curator dismissed) that share a website domain, a phone,
/// a public email or a folded name, or whose names are alike, with the evidence; by the first
/// organization's id. A page looks at a bounded number of organizations, so it may hold fewer
/// pairs than `limit` while more follow: go on while `next_cursor` is not null. Curators and
/// admins.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "A page of suspected pairs", body = Page<SuspectedPair>),
        (status = 400, description = "Bad limit or cursor"),
    )
)]
#[get("/v1/duplicates")]
pub async fn list_duplicates(
    _auth: Auth<Curators>,
    query: web::Query<PageQuery>,
    pool: web::Data<Pool>,
) -> Result<HttpResponse, ApiError> {
    let page = query.validate()?;
    let after = page.after.as_deref().map(pair_cursor).transpose()?;
    let limit = page.limit as usize;
    let (items, next) = db::run(&pool, move |conn| db::duplicates::pairs(conn, after, limit)).await?;
    let next_cursor = next.map(|next| match next.second {
        Some(second) => encode_cursor(&format!("{}|{second}", next.first)),
        None => encode_cursor(&next.first),
    });
    Ok(HttpResponse::Ok().json(Page { items, next_cursor }))
}

/// The organizations a pair cursor holds: `first`, or `first|second`.
fn pair_cursor(key: &str) -> Result<PairCursor, ApiError> {
    let (first, second) = match key.split_once('|') {
        Some((first, second)) => (first, Some(second)),
        None => (key, None),
    };
    let id = crate::domain::checks::is_id_form;
    if !id(first) || second.is_some_and(|second| !id(second)) {
        return Err(ApiError::BadRequest("cursor is not one this API returned".into()));
    }
    Ok(PairCursor {
        first: first.to_owned(),
        second: second.map(str::to_owned),
    })
}

/// The body of a dismissal.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"first": "teranga-services", "second": "teranga-solutions", "reason": "Deux sociétés distinctes, NINEA différents."}))]
pub struct DismissalBody {
    /// One organization of the pair (id or slug).
    pub first: String,
    /// The other (id or slug).
    pub second: String,
    /// Why they are two: 1 to 5,000 characters.
    #[serde(default)]
    pub reason: Option<String>,
}

/// The ids of two distinct organizations named by id or slug: 404 for one not there.
async fn pair(pool: &Pool, first: String, second: String) -> Result<(String, String), ApiError> {
    let (a, b) = db::run(pool, move |conn| {
        let a = organizations::find(conn, &first)?.ok_or(ApiError::NotFound)?;
        let b = organizations::find(conn, &second)?.ok_or(ApiError::NotFound)?;
        Ok((a.id, b.id))
    })
    .await?;
    if a == b {
        return Err(ApiError::invalid("second", "must be another organization"));
    }
    Ok((a, b))
}

/// Records that two organizations are not duplicates: `GET /v1/duplicates` no longer lists the
/// pair, whatever they share. Dismissing a pair again keeps the first judgment (200). Curators
/// and admins.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = [])),
    request_body = DismissalBody,
    responses(
        (status = 201, description = "Dismissed", body = Dismissal),
        (status = 200, description = "Dismissed already", body = Dismissal),
        (status = 400, description = "Malformed JSON"),
        (status = 404, description = "No such organization"),
        (status = 415, description = "The body is not JSON"),
        (status = 422, description = "The same organization twice, or an invalid reason"),
    )
)]
#[post("/v1/duplicates/dismissals")]
pub async fn dismiss_pair(
    auth: Auth<Curators>,
    pool: web::Data<Pool>,
    body: Json<DismissalBody>,
) -> Result<HttpResponse, ApiError> {
    let DismissalBody {
        first,
        second,
        reason,
    } = body.into_inner()?;
    if let Some(reason) = &reason {
        let mut violations = Violations::default();
        let flat: String = reason
            .chars()
            .map(|c| if c.is_whitespace() { ' ' } else { c })
            .collect();
        violations.check("reason", text(&flat, 1, 5000));
        violations.finish()?;
    }
    let (a, b) = pair(&pool, first, second).await?;
    let caller = auth.caller.clone();
    let (dismissal, new) = db::transaction(&pool, move |conn| {
        db::dismissals::dismiss(conn, &a, &b, reason.as_deref(), &caller)
    })
    .await?;
    Ok(match new {
        true => HttpResponse::Created().json(dismissal),
        false => HttpResponse::Ok().json(dismissal),
    })
}

/// Lifts a dismissal: the pair is listed again while its organizations look alike. Curators
/// and admins.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = [])),
    params(
        ("first" = String, Path, description = "One organization (id or slug)"),
        ("second" = String, Path, description = "The other"),
    ),
    responses(
        (status = 204, description = "Lifted"),
        (status = 404, description = "No such organization, or the pair was not dismissed"),
        (status = 422, description = "The same organization twice"),
    )
)]
#[delete("/v1/duplicates/dismissals/{first}/{second}")]
pub async fn lift_dismissal(
    _auth: Auth<Curators>,
    pool: web::Data<Pool>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (first, second) = path.into_inner();
    let (a, b) = pair(&pool, first, second).await?;
    match db::transaction(&pool, move |conn| db::dismissals::lift(conn, &a, &b)).await? {
        true => Ok(HttpResponse::NoContent().finish()),
        false => Err(ApiError::NotFound),
    }
}
