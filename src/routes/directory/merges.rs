//! Merging a duplicate into the organization that stays.

use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::guard::{Auth, Curators};
use crate::db::{self, Pool};
use crate::domain::duplicates::MergeRecord;
use crate::domain::organization::Organization;
use crate::domain::vocab::Status;
use crate::error::ApiError;
use crate::http::etag;
use crate::http::json::Json;

/// The body of a merge.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"into": "teranga-services"}))]
pub struct MergeBody {
    /// The organization that stays (id or slug).
    pub into: String,
}

/// What a merge did: the survivor as it is now, and what moved.
#[derive(Debug, Serialize, ToSchema)]
pub struct Merged {
    /// The survivor.
    pub organization: Organization,
    /// What moved to it and what was dropped.
    pub merge: MergeRecord,
}

/// Merges this organization into `into`, in one transaction: its capabilities, markets,
/// certifications, contacts, relationships (both ways), programme participations, buyer
/// matches and accounts move to the survivor (rows the survivor already has the like of, and
/// links between the two, are dropped), with the registry identifiers of schemes the survivor
/// lacks. The merged organization is archived; its id and slug answer `301` to the survivor,
/// the change feed names it in `merged_into`, and the survivor's history includes the merged
/// one's with what moved. `If-Match`, when sent, is checked against the merged organization.
/// Curators and admins.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Id or slug of the organization merged away"),
        ("If-Match" = Option<String>, Header, description = "The merged organization's ETag last read; checked when sent"),
    ),
    request_body = MergeBody,
    responses(
        (status = 200, description = "Merged", body = Merged, headers(("ETag" = String, description = "The survivor's version"))),
        (status = 400, description = "Malformed JSON"),
        (status = 404, description = "No such organization, or no such survivor"),
        (status = 409, description = "The same organization, one of them archived, or organizations of different kinds"),
        (status = 412, description = "The merged organization changed since you read it"),
        (status = 415, description = "The body is not JSON"),
        (status = 422, description = "Invalid fields"),
    )
)]
#[post("/v1/organizations/{id}/merge")]
pub async fn merge_organization(
    auth: Auth<Curators>,
    req: HttpRequest,
    pool: web::Data<Pool>,
    id: web::Path<String>,
    body: Json<MergeBody>,
) -> Result<HttpResponse, ApiError> {
    let into = body.into_inner()?.into;
    if into.trim().is_empty() || into.len() > 200 {
        return Err(ApiError::invalid(
            "into",
            "must name an organization by id or slug",
        ));
    }
    let viewer = auth.caller.viewer();
    let if_match = etag::sent_if_match(&req);
    let caller = auth.caller.clone();
    let merged = id.into_inner();
    let (survivor, record) = db::transaction(&pool, move |conn| {
        db::merges::merge(conn, &merged, &into, &caller, |gone, survivor| {
            etag::check_sent(if_match.as_deref(), &etag::tag(gone.version, viewer))?;
            let refused = if gone.id == survivor.id {
                "An organization cannot be merged into itself."
            } else if gone.status == Status::Archived {
                "An archived organization cannot be merged; it may be merged already."
            } else if survivor.status == Status::Archived {
                "An organization cannot be merged into an archived one."
            } else if gone.fields.kind != survivor.fields.kind {
                "Only organizations of the same kind can be merged."
            } else {
                return Ok(());
            };
            Err(ApiError::Conflict(refused.into()))
        })
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header(("ETag", etag::tag(survivor.version, viewer)))
        .json(Merged {
            organization: survivor.for_viewer(viewer),
            merge: record,
        }))
}
