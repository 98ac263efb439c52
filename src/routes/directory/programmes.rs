//! Programmes and their participants.

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::auth::guard::{Anyone, Auth, Curators};
use crate::db::{self, Pool, items, organizations, programmes};
use crate::domain::checks::slugify;
use crate::domain::items::{Item, ParticipationFields};
use crate::domain::merge_patch;
use crate::domain::programme::{Programme, ProgrammeFields};
use crate::error::ApiError;
use crate::http::etag;
use crate::http::json::Json;
use crate::http::pagination::{Page, PageQuery};

/// A programme with the participants the caller may see.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProgrammeDetail {
    /// The programme.
    #[serde(flatten)]
    pub programme: Programme,
    /// Who takes part, and how (`organization_id`, `role`).
    pub participants: Vec<Item<ParticipationFields>>,
}

fn respond(mut response: actix_web::HttpResponseBuilder, programme: Programme) -> HttpResponse {
    response
        .insert_header(("ETag", format!("\"{}\"", programme.version)))
        .json(programme)
}

async fn find(pool: &Pool, id: String) -> Result<Programme, ApiError> {
    db::run(pool, move |conn| programmes::find(conn, &id))
        .await?
        .ok_or(ApiError::NotFound)
}

/// Creates a programme. Curators and admins.
#[utoipa::path(
    tag = "programmes",
    security(("bearer" = [])),
    request_body = ProgrammeFields,
    responses(
        (status = 201, description = "Created", body = Programme, headers(("ETag" = String), ("Location" = String))),
        (status = 400, description = "Malformed JSON"),
        (status = 409, description = "A programme with this name exists"),
        (status = 415, description = "The body is not JSON"),
        (status = 422, description = "Invalid fields, all listed"),
    )
)]
#[post("/v1/programmes")]
pub async fn create_programme(
    auth: Auth<Curators>,
    pool: web::Data<Pool>,
    body: Json<ProgrammeFields>,
) -> Result<HttpResponse, ApiError> {
    let fields = body.into_inner()?;
    fields.validate()?;
    let now = db::now().and_utc();
    let programme = Programme {
        id: uuid::Uuid::now_v7().to_string(),
        slug: slugify(&fields.name),
        fields,
        version: 1,
        created_at: now,
        updated_at: now,
    };
    let stored = programme.clone();
    let caller = auth.caller;
    db::transaction(&pool, move |conn| programmes::insert(conn, &stored, &caller)).await?;
    let mut response = HttpResponse::Created();
    response.insert_header(("Location", format!("/v1/programmes/{}", programme.id)));
    Ok(respond(response, programme))
}

/// Lists programmes, a page at a time.
#[utoipa::path(
    tag = "programmes",
    security(("bearer" = [])),
    params(PageQuery),
    responses(
        (status = 200, description = "A page of programmes", body = Page<Programme>),
        (status = 400, description = "Bad limit or cursor"),
    )
)]
#[get("/v1/programmes")]
pub async fn list_programmes(
    _auth: Auth<Anyone>,
    pool: web::Data<Pool>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, ApiError> {
    let page = query.validate()?;
    let (after, fetch) = (page.after.clone(), page.fetch());
    let rows = db::run(&pool, move |conn| programmes::list(conn, after.as_deref(), fetch)).await?;
    Ok(HttpResponse::Ok().json(page.page(rows, |p| p.id.clone(), |p| p)))
}

/// Reads a programme with its participants (partners see published participants only).
/// `If-None-Match` answers 304.
#[utoipa::path(
    tag = "programmes",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Id or slug"),
        ("If-None-Match" = Option<String>, Header, description = "An ETag you hold"),
    ),
    responses(
        (status = 200, description = "The programme", body = ProgrammeDetail, headers(("ETag" = String))),
        (status = 304, description = "Your copy is current"),
        (status = 404, description = "No such programme"),
    )
)]
#[get("/v1/programmes/{id}")]
pub async fn get_programme(
    auth: Auth<Anyone>,
    req: HttpRequest,
    pool: web::Data<Pool>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let programme = find(&pool, id.into_inner()).await?;
    let viewer = auth.caller.viewer();
    let programme_id = programme.id.clone();
    let participants = db::run(&pool, move |conn| {
        let participants = items::participants_of(conn, &programme_id)?;
        let ids: Vec<&str> = participants.iter().map(|p| p.organization_id.as_str()).collect();
        let statuses = organizations::statuses(conn, &ids)?;
        Ok(participants
            .into_iter()
            .filter(|p| statuses.get(&p.organization_id).is_some_and(|s| viewer.sees(*s)))
            .collect::<Vec<_>>())
    })
    .await?;
    // Participants join and leave without the programme's version: the tag covers the body.
    let tag = format!("\"{}\"", programme.version);
    let detail = ProgrammeDetail {
        programme,
        participants,
    };
    etag::json_with_version(&req, &tag, &detail)
}

/// Changes a programme with a JSON Merge Patch; needs `If-Match`. Curators and admins.
#[utoipa::path(
    tag = "programmes",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Id or slug"),
        ("If-Match" = String, Header, description = "The ETag last read"),
    ),
    request_body(content = ProgrammeFields, description = "Any subset of the fields", content_type = "application/merge-patch+json"),
    responses(
        (status = 200, description = "Changed", body = Programme, headers(("ETag" = String))),
        (status = 400, description = "Malformed JSON"),
        (status = 404, description = "No such programme"),
        (status = 412, description = "Changed since you read it"),
        (status = 415, description = "The body is not JSON"),
        (status = 422, description = "Invalid fields, all listed"),
        (status = 428, description = "If-Match missing"),
    )
)]
#[patch("/v1/programmes/{id}")]
pub async fn update_programme(
    auth: Auth<Curators>,
    req: HttpRequest,
    pool: web::Data<Pool>,
    id: web::Path<String>,
    body: Json<Value>,
) -> Result<HttpResponse, ApiError> {
    let patch = body.into_inner()?;
    let before = find(&pool, id.into_inner()).await?;
    etag::require_match(&req, &format!("\"{}\"", before.version))?;
    let fields = merge_patch::apply(&before.fields, patch)?;
    fields.validate()?;
    let after = Programme {
        fields,
        version: before.version + 1,
        updated_at: db::now().and_utc(),
        ..before.clone()
    };
    let stored = after.clone();
    let caller = auth.caller;
    db::transaction(&pool, move |conn| {
        programmes::save(conn, &before, &stored, &caller)
    })
    .await?;
    Ok(respond(HttpResponse::Ok(), after))
}
