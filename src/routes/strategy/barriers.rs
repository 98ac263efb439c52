//! `/v1/barriers`: what holds the sector's exports back, and `/v1/barrier-themes`.

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use serde::Deserialize;
use serde_json::Value;
use utoipa::IntoParams;

use crate::auth::guard::{Anyone, Auth, Staff};
use crate::db::Pool;
use crate::domain::reference::Reference;
use crate::domain::strategy::barrier::{BarrierFields, BarrierStatus, Level, Severity};
use crate::domain::strategy::report::{self, BarrierSummary};
use crate::domain::strategy::themes::{self, Theme, ThemeLabel};
use crate::domain::strategy::{Entry, EntryFilter, LinkKind};
use crate::error::ApiError;
use crate::http::etag;
use crate::http::json::Json;
use crate::http::pagination::{Page, PageQuery};

/// Filters of the barrier list and its summary.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct BarrierQuery {
    /// Words that must all appear in the statement (accents and case ignored).
    pub q: Option<String>,
    /// Its level.
    pub level: Option<Level>,
    /// Its theme.
    pub theme: Option<Theme>,
    /// Where it stands.
    pub status: Option<BarrierStatus>,
    /// How much it holds the sector back.
    pub severity: Option<Severity>,
    /// A taxonomy code: barriers on it, on a broader category or on a narrower service.
    pub service: Option<String>,
    /// A consultation that raised it (its id).
    pub consultation: Option<String>,
    /// Items per page, 1 to 100 (default 20); not for the summary.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page; not for the summary.
    pub cursor: Option<String>,
}

impl BarrierQuery {
    fn filter(&self, reference: &Reference) -> Result<EntryFilter, ApiError> {
        let mut filter = EntryFilter {
            words: super::words(self.q.as_deref())?,
            level: self.level.map(|l| l.as_str().into()),
            theme: self.theme.map(|t| t.as_str().into()),
            status: self.status.map(|s| s.as_str().into()),
            priority: self.severity.map(|s| s.as_str().into()),
            ..EntryFilter::default()
        };
        if let Some(code) = &self.service {
            reference
                .service(code)
                .map_err(|message| ApiError::BadRequest(format!("parameter `service`: {message}")))?;
            let mut codes = reference.with_descendants(code);
            let mut broader = reference.term(code).and_then(|t| t.parent_code.clone());
            while let Some(parent) = broader {
                broader = reference.term(&parent).and_then(|t| t.parent_code.clone());
                codes.push(parent);
            }
            filter.links.push((vec![LinkKind::Service], codes));
        }
        super::named_by(
            &mut filter,
            "consultation",
            &[LinkKind::Consultation],
            self.consultation.as_deref(),
        )?;
        Ok(filter)
    }
}

/// The controlled list of barrier themes, with French and English labels.
#[utoipa::path(
    tag = "strategy",
    security(("bearer" = [])),
    responses((status = 200, description = "Every theme", body = Vec<ThemeLabel>))
)]
#[get("/v1/barrier-themes")]
pub async fn barrier_themes(_auth: Auth<Anyone>) -> HttpResponse {
    HttpResponse::Ok().json(themes::all())
}

/// Records a barrier (a draft unless `visibility` says `published`). Curators, agency and
/// admins.
#[utoipa::path(
    tag = "strategy",
    security(("bearer" = [])),
    request_body = BarrierFields,
    responses(
        (status = 201, description = "Recorded", body = Entry<BarrierFields>, headers(("ETag" = String), ("Location" = String))),
        (status = 400, description = "Malformed JSON"),
        (status = 415, description = "The body is not JSON"),
        (status = 422, description = "Invalid fields, codes or unknown ids, all listed"),
    )
)]
#[post("/v1/barriers")]
pub async fn create_barrier(
    auth: Auth<Staff>,
    pool: web::Data<Pool>,
    reference: web::Data<Reference>,
    body: Json<BarrierFields>,
) -> Result<HttpResponse, ApiError> {
    let fields = body.into_inner()?;
    super::create(&pool, &reference, auth.caller, fields, None, |id| {
        format!("/v1/barriers/{id}")
    })
    .await
}

/// Lists barriers, searched and filtered, a page at a time in the order they were recorded.
/// Partners and representatives see published ones.
#[utoipa::path(
    tag = "strategy",
    security(("bearer" = [])),
    params(BarrierQuery),
    responses(
        (status = 200, description = "A page of barriers", body = Page<Entry<BarrierFields>>, headers(("ETag" = String))),
        (status = 304, description = "Your copy is current"),
        (status = 400, description = "A bad parameter or code, named in `detail`"),
    )
)]
#[get("/v1/barriers")]
pub async fn list_barriers(
    auth: Auth<Anyone>,
    req: HttpRequest,
    pool: web::Data<Pool>,
    reference: web::Data<Reference>,
    query: web::Query<BarrierQuery>,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let filter = query.filter(&reference)?;
    let paging = PageQuery {
        limit: query.limit,
        cursor: query.cursor,
    };
    super::list::<BarrierFields>(&pool, &req, auth.caller.viewer(), filter, paging).await
}

