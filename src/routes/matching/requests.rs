//! Buyer requests: a foreign buyer's need, recorded and followed by the agency.

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use serde_json::Value;

use crate::auth::guard::{Auth, Matchmakers};
use crate::db::{self, Pool, audit, buyer_requests};
use crate::domain::buyer_request::{BuyerRequest, BuyerRequestFields, check_request_move};
use crate::domain::merge_patch;
use crate::domain::reference::Reference;
use crate::domain::request_query::{RequestQuery, RequestQueryParams, encode_after};
use crate::domain::vocab::RequestStatus;
use crate::error::ApiError;
use crate::http::etag;
use crate::http::json::Json;
use crate::http::pagination::{Page, PageQuery, PageRequest, decode_cursor};
use crate::routes::directory::{HistoryEntry, history_page};

fn tag(request: &BuyerRequest) -> String {
    format!("\"{}\"", request.version)
}

fn respond(mut response: actix_web::HttpResponseBuilder, request: BuyerRequest) -> HttpResponse {
    response.insert_header(("ETag", tag(&request))).json(request)
}

/// The request with this id, or a 404.
pub(super) async fn find(pool: &Pool, id: String) -> Result<BuyerRequest, ApiError> {
    db::run(pool, move |conn| buyer_requests::find(conn, &id))
        .await?
        .ok_or(ApiError::NotFound)
}

/// Records a buyer's need; it starts `open`. Agency and admins.
#[utoipa::path(
    tag = "matching",
    security(("bearer" = [])),
    request_body = BuyerRequestFields,
    responses(
        (status = 201, description = "Recorded", body = BuyerRequest, headers(("ETag" = String), ("Location" = String))),
        (status = 400, description = "Malformed JSON"),
        (status = 415, description = "The body is not JSON"),
        (status = 422, description = "Invalid fields, all listed"),
    )
)]
#[post("/v1/buyer-requests")]
pub async fn create_buyer_request(
    auth: Auth<Matchmakers>,
    pool: web::Data<Pool>,
    reference: web::Data<Reference>,
    body: Json<BuyerRequestFields>,
) -> Result<HttpResponse, ApiError> {
    let fields = body.into_inner()?;
    fields.validate(&reference)?;
    if fields.status != RequestStatus::Open {
        return Err(ApiError::invalid("status", "a new request starts open"));
    }
    let now = db::now().and_utc();
    let request = BuyerRequest {
        id: uuid::Uuid::now_v7().to_string(),
        owner_id: auth.caller.id.clone(),
        fields,
        version: 1,
        created_at: now,
        updated_at: now,
        closed_at: None,
    };
    let stored = request.clone();
    let caller = auth.caller;
    db::transaction(&pool, move |conn| buyer_requests::insert(conn, &stored, &caller)).await?;
    let mut response = HttpResponse::Created();
    response.insert_header(("Location", format!("/v1/buyer-requests/{}", request.id)));
    Ok(respond(response, request))
}

/// Finds buyer requests: by status, wanted service (a category covers its services), buyer
/// country, owner, recording date, deadline and words of the buyer's name or notes; a
/// repeated parameter is OR, different ones AND. Sorted by recording (default), deadline or
/// last change, a page at a time. Agency and admins.
#[utoipa::path(
    tag = "matching",
    security(("bearer" = [])),
    params(RequestQueryParams),
    responses(
        (status = 200, description = "A page of requests", body = Page<BuyerRequest>),
        (status = 400, description = "An unknown parameter, a bad value, limit or cursor"),
    )
)]
#[get("/v1/buyer-requests")]
pub async fn list_buyer_requests(
    auth: Auth<Matchmakers>,
    req: HttpRequest,
    pool: web::Data<Pool>,
    reference: web::Data<Reference>,
) -> Result<HttpResponse, ApiError> {
    let mut query = RequestQuery::parse(req.query_string(), &reference, &auth.caller.id)?;
    if let Some(cursor) = query.cursor.clone() {
        query.start_after(&decode_cursor(&cursor)?)?;
    }
    let page = PageRequest {
        after: None,
        limit: query.limit,
    };
    let sort = query.sort;
    let rows = db::run(&pool, move |conn| buyer_requests::list(conn, &query)).await?;
    Ok(HttpResponse::Ok().json(page.page(rows, |r| encode_after(sort, r), |r| r)))
}

