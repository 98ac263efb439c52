//! Likely duplicates: the pairs of organizations the directory suspects are one.

use actix_web::{HttpResponse, get, web};

use crate::auth::guard::{Auth, Curators};
use crate::db::duplicates::PairCursor;
use crate::db::{self, Pool};
use crate::domain::duplicates::SuspectedPair;
use crate::error::ApiError;
use crate::http::pagination::{Page, PageQuery, encode_cursor};

/// Lists the pairs of organizations (archived ones aside) that share a website domain, a phone,
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
