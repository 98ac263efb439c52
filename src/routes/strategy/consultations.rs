//! `/v1/consultations`: the sector's consultations.

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use serde::Deserialize;
use serde_json::Value;
use utoipa::IntoParams;

use crate::auth::guard::{Anyone, Auth, Staff};
use crate::db::Pool;
use crate::domain::reference::Reference;
use crate::domain::strategy::consultation::{ConsultationFields, ConsultationStatus, Stage};
use crate::domain::strategy::{Entry, EntryFilter, LinkKind};
use crate::error::ApiError;
use crate::http::json::Json;
use crate::http::pagination::{Page, PageQuery};

/// Filters of the consultation list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ConsultationQuery {
    /// Words that must all appear in the title, summary or place (accents and case ignored).
    pub q: Option<String>,
    /// Its stage.
    pub stage: Option<Stage>,
    /// Whether it took place.
    pub status: Option<ConsultationStatus>,
    /// An organization that organized it or took part (its id).
    pub organization: Option<String>,
    /// The programme it belongs to (its id).
    pub programme: Option<String>,
    /// Items per page, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Records a consultation (a draft unless `visibility` says `published`). Curators, agency
/// and admins. Organizers and participants are organizations of the directory, by id.
#[utoipa::path(
    tag = "strategy",
    security(("bearer" = [])),
    request_body = ConsultationFields,
    responses(
        (status = 201, description = "Recorded", body = Entry<ConsultationFields>, headers(("ETag" = String), ("Location" = String))),
        (status = 400, description = "Malformed JSON"),
        (status = 415, description = "The body is not JSON"),
        (status = 422, description = "Invalid fields or unknown ids, all listed"),
    )
)]
#[post("/v1/consultations")]
pub async fn create_consultation(
    auth: Auth<Staff>,
    pool: web::Data<Pool>,
    reference: web::Data<Reference>,
    body: Json<ConsultationFields>,
) -> Result<HttpResponse, ApiError> {
    let fields = body.into_inner()?;
    super::create(&pool, &reference, auth.caller, fields, None, |id| {
        format!("/v1/consultations/{id}")
    })
    .await
}

/// Lists consultations, a page at a time in the order they were recorded. Partners and
/// representatives see published ones, and only the published organizations they name.
#[utoipa::path(
    tag = "strategy",
    security(("bearer" = [])),
    params(ConsultationQuery),
    responses(
        (status = 200, description = "A page of consultations", body = Page<Entry<ConsultationFields>>, headers(("ETag" = String))),
        (status = 304, description = "Your copy is current"),
        (status = 400, description = "A bad parameter, named in `detail`"),
    )
)]
#[get("/v1/consultations")]
pub async fn list_consultations(
    auth: Auth<Anyone>,
    req: HttpRequest,
    pool: web::Data<Pool>,
    query: web::Query<ConsultationQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let mut filter = EntryFilter {
        words: super::words(query.q.as_deref())?,
        level: query.stage.map(|s| s.as_str().into()),
        status: query.status.map(|s| s.as_str().into()),
        ..EntryFilter::default()
    };
    let organization = query.organization.as_deref();
    super::named_by(
        &mut filter,
        "organization",
        &[LinkKind::Organizer, LinkKind::Participant],
        organization,
    )?;
    super::named_by(
        &mut filter,
        "programme",
        &[LinkKind::Programme],
        query.programme.as_deref(),
    )?;
    let paging = PageQuery {
        limit: query.limit,
        cursor: query.cursor,
    };
    super::list::<ConsultationFields>(&pool, &req, auth.caller.viewer(), filter, paging).await
}

/// Reads a consultation. `If-None-Match` answers 304.
#[utoipa::path(
    tag = "strategy",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Its id"),
        ("If-None-Match" = Option<String>, Header, description = "An ETag you hold"),
    ),
    responses(
        (status = 200, description = "The consultation", body = Entry<ConsultationFields>, headers(("ETag" = String))),
        (status = 304, description = "Your copy is current"),
        (status = 404, description = "No such consultation, or not published"),
    )
)]
#[get("/v1/consultations/{id}")]
pub async fn get_consultation(
    auth: Auth<Anyone>,
    req: HttpRequest,
    pool: web::Data<Pool>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let entry = super::read::<ConsultationFields>(&pool, id.into_inner(), auth.caller.viewer()).await?;
    super::respond(&req, &entry)
}

/// Changes a consultation with a JSON Merge Patch (`{"visibility": "published"}` publishes
/// it); needs `If-Match`. Curators, agency and admins.
#[utoipa::path(
    tag = "strategy",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Its id"),
        ("If-Match" = String, Header, description = "The ETag last read"),
    ),
    request_body(content = ConsultationFields, description = "Any subset of the fields", content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "Changed", body = Entry<ConsultationFields>, headers(("ETag" = String))),
        (status = 400, description = "Malformed JSON"),
        (status = 404, description = "No such consultation"),
        (status = 412, description = "Changed since you read it"),
        (status = 415, description = "The body is not JSON"),
        (status = 422, description = "Invalid fields or unknown ids, all listed"),
        (status = 428, description = "If-Match missing"),
    )
)]
#[patch("/v1/consultations/{id}")]
pub async fn update_consultation(
    auth: Auth<Staff>,
    req: HttpRequest,
    pool: web::Data<Pool>,
    reference: web::Data<Reference>,
    id: web::Path<String>,
    body: Json<Value>,
) -> Result<HttpResponse, ApiError> {
    let patch = body.into_inner()?;
    let before = super::read::<ConsultationFields>(&pool, id.into_inner(), auth.caller.viewer()).await?;
    super::update(&pool, &reference, &req, auth.caller, before, patch, |_, _| ()).await
}

/// Deletes a consultation no barrier names; needs `If-Match`. Curators, agency and admins.
#[utoipa::path(
    tag = "strategy",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Its id"),
        ("If-Match" = String, Header, description = "The ETag last read"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such consultation"),
        (status = 409, description = "Barriers name it"),
        (status = 412, description = "Changed since you read it"),
        (status = 428, description = "If-Match missing"),
    )
)]
#[delete("/v1/consultations/{id}")]
pub async fn delete_consultation(
    auth: Auth<Staff>,
    req: HttpRequest,
    pool: web::Data<Pool>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let entry = super::read::<ConsultationFields>(&pool, id.into_inner(), auth.caller.viewer()).await?;
    super::remove(&pool, &req, auth.caller, entry).await
}

/// The history of a consultation, oldest first: who changed what, when, with the states before and
/// after. Curators, agency and admins.
#[utoipa::path(
    tag = "strategy",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Its id"), PageQuery),
    responses(
        (status = 200, description = "A page of changes", body = Page<crate::routes::directory::HistoryEntry>),
        (status = 400, description = "Bad limit or cursor"),
        (status = 404, description = "No such consultation"),
    )
)]
#[get("/v1/consultations/{id}/history")]
pub async fn consultation_history(
    auth: Auth<Staff>,
    pool: web::Data<Pool>,
    id: web::Path<String>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let entry = super::read::<ConsultationFields>(&pool, id.into_inner(), auth.caller.viewer()).await?;
    super::history(&pool, entry, query.into_inner()).await
}
