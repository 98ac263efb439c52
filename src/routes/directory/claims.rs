//! Claims to represent an organization: a person claims, a curator approves or denies.

use std::collections::HashMap;

use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::organizations::visible_to;
use crate::auth::Caller;
use crate::auth::guard::{Auth, Curators, Insiders, Representatives};
use crate::db::claims::ClaimRow;
use crate::db::{self, DbConnection, Pool, organizations};
use crate::domain::claim::{Claim, ClaimRequest, ClaimStatus};
use crate::domain::organization::Organization;
use crate::domain::review::{QueueItem, QueuedClaim, QueuedOrganization, ReviewComment};
use crate::domain::role::Role;
use crate::domain::vocab::Status;
use crate::error::ApiError;
use crate::http::json::{Json, OptionalJson};
use crate::http::pagination::{Page, PageQuery};

/// Up to `limit` pending claims as items of the review queue, oldest first, after `after`.
pub(super) fn queued(
    conn: &mut DbConnection,
    after: Option<&db::reviews::QueueKey>,
    limit: i64,
) -> Result<Vec<QueueItem>, ApiError> {
    let rows = db::claims::list(conn, ClaimStatus::Pending, after, limit)?;
    let ids: Vec<&str> = rows.iter().map(|row| row.organization_id.as_str()).collect();
    let orgs: HashMap<String, Organization> = organizations::find_many(conn, &ids)?
        .into_iter()
        .map(|org| (org.id.clone(), org))
        .collect();
    Ok(db::claims::represent(conn, rows)?
        .into_iter()
        .filter_map(|claim| {
            let org = orgs.get(&claim.organization_id)?;
            Some(QueueItem {
                reason: "claim".into(),
                proposal: None,
                claim: Some(QueuedClaim {
                    id: claim.id,
                    evidence: claim.evidence,
                }),
                organization: QueuedOrganization::of(org),
                submitted_by: claim.claimant,
                submitted_at: claim.created_at,
                version: org.version,
                published_version: (org.status == Status::Published).then_some(org.version),
                changes: Vec::new(),
            })
        })
        .collect())
}

async fn one(pool: &Pool, id: String) -> Result<Claim, ApiError> {
    let claims = db::run(pool, move |conn| {
        let row = db::claims::find(conn, &id)?.ok_or(ApiError::NotFound)?;
        db::claims::represent(conn, vec![row])
    })
    .await?;
    claims.into_iter().next().ok_or(ApiError::NotFound)
}

/// Claims to represent an organization, on the evidence given. For a person whose
/// representative's account is bound to no organization yet (an account bound to one cannot
/// claim another); the organization is one partners see. A curator decides; approval binds
/// the account. Representatives only.
#[utoipa::path(
    tag = "claims",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Id or slug")),
    request_body = ClaimRequest,
    responses(
        (status = 201, description = "Claimed; it waits in the review queue", body = Claim, headers(("Location" = String))),
        (status = 400, description = "Malformed JSON"),
        (status = 404, description = "No such organization"),
        (status = 409, description = "Your account represents an organization already, or this claim is pending already"),
        (status = 415, description = "The body is not JSON"),
        (status = 422, description = "Invalid evidence"),
    )
)]
#[post("/v1/organizations/{id}/claims")]
pub async fn create_claim(
    auth: Auth<Representatives>,
    pool: web::Data<Pool>,
    id: web::Path<String>,
    body: Json<ClaimRequest>,
) -> Result<HttpResponse, ApiError> {
    let evidence = body.into_inner()?.checked()?;
    let (org, _) = visible_to(&pool, id.into_inner(), &auth.caller).await?;
    if auth.caller.organization_id.is_some() {
        return Err(ApiError::Conflict(
            "Your account represents an organization already.".into(),
        ));
    }
    let caller = auth.caller.clone();
    let id = db::transaction(&pool, move |conn| {
        db::claims::insert(conn, &org.id, &evidence, &caller)
    })
    .await?;
    let claim = one(&pool, id).await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/v1/claims/{}", claim.id)))
        .json(claim))
}

/// Which claims a list shows.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ClaimsQuery {
    /// `pending` (the default), `approved`, `denied` or `withdrawn`.
    pub status: Option<ClaimStatus>,
    /// Items per page, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100, example = 20)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Claims, oldest first, with the claimants and their evidence. Curators and admins.
