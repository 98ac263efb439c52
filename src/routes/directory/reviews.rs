//! Review decisions on organizations, their threads, and the queue of what waits.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::DateTime;

use super::organizations::{Step, transition, visible, visible_to};
use crate::auth::guard::{Auth, Curators, Insiders};
use crate::db::{self, Pool};
use crate::domain::organization::{Action, Organization};
use crate::domain::review::{QueueItem, ReviewComment, ReviewKind, ReviewRules, ReviewThread};
use crate::error::ApiError;
use crate::http::json::{Json, OptionalJson};
use crate::http::pagination::{Page, PageQuery};

/// Approves an organization in review (in_review → published), with an optional `comment`
/// for the thread. Under the four-eyes rule (`ANNUAIRE_FOUR_EYES`, on by default) whoever
/// submitted it cannot approve it. Curators and admins.
#[utoipa::path(
    tag = "reviews",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Id or slug"),
        ("If-Match" = Option<String>, Header, description = "The ETag last read; checked when sent"),
    ),
    request_body(content = Option<ReviewComment>, description = "An optional comment"),
    responses(
        (status = 200, description = "Approved and published", body = Organization, headers(("ETag" = String))),
        (status = 400, description = "Malformed JSON"),
        (status = 404, description = "No such organization"),
        (status = 409, description = "Not in review, or you submitted it (four-eyes rule)"),
        (status = 412, description = "Changed since you read it"),
        (status = 415, description = "The body is not JSON"),
        (status = 422, description = "Invalid comment"),
    )
)]
#[post("/v1/organizations/{id}/approve")]
pub async fn approve_organization(
    auth: Auth<Curators>,
    req: HttpRequest,
    pool: web::Data<Pool>,
    rules: web::Data<ReviewRules>,
    id: web::Path<String>,
    body: OptionalJson<ReviewComment>,
) -> Result<HttpResponse, ApiError> {
    let comment = body.into_inner()?.checked(false)?;
    let step = Step {
        comment,
        ..Step::bare(Action::Approve)
    };
    transition(auth, req, pool, **rules, id.into_inner(), step).await
}

/// Sends an organization in review back to draft, saying what must change: the `comment` is
/// required and joins the thread. Curators and admins.
#[utoipa::path(
    tag = "reviews",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Id or slug"),
        ("If-Match" = Option<String>, Header, description = "The ETag last read; checked when sent"),
    ),
    request_body = ReviewComment,
    responses(
        (status = 200, description = "Back to draft", body = Organization, headers(("ETag" = String))),
        (status = 400, description = "Malformed JSON"),
        (status = 404, description = "No such organization"),
        (status = 409, description = "Not in review"),
        (status = 412, description = "Changed since you read it"),
        (status = 415, description = "The body is not JSON"),
        (status = 422, description = "The comment is missing or invalid"),
    )
)]
#[post("/v1/organizations/{id}/request_changes")]
pub async fn request_changes(
    auth: Auth<Curators>,
    req: HttpRequest,
    pool: web::Data<Pool>,
    rules: web::Data<ReviewRules>,
    id: web::Path<String>,
    body: Json<ReviewComment>,
) -> Result<HttpResponse, ApiError> {
    let comment = body.into_inner()?.checked(true)?;
    let action = Action::RequestChanges;
    let step = Step {
        comment,
        ..Step::bare(action)
    };
    transition(auth, req, pool, **rules, id.into_inner(), step).await
}

/// The review thread of an organization, oldest first: submissions, decisions and remarks
/// with their authors. Staff, and the organization's own representatives; partners never
/// see it.
#[utoipa::path(
    tag = "reviews",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Id or slug")),
    responses(
        (status = 200, description = "The thread", body = ReviewThread),
        (status = 404, description = "No such organization"),
    )
)]
#[get("/v1/organizations/{id}/reviews")]
pub async fn list_reviews(
    auth: Auth<Insiders>,
    pool: web::Data<Pool>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (org, viewer) = visible_to(&pool, id.into_inner(), &auth.caller).await?;
    if !viewer.sees_contacts() {
        return Err(ApiError::NotFound);
    }
    let items = db::run(&pool, move |conn| db::reviews::thread(conn, &org.id)).await?;
    Ok(HttpResponse::Ok().json(ReviewThread { items }))
}