/// Counts the barriers the caller sees (the list's filters apply) by level, theme, status
/// and service.
#[utoipa::path(
    tag = "strategy",
    security(("bearer" = [])),
    params(BarrierQuery),
    responses(
        (status = 200, description = "The counts", body = BarrierSummary, headers(("ETag" = String))),
        (status = 304, description = "Your copy is current"),
        (status = 400, description = "A bad parameter or code, named in `detail`"),
    )
)]
#[get("/v1/barriers/summary")]
pub async fn barrier_summary(
    auth: Auth<Anyone>,
    req: HttpRequest,
    pool: web::Data<Pool>,
    reference: web::Data<Reference>,
    query: web::Query<BarrierQuery>,
) -> Result<HttpResponse, ApiError> {
    if query.limit.is_some() || query.cursor.is_some() {
        return Err(ApiError::BadRequest(
            "the summary takes no `limit` or `cursor`".into(),
        ));
    }
    let filter = query.filter(&reference)?;
    let barriers = super::all::<BarrierFields>(&pool, auth.caller.viewer(), filter).await?;
    etag::json_with_digest(&req, &report::summary(&barriers))
}

/// Reads a barrier. `If-None-Match` answers 304.
#[utoipa::path(
    tag = "strategy",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Its id"),
        ("If-None-Match" = Option<String>, Header, description = "An ETag you hold"),
    ),
    responses(
        (status = 200, description = "The barrier", body = Entry<BarrierFields>, headers(("ETag" = String))),
        (status = 304, description = "Your copy is current"),
        (status = 404, description = "No such barrier, or not published"),
    )
)]
#[get("/v1/barriers/{id}")]
pub async fn get_barrier(
    auth: Auth<Anyone>,
    req: HttpRequest,
    pool: web::Data<Pool>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let entry = super::read::<BarrierFields>(&pool, id.into_inner(), auth.caller.viewer()).await?;
    super::respond(&req, &entry)
}

/// Changes a barrier with a JSON Merge Patch; needs `If-Match`. Curators, agency and admins.
#[utoipa::path(
    tag = "strategy",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Its id"),
        ("If-Match" = String, Header, description = "The ETag last read"),
    ),
    request_body(content = BarrierFields, description = "Any subset of the fields", content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "Changed", body = Entry<BarrierFields>, headers(("ETag" = String))),
        (status = 400, description = "Malformed JSON"),
        (status = 404, description = "No such barrier"),
        (status = 412, description = "Changed since you read it"),
        (status = 415, description = "The body is not JSON"),
        (status = 422, description = "Invalid fields, codes or unknown ids, all listed"),
        (status = 428, description = "If-Match missing"),
    )
)]
#[patch("/v1/barriers/{id}")]
pub async fn update_barrier(
    auth: Auth<Staff>,
    req: HttpRequest,
    pool: web::Data<Pool>,
    reference: web::Data<Reference>,
    id: web::Path<String>,
    body: Json<Value>,
) -> Result<HttpResponse, ApiError> {
    let patch = body.into_inner()?;
    let before = super::read::<BarrierFields>(&pool, id.into_inner(), auth.caller.viewer()).await?;
    super::update(&pool, &reference, &req, auth.caller, before, patch, |_, _| ()).await
}

/// Deletes a barrier no action answers; needs `If-Match`. Curators, agency and admins.
#[utoipa::path(
    tag = "strategy",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Its id"),
        ("If-Match" = String, Header, description = "The ETag last read"),
    ),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such barrier"),
        (status = 409, description = "Actions answer it"),
        (status = 412, description = "Changed since you read it"),
        (status = 428, description = "If-Match missing"),
    )
)]
#[delete("/v1/barriers/{id}")]
pub async fn delete_barrier(
    auth: Auth<Staff>,
    req: HttpRequest,
    pool: web::Data<Pool>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let entry = super::read::<BarrierFields>(&pool, id.into_inner(), auth.caller.viewer()).await?;
    super::remove(&pool, &req, auth.caller, entry).await
}

/// The history of a barrier, oldest first: who changed what, when, with the states before and
/// after. Curators, agency and admins.
#[utoipa::path(
    tag = "strategy",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Its id"), PageQuery),
    responses(
        (status = 200, description = "A page of changes", body = Page<crate::routes::directory::HistoryEntry>),
        (status = 400, description = "Bad limit or cursor"),
        (status = 404, description = "No such barrier"),
    )
)]
#[get("/v1/barriers/{id}/history")]
pub async fn barrier_history(
    auth: Auth<Staff>,
    pool: web::Data<Pool>,
    id: web::Path<String>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let entry = super::read::<BarrierFields>(&pool, id.into_inner(), auth.caller.viewer()).await?;
    super::history(&pool, entry, query.into_inner()).await
}