/// Reads a buyer request. Agency and admins.
#[utoipa::path(
    tag = "matching",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The request's id")),
    responses(
        (status = 200, description = "The request", body = BuyerRequest, headers(("ETag" = String))),
        (status = 304, description = "Unchanged since the ETag in If-None-Match"),
        (status = 404, description = "No such request"),
    )
)]
#[get("/v1/buyer-requests/{id}")]
pub async fn get_buyer_request(
    _auth: Auth<Matchmakers>,
    req: HttpRequest,
    pool: web::Data<Pool>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let request = find(&pool, id.into_inner()).await?;
    if etag::not_modified(&req, &tag(&request)) {
        return Ok(HttpResponse::NotModified()
            .insert_header(("ETag", tag(&request)))
            .finish());
    }
    Ok(respond(HttpResponse::Ok(), request))
}

/// Changes a buyer request with a JSON Merge Patch, its status included (between `open` and
/// `shortlisting`, or to a final `closed_won`, `closed_lost` or `cancelled`; any other move is
/// a 409). Needs `If-Match`. Agency and admins.
#[utoipa::path(
    tag = "matching",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The request's id"),
        ("If-Match" = String, Header, description = "The ETag last read"),
    ),
    request_body(content = BuyerRequestFields, description = "Any subset of the fields", content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "Changed", body = BuyerRequest, headers(("ETag" = String))),
        (status = 400, description = "Malformed JSON"),
        (status = 404, description = "No such request"),
        (status = 409, description = "A status move that is not allowed"),
        (status = 412, description = "Changed since you read it"),
        (status = 415, description = "The body is not JSON"),
        (status = 422, description = "Invalid fields, all listed"),
        (status = 428, description = "If-Match missing"),
    )
)]
#[patch("/v1/buyer-requests/{id}")]
pub async fn update_buyer_request(
    auth: Auth<Matchmakers>,
    req: HttpRequest,
    pool: web::Data<Pool>,
    reference: web::Data<Reference>,
    id: web::Path<String>,
    body: Json<Value>,
) -> Result<HttpResponse, ApiError> {
    let patch = body.into_inner()?;
    let before = find(&pool, id.into_inner()).await?;
    etag::require_match(&req, &tag(&before))?;
    let fields = merge_patch::apply(&before.fields, patch)?;
    fields.validate(&reference)?;
    check_request_move(before.fields.status, fields.status)?;
    let now = db::now().and_utc();
    let closing =
        before.is_active() && !matches!(fields.status, RequestStatus::Open | RequestStatus::Shortlisting);
    let after = BuyerRequest {
        fields,
        version: before.version + 1,
        updated_at: now,
        closed_at: if closing { Some(now) } else { before.closed_at },
        ..before.clone()
    };
    let stored = after.clone();
    let caller = auth.caller;
    db::transaction(&pool, move |conn| {
        buyer_requests::save(conn, &before, &stored, &caller)
    })
    .await?;
    Ok(respond(HttpResponse::Ok(), after))
}

/// Deletes a buyer request recorded by mistake, with its matches; `If-Match` is checked when
/// sent. A need that went away is better `cancelled`, which keeps it in the statistics.
/// Agency and admins.
#[utoipa::path(
    tag = "matching",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The request's id"),
        ("If-Match" = Option<String>, Header, description = "The ETag last read"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such request"),
        (status = 412, description = "Changed since you read it"),
    )
)]
#[delete("/v1/buyer-requests/{id}")]
pub async fn delete_buyer_request(
    auth: Auth<Matchmakers>,
    req: HttpRequest,
    pool: web::Data<Pool>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let request = find(&pool, id.into_inner()).await?;
    etag::check_sent(etag::sent_if_match(&req).as_deref(), &tag(&request))?;
    let caller = auth.caller;
    db::transaction(&pool, move |conn| buyer_requests::delete(conn, &request, &caller)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The history of a buyer request and its matches, oldest first. Agency and admins.
#[utoipa::path(
    tag = "matching",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The request's id"), PageQuery),
    responses(
        (status = 200, description = "A page of changes", body = Page<HistoryEntry>),
        (status = 400, description = "Bad limit or cursor"),
        (status = 404, description = "No such request"),
    )
)]
#[get("/v1/buyer-requests/{id}/history")]
pub async fn buyer_request_history(
    _auth: Auth<Matchmakers>,
    pool: web::Data<Pool>,
    id: web::Path<String>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = query.validate()?;
    let after = page.after_position()?;
    let request = find(&pool, id.into_inner()).await?;
    let fetch = page.fetch();
    let rows = db::run(&pool, move |conn| {
        audit::of_buyer_request(conn, &request.id, after, fetch)
    })
    .await?;
    history_page(&page, rows)
}