/// Adds a remark to an organization's review thread, changing nothing else. Curators and
/// admins.
#[utoipa::path(
    tag = "reviews",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Id or slug")),
    request_body = ReviewComment,
    responses(
        (status = 201, description = "The thread with the remark", body = ReviewThread),
        (status = 400, description = "Malformed JSON"),
        (status = 404, description = "No such organization"),
        (status = 415, description = "The body is not JSON"),
        (status = 422, description = "The comment is missing or invalid"),
    )
)]
#[post("/v1/organizations/{id}/reviews")]
pub async fn add_review_comment(
    auth: Auth<Curators>,
    pool: web::Data<Pool>,
    id: web::Path<String>,
    body: Json<ReviewComment>,
) -> Result<HttpResponse, ApiError> {
    let comment = body.into_inner()?.checked(true)?;
    let org = visible(&pool, id.into_inner(), auth.caller.viewer()).await?;
    let caller = auth.caller.clone();
    let items = db::transaction(&pool, move |conn| {
        let kind = ReviewKind::Comment;
        db::reviews::record(conn, &org.id, kind, comment.as_deref(), org.version, &caller)?;
        db::reviews::thread(conn, &org.id)
    })
    .await?;
    Ok(HttpResponse::Created().json(ReviewThread { items }))
}

/// What waits for a reviewer, oldest first: organizations in review (with the fields that
/// differ from the version partners last saw) and representatives' pending proposals (with
/// what they change, and whether they are in conflict) and claims to represent an organization
/// (with their evidence), each with who asked and when.
/// Curators and admins.
#[utoipa::path(
    tag = "reviews",
    security(("bearer" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "A page of the queue", body = Page<QueueItem>),
        (status = 400, description = "Bad limit or cursor"),
    )
)]
#[get("/v1/review-queue")]
pub async fn review_queue(
    _auth: Auth<Curators>,
    query: web::Query<PageQuery>,
    pool: web::Data<Pool>,
) -> Result<HttpResponse, ApiError> {
    let page = query.validate()?;
    let after = page.after.as_deref().map(queue_key).transpose()?;
    let fetch = page.fetch();
    // Each source is read in (time, id) order past the cursor; their merge is in that order.
    let rows = db::run(&pool, move |conn| {
        let mut rows = db::reviews::queue(conn, after.as_ref(), fetch)?;
        rows.extend(super::proposals::queued(conn, after.as_ref(), fetch)?);
        rows.extend(super::claims::queued(conn, after.as_ref(), fetch)?);
        rows.sort_by(|a, b| a.key().cmp(&b.key()));
        rows.truncate(usize::try_from(fetch).unwrap_or(usize::MAX));
        Ok(rows)
    })
    .await?;
    let key = |item: &QueueItem| {
        let (at, id) = item.key();
        format!("{}|{id}", at.timestamp_micros())
    };
    Ok(HttpResponse::Ok().json(page.page(rows, key, |item| item)))
}

/// The submission time and organization id a queue cursor holds.
pub(super) fn queue_key(key: &str) -> Result<db::reviews::QueueKey, ApiError> {
    let invalid = || ApiError::BadRequest("cursor is not one this API returned".into());
    let (micros, id) = key.split_once('|').ok_or_else(invalid)?;
    let at = micros
        .parse::<i64>()
        .ok()
        .and_then(DateTime::from_timestamp_micros)
        .ok_or_else(invalid)?;
    Ok((at.naive_utc(), id.to_owned()))
}