#[utoipa::path(
    tag = "claims",
    security(("bearer" = [])),
    params(ClaimsQuery),
    responses(
        (status = 200, description = "A page of claims", body = Page<Claim>),
        (status = 400, description = "Bad status, limit or cursor"),
    )
)]
#[get("/v1/claims")]
pub async fn list_claims(
    _auth: Auth<Curators>,
    pool: web::Data<Pool>,
    query: web::Query<ClaimsQuery>,
) -> Result<HttpResponse, ApiError> {
    let ClaimsQuery {
        status,
        limit,
        cursor,
    } = query.into_inner();
    let page = PageQuery { limit, cursor }.validate()?;
    let after = page.after.as_deref().map(super::reviews::queue_key).transpose()?;
    let (status, fetch) = (status.unwrap_or(ClaimStatus::Pending), page.fetch());
    let claims = db::run(&pool, move |conn| {
        let rows = db::claims::list(conn, status, after.as_ref(), fetch)?;
        db::claims::represent(conn, rows)
    })
    .await?;
    let key = |claim: &Claim| format!("{}|{}", claim.created_at.timestamp_micros(), claim.id);
    Ok(HttpResponse::Ok().json(page.page(claims, key, |claim| claim)))
}

/// The pending claim `id`: a 409 when it was decided.
async fn pending(pool: &Pool, id: String, caller: &Caller) -> Result<ClaimRow, ApiError> {
    let row = claim_for(pool, id, caller).await?;
    match row.status()? {
        ClaimStatus::Pending => Ok(row),
        _ => Err(ApiError::Conflict("The claim was decided already.".into())),
    }
}

/// The claim `id`, for curators and its claimant only.
async fn claim_for(pool: &Pool, id: String, caller: &Caller) -> Result<ClaimRow, ApiError> {
    let row = db::run(pool, move |conn| db::claims::find(conn, &id)).await?;
    row.filter(|row| matches!(caller.role, Role::Admin | Role::Curator) || row.user_id == caller.id)
        .ok_or(ApiError::NotFound)
}

/// One claim. Curators, admins and the claimant.
#[utoipa::path(
    tag = "claims",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The claim's id")),
    responses(
        (status = 200, description = "The claim", body = Claim),
        (status = 404, description = "No such claim (or not yours)"),
    )
)]
#[get("/v1/claims/{id}")]
pub async fn get_claim(
    auth: Auth<Insiders>,
    pool: web::Data<Pool>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let row = claim_for(&pool, id.into_inner(), &auth.caller).await?;
    Ok(HttpResponse::Ok().json(one(&pool, row.id).await?))
}

/// Approves a pending claim: the claimant's account represents the organization from its next
/// request, and its other pending claims close. An optional `comment`. Curators and admins.
#[utoipa::path(
    tag = "claims",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The claim's id")),
    request_body(content = Option<ReviewComment>, description = "An optional comment"),
    responses(
        (status = 200, description = "Approved", body = Claim),
        (status = 400, description = "Malformed JSON"),
        (status = 404, description = "No such claim"),
        (status = 409, description = "Decided already, or the account represents an organization already or is inactive"),
        (status = 415, description = "The body is not JSON"),
        (status = 422, description = "Invalid comment"),
    )
)]
#[post("/v1/claims/{id}/approve")]
pub async fn approve_claim(
    auth: Auth<Curators>,
    pool: web::Data<Pool>,
    id: web::Path<String>,
    body: OptionalJson<ReviewComment>,
) -> Result<HttpResponse, ApiError> {
    let comment = body.into_inner()?.checked(false)?;
    let row = pending(&pool, id.into_inner(), &auth.caller).await?;
    let (caller, id) = (auth.caller.clone(), row.id.clone());
    db::transaction(&pool, move |conn| {
        db::claims::approve(conn, &row, comment.as_deref(), &caller)
    })
    .await?;
    Ok(HttpResponse::Ok().json(one(&pool, id).await?))
}

/// Denies a pending claim, saying why: the `comment` is required and goes to the claimant.
/// Curators and admins.
#[utoipa::path(
    tag = "claims",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The claim's id")),
    request_body = ReviewComment,
    responses(
        (status = 200, description = "Denied", body = Claim),
        (status = 400, description = "Malformed JSON"),
        (status = 404, description = "No such claim"),
        (status = 409, description = "Decided already"),
        (status = 415, description = "The body is not JSON"),
        (status = 422, description = "The comment is missing or invalid"),
    )
)]
#[post("/v1/claims/{id}/deny")]
pub async fn deny_claim(
    auth: Auth<Curators>,
    pool: web::Data<Pool>,
    id: web::Path<String>,
    body: Json<ReviewComment>,
) -> Result<HttpResponse, ApiError> {
    let comment = body.into_inner()?.checked(true)?.unwrap_or_default();
    let row = pending(&pool, id.into_inner(), &auth.caller).await?;
    let (caller, id) = (auth.caller.clone(), row.id.clone());
    db::transaction(&pool, move |conn| {
        db::claims::deny(conn, &row.id, &comment, &caller)
    })
    .await?;
    Ok(HttpResponse::Ok().json(one(&pool, id).await?))
}
